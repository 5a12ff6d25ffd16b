"""What the MkDocs hooks (:mod:`litkb.site.hooks`) keep across MkDocs events and builds in one
process: the knowledge base being built, its pages, the preview's memories between rebuilds.

Input: what the hooks and :func:`litkb.site.build.build_site` put here. Output: the one
:data:`SESSION` of the process (MkDocs calls hooks as module functions).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core.model import KnowledgeBase
from ..emit.pages import ReferenceFormatter, Rendered
from ..emit.pages.common import LateFiles
from ..emit.pages.library_work import LibraryWork
from ..rules.link import build_kb
from ..rules.reload import LoadMemo
from . import prerender
from .page_guard import ThemeCode
from .pages import EarlyStart
from .theme_cache import TemplateCache


class Session:
    """What the hooks keep across MkDocs events and builds in one process.

    ``references`` remembers formatted references across the rebuilds of ``mkdocs serve``;
    ``preloaded`` is a knowledge base the caller already loaded for the next build (``kb build``
    checks it first, so it is loaded once). Per build: ``kb``, the knowledge base built; ``generated``, the pages generated;
    ``theme``, what the theme may put on a page; ``checked``, page -> digests of the content
    :func:`on_page_content` checked (the HTML tripwires); ``prerendered``, the generated pages
    whose Markdown worker processes converted (:mod:`litkb.site.prerender`), when ``workers``
    (set by ``kb build`` for one build) is more than 1.
    """

    def __init__(self) -> None:
        self.references = ReferenceFormatter()
        self.preloaded: KnowledgeBase | None = None
        self.workers = 1
        self.kb: KnowledgeBase | None = None
        self.generated: set[str] = set()
        self.theme = ThemeCode(frozenset())
        self.checked: dict[str, tuple[bytes, ...]] = {}
        self.prerendered: dict[str, prerender.Rendered] = {}
        self.deferred: dict[str, Callable[[], str]] = {}  # pages rendered when converted (kb build)
        self.late: LateFiles = []  # data files made after the pages (kb build)
        self.aside: dict[str, list[str]] = {}  # page -> its HTML blocks while Markdown converts it
        # Live preview (``kb serve``: dirty rebuilds): the digests of the generated pages as last
        # built, and the Pagefind run indexing the preview in the background.
        self.serving = False
        self.built: dict[str, bytes] = {}
        self.building: dict[str, bytes] = {}  # this build's, made ``built`` when it finishes
        self.indexing: subprocess.Popen[bytes] | None = None
        # The last rendering of the preview: the next renders again only the pages that depend
        # on the notes changed meanwhile (litkb.emit.pages.incremental).
        self.rendered: Rendered | None = None
        # The library's labels and references, started while its notes load (first builds only:
        # a rebuild of the preview formats only what changed).
        self.early: EarlyStart | None = None
        # The preview's last load: unchanged files are not read into values again (rules/reload.py).
        self.loads = LoadMemo()
        self.templates = TemplateCache()

    def knowledge_base(self, root: Path) -> KnowledgeBase:
        """The preloaded knowledge base if it is the one at ``root``, else a fresh load (for a
        first build, starting the library's work early)."""
        if self.preloaded is not None and self.preloaded.root == root:
            return self.preloaded
        self.close_early()
        memo = self.loads if self.serving else None
        if self.rendered is not None:
            return build_kb(root, memo=memo)
        self.early = EarlyStart(root)
        return build_kb(root, on_library=self.early, memo=memo)

    def take_library_work(self) -> LibraryWork | None:
        """The library work started for this build (by the load above, or by the caller that
        preloaded the knowledge base), now the build's."""
        early, self.early = self.early, None
        return early.take() if early is not None else None

    def close_early(self) -> None:
        """Stop library work that no build took."""
        if self.early is not None:
            self.early.close()
            self.early = None


# MkDocs calls hooks as module functions, so the session of this process lives here.
SESSION = Session()


@contextlib.contextmanager
def preloaded(kb: KnowledgeBase | None, workers: int = 1, early: EarlyStart | None = None) -> Iterator[None]:
    """Let the builds run meanwhile use ``kb`` (when given) instead of loading its root again, and
    convert the generated pages' Markdown in ``workers`` processes; ``early``: the library work
    the caller started while loading ``kb``."""
    SESSION.preloaded, SESSION.workers, SESSION.early = kb, workers, early
    try:
        yield
    finally:
        SESSION.close_early()
        SESSION.preloaded, SESSION.workers = None, 1
