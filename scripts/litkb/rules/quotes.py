"""Quote fidelity: every quote must occur verbatim in the full text of the source it is from.

Input: the knowledge base and a folder of plain-text full texts (``<key>.txt``, or mapped by a small
YAML file ``key: file name``). Output: one :class:`QuoteCheck` per quote whose text is available
(claims, concept definitions, limitations stated in an appraisal), and one :class:`CitationCheck`
per ``cited_as`` of a reported claim: the citation as printed must stand in the quote or in the
paragraph of the full text that holds it. Comparison ignores whitespace and line breaks,
hyphenation at line ends and the form of quote marks.

The mapping file comes with pull requests and a mismatch prints a passage of the text, so a full
text is only ever a regular file inside the folder given (after following symlinks) and of bounded
size: anything else is refused with one located line (:class:`FullTextError`).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.model import KnowledgeBase
from ..core.problems import visible
from ..load.yamlload import compose_yaml

# A full text is a paper or a book as plain text (a long book: ~2 MB); the bound keeps a mistaken
# or hostile file from being read into memory whole.
MAX_FULLTEXT_BYTES = 20_000_000


class FullTextError(ValueError):
    """A full text or mapping entry that cannot be used; the message is one located line."""

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                              "\u2013": "-", "\u2014": "-", "\u00ad": ""})
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_SPACES = re.compile(r"\s+")
# A paragraph ends at a blank line (one holding spaces at most).
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")
# Where a quote runs across a paragraph break, its citation is looked for this far around it.
_CITATION_WINDOW = 600
# A paragraph this short after a quote's is a citation standing alone under a block quotation.
_CITATION_LINE = 100


def normalise(text: str, join_hyphens: bool = False) -> str:
    """Quote marks unified, whitespace collapsed, lower case; optionally "organi-\\nsation" -> "organisation"."""
    text = text.translate(_QUOTE_MARKS)
    text = _HYPHEN_BREAK.sub(r"\1\2" if join_hyphens else r"\1-\2", text)
    return _SPACES.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class FullText:
    """A source's text in both hyphenation readings (a line-end hyphen may or may not belong)."""

    name: str
    kept: str
    joined: str
    paragraphs: tuple[str, ...] = ()  # each paragraph normalised (the kept reading)

    @classmethod
    def read(cls, path: Path) -> FullText:
        """Read a regular file of at most :data:`MAX_FULLTEXT_BYTES` (else :class:`FullTextError`)."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
        try:
            fd = os.open(path, flags)
        except OSError as err:
            raise FullTextError(f"{path}: cannot read the full text: {err.strerror or err}") from err
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise FullTextError(f"{path}: not a regular file")
            data = handle.read(MAX_FULLTEXT_BYTES + 1)
        if len(data) > MAX_FULLTEXT_BYTES:
            raise FullTextError(f"{path}: larger than {MAX_FULLTEXT_BYTES:,} bytes")
        raw = data.decode("utf-8", errors="replace")
        paragraphs = tuple(p for p in (normalise(part) for part in _PARAGRAPH_BREAK.split(raw)) if p)
        return cls(path.name, normalise(raw), normalise(raw, join_hyphens=True), paragraphs)

    def contains(self, quote: str) -> bool:
        wanted = normalise(quote)
        return wanted in self.kept or wanted in self.joined or normalise(quote, True) in self.joined

    def cites(self, quote: str, citation: str) -> bool:
        """Whether ``citation`` stands in ``quote`` or in the paragraph of the text that holds the
        quote, or alone on the line after it (a block quotation's "(Southworth, 2002)"). Where the
        quote runs across paragraphs: within a few hundred characters of it."""
        wanted = normalise(citation)
        if not wanted or wanted in normalise(quote) or wanted in normalise(quote, True):
            return bool(wanted)
        said, joined = normalise(quote), normalise(quote, True)
        around: list[str] = []
        for i, paragraph in enumerate(self.paragraphs):
            if said in paragraph or joined in paragraph:
                around.append(paragraph)
                after = self.paragraphs[i + 1] if i + 1 < len(self.paragraphs) else ""
                if len(after) <= _CITATION_LINE:
                    around.append(after)
        if not around:
            for text in (self.kept, self.joined):
                start = text.find(said)
                while start >= 0:
                    around.append(text[max(0, start - _CITATION_WINDOW) : start + len(said) + _CITATION_WINDOW])
                    start = text.find(said, start + 1)
        return any(wanted in passage for passage in around)

    def closest(self, quote: str) -> str:
        """The passage of the text most like ``quote`` (same length, anchored on the longest match)."""
        wanted = normalise(quote)
        matcher = difflib.SequenceMatcher(None, self.kept, wanted, autojunk=False)
        match = matcher.find_longest_match(0, len(self.kept), 0, len(wanted))
        start = max(0, match.a - match.b)
        return self.kept[start : start + len(wanted) + 10].strip()


@dataclass(frozen=True)
class QuoteCheck:
    path: str
    line: int
    owner: str  # claim uid or "concept <id>"
    text_key: str
    text_name: str
    quote: str
    found: bool
    closest: str = ""


def load_fulltexts(folder: Path, mapping_file: Path | None, shown: str | None = None) -> dict[str, Path]:
    """Key -> full-text file: ``<key>.txt`` in ``folder`` plus the entries of the mapping file
    (``shown`` is its name in messages; default: the path as given).

    Every file is resolved (symlinks followed) and must be a regular file inside ``folder`` of at
    most :data:`MAX_FULLTEXT_BYTES`; the first that is not raises :class:`FullTextError`, located at
    the mapping file's line for a mapped one.
    """
    base = folder.resolve()
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.txt")):
        refusal = _refusal(base, path, path.name)
        if refusal:
            raise FullTextError(f"{path} {refusal}")
        found[path.stem] = path.resolve()
    if mapping_file is not None:
        name = shown or str(mapping_file)
        for key, value, line, column in _read_mapping(mapping_file, name):
            refusal = _refusal(base, folder / value, value)
            if refusal:
                raise FullTextError(f"{name}:{line}:{column}: {visible(key)}: '{visible(value)}' {refusal}")
            found[key] = (folder / value).resolve()
    return found


def _read_mapping(path: Path, shown: str) -> list[tuple[str, str, int, int]]:
    """The ``key: file name`` entries of a mapping file as (key, name, line, column of the name),
    read by the notes' safe YAML loader (no tags, no aliases)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FullTextError(f"{shown}: cannot read the mapping file: {getattr(err, 'strerror', None) or err}") from err
    if not text.strip():
        return []
    root, problems = compose_yaml(text, shown)
    if problems:
        raise FullTextError(problems[0].text())
    if not isinstance(root, yaml.MappingNode):
        raise FullTextError(f"{shown}:1:1: expected a mapping 'key: file name'")
    entries = []
    for key_node, value_node in root.value:
        line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        scalars = isinstance(key_node, yaml.ScalarNode) and isinstance(value_node, yaml.ScalarNode)
        if not scalars or not value_node.value or {key_node.tag, value_node.tag} != {_TEXT_TAG}:
            raise FullTextError(f"{shown}:{line}:{column}: expected 'key: file name' (plain text, no YAML tags)")
        mark = value_node.start_mark
        entries.append((str(key_node.value), str(value_node.value), mark.line + 1, mark.column + 1))
    return entries


_TEXT_TAG = "tag:yaml.org,2002:str"


def _refusal(base: Path, path: Path, name: str) -> str | None:
    """Why ``path`` (written ``name``) cannot be a full text of the folder ``base`` (a phrase to
    follow the name: "leads outside ..."), or None."""
    if "\0" in name:
        return "holds a NUL character"
    if Path(name).is_absolute():
        return "is an absolute path; name a file inside the full-text folder"
    try:
        resolved = path.resolve()
        # Outside first: whether a file exists out there is none of the mapping's business.
        if not resolved.is_relative_to(base):
            return "leads outside the full-text folder; full texts must be inside it"
        info = resolved.stat()
    except FileNotFoundError:
        return "is not a file in the full-text folder"
    except (OSError, RuntimeError) as err:  # a symlink loop, a name too long ...
        return f"cannot be read: {getattr(err, 'strerror', None) or err}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_size > MAX_FULLTEXT_BYTES:
        return f"has {info.st_size:,} bytes; a full text may have at most {MAX_FULLTEXT_BYTES:,}"
    return None


@dataclass(frozen=True)
class CitationCheck:
    """Whether a reported claim's ``cited_as`` stands in its quote or the quote's paragraph."""

    path: str
    line: int
    owner: str  # claim uid
    text_name: str
    cited_as: str
    found: bool


def verify_citations(kb: KnowledgeBase, texts: dict[str, Path]) -> list[CitationCheck]:
    """Check each ``cited_as`` of a reported claim whose note has a full text in ``texts`` and
    whose quote is found in it (a quote not found is reported by :func:`verify_quotes`)."""
    cache: dict[str, FullText] = {}
    checks: list[CitationCheck] = []
    for claim in kb.claims:
        if not claim.cited_as or claim.note_key not in texts or not claim.quote:
            continue
        full = cache.get(claim.note_key) or cache.setdefault(claim.note_key, FullText.read(texts[claim.note_key]))
        if not full.contains(claim.quote):
            continue
        for cited in claim.cited_as:
            checks.append(CitationCheck(claim.path, claim.line, claim.uid, full.name, cited, full.cites(claim.quote, cited)))
    return checks


def verify_quotes(kb: KnowledgeBase, texts: dict[str, Path]) -> list[QuoteCheck]:
    """Check every quote whose source (or reporting source) has a full text in ``texts``: the
    claims' quotes, the concept definitions' and those of the limitations an appraisal states."""
    cache: dict[str, FullText] = {}

    def text_for(key: str) -> FullText | None:
        if key not in texts:
            return None
        if key not in cache:
            cache[key] = FullText.read(texts[key])
        return cache[key]

    checks: list[QuoteCheck] = []

    def check(path: str, line: int, owner: str, key: str, quote: str) -> None:
        full = text_for(key)
        if full is None or not quote:
            return
        ok = full.contains(quote)
        checks.append(QuoteCheck(path, line, owner, key, full.name, quote, ok, "" if ok else full.closest(quote)))

    for claim in kb.claims:
        # A reported claim quotes the reporting source (the note's own source), not the work it is about.
        check(claim.path, claim.line, claim.uid, claim.note_key, claim.quote)
    for note in kb.notes.values():
        for number, limitation in enumerate(note.appraisal.stated_limitations if note.appraisal else (), start=1):
            check(note.path, limitation.line, f"{note.key} stated limitation {number}", note.key, limitation.quote)
    for concept in kb.concepts.values():
        d = concept.definition
        # A definition credited to several works quotes the first (CODEBOOK.md), unless reported.
        check(concept.path, d.line, f"concept {concept.id}", d.reported_by or (d.sources[0] if d.sources else ""), d.quote)
    return checks
