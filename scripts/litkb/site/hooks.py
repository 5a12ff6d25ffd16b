"""The MkDocs adapter: hands MkDocs events to the pure stage :func:`render_pages`.

``scripts/mkdocs_hooks.py`` re-exports these functions. On ``on_files`` the knowledge base is
loaded and every generated page is added as a virtual file (``File.generated``), its edit link
pointing at the YAML note; knowledge-base problems are logged as warnings so that
``mkdocs build --strict`` fails on them. The knowledge base is the folder of ``mkdocs.yml``
unless the ``KB_ROOT`` environment variable names another (``kb --root DIR build``).

Every page is checked twice: its content (:func:`~litkb.site.safe.find_unsafe_html`) and the
whole page the theme made of it (:func:`~litkb.site.page_guard.find_unsafe_page`), then the search
index. A finding is a warning (so the strict build fails) and the page is withheld, so that the
non-strict preview (``kb serve``) never shows it either.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..link import build_kb
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
from .render import render_pages
from .safe import find_unsafe_html

ROOT_ENV = "KB_ROOT"
log = logging.getLogger("mkdocs.plugins.litkb")

# Paths of the pages generated in the current build, and what the theme may put on a page.
_generated: set[str] = set()
_theme: list[ThemeCode] = []
_checked: dict[str, tuple[bytes, ...]] = {}  # page -> digests of the content on_page_content checked
WITHHELD_CONTENT = "<p><strong>The content of this page was withheld: it held live code (see the build's warnings).</strong></p>"


def kb_root(config: MkDocsConfig) -> Path:
    """The knowledge base to publish: $KB_ROOT, else the folder holding mkdocs.yml."""
    override = os.environ.get(ROOT_ENV)
    if override:
        return Path(override).resolve()
    return Path(config.config_file_path or ".").resolve().parent


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages; point every edit link at the file to edit in the repository."""
    project = Path(config.config_file_path or ".").resolve().parent
    docs_prefix = Path(os.path.relpath(Path(config.docs_dir).resolve(), project)).as_posix()
    for file in files:
        if file.generated_by is None:
            file.edit_uri = quote(f"{docs_prefix}/{file.src_uri}" if docs_prefix != "." else file.src_uri)
    kb = build_kb(kb_root(config))
    for problem in kb.problems:
        log.warning(problem.text())
    _generated.clear()
    _checked.clear()
    for page in render_pages(kb):
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            log.warning(f"docs/{page.path} is replaced by a generated page of the same name: rename or remove it")
            files.remove(existing)
        generated = File.generated(config, page.path, content=page.content)
        # The edit link names the note's file, whose name comes with the pull request: Material
        # writes the link into an attribute as it is, so it is percent-encoded here (a quote in a
        # file name would otherwise end the attribute).
        generated.edit_uri = quote(page.edit_path) if page.edit_path else None
        files.append(generated)
        _generated.add(page.path)
    # Scripts the pages may load: the theme's and docs/ JavaScript files, never a generated file.
    scripts = {f.dest_uri for f in files if f.dest_uri.endswith(".js") and f.src_uri not in _generated}
    _theme[:] = [ThemeCode.from_theme(config.theme.dirs, scripts)]
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Tripwire over the content: no page may carry live code (a bug in the Markdown escaping).

    A generated page also gets its title set here, as HTML-escaped plain text in
    ``page.meta["title"]``: MkDocs derives a title from the first heading as HTML, and Material
    prints it with ``striptags``, which turns ``&lt;`` back into ``<`` in the ``<title>``; its
    templates print ``page.meta.title`` as it is, so the escaped text stays text.
    """
    if page.file.src_uri in _generated:
        if page.title is not None and "title" not in page.meta:
            page.meta["title"] = page_title_html(page.title)
        html = defuse_search_markers(html)
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
    _checked[page.file.src_uri] = tuple(digests)
    return content


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Tripwire over the whole page (head, navigation, table of contents, title, meta tags).

    The content, already checked by :func:`on_page_content` under stricter rules, is cut out
    when it stands in the page exactly once and is unchanged since (a plugin may rewrite it: then
    it is checked again); the rest is checked against what the theme may write. Scanning a page
    costs about 0.1 s per MB, and content is most of a large knowledge base's pages.
    """
    chrome = output
    content = page.content or ""
    start = output.find(content) if content else -1
    if start >= 0 and output.find(content, start + 1) < 0:
        chrome = output[:start] + output[start + len(content) :]
        if _digest(content) not in _checked.get(page.file.src_uri, ()):
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
    findings = find_unsafe_page(html, site_path, _theme[0] if _theme else ThemeCode(frozenset()))
    for finding in findings:
        log.warning(f"unsafe HTML in {shown} (whole page): {finding}")
    return bool(findings)


def on_post_build(config: MkDocsConfig) -> None:
    """Tripwire over the search index, which Material's search shows as HTML: anything but the
    few tags Material keeps is a warning and is removed from the published index."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if not index.is_file():
        return
    text = index.read_text(encoding="utf-8")
    cleaned, findings = check_search_index(text)
    for finding in findings:
        log.warning(f"unsafe HTML in the search index: {finding}")
    if findings:
        index.write_text(cleaned, encoding="utf-8")


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """With $KB_ROOT, watch that knowledge base too (mkdocs.yml's ``watch`` covers its own)."""
    if os.environ.get(ROOT_ENV):
        root = kb_root(config)
        for path in (root / "kb", root / "references.bib"):
            if path.exists():
                server.watch(str(path))
    return server
