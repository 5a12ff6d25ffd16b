"""The generated pages' Markdown converted on every CPU before MkDocs' own (single-threaded) loop.

Input: the pages of one build (MkDocs ``Page`` objects, after ``on_nav``), the configuration and
the files. Output: for each page, what MkDocs' ``_populate_page`` would have left on it (the HTML
after every ``on_page_content`` hook, including the content tripwire; the table of contents; the
title found in the content; the anchors present and the links to other pages' anchors), plus the
log records it wrote. Nothing else changes: each worker runs exactly MkDocs' steps on the same
objects (``on_pre_page``, ``read_source``, ``on_page_markdown``, ``render``, ``on_page_content``),
in a process forked from this one, so it sees the configuration, the files and the hooks' session
as they are here.

Markdown conversion and the content tripwire are about two thirds of a large site's build; MkDocs
runs them one page after another on one CPU. :func:`prerender` spreads them over forked worker
processes (``multiprocessing``'s fork context: the workers must share this process's MkDocs
objects, which a fresh interpreter would have to rebuild). Only ``kb build`` asks for it (never
``kb serve``, whose server threads a fork would copy), from :data:`PARALLEL_FROM` pages on; the
results are applied by the hooks (:mod:`litkb.site.hooks`) when MkDocs reaches each page.

A page outside the navigation (every source, concept and author page) is also built into its
HTML file by the worker, exactly as MkDocs' ``_build_page`` builds it (theme template,
``on_post_page`` with the whole-page tripwire, the write): no other page shows its title or
content, so nothing the parent learns later can change it. The parent then only learns its title,
table of contents and anchors (for MkDocs' anchor checks), never holds its HTML, and skips it in its
own loop (:data:`BUILT_TEMPLATE`). That spreads the theme's work over the CPUs too, and keeps the
parent's memory to the pages' Markdown.

These steps are MkDocs internals: they are used only with the MkDocs versions this module was
tested on (:data:`TESTED_MKDOCS`); with any other, MkDocs' own loop builds every page.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import markdown
import mkdocs
import mkdocs.structure.pages
from mkdocs.commands.build import _build_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from .nav_cache import remember_navigation

# Below this many pages, starting workers and shipping the HTML back costs more than it saves.
PARALLEL_FROM = 200
# Pages per task: small enough that the workers finish together whatever the pages' sizes.
CHUNK = 8
# The MkDocs releases whose page steps (``_populate_page``, ``_build_page``) this module repeats.
TESTED_MKDOCS = frozenset({"1.6.1"})
# The template a page built by a worker names: empty, so that MkDocs' own loop writes nothing for it.
BUILT_TEMPLATE = "litkb-built-by-a-worker.html"


def supported() -> bool:
    """Whether this MkDocs is one whose internals the workers repeat (else: MkDocs' own loop)."""
    return mkdocs.__version__ in TESTED_MKDOCS


def with_built_template(env: jinja2.Environment) -> jinja2.Environment:
    """The theme's Jinja environment, also knowing :data:`BUILT_TEMPLATE` (an empty template)."""
    assert env.loader is not None
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({BUILT_TEMPLATE: ""}), env.loader])
    return env


@dataclass(frozen=True)
class Rendered:
    """What converting one page left on it: the fields MkDocs' ``Page.render`` sets, the content
    after the ``on_page_content`` hooks, the page metadata after them, and ``extra`` (what the
    hooks' session recorded about the page, e.g. the tripwire's digests)."""

    content: str
    toc: TableOfContents
    title_from_render: str | None
    present_anchor_ids: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # linked file's src_uri -> anchor -> link
    meta: dict[str, Any]
    extra: Any
    records: tuple[logging.LogRecord, ...]
    built: bool = False  # the worker wrote the page's HTML file (``content`` is then empty)


@dataclass(frozen=True)
class _Job:
    pages: list[Page]
    config: MkDocsConfig
    files: Files
    extra_of: Callable[[Page], Any]
    nav: Navigation | None  # with the pages to build: those whose src_uri is in ``build``
    build: Collection[str]


# The forked workers find their pages here (set before the pool forks, cleared after), and each
# worker its theme environment and the documentation pages (made once, on its first page to build).
_JOB: _Job | None = None
_THEME: tuple[jinja2.Environment, Sequence[File]] | None = None


