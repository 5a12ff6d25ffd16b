"""Hostile text in every field, in real Chromium: no script runs and nothing is fetched from
another host, wherever the text lands (page title, headings, navigation, table of contents, meta
tags, tables, search results). Any dialog, outside request or console error fails a test.

Two sites: the strict build of what ``kb check`` accepts, and the preview (``kb serve``'s
non-strict build) of a knowledge base that also holds what ``kb check`` refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect, sync_playwright

from browser.helpers import launch_chromium, serve_directory, watch_page
from conftest import config_with_repo
from hostile_kb import MARKER, kit, write_accepted, write_preview
from litkb.core import urls
from litkb.emit.pages import ReferenceFormatter, render_pages
from litkb.emit.pages.safe import find_unsafe_html
from litkb.rules.link import build_kb
from litkb.site.build import build_site
from litkb.site.hooks import WITHHELD_CONTENT
from litkb.site.page_guard import MATERIAL_SEARCH_MARKER, OUR_SEARCH_MARKER, WITHHELD_PAGE
from test_site_safe import render

# Something that runs a script leaves this behind even when it is not a dialog.
PWNED_CHECK = "() => document.querySelectorAll('script:not([src])').length"
# Live code waiting for the reader: an event attribute or a script URL anywhere in the document
# (the theme writes neither).
LIVE_CHECK = """() => Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)
  .filter(a => a.name.startsWith('on') || /^\\s*(javascript|data|vbscript):/i.test(a.value))
  .map(a => e.tagName + ' ' + a.name + '=' + a.value))"""


@pytest.fixture(scope="module")
def accepted_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("accepted")
    write_accepted(root)
    return root


@pytest.fixture(scope="module")
def preview_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("preview")
    write_preview(root)
    return root


@pytest.fixture(scope="module")
def accepted_site(accepted_root: Path) -> Path:
    # Built as kb serve builds (not strict), so that the browser sees whatever the escaping lets
    # through; test_the_accepted_kit_builds_strict checks that kb build publishes it as well.
    site = accepted_root.parent / (accepted_root.name + "-site")
    build_site(accepted_root, site, strict=False)
    return site


@pytest.fixture(scope="module")
def preview_site(preview_root: Path) -> Path:
    site = preview_root.parent / (preview_root.name + "-site")
    build_site(preview_root, site, strict=False)  # as kb serve builds
    return site


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def page_urls(site: Path) -> list[str]:
    """Every page of a built site, as URL paths relative to its root."""
    return sorted("" if p.parent == site else quote(p.parent.relative_to(site).as_posix()) + "/" for p in site.rglob("index.html"))


def test_the_accepted_kit_passes_kb_check(accepted_root: Path) -> None:
    kb = build_kb(accepted_root)
    assert kb.problems == ()
    assert MARKER in kb.sources["hostile2020"].title and "</title><script>" in kb.concepts["hostile-concept"].label


def test_the_accepted_kit_builds_strict(accepted_root: Path, accepted_site: Path, tmp_path: Path) -> None:
    build_site(accepted_root, tmp_path / "site")  # strict: a tripwire finding would fail it
    for page in accepted_site.rglob("*.html"):  # escaped, not withheld
        assert page.read_text(encoding="utf-8") != WITHHELD_PAGE, page
        assert WITHHELD_CONTENT not in page.read_text(encoding="utf-8"), page


def test_the_preview_kit_is_refused_by_kb_check(preview_root: Path) -> None:
    codes = {p.code for p in build_kb(preview_root).problems}
    assert {"KB110", "KB305", "KB310", "KB402"} <= codes


def _tables(html: str) -> list[list[int]]:
    """Cells per row of each table in ``html``."""
    return [[len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)] for table in re.findall(r"<table>(.*?)</table>", html, re.S)]


@pytest.mark.parametrize("which", ["accepted", "preview"])
def test_no_field_splits_a_table_cell_or_forges_a_link(which: str, accepted_root: Path, preview_root: Path) -> None:
    # kb pages output, as another Material builder would render it: every field above holds a
    # pipe followed by a javascript: link and a search-marker trap; every table keeps its columns
    # and nothing is live, before or after Material's search plugin rewrites the content.
    root = accepted_root if which == "accepted" else preview_root
    tables = 0
    for page in render_pages(build_kb(root), style="apa", references=ReferenceFormatter()):
        if not page.path.endswith(".md"):
            continue
        assert isinstance(page.content, str)
        html = render(page.content)
        assert find_unsafe_html(html) == [], page.path
        # What Material's search plugin would make of it in another builder (see safe.py): it may
        # cut text (the BibTeX block keeps its quotes), never start inside a tag but at our marker.
        in_tag = [m.group(0) for m in MATERIAL_SEARCH_MARKER.finditer(html) if html.rfind("<", 0, m.start()) > html.rfind(">", 0, m.start())]
        assert set(in_tag) <= {OUR_SEARCH_MARKER}, (page.path, in_tag)
        assert find_unsafe_html(MATERIAL_SEARCH_MARKER.sub("", html)) == [], page.path
        for rows in _tables(html):
            tables += 1
            assert len(set(rows)) == 1, (page.path, rows)
    assert tables >= 8


@pytest.mark.parametrize("which", ["accepted", "preview"])
def test_every_page_runs_no_script_and_fetches_nothing_outside(which: str, browser: Any, accepted_site: Path, preview_site: Path) -> None:
    site = accepted_site if which == "accepted" else preview_site
    paths = page_urls(site)
    assert len(paths) >= 15
    with serve_directory(site) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        watch = watch_page(page, base)
        inline_scripts = None
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.ok, path
            page.wait_for_load_state("networkidle")
            page.mouse.move(200, 200)  # hover handlers, if any had got in
            page.mouse.move(900, 600)
            assert page.evaluate(LIVE_CHECK) == [], path
            count = page.evaluate(PWNED_CHECK)
            inline_scripts = count if inline_scripts is None else inline_scripts
            assert count == inline_scripts, path  # the theme's inline scripts, no more
        context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_titles_and_headings_show_the_text_as_written(browser: Any, accepted_site: Path) -> None:
    with serve_directory(accepted_site) as base:
        context = browser.new_context()
        page = context.new_page()
        watch = watch_page(page, base)
        for path, field in ((urls.source_url("hostile2020"), "title"), (urls.concept_url("hostile-concept"), "label")):
            page.goto(base + path)
            title = page.title()
            assert title.startswith(f"{MARKER} {field} </title><script>alert('{field}')</script> <img src=x onerror=alert('{field}')>"), title
            heading = page.locator("article h1").inner_text()
            assert f"</title><script>alert('{field}')</script>" in heading
            toc = page.locator("nav.md-nav--secondary").inner_text()
            assert "<script>" not in toc or f"</title><script>alert('{field}')</script>" in toc
        page.goto(base + "authors/")
        expect(page.locator("article")).to_contain_text("</title><script>alert('corporate')</script>")
        context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


@pytest.mark.parametrize("which", ["accepted", "preview"])
def test_site_search_shows_hostile_results_as_text(which: str, browser: Any, accepted_site: Path, preview_site: Path) -> None:
    site = accepted_site if which == "accepted" else preview_site
    with serve_directory(site) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        watch = watch_page(page, base)
        page.goto(base)
        page.locator("button.kb-search-button").click()
        box = page.locator(".kb-search-dialog input.pagefind-ui__search-input")
        expect(box).to_be_visible(timeout=30_000)
        box.press_sequentially(MARKER, delay=30)
        results = page.locator(".kb-search-dialog .pagefind-ui__result")
        expect(results.first).to_be_visible(timeout=15_000)
        page.wait_for_timeout(1000)  # the whole query's results, highlighted
        text = page.locator(".kb-search-dialog").inner_text()
        assert "</title><script>" in text  # shown as text
        assert page.locator(".pagefind-ui__results script, .pagefind-ui__results img, .pagefind-ui__results svg, .pagefind-ui__results iframe").count() == 0
        page.locator(".kb-search-dialog .pagefind-ui__result-link").first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.startswith(base)
        context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_preview_edit_link_keeps_a_hostile_file_name_in_the_url(preview_root: Path, tmp_path: Path) -> None:
    # Edit links exist only where the deployer names a repository (mkdocs.yml's repo_url).
    site = tmp_path / "site"
    build_site(preview_root, site, strict=False, config_file=config_with_repo(tmp_path))
    html = (site / urls.source_url("doi2021") / "index.html").read_text(encoding="utf-8")
    assert "onmouseover=\"alert('file')\"" not in html
    assert "kb/sources/doi2021%22%20onmouseover%3D%22alert%28%27file%27%29%22%20x%3D%22.yaml" in html
    assert "tracker.invalid/q.png" in html and "<img" not in html[html.index("<article"): html.index("</article>")]


def test_kit_has_every_attack() -> None:
    sample = kit("f")
    for piece in ("</title><script>", "onerror=", "`</title>", "&lt;/title&gt;", "| [x](javascript:", '"data-search-q=") "y" onmouseover="', "<svg onload"):
        assert piece in sample
