"""Stage ``emit`` for the site: the knowledge base -> every generated page, in memory.

Input: a linked :class:`~litkb.model.KnowledgeBase`. Output: a sorted list of
:class:`~litkb.site.common.GeneratedPage` (Markdown pages plus the explorer's JSON). Pure and
deterministic: the same knowledge base gives byte-identical pages.
"""

from __future__ import annotations

from ...core.model import KnowledgeBase
from .author_pages import author_pages
from .cli_page import cli_page
from .common import GeneratedPage, SiteData
from .concept_pages import concept_pages
from .explorer import explorer_pages
from .overview_pages import overview_pages
from .source_pages import source_pages


def contributing_page() -> GeneratedPage:
    """The "How to contribute" page: CONTRIBUTING.md's content, rendered for the site."""
    from ...contrib.docs import render_contributing_page

    return GeneratedPage("contributing.md", render_contributing_page(), "CONTRIBUTING.md")


def render_pages(kb: KnowledgeBase, *, style: str, with_cli: bool = True) -> list[GeneratedPage]:
    """Every generated page of the site. ``with_cli=False`` leaves out the CLI reference and the
    contributing guide, which come from the tooling rather than the knowledge base (golden tests)."""
    site = SiteData.from_kb(kb, style)
    pages = [*concept_pages(site), *source_pages(site), *author_pages(site), *overview_pages(site), *explorer_pages(site)]
    if with_cli:
        pages += [cli_page(), contributing_page()]
    return sorted(pages, key=lambda page: page.path)
