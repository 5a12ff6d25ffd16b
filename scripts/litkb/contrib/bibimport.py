"""`kb import`: add entries exported by Zotero, JabRef or Mendeley to ``references.bib``.

Input: the text of an export and the text of ``references.bib``. Output: an :class:`ImportResult`
with the new library text and one :class:`Outcome` per exported entry (added, duplicate, refused).

Existing entries are never rewritten: each new entry is rendered in the library's one style
(:func:`render_entry`) and inserted as text before the first existing entry whose key sorts after
it, so the bytes of every existing entry stay identical and a diff shows only the additions. A
duplicate (same DOI, or same normalised title + first author's family name + year) is reported, not
added, which also makes a second run of the same import a no-op.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.problems import Problem
from ..core.text import fold
from ..core.urls import RESERVED_PAGE_NAMES, page_slug
from ..core.vocabulary import PROVENANCE_FIELDS, is_safe_key
from ..load.bibraw import RawEntry, read_blocks, read_raw
from ..load.bibtex import BibEntry, parse_bibtex

# The field order of references.bib (scripts/make_references_from_tsv.py), extended with the fields
# reference managers export; a field not listed goes after ``note``, alphabetically, and the
# provenance fields always come last.
FIELD_ORDER = (
    "author", "editor", "shortauthor", "title", "subtitle", "titleaddon", "journal", "journaltitle",
    "booktitle", "booksubtitle", "crossref", "edition", "series", "volume", "number", "issue", "eid",
    "pages", "publisher", "address", "location", "institution", "school", "organization",
    "howpublished", "type", "month", "year", "date", "doi", "isbn", "issn", "url", "urldate", "note",
)
# Fields that go last, in this order: the provenance fields, then why the seed texts cite the work.
LAST_FIELDS = (*PROVENANCE_FIELDS, "cited_context")
# Fields that describe the exporter's own copy (local file paths, reading status, personal tags) or
# are long and copyrighted (abstracts): they do not belong in a shared library and are dropped.
DROPPED_FIELDS = frozenset({
    "abstract", "annote", "annotation", "comment", "creationdate", "file", "groups", "keywords",
    "mendeley-groups", "mendeley-tags", "modificationdate", "owner", "printed", "priority",
    "qualityassured", "ranking", "readstatus", "relevance", "timestamp",
})
_ORDER_INDEX = {name: i for i, name in enumerate(FIELD_ORDER)}
_SAFE_NAME = re.compile(r"[a-z][a-z0-9_.:+-]*")  # entry types and field names; always with fullmatch
# Problems of the export that make an entry unusable (kb check would fail on it).
_REFUSING_CODES = {"KB103", "KB104", "KB105", "KB110", "KB111", "KB112", "KB113", "KB114"}


@dataclass(frozen=True)
class Outcome:
    """What happened to one exported entry: ``added``, ``duplicate`` or ``refused``."""

    key: str
    line: int
    status: str
    reason: str = ""
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    text: str
    outcomes: tuple[Outcome, ...]

    @property
    def added(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "added")

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def sort_key(key: str) -> tuple[str, str]:
    """Entries are ordered by key, ignoring case first (ties: exact key)."""
    return key.casefold(), key


def _ordered(fields: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    def rank(item: tuple[str, str]) -> tuple[int, str]:
        name = item[0]
        if name in LAST_FIELDS:
            return len(FIELD_ORDER) + 1 + LAST_FIELDS.index(name), ""
        return _ORDER_INDEX.get(name, len(FIELD_ORDER)), name

    return sorted(fields, key=rank)


def render_entry(entry: RawEntry) -> str:
    """One entry in the style of references.bib: ``@type{key,``, two-space indent, ``name = {value},``
    in :data:`FIELD_ORDER`, each value on one line, ``}`` alone on the last line (no newline)."""
    lines = [f"@{entry.entry_type}{{{entry.key},"]
    for name, value in _ordered(entry.fields):
        lines.append(f"  {name} = {{{' '.join(value.split())}}},")
    lines.append("}")
    return "\n".join(lines)


def canonical_library(text: str) -> str:
    """The whole library in canonical form: leading % comment, a blank line, then every entry
    rendered by :func:`render_entry`, sorted by key, one blank line apart. references.bib is kept
    in this form, so ``canonical_library(text) == text`` for it."""
    header, entries = read_raw(text)
    body = "\n\n".join(render_entry(e) for e in sorted(entries, key=lambda e: sort_key(e.key)))
    return (header + "\n\n" if header else "") + body + "\n"


def insert_entries(text: str, entries: list[RawEntry], existing: list[RawEntry] | None = None) -> str:
    """Insert rendered ``entries`` into library ``text`` at their sorted positions.

    Existing text is not changed: each new entry goes before the first existing entry (and the
    % comment lines directly above it) whose key sorts after it, or at the end. ``existing`` is
    ``read_raw(text)[1]`` when the caller has it already.
    """
    if not entries:
        return text
    if existing is None:
        _, existing = read_raw(text)
    lines = text.splitlines(keepends=True)
    before: dict[int, list[str]] = {}  # line index -> rendered entries to put there
    keys = [sort_key(e.key) for e in existing]
    in_order = all(a <= b for a, b in zip(keys, keys[1:], strict=False))
    for entry in sorted(entries, key=lambda e: sort_key(e.key)):
        wanted = sort_key(entry.key)
        # A sorted library (the normal case) is searched by bisection; any other in file order.
        at_index = bisect.bisect_right(keys, wanted) if in_order else next((i for i, k in enumerate(keys) if k > wanted), len(keys))
        anchor = existing[at_index] if at_index < len(existing) else None
        if anchor is None:
            at = len(lines)
        else:
            at = anchor.line - 1
            while at > 0 and lines[at - 1].startswith("%"):
                at -= 1
        before.setdefault(at, []).append(render_entry(entry))
    out: list[str] = []
    for index in range(len(lines) + 1):
        for rendered in before.get(index, ()):
            if index == len(lines):  # appending: make sure one blank line separates the entries
                tail = "".join(out)
                if tail and not tail.endswith("\n"):
                    out.append("\n")
                if tail.strip() and not tail.endswith("\n\n"):
                    out.append("\n")
                out.append(rendered + "\n")
            else:
                out.append(rendered + "\n\n")
        if index < len(lines):
            out.append(lines[index])
    return "".join(out)


# -- identity ---------------------------------------------------------------------------------

def normalise_doi(doi: str) -> str:
    """``https://doi.org/10.1/X.`` -> ``10.1/x``."""
    doi = doi.strip().lower()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi)
    return doi.rstrip(".")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def identity(entry: BibEntry) -> tuple[str, tuple[str, str, str] | None]:
    """(normalised DOI or "", (title, first author's family name, year) or None) of a decoded entry."""
    doi = normalise_doi(entry.fields.get("doi", ""))
    people = entry.persons.get("author") or entry.persons.get("editor") or ()
    family = _words(f"{people[0].von} {people[0].last}") if people else ""
    year = entry.fields.get("year") or entry.fields.get("date", "")[:4]
    title = _words(entry.fields.get("title", ""))
    return doi, ((title, family, year) if title and year else None)


