"""Stage ``emit`` for the site: the knowledge base -> every generated page, in memory.

Input: a linked :class:`~litkb.core.model.KnowledgeBase` and what the caller decides (citation
style, reference formatter, extra pages). Output: a sorted list of
:class:`~litkb.emit.pages.common.GeneratedPage` (Markdown pages plus the explorer's JSON). Pure and
deterministic: the same knowledge base gives byte-identical pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ...core.model import KnowledgeBase
from .author_pages import author_pages
from .common import Deferred, GeneratedPage, LateFiles, SiteData, made_while
from .concept_pages import concept_pages
from .explorer import NoteClaims, explorer_pages
from .html import unmarked
from .incremental import NETWORK_PAGES, WORDLESS_PAGES, select
from .library_work import LibraryWork
from .overview_pages import overview_pages
from .picture_pages import picture_pages
from .question_pages import question_pages
from .references import ReferenceFormatter
from .source_pages import source_pages


@dataclass(frozen=True)
class Rendered:
    """A rendering: its site data and its pages (sorted by path), kept by a caller that renders
    again after a change (the live preview). ``deferred``: the pages left empty, path -> the
    function giving their Markdown (when asked for: :func:`render_site`)."""

    site: SiteData
    pages: tuple[GeneratedPage, ...]
    deferred: Mapping[str, Callable[[], str]] = field(default_factory=dict)
    explorer_claims: NoteClaims = field(default_factory=dict)  # each note's claims as the explorer lists them
    late: LateFiles = field(default_factory=list)  # files left empty in ``pages``, to be made later (when deferring)


def render_pages(kb: KnowledgeBase, *, style: str, references: ReferenceFormatter | None, extra_pages: Sequence[GeneratedPage] = ()) -> list[GeneratedPage]:
    """Every generated page of the site, sorted by path (:func:`render_site`'s pages)."""
    return list(render_site(kb, style=style, references=references, extra_pages=extra_pages).pages)


def render_site(kb: KnowledgeBase, *, style: str, references: ReferenceFormatter | None, extra_pages: Sequence[GeneratedPage] = (),
                previous: Rendered | None = None, defer: bool = False, marks: bool = False, library_work: LibraryWork | None = None) -> Rendered:
    """Every generated page of the site, sorted by path, with the site data they were made of.

    ``style`` is the site's citation style (labels, and the first tab of each reference);
    ``references`` formats the works' references (its memory is the caller's: keep one across
    rebuilds), or None for a plain reference without citeproc (golden pages); ``extra_pages`` are
    pages the caller made from outside the knowledge base (the contributing guide). Reads no file
    and no configuration. With ``previous`` (the last rendering, in the same style), when only
    notes changed, the source, concept and author pages that cannot depend on the changed notes
    are taken from it (:mod:`.incremental`); the result is the same as a full rendering.
    ``defer``: the page of each work, concept and person is left empty and its renderer returned
    in ``Rendered.deferred`` (for a caller rendering them elsewhere, e.g. in worker processes);
    the data files (the explorer's, the evidence packs, the network's) are left empty and their
    makers returned in ``Rendered.late``.
    ``marks`` (or ``defer``): every page keeps the marks around its largest HTML blocks, for a
    caller converting it with Markdown (:func:`.html.set_aside`). ``library_work``: the labels and
    references of the library, started when it was read (:mod:`.library_work`), taken when they
    are those of ``kb`` in ``style`` (else stopped: the same is computed here).
    """
    reuse = previous if previous is not None and previous.site.style == style else None
    work = library_work if library_work is not None and library_work.fits(kb, style) else None
    if library_work is not None and (work is None or references is None):
        library_work.cancel()  # another library's, or a rendering without references (golden pages)
        work = None
    site = SiteData.from_kb(kb, style, reuse.site if reuse is not None else None, labels=work.labels_now() if work is not None else None)
    selection = select(reuse.site.kb, kb) if reuse is not None else None
    # The references are formatted by child processes (in a large library) while the pages that
    # do not show them are rendered here; only the source and question pages wait for them.
    pending = references.start(site, started=work.references_later() if work is not None else None) if references is not None else None
    concepts, people, works = (None, None, None) if selection is None else (selection.concepts, selection.people, selection.works)
    deferred: Deferred | None = {} if defer and reuse is None else None
    late: LateFiles | None = [] if deferred is not None else None
    wordless = selection is not None and selection.wording_only  # the pages showing no wording stay as they were
    explorer, explorer_claims = explorer_pages(site, reuse.explorer_claims if reuse is not None and selection is not None else None, works or (), late)
    network_kept = selection is not None and selection.network_unchanged  # its pages are taken from the last rendering
    pages = [*concept_pages(site, concepts, deferred, index=not wordless, late=late), *author_pages(site, people, deferred),
             *([] if wordless else [*overview_pages(site), *picture_pages(site, late, network=not network_kept)]), *explorer, *extra_pages]
    if late and work is not None:
        # Children may still be formatting the references: the data files are made meanwhile,
        # instead of waiting idle (those left are made while Pagefind runs).
        late = made_while(late, work.references_running)
    formatted = pending() if pending is not None else None
    pages += [*source_pages(site, formatted, works, deferred), *question_pages(site, formatted)]
    if reuse is not None and selection is not None:
        fresh = {page.path for page in pages}
        kept = selection.item_paths(kb) | (WORDLESS_PAGES if wordless else frozenset()) | (NETWORK_PAGES if network_kept else frozenset())
        pages += [page for page in reuse.pages if page.path in kept and page.path not in fresh]
    if not (defer or marks):  # the marks of the HTML blocks are for the MkDocs adapter only (html.set_aside)
        pages = [replace(page, content=unmarked(page.content)) if isinstance(page.content, str) else page for page in pages]
    # A deferring caller (kb build) renders once: the claims' entries would only hold memory.
    return Rendered(site, tuple(sorted(pages, key=lambda page: page.path)), deferred or {}, {} if defer else explorer_claims, late or [])
