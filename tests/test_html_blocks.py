"""The blocks the generator writes as HTML (litkb.emit.pages.html): their inline Markdown renders
as Python-Markdown renders it in the site, and every link between generated pages lands on a page
and an anchor that exist in the built site."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bounded import site_markdown
from litkb.emit.pages.common import link_text
from litkb.emit.pages.html import inline_html, page_link, table, text_html
from litkb.emit.pages.safe import md_text
from test_hostile_property import FRAGMENTS

BADGE = '<span class="kb-type">finding</span> '
MARKDOWN = site_markdown()


def _in_site(markdown_text: str) -> str:
    """How the site's Markdown renders ``markdown_text`` after a badge inside a card, as the
    cards were written before they became HTML (``<div markdown>`` with a paragraph)."""
    MARKDOWN.reset()
    html = MARKDOWN.convert(f'<div class="kb-card-claim" markdown>\n\n{BADGE}{markdown_text}\n\n</div>')
    match = re.fullmatch(rf'<div class="kb-card-claim">\n<p>{re.escape(BADGE)}(.*)</p>\n</div>', html, re.S)
    assert match, html
    return match.group(1)


hostile = st.lists(st.sampled_from(FRAGMENTS + ["word", "*em*", "_em_", "`code`", "[a](http://x.example/)", "1.", "# h"]), min_size=1, max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=hostile)
def test_inline_html_is_what_the_site_markdown_makes_of_the_text(text: str) -> None:
    for line_start in (True, False):
        markdown_text = md_text(text, line_start=line_start)
        assert inline_html(markdown_text) == _in_site(markdown_text)
    assert inline_html(link_text(text)) == _in_site(link_text(text))


def test_plain_text_takes_the_short_way_and_markup_the_long_way() -> None:
    assert text_html("Headteachers were caught") == "Headteachers were caught"
    assert text_html("a *catch 22* & <b>") == "a <em>catch 22</em> &amp; &lt;b&gt;"
    assert text_html("see [x](javascript:alert(1))") == 'see <a href="#unsafe:javascript:alert(1)">x</a>'
    assert text_html("1. not a list", line_start=True) == "1. not a list"


def test_links_between_pages_are_directory_urls_with_escaped_labels() -> None:
    assert page_link("A <b> & *B*", "sources/x.md", "concepts/y.md", "c1") == '<a href="../../concepts/y/#c1">A &lt;b&gt; &amp; <em>B</em></a>'
    assert page_link("Q", "authors/a.md", "explorer.md", query="author=a") == '<a href="../../explorer/?author=a">Q</a>'
    # A note's own link inside a label stays text: no link inside a link.
    assert "<a" not in page_link("[x](http://x.example/)", "a.md", "b.md")[10:-4]


def test_a_table_is_written_as_the_tables_extension_writes_it() -> None:
    MARKDOWN.reset()
    expected = MARKDOWN.convert("| A | B |\n| --- | --- |\n| 1 | *2* |\n| 3 |  |")
    assert "\n".join(table(["A", "B"], [["1", "<em>2</em>"], ["3", ""]])) == expected


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("site_fixture", ["fixture_site", "real_site"])
def test_every_link_between_generated_pages_lands_on_a_page_and_anchor(site_fixture: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_fixture)
    pages = sorted(itertools.chain(*(site.glob(f"{folder}/**/index.html") for folder in ("sources", "concepts", "authors", "questions"))))
    assert len(pages) > 20
    parsed: dict[Path, _Links] = {}
    checked = 0
    for page in pages:
        url = "/" + page.relative_to(site).parent.as_posix() + "/"
        for href in _parse(page).hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("#unsafe:"):
                continue
            target_url = urlsplit(urljoin(url, href))
            target = site / unquote(target_url.path).lstrip("/")
            target = target / "index.html" if target_url.path.endswith("/") else target
            assert target.is_file(), f"{page.relative_to(site)}: {href} leads nowhere"
            if parts.fragment and target.suffix == ".html":
                ids = parsed.setdefault(target, _parse(target)).ids
                assert unquote(parts.fragment) in ids, f"{page.relative_to(site)}: {href} has no anchor {parts.fragment}"
            checked += 1
    assert checked > 100
