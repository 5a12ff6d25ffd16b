"""Finding a quote in a full text, page by page.

Input: a :class:`~litkb.load.fulltext.PagedText` (plain text or PDF) and a quote, optionally the
pages its locator names. Output: where the quote stands (:class:`Found`: its first and last page),
or None; the closest passage for a quote that is not there.

A text is kept in two readings, because a hyphen at a line end may belong to the word
("self-\\nevaluation") or not ("organi-\\nsation"): "kept" keeps it, "joined" drops it. Pages are
joined the same way, so a quote running over a page break (even one that hyphenates a word across
it) is found. A quote with ellipses is found when its parts occur in order.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..load.fulltext import PagedText, read_fulltext
from .passages import normalise, quote_parts, words

_ENDS_HYPHENATED = re.compile(r"\w-$")
_STARTS_WORD = re.compile(r"^\w")
# A paragraph ends at a blank line (one holding spaces at most).
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")
# Where a quote runs across a paragraph break, its citation is looked for this far around it.
_CITATION_WINDOW = 600
# A paragraph this short after a quote's is a citation standing alone under a block quotation.
_CITATION_LINE = 100


@dataclass(frozen=True)
class Reading:
    """One reading of the whole text and the offset at which each page starts in it."""

    text: str
    starts: tuple[int, ...]

    def page_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def bounds(self, first: int, last: int) -> tuple[int, int]:
        """The offsets from the start of page ``first`` to the end of page ``last``."""
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        return self.starts[first], end


def _reading(pieces: list[str], join_hyphen: bool) -> Reading:
    """The pages' normalised texts as one reading; a page ending in "organi-" continues on the
    next ("organi-sation" kept, "organisation" joined), other pages are joined by a space."""
    text = ""
    starts = []
    for piece in pieces:
        if text and piece and _ENDS_HYPHENATED.search(text) and _STARTS_WORD.match(piece):
            text = text[:-1] if join_hyphen else text
        elif text and piece:
            text += " "
        starts.append(len(text))
        text += piece
    return Reading(text, tuple(starts))


@dataclass(frozen=True)
class Found:
    """Where a quote stands: the indexes of its first and last page."""

    first: int
    last: int


@dataclass(frozen=True)
class FullText:
    """A source's text in both hyphenation readings, with its page labels (none for plain text)
    and its paragraphs, each normalised (the kept reading; a page break does not end one)."""

    name: str
    labels: tuple[str, ...]
    kept: Reading
    joined: Reading
    paragraphs: tuple[str, ...] = ()

    @classmethod
    def from_pages(cls, paged: PagedText) -> FullText:
        kept = [normalise(page.text) for page in paged.pages]
        joined = [normalise(page.text, join_hyphens=True) for page in paged.pages]
        labels = tuple(page.label for page in paged.pages) if paged.paged else ()
        raw = "\n".join(page.text for page in paged.pages)
        paragraphs = tuple(p for p in (normalise(part) for part in _PARAGRAPH_BREAK.split(raw)) if p)
        return cls(paged.name, labels, _reading(kept, False), _reading(joined, True), paragraphs)

    @classmethod
    def read(cls, path: Path) -> FullText:
        """Read a ``.txt`` or ``.pdf`` full text (raises :class:`~litkb.load.fulltext.FullTextError`)."""
        return cls.from_pages(read_fulltext(path))

    def contains(self, quote: str) -> bool:
        return self.find(quote) is not None

    def find(self, quote: str, pages: tuple[int, int] | None = None) -> Found | None:
        """Where the parts of ``quote`` occur in order, within the page indexes ``pages`` (first,
        last) when given; the earliest such place, or None."""
        kept_parts = [normalise(part) for part in quote_parts(quote)]
        joined_parts = [normalise(part, join_hyphens=True) for part in quote_parts(quote)]
        if not kept_parts:
            return None
        for reading, parts in ((self.kept, kept_parts), (self.joined, kept_parts), (self.joined, joined_parts)):
            low, high = reading.bounds(*pages) if pages else (0, len(reading.text))
            place = _in_order(reading.text, parts, low, high)
            if place is not None:
                return Found(reading.page_at(place[0]), reading.page_at(max(place[0], place[1] - 1)))
        return None

    def cites(self, quote: str, citation: str) -> bool:
        """Whether ``citation`` (a reported claim's ``cited_as``) stands in ``quote``, in a
        paragraph of the text that holds a part of the quote, or alone on the line after it (a
        block quotation's "(Southworth, 2002)"). Where the quote runs across paragraphs: within a
        few hundred characters of it."""
        wanted = normalise(citation)
        if not wanted or wanted in normalise(quote) or wanted in normalise(quote, join_hyphens=True):
            return bool(wanted)
        parts = [(normalise(part), normalise(part, join_hyphens=True)) for part in quote_parts(quote)]
        around: list[str] = []
        for i, paragraph in enumerate(self.paragraphs):
            if any(said in paragraph or joined in paragraph for said, joined in parts):
                around.append(paragraph)
                after = self.paragraphs[i + 1] if i + 1 < len(self.paragraphs) else ""
                if len(after) <= _CITATION_LINE:
                    around.append(after)
        if not around:
            for text in (self.kept.text, self.joined.text):
                for said, _ in parts:
                    start = text.find(said)
                    while start >= 0:
                        around.append(text[max(0, start - _CITATION_WINDOW) : start + len(said) + _CITATION_WINDOW])
                        start = text.find(said, start + 1)
        return any(wanted in passage for passage in around)

    def closest(self, quote: str) -> str:
        """The passage of the text most like the first part of ``quote`` that does not occur in it
        (same length, anchored on the longest match); the whole quote when every part occurs."""
        missing = [p for p in quote_parts(quote) if normalise(p) not in self.kept.text and normalise(p) not in self.joined.text]
        wanted = normalise(missing[0] if missing else quote)
        text = self.kept.text
        matcher = difflib.SequenceMatcher(None, text, wanted, autojunk=False)
        match = matcher.find_longest_match(0, len(text), 0, len(wanted))
        start = max(0, match.a - match.b)
        return text[start : start + len(wanted) + 10].strip()


def _in_order(text: str, parts: list[str], low: int, high: int) -> tuple[int, int] | None:
    """The start of the first and the end of the last of ``parts`` found one after the other in
    ``text[low:high]`` (each at its earliest place after the previous one), or None."""
    position, first = low, -1
    for part in parts:
        at = text.find(part, position, high)
        if at < 0:
            return None
        first = at if first < 0 else first
        position = at + len(part)
    return first, position


def paged_words(paged: PagedText) -> tuple[list[str], list[int]]:
    """The words of a full text (:func:`~litkb.rules.passages.words`) and the index of the first
    word of each page; a word hyphenated across a page break counts on the page where it starts."""
    all_words: list[str] = []
    starts: list[int] = []
    previous = ""
    for page in paged.pages:
        text = normalise(page.text)
        page_words = words(text)
        if page_words and all_words and _ENDS_HYPHENATED.search(previous) and _STARTS_WORD.match(text):
            all_words[-1] += page_words.pop(0)
        starts.append(len(all_words))
        all_words += page_words
        previous = text or previous
    return all_words, starts
