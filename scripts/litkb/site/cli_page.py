"""The CLI reference page, generated from the click group :data:`litkb.cli.main` so it can never
drift from the code: every command and subcommand with its usage, help text and options.

Input: the click group (default: ``litkb.cli.main``). Output: one :class:`GeneratedPage` (Markdown).
"""

from __future__ import annotations

import click

from .common import CLI_PAGE, GeneratedPage
from .safe import fence

# Fixed width so the page is the same bytes on every terminal.
HELP_WIDTH = 88


def cli_page(group: click.Group | None = None) -> GeneratedPage:
    if group is None:
        from ..cli import main

        group = main
    lines = [
        "# CLI reference",
        "",
        "The `kb` command checks, searches and publishes the knowledge base. "
        "Every command also prints this help with `-h` / `--help`.",
        "",
    ]
    root = _context(group, "kb", None)
    lines += _command(group, root, "kb", level=2)
    return GeneratedPage(CLI_PAGE, "\n".join(lines))


def _command(command: click.Command, ctx: click.Context, name: str, level: int) -> list[str]:
    lines = [f"{'#' * level} `{name}`", "", fence(command.get_help(ctx), "text"), ""]
    if isinstance(command, click.Group):
        for sub_name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, sub_name)
            if sub is None or sub.hidden:
                continue
            lines += _command(sub, _context(sub, sub_name, ctx), f"{name} {sub_name}", min(level + 1, 4))
    return lines


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    """A context as ``kb`` would make it (the command's own settings, e.g. ``-h``), at a fixed width."""
    settings = {**command.context_settings, "terminal_width": HELP_WIDTH, "max_content_width": HELP_WIDTH}
    return click.Context(command, info_name=name, parent=parent, **settings)
