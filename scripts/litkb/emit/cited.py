"""How a reporting text cited a work, next to the library's label for it.

A seed cites from its own reference list, so its letters can differ from the library-wide ones
("Harris, 2009a" where the library says "Harris (2009b)"), and it may spell a name otherwise
("Bennet et al, 2003"). Wherever a reported claim is shown, a citation that differs from the
label is shown beside it ("cited by Torrance as Harris, 2009a"), so that no page shows a label
contradicting its quote without saying so.

Input: ``cited_as`` as printed and the label. Output: whether they differ (:func:`differs`) and
the words to show (:func:`cited_note`). Pure.
"""

from __future__ import annotations

import functools
import re

from ..core.text import fold

# A year as printed, with a second year ("2013/14") and a letter ("2009a") if any.
_YEAR = re.compile(r"\b\d{4}(?:\s*/\s*\d{2,4})?[a-z]?\b")
_NAME = re.compile(r"[^\W\d_]+")
# Words of a citation that are not names.
_NOT_NAMES = frozenset({"et", "al", "and", "see", "eds", "ed", "in", "p", "pp", "cf", "also", "e", "g"})


def _year(text: str) -> str:
    """The first year as printed, with its letter ("2009a", "2013/14a"), or ""."""
    match = _YEAR.search(text)
    return "".join(match.group(0).split()) if match else ""


# A large site asks this of the same few thousand labels again and again (every reported claim,
# on several pages): 40,000 calls took 2 s at 10,000 works without the cache.
@functools.lru_cache(maxsize=1 << 16)
def _names(text: str) -> frozenset[str]:
    """The name words before the year (folded): "Leithwood et al., 2009" -> {"leithwood"}."""
    match = _YEAR.search(text)
    before = text[: match.start()] if match else text
    return frozenset(w for w in (fold(word) for word in _NAME.findall(before)) if w not in _NOT_NAMES and len(w) > 1)


def differs(cited_as: str, label: str) -> bool:
    """Whether a citation as printed says something else than the label: another year or letter,
    or a name the label lacks. Punctuation, "et al." and page numbers do not count, and a
    citation that prints only a year ("2009b", after the author named once) is judged by it."""
    if not cited_as.strip():
        return False
    year = _year(cited_as)
    if year and year != _year(label):
        return True
    return not _names(cited_as) <= _names(label)


def cited_note(cited_as: str, label: str, reporter: str) -> str:
    """"cited by Torrance as Harris, 2009a" when the citation differs from the label, else ""."""
    return f"cited by {reporter} as {cited_as.strip()}" if differs(cited_as, label) else ""
