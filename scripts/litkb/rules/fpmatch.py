"""Finding a quote in a fingerprint (no full text at hand).

Input: a :class:`~litkb.core.fingerprint.Fingerprint`, a quote and optionally the page indexes its
locator names. Output: a :class:`FingerprintResult`: where the quote's windows all match at
consecutive positions, and whether that is proof enough.

A verbatim quote always matches where it stands. A quote none of whose places match is certainly
not verbatim ("not found"). A match counts as *verified* only when the quote's windows carry enough
bits that a wrong quote would match somewhere in the searched range with a chance below
``2 ** -SECURITY_BITS`` (:func:`~litkb.core.fingerprint.needed_windows`), and every word of every
part is inside a window; otherwise the quote is "too short to check without the full text".
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Literal

from ..core.fingerprint import SECURITY_BITS, Fingerprint, needed_windows
from .passages import quote_parts, words

Status = Literal["verified", "too-short", "not-found"]


@dataclass(frozen=True)
class FingerprintResult:
    """``status``; the page indexes of the match (None without pages or without a match);
    ``minimum``: the words a quote needs in this range to be checked."""

    status: Status
    first_page: int | None = None
    last_page: int | None = None
    minimum: int = 0


def _word_bounds(fingerprint: Fingerprint, pages: tuple[int, int] | None) -> tuple[int, int]:
    if pages is None or not fingerprint.pages:
        return 0, fingerprint.words
    first, last = pages
    end = fingerprint.pages[last + 1][0] if last + 1 < len(fingerprint.pages) else fingerprint.words
    return fingerprint.pages[first][0], end


def _page_of(fingerprint: Fingerprint, word: int) -> int | None:
    if not fingerprint.pages:
        return None
    starts = [start for start, _ in fingerprint.pages]
    return max(0, bisect.bisect_right(starts, word) - 1)


def find_in_fingerprint(fingerprint: Fingerprint, quote: str, pages: tuple[int, int] | None = None) -> FingerprintResult:
    """Where the parts of ``quote`` (split at ellipses) match in order, within ``pages`` (first and
    last page index) when given; the earliest such place."""
    window = fingerprint.params.window
    bits = fingerprint.params.bits
    low, high = _word_bounds(fingerprint, pages)
    positions = max(1, high - low - window + 1)
    minimum = window - 1 + needed_windows(positions, fingerprint.params)
    parts = [words(part) for part in quote_parts(quote)]
    parts = [part for part in parts if part]
    if not any(len(part) >= window for part in parts):
        return FingerprintResult("too-short", minimum=minimum)
    position, first_word, surplus = low, -1, 0.0
    for part in parts:
        if len(part) < window:
            position += len(part)  # a part too short for a window: only its length is known
            continue
        # The values of windows lying within [low, high): window i covers words i .. i+window-1.
        at = fingerprint.values.find(fingerprint.pattern(part), position, max(position, high - window + 1))
        if at < 0:
            return FingerprintResult("not-found", minimum=minimum)
        first_word = at if first_word < 0 else first_word
        position = at + len(part)
        surplus += bits * (len(part) - window + 1) - math.log2(positions)
    checked = all(len(part) >= window for part in parts) and surplus >= SECURITY_BITS
    return FingerprintResult(
        "verified" if checked else "too-short",
        _page_of(fingerprint, first_word),
        _page_of(fingerprint, max(first_word, min(position, fingerprint.words) - 1)),
        minimum,
    )
