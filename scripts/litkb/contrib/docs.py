"""Generated parts of the contributors' documentation, so that it cannot drift from the code.

- :func:`render_problem_table`: every code of :data:`litkb.problems.CODES` with its meaning and fix,
  written into CONTRIBUTING.md between two marker comments (:func:`update_contributing`).
- :func:`render_cli_reference`: every command of the click group :data:`litkb.cli.main`, recursively,
  with its usage, help text and options.
- :func:`render_contributing_page`: CONTRIBUTING.md for the site's "How to contribute" page.

Run ``python -m litkb.contrib.docs`` to rewrite the marked section of CONTRIBUTING.md, or with
``--check`` to fail (exit 1) when it is out of date.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

import click

from ..core.problems import CODES, Code

BEGIN = "<!-- BEGIN problem-codes: generated from litkb.problems.CODES by `python -m litkb.contrib.docs`; do not edit -->"
END = "<!-- END problem-codes -->"
CONTRIBUTING = Path(__file__).resolve().parents[3] / "CONTRIBUTING.md"
# Codes are grouped by their hundreds, as in litkb.problems.
GROUPS = {
    "0": "Files",
    "1": "The library: references.bib",
    "2": "YAML syntax",
    "3": "Fields and values: the schema",
    "4": "Links between files",
    "5": "Advice (warnings)",
}
HELP_WIDTH = 88  # fixed, so the reference is the same bytes on every terminal
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _cell(text: str) -> str:
    """Text for a table cell that renders the same on GitHub and in MkDocs: a '|' inside a code
    span splits the cell on GitHub but not in Python-Markdown, so such spans become <code> with
    an entity; other pipes are backslash-escaped (both renderers accept that outside code)."""
    out, pos = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(text[pos : match.start()].replace("|", "\\|"))
        inner = match.group(2)
        out.append(f"<code>{html.escape(inner, quote=False).replace('|', '&#124;')}</code>" if "|" in inner else match.group(0))
        pos = match.end()
    out.append(text[pos:].replace("|", "\\|"))
    return "".join(out)


def render_problem_table(codes: dict[str, Code] | None = None) -> str:
    """Markdown: one table per group of codes (code, severity, meaning, fix), in code order."""
    codes = CODES if codes is None else codes
    groups: dict[str, list[Code]] = {}
    for code in sorted(codes.values(), key=lambda c: c.code):
        groups.setdefault(code.code[2:3], []).append(code)
    lines: list[str] = []
    for digit, members in groups.items():
        lines += [f"#### {GROUPS.get(digit, 'Other')} (KB{digit}xx)", "", "| Code | Severity | What it means | How to fix it |", "|---|---|---|---|"]
        lines += [f"| {c.code} | {c.severity} | {_cell(c.meaning)} | {_cell(c.fix)} |" for c in members]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def update_contributing(text: str) -> str:
    """``text`` with the section between :data:`BEGIN` and :data:`END` replaced by the current table."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError("CONTRIBUTING.md has no problem-code markers (BEGIN/END comments)")
    return text[: start + len(BEGIN)] + "\n\n" + render_problem_table() + "\n" + text[end:]


def render_cli_reference(group: click.Group | None = None) -> str:
    """Markdown: each command (recursively, sorted) with a heading, its help as printed by ``-h``."""
    group = _cli(group)
    lines = ["# Command reference", "", "Every `kb` command, as `kb COMMAND --help` prints it.", ""]
    root = click.Context(group, info_name="kb", terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH)
    _command_section(group, root, "kb", 2, lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _cli(group: click.Group | None) -> click.Group:
    if group is not None:
        return group
    from ..cli.main import main as cli_main  # imported late: litkb.cli imports every command module

    return cli_main


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
    group = _cli(group)
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, ctx: click.Context, path: str) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name in sorted(command.list_commands(ctx)):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, click.Context(sub, info_name=name, parent=ctx), f"{path} {name}")

    walk(group, click.Context(group, info_name="kb"), "kb")
    return found


def render_contributing_page(path: Path | None = None) -> str:
    """The site's "How to contribute" page: CONTRIBUTING.md with its problem table regenerated.

    ``path`` defaults to the CONTRIBUTING.md of this repository; when it is missing (an installed
    package), the page holds the problem table alone.
    """
    path = CONTRIBUTING if path is None else path
    if not path.is_file():
        return "# How to contribute\n\n## What `kb check` reports\n\n" + render_problem_table()
    return update_contributing(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the generated section of CONTRIBUTING.md; ``--cli`` prints the
    command reference instead."""
    parser = argparse.ArgumentParser(prog="python -m litkb.contrib.docs", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if CONTRIBUTING.md is out of date; write nothing")
    parser.add_argument("--cli", action="store_true", help="print the command reference (Markdown) and exit")
    parser.add_argument("--file", type=Path, default=CONTRIBUTING, help="the file to update (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.cli:
        sys.stdout.write(render_cli_reference())
        return 0
    try:
        text = args.file.read_text(encoding="utf-8")
        updated = update_contributing(text)
    except (OSError, ValueError) as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 1
    if updated == text:
        print(f"{args.file}: up to date")
        return 0
    if args.check:
        print(f"{args.file}: the problem-code table is out of date; run python -m litkb.contrib.docs", file=sys.stderr)
        return 1
    from ..core.files import atomic_write_text

    atomic_write_text(args.file, updated)
    print(f"{args.file}: problem-code table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
