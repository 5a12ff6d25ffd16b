"""Stage ``emit`` for the site: the knowledge base -> every generated page, in memory.

Input: a linked :class:`~litkb.core.model.KnowledgeBase` and what the caller decides (citation
style, reference formatter, extra pages). Output: a sorted list of
:class:`~litkb.emit.pages.common.GeneratedPage` (Markdown pages plus the explorer's JSON). Pure and
deterministic: the same knowledge base gives byte-identical pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...core.model import KnowledgeBase
from .author_pages import author_pages
from .common import GeneratedPage, SiteData
from .concept_pages import concept_pages
from .explorer import explorer_pages
from .overview_pages import overview_pages
from .picture_pages import picture_pages
from .question_pages import question_pages
from .references import ReferenceFormatter
from .source_pages import source_pages


def render_pages(kb: KnowledgeBase, *, style: str, references: ReferenceFormatter | None, extra_pages: Sequence[GeneratedPage] = ()) -> list[GeneratedPage]:
    """Every generated page of the site, sorted by path.

    ``style`` is the site's citation style (labels, and the first tab of each reference);
    ``references`` formats the works' references (its memory is the caller's: keep one across
    rebuilds), or None for a plain reference without citeproc (golden pages); ``extra_pages`` are
    pages the caller made from outside the knowledge base (the contributing guide). Reads no file
    and no configuration.
    """
    site = SiteData.from_kb(kb, style)
    # The references are formatted by child processes (in a large library) while the pages that
    # do not show them are rendered here; only the source and question pages wait for them.
    pending = references.start(site) if references is not None else None
    pages = [*concept_pages(site), *author_pages(site), *overview_pages(site), *picture_pages(site), *explorer_pages(site), *extra_pages]
    formatted = pending() if pending is not None else None
    pages += [*source_pages(site, formatted), *question_pages(site, formatted)]
    return sorted(pages, key=lambda page: page.path)
