"""HTML written directly for the generated pages' repeated blocks: claim cards, lists and tables of
links, the facts of a first screen.

Why: Python-Markdown spent about four fifths of a large site's build in its inline pass over text
the generator itself had written (links between pages, counts, badges) inside ``markdown`` blocks.
A block written as HTML (a block-level tag at the start of a line, no ``markdown`` attribute) is
passed through whole, so only the text that really is Markdown goes through Python-Markdown: the
inline Markdown of notes and titles (emphasis, code spans, http links), already made safe by
:mod:`.safe`, is rendered by Python-Markdown itself, once per distinct text, and set into the HTML.

Input: untrusted text, page paths of the docs folder. Output: HTML strings for raw HTML blocks.
Links point at the pages' URLs as the browser resolves them (directory URLs,
:func:`.common.page_href`), since MkDocs rewrites links in Markdown only. The tripwires
(:func:`.safe.find_unsafe_html`, :mod:`litkb.site.page_guard`) check the result like any page.
"""

from __future__ import annotations

import html
import re
import secrets
from functools import lru_cache

import markdown
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BibTeXLexer

from .common import EXPLORER_PAGE, SiteData, concept_target, facets_query, link_text, page_href, work_target
from .safe import defuse_search_marker, html_text, md_text

# Text without these characters is the same text after Python-Markdown's inline pass (md_text has
# already turned &, < and > into character references, which start with "&").
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>&!\n]| {2}")
# A neutral word before the text: the text never starts a paragraph, so nothing in it can be read
# as the start of a block (a "1." or "#" where md_text did not defuse the line start).
_LEAD = "a "
_CONVERTER = markdown.Markdown()
# One lexer and one formatter for every BibTeX entry: a ```bibtex fence made pymdownx.highlight
# build a new formatter per block, and Pygments rebuilds its style table in each (about a third
# of the 1.4 ms a source page's entry cost in the build's workers).
_BIBTEX_LEXER = BibTeXLexer()
_BIBTEX_FORMATTER = HtmlFormatter(wrapcode=True)


@lru_cache(maxsize=1 << 17)  # titles and labels recur on many pages; claims on several
def inline_html(text: str) -> str:
    """Safe inline Markdown (the output of :func:`.safe.md_text` or :func:`.common.link_text`)
    -> the HTML Python-Markdown makes of it inside a paragraph, without the paragraph."""
    if not _INLINE_SYNTAX.search(text):
        return text
    _CONVERTER.reset()
    converted = str(_CONVERTER.convert(_LEAD + text))
    head, tail = f"<p>{_LEAD}", "</p>"
    if converted.startswith(head) and converted.endswith(tail) and "\n" not in converted:
        return converted[len(head) : -len(tail)]
    # Not one paragraph (cannot happen for md_text's one line): shown as plain text.
    return html_text(text)


def text_html(untrusted: str, *, line_start: bool = False) -> str:
    """Untrusted note or BibTeX text -> HTML, its inline Markdown rendered (see :func:`.safe.md_text`)."""
    return inline_html(md_text(untrusted, line_start=line_start))


def page_link(label: str, from_path: str, to_path: str, anchor: str = "", query: str = "") -> str:
    """``<a href="../../concepts/x/">label</a>``: a link from one generated page to another."""
    href = page_href(from_path, to_path) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")
    return f'<a href="{html.escape(href, quote=True)}">{inline_html(link_text(label))}</a>'


def explorer_link(label: str, from_path: str, **facets: str) -> str:
    """A link to the explorer with its filters set (``label``: our own plain text)."""
    return page_link(label, from_path, EXPLORER_PAGE, query=facets_query(**facets))


def anchor_link(label: str, anchor: str) -> str:
    """A link to an anchor of the same page (``label`` is our own plain text)."""
    return f'<a href="#{html.escape(anchor, quote=True)}">{html_text(label)}</a>'


def source_html(site: SiteData, from_path: str, key: str, anchor: str = "") -> str:
    """A work's label linked to its page; its key as text when it is outside the library."""
    target = work_target(site, key)
    return text_html(key) if target is None else page_link(target[0], from_path, target[1], anchor)


