"""``kb pages``, ``kb build`` and ``kb serve``: the site commands (a thin layer over :mod:`litkb.site`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import Context, load_checked, update_search_index

if TYPE_CHECKING:
    from ..core.model import KnowledgeBase
    from ..site.pages import EarlyStart

# Material 9.8 prints a multi-line end-of-life notice on every build; kb keeps its output to
# problems and results (the notice is recorded in DESIGN.md).
_QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1"}


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the generated pages (replaced as a whole).")
@click.pass_obj
def pages(obj: Context, out: Path) -> None:
    """Write the generated site pages (Markdown and the explorer's JSON) to a folder.

    Another Material-compatible builder can build them together with docs/. The folder is
    written in a temporary place and swapped in; a non-empty folder not made by kb is refused.
    Exit 1 when the knowledge base has errors.
    """
    from ..emit.pages import ReferenceFormatter
    from ..site.build import write_pages
    from ..site.config import SiteError, find_config
    from ..site.pages import site_pages

    kb = load_checked(obj.root, strict=False)
    try:
        generated = site_pages(kb, find_config(obj.root), ReferenceFormatter())
    except SiteError as err:
        raise click.ClickException(str(err)) from err
    try:
        write_pages(generated, out)
    except (SiteError, OSError) as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {len(generated)} pages to {out}")


@click.command()
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: site/ under --root).")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="Site builder: MkDocs with Material, or Zensical (the optional 'zensical' extra) on the same mkdocs.yml.")
@click.pass_obj
def build(obj: Context, site_dir: Path | None, engine: str) -> None:
    """Check the knowledge base, update the search index and build the site (strict).

    Any problem stops the build (the site build is strict, so warnings would fail it too).
    The site is built in a temporary folder and swapped into site/. Exit 0 built, 1 failed.
    With --engine zensical the generated pages are written to disk and built by Zensical with
    docs/; the HTML tripwires and the site search run after it.
    """
    from ..emit.search.store import IndexBusy
    from ..site.pages import EarlyStart

    root = obj.root
    # The library's labels and references start in child processes as soon as it is read.
    with contextlib.closing(EarlyStart(root)) as early:
        kb = load_checked(root, strict=True, on_library=early if engine == "mkdocs" else None)
        try:
            update_search_index(kb, root / ".kb-index")
        except (IndexBusy, OSError) as err:  # IndexBusy: another writer holds the lock
            raise click.ClickException(f"search index not updated: {err}") from err
        click.echo(f"updated the search index in {root / '.kb-index'}")
        _build(root, site_dir or root / "site", kb, engine, early)
    click.echo(f"built the site in {site_dir or root / 'site'} with {engine} ({len(kb.concepts)} concepts, {len(kb.sources)} sources, {len(kb.claims)} claims, {len(kb.questions)} questions)")


def _build(root: Path, target: Path, kb: KnowledgeBase, engine: str, early: EarlyStart) -> None:
    from ..site.build import build_site
    from ..site.config import SiteError

    os.environ.update({k: v for k, v in _QUIET_ENV.items() if k not in os.environ})
    try:
        if engine == "zensical":
            from ..emit.pages import ReferenceFormatter
            from ..site.config import find_config
            from ..site.pages import site_pages
            from ..site.zensical import build_with_zensical

            config = find_config(root)
            build_with_zensical(root, target, kb, site_pages(kb, config, ReferenceFormatter()), config)
        else:
            build_site(root, target, kb=kb, early=early)  # the hook takes this kb: loaded once per build
    except (SiteError, OSError) as err:
        raise click.ClickException(str(err)) from err


@click.command()
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on (IP:PORT).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.pass_obj
def serve(obj: Context, dev_addr: str, open_browser: bool) -> None:
    """Preview the site with live reload: editing a note or references.bib re-renders its pages.

    Knowledge-base problems are shown as warnings while serving. Stop with Ctrl+C.
    """
    from ..site.config import SiteError
    from ..site.serve import serve_site

    os.environ.update({k: v for k, v in _QUIET_ENV.items() if k not in os.environ})
    try:
        serve_site(obj.root, dev_addr, open_browser)
    except SiteError as err:
        raise click.ClickException(str(err)) from err


COMMANDS: list[click.Command] = [pages, build, serve]
