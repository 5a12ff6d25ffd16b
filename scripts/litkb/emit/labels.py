"""Author-year labels ("Gronn (2009b)", "Spillane and Diamond (2007)", "Day et al. (2007)"),
computed once for the whole library so that a work has the same label wherever it is shown:
site pages, search results, the explorer.

Input: the linked model and a citation style. Output: key -> plain text label (callers make it
Markdown- or HTML-safe).
"""

from __future__ import annotations

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
    keys = set(kb.sources)
    return ChildJob("litkb.emit.labels:labels_of_sources", (list(kb.sources.values()), style), lambda: author_year_labels(kb, style),
                    lambda answer: isinstance(answer, dict) and set(answer) == keys)


def labels_of_sources(sources: list[Source], style: str) -> dict[str, str]:
    """In a child process: the labels of a library given as its sources alone."""
    return author_year_labels(library_of(sources), style)