def concept_html(site: SiteData, from_path: str, concept_id: str) -> str:
    """A concept's label linked to its page; its id as text when it is outside the vocabulary."""
    target = concept_target(site, concept_id)
    return text_html(concept_id) if target is None else page_link(target[0], from_path, target[1])


def bibtex_html(raw_bibtex: str) -> str:
    """A BibTeX entry as the site highlighted a ```bibtex fence (Pygments' classes in
    ``<div class="highlight"><pre><code>``, which the theme colours and gives a copy
    button), minus the line anchors: nobody links to a line of an entry. Pygments escapes the text."""
    return defuse_search_marker(highlight(raw_bibtex.rstrip(), _BIBTEX_LEXER, _BIBTEX_FORMATTER).rstrip("\n"))


def bullet_list(items: list[str], attributes: str = "") -> list[str]:
    """HTML list items -> the lines of a ``<ul>`` block (as Markdown writes a tight list)."""
    return [f"<ul{attributes}>", *(f"<li>{item}</li>" for item in items), "</ul>"]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Cells (HTML) -> the lines of a ``<table>`` block, as Markdown's tables extension writes one."""
    lines = ["<table>", "<thead>", "<tr>", *(f"<th>{cell}</th>" for cell in header), "</tr>", "</thead>", "<tbody>"]
    for row in rows:
        lines += ["<tr>", *(f"<td>{cell}</td>" for cell in row), "</tr>"]
    return [*lines, "</tbody>", "</table>"]


# -- blocks set aside while Markdown converts the rest ------------------------------------------
# Python-Markdown still reads a raw HTML block through an HTML parser (md_in_html's, and MkDocs'
# own for anchors): about two fifths of a worker's time in a large site. The largest blocks are
# therefore marked (:func:`marked`); a caller converting the page with Markdown may replace each
# by a placeholder first and put it back after (:func:`set_aside`, :func:`put_back`). Every other
# caller gets the pages without the marks (:func:`unmarked`). The marks carry a token drawn at
# random per process, so no text of a note or entry can forge one; they never reach a written page.
_TOKEN = secrets.token_hex(8)
BLOCK_BEGIN = f"<!--kb-html-begin-{_TOKEN}-->"
BLOCK_END = f"<!--kb-html-end-{_TOKEN}-->"
_MARK_LINE = re.compile(rf"^(?:{re.escape(BLOCK_BEGIN)}|{re.escape(BLOCK_END)})\n", re.M)
_MARKED = re.compile(rf"^{re.escape(BLOCK_BEGIN)}\n(.*?)\n{re.escape(BLOCK_END)}$", re.M | re.S)
_PLACEHOLDER = re.compile(rf"<!--kb-html-(\d+)-{_TOKEN}-->")
_ID = re.compile(r'\sid="([^"]*)"')


def marked(lines: list[str]) -> list[str]:
    """The lines of one HTML block (not inside another marked one), marked for :func:`set_aside`."""
    return [BLOCK_BEGIN, *lines, BLOCK_END]


def unmarked(text: str) -> str:
    """A page without the marks: the Markdown every reader of pages but the site build gets."""
    return _MARK_LINE.sub("", text) if BLOCK_BEGIN in text else text


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """Markdown with marked blocks -> the same with each block replaced by a placeholder comment,
    and the blocks (in placeholder order)."""
    blocks: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        blocks.append(match.group(1))
        return f"<!--kb-html-{len(blocks) - 1}-{_TOKEN}-->"

    return (_MARKED.sub(placeholder, markdown), blocks) if BLOCK_BEGIN in markdown else (markdown, blocks)


def put_back(converted: str, blocks: list[str]) -> tuple[str, set[str]]:
    """Converted HTML with placeholders -> the HTML with the blocks in their places, and the ids
    the blocks carry (anchors other pages may link to). A placeholder Markdown did not keep
    leaves its block out: :class:`ValueError` names how many."""
    if not blocks:
        return converted, set()
    found: set[int] = set()

    def block(match: re.Match[str]) -> str:
        found.add(int(match.group(1)))
        return blocks[int(match.group(1))]

    restored = _PLACEHOLDER.sub(block, converted)
    if len(found) != len(blocks):
        raise ValueError(f"{len(blocks) - len(found)} of {len(blocks)} HTML blocks lost in the Markdown conversion")
    return restored, {html.unescape(ident) for text in blocks for ident in _ID.findall(text)}