class _Index:
    """DOIs and (title, author, year) triples already in the library, mapped to their keys."""

    def __init__(self) -> None:
        self.by_doi: dict[str, str] = {}
        self.by_work: dict[tuple[str, str, str], str] = {}

    def add(self, key: str, entry: BibEntry) -> None:
        doi, work = identity(entry)
        if doi:
            self.by_doi.setdefault(doi, key)
        if work:
            self.by_work.setdefault(work, key)

    def find(self, entry: BibEntry) -> tuple[str, str] | None:
        """(key of the duplicate, why) or None."""
        doi, work = identity(entry)
        if doi and doi in self.by_doi:
            return self.by_doi[doi], f"same DOI {doi}"
        if work and work in self.by_work:
            return self.by_work[work], "same title, first author and year"
        return None


# -- import -----------------------------------------------------------------------------------

# -- rendering that cannot be subverted -------------------------------------------------------
# An export comes from anyone. A value such as `x}} @article{forged, ...} @comment{` rendered
# inside braces would close its entry and add a forged one (marked verified, past the duplicate
# check), so a new entry is added only when its rendering reads back as exactly that entry.

def rendering_problem(entry: RawEntry) -> str | None:
    """Why ``entry`` cannot be written into references.bib as it is, or None when its rendering
    (:func:`render_entry`) reads back as one entry with the same key, type, fields and values.

    Named first: an entry type or field name outside ``[a-z][a-z0-9_.:+-]*``, and a value whose
    braces do not pair up (the reader skips a brace after a backslash) or that ends in a backslash.
    """
    if not _SAFE_NAME.fullmatch(entry.entry_type):
        return f"entry type '{entry.entry_type}' has characters that are not allowed (use letters, digits, _ - . :)"
    for name, value in entry.fields:
        if not _SAFE_NAME.fullmatch(name):
            return f"field name {name!r} has characters that are not allowed (use letters, digits, _ - . :)"
        if not _braces_pair(value):
            return f"field '{name}' has braces that do not pair up; balance them (a literal brace is \\{{ or \\}})"
    if _read_back(render_entry(entry)) != [repr(_expected(entry))]:
        return "the entry would not read back as written (check its braces, quotes and backslashes)"
    return None