class _Collect(logging.Handler):
    """Keeps the records a worker logs, to be logged again in the parent (strict mode counts
    warnings there)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # formatted here: args may not pickle
        record.exc_info = record.exc_text = None
        self.records.append(record)


_COLLECT = _Collect()


def _worker_init() -> None:
    # The worker's MkDocs warnings go back to the parent, never straight to the terminal.
    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(_COLLECT)
    logger.propagate = False
    # MkDocs' Page.render makes a Markdown instance per page (here only: the worker's own module
    # reference is replaced, see _ReusedMarkdown).
    setattr(mkdocs.structure.pages, "markdown", _ReusedMarkdown())  # noqa: B010 - replacing MkDocs' module reference


class _ReusedMarkdown:
    """What MkDocs' ``Page.render`` calls ``markdown.Markdown`` through, in a worker: the last
    page's instance, reset, when the extensions are the same (Python-Markdown's ``reset`` readies
    an instance for another document; MkDocs' per-page steps register under fixed names, so they
    replace the last page's). Setting up the extensions anew was a twentieth of a worker's time."""

    def __init__(self) -> None:
        self._made: tuple[list[Any], dict[str, Any], markdown.Markdown] | None = None

    def Markdown(self, *, extensions: list[Any], extension_configs: dict[str, Any]) -> markdown.Markdown:  # noqa: N802 - the name MkDocs calls
        made = self._made
        if made is not None and made[0] is extensions and made[1] is extension_configs:
            made[2].reset()
            return made[2]
        md = markdown.Markdown(extensions=extensions, extension_configs=extension_configs)
        self._made = (extensions, extension_configs, md)
        return md


def _render_chunk(indexes: list[int]) -> list[tuple[int, Rendered]]:
    assert _JOB is not None
    config, files = _JOB.config, _JOB.files
    done = []
    for i in indexes:
        page = _JOB.pages[i]
        _COLLECT.records.clear()
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            page.render(config, files)
            assert page.content is not None
            content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
        finally:
            config._current_page = None
        links = None if page.links_to_anchors is None else {f.src_uri: dict(v) for f, v in page.links_to_anchors.items()}
        extra = _JOB.extra_of(page)
        built = page.file.src_uri in _JOB.build
        if built:
            page.content = content
            _build(page)
            content, page.content = "", None  # written; the parent needs only what follows
        done.append((i, Rendered(content, page.toc, page._title_from_render, page.present_anchor_ids, links, dict(page.meta),
                                 extra, tuple(_COLLECT.records), built)))
    return done


def _build(page: Page) -> None:
    """Write ``page``'s HTML file as MkDocs' loop would (theme, ``on_post_page``, the write)."""
    global _THEME
    assert _JOB is not None and _JOB.nav is not None
    if _THEME is None:
        # The theme's environment as MkDocs makes it before its on_env event: no plugin of
        # mkdocs.yml changes it there (ours only adds BUILT_TEMPLATE, which a worker never
        # renders); tests/test_site_parallel.py would show a page that came out different. The
        # navigation is rendered once per folder for the pages outside it (nav_cache).
        _THEME = (remember_navigation(_JOB.config.theme.get_env()), _JOB.files.documentation_pages())
    env, doc_files = _THEME  # (mypy: set just above)
    _build_page(page, _JOB.config, doc_files, _JOB.nav, env)


def _chunks(pages: list[Page], size: int) -> Iterator[list[int]]:
    # Largest pages first, so that no worker is left with a large page at the end.
    order = sorted(range(len(pages)), key=lambda i: -len(pages[i].file.content_bytes))
    for start in range(0, len(order), size):
        yield order[start : start + size]


def prerender(pages: list[Page], config: MkDocsConfig, files: Files, workers: int, extra_of: Callable[[Page], Any],
              nav: Navigation | None = None, build: Collection[str] = ()) -> dict[str, Rendered]:
    """``pages`` converted in ``workers`` forked processes: src_uri -> :class:`Rendered`.

    ``extra_of(page)`` is called in the worker after the page's ``on_page_content`` hooks and its
    answer shipped back in ``Rendered.extra``. The pages whose src_uri is in ``build`` are also
    built into their HTML files there, with ``nav`` (pages outside the navigation only: their
    HTML cannot depend on other pages' titles). An exception in a worker is raised here.
    """
    global _JOB
    _JOB = _Job(pages, config, files, extra_of, nav, frozenset(build))
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
            return {pages[i].file.src_uri: rendered for chunk in pool.imap_unordered(_render_chunk, _chunks(pages, CHUNK)) for i, rendered in chunk}
    finally:
        _JOB = None


def apply(page: Page, rendered: Rendered, files: Files) -> None:
    """Set on ``page`` what its conversion set in the worker (as MkDocs' ``Page.render`` would)."""
    page.content = rendered.content
    page.toc = rendered.toc
    page._title_from_render = rendered.title_from_render
    page.present_anchor_ids = rendered.present_anchor_ids
    if rendered.links_to_anchors is not None:
        linked = {files.get_file_from_path(src): links for src, links in rendered.links_to_anchors.items()}
        page.links_to_anchors = {file: links for file, links in linked.items() if file is not None}
    page.meta.update(rendered.meta)
    if rendered.built:
        page.meta["template"] = BUILT_TEMPLATE


def replay(records: tuple[logging.LogRecord, ...]) -> None:
    """Log again, here, what a worker logged (so that strict mode counts its warnings)."""
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)
