"""The ``kb`` command: a thin click layer over the library. Errors are one line, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.problems import format_problems, summary_line
from ..core.versions import UnsupportedVersion


class _Context:
    def __init__(self, root: Path) -> None:
        self.root = root


class _Group(click.Group):
    """The ``kb`` group: a library installed in a version litkb's patches do not support is one
    line ("Error: ..."), exit 1, whichever command met it."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UnsupportedVersion as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="Knowledge base folder (with references.bib and kb/).")
@click.version_option(package_name="litkb")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """kb: check, search and publish the distributed-leadership evidence base."""
    if not root.is_dir():
        raise click.UsageError(f"--root {root}: no such folder")
    ctx.obj = _Context(root)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_obj
def check(obj: _Context, fmt: str, strict: bool) -> None:
    """Load, validate and link the knowledge base; print every problem.

    Exit 0 when clean, 1 when there are errors (or warnings with --strict).
    """
    from ..rules.link import build_kb

    kb = build_kb(obj.root)
    problems = list(kb.problems)
    if problems:
        click.echo(format_problems(problems, fmt))
    if fmt == "text":
        counts = f"{len(kb.sources)} sources, {len(kb.notes)} notes, {len(kb.concepts)} concepts, {len(kb.claims)} claims"
        click.echo(f"{summary_line(problems)} ({counts})", err=bool(problems))
    elif fmt == "json" and not problems:
        click.echo("[]")
    failed = bool(kb.errors) or (strict and bool(problems))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True, help="Folder for the JSON Schema files.")
@click.pass_obj
def schema(obj: _Context, out: Path) -> None:
    """Export the note and concept schemas as JSON Schema files for editors.

    Writes note.schema.json and concept.schema.json (relative paths are under --root).
    """
    from ..rules.schema_export import write_schemas

    folder = out if out.is_absolute() else obj.root / out
    for path in write_schemas(folder):
        click.echo(f"wrote {path}")


# Commands of other areas live in their own modules (cmd_*.py), each exposing ``COMMANDS``,
# so that areas grow without editing this file and `kb search` imports only what it needs.
_COMMAND_MODULES = ("cli.quotes", "cli.search", "cli.site", "cli.contrib", "cli.library")


def _register_commands() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"litkb.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"litkb.{name}":
                raise
            continue
        for command in module.COMMANDS:
            main.add_command(command)


_register_commands()


def run() -> None:
    """Entry point: the CLI with a last-resort guard so users never see a traceback for bad data."""
    main()
