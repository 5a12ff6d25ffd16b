"""The command reference, docs/cli.md: every ``kb`` command with its help, generated from the click
group so that it never drifts from the code.

Input: the click group :data:`litkb.cli.main.main`. Output: Markdown (:func:`render_cli_reference`),
committed as docs/cli.md and built by MkDocs like the hand-written pages. Run
``python -m litkb.cli.reference`` (``make docs``) to rewrite it, or with ``--check`` to fail (exit 1)
when it is out of date (a test does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import click

from ..core.files import refresh_generated
from .main import main as cli_main

CLI_REFERENCE = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
HELP_WIDTH = 88  # fixed, so the reference is the same bytes on every terminal


def render_cli_reference(group: click.Group | None = None) -> str:
    """Markdown: each command (recursively, sorted) with a heading, its help as printed by ``-h``."""
    group = cli_main if group is None else group
    lines = ["# Command reference", "", "Every `kb` command, as `kb COMMAND --help` prints it.", ""]
    # The group's own context settings (its "-h, --help"), as when kb runs: click caches each
    # command's help option at its first use, so a context without them would print "--help"
    # alone, or not, depending on which commands this process ran before.
    root = click.Context(group, info_name="kb", terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH, **group.context_settings)
    _command_section(group, root, "kb", 2, lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _command_section(command: click.Command, ctx: click.Context, path: str, level: int, lines: list[str]) -> None:
    lines += [f"{'#' * level} `{path}`", "", "```text", command.get_help(ctx), "```", ""]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx, terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH)
            _command_section(sub, sub_ctx, f"{path} {name}", min(level + 1, 4), lines)


def iter_commands(group: click.Group | None = None) -> list[tuple[str, click.Command]]:
    """Every (``kb sub command`` path, command) of the CLI, recursively, in sorted order."""
    group = cli_main if group is None else group
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, ctx: click.Context, path: str) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name in sorted(command.list_commands(ctx)):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, click.Context(sub, info_name=name, parent=ctx), f"{path} {name}")

    walk(group, click.Context(group, info_name="kb", **group.context_settings), "kb")
    return found


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) docs/cli.md from the commands' help."""
    parser = argparse.ArgumentParser(prog="python -m litkb.cli.reference", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date; write nothing")
    parser.add_argument("--file", type=Path, default=CLI_REFERENCE, help="the file to write (default: %(default)s)")
    args = parser.parse_args(argv)
    wanted = render_cli_reference()
    return refresh_generated(args.file, lambda _current: wanted, check=args.check, what="the command reference", command="python -m litkb.cli.reference (make docs)")

if __name__ == "__main__":
    sys.exit(main())
