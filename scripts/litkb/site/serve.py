"""Live preview: ``mkdocs serve`` in this process, on the knowledge base at a root.

Input: a knowledge-base root and an address. Output: a server until Ctrl+C; editing a note or
references.bib re-renders the pages (after notes alone change, only those that depend on them:
:mod:`litkb.emit.pages.incremental`), and MkDocs builds again (Markdown, theme, tripwires) only those
whose Markdown changed (the hooks' session keeps the formatted references and the pages' digests
between rebuilds); the search index is refreshed in the background. Errors that stop the server are :class:`~litkb.site.config.SiteError` (one line).
"""

from __future__ import annotations

import logging
from pathlib import Path

from .build import kb_root_env
from .config import SiteError, find_config


def serve_site(root: Path, dev_addr: str, open_browser: bool) -> None:
    """Serve the site of ``root`` on ``dev_addr`` (IP:PORT) with live reload (not strict: problems
    are shown as warnings while editing)."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    config = find_config(root)
    _show_mkdocs_log()
    try:
        with kb_root_env(root):
            # Dirty rebuilds: MkDocs builds again only the files that say they changed, and the
            # hooks say so of a generated page only when its Markdown changed (hooks.on_files).
            mkdocs_serve(str(config), open_in_browser=open_browser, dev_addr=dev_addr, strict=False, build_type="dirty")
    except MkDocsException as err:
        raise SiteError(str(err)) from err


def _show_mkdocs_log() -> None:
    # mkdocs' own CLI installs this handler; serving in-process needs it for "Serving on ...".
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
