"""The second site engine: Zensical (by the authors of Material for MkDocs) building the same pages.

Input: a knowledge-base root, its generated pages (:func:`litkb.site.pages.site_pages`, the same
Markdown MkDocs gets) and the site's mkdocs.yml. Output: a site folder, made in a staging folder
and swapped in (:mod:`litkb.site.staging`), as ``kb build`` does with MkDocs.

Zensical reads mkdocs.yml but runs no MkDocs hook, so what the hooks do for MkDocs is done around
it: the generated pages are written to disk first, beside a copy of ``docs/``, and Zensical builds
that folder (with a copy of mkdocs.yml naming it, and no ``hooks:``); afterwards every built page
passes the whole-page tripwire (:func:`~litkb.site.page_guard.find_unsafe_page`, against what
Zensical's own templates may write) and the content tripwire over its article
(:func:`~litkb.emit.pages.safe.find_unsafe_html`), and the site search is indexed by Pagefind.
The home page's list of questions is written into the copy of docs/index.md. A finding fails the
build (the previous site stays). A generated page's title goes into its front
matter as HTML-escaped text (:func:`with_title`: the MkDocs hook sets it in the page's metadata).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Set as AbstractSet
from pathlib import Path

import yaml

from ..core.model import KnowledgeBase
from ..emit.pages import GeneratedPage
from ..emit.pages.question_pages import HOME_MARKER, question_list
from ..emit.pages.safe import find_unsafe_html
from . import pagefind
from .build import SITE_MARKER, _check_replaceable
from .config import SiteError
from .page_guard import ThemeCode, find_unsafe_page, page_title_html
from .staging import staging_dir, swap_dir

# The article of a page: what the content tripwire reads (Zensical writes Material's markup).
_ARTICLE_START = '<article class="md-content__inner md-typeset">'


def templates() -> Path:
    """The folder of Zensical's theme templates (what its pages may carry besides our content)."""
    try:
        import zensical
    except ImportError as err:
        raise SiteError("kb build --engine zensical needs the zensical package: pip install -e '.[zensical]'") from err
    return Path(zensical.__file__).resolve().parent / "templates"


def build_with_zensical(root: Path, site_dir: Path, kb: KnowledgeBase, pages: list[GeneratedPage], config_file: Path, *, strict: bool = True) -> None:
    """Build ``pages`` with the docs of ``config_file`` (a mkdocs.yml) by Zensical into ``site_dir``.

    ``strict``: Zensical's issues (broken links, and also links to anchors that do not exist,
    which MkDocs only notes: a note's unsafe link, defused to ``#unsafe:...``, is one) fail the
    build. Raises :class:`SiteError` when Zensical fails or a page trips a tripwire.
    """
    theme = templates()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _check_replaceable(site_dir, SITE_MARKER, "index.html")
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise SiteError(f"{config_file}: not a configuration")
    docs = (config_file.parent / str(config.get("docs_dir", "docs"))).resolve()
    with staging_dir(site_dir) as tmp:
        # Zensical writes only inside its project folder: the project is made beside the staging
        # folder under the name the staging module removes after any interrupted build.
        project = tmp.with_name(tmp.name + ".old")
        combined = project / "docs"
        _copy_docs(docs, combined)
        # The home page's list of questions (the hook's on_page_markdown under MkDocs).
        home = combined / "index.md"
        if home.is_file() and HOME_MARKER in (text := home.read_text(encoding="utf-8")):
            home.write_text(text.replace(HOME_MARKER, question_list(kb, "index.md"), 1), encoding="utf-8")
        for page in pages:
            target = combined / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(with_title(page.content).encode("utf-8") if isinstance(page.content, str) else page.content)
        config.pop("hooks", None)  # Zensical runs none; what they do is done here
        config.update(docs_dir="docs", site_dir="site", strict=strict)
        settings = project / "mkdocs.yml"
        settings.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "zensical", "build", "-f", str(settings)], cwd=project,
                              capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
        if proc.returncode != 0:
            lines = (proc.stdout + proc.stderr).strip().splitlines()
            summary = [line.strip() for line in lines if re.fullmatch(r"\s*\d+ issues? found\s*", line)]
            raise SiteError(f"Zensical failed: {(summary or lines or [f'exit {proc.returncode}'])[-1]}" + (" (strict: mkdocs.yml)" if summary else ""))
        os.rmdir(tmp)
        os.rename(project / "site", tmp)
        shutil.rmtree(project)  # swap_dir uses this name next
        findings = check_pages(tmp, theme, generated={page.path for page in pages})
        if findings:
            raise SiteError(f"unsafe HTML in the site Zensical built: {findings[0]}" + (f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""))
        try:
            pagefind.index_site(tmp)
        except pagefind.SearchIndexError as err:
            raise SiteError(str(err)) from err
        (tmp / SITE_MARKER).write_text("built by kb build; this folder is replaced on each build\n", encoding="utf-8")
        _check_replaceable(site_dir, SITE_MARKER, "index.html")
        swap_dir(tmp, site_dir)


def with_title(markdown: str) -> str:
    """A generated page with its title in front matter, as HTML-escaped plain text.

    The MkDocs hook does this in ``on_page_content`` (:func:`~litkb.site.page_guard.page_title_html`):
    the theme prints a title taken from the first heading with ``striptags``, which turns a note's
    ``&lt;`` back into ``<`` inside ``<title>``; a title from the page's metadata is printed as it
    is. Zensical runs no hook, so the title goes into the page's front matter instead."""
    first, _, _ = markdown.partition("\n")
    if not first.startswith("# ") or markdown.startswith("---"):
        return markdown
    return f"---\ntitle: {json.dumps(page_title_html(first[2:].strip()))}\n---\n\n{markdown}"


def _copy_docs(docs: Path, target: Path) -> None:
    """Copy the hand-written docs (regular files only: a link is not followed out of docs/)."""
    for path in sorted(docs.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out = target / path.relative_to(docs)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(path.read_bytes())


def check_pages(site: Path, theme_templates: Path, generated: AbstractSet[str] = frozenset()) -> list[str]:
    """Every HTML page of a built ``site`` through the whole-page tripwire (the theme: Zensical's
    templates and the site's own script files, never a ``generated`` file) and its article through
    the content tripwire."""
    scripts = {p.relative_to(site).as_posix() for p in site.rglob("*.js") if p.is_file()} - generated
    theme = ThemeCode.from_theme([theme_templates], scripts)
    findings = []
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        # As the MkDocs hooks do: the article (our content) under the content rules, the rest of
        # the page under what the theme may write.
        start = html.find(_ARTICLE_START)
        end = html.find("</article>", start) if start >= 0 else -1
        if start >= 0 and end >= 0:
            findings += [f"{path}: {f}" for f in find_unsafe_html(html[start + len(_ARTICLE_START) : end])]
            html = html[: start + len(_ARTICLE_START)] + html[end:]
        findings += [f"{path}: {f}" for f in find_unsafe_page(html, path, theme)]
    return findings
