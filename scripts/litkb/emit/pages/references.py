"""The references on source pages: formatted through CSL in the site's styles by a
:class:`ReferenceFormatter` (which remembers what it formatted), or a plain fallback when none is
given (golden tests). The labels ("Gronn (2009b)") are :mod:`litkb.emit.labels` (shared with search).

Input: the site data and its styles. Output: style -> key -> Markdown-safe HTML, or plain text
(callers make it Markdown-safe).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from ...core.model import Source
from ...core.workers import available_cpus
from ..cite.format import format_in_styles_later
from .common import SiteData

# The two styles every source page offers: the site's default first, the other one click away.
STYLES = {"apa": "APA 7", "harvard": "Harvard (Cite Them Right)"}
# Formatted references: style -> key -> Markdown-safe HTML.
References = dict[str, dict[str, str]]
# Entries to format from which a second process pays for its start (~0.5 s against ~1 ms an entry).
PARALLEL_FROM = 500


def site_styles(site: SiteData) -> list[str]:
    """The styles a source page shows, the site's default first."""
    return styles_of_site(site.style)


def styles_of_site(style: str) -> list[str]:
    """The styles a source page of a site in ``style`` shows: that one first, then the others."""
    return [style] + [s for s in STYLES if s != style]


class ReferenceFormatter:
    """Formats every source of a site in each of :func:`site_styles`, with the year suffixes of
    its library (so references match the labels), and remembers what it formatted.

    citeproc takes about a millisecond an entry and ``mkdocs serve`` re-renders every page on each
    save, so an entry whose (source, style, label) is unchanged is not formatted again. The memory
    belongs to this object, hence to its owner: the MkDocs adapter's session keeps one for the
    life of the process, ``kb pages`` one for its run.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._memo: dict[tuple[str, str, str], str] = {}

    def __call__(self, site: SiteData) -> References:
        """Every source of ``site`` formatted in each of its styles. Entries not remembered are
        formatted as one batch per style (cheaper than an entry at a time), the styles in parallel
        processes when there are enough entries to repay starting one."""
        return self.start(site, first_here=True)()

    def start(self, site: SiteData, *, first_here: bool = False, started: Mapping[str, Callable[[], Mapping[str, str]]] | None = None) -> Callable[[], References]:
        """As calling this formatter, started now and answered when the returned function is
        called: with enough entries, every style is formatted by a child process meanwhile (the
        first one here instead when ``first_here``), so the caller can render other pages.
        ``started``: style -> the function answering the references of every work of the site
        (key -> reference), formatted meanwhile elsewhere (:mod:`.library_work`); they are taken
        instead."""
        styles = site_styles(site)
        memo = self._memo
        memo_keys = {(key, style): (repr(source), style, site.label(key)) for key, source in site.kb.sources.items() for style in styles}
        if len(memo) + len(memo_keys) > self.limit:
            memo.clear()
        if started is not None and set(started) == set(styles):
            return functools.partial(self._take, site, started, memo_keys)
        missing = [source for key, source in site.kb.sources.items() if any(memo_keys[key, style] not in memo for style in styles)]
        workers = available_cpus() if len(missing) >= PARALLEL_FROM else 1
        pending = format_in_styles_later(missing, styles, kb=site.kb, workers=workers, citations=site.citations, first_here=first_here)

        def answer() -> References:
            for style, texts in pending().items():
                for source, text in zip(missing, texts, strict=True):
                    memo[memo_keys[source.key, style]] = text
            return {style: {key: memo[memo_keys[key, style]] for key in site.kb.sources} for style in styles}

        return answer

    def _take(self, site: SiteData, started: Mapping[str, Callable[[], Mapping[str, str]]], memo_keys: dict[tuple[str, str], tuple[str, str, str]]) -> References:
        """The references ``started`` formatted, remembered as if formatted here."""
        for style, answer in started.items():
            for key, text in answer().items():
                self._memo[memo_keys[key, style]] = text
        return {style: {key: self._memo[memo_keys[key, style]] for key in site.kb.sources} for style in site_styles(site)}


def plain_reference(source: Source, label_year: str) -> str:
    """Fallback reference when no formatter is given: "Authors (year). Title. Container."

    Plain text; ``label_year`` carries the disambiguation letter ("2009b").
    """
    people = source.authors or source.editors
    names = "; ".join(p.sort_name for p in people) or "Anon."
    if not source.authors and source.editors:
        names += " (Ed.)" if len(source.editors) == 1 else " (Eds.)"
    parts = [f"{names} ({label_year}). {source.title.rstrip('.') or '[no title]'}."]
    container = source.container
    if container and container != source.title:
        detail = ", ".join(bit for bit in (container, _volume_issue(source), source.fields.get("pages", "").replace("--", "–")) if bit)
        parts.append(f"{'In ' if source.entry_type in ('incollection', 'inproceedings', 'inbook') else ''}{detail}.")
    if source.fields.get("publisher") and source.fields.get("publisher") != container:
        parts.append(f"{source.fields['publisher']}.")
    if source.fields.get("doi"):
        parts.append(f"https://doi.org/{source.fields['doi']}")
    return " ".join(parts)


def _volume_issue(source: Source) -> str:
    """"41(3)", "41" or "3"."""
    volume, number = source.fields.get("volume", ""), source.fields.get("number", "")
    return f"{volume}({number})" if volume and number else volume or number


def year_of_label(label: str) -> str:
    """"Gronn (2009b)" -> "2009b"."""
    return label[label.rfind("(") + 1 : -1] if label.endswith(")") else ""
