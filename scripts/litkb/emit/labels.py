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


def name_part(source: Source) -> str:
    """The author part of a label: ``shortauthor`` if given (NCSL), else one, two or "et al."."""
    short = source.fields.get("shortauthor", "").strip()
    if short:
        return short
    families = [p.family for p in source.creators]
    if not families:
        return "Anon."
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} and {families[1]}"
    return f"{families[0]} et al."


def author_year_labels(kb: KnowledgeBase, style: str, citations: Citations | None = None) -> dict[str, str]:
    """Every key -> "Name (year)", with the year suffix ("2009b") the citation style gives the work.

    The letters come from :func:`litkb.emit.cite.format.year_suffixes` (through ``citations``, the
    caller's when it formats references too, so they are computed once), so a label always agrees with the
    formatted reference and with ``kb cite``. They follow the reference-list order of the whole
    library, which can differ from the letter a seed text uses for the same work (the seeds cite
    from shorter reference lists); the source page shows the key, which keeps the seed's letter.
    """
    suffixes = (citations or Citations(kb)).suffixes(style)
    return {key: f"{name_part(source)} ({source.year or 'n.d.'}{suffixes.get(key, '')})" for key, source in kb.sources.items()}


# Works from which the labels are computed in a child process (citeproc takes ~0.3 ms a work).
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


# -- citation forms of a label ----------------------------------------------------------------------
# Question pages cite works in running text. Every form is made from the label above, so a work is
# "Gronn (2009b)" in a narrative citation and "Gronn, 2009b" in a parenthetical one, with the same
# names and the same letter as on every other page.


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


def parenthetical_label(label: str, *, suppress_author: bool = False) -> str:
    """The form inside parentheses: "Gronn, 2009b" (pandoc's ``-@key``: "2009b")."""
    names, year = label_parts(label)
    if not year:
        return names
    return year if suppress_author else f"{names}, {year}"
