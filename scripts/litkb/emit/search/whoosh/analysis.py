"""Text analysis for the index and for queries: words -> indexed terms (lower case, accents folded,
stop words dropped, stemmed), word pairs for common words, and packed word positions.

Input: text. Output: Whoosh tokens and terms. The classes here are pickled into an index's schema
(Whoosh stores their module path): moving or changing them needs a new ``SCHEMA_VERSION``
(:mod:`litkb.emit.search.store`).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate
from typing import Any

import whoosh.analysis.acore
import whoosh.analysis.tokenizers
import whoosh.formats
import whoosh.lang.porter

from ....core.text import fold

# Whoosh's annotations are partial (untyped functions, implicit re-exports), so it is used as
# a dynamic library through these handles.
Token: Any = whoosh.analysis.acore.Token
Tokenizer: Any = whoosh.analysis.tokenizers.Tokenizer
_porter: Any = whoosh.lang.porter.stem
_formats: Any = whoosh.formats
_pack_uint: Any = _formats.pack_uint
_INT_SIZE: int = _formats._INT_SIZE
_ONE_POSITION = bytes(_pack_uint(1))

WORD = re.compile(r"\w+(?:\.\w+)*")
_STOP = frozenset(("a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is", "it", "may", "of", "on", "or",
                   "that", "the", "this", "to", "we", "when", "will", "with", "you", "your"))


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_porter(word))


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(unicodedata.normalize("NFC", word))


@lru_cache(maxsize=200_000)
def term(word: str, stemming: bool = True) -> str | None:
    """A lower-case word as indexed: accents folded, stemmed; None for a stop word."""
    if not word.isascii():
        word = _fold_word(word)
    if word in _STOP or (len(word) == 1 and not word.isdigit()):  # "headteacher's" leaves an "s"
        return None
    return _stem(word) if stemming else word


class KbAnalyzer(Tokenizer):  # type: ignore[misc]
    """Words -> lower case, accents folded, English stop words dropped, stemmed (one pass instead
    of a chain of Whoosh filters). When indexing, each pair of consecutive ``common`` words is
    also a term ("school leadership").

    A phrase of common words is then the AND of its pairs: checking the positions of two words
    found in half the documents takes seconds. (Three or more words can, rarely, match their
    pairs in different places.) A phrase with a rarer word uses positions, exact, its short
    posting list bounding the work. Stop words take no position, in index and query alike.
    """

    def __init__(self, common: frozenset[str] = frozenset()) -> None:
        self.common = common

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KbAnalyzer) and other.common == self.common

    def __hash__(self) -> int:
        return hash(("KbAnalyzer", len(self.common)))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost, token.stopped = 1.0, False
        common = self.common if mode == "index" else frozenset()
        previous = None
        pos = start_pos
        for match in WORD.finditer(value.lower()) if tokenize else [re.match(r"(?s).*", value.lower())]:
            assert match is not None
            text = term(match.group(0))
            if text is None:
                continue
            token.text = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            yield token
            if previous is not None and text in common and previous in common:
                token.text = f"{previous} {text}"  # same position as the word: phrases are unaffected
                yield token
            previous = text
            pos += 1


def pairs_of(words: list[str]) -> list[str]:
    """The indexed word pairs of a phrase's analysed words."""
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def analysed(text: str) -> str:
    return " ".join(t.text for t in KbAnalyzer()(text))



class Positions(_formats.Positions):  # type: ignore[misc]
    """Word positions packed as an array of gaps (Whoosh pickles a list for every posting: the
    largest single cost of indexing after the postings themselves)."""

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1:  # most words occur once in a document: the gap is the position
            return _ONE_POSITION + array("I", poslist).tobytes()
        gaps = array("I", [b - a for a, b in zip([0, *poslist], poslist, strict=False)])
        return bytes(_pack_uint(len(gaps))) + gaps.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        gaps = array("I")
        gaps.frombytes(valuestring[_INT_SIZE:])
        return list(accumulate(gaps))

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        """As Positions.word_values (word, frequency, weight, encoded positions), reading our
        analyzer's tokens directly: they are never stopped and each weighs 1.0."""
        if not isinstance(value, str) or not isinstance(analyzer, KbAnalyzer):
            return super().word_values(value, analyzer, **kwargs)
        kwargs["positions"] = kwargs["boosts"] = True
        positions: dict[str, list[int]] = {}
        for token in analyzer(value, **kwargs):
            found = positions.get(token.text)
            if found is None:
                positions[token.text] = [token.pos]
            else:
                found.append(token.pos)
        boost, encode = self.field_boost, self.encode
        return [(word, len(poslist), float(len(poslist)) * boost, encode(poslist)) for word, poslist in positions.items()]



def name_words(names: str) -> list[str]:
    """Words of personal names as ``author:`` tags: lower case, accents folded, not stemmed."""
    return sorted({fold(w) for w in WORD.findall(names.lower())})

