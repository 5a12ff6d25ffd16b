"""`kb annotations import`: Zotero highlights become claim stubs in a note (a thin layer over
:mod:`litkb.contrib.zotero` and :mod:`litkb.contrib.stubs`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Context, load


@click.group("annotations")
def annotations_group() -> None:
    """Bring highlights made in Zotero into a note."""


@annotations_group.command("import")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", required=True, help="BibTeX key of the source whose note gets the stubs (the note must exist: kb new source KEY).")
@click.option("--dry-run", is_flag=True, help="Show what would be added; change nothing.")
@click.pass_obj
def import_command(obj: Context, export: Path, key: str, dry_run: bool) -> None:
    """Append a claim stub to the note on KEY for every highlight in EXPORT.

    EXPORT is a Zotero export of PDF annotations: the note made by "Add Note from Annotations"
    (its HTML, or the note exported as Markdown) or the annotation items as JSON (web or local
    API). Each stub has the highlighted text as its quote, "p. <page label>" as its locator, the
    comment as its text, and the concepts its tags (or #hashtags in the comment) name; its type and
    stances are left for you, and kb check lists them until they are written. Existing claims are
    never changed, a highlight already quoted is skipped, and the note keeps its comments and
    layout. A file that is not such an export is refused with one located line, and nothing is
    written.
    """
    from ..contrib.stubs import StubError, import_annotations
    from ..contrib.zotero import MAX_EXPORT_BYTES, ExportError, read_export
    from ..load.textio import read_bytes_at

    shown = str(export)
    data, problems = read_bytes_at(None, shown, shown, MAX_EXPORT_BYTES)
    if data is None:
        click.echo(problems[0].text(), err=True)
        sys.exit(1)
    try:
        highlights = read_export(data, shown)
        path, outcomes = import_annotations(load(obj.root), key, highlights, dry_run=dry_run)
    except ExportError as err:
        click.echo(err.problem.text(), err=True)
        sys.exit(1)
    except (StubError, OSError) as err:
        raise click.ClickException(str(err)) from err
    verb = "would add" if dry_run else "added"
    for o in outcomes:
        page = f" (p. {o.highlight.page_label})" if o.highlight.page_label else " (no page label)"
        if o.claim_id:
            click.echo(f"{verb} {o.claim_id}{page}")
        else:
            words = " ".join(o.highlight.text.split()[:8])
            more = "..." if len(o.highlight.text.split()) > 8 else ""
            click.echo(f"skipped \"{words}{more}\" ({export.name}:{o.highlight.line}){page}: {o.skipped}")
    added = sum(bool(o.claim_id) for o in outcomes)
    summary = f"{path}: {added} stub{'s' * (added != 1)} {'would be ' if dry_run else ''}added, {len(outcomes) - added} skipped"
    if added and not dry_run:
        summary += "; complete each (text, type, concepts and stances), then run kb check and kb verify-quotes"
    click.echo(summary)


COMMANDS: list[click.Command] = [annotations_group]
