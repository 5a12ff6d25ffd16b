"""Building the site and writing the generated pages, atomically.

Input: a knowledge-base root (and, for a build, the knowledge base when the caller loaded it).
Output: a site folder (``build_site``, MkDocs in-process with ``--strict``) or a folder of
generated Markdown (``write_pages``). Both are made in a staging folder next to the target and
swapped in (:mod:`litkb.site.staging`), so an interrupted run never leaves half a site, and the
next run removes what it left behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from ..core.model import KnowledgeBase
from ..core.workers import available_cpus
from ..emit.pages import GeneratedPage
from . import hooks
from .config import SiteError, find_config
from .pages import EarlyStart
from .staging import staging_dir, swap_dir

SITE_MARKER = ".kb-site"
PAGES_MARKER = ".kb-pages"


@contextlib.contextmanager
def kb_root_env(root: Path) -> Iterator[None]:
    """Point the MkDocs hook at ``root`` for the duration of a build."""
    old = os.environ.get(hooks.ROOT_ENV)
    os.environ[hooks.ROOT_ENV] = str(root.resolve())
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(hooks.ROOT_ENV, None)
        else:
            os.environ[hooks.ROOT_ENV] = old


def build_site(root: Path, site_dir: Path, *, kb: KnowledgeBase | None = None, config_file: Path | None = None, strict: bool = True,
               workers: int | None = None, early: EarlyStart | None = None) -> None:
    """Run ``mkdocs build`` (strict) for the knowledge base at ``root`` into ``site_dir``.

    ``kb``: the knowledge base at ``root`` when the caller has loaded it already (it is then
    not loaded again by the hook). ``workers``: processes converting the generated pages'
    Markdown (default: one per available CPU; :mod:`litkb.site.prerender`). ``early``: what the
    caller started while loading ``kb`` (the library's labels and references); taken or stopped.

    Raises :class:`SiteError` when MkDocs aborts (e.g. warnings in strict mode); the previous
    site is then left untouched.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_path = config_file or find_config(root)
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _check_replaceable(site_dir, SITE_MARKER, "index.html")
    with staging_dir(site_dir) as tmp:
        try:
            with kb_root_env(root), _quiet_info(), hooks.preloaded(kb, available_cpus() if workers is None else workers, early):
                config = load_config(str(config_path), site_dir=str(tmp), strict=strict)
                build(config)
        except MkDocsException as err:
            raise SiteError(f"site build failed: {err}") from err
        (tmp / SITE_MARKER).write_text("built by kb build; this folder is replaced on each build\n", encoding="utf-8")
        _check_replaceable(site_dir, SITE_MARKER, "index.html")
        swap_dir(tmp, site_dir)


@contextlib.contextmanager
def _quiet_info() -> Iterator[None]:
    # MkDocs talks at INFO ("Building documentation..."); a kb command shows warnings only.
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def write_pages(pages: list[GeneratedPage], out: Path) -> None:
    """Write generated pages under ``out`` (replacing a previous output folder as a whole)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _check_replaceable(out, PAGES_MARKER)
    with staging_dir(out) as tmp:
        for page in pages:
            target = tmp / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = page.content.encode("utf-8") if isinstance(page.content, str) else page.content
            target.write_bytes(data)
        (tmp / PAGES_MARKER).write_text("written by kb pages; this folder is replaced on each run\n", encoding="utf-8")
        _check_replaceable(out, PAGES_MARKER)
        swap_dir(tmp, out)


def _check_replaceable(target: Path, *markers: str) -> None:
    """Refuse to replace a folder we did not make (e.g. ``--out docs``): it must be missing,
    empty, or carry one of ``markers``."""
    if not target.exists():
        return
    if not target.is_dir():
        raise SiteError(f"{target} exists and is not a folder")
    if any(target.iterdir()) and not any((target / m).exists() for m in markers):
        raise SiteError(f"{target} is not empty and was not made by kb: choose another folder or empty it")
