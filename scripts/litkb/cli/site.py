"""``kb pages``, ``kb build`` and ``kb serve``: the site commands (thin layer over litkb.site)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

# Material 9.8 prints a multi-line end-of-life notice on every build; kb keeps its output to
# problems and results (the notice is recorded in DESIGN.md).
_QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def _load_checked(root: Path, strict: bool) -> Any:
    """Build the knowledge base, print its problems; exit 1 on errors (or on any with strict)."""
    from ..core.problems import format_problems, summary_line
    from ..rules.link import build_kb

    kb = build_kb(root)
    problems = list(kb.problems)
    if problems:
        click.echo(format_problems(problems, "text"), err=True)
        click.echo(summary_line(problems), err=True)
    if kb.errors or (strict and problems):
        sys.exit(1)
    return kb


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the generated pages (replaced as a whole).")
@click.pass_obj
def pages(obj: Any, out: Path) -> None:
    """Write the generated site pages (Markdown and the explorer's JSON) to a folder.

    Another Material-compatible builder can build them together with docs/. The folder is
    written in a temporary place and swapped in; a non-empty folder not made by kb is refused.
    Exit 1 when the knowledge base has errors.
    """
    from ..emit.pages import render_pages
    from ..site.build import write_pages
    from ..site.config import SiteError, citation_style

    kb = _load_checked(obj.root, strict=False)
    generated = render_pages(kb, style=citation_style(obj.root))
    try:
        write_pages(generated, out)
    except (SiteError, OSError) as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {len(generated)} pages to {out}")


@click.command()
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: site/ under --root).")
@click.pass_obj
def build(obj: Any, site_dir: Path | None) -> None:
    """Check the knowledge base, update the search index and build the site (strict).

    Any problem stops the build (the site build is strict, so warnings would fail it too).
    The site is built in a temporary folder and swapped into site/. Exit 0 built, 1 failed.
    """
    from ..site.build import build_site
    from ..site.config import SiteError

    root: Path = obj.root
    kb = _load_checked(root, strict=True)
    _update_search_index(kb, root)
    target = site_dir or root / "site"
    os.environ.update({k: v for k, v in _QUIET_ENV.items() if k not in os.environ})
    try:
        build_site(root, target)
    except (SiteError, OSError) as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"built the site in {target} ({len(kb.concepts)} concepts, {len(kb.sources)} sources, {len(kb.claims)} claims)")


def _update_search_index(kb: Any, root: Path) -> None:
    """Update the search index of ``kb`` in ``root/.kb-index`` (labels in the site's style)."""
    from ..emit.search.build import update_index
    from ..emit.search.store import IndexBusy
    from ..site.config import citation_style

    try:
        update_index(kb, root / ".kb-index", style=citation_style(root))
    except (IndexBusy, OSError) as err:  # IndexBusy: another writer holds the lock
        raise click.ClickException(f"search index not updated: {err}") from err
    click.echo(f"updated the search index in {root / '.kb-index'}")


@click.command()
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on (IP:PORT).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.pass_obj
def serve(obj: Any, dev_addr: str, open_browser: bool) -> None:
    """Preview the site with live reload: editing a note or references.bib re-renders its pages.

    Knowledge-base problems are shown as warnings while serving. Stop with Ctrl+C.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    from ..site.build import kb_root_env
    from ..site.config import SiteError, find_config

    root: Path = obj.root
    try:
        config = find_config(root)
    except SiteError as err:
        raise click.ClickException(str(err)) from err
    os.environ.update({k: v for k, v in _QUIET_ENV.items() if k not in os.environ})
    _show_mkdocs_log()
    try:
        with kb_root_env(root):
            mkdocs_serve(str(config), open_in_browser=open_browser, dev_addr=dev_addr, strict=False)
    except MkDocsException as err:
        raise click.ClickException(str(err)) from err


def _show_mkdocs_log() -> None:
    # mkdocs' own CLI installs this handler; serving in-process needs it for "Serving on ...".
    import logging

    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


COMMANDS: list[click.Command] = [pages, build, serve]
