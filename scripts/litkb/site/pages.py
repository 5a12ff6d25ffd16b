"""The pages the adapter hands to MkDocs (or writes to disk): the knowledge base's, rendered in the
configured citation style, plus the contributing guide read from CONTRIBUTING.md.

Input: a linked knowledge base, the mkdocs.yml that builds it, and the caller's reference formatter.
Output: every generated page (:func:`litkb.emit.pages.render_pages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..core.model import KnowledgeBase, Source
from ..emit.pages import GeneratedPage, ReferenceFormatter, Rendered, contributing_page, render_site
from ..emit.pages.library_work import LibraryWork, start_library_work
from .config import citation_style


def read_contributing(project: Path) -> str | None:
    """The text of CONTRIBUTING.md beside the site's mkdocs.yml (None when there is none)."""
    try:
        return (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def site_pages(kb: KnowledgeBase, config_file: Path, references: ReferenceFormatter | None) -> list[GeneratedPage]:
    """Every generated page of the site built by ``config_file`` (a mkdocs.yml) from ``kb``."""
    return list(site_rendering(kb, config_file, references).pages)


def site_rendering(kb: KnowledgeBase, config_file: Path, references: ReferenceFormatter | None, previous: Rendered | None = None,
                   defer: bool = False, marks: bool = False, library_work: LibraryWork | None = None) -> Rendered:
    """:func:`site_pages` with the site data, rendering again only what changed since
    ``previous`` (the live preview's last rendering) when only notes changed; ``defer``: the
    pages of works, concepts and people are rendered later (``Rendered.deferred``); ``marks``: the
    pages keep the marks of their HTML blocks (:func:`litkb.emit.pages.html.set_aside`);
    ``library_work``: the library's labels and references started early (:class:`EarlyStart`)."""
    extra = [contributing_page(read_contributing(config_file.parent))]
    return render_site(kb, style=citation_style(kb.root), references=references, extra_pages=extra, previous=previous, defer=defer, marks=marks,
                       library_work=library_work)


class EarlyStart:
    """The ``on_library`` of :func:`litkb.rules.link.build_kb` for a site build of ``root`` to come:
    starts the library's labels and references in the site's style while the notes load
    (:mod:`litkb.emit.pages.library_work`). The build takes the work (:meth:`take`);
    :meth:`close` stops what no build took."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.work: LibraryWork | None = None

    def __call__(self, sources: Mapping[str, Source]) -> None:
        self.close()
        self.work = start_library_work(sources, citation_style(self.root))

    def take(self) -> LibraryWork | None:
        """The work started (None if none), now the caller's."""
        work, self.work = self.work, None
        return work

    def close(self) -> None:
        if self.work is not None:
            self.work.cancel()
            self.work = None
