"""`kb verify-quotes`: check quotes against the full texts of their sources."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Context, load


@click.command("verify-quotes")
@click.option("--fulltext", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of plain-text full texts, named <key>.txt or mapped by --map.")
@click.option("--map", "mapping", type=click.Path(dir_okay=False, path_type=Path), help="YAML file 'key: file name' for texts not named by key (default: fulltext.yaml in the knowledge base, if present).")
@click.pass_obj
def verify_quotes_command(obj: Context, folder: Path, mapping: Path | None) -> None:
    """Check that every quote occurs verbatim in its source's full text.

    Whitespace, line breaks, hyphenation at line ends and the form of quote marks are ignored.
    Full texts must be regular files inside the folder (a mapped name leading outside it is
    refused with the mapping file's line). Each mismatch is printed with the note's file:line and the closest passage found.
    Each cited_as of a reported claim must also stand in its quote or in the paragraph of the
    full text that holds the quote. Exit 1 on any mismatch.
    """
    from ..rules.quotes import FullTextError, load_fulltexts, verify_citations, verify_quotes

    root = obj.root
    shown = str(mapping) if mapping is not None else None
    if mapping is None and (root / "fulltext.yaml").is_file():
        mapping, shown = root / "fulltext.yaml", "fulltext.yaml"
    try:
        texts = load_fulltexts(folder, mapping, shown)
        kb = load(root)
        checks = verify_quotes(kb, texts)
        citations = verify_citations(kb, texts)
    except FullTextError as err:
        raise click.ClickException(str(err)) from err
    bad = [c for c in checks if not c.found]
    for c in sorted(bad, key=lambda c: (c.path, c.line)):
        click.echo(f"{c.path}:{c.line}: quote of {c.owner} not found in {c.text_name}: \"{c.quote}\"")
        click.echo(f"    closest passage: \"{c.closest}\"")
    unseen = [cite for cite in citations if not cite.found]
    for cite in sorted(unseen, key=lambda c: (c.path, c.line)):
        click.echo(f"{cite.path}:{cite.line}: cited_as \"{cite.cited_as}\" of {cite.owner} is neither in its quote nor in the quote's paragraph of {cite.text_name}")
    keys = sorted({c.text_key for c in checks})
    cited = f"; {len(citations)} citations (cited_as) checked: {len(unseen)} not found" if citations else ""
    click.echo(f"{len(checks)} quotes checked against {len(keys)} full texts ({', '.join(keys) or 'none'}): {len(bad)} not found{cited}")
    sys.exit(1 if bad or unseen else 0)


COMMANDS: list[click.Command] = [verify_quotes_command]
