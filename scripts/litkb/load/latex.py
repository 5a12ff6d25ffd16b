"""LaTeX -> Unicode for BibTeX field values, paying only for values that need it.

Decoding every field with pylatexenc is the slowest part of loading a library (DESIGN.md: 21 s for
10,000 entries). Most values hold no LaTeX at all, and the rest repeat (journal names, accents in
common names), so: a fast path for plain text and for braces only, and a cache for the rest.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_NEEDS_DECODER = re.compile(r"[\\$~^_%]")


# Accent commands (\\"o, \\'{e}, {\\c c}, \\v{s}) -> combining marks; covers most names in real
# libraries without the cost of a full LaTeX parse.
_COMBINING = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
              "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}
_SYMBOL_ACCENT = re.compile(r"\\([\"'`^~=.])\s*(?:\{\s*(?:\\([ij])\b\s*|([A-Za-z]))\s*\}|\\([ij])\b|([A-Za-z]))")
_LETTER_ACCENT = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*(?:\\([ij])\b\s*|([A-Za-z]))\s*\}|\s+([A-Za-z]))")
_SPECIAL_LETTERS = {"o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "ss": "ß", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
_SPECIAL_LETTER = re.compile(r"\\(ae|AE|oe|OE|aa|AA|ss|o|O|l|L|i|j)(?![A-Za-z])\s?")
_ESCAPES = re.compile(r"\\([&%_#$])")


def _accent(match: re.Match[str]) -> str:
    mark, *bases = match.groups()
    return next(b for b in bases if b) + _COMBINING[mark]  # a dotless \\i takes the accent as i


def _simple_decode(value: str) -> str:
    """Decode accents and special letters with regular expressions (escapes are left alone)."""
    value = _SYMBOL_ACCENT.sub(_accent, value)
    value = _LETTER_ACCENT.sub(_accent, value)
    return _SPECIAL_LETTER.sub(lambda m: _SPECIAL_LETTERS[m.group(1)], value)


def decode_latex(value: str) -> str:
    """Field value with LaTeX markup -> plain Unicode text (NFC), whitespace collapsed."""
    if "\\" in value:
        value = _simple_decode(value)
    if not _NEEDS_DECODER.search(_ESCAPES.sub("", value).replace("~", "")):
        # Only braces, ties and escaped specials are left: no parser needed.
        text = _ESCAPES.sub(r"\1", value).replace("~", "\u00a0").replace("{", "").replace("}", "")
    else:
        text = _decode_with_pylatexenc(value)
    return unicodedata.normalize("NFC", " ".join(text.split()))


@lru_cache(maxsize=65536)
def _decode_with_pylatexenc(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    converter = _converter(LatexNodes2Text)
    try:
        return str(converter.latex_to_text(value))  # type: ignore[attr-defined]
    except Exception:  # pylatexenc is lenient; on anything odd keep the text, minus braces
        return value.replace("{", "").replace("}", "")


# Macros common in bibliographies that pylatexenc's text database lacks (it would drop them
# together with their argument, e.g. "The {\\TeX book}" -> "The book").
_EXTRA_TEXT_MACROS: dict[str, Any] = {
    "texttt": "%s", "textsc": "%s", "textsf": "%s", "textrm": "%s", "textup": "%s", "textnormal": "%s",
    # Unknown to pylatexenc's parser, so they take no argument there: drop the macro name and
    # the braced group after it stays as text.
    "mkbibquote": "", "mkbibemph": "", "mkbibitalic": "", "mkbibbold": "", "enquote": "",
    "url": "%s", "nolinkurl": "%s", "path": "%s", "acronym": "%s",
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
    "mbox": "%s", "hbox": "%s", "noopsort": "", "nocite": "",
}


def _repl(name: str, repl: str) -> str:
    """'%s' only for macros whose argument pylatexenc's parser knows; else drop the name."""
    from pylatexenc import latexwalker

    if "%s" in repl and latexwalker.get_default_latex_context_db().get_macro_spec(name) is None:
        return ""
    return repl


@lru_cache(maxsize=1)
def _converter(cls: type) -> object:
    from pylatexenc.latex2text import MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db()  # a fresh database on each call
    context.add_context_category(
        "litkb-bibliography",
        macros=[MacroTextSpec(name, simplify_repl=_repl(name, repl)) for name, repl in _EXTRA_TEXT_MACROS.items()],
        prepend=True,
    )
    return cls(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)

