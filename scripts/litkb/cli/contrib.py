"""Contributors' commands: `kb new source|concept|question`, `kb import`, `kb diff` (thin layers over
:mod:`litkb.contrib.scaffold`, :mod:`litkb.contrib.bibimport`, :mod:`litkb.contrib.evidence_diff` and :mod:`litkb.contrib.revision`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Context, load


@click.group("new")
def new() -> None:
    """Start a new source note, concept or question page, prefilled and ready for the editor.

    The file begins with a schema line, so editors such as VS Code (with the YAML extension)
    check and complete fields while you type; `kb check` lists what is still to be written.
    """


@new.command("source")
@click.argument("key")
@click.pass_obj
def new_source(obj: Context, key: str) -> None:
    """Scaffold kb/sources/KEY.yaml for the references.bib entry KEY.

    The title, authors and year of the entry are shown as comments; summary, kind and claims are
    left for you to write. Refuses a key that is not in references.bib (add it with `kb import`)
    or a source that already has a note.
    """
    from ..contrib.scaffold import ScaffoldError
    from ..contrib.scaffold import new_source as make

    root = obj.root
    try:
        path = make(load(root), key)
    except ScaffoldError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {path.relative_to(root.resolve()).as_posix()}: write the summary, kind and claims, then run kb check")


@new.command("concept")
@click.argument("concept_id", metavar="ID")
@click.option("--label", help="Name shown to readers (default: from the id, e.g. 'Teacher agency').")
@click.option("--broader", multiple=True, metavar="NAME", help="A more general concept: id, label or alias (repeatable).")
@click.option("--related", multiple=True, metavar="NAME", help="A related concept: id, label or alias (repeatable).")
@click.pass_obj
def new_concept(obj: Context, concept_id: str, label: str | None, broader: tuple[str, ...], related: tuple[str, ...]) -> None:
    """Scaffold kb/concepts/ID.yaml for a new concept of the vocabulary.

    ID is lower-case words joined by hyphens (e.g. teacher-agency). Refuses a malformed id, an id
    or label that already names a concept (as its id, label or an alias) and an unknown
    --broader or --related concept (with the nearest names); names existing concepts with a
    similar id or alias.
    """
    from ..contrib.scaffold import ScaffoldError
    from ..contrib.scaffold import new_concept as make

    root = obj.root
    try:
        path, similar = make(load(root), concept_id, label, broader, related)
    except ScaffoldError as err:
        raise click.ClickException(str(err)) from err
    for name in similar:
        click.echo(f"note: a similar concept exists: {name}; is the new one really different?", err=True)
    click.echo(f"wrote {path.relative_to(root.resolve()).as_posix()}: write the definition (text, source, quote, locator), then run kb check")


@new.command("question")
@click.argument("question_id", metavar="ID")
@click.option("--question", "text", help="The question the page answers (its title); else write it in the file.")
@click.pass_obj
def new_question(obj: Context, question_id: str, text: str | None) -> None:
    """Scaffold kb/questions/ID.md, a question (synthesis) page.

    ID is lower-case words joined by hyphens (e.g. given-or-taken). The front matter starts with
    the schema line for editors; write the answer below it, citing claims as [@key#claim-id].
    Refuses a malformed id or an existing question.
    """
    from ..contrib.scaffold import ScaffoldError
    from ..contrib.scaffold import new_question as make

    root = obj.root
    try:
        path = make(load(root), question_id, text)
    except ScaffoldError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {path.relative_to(root.resolve()).as_posix()}: write the question, concepts, contributors and the answer, then run kb check")


@click.command("import")
@click.argument("export", metavar="FILE.bib", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be added; change nothing.")
@click.pass_obj
def import_(obj: Context, export: Path, dry_run: bool) -> None:
    """Add the entries of FILE.bib (exported from Zotero, JabRef, Mendeley ...) to references.bib.

    Duplicates (same DOI, or same title, first author and year) are reported, not added; existing
    entries are never changed; new entries go in key order, in the library's style, marked
    `verification = {unverified}` unless they say otherwise. Fields local to your reference manager
    (file, abstract, keywords ...) are dropped. Running the same import twice adds nothing the second
    time. Exit 1 if any entry was refused (unsafe or clashing key, unparsable entry).
    """
    from ..contrib.bibimport import import_file

    try:
        result = import_file(obj.root, export, dry_run=dry_run)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise click.ClickException(f"{export.name}: {err}") from err
    for o in result.outcomes:
        label = o.key or f"line {o.line}"
        if o.status == "added":
            dropped = f" (dropped: {', '.join(o.dropped)})" if o.dropped else ""
            click.echo(f"{'would add' if dry_run else 'added'} {label}{dropped}")
        else:
            click.echo(f"{o.status} {label} ({export.name}:{o.line}): {o.reason}")
    verb = "would be added" if dry_run else "added"
    click.echo(f"{export.name}: {len(result.added)} {verb}, {result.count('duplicate')} duplicate(s) skipped, {result.count('refused')} refused")
    sys.exit(1 if result.count("refused") else 0)


@click.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True, help="Output format.")
@click.pass_obj
def diff(obj: Context, base: str, head: str | None, fmt: str) -> None:
    """Say what changed in the evidence between two git revisions.

    BASE and HEAD are git revisions (a branch, tag or commit); HEAD defaults to the working tree,
    including files not yet committed. Reports sources, notes and concepts added, removed or
    changed, and claims added, removed or changed per concept and stance ("adds 2 contesting
    claims to distributed-leadership"). The working tree is never touched.
    """
    from ..contrib.evidence_diff import diff_revisions, render_json, render_markdown, render_text
    from ..contrib.revision import DiffError

    try:
        result = diff_revisions(obj.root, base, head)
    except DiffError as err:
        raise click.ClickException(str(err)) from err
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt]
    click.echo(render(result, base, head or "working tree"), nl=False)


COMMANDS: list[click.Command] = [new, import_, diff]
