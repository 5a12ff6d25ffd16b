"""Author-year labels ("Gronn (2009b)", "Spillane and Diamond (2007)", "Day et al. (2007)"),
computed once for the whole library so that a work has the same label wherever it is shown:
site pages, search results, the explorer.

Input: the linked model and a citation style. Output: key -> plain text label (callers make it
Markdown- or HTML-safe).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from ..core.model import KnowledgeBase, Source, library_of
from ..core.workers import ChildJob, Ready
from .cite.format import Citations


def author_year_labels(kb: KnowledgeBase, style: str, citations: Citations | None = None) -> dict[str, str]:
    """Every key -> the style's narrative citation of the work, as text: "Gronn (2009b)",
    "Spillane and Diamond (2007)", "Leithwood, Mascall, Strauss, et al. (2009)".

    The names and letters are those the style gives the work among the whole library
    (:mod:`litkb.emit.cite.disambiguate`, through ``citations``, the caller's when it formats
    references too, so they are computed once): more names where "et al." forms would
    coincide, initials for first authors who share a surname (APA), a year suffix for the same
    author list in the same year. So a label always agrees with the formatted reference and
    with the site's in-text citations. A ``shortauthor`` field (NCSL) stands for the names.
    The letters follow the reference-list order of the whole library, which can differ from
    the letter a seed text uses for the same work (the seeds cite from shorter reference lists);
    the source page shows the key, which keeps the seed's letter.
    """
    keys = list(kb.sources)
    narratives = (citations or Citations(kb)).in_texts(keys, style, narrative=True, output="text")
    labels = {}
    for key, narrative in zip(keys, narratives, strict=True):
        short = kb.sources[key].fields.get("shortauthor", "").strip()
        _, sep, date = narrative.rpartition(" (")
        labels[key] = f"{short} ({date}" if short and sep else narrative
    return labels


# Works from which the labels are computed in a child process (citeproc takes ~0.5 ms a cite).
CHILD_FROM = 2000


def start_labels(kb: KnowledgeBase, style: str) -> ChildJob[dict[str, str]] | Ready[dict[str, str]]:
    """:func:`author_year_labels` of ``kb`` in ``style``, started in a child process for a large
    library (the caller goes on; ``.result()`` waits), computed at once for a small one."""
    if len(kb.sources) < CHILD_FROM:
        return Ready(author_year_labels(kb, style))
    return labels_job(list(kb.sources.values()), style, lambda: author_year_labels(kb, style))


def labels_job(library: list[Source], style: str, fallback: Callable[[], dict[str, str]] | None = None) -> ChildJob[dict[str, str]]:
    """:func:`labels_of_sources` of ``library`` in a child process; if the child fails,
    ``fallback()`` (default: the same computation here) answers instead."""
    keys = {source.key for source in library}
    return ChildJob("litkb.emit.labels:labels_of_sources", (library, style), fallback or functools.partial(labels_of_sources, library, style),
                    lambda answer: isinstance(answer, dict) and set(answer) == keys)


def labels_of_sources(sources: list[Source], style: str) -> dict[str, str]:
    """In a child process: the labels of a library given as its sources alone."""
    return author_year_labels(library_of(sources), style)


# -- citation forms of a label ----------------------------------------------------------------------
# Question pages cite works in running text, in the same style as every other page: the narrative
# form is the label itself ("Gronn (2009b)"), the parenthetical form the style's own citation with
# the same names and letter ("Gronn, 2009b"; APA's "Spillane & Diamond, 2007").


def label_parts(label: str) -> tuple[str, str]:
    """"Gronn (2009b)" -> ("Gronn", "2009b"); a label without a year (a key outside the
    library) -> (label, "")."""
    if label.endswith(")") and " (" in label:
        names, _, year = label[:-1].rpartition(" (")
        return names, year
    return label, ""


def narrative_label(label: str, locator: str = "") -> str:
    """The narrative form: "Torrance (2013a)", with a locator "Torrance (2013a, p. 3)"."""
    names, year = label_parts(label)
    if not year:
        return f"{names} ({locator})" if locator else names
    return f"{names} ({year}, {locator})" if locator else label


def parenthetical_labels(kb: KnowledgeBase, keys: Iterable[str], style: str, citations: Citations | None = None) -> dict[str, str]:
    """Key -> the style's parenthetical citation of the work without its parentheses ("Gronn,
    2009b"), for the keys of the library among ``keys``: the names and letter are those of the
    work's label (a ``shortauthor`` stands for the names, as in the label)."""
    wanted = [key for key in dict.fromkeys(keys) if key in kb.sources]
    texts = (citations or Citations(kb)).in_texts(wanted, style, narrative=False, output="text")
    forms = {}
    for key, text in zip(wanted, texts, strict=True):
        inner = text.strip()
        inner = inner[1:-1] if inner.startswith("(") and inner.endswith(")") else inner
        short = kb.sources[key].fields.get("shortauthor", "").strip()
        _, sep, date = inner.rpartition(", ")
        forms[key] = f"{short}, {date}" if short and sep else inner
    return forms


def year_only(label: str) -> str:
    """The form of pandoc's ``[-@key]`` (the author named in the sentence): "2009b"."""
    names, year = label_parts(label)
    return year or names
