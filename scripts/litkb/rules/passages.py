"""How quotes and full texts are compared: the one normalisation, words, ellipses and page locators.

Input: a quote, a locator or a page of full text. Output: normalised text (:func:`normalise`), the
words a fingerprint is made of (:func:`words`), a quote's parts between ellipses
(:func:`quote_parts`) and the pages a locator names (:func:`page_span`).

A quote matches its source apart from line breaks and spacing, hyphens at line ends, upper/lower
case, compatibility forms (the "ﬁ" ligature of a PDF, a no-break space) and the form of quote marks
and dashes. Fingerprints compare words only: letters and digits, in order; a hyphen inside a word
is dropped, so "self-evaluation", "self-\\nevaluation" and "selfevaluation" are one word.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                              "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
                              "\u00ad": ""})
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_SPACES = re.compile(r"\s+")
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_WORD = re.compile(r"\w+")
# "...", ". . .", "…" and the same in square brackets: an omission inside a quote.
ELLIPSIS = re.compile(r"\[\s*(?:\.\s*){2}\.\s*\]|\[\s*\u2026\s*\]|\u2026|\.\s*\.\s*\.")


def normalise(text: str, join_hyphens: bool = False) -> str:
    """Compatibility forms and quote marks unified, whitespace collapsed, lower case; optionally
    "organi-\\nsation" -> "organisation" (else "organi-sation")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTE_MARKS)
    text = _HYPHEN_BREAK.sub(r"\1\2" if join_hyphens else r"\1-\2", text)
    return _SPACES.sub(" ", text).strip().casefold()


def words(text: str) -> list[str]:
    """The words of ``text`` as fingerprints see them: normalised, hyphens inside words dropped,
    then every run of letters and digits ("the headteacher's role" -> the, headteacher, s, role)."""
    return _WORD.findall(_INNER_HYPHEN.sub("", normalise(text)))


def quote_parts(quote: str) -> list[str]:
    """The parts of a quote between its ellipses, in order; parts without a letter or digit (an
    ellipsis at the start or the end, the full stop after one) are left out."""
    return [part.strip() for part in ELLIPSIS.split(quote) if _WORD.search(part)]


_LABEL = r"[0-9]+|[ivxlcdm]+|[a-z]?[0-9]+[a-z]?"
_PAGE_LOCATOR = re.compile(rf"^\s*(?:pp?\.|pages?)\s*({_LABEL})(?:\s*[-\u2013\u2014]\s*({_LABEL}))?\s*\.?\s*$", re.IGNORECASE)


def page_span(locator: str) -> tuple[str, str] | None:
    """The first and last page label of a page locator ("p. 337" -> ("337", "337"), "pp. 337-338"
    and "pp. 337-8" -> ("337", "338")), or None for another kind of locator ("section: ...")."""
    match = _PAGE_LOCATOR.match(locator)
    if match is None:
        return None
    first, last = match.group(1), match.group(2) or match.group(1)
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last  # "pp. 337-8": the common abbreviation of 337-338
    return first, last


def pages_text(first: str, last: str) -> str:
    """How a span of pages is written in messages: "p. 337" or "pp. 337-338"."""
    return f"p. {first}" if first == last else f"pp. {first}-{last}"
