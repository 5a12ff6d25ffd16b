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

from ..core import limits as L
from ..core.problems import Problem, problem
from ..core.urls import RESERVED_PAGE_NAMES, page_slug
from ..core.vocabulary import VERBATIM_FIELDS, VERIFICATION_VALUES, is_safe_key
from .latex import decode_latex
from .textio import read_text

# bibtexparser logs each failed block itself; we report them as problems instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

PERSON_FIELDS = ("author", "editor")
MONTH_MACROS = {m: str(i) for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# In verbatim fields only the escaped specials are undone (a '~' in a URL stays a tilde).
_ESCAPED_SPECIAL = re.compile(r"\\([&%_#$])")
# biblatex inheritance: fields a child takes from its crossref parent under another name.
_INHERIT_AS = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
# A parent's own identity, provenance and description (its abstract, keywords, attached file)
# describe the parent, not the child.
_NOT_INHERITED = {"crossref", "ids", "verification", "verification_note", "unconfirmed", "doubt", "cited_context", "doi", "isbn", "pages", "note",
                  "abstract", "annotation", "annote", "keywords", "file"}
# Free text, which may be long; every other field (names, publisher, volume ...) is short.
_FREE_TEXT_FIELDS = {"abstract", "annotation", "annote", "note", "addendum", "keywords", "file", "verification_note", "unconfirmed", "doubt", "cited_context"}


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
    text, problems = read_text(path, shown, L.MAX_BIB_BYTES)
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
        # An entry that breaks a rule here is left out of the library, so that nothing later (the
        # site, search, exports) ever sees an unsafe key, a clashing page or an oversized value.
        refused = _check_key(entry.key, line, shown) or _check_size(entry, line, shown)
        if refused:
            problems.append(refused)
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
            refused = refused or _check_value(entry.key, name, value, fline, shown)
            values[name] = value
        if refused:
            problems.append(refused)
            continue
        raw_entries[entry.key] = (entry, values, lines)
    entries: dict[str, BibEntry] = {}
    for key, (entry, values, lines) in raw_entries.items():
        inherited = _inherit_crossref(key, values, lines, raw_entries, shown, problems)
        # Every child shows what it inherits on its own page: a parent's size must not be
        # multiplied by thousands of two-line children.
        from_parent = sum(len(values[name]) for name in inherited)
        total = sum(len(v) for v in values.values())
        if from_parent > L.MAX_INHERITED or total > L.MAX_ENTRY:
            what = f"inherits {from_parent:,} characters through crossref (at most {L.MAX_INHERITED:,})" if from_parent > L.MAX_INHERITED else f"holds {total:,} characters of field values (at most {L.MAX_ENTRY:,})"
            problems.append(problem(shown, (entry.start_line or 0) + 1, 1, "KB114", f"entry '{key}' {what}", "remove fields the library does not need"))
            continue
        entries[key] = _finish_entry(entry, values, lines, inherited, shown, problems)
    return BibLibrary(entries, shown), problems


def _check_key(key: str, line: int, shown: str) -> Problem | None:
    """A key must be safe in a file name and URL, and short enough for one."""
    if not is_safe_key(key):
        return problem(shown, line, 1, "KB107", f"key '{key}' has characters unsafe in a file name or URL", "use letters, digits, _ - . : only")
    if len(key) > L.MAX_KEY_LENGTH:
        return problem(shown, line, 1, "KB111", f"key '{key[:40]}...' is {len(key)} characters long (at most {L.MAX_KEY_LENGTH})", "use a shorter key")
    return None


def without_page_clashes(entries: dict[str, BibEntry], shown: str) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Entries whose source pages would clash, left out with a problem each: a key that is a
    page the site makes itself ("index"), and the later of two keys with the same page once case
    and ':' against '-' are ignored ("a:b" and "a-b"; "Gronn2009" and "gronn2009" share a file
    on case-insensitive file systems). Returns (the other entries, problems)."""
    kept: dict[str, BibEntry] = {}
    pages: dict[str, BibEntry] = {}
    problems: list[Problem] = []
    for entry in sorted(entries.values(), key=lambda e: e.line):
        slug = page_slug(entry.key).casefold()
        if slug in RESERVED_PAGE_NAMES:
            problems.append(problem(shown, entry.line, 1, "KB408", f"key '{entry.key}' would replace the site's page sources/{slug}.md", "choose another key"))
        elif slug in pages:
            first = pages[slug]
            problems.append(problem(shown, entry.line, 1, "KB408", f"key '{entry.key}' would get the same page as '{first.key}' (line {first.line}): sources/{page_slug(entry.key)}/", "keys must differ by more than case, or ':' against '-'"))
        else:
            pages[slug] = entry
            kept[entry.key] = entry
    return {key: kept[key] for key in entries if key in kept}, problems


def _check_size(entry: bibmodel.Entry, line: int, shown: str) -> Problem | None:
    if len(entry.fields) > L.MAX_FIELDS:
        return problem(shown, line, 1, "KB114", f"entry '{entry.key}' has {len(entry.fields)} fields (at most {L.MAX_FIELDS})", "remove fields the library does not need")
    return None


def _check_value(key: str, name: str, value: str, line: int, shown: str) -> Problem | None:
    """Per-field limits (after @string expansion): title, person lists, everything else."""
    if name in PERSON_FIELDS:
        names = split_multiple_persons_names(value)
        if len(names) > L.MAX_NAMES:
            return problem(shown, line, 1, "KB113", f"field '{name}' of '{key}' names {len(names):,} persons (at most {L.MAX_NAMES})", "list the first ones and end with 'and others'")
        longest = max(names, key=len, default="")
        if len(longest) > L.MAX_NAME:
            return problem(shown, line, 1, "KB113", f"a name in field '{name}' of '{key}' is {len(longest):,} characters long (at most {L.MAX_NAME})", "check the 'and' between names")
        return None
    limit = L.MAX_TITLE if name == "title" else L.MAX_TEXT_FIELD if name in _FREE_TEXT_FIELDS else L.MAX_FIELD
    if len(value) > limit:
        return problem(shown, line, 1, "KB112", f"field '{name}' of '{key}' is {len(value):,} characters long (at most {limit:,})", "shorten it")
    return None


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
    """Raw field value (still enclosed) -> (value with macros expanded, undefined macro names).

    A value that would expand beyond the largest field kb accepts is cut just past it (it is
    refused anyway): ``m # m # m ...`` with a long macro ``m`` must not fill the memory.
    """
    raw = raw.strip()
    if raw[:1] == "{" and raw[-1:] == "}" and "#" not in raw:
        return raw[1:-1], []
    out, undefined, size = [], [], 0
    for part in _split_concatenation(raw):
        if part[:1] in "{\"":
            text = _strip_enclosing(part)
        elif part.isdigit():
            text = part
        elif part.lower() in macros:
            text = macros[part.lower()]
        else:
            undefined.append(part)
            text = part
        out.append(text)
        size += len(text)
        if size > _MAX_EXPANDED:
            return "".join(out)[: _MAX_EXPANDED + 1], undefined
    return "".join(out), undefined


# No field may be longer than an entry's limit, so expansion stops one character past it.
_MAX_EXPANDED = L.MAX_ENTRY


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
