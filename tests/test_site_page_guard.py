"""The whole-page tripwire: every page MkDocs writes (head, title, navigation, table of contents,
meta tags) and the search index hold nothing live that the theme did not write; a finding fails
the strict build and withholds the page from the preview."""

from __future__ import annotations

import html
import inspect
import json
import logging
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SITE_FIXTURE_ROOT
from litkb.core import urls
from litkb.site import hooks
from litkb.site.build import SiteError, build_site
from litkb.site.page_guard import WITHHELD_PAGE, ThemeCode, check_search_index, find_unsafe_page, page_title_html
from litkb.site.pagefind import read_fragments

PAGE = urls.concept_url("hybrid-leadership") + "index.html"


def theme_of(site: Path) -> ThemeCode:
    """The theme code of a built site, as the hook computes it during the build."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    scripts = {p.relative_to(site).as_posix() for p in site.rglob("*.js")}
    return ThemeCode.from_theme(config.theme.dirs, scripts)


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("which", ["real", "fixture"])
def test_clean_sites_pass_whole(which: str, real_site: Path, fixture_site: Path) -> None:
    site = real_site if which == "real" else fixture_site
    theme = theme_of(site)
    assert len(theme.inline) >= 3  # Material's own inline scripts were found in its templates
    pages = pages_of(site)
    assert len(pages) > 20 and any(p.name == "404.html" for p in pages)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text != WITHHELD_PAGE, page
        assert find_unsafe_page(text, page.relative_to(site).as_posix(), theme) == [], page
    # The site search's index: every page's record leads to a page of the site.
    records = read_fragments(site)
    assert len(records) == len([p for p in pages if p.name == "index.html"])
    assert all(r["url"].startswith("/") and not r["url"].startswith("//") and (site / r["url"].lstrip("/") / "index.html").is_file() for r in records)


INJECTED = {
    "<title>": ("<title>", "<title></title><script>alert(document.domain)</script>", "inline <script> not written by the theme"),
    "</head>": ("</head>", '<script src="../../explorer/claims.json"></script></head>', "is not one of the site's own scripts"),
    "remote script": ("</head>", '<script src="https://cdn.example/x.js"></script></head>', "is not one of the site's own scripts"),
    "meta refresh": ("<head>", '<head><meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "http-equiv"),
    "remote style": ("</head>", '<link rel="stylesheet" href="https://cdn.example/x.css"></head>', "from another host"),
    "remote image": ("</head>", '<link rel="icon" href="//tracker.example/i.png"></head>', "from another host"),
    "event": ("<body", '<body onload="alert(1)"', "event attribute onload"),
    "svg animate": ("</body>", '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg></body>', "<animate> inside <svg>"),
    "theme script changed": ("__md_scope=new URL(", "alert(1),__md_scope=new URL(", "inline <script> not written by the theme"),
    "comment": ("</body>", "<!-- --!><script>alert(1)</script> --></body>", "comment holding markup"),
    "toc link": ('class="md-nav__link"', 'class="md-nav__link" data-x="1"><a href="javascript:alert(1)"', "href='javascript:alert(1)'"),
    "base": ("<head>", '<head><base href="https://evil.example/">', "<base> element"),
    "abrupt comment": ("</body>", "<!--><script>alert(1)</script><!-- --></body>", "comment holding markup"),
    "cdata": ("</body>", "<![CDATA[><script>alert(1)</script>]]></body>", "marked section"),
    "second config": ("<head>", '<head><script id="__config" type="application/json">{"search": "data:text/javascript,postMessage(1)"}</script>', "second Material configuration"),
    "config worker": ('"search": "../../assets/', '"search": "data:text/javascript,1//../../assets/', "search worker that is not the site's"),
    "other json": ("</head>", '<script type="application/json" id="x">{}</script></head>', "JSON block 'x'"),
}


@pytest.mark.parametrize("name", sorted(INJECTED))
def test_injected_live_code_is_found_anywhere_in_the_page(name: str, real_site: Path) -> None:
    anchor, replacement, expected = INJECTED[name]
    text = (real_site / PAGE).read_text(encoding="utf-8")
    assert anchor in text
    found = find_unsafe_page(text.replace(anchor, replacement, 1), PAGE, theme_of(real_site))
    assert any(expected in finding for finding in found), found


def test_page_titles_cannot_become_markup() -> None:
    assert page_title_html("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;") == "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert page_title_html("A &amp; B <code>x</code>") == "A &amp; B x"
    assert page_title_html("&amp;lt;b&amp;gt;") == "&amp;lt;b&amp;gt;"  # text that shows an entity keeps showing it


def test_search_index_keeps_only_material_markup() -> None:
    index = json.dumps({"config": {}, "docs": [
        {"location": "a/", "title": "<img src=x onerror=alert(1)>Title", "text": "<p>ok <code>x</code></p><p onclick=a()>b</p>"},
        {"location": "javascript:alert(1)", "title": "t", "text": "&lt;script&gt; stays text"},
    ]})
    cleaned, found = check_search_index(index)
    docs = json.loads(cleaned)["docs"]
    assert docs[0]["title"] == "Title" and docs[0]["text"] == "<p>ok <code>x</code></p>b</p>"
    assert docs[1]["location"] == "" and docs[1]["text"] == "&lt;script&gt; stays text"
    assert len(found) == 3


def test_the_mkdocs_shim_hands_over_every_hook() -> None:
    # A hook defined in litkb.site.hooks but not re-exported by the shim is never called.
    shim = (REPO / "scripts" / "mkdocs_hooks.py").read_text(encoding="utf-8")
    events = [name for name, _ in inspect.getmembers(hooks, inspect.isfunction) if name.startswith("on_")]
    assert {"on_files", "on_page_content", "on_post_page", "on_post_template", "on_post_build"} <= set(events)
    assert all(name in shim for name in events), events


def test_a_title_that_became_markup_fails_the_build_and_is_withheld(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Simulate the bug this tripwire exists for: a title that reaches <title> unescaped, as
    # Material's striptags used to make it.
    root = tmp_path / "root"
    shutil.copytree(SITE_FIXTURE_ROOT, root)
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("title = {Hybrid leadership}", "title = {</title><script>alert(1)</script>}"), encoding="utf-8")
    monkeypatch.setattr(hooks, "page_title_html", html.unescape)
    with pytest.raises(SiteError, match="strict mode"):
        build_site(root, tmp_path / "strict")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        build_site(root, tmp_path / "preview", strict=False)
    assert "inline <script> not written by the theme" in caplog.text
    assert (tmp_path / "preview" / urls.source_url("gronn2009b") / "index.html").read_text(encoding="utf-8") == WITHHELD_PAGE
    assert "<script>alert" not in (tmp_path / "preview" / urls.source_url("torrance2013") / "index.html").read_text(encoding="utf-8")


def test_search_markers_from_notes_are_defused() -> None:
    # Material's search plugin removes data-search-*="..." from the rendered content with a
    # regular expression that also cuts across tags: from a link title ending in
    # "data-search-q=" to the next quote in the text after it, turning that text's quotes into
    # attributes (measured: a live onmouseover on a concept page of a strict build).
    from litkb.emit.pages.safe import find_unsafe_html, html_text, md_text
    from litkb.site.page_guard import MATERIAL_SEARCH_MARKER, OUR_SEARCH_MARKER, defuse_search_markers
    from test_site_safe import render

    text = 'see [x](https://example.org "data-search-q=") "y" onmouseover="alert(1)" z="'
    coded = text + ' and `data-search-q="` in code'
    after = "\n\nMore [text](https://example.org/b)."
    attack = render(f'<div class="kb-claim" data-search-exclude markdown>\n\nsee <a href="https://example.org" title="data-search-q=">x</a> "y" onmouseover="alert(1)" z="\n\n</div>{after}')
    assert find_unsafe_html(attack) == [] and find_unsafe_html(MATERIAL_SEARCH_MARKER.sub("", attack)) != []  # what Material makes of it
    for rendered in (render(f'<div class="kb-claim" data-search-exclude markdown>\n\n{md_text(coded)}\n\n</div>{after}'),
                     render(f'<span title="{html_text(text)}">0</span>{after}'),
                     defuse_search_markers(attack)):
        assert [m.group(0) for m in MATERIAL_SEARCH_MARKER.finditer(rendered)] in ([], [OUR_SEARCH_MARKER]), rendered
        assert find_unsafe_html(MATERIAL_SEARCH_MARKER.sub("", rendered)) == []
        assert "data-search-q=" in html.unescape(rendered)  # the reader sees the text as written


def test_a_block_is_remembered_per_way_its_urls_resolve() -> None:
    # The theme's blocks are scanned once for every page whose local URLs resolve the same way
    # (every work's page has a folder of its own); a page where they resolve otherwise is scanned.
    theme = ThemeCode(frozenset({"assets/app.js"}))
    page = '<html>\n<script src="../../assets/app.js"></script>\n<p>text</p>\n'
    assert find_unsafe_page(page, "sources/a/index.html", theme) == []
    assert find_unsafe_page(page, "authors/b/index.html", theme) == []
    variants = [scanned for (block, _), kept in theme.lines.items() if "<script" in block for scanned in kept]
    assert len(variants) == 1 and variants[0].lookups == (("../../assets/app.js", "assets/app.js"),)
    assert find_unsafe_page(page, "index.html", theme) == ["<script src='../../assets/app.js'> is not one of the site's own scripts"]
    assert find_unsafe_page(page, "sources/c/index.html", theme) == []
    assert find_unsafe_page(page, "index.html", theme) != []  # remembered as found, not as passed
