"""Text folding, defined once: the form in which names, titles and words are compared.

Input: any text. Output: lower case without accents, for person ids and author URLs, search terms,
duplicate detection and sorting; :func:`slugify` makes a URL-safe id of it.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent, but that readers
# expect to match (and sort as) their base letters: "Østergaard" is found as "ostergaard".
_EXTRA_FOLD = str.maketrans({
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i",
})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed: "Grönn" -> "gronn", "Østergaard" -> "ostergaard", "Weiß" -> "weiss"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """"Grönn, P." -> "gronn-p" (folded, hyphens between the letters and digits kept)."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")
