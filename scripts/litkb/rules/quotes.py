"""Quote fidelity: every quote must occur verbatim in the full text of the source it is from.

Input: the knowledge base and a folder of plain-text full texts (``<key>.txt``, or mapped by a small
YAML file ``key: file name``). Output: one :class:`QuoteCheck` per quote whose text is available.
Comparison ignores whitespace and line breaks, hyphenation at line ends and the form of quote marks.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.model import KnowledgeBase

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                              "\u2013": "-", "\u2014": "-", "\u00ad": ""})
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_SPACES = re.compile(r"\s+")


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

    @classmethod
    def read(cls, path: Path) -> FullText:
        raw = path.read_text(encoding="utf-8", errors="replace")
        return cls(path.name, normalise(raw), normalise(raw, join_hyphens=True))

    def contains(self, quote: str) -> bool:
        wanted = normalise(quote)
        return wanted in self.kept or wanted in self.joined or normalise(quote, True) in self.joined

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


def load_fulltexts(folder: Path, mapping_file: Path | None) -> dict[str, Path]:
    """Key -> full-text file: ``<key>.txt`` in ``folder`` plus the entries of the mapping file."""
    found = {p.stem: p for p in sorted(folder.glob("*.txt"))}
    if mapping_file is not None:
        data = yaml.safe_load(mapping_file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{mapping_file}: expected a mapping 'key: file name'")
        for key, name in data.items():
            path = folder / str(name)
            if not path.is_file():
                raise ValueError(f"{mapping_file}: {key}: no file {path}")
            found[str(key)] = path
    return found


def verify_quotes(kb: KnowledgeBase, texts: dict[str, Path]) -> list[QuoteCheck]:
    """Check every quote whose source (or reporting source) has a full text in ``texts``."""
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
    for concept in kb.concepts.values():
        d = concept.definition
        check(concept.path, d.line, f"concept {concept.id}", d.reported_by or d.source, d.quote)
    return checks
