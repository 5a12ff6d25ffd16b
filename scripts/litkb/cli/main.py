"""The ``kb`` command: a thin click layer over the library. Errors are one line, never a traceback.

Each command group lives in its own module (check, quotes, search, site, contrib, library, review) and is
added to the group here, by name: a new command is a function in one of them (or a new module
listed below), a few lines over the library.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..core.versions import UnsupportedVersion
from . import check, contrib, library, quotes, review, search, site
from .common import Context


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
    ctx.obj = Context(root)


for _module in (check, quotes, search, site, contrib, library, review):
    for _command in _module.COMMANDS:
        main.add_command(_command)


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
