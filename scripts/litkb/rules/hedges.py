"""The hedge check: does a paraphrase keep what limits its quote?

CODEBOOK.md asks every claim's ``text`` to keep the quote's modality (may, appears, suggests ...),
quantity (some, several, two of ...), frequency (often, tended to ...) and who said it (one
headteacher, HT1, some staff). This module finds, in a quote, the hedges of each family and the
participants a point is attributed to, and reports those of which the paraphrase keeps nothing:
a paraphrase keeps a hedge when it holds any word of the same family ("appeared" is kept by
"appears" or "seemed"; "to large extent" by "to a large extent" or "largely").

Input: a quote and its paraphrase (plain text). Output: the dropped hedges and attributions as
the quote writes them, in quote order (:func:`dropped`). Pure; a heuristic, so the problem it
feeds is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


def _any(*forms: str) -> str:
    return r"\b(?:" + "|".join(forms) + r")\b"


@dataclass(frozen=True)
class Family:
    """Words that hedge a point the same way: ``finds`` in a quote, ``keeps`` in its paraphrase."""

    name: str
    finds: re.Pattern[str]
    keeps: re.Pattern[str]


_I = re.IGNORECASE
_APPEAR_SEEM = _any(r"appear(?:s|ed|ing)?", r"apparent(?:ly)?", r"seem(?:s|ed|ing|ingly)?")
_TENTATIVE = _any("may", "might", "could", "perhaps", "possibl[ey]", "arguabl[ey]", "(?:un)?likely", "probabl[ey]", "maybe", r"potential(?:ly)?")
_NUMBERS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|both|each|none|neither"
_QUANTITY_KEEPS = _any("some", "several", "(?:a )?few", "many", "most(?:ly)?", "number of", "minority", "majority", "not all", r"not every\w*", "certain",
                       "only", r"\d+", _NUMBERS)
_FREQUENCY = _any("sometimes", "often", "usually", "generally", "general", "typically", "rarely", "seldom", "occasionally",
                  "frequently", "at times", r"tend(?:s|ed|ing|ency)?")

FAMILIES: tuple[Family, ...] = (
    Family("appear", re.compile(_any(r"appear(?:s|ed|ing)?", r"apparent(?:ly)?"), _I), re.compile(_APPEAR_SEEM, _I)),
    Family("seem", re.compile(_any(r"seem(?:s|ed|ing|ingly)?"), _I), re.compile(_APPEAR_SEEM, _I)),
    Family("suggest", re.compile(_any(r"suggest(?:s|ed|ing|ion|ions)?"), _I), re.compile(_any(r"suggest\w*", r"impl(?:y|ies|ied)", r"indicat\w*"), _I)),
    # "may" as a modal only: the month is written with a capital and usually next to a number
    # ("May 2004", "12 May"), or capitalised in mid-sentence; "could not" says what someone was
    # unable to do, not how sure the authors are.
    Family("may", re.compile(r"\b(?:may(?!\s+\d)|might|could(?!\s*n[o']t))\b", _I), re.compile(_TENTATIVE, _I)),
    Family("perhaps", re.compile(_any("perhaps", "possibly", "maybe", "(?:un)?likely", "probably", r"potentially"), _I), re.compile(_TENTATIVE, _I)),
    Family("arguably", re.compile(_any("arguably"), _I), re.compile(_any("arguabl[ey]", r"argu(?:e|es|ed|ing)", "perhaps", "possibl[ey]", "may", "might"), _I)),
    Family("tend to", re.compile(_any(r"tend(?:s|ed|ing)?\s+to", "tendency"), _I), re.compile(_FREQUENCY, _I)),
    Family("often", re.compile(_any("sometimes", "often", "usually", "generally", "typically", "rarely", "seldom", "occasionally", "frequently", "at times"), _I),
           re.compile(_FREQUENCY, _I)),
    # Quantity: "most" only before "of" or a plural ("most schools"), not "the most important";
    # word boundaries keep "somewhat" and "someone" out.
    Family("some", re.compile(_any("some", "several", "(?:a )?few", "many", r"(?<!the )(?<!at )most(?=\s+of\b|\s+\w+s\b)", "a number of",
                                   "a minority", "not all", rf"(?:{_NUMBERS}) of"), _I), re.compile(_QUANTITY_KEEPS, _I)),
    Family("seen as", re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+\s+)?(?:seen|regarded|viewed|perceived)\s+as\b", _I),
           re.compile(_any(r"(?:seen|regarded|viewed|perceived|considered) as", "saw", "sees?", "seeing", r"view(?:s|ed|ing)?", r"regard(?:s|ed|ing)?",
                           r"perceiv\w*", r"consider\w*"), _I)),
    Family("to an extent", re.compile(r"\bto\s+(?:(?:a|an|some|a certain|a large|large|a great|great|a lesser|a limited)\s+)?extent\b|"
                                      + _any("largely", r"in (?:large )?part", "partly", "partially"), _I),
           re.compile(r"\bextent\b|" + _any("largely", r"in (?:large )?part", "partly", r"partial(?:ly)?", "mainly", "mostly", "some"), _I)),
)

# Participants a quote attributes a point to: "HT1", "one junior school headteacher", "two of the
# heads", "some staff". A paraphrase keeps the attribution if it names participants so too.
_PARTICIPANTS = (r"head(?:s|teachers?| teachers?)?|teachers?|staff|principals?|deput(?:y|ies)|deputes?|participants?|respondents?|"
                 r"interviewees?|pupils?|students?|assistants?|nurses?|members?|colleagues?|SENCos?|governors?|parents?|leaders?")
_SOME_OF = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|some|several|a few|few|many|most|a number|the majority|a minority|"
            r"half|a handful")
ATTRIBUTION = re.compile(
    r"\bHT\s?\d+\b|"
    rf"\b(?i:{_SOME_OF})\s+(?i:of\s+(?:the|our|these|those|their|its)\s+)?(?:[\w-]+\s+){{0,2}}?(?i:{_PARTICIPANTS})\b"
)
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def _plain(text: str) -> str:
    return " ".join(text.translate(_FOLD).split())


def _months_out(text: str) -> str:
    """``text`` with "May" the month blanked: a capital "May" after a day number, before a
    year, or in mid-sentence (not after a full stop, colon or opening quote)."""
    return re.sub(r"(?<=\d )May\b|\bMay(?=\s+\d)|(?<=[a-z,;] )May\b", "   ", text)


@dataclass(frozen=True)
class Dropped:
    """What a paraphrase dropped: the quote's hedges and the participants it names."""

    hedges: tuple[str, ...] = ()  # as the quote writes them: "appeared", "to large extent"
    attributions: tuple[str, ...] = ()  # "two of the heads", "HT1"

    def __bool__(self) -> bool:
        return bool(self.hedges or self.attributions)

    def describe(self) -> str:
        """"the hedge 'appeared' and the attribution to 'two of the heads'"."""
        parts = []
        if self.hedges:
            parts.append(f"the hedge{'s' * (len(self.hedges) > 1)} " + ", ".join(f"'{w}'" for w in self.hedges))
        if self.attributions:
            parts.append("the attribution to " + ", ".join(f"'{w}'" for w in self.attributions))
        return " and ".join(parts)


