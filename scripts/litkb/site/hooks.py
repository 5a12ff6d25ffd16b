"""The MkDocs adapter: hands MkDocs events to the pure stage :func:`litkb.emit.pages.render_pages`.

``scripts/mkdocs_hooks.py`` re-exports these functions. On ``on_files`` the knowledge base is
loaded (or taken from the caller, :func:`preloaded`) and every generated page is added as a
virtual file (``File.generated``), its edit link pointing at the YAML note; knowledge-base problems
are logged as warnings so that ``mkdocs build --strict`` fails on them. The knowledge base is the
folder of ``mkdocs.yml`` unless the ``KB_ROOT`` environment variable names another
(``kb --root DIR build``).

Every page is checked twice: its content (:func:`~litkb.emit.pages.safe.find_unsafe_html`) and the
whole page the theme made of it (:func:`~litkb.site.page_guard.find_unsafe_page`), then the search
index. A finding is a warning (so the strict build fails) and the page is withheld, so that the
non-strict preview (``kb serve``) never shows it either.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core.files import atomic_write_bytes
from ..emit.pages.common import LateFiles
from ..emit.pages.html import put_back, set_aside
from ..emit.pages.question_pages import HOME_MARKER, question_list
from ..emit.pages.safe import find_unsafe_html
from . import pagefind, prerender
from .page_guard import (
    MATERIAL_SEARCH_MARKER,
    OUR_SEARCH_MARKER,
    WITHHELD_PAGE,
    ThemeCode,
    check_search_index,
    defuse_search_markers,
    find_unsafe_page,
    page_title_html,
)
from .pages import site_rendering
from .session import SESSION, Session, preloaded

__all__ = ["SESSION", "Session", "preloaded"]  # the session, for build_site and tests

ROOT_ENV = "KB_ROOT"
log = logging.getLogger("mkdocs.plugins.litkb")

# Pages in docs/ that are generated but committed (docs/cli.md: `make docs`, from the click
# commands): their edit link would invite hand edits that the next `make docs` overwrites.
GENERATED_DOCS = frozenset({"cli.md"})
WITHHELD_CONTENT = "<p><strong>The content of this page was withheld: it held live code (see the build's warnings).</strong></p>"


def kb_root(config: MkDocsConfig) -> Path:
    """The knowledge base to publish: $KB_ROOT, else the folder holding mkdocs.yml."""
    override = os.environ.get(ROOT_ENV)
    if override:
        return Path(override).resolve()
    return Path(config.config_file_path or ".").resolve().parent


def on_startup(command: str, dirty: bool) -> None:
    """``mkdocs serve`` with dirty rebuilds (``kb serve``): rebuild only the pages that changed."""
    SESSION.serving = command == "serve" and dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Without a ``repo_url`` there is no repository to edit in: no edit links (MkDocs would make
    them relative to the site, where they lead nowhere). With one, edit links and the theme's
    repository link appear (mkdocs.yml says what that costs)."""
    if not config.repo_url:
        config.edit_uri = None
        config.edit_uri_template = None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages; point every edit link at the file to edit in the repository."""
    config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
    project = config_file.parent
    docs_prefix = Path(os.path.relpath(Path(config.docs_dir).resolve(), project)).as_posix()
    for file in files:
        if file.generated_by is None:
            file.edit_uri = None if file.src_uri in GENERATED_DOCS else quote(f"{docs_prefix}/{file.src_uri}" if docs_prefix != "." else file.src_uri)
    kb = SESSION.kb = SESSION.knowledge_base(kb_root(config))
    for problem in kb.problems:
        log.warning(problem.text())
    SESSION.generated.clear()
    SESSION.checked.clear()
    SESSION.prerendered.clear()
    SESSION.building = {}  # a build that fails before its end leaves ``built`` as it was
    # With workers (kb build), the pages of works, concepts and people are rendered where they are
    # converted (on_page_markdown, in the workers): this process never holds their Markdown.
    defer = not SESSION.serving and SESSION.workers > 1 and prerender.supported()
    rendered = site_rendering(kb, config_file, SESSION.references, SESSION.rendered if SESSION.serving else None, defer=defer, marks=True,
                              library_work=SESSION.take_library_work())
    SESSION.deferred = dict(rendered.deferred)
    SESSION.late = list(rendered.late)
    SESSION.aside.clear()
    if SESSION.serving:
        SESSION.rendered = rendered
    for page in rendered.pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            log.warning(f"docs/{page.path} is replaced by a generated page of the same name: rename or remove it")
            files.remove(existing)
        generated = File.generated(config, page.path, content=page.content)
        if SESSION.serving:
            # A dirty rebuild builds the files that say they are modified: a generated page is
            # modified when its Markdown differs from the last build's (or it was not built).
            digest = _digest(page.content) if isinstance(page.content, str) else hashlib.blake2b(page.content, digest_size=16).digest()
            unchanged = SESSION.built.get(page.path) == digest and os.path.isfile(generated.abs_dest_path)
            setattr(generated, "is_modified", (lambda: False) if unchanged else (lambda: True))  # noqa: B010 - an instance override
            SESSION.building[page.path] = digest
        # The edit link names the note's file, whose name comes with the pull request: Material
        # writes the link into an attribute as it is, so it is percent-encoded here (a quote in a
        # file name would otherwise end the attribute).
        generated.edit_uri = quote(page.edit_path) if page.edit_path else None
        files.append(generated)
        SESSION.generated.add(page.path)
    # Scripts the pages may load: the theme's and docs/ JavaScript files, never a generated file.
    scripts = {f.dest_uri for f in files if f.dest_uri.endswith(".js") and f.src_uri not in SESSION.generated}
    SESSION.theme = ThemeCode.from_theme(config.theme.dirs, scripts)
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """With workers to spare (``kb build``), convert the generated pages' Markdown in them now,
    each page exactly as MkDocs would (:mod:`litkb.site.prerender`); :func:`on_pre_page` and
    :func:`on_page_content` then hand MkDocs the results. The pages not in the navigation get
    their ``Page`` here rather than in MkDocs' loop (the same call)."""
    generated = [f for f in files.documentation_pages() if f.src_uri in SESSION.generated]
    if SESSION.workers > 1 and len(generated) >= prerender.PARALLEL_FROM and prerender.supported():
        pages = [f.page if f.page is not None else Page(None, f, config) for f in generated]
        # Pages outside the navigation are built to their files by the workers too.
        in_nav = {page.file.src_uri for page in nav.pages}
        outside = {page.file.src_uri for page in pages if page.file.src_uri not in in_nav}
        SESSION.prerendered = prerender.prerender(pages, config, files, SESSION.workers, lambda page: SESSION.checked.get(page.file.src_uri, ()),
                                                  nav=nav, build=outside)
    return nav


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """The theme's templates plus the empty one naming a page a worker has built already; while
    previewing, compiled once for every rebuild."""
    if SESSION.serving:
        env.bytecode_cache = SESSION.templates
    return prerender.with_built_template(env)


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """A page converted by a worker is not converted again: its ``render`` sets the worker's result."""
    rendered = SESSION.prerendered.get(page.file.src_uri)
    if rendered is not None:
        # MkDocs calls page.render(config, files) next; this page's render only applies the result.
        setattr(page, "render", lambda _config, files: prerender.apply(page, rendered, files))  # noqa: B010 - an instance override
    return page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A page whose rendering was deferred is rendered here (in a worker, or here when no worker
    converted it). The home page's list of questions: docs/index.md marks its place with HOME_MARKER."""
    if page.file.src_uri in SESSION.prerendered:
        return markdown  # converted by a worker already (prerender.apply sets its result)
    render = SESSION.deferred.get(page.file.src_uri)
    if render is not None:
        markdown = render()
    elif page.file.src_uri == "index.md" and HOME_MARKER in markdown and SESSION.kb is not None:
        markdown = markdown.replace(HOME_MARKER, question_list(SESSION.kb, "index.md"), 1)
    # The page's largest HTML blocks wait outside while Markdown converts the rest (put back by
    # on_page_content): Markdown would only read them through its HTML parsers.
    markdown, SESSION.aside[page.file.src_uri] = set_aside(markdown)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Tripwire over the content: no page may carry live code (a bug in the Markdown escaping).

    A generated page also gets its title set here, as HTML-escaped plain text in
    ``page.meta["title"]``: MkDocs derives a title from the first heading as HTML, and Material
    prints it with ``striptags``, which turns ``&lt;`` back into ``<`` in the ``<title>``; its
    templates print ``page.meta.title`` as it is, so the escaped text stays text.
    """
    rendered = SESSION.prerendered.pop(page.file.src_uri, None)
    if rendered is not None:  # this hook ran in the worker, on this content: its findings are logged here
        prerender.replay(rendered.records)
        SESSION.checked[page.file.src_uri] = rendered.extra
        return html
    blocks = SESSION.aside.pop(page.file.src_uri, [])
    try:
        html, ids = put_back(html, blocks)
    except ValueError as err:
        log.warning(f"page {page.file.src_uri}: {err}")
    else:
        page.present_anchor_ids = (page.present_anchor_ids or set()) | ids
    if page.file.src_uri in SESSION.generated:
        if page.title is not None and "title" not in page.meta:
            page.meta["title"] = page_title_html(page.title)
        html = defuse_search_markers(html)
    html = exclude_tab_labels(html)
    findings = find_unsafe_html(html)
    for finding in findings:
        log.warning(f"unsafe HTML in page {page.file.src_uri}: {finding}")
    content = WITHHELD_CONTENT if findings else html
    # What on_post_page may find in the page: this content, or this content after Material's
    # search plugin removed its markers, if all it removes is our own marker attributes (anything
    # else it would remove is checked again there).
    digests = [_digest(content)]
    if all(m.group(0).strip() == OUR_SEARCH_MARKER.strip() for m in MATERIAL_SEARCH_MARKER.finditer(content)):
        digests.append(_digest(MATERIAL_SEARCH_MARKER.sub("", content)))
    SESSION.checked[page.file.src_uri] = tuple(digests)
    return content


# The labels of a tabbed block (pymdownx.tabbed: "APA 7", "Harvard (Cite Them Right)" over each
# reference) would run together in the text of every search result ("APA 7Harvard (Cite Them
# Right)"); the tabs' contents stay searchable.
TAB_LABELS = '<div class="tabbed-labels">'


def exclude_tab_labels(html: str) -> str:
    """Rendered content -> the same with every tab-label bar marked for Material's search to skip."""
    return html.replace(TAB_LABELS, f'<div class="tabbed-labels"{OUR_SEARCH_MARKER}>') if TAB_LABELS in html else html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Tripwire over the whole page (head, navigation, table of contents, title, meta tags).

    The content, already checked by :func:`on_page_content` under stricter rules, is cut out
    when it stands in the page exactly once and is unchanged since (a plugin may rewrite it: then
    it is checked again); the rest is checked against what the theme may write. Scanning a page
    costs about 0.1 s per MB, and content is most of a large knowledge base's pages.
    """
    if page.meta.get("template") == prerender.BUILT_TEMPLATE:
        return ""  # built, checked and written by a worker (litkb.site.prerender): MkDocs writes nothing
    chrome = output
    content = page.content or ""
    start = output.find(content) if content else -1
    if start >= 0 and output.find(content, start + 1) < 0:
        chrome = output[:start] + output[start + len(content) :]
        if _digest(content) not in SESSION.checked.get(page.file.src_uri, ()):
            findings = find_unsafe_html(content)
            for finding in findings:
                log.warning(f"unsafe HTML in page {page.file.src_uri} (content as rendered): {finding}")
            if findings:
                return WITHHELD_PAGE
    return WITHHELD_PAGE if _unsafe(chrome, page.file.dest_uri, f"page {page.file.src_uri}") else output


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The same for the theme's own pages (404.html)."""
    if template_name.endswith(".html") and _unsafe(output_content, template_name, template_name):
        return WITHHELD_PAGE
    return output_content


