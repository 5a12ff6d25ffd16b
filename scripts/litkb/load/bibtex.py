"""Stage ``load`` for the library: references.bib -> :class:`BibEntry` values and problems.

Input: the text of a .bib file (read once). Output: entries with decoded Unicode fields, persons
split into name parts, ``@string`` macros and ``crossref`` resolved, and every fault as a located
problem (bibtexparser's 0-based lines become 1-based). Bad input never raises.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser.entrypoint
from bibtexparser import model as bibmodel
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from ..core.files import read_text
from ..core.problems import Problem, problem
from ..core.vocabulary import VERBATIM_FIELDS, VERIFICATION_VALUES, is_safe_key
from .latex import decode_latex

# bibtexparser logs each failed block itself; we report them as problems instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

PERSON_FIELDS = ("author", "editor")
MONTH_MACROS = {m: str(i) for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# In verbatim fields only the escaped specials are undone (a '~' in a URL stays a tilde).
_ESCAPED_SPECIAL = re.compile(r"\\([&%_#$])")
# biblatex inheritance: fields a child takes from its crossref parent under another name.
_INHERIT_AS = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
# A parent's own identity and provenance describe the parent, not the child.
_NOT_INHERITED = {"crossref", "ids", "verification", "verification_note", "unconfirmed", "doubt", "cited_context", "doi", "isbn", "pages", "note"}


@dataclass(frozen=True)
class PersonName:
    """One person as written in a name field, split into BibTeX name parts (decoded)."""

    first: str
    von: str
    last: str
    jr: str
    literal: bool  # a corporate name in braces, e.g. {{National College for School Leadership}}


@dataclass(frozen=True)
class BibEntry:
    """One BibTeX entry after macro, crossref and LaTeX resolution."""

    key: str
    entry_type: str
    fields: dict[str, str]
    persons: dict[str, tuple[PersonName, ...]]
    line: int
    field_lines: dict[str, int]
    raw: str
    inherited: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class BibLibrary:
    entries: dict[str, BibEntry]
    path: str


def load_bibtex(path: Path, shown: str) -> tuple[BibLibrary, list[Problem]]:
    """Load one .bib file. Returns (library, problems); an unreadable file gives an empty library."""
    text, problems = read_text(path, shown)
    if text is None:
        return BibLibrary({}, shown), problems
    return parse_bibtex(text, shown, problems)


def parse_bibtex(text: str, shown: str, problems: list[Problem] | None = None) -> tuple[BibLibrary, list[Problem]]:
    """Parse BibTeX text (see :func:`load_bibtex`)."""
    problems = list(problems or [])
    library = bibtexparser.entrypoint.parse_string(text, parse_stack=[])
    for block in library.failed_blocks:
        problems.append(_failed_block_problem(block, shown))
    macros = dict(MONTH_MACROS)
    for string in library.strings:
        macros[string.key.lower()] = _strip_enclosing(str(string.value))
    raw_entries: dict[str, tuple[bibmodel.Entry, dict[str, str], dict[str, int]]] = {}
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        if not is_safe_key(entry.key):
            problems.append(problem(shown, line, 1, "KB107", f"key '{entry.key}' has characters unsafe in a file name or URL", "use letters, digits, _ - . : only"))
            continue
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for fld in entry.fields:
            name = fld.key.lower()
            fline = fld.start_line + 1
            lines[name] = fline
            value, undefined = resolve_value(str(fld.value), macros)
            for macro in undefined:
                problems.append(problem(shown, fline, 1, "KB105", f"undefined @string macro '{macro}' in field '{name}' of '{entry.key}'", "define it with @string or put the value in braces"))
            values[name] = value
        raw_entries[entry.key] = (entry, values, lines)
    entries: dict[str, BibEntry] = {}
    for key, (entry, values, lines) in raw_entries.items():
        inherited = _inherit_crossref(key, values, lines, raw_entries, shown, problems)
        entries[key] = _finish_entry(entry, values, lines, inherited, shown, problems)
    return BibLibrary(entries, shown), problems


def _failed_block_problem(block: bibmodel.ParsingFailedBlock, shown: str) -> Problem:
    line = (block.start_line or 0) + 1
    if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
        first = (block.previous_block.start_line or 0) + 1
        return problem(shown, line, 1, "KB102", f"duplicate key '{block.key}' (first defined at line {first})")
    if isinstance(block, bibmodel.DuplicateFieldKeyBlock):
        names = ", ".join(sorted(block.duplicate_keys))
        return problem(shown, line, 1, "KB108", f"field(s) {names} appear twice in this entry")
    error = block.error
    if isinstance(error, BlockAbortedException):
        # The splitter gives up on a block when it meets the next '@' before the block closed.
        end_line = block.raw.count("\n") + line if block.raw else line
        detail = f"entry is not closed before line {end_line + 1}: {error.abort_reason.strip().rstrip('.')}"
    else:
        detail = " ".join(str(error).split()) or type(error).__name__
    return problem(shown, line, 1, "KB101", f"BibTeX block cannot be parsed: {detail}", "check the braces, quotes and commas of this entry")


def _strip_enclosing(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and ((value[0] == "{" and value[-1] == "}") or (value[0] == '"' and value[-1] == '"')):
        return value[1:-1]
    return value


def _split_concatenation(value: str) -> list[str]:
    """Split ``a # {b} # "c"`` at top-level '#' signs (a backslash escapes the next character)."""
    parts, depth, quoted, start, escaped = [], 0, False, 0, False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p.strip() for p in parts]


