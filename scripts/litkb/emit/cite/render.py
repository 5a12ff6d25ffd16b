"""citeproc-py as litkb calls it: CSL-JSON items in, HTML strings out (one cite or one reference per item).

Input: CSL-JSON items (:mod:`.csl`), a style (:mod:`.styles`) and, for cites, the disambiguation
of each work (:mod:`.disambiguate`: names shown, given names expanded). Output: citeproc-py's
HTML, with the data's "&", "<", ">" shielded from it and the doubled stops it leaves collapsed.
:mod:`.format` turns the HTML into the three output forms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .styles import load_style, style_path

# Cite hints of one work, as the patched citeproc-py reads them (citeproc_patches.HINTS):
# {"names": names shown or None, "expand": {(family, given): "initials" | "full"}}.
CiteHints = Mapping[str, Any]
_CITES_AT_ONCE = 200


def render(
    items: list[dict[str, Any]], style: str, *, bibliography: bool, sort: bool = False, hints: Mapping[str, CiteHints] | None = None
) -> list[tuple[str, str]]:
    """Render CSL items with citeproc-py's HTML formatter.

    Returns (item id, text) pairs: one parenthetical citation per item, or (``bibliography=True``)
    one reference per item, in the items' order or, with ``sort``, in the style's reference-list
    order. ``hints`` (item id -> :data:`CiteHints`) change how a cite prints its names.
    """
    if not bibliography and len(items) > _CITES_AT_ONCE:
        # citeproc-py looks each cite up in a list of every registered key (quadratic): cites,
        # which do not depend on each other, are rendered a bounded batch at a time.
        return [pair for start in range(0, len(items), _CITES_AT_ONCE)
                for pair in render(items[start : start + _CITES_AT_ONCE], style, bibliography=False, hints=hints)]
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    from .citeproc_patches import HINTS

    ids = {str(item["id"]).lower(): str(item["id"]) for item in items}  # citeproc-py lower-cases keys
    keys = list(ids)
    items = [{k: v if k == "id" else _shield(v) for k, v in item.items()} for item in items]
    source = CiteProcJSON(items)
    for key, hint in (hints or {}).items():
        if key.lower() in source:
            # Set after parsing: a key citeproc-py does not know would be warned about as an unsupported variable.
            source[key.lower()][HINTS] = {"names": hint.get("names"), "expand": {tuple(_shield(list(name))): level for name, level in hint.get("expand", {}).items()}}
    bib = CitationStylesBibliography(load_style(style_path(style)), source, formatter.html)
    citations = [Citation([CitationItem(key)]) for key in keys]
    for citation in citations:
        bib.register(citation)
    if not bibliography:
        return [(ids[key], _tidy(str(bib.cite(citation, _ignore)))) for key, citation in zip(keys, citations, strict=True)]
    if sort:
        bib.sort()
    by_key = {str(item.reference.key): _tidy(str(entry)) for item, entry in zip(bib.items, bib.bibliography(), strict=True)}
    order = [str(item.reference.key) for item in bib.items] if sort else keys
    return [(ids[key], by_key[key]) for key in order]


# citeproc-py HTML-escapes the style's own text but not the data's: "&", "<" and ">" in a field
# travel through it as private-use characters (no case, untouched by any style) and come out
# escaped for HTML, or as themselves for text and Markdown (:mod:`.format`).
SHIELD = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_SHIELD_TABLE = str.maketrans(SHIELD)


def _shield(value: Any) -> Any:
    """A CSL value with its data's "&", "<", ">" replaced (strings inside lists and dicts too)."""
    if isinstance(value, str):
        return value.translate(_SHIELD_TABLE)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield(v) for k, v in value.items()}
    return value


_DOUBLED_STOP = re.compile(r"([?!.])((?:</?i>)*)\.(?!\.)")


def tidy(rendered: str) -> str:
    """Collapse the doubled punctuation citeproc-py leaves where a field ends in '?', '!' or '.'
    and the style adds '.' ("who needs it?." -> "who needs it?"), as CSL processors such as
    citeproc-js do; an ellipsis ("...") is left alone."""

    def collapse(match: re.Match[str]) -> str:
        ellipsis = match.group(1) == "." and match.start() > 0 and rendered[match.start() - 1] == "."
        return match.group(0) if ellipsis else match.group(1) + match.group(2)

    return _DOUBLED_STOP.sub(collapse, rendered)


_tidy = tidy


def _ignore(_item: Any) -> None:
    """citeproc-py calls this for a citation of an unknown key; keys here always exist."""
