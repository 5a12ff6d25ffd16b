"""The content tripwire's fast path (litkb.emit.pages.safe._plainly_safe) gives the parser's
verdict: on any markup, ``find_unsafe_html`` returns exactly what Python's parser finds, and plain
pages of the real site take the fast path."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from litkb.emit.pages import safe
from litkb.emit.pages.safe import find_unsafe_html


def parser_findings(rendered: str) -> list[str]:
    """What the scanner finds reading the whole text with Python's parser (no fast path)."""
    scanner = safe._Scanner()
    scanner.feed(rendered)
    scanner.close()
    return scanner.found


# Pieces of markup that are safe, unsafe, or plain only in one context, and pieces that break
# the strict form (loose "<", comments, unquoted or ">"-holding values, odd spaces and names).
PIECES = [
    "<p>", "</p>", "text ", "&amp; ", "&lt;script&gt;", "<div class=\"claim\">", "</div>", "<br/>", "<br />", "<hr>",
    "<a href=\"../sources/x/\">", "<a href='#k'>", "</a>", "<a href=\"https://example.org\">", "<A HREF=\"javascript:x\">",
    "<a href=\"java&#115;cript:x\">", "<a href=\"#unsafe:javascript:x\">", "<img src=\"https://tracker.example/a.png\">",
    "<img src=\"cover.png\">", "<p onclick=\"x()\">", "<p ONCLICK='x'>", "<p style=\"color:red\">", "<p style=\"background:url(x)\">",
    "<svg viewBox=\"0 0 1 1\">", "<SVG>", "<svg/>", "</svg>", "</SVG >", "<g>", "</g>", "<rect x=\"1\"/>", "<image href=\"x\">",
    "<use href=\"#a\"/>", "<a href=\"https://example.org\"/>", "<text fill=\"red\">", "<foreignObject>",
    "<script>", "</script>", "<style>", "<textarea>", "</textarea>", "<title>", "</title>", "<template>", "<iframe>", "<noscript>",
    "<!-- c -->", "<!--><script>", "<![CDATA[x]]>", "<!doctype html>", "<?pi?>", "<", ">", "< p>", "<p<", "<a title=\"x>y\" onclick=\"z\">",
    "<a href=x onclick=y>", "<p\x0bonclick=\"x\">", "<p\xa0onclick=\"x\">", "<p/onclick=\"x\">", "<my-el onclick=\"x\">",
    "<a\nhref\n=\n\"https://example.org\"\n>", "<p class=\"a\" class='b'>", "<input disabled>", "<p title=\"\">", "<a href=\"\">",
    "</p x>", "</ p>", "<p/ >", "\n", " ",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_any_markup_gets_the_parsers_verdict(markup: str) -> None:
    assert find_unsafe_html(markup) == parser_findings(markup)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/=\"' \n\tapsvgcrit:&#;onx", max_size=60))
def test_any_character_soup_gets_the_parsers_verdict(markup: str) -> None:
    assert find_unsafe_html(markup) == parser_findings(markup)


def test_a_tag_is_judged_in_its_picture_context() -> None:
    # The same link is safe in the text and refused inside an SVG picture (it leaves the site),
    # in either order, so the remembered verdicts must be kept apart by context.
    link = '<a href="https://example.org/">x</a>'
    assert find_unsafe_html(link) == []
    inside = f"<svg>{link}</svg>{link}"
    assert find_unsafe_html(inside) == parser_findings(inside) != []
    after = f"<svg></svg>{link}<svg/>{link}"
    assert find_unsafe_html(after) == parser_findings(after) == []


def test_unsafe_and_unusual_markup_is_read_by_the_parser() -> None:
    for markup in ["<p>ok</p><!-- <script> -->", "<textarea><script>x</script></textarea>", '<a title="x>y" onclick="z">',
                   '<p\x0bonclick="x">', "<img src=https://tracker.example/a.png>", '<a href="java&#115;cript:x">a</a>']:
        assert not safe._plainly_safe(markup), markup
        assert find_unsafe_html(markup) == parser_findings(markup), markup


def test_the_real_sites_pages_take_the_fast_path(real_site: Path) -> None:
    # The fast path must carry the load it was made for: the content of ordinary pages.
    plain = 0
    pages = sorted((real_site / "sources").rglob("index.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        content = text[text.index("<article") : text.index("</article>")]
        content = content[content.index(">") + 1 :]
        assert find_unsafe_html(content) == parser_findings(content) == [], page
        plain += safe._plainly_safe(content)
    assert plain == len(pages)
