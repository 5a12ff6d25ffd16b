"""Problems as values: every fault in the knowledge base is a located :class:`Problem`.

Input: whatever a stage finds. Output: sorted, formatted lines (text, GitHub annotations, JSON).
Each code is defined once, in :data:`CODES`, with its meaning and how to fix it; CONTRIBUTING.md is
generated from that table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """A stable problem code: its severity, a one-line meaning and the fix."""

    code: str
    severity: Severity
    meaning: str
    fix: str


_CODE_LIST = [
    # Files
    Code("KB001", "error", "The file is not valid UTF-8.", "Re-save the file as UTF-8 (the message gives the first bad byte)."),
    Code("KB002", "error", "The file is empty.", "Add content, or delete the file."),
    Code("KB003", "error", "The file or folder cannot be read.", "Check that it exists and is readable; `kb --root DIR` must name a folder with references.bib and kb/."),
    # BibTeX
    Code("KB101", "error", "A BibTeX block could not be parsed (often unbalanced braces or a missing comma).", "Balance the braces and quotes of the entry that starts at this line."),
    Code("KB102", "error", "Two BibTeX entries have the same key.", "Keys must be unique: rename or merge one of the entries."),
    Code("KB103", "error", "A BibTeX entry has no title.", "Add a `title` field (or a `crossref` to an entry that has one)."),
    Code("KB104", "error", "A BibTeX entry has no year (or date).", "Add a `year` (or `date`) field; if the year is unknown, write `year = {n.d.}` and say so in `verification_note`."),
    Code("KB105", "error", "A field uses a @string macro that is not defined.", "Define the macro with `@string{name = {...}}` before use, or enclose the value in braces."),
    Code("KB106", "error", "`crossref` names a key that is not in the library.", "Fix the key or add the parent entry."),
    Code("KB107", "error", "A key contains characters that are unsafe in a file name or URL.", "Use letters, digits, `_`, `-`, `.` and `:` only (no spaces, `/` or `..`)."),
    Code("KB108", "error", "A field appears twice in one BibTeX entry.", "Keep one of the two fields."),
    Code("KB109", "warning", "A BibTeX entry does not record how its metadata was verified.", "Add `verification = {verified|partial|unverified|unknown}` and a `verification_note` saying where it was checked."),
    Code("KB110", "error", "`verification` has a value that is not allowed.", "Use one of verified, partial, unverified, unknown."),
    # YAML syntax
    Code("KB201", "error", "YAML syntax error.", "Fix the syntax at the place shown (indentation, a missing colon, an unclosed quote)."),
    Code("KB202", "error", "A tab character is used for indentation.", "YAML indents with spaces only: replace the tab by spaces."),
    Code("KB203", "error", "A key appears twice in the same YAML mapping.", "Keep one of the two keys (the second would silently replace the first)."),
    Code("KB204", "error", "A YAML tag such as `!!python/object` is not allowed.", "Remove the tag: notes hold plain text, lists and mappings only. Nothing tagged is ever executed."),
    Code("KB205", "error", "YAML anchors and aliases (`&name`, `*name`) are not allowed.", "Write the value out in full; aliases can expand without bound."),
    Code("KB206", "error", "A plain YAML value is read as a boolean, null or date where text is expected.", "Put the value in quotes, e.g. `\"no\"` or `\"2009-01-01\"`."),
    # Schema
    Code("KB301", "error", "A value has the wrong type.", "Use the type the message names (text, list or mapping)."),
    Code("KB302", "error", "Unknown field.", "Check the spelling against the schema (the hint suggests the nearest field) or remove it."),
    Code("KB303", "error", "A required field is missing.", "Add the field."),
    Code("KB304", "error", "A value is not one of the allowed values.", "Use one of the values the message lists (the hint suggests the nearest)."),
    Code("KB305", "error", "An id or key has a form that is not allowed.", "Ids are lower-case words joined by hyphens, e.g. `hybrid-leadership`."),
    Code("KB306", "error", "A value is empty.", "Write something, or remove the field."),
    # What the site must not carry
    Code("KB310", "error", "Text shows an image from another site (`![...](https://...)`); every reader's browser would fetch it from that host.", "Link to it instead, without the `!`: `[what it shows](https://...)`. The site loads nothing from other sites."),
    # Links
    Code("KB401", "error", "The note's key is not in references.bib.", "Add the entry to references.bib (`kb import`) or fix the key."),
    Code("KB402", "error", "The file name differs from the key or id inside it.", "Rename the file to `<key>.yaml`, or fix the key."),
    Code("KB403", "error", "Unknown concept.", "Use a concept id from kb/concepts/ (the hint suggests the nearest) or add the concept with `kb new concept ID`."),
    Code("KB404", "error", "Two claims of one note have the same id.", "Claim ids must be unique within a note (claims and reported together)."),
    Code("KB405", "error", "A reference names a BibTeX key that is not in the library.", "Fix the key (the hint suggests the nearest) or add the entry to references.bib."),
    Code("KB406", "error", "The `broader` relations form a cycle.", "Remove one `broader` link so that the hierarchy has a top."),
    Code("KB407", "error", "Two concept files have the same id, or two notes the same key.", "Each concept and each note must exist once."),
    # Advice
    Code("KB501", "warning", "A claim has no locator.", "Add `locator: \"section: <heading>\"` or `locator: \"p. 12\"` so readers can find the passage."),
    Code("KB502", "warning", "A claim has no verbatim quote.", "Add `quote:` with the exact words of the source."),
]

CODES: dict[str, Code] = {c.code: c for c in _CODE_LIST}


@dataclass(frozen=True, order=True)
class Problem:
    """One located fault. ``line`` and ``column`` are 1-based; 0 means "the whole file"."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def text(self) -> str:
        """``path:line:col: severity KBnnn: message (hint)``."""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}{hint}"


def problem(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    """Build a problem, refusing codes that are not defined (a bug, not bad data)."""
    if code not in CODES:
        raise KeyError(f"undefined problem code {code}")
    return Problem(path, line, column, code, message, hint)


def format_problems(problems: list[Problem], fmt: str) -> str:
    """Render sorted problems as ``text`` lines, GitHub ``::error`` annotations or a JSON list."""
    ordered = sorted(problems)
    if fmt == "json":
        rows = [dict(asdict(p), severity=p.severity) for p in ordered]
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(
            f"::{p.severity} file={p.path},line={max(p.line, 1)},col={max(p.column, 1)},title={p.code}::"
            + _escape_github(f"{p.message}{' (' + p.hint + ')' if p.hint else ''}")
            for p in ordered
        )
    return "\n".join(p.text() for p in ordered)


def _escape_github(message: str) -> str:
    # Workflow commands treat %, CR and LF specially in the message part.
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def summary_line(problems: list[Problem]) -> str:
    """``N errors, M warnings`` (or ``no problems``)."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
