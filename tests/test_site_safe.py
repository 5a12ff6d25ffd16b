"""Untrusted note text: Markdown renders, but no raw HTML, script URL or event attribute reaches
the page. Rendered with the site's own Markdown configuration (mkdocs.yml)."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from litkb.emit.pages.common import link_text
from litkb.emit.pages.safe import fence, find_unsafe_html, md_cell, md_text, mermaid_label

ALLOWED_TAGS = {"p", "ul", "li", "em", "strong", "code", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "span", "div", "pre", "br", "hr"}
ALLOWED_ATTRS = {"href", "src", "alt", "title", "class", "id"}


@cache
def site_markdown() -> markdown.Markdown:
    """A Markdown converter with exactly the extensions mkdocs.yml configures."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def render(source: str) -> str:
    md = site_markdown()
    md.reset()
    return md.convert(source)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    assert find_unsafe_html(html) == [], html
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        assert {name for name, _ in attrs} <= ALLOWED_ATTRS, (tag, attrs, html)


HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[click](javascript:window.__pwned=1)",
    "[click]( JaVaScRiPt:window.__pwned=1 )",
    "[d](data:text/html;base64,PHNjcmlwdD4=)",
    "![i](javascript:window.__pwned=1)",
    "[x](<javascript:window.__pwned=1>)",
    "[x]: javascript:window.__pwned=1",
    "\\`<script>x</script>`",
    "`<b>` and \\`a `<script>`",
    "[x](`a`javascript:alert(1))",
    "``` mermaid\nclick A call alert()\n```",
    "??? note\n    <script>x</script>",
    "!!! danger\n    <script>x</script>",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    "&lt;script&gt; &#106;avascript:alert(1)",
    "{: onclick=\"alert(1)\" }",
    "<svg onload=alert(1)>",
    "</div><script>alert(1)</script>",
    "<!-- comment --><style>body{}</style>",
]


def test_hostile_samples_are_inert_in_every_context() -> None:
    for text in HOSTILE:
        assert_inert(render(md_text(text)))
        assert_inert(render(f"> {md_text(text)}"))
        assert_inert(render(f"*{md_text(text)}* · {md_text(text)}"))
        assert_inert(render(f"| a | b |\n| --- | --- |\n| {md_cell(text)} | {md_cell(text)} |"))
        assert_inert(render(f"[{link_text(text)}](x.md) and [{link_text(text)}](y.md)"))


def test_texts_sharing_a_line_cannot_pair_their_backticks() -> None:
    # A stray backtick in one text must not open a code span that swallows the start of the
    # next text's code span, which would leave that span's content as raw HTML.
    first, second = "p. 1`", "`<img src=x onerror=alert(1)>`"
    assert_inert(render(f"*{md_text(first)}* · {md_text(second)}"))
    assert_inert(render(f"| {md_cell(first)} | {md_cell(second)} |\n| --- | --- |\n| {md_cell(first)} | {md_cell(second)} |"))
    escaped_backtick = "a \\`b"
    assert_inert(render(f"{md_text(escaped_backtick)} {md_text(second)}"))


def test_markdown_still_renders() -> None:
    html = render(md_text("Leadership *practice* is `stretched` over [people](https://example.org/a?b=1&c=2)."))
    assert "<em>practice</em>" in html
    assert "<code>stretched</code>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">people</a>' in html


def test_escaped_text_reads_as_written() -> None:
    html = render(md_text("<script>x</script> & 1 < 2"))
    assert "&lt;script&gt;x&lt;/script&gt; &amp; 1 &lt; 2" in html


def test_unsafe_targets_become_fragments() -> None:
    assert md_text("[a](javascript:x)") == "\\[a](#unsafe:javascript:x)"
    assert "[a](https://example.org)" in md_text("see [a](https://example.org)")
    assert 'href="#unsafe:data:x"' in render(md_text("see [a](data:x)"))


def test_text_never_opens_a_block() -> None:
    for text, tag in [("# heading", "<h1"), ("> quote", "<blockquote"), ("- item", "<li"), ("1. item", "<ol"), ("??? note", "<details"), ("!!! note", "admonition"), ("---", "<hr")]:
        assert tag not in render(md_text(text)), text


def test_cells_escape_pipes() -> None:
    html = render(f"| a | b |\n| --- | --- |\n| {md_cell('x | y')} | z |")
    assert "<td>x | y</td>" in html


def test_fence_cannot_be_closed_by_its_content() -> None:
    block = fence("a\n```\n<script>x</script>\n````", "bibtex")
    assert block.startswith("`````bibtex\n")
    html = render(block)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_mermaid_labels_keep_only_plain_characters() -> None:
    assert mermaid_label('Catch 22 <img src=x onerror="a()"> & "friends"') == "Catch 22  img src x onerror  a()   and  friends"
    assert mermaid_label("]]]") == "?"


def test_tripwire_finds_live_code() -> None:
    found = find_unsafe_html('<p onclick="x()"><script></script><a href=" java\tscript:x">a</a><img src="data:x"><a href="#unsafe:javascript:x">ok</a></p>')
    assert found == [
        "event attribute onclick on <p>",
        "<script> element",
        "href=' java\\tscript:x' on <a>",
        "src='data:x' on <img>",
    ]


TOKENS = ["<", ">", "/", "script", "img", " src=x", " onerror=", "`", "``", "\\", "[", "]", "(", ")", "![", "](", "javascript:", "JaVaScRiPt:",
          "data:", "!", "|", " ", "\n", "*", "_", "&", "#", ";", "\"", "'", ":", "?", "~", "=", "x", "1.", "{", "}", "-", ">", "&lt;", "&#106;", "<a href=",
          "`<img src=x onerror=a()>`", "`<script>`", "x`", "\\`"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join), st.lists(st.sampled_from(TOKENS), max_size=12).map("".join))
def test_any_token_soup_is_inert(first: str, second: str) -> None:
    assert_inert(render(md_text(first)))
    assert_inert(render(f"{md_text(first)} · *{md_text(second)}* · {md_text(second)}"))
    assert_inert(render(f"| a | b |\n| --- | --- |\n| {md_cell(first)} | {md_cell(second)} |"))
    assert_inert(render(f"[{link_text(first)}](x.md), [{link_text(second)}](y.md)"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_inert(text: str) -> None:
    assert_inert(render(md_text(text)))