def _once(found: list[tuple[int, str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for _, word in sorted(found)))


# Every load checks every claim; the live preview loads again after each save, when nearly all of
# them are unchanged. A pure function of two strings, so remembered by value (room for the
# claims of a library larger than 10,000 notes: a smaller memory would forget each before reuse).
@lru_cache(maxsize=1 << 18)
def dropped(quote: str, text: str) -> Dropped:
    """The hedges and attributions of ``quote`` of which ``text`` keeps nothing, as the quote writes
    them ("appeared", "two of the heads"), in quote order, each once."""
    quote, text = _months_out(_plain(quote)), _months_out(_plain(text))
    attributed: list[tuple[int, str]] = []
    lost_spans: list[tuple[int, int]] = []
    if not ATTRIBUTION.search(text):
        for match in ATTRIBUTION.finditer(quote):
            attributed.append((match.start(), match.group(0)))
            lost_spans.append(match.span())
    hedged: list[tuple[int, str]] = []
    for family in FAMILIES:
        if family.keeps.search(text):
            continue
        for match in family.finds.finditer(quote):
            # A quantity inside a dropped attribution ("two" of "two of the heads") is said once.
            if not any(start <= match.start() < end for start, end in lost_spans):
                hedged.append((match.start(), match.group(0)))
    return Dropped(_once(hedged), _once(attributed))
