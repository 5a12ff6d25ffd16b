"""``kb check`` and ``kb schema``: validation of the knowledge base, and the schemas for editors."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Context, failed, load, report_problems


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_obj
def check(obj: Context, fmt: str, strict: bool) -> None:
    """Load, validate and link the knowledge base; print every problem.

    Exit 0 when clean, 1 when there are errors (or warnings with --strict).
    """
    kb = load(obj.root)
    report_problems(kb, fmt, err=False, with_counts=True)
    sys.exit(1 if failed(kb, strict) else 0)


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True, help="Folder for the JSON Schema files.")
@click.pass_obj
def schema(obj: Context, out: Path) -> None:
    """Export the note, concept and question schemas as JSON Schema files for editors.

    Writes note.schema.json, concept.schema.json and question.schema.json (the front matter of a
    question page); relative paths are under --root.
    """
    from ..rules.schema import write_schemas

    folder = out if out.is_absolute() else obj.root / out
    for path in write_schemas(folder):
        click.echo(f"wrote {path}")


COMMANDS: list[click.Command] = [check, schema]
