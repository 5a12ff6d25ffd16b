"""The MkDocs adapter: hands MkDocs events to the pure stage :func:`render_pages`.

``scripts/mkdocs_hooks.py`` re-exports these functions. On ``on_files`` the knowledge base is
loaded and every generated page is added as a virtual file (``File.generated``), its edit link
pointing at the YAML note; knowledge-base problems are logged as warnings so that
``mkdocs build --strict`` fails on them. The knowledge base is the folder of ``mkdocs.yml``
unless the ``KB_ROOT`` environment variable names another (``kb --root DIR build``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..emit.pages.render import render_pages
from ..emit.pages.safe import find_unsafe_html
from ..rules.link import build_kb
from .config import citation_style

ROOT_ENV = "KB_ROOT"
log = logging.getLogger("mkdocs.plugins.litkb")

# Paths of the pages generated in the current build (for the HTML tripwire).
_generated: set[str] = set()


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
            file.edit_uri = f"{docs_prefix}/{file.src_uri}" if docs_prefix != "." else file.src_uri
    root = kb_root(config)
    kb = build_kb(root)
    for problem in kb.problems:
        log.warning(problem.text())
    _generated.clear()
    for page in render_pages(kb, style=citation_style(root)):
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            log.warning(f"docs/{page.path} is replaced by a generated page of the same name: rename or remove it")
            files.remove(existing)
        generated = File.generated(config, page.path, content=page.content)
        generated.edit_uri = page.edit_path
        files.append(generated)
        _generated.add(page.path)
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Tripwire: no generated page may carry live code (a bug in the Markdown escaping)."""
    if page.file.src_uri in _generated:
        for finding in find_unsafe_html(html):
            log.warning(f"unsafe HTML in generated page {page.file.src_uri}: {finding}")
    return html


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """With $KB_ROOT, watch that knowledge base too (mkdocs.yml's ``watch`` covers its own)."""
    if os.environ.get(ROOT_ENV):
        root = kb_root(config)
        for path in (root / "kb", root / "references.bib"):
            if path.exists():
                server.watch(str(path))
    return server