def _braces_pair(value: str) -> bool:
    """Braces balanced and never closing more than was opened, as bibtexparser counts them."""
    depth, previous = 0, ""
    for ch in value:
        if previous != "\\":
            depth += (ch == "{") - (ch == "}")
            if depth < 0:
                return False
        previous = ch
    return depth == 0 and not value.endswith("\\")


def _expected(entry: RawEntry) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """What reading ``render_entry(entry)`` must give: key, type and fields, values on one line."""
    return entry.key, entry.entry_type, tuple((n, " ".join(v.split())) for n, v in _ordered(entry.fields))


def _read_back(text: str) -> list[str]:
    """Every block of BibTeX ``text``, sorted: an entry as the repr of (key, type, fields) as
    :func:`read_raw` reads them; any other block but a comment (a failed block, @string,
    @preamble) as its class name."""
    entries, others = read_blocks(text)
    return sorted([repr((e.key, e.entry_type, e.fields)) for e in entries] + others)


def _escape(value: str) -> str:
    return re.sub(r"(?<!\\)([%&#])", r"\\\1", value.replace("{", "").replace("}", "").replace("\\", ""))


def import_bibtex(library_text: str, export_text: str, export_name: str) -> ImportResult:
    """Add the entries of ``export_text`` (an export called ``export_name``) to ``library_text``.

    Raises ValueError when the library itself cannot be parsed cleanly (fix it with ``kb check``
    first: positions in a broken file are not reliable).
    """
    library, library_problems = parse_bibtex(library_text, "references.bib")
    broken = [p for p in library_problems if p.code in ("KB101", "KB102", "KB108")]
    if broken:
        raise ValueError(f"references.bib cannot be parsed cleanly ({broken[0].text()}); fix it first (kb check)")
    exported, problems = parse_bibtex(export_text, export_name)
    _, raw_existing = read_raw(library_text)
    _, raw_exported = read_raw(export_text)
    importer = _Importer(library.entries, raw_existing, problems, export_name)
    importer.parents |= {e.key.casefold() for e in raw_exported}
    outcomes: list[Outcome] = []
    for p in problems:  # blocks that produced no entry at all
        if p.code in ("KB101", "KB102", "KB108"):
            outcomes.append(Outcome("", p.line, "refused", f"{p.code}: {p.message}"))
    for raw in raw_exported:
        outcomes.append(importer.decide(raw, exported.entries.get(raw.key)))
    text = insert_entries(library_text, importer.new, raw_existing)
    if importer.new and _read_back(text) != sorted(_read_back(library_text) + [repr(_expected(e)) for e in importer.new]):
        # Each entry read back alone above; this guards the insertion itself (never seen to fail).
        raise ValueError("the new references.bib would not read back as the old entries plus the new ones; nothing was written")
    return ImportResult(text, tuple(sorted(outcomes, key=lambda o: (o.line, o.key))))


