"""Quote fidelity: every quote must occur verbatim in the full text of the source it is from, on
the pages its locator names.

Input: the knowledge base, the full texts at hand (``<key>.txt`` or ``<key>.pdf`` in a folder, or
mapped by a small YAML file ``key: file name``) and the committed fingerprints
(``kb/fingerprints/<key>.json``). Output: one :class:`QuoteCheck` per quote: checked against the
full text when there is one, else against the fingerprint (:mod:`litkb.rules.fpmatch`), else
unverified. Comparison ignores whitespace and line breaks, hyphenation at line ends and the form of
quote marks (:mod:`litkb.rules.passages`); ellipses split a quote into parts found in order; a
locator ``p. N`` or ``pp. N-M`` must name the pages the quote stands on. Quotes are the claims',
the limitations an appraisal states and the concept definitions'. Besides, one
:class:`CitationCheck` per ``cited_as`` of a reported claim: the citation as printed must stand in
the quote or in the paragraph of the full text that holds it.

The mapping file comes with pull requests and a mismatch prints a passage of the text, so a full
text is only ever a regular file inside the folder given (after following symlinks) and of bounded
size: anything else is refused with one located line (:class:`FullTextError`).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import yaml

from ..core.fingerprint import Fingerprint
from ..core.model import KnowledgeBase
from ..core.problems import visible
from ..load.fulltext import MAX_FULLTEXT_BYTES, MAX_PDF_BYTES, SUFFIXES, FullTextError
from ..load.yamlload import compose_yaml
from .fpmatch import find_in_fingerprint
from .passages import normalise, page_span, pages_text
from .textmatch import FullText

__all__ = ["CitationCheck", "FullText", "FullTextError", "QuoteCheck", "load_fulltexts", "normalise", "verify_citations", "verify_quotes"]

Status = Literal["verified", "too-short", "not-found", "wrong-pages", "no-page", "unverified"]
FAILED: tuple[Status, ...] = ("not-found", "wrong-pages", "no-page")


@dataclass(frozen=True)
class QuoteCheck:
    """One quote and what became of it. ``method``: "full text", "fingerprint" or "" (neither at
    hand); ``text_name``: the full text's file name or the fingerprint's path; ``detail``: for a
    failure, what is wrong ("is on p. 12, not on p. 337"); ``pages_checked``: whether its page
    locator was held against the pages (False for a page locator and a text without pages)."""

    path: str
    line: int
    owner: str  # claim uid or "concept <id>"
    text_key: str
    text_name: str
    quote: str
    status: Status
    locator: str = ""
    method: str = ""
    closest: str = ""
    detail: str = ""
    pages_checked: bool = False

    @property
    def found(self) -> bool:
        return self.status == "verified"

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @property
    def page_unchecked(self) -> bool:
        """A page locator that could not be checked (a plain text has no pages)."""
        return self.found and not self.pages_checked and page_span(self.locator) is not None


def load_fulltexts(folder: Path, mapping_file: Path | None, shown: str | None = None, absent: list[str] | None = None) -> dict[str, Path]:
    """Key -> full-text file: ``<key>.txt`` or ``<key>.pdf`` in ``folder`` plus the entries of the mapping file
    (``shown`` is its name in messages; default: the path as given).

    Every file is resolved (symlinks followed) and must be a regular file inside ``folder`` of at
    most :data:`MAX_FULLTEXT_BYTES`; the first that is not raises :class:`FullTextError`, located at
    the mapping file's line for a mapped one. A mapped name that is simply not in the folder is
    left out, with a located line appended to ``absent``: the committed mapping names the seeds'
    texts, and a contributor's own folder, holding only their PDF, need not have them (those
    sources' quotes are then checked against their fingerprints).
    """
    base = folder.resolve()
    found: dict[str, Path] = {}
    # <key>.pdf wins over <key>.txt: it has pages, so page locators can be checked.
    candidates = [p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")]
    for path in sorted(candidates, key=lambda p: (p.stem, p.suffix.lower() == ".pdf", p.name)):
        refusal = _refusal(base, path, path.name)
        if refusal:
            raise FullTextError(f"{path} {refusal}")
        found[path.stem] = path.resolve()
    if mapping_file is not None:
        name = shown or str(mapping_file)
        for key, value, line, column in _read_mapping(mapping_file, name):
            refusal = _refusal(base, folder / value, value)
            if refusal == NOT_IN_FOLDER:
                if absent is not None:
                    absent.append(f"{name}:{line}:{column}: {visible(key)}: '{visible(value)}' is not in the full-text folder; left out")
                continue
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


NOT_IN_FOLDER = "is not a file in the full-text folder"


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
        return NOT_IN_FOLDER
    except (OSError, RuntimeError) as err:  # a symlink loop, a name too long ...
        return f"cannot be read: {getattr(err, 'strerror', None) or err}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    limit = MAX_PDF_BYTES if name.lower().endswith(".pdf") else MAX_FULLTEXT_BYTES
    if info.st_size > limit:
        return f"has {info.st_size:,} bytes; a full text may have at most {limit:,}"
    return None


def quote_sites(kb: KnowledgeBase) -> Iterator[tuple[str, int, str, str, str, str]]:
    """Every quote of the knowledge base as (path, line, owner, key of the text it is from, quote,
    locator): the claims', the limitations an appraisal states and the concept definitions'. A
    reported claim quotes the reporting source (the note's own source), not the work it is about."""
    for claim in kb.claims:
        if claim.quote:
            yield claim.path, claim.line, claim.uid, claim.note_key, claim.quote, claim.locator
    for note in kb.notes.values():
        for number, limitation in enumerate(note.appraisal.stated_limitations if note.appraisal else (), start=1):
            if limitation.quote:
                yield note.path, limitation.line, f"{note.key} stated limitation {number}", note.key, limitation.quote, limitation.locator
    for concept in kb.concepts.values():
        d = concept.definition
        if d.quote:
            # A definition credited to several works quotes the first (CODEBOOK.md), unless reported.
            yield concept.path, d.line, f"concept {concept.id}", d.reported_by or (d.sources[0] if d.sources else ""), d.quote, d.locator


CitationStatus = Literal["found", "not-found", "needs-text"]


@dataclass(frozen=True)
class CitationCheck:
    """Whether a reported claim's ``cited_as`` stands in its quote or the quote's paragraph of the
    full text ("found", "not-found"); with a fingerprint only, a citation outside its quote
    "needs-text" (a fingerprint cannot show a paragraph, nor a string of a few words)."""

    path: str
    line: int
    owner: str  # claim uid
    text_name: str
    cited_as: str
    status: CitationStatus

    @property
    def found(self) -> bool:
        return self.status == "found"


def verify_citations(kb: KnowledgeBase, texts: Mapping[str, Path], checks: list[QuoteCheck], cache: dict[str, FullText] | None = None) -> list[CitationCheck]:
    """Check each ``cited_as`` of a reported claim whose quote was verified (``checks``, from
    :func:`verify_quotes`; a quote not verified is reported there): against the full text in
    ``texts`` (in the quote, its paragraph or the line after it), or, when the quote was verified
    against a fingerprint, in the quote itself, else it needs the full text."""
    cache = {} if cache is None else cache
    verified = {(c.path, c.line, c.owner): c for c in checks if c.found}
    out: list[CitationCheck] = []
    for claim in kb.claims:
        check = verified.get((claim.path, claim.line, claim.uid))
        if not claim.cited_as or check is None:
            continue
        if check.method == "full text":
            if claim.note_key not in cache:
                cache[claim.note_key] = FullText.read(texts[claim.note_key])
            full = cache[claim.note_key]
            out += [CitationCheck(claim.path, claim.line, claim.uid, full.name, cited, "found" if full.cites(claim.quote, cited) else "not-found") for cited in claim.cited_as]
        else:
            quote = (normalise(claim.quote), normalise(claim.quote, join_hyphens=True))
            for cited in claim.cited_as:
                inside = bool(normalise(cited)) and any(normalise(cited) in q for q in quote)
                out.append(CitationCheck(claim.path, claim.line, claim.uid, check.text_name, cited, "found" if inside else "needs-text"))
    return out


def verify_quotes(kb: KnowledgeBase, texts: Mapping[str, Path], fingerprints: Mapping[str, Fingerprint] | None = None,
                  fingerprint_names: Mapping[str, str] | None = None, cache: dict[str, FullText] | None = None) -> list[QuoteCheck]:
    """Check every quote: against its source's full text in ``texts`` when there is one, else
    against its fingerprint (named in messages by ``fingerprint_names``), else unverified.
    ``cache``: the texts read so far by key (filled here; :func:`verify_citations` reads them too)."""
    cache = {} if cache is None else cache
    checks: list[QuoteCheck] = []
    for path, line, owner, key, quote, locator in quote_sites(kb):
        base = QuoteCheck(path, line, owner, key, "", quote, "unverified", locator)
        if key in texts:
            if key not in cache:
                cache[key] = FullText.read(texts[key])
            checks.append(_against_text(base, cache[key], locator))
        elif fingerprints and key in fingerprints:
            name = (fingerprint_names or {}).get(key, key)
            checks.append(_against_fingerprint(base, fingerprints[key], name, locator))
        else:
            checks.append(base)
    return checks


def _span(labels: list[str], locator: str) -> tuple[tuple[int, int] | None, str]:
    """The page indexes a page locator names, or None and why not ("" when it names no pages)."""
    span = page_span(locator)
    if span is None or not labels:
        return None, ""
    first = next((i for i, label in enumerate(labels) if label.casefold() == span[0].casefold()), None)
    last = None if first is None else next((i for i in range(first, len(labels)) if labels[i].casefold() == span[1].casefold()), None)
    if first is None or last is None:
        missing = span[0] if first is None else span[1]
        return None, f"names page {missing}, which the text does not have (its pages are labelled {labels[0]} to {labels[-1]})"
    return (first, last), ""


def _against_text(base: QuoteCheck, text: FullText, locator: str) -> QuoteCheck:
    name = text.name
    labels = list(text.labels)
    pages, missing = _span(labels, locator)
    if missing:
        return _with(base, "no-page", "full text", name, detail=missing, pages_checked=True)
    if text.find(base.quote, pages) is not None:
        return _with(base, "verified", "full text", name, pages_checked=pages is not None)
    elsewhere = text.find(base.quote) if pages is not None else None
    if elsewhere is not None:
        where = pages_text(labels[elsewhere.first], labels[elsewhere.last])
        return _with(base, "wrong-pages", "full text", name, detail=f"is on {where}, not on {locator.strip()}", pages_checked=True)
    return _with(base, "not-found", "full text", name, closest=text.closest(base.quote))


def _against_fingerprint(base: QuoteCheck, fingerprint: Fingerprint, name: str, locator: str) -> QuoteCheck:
    labels = [label for _, label in fingerprint.pages]
    pages, missing = _span(labels, locator)
    if missing:
        return _with(base, "no-page", "fingerprint", name, detail=missing, pages_checked=True)
    result = find_in_fingerprint(fingerprint, base.quote, pages)
    if result.status != "not-found" or pages is None:
        return _with(base, result.status, "fingerprint", name, pages_checked=pages is not None and result.status == "verified")
    elsewhere = find_in_fingerprint(fingerprint, base.quote)
    if elsewhere.status == "verified" and elsewhere.first_page is not None and elsewhere.last_page is not None:
        where = pages_text(labels[elsewhere.first_page], labels[elsewhere.last_page])
        return _with(base, "wrong-pages", "fingerprint", name, detail=f"is on {where}, not on {locator.strip()}", pages_checked=True)
    if elsewhere.status == "too-short":
        # Certainly not on those pages; where it stands, a quote this short cannot tell.
        detail = f"is not on {locator.strip()} (too short to tell where it stands without the full text)"
        return _with(base, "wrong-pages", "fingerprint", name, detail=detail, pages_checked=True)
    return _with(base, "not-found", "fingerprint", name)


def _with(base: QuoteCheck, status: Status, method: str, name: str, *, closest: str = "", detail: str = "", pages_checked: bool = False) -> QuoteCheck:
    return replace(base, status=status, method=method, text_name=name, closest=closest, detail=detail, pages_checked=pages_checked)