def resolve_value(raw: str, macros: dict[str, str]) -> tuple[str, list[str]]:
    """Raw field value (still enclosed) -> (value with macros expanded, undefined macro names)."""
    raw = raw.strip()
    if raw[:1] == "{" and raw[-1:] == "}" and "#" not in raw:
        return raw[1:-1], []
    out, undefined = [], []
    for part in _split_concatenation(raw):
        if part[:1] in "{\"":
            out.append(_strip_enclosing(part))
        elif part.isdigit():
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        else:
            undefined.append(part)
            out.append(part)
    return "".join(out), undefined


def _inherit_crossref(
    key: str,
    values: dict[str, str],
    lines: dict[str, int],
    raw_entries: dict[str, tuple[bibmodel.Entry, dict[str, str], dict[str, int]]],
    shown: str,
    problems: list[Problem],
) -> frozenset[str]:
    """Copy missing fields from the ``crossref`` parent (one level, as BibTeX does)."""
    parent_key = values.get("crossref")
    if not parent_key:
        return frozenset()
    parent = raw_entries.get(parent_key) or next((v for k, v in raw_entries.items() if k.lower() == parent_key.lower()), None)
    if parent is None:
        problems.append(problem(shown, lines["crossref"], 1, "KB106", f"crossref '{parent_key}' of '{key}' is not in the library"))
        return frozenset()
    inherited = set()
    for name, value in parent[1].items():
        if name in _NOT_INHERITED:
            continue
        target = _INHERIT_AS.get(name, name)
        if target not in values:
            values[target] = value
            inherited.add(target)
    return frozenset(inherited)


def _finish_entry(
    entry: bibmodel.Entry,
    values: dict[str, str],
    lines: dict[str, int],
    inherited: frozenset[str],
    shown: str,
    problems: list[Problem],
) -> BibEntry:
    line = (entry.start_line or 0) + 1
    decoded: dict[str, str] = {}
    persons: dict[str, tuple[PersonName, ...]] = {}
    for name, value in values.items():
        if name in PERSON_FIELDS:
            # Escaped braces are text, not grouping: hide them from the name splitter.
            hidden = value.replace("\\{", _LBRACE).replace("\\}", _RBRACE)
            persons[name] = tuple(_parse_person(_unhide(p)) for p in split_multiple_persons_names(hidden))
        decoded[name] = _ESCAPED_SPECIAL.sub(r"\1", value.strip()) if name in VERBATIM_FIELDS else decode_latex(value)
    status = decoded.get("verification")
    # A cited work that nobody could identify ("unknown") has no title to give; saying so is
    # the honest record, so only other entries must have one.
    if not decoded.get("title") and status != "unknown":
        problems.append(problem(shown, line, 1, "KB103", f"entry '{entry.key}' has no title"))
    if not (decoded.get("year") or decoded.get("date")):
        problems.append(problem(shown, line, 1, "KB104", f"entry '{entry.key}' has no year or date"))
    if status is None:
        problems.append(problem(shown, line, 1, "KB109", f"entry '{entry.key}' does not say how it was verified", "add verification = {verified|partial|unverified|unknown}"))
    elif status not in VERIFICATION_VALUES:
        problems.append(problem(shown, lines.get("verification", line), 1, "KB110", f"verification '{status}' of '{entry.key}' is not one of {', '.join(VERIFICATION_VALUES)}"))
    return BibEntry(entry.key, entry.entry_type.lower(), decoded, persons, line, lines, entry.raw or "", inherited)


_LBRACE, _RBRACE = "\x00<", "\x00>"


def _unhide(name: str) -> str:
    return name.replace(_LBRACE, "\\{").replace(_RBRACE, "\\}")


def _parse_person(name: str) -> PersonName:
    stripped = name.strip()
    if stripped.startswith("{") and stripped.endswith("}") and _balanced_outer(stripped.replace("\\{", "").replace("\\}", "")):
        return PersonName("", "", decode_latex(stripped), "", True)
    try:
        parts = parse_single_name_into_parts(stripped, strict=False)
    except Exception:  # an odd name is shown as written rather than dropped
        return PersonName("", "", decode_latex(stripped), "", True)
    return PersonName(
        decode_latex(" ".join(parts.first)),
        decode_latex(" ".join(parts.von)),
        decode_latex(" ".join(parts.last)),
        decode_latex(" ".join(parts.jr)),
        False,
    )


def _balanced_outer(value: str) -> bool:
    """True when the first '{' closes at the very end (the whole name is one braced group)."""
    depth = 0
    for i, ch in enumerate(value):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return i == len(value) - 1
    return False