class _Importer:
    """Decides entry by entry; what it adds is indexed at once, so duplicates within one export
    are found too."""

    def __init__(self, entries: dict[str, BibEntry], raw_existing: list[RawEntry], problems: list[Problem], export_name: str) -> None:
        self.index = _Index()
        for key, entry in entries.items():
            self.index.add(key, entry)
        self.existing_raw = {e.key: e for e in raw_existing}
        self.keys = {k.casefold() for k in entries}
        self.parents = set(self.keys)  # keys a crossref may name
        self.pages = {page_slug(k).casefold() for k in entries}  # source pages taken (see bibtex.without_page_clashes)
        self.problems = problems
        self.export_name = export_name
        self.new: list[RawEntry] = []

    def decide(self, raw: RawEntry, entry: BibEntry | None) -> Outcome:
        """The outcome of one exported entry; an added entry goes to ``self.new``."""
        # The loader's own refusal first (over a limit, no title, ...): its message says why.
        own = [p for p in self.problems if raw.line <= p.line <= raw.end_line and p.code in _REFUSING_CODES]
        if own:
            return Outcome(raw.key, raw.line, "refused", f"{own[0].code}: {own[0].message}")
        if entry is None or not is_safe_key(raw.key):
            return Outcome(raw.key, raw.line, "refused", "key has characters unsafe in a file name or URL (use letters, digits, _ - . : only)")
        found = self.index.find(entry)
        if found:
            key, why = found
            if key in {n.key for n in self.new}:
                return Outcome(raw.key, raw.line, "duplicate", f"duplicate of {key}, an earlier entry of the export ({why})")
            if key == raw.key:
                return Outcome(raw.key, raw.line, "duplicate", f"already in references.bib ({why})")
            return Outcome(raw.key, raw.line, "duplicate", f"duplicate of {key} in references.bib ({why})")
        kept = tuple((n, v) for n, v in raw.fields if n not in DROPPED_FIELDS)
        dropped = tuple(sorted({n for n, _ in raw.fields if n in DROPPED_FIELDS}))
        if raw.key.casefold() in self.keys:
            previous = self.existing_raw.get(raw.key)
            if previous is not None and _same_entry(previous, kept):
                return Outcome(raw.key, raw.line, "duplicate", "already in references.bib (same entry)")
            return Outcome(raw.key, raw.line, "refused", f"key {raw.key} is already used by a different entry; change the key in {self.export_name}")
        page = page_slug(raw.key).casefold()
        if page in RESERVED_PAGE_NAMES or page in self.pages:
            return Outcome(raw.key, raw.line, "refused", f"KB408: key '{raw.key}' would get the same page as another entry or a page of the site (sources/{page_slug(raw.key)}/)")
        parent = entry.fields.get("crossref")
        if parent and parent.casefold() not in self.parents:
            return Outcome(raw.key, raw.line, "refused", f"crossref {parent} is neither in references.bib nor in {self.export_name}")
        names = {n for n, _ in kept}
        if "verification" not in names:
            kept += (("verification", "unverified"),)
            if "verification_note" not in names:
                kept += (("verification_note", f"imported from {_escape(self.export_name)} by kb import; not yet checked"),)
        candidate = RawEntry(raw.key, raw.entry_type, kept, raw.line, raw.end_line)
        unsafe = rendering_problem(candidate)
        if unsafe:
            return Outcome(raw.key, raw.line, "refused", unsafe)
        self.new.append(candidate)
        self.keys.add(raw.key.casefold())
        self.pages.add(page_slug(raw.key).casefold())
        self.index.add(raw.key, entry)
        return Outcome(raw.key, raw.line, "added", dropped=dropped)


def _same_entry(previous: RawEntry, fields: tuple[tuple[str, str], ...]) -> bool:
    """Same bibliographic fields (provenance aside), compared as rendered."""
    def bib(items: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        return sorted((n, " ".join(v.split())) for n, v in items if n not in LAST_FIELDS)

    return bib(previous.fields) == bib(fields)


def import_file(root: Path, export: Path, dry_run: bool = False) -> ImportResult:
    """Import ``export`` into ``root``/references.bib (written atomically unless ``dry_run``)."""
    from ..core.files import atomic_write_text

    bib = root / "references.bib"
    library_text = bib.read_text(encoding="utf-8") if bib.is_file() else ""
    export_text = export.read_text(encoding="utf-8-sig")
    result = import_bibtex(library_text, export_text, export.name)
    if result.added and not dry_run:
        atomic_write_text(bib, result.text)
    return result
