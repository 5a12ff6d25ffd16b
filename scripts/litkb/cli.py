"""The ``kb`` command: a thin click layer over the library. Errors are one line, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from .problems import format_problems, summary_line


class _Context:
    def __init__(self, root: Path) -> None:
        self.root = root


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    from .link import build_kb

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
    from .schema_export import write_schemas

    folder = out if out.is_absolute() else obj.root / out
    for path in write_schemas(folder):
        click.echo(f"wrote {path}")


# Commands of other areas live in their own modules (cmd_*.py), each exposing ``COMMANDS``,
# so that areas grow without editing this file and `kb search` imports only what it needs.
_COMMAND_MODULES = ("cmd_quotes", "cmd_search", "cmd_site", "cmd_contrib", "cmd_cite")


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


# Exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130
DEBUG_VARIABLE = "KB_DEBUG"
_MESSAGE_LIMIT = 300


def run(args: Sequence[str] | None = None) -> None:
    """Entry point (``kb``): the CLI with a last-resort guard, so that nobody sees a traceback.

    Input: the command line (``sys.argv[1:]`` when None). Output: the process exits with the
    command's status. Bad data is reported by the commands themselves (one located line each);
    what still escapes is a bug in kb, printed as one line asking for a report (exit 1), with the
    traceback only when ``KB_DEBUG=1`` is set. Ctrl-C exits 130 without a message; click's own
    errors and exits (usage errors, ``--help``, ``sys.exit``) pass through unchanged.
    """
    try:
        status = main.main(args=args, prog_name="kb", standalone_mode=False)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.Abort as err:
        if isinstance(err.__cause__, KeyboardInterrupt | EOFError):
            sys.exit(INTERRUPTED)
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED)
    except Exception as err:  # the last resort: a bug, never bad data
        if os.environ.get(DEBUG_VARIABLE):
            raise
        click.echo(internal_error_line(err), err=True)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)


def internal_error_line(err: BaseException) -> str:
    """The one line printed for an unexpected exception: its type and message (on one line,
    shortened), and what to do about it."""
    message = " ".join(str(err).split())
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 3] + "..."
    detail = f"{type(err).__name__}: {message}" if message else type(err).__name__
    return f"kb: internal error: {detail} (please report it; run with {DEBUG_VARIABLE}=1 for the traceback)"