def _unsafe(html: str, site_path: str, shown: str) -> bool:
    """Log what :func:`find_unsafe_page` finds in ``html``; whether it found anything."""
    findings = find_unsafe_page(html, site_path, SESSION.theme)
    for finding in findings:
        log.warning(f"unsafe HTML in {shown} (whole page): {finding}")
    return bool(findings)


def on_post_build(config: MkDocsConfig) -> None:
    """The site search's index (Pagefind, :mod:`litkb.site.pagefind`), made of the pages as built:
    a failure is a warning (the strict build fails). Should Material's search plugin be enabled
    again, its index passes the tripwire: anything but the few tags Material keeps is a warning
    and is removed from the published index."""
    if SESSION.serving:
        _remove_pages_gone(config)
        SESSION.built = SESSION.building
        # The preview shows the change at once; its search catches up when Pagefind is done.
        if SESSION.indexing is not None and SESSION.indexing.poll() is None:
            SESSION.indexing.terminate()
            SESSION.indexing.wait()
        try:
            SESSION.indexing = pagefind.start_indexing(Path(config.site_dir))
        except pagefind.SearchIndexError as err:
            log.warning(str(err))
        return
    # The data files still to make (the explorer's, the evidence packs, the network's: those not
    # made while the references were awaited) are made here while Pagefind indexes the pages in
    # its own process: it leaves part of a CPU free.
    late, SESSION.late = SESSION.late, []
    try:
        pagefind.index_site(Path(config.site_dir), alongside=functools.partial(_write_late_files, late, Path(config.site_dir)))
    except pagefind.SearchIndexError as err:
        log.warning(str(err))
    index = Path(config.site_dir) / "search" / "search_index.json"
    if not index.is_file():
        return
    text = index.read_text(encoding="utf-8")
    cleaned, findings = check_search_index(text)
    for finding in findings:
        log.warning(f"unsafe HTML in the search index: {finding}")
    if findings:
        index.write_text(cleaned, encoding="utf-8")


