"""The contributors' guide as a site page, and the problem-code table generated into it.

Input: the text of CONTRIBUTING.md (read by the site adapter; None when there is none) and
:data:`litkb.core.problems.CODES`. Output: the "How to contribute" page: the guide with the table
between its two marker comments regenerated (``python -m litkb.contrib.docs`` writes the same
table into the file, and a test checks that the file is current).
"""

from __future__ import annotations

import html
import re

from ...core.problems import CODES, Code
from .common import GeneratedPage

CONTRIBUTING_PAGE = "contributing.md"
BEGIN = "<!-- BEGIN problem-codes: generated from litkb.core.problems.CODES by `python -m litkb.contrib.docs`; do not edit -->"
END = "<!-- END problem-codes -->"
# Codes are grouped by their hundreds, as in litkb.core.problems.
GROUPS = {
    "0": "Files",
    "1": "The library: references.bib",
    "2": "YAML syntax",
    "3": "Fields and values: the schema",
    "4": "Links between files",
    "5": "Advice (warnings)",
    "6": "Question pages",
}
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
    """``text`` with the section between :data:`BEGIN` and :data:`END` replaced by the current table.
    Raises ValueError when the markers are missing."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError("CONTRIBUTING.md has no problem-code markers (BEGIN/END comments)")
    return text[: start + len(BEGIN)] + "\n\n" + render_problem_table() + "\n" + text[end:]


def contributing_page(text: str | None) -> GeneratedPage:
    """The site's "How to contribute" page from CONTRIBUTING.md's ``text``, its table regenerated;
    without the file (an installed package), the page holds the problem table alone."""
    if text is None:
        return GeneratedPage(CONTRIBUTING_PAGE, "# How to contribute\n\n## What `kb check` reports\n\n" + render_problem_table(), "CONTRIBUTING.md")
    return GeneratedPage(CONTRIBUTING_PAGE, update_contributing(text), "CONTRIBUTING.md")
