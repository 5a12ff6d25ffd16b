"""The ``kb`` command: a thin click layer over the library. Errors are one line, never a traceback.

Each command group lives in its own module (check, quotes, search, site, contrib, library) and is
added to the group here, by name: a new command is a function in one of them (or a new module
listed below), a few lines over the library.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..core.versions import UnsupportedVersion
from . import check, contrib, library, quotes, search, site
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


for _module in (check, quotes, search, site, contrib, library):
    for _command in _module.COMMANDS:
        main.add_command(_command)


def run() -> None:
    """Entry point (``kb``): click exits with the command's status."""
    main()