def _write_late_files(late: LateFiles, site_dir: Path) -> None:
    """Make the files the rendering left empty (MkDocs copied them so) and write them in their place."""
    for paths, make in late:
        made = make()
        if sorted(made) != sorted(paths):
            raise RuntimeError(f"made {sorted(made)[:3]}... where {sorted(paths)[:3]}... were expected")  # a bug, not bad input
        for path in paths:
            atomic_write_bytes(site_dir / path, made[path])


def _remove_pages_gone(config: MkDocsConfig) -> None:
    """A dirty rebuild writes the pages that changed and leaves every other file as it was: a page
    the last build generated and this one did not (its work, concept or person is gone) is removed
    from the preview, which would otherwise show it until restarted."""
    for path in sorted(set(SESSION.built) - set(SESSION.building)):
        dest = Path(File(path, config.docs_dir, config.site_dir, config.use_directory_urls).abs_dest_path)
        with contextlib.suppress(FileNotFoundError):
            dest.unlink()


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """With $KB_ROOT, watch that knowledge base too (mkdocs.yml's ``watch`` covers its own)."""
    if os.environ.get(ROOT_ENV):
        root = kb_root(config)
        for path in (root / "kb", root / "references.bib"):
            if path.exists():
                server.watch(str(path))
    return server
