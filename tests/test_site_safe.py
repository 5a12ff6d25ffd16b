"""Untrusted note text: Markdown renders, but no raw HTML, script URL or event attribute reaches
the page. Rendered with the site's own Markdown configuration (mkdocs.yml)."""

from __future__ import annotations

import html as html_module
import re
from functools import cache
from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from litkb.emit.pages.common import link_text, table_cell
from litkb.emit.pages.html import bibtex_html
from litkb.emit.pages.safe import find_unsafe_html, html_text, md_cell, md_text

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


def test_a_bibtex_entry_is_text_in_its_block_whatever_it_holds() -> None:
    entry = '@misc{x,\n  note = {</code></pre></div><script>x()</script> ``` [a](javascript:x) data-search-exclude},\n\n  title = {*not em*}\n}'
    block = bibtex_html(entry + "\n\n")
    assert block.startswith('<div class="highlight"><pre><span></span><code>') and block.endswith("</code></pre></div>")
    assert find_unsafe_html(block) == []
    assert "<script>" not in block and block.count("</pre>") == 1 and "data-search-exclude" not in block
    # The entry's text is all there, as text (a blank line inside the entry included).
    assert html_module.unescape(re.sub(r"<[^>]+>", "", block)) == entry + "\n"
    # Markdown leaves the block alone (a reader of the pages without the build's marks).
    assert render(f'<div class="kb-bibtex">{block}</div>').count("<em>") == 0


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


# -- images, remote fetches and table cells -------------------------------------------------------
class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


REMOTE = [
    "![cover](https://tracker.example/a.png)",
    "![cover]( //tracker.example/a.png )",
    "![cover](<https://tracker.example/a.png>)",
    "![a [nested] alt](https://tracker.example/a.png)",
    "![x](\\\\tracker.example\\a.png)",
    "![x](/\\tracker.example/a.png)",
    '![x](https://tracker.example/a.png "title")',
    "[![badge](https://tracker.example/b.svg)](https://example.org)",
    "![local](cover.png)",
    "<img src=https://tracker.example/a.png> <img srcset='https://tracker.example/a.png 2x'>",
    "<https://tracker.example/a.png> and https://tracker.example/a.png as they are",
    "<p style=\"background:url(https://tracker.example/a.png)\">x</p>",
]


def test_no_text_makes_the_browser_fetch_anything() -> None:
    # The site promises that reading it asks no other host for anything: an image in note text
    # is shown as "!" and a link to it (which the reader may follow); raw HTML stays text.
    for text in REMOTE:
        for html in (render(md_text(text)), render(f"| a |\n| --- |\n| {md_cell(text)} |"), render(f"[{link_text(text)}](x.md)")):
            fetching = [(tag, attrs) for tag, attrs in elements(html) if tag not in ("a",) and set(attrs) & {"src", "srcset", "style", "background", "poster"}]
            assert fetching == [], (text, html)
            assert find_unsafe_html(html) == [], (text, html)
    assert render(md_text("![cover](https://example.org/a.png)")) == '<p>!<a href="https://example.org/a.png">cover</a></p>'
    assert render(md_text("see https://example.org/a.png")) == "<p>see https://example.org/a.png</p>"  # raw URLs stay text


def test_tripwire_flags_outside_fetches() -> None:
    found = find_unsafe_html('<img src="https://t.example/a.png"><img srcset="a.png 1x, //t.example/b.png 2x"><a href="https://example.org">ok</a><img src="local.png">')
    assert found == ["src='https://t.example/a.png' on <img> fetches from another host", "srcset='a.png 1x, //t.example/b.png 2x' on <img> fetches from another host"]


def _cells(html: str) -> list[int]:
    """The number of cells in each row of the first table of ``html``."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [len(re.findall(r"<t[hd][ >]", row)) for row in rows]


CELL_HOSTILE = [
    "a | [x](javascript:alert(1)) | b",
    "`a|b` | [x](javascript:alert(1))",
    "`a\\|b` `<img src=x onerror=alert(1)>`",
    "x\\``y` | `<img src=x onerror=alert(1)>`",
    "`x\\` | `<img src=x onerror=alert(1)>`",
    "``a`|`b`` | `<script>alert(1)</script>`",
    "\\| [x](javascript:alert(1)) \\\\| y",
    # Backslash-backtick inside a span, which the row scanner reads as an escaped run.
    "`\\``\\|x` `<img src=x onerror=alert(1)>`",
]


def test_no_value_splits_a_table_cell() -> None:
    # Python-Markdown splits a row into cells with its own backtick pairing, before it reads code
    # spans: whatever a value holds, each row keeps its cells and nothing in them is live.
    for text in CELL_HOSTILE:
        for other in ("plain", "`code`", "x`", *CELL_HOSTILE):
            row = f"| {md_cell(text)} | {md_cell(other)} | [{link_text(text)}](x.md) | {html_text(text)} |"
            html = render(f"| a | b | c | d |\n| --- | --- | --- | --- |\n{row}")
            assert _cells(html) == [4, 4], (text, other, html)
            assert_inert(html)


def test_html_text_is_inert_to_markdown_in_a_cell() -> None:
    value = "a | [x](javascript:alert(1)) `b` \\ c"
    html = render(f'| a | b |\n| --- | --- |\n| <span title="{html_text(value)}">0</span> | z |')
    assert _cells(html) == [2, 2]
    assert f'title="{value}"' in html_module.unescape(html)  # the browser shows the value as written
    assert_inert(html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join), st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_any_token_soup_keeps_table_cells(first: str, second: str) -> None:
    html = render(f"| a | b | c |\n| --- | --- | --- |\n| {md_cell(first)} | {md_cell(second)} | [{link_text(first)}](x.md) |")
    assert _cells(html) == [3, 3], html
    assert_inert(html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*TOKENS, "\\|", "`a|b`", "`a\\|b`", "`\\`"]), max_size=30).map("".join))
def test_every_pipe_in_a_cell_is_escaped(text: str) -> None:
    # The table scanner splits at a pipe after an even run of backslashes (none included) unless
    # its own backtick pairing puts the pipe in a code span. Text for a cell has no such pipe at
    # all, so no pairing can split it; code spans that would hold one are shown as plain text.
    for cell in (md_cell(text), table_cell(f"[{link_text(text)}](x.md)")):
        for match in re.finditer(r"(\\*)\|", cell):
            assert len(match.group(1)) % 2 == 1, (text, cell)


def test_tripwire_sees_what_python_and_browsers_parse_differently() -> None:
    # Python's parser ends a comment at "-->" and a marked section at "]]>"; a browser ends
    # "<!-->" at once and a CDATA section in HTML at the first ">", so the script would run.
    assert find_unsafe_html("<!--><script>alert(1)</script><!-- -->") != []
    assert find_unsafe_html("<![CDATA[><script>alert(1)</script>]]>") != []
    assert find_unsafe_html("<template><script>alert(1)</script></template>") != []
