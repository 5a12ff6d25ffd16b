"""Markdown safety: untrusted note and BibTeX text -> Markdown that renders but never runs.

Notes arrive by pull request, so their text is untrusted. Input: a plain string from the model.
Output: Markdown whose inline formatting (emphasis, code, http links) still renders, but in which
raw HTML is escaped, link targets with a script-capable scheme are defused, images are shown as
links (an image would make every reader's browser ask its host for it), nothing can start a block
(fence, table, reference definition, admonition) and, in a table cell, nothing can split the cell.
A last check, :func:`find_unsafe_html`, runs over the rendered HTML of every page as a tripwire for
bugs in this module (:mod:`litkb.site.page_guard` adds the theme's part of each page).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

# Schemes a reader may follow from note text; everything else ("javascript:", "data:", "vbscript:",
# "file:" ...) gets the prefix "#unsafe:", which turns the whole target into a fragment of the
# current page: a link goes nowhere and an image asks for nothing (an unknown scheme such as
# "unsafe:" alone would still make the browser log a failed request).
UNSAFE_PREFIX = "#unsafe:"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Code spans as Markdown finds them (Python-Markdown's BACKTICK_RE), restricted to openers that
# are a whole run of backticks: Markdown tries the longest run first, so an opener that is part of
# a longer run could pair differently once other text shares the line. Outside these spans every
# backslash is doubled and every other backtick escaped, so no backtick outside them can open a
# span and each text's spans close inside it, whatever text stands next to it on the line
# (callers never put a backtick directly before or after a text).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINK_OPEN = re.compile(r"\]\(\s*")
_SCHEME = re.compile(r"^(?:&lt;)?\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
# Characters that could make one line of text a block construct (heading, quote, list, rule,
# admonition, details, fence, reference definition, table) if it started a line. Markdown
# backslash-escapes the first set; the others get an invisible zero-width space in front (a
# backslash before a backtick would change which code spans Markdown sees).
_BACKSLASHABLE = frozenset("*_{}[]()>#+-.!")
_OTHER_BLOCK_START = frozenset("=?:|~`")
# A table row is split into cells before Markdown sees code spans, by a scanner of its own
# (Python-Markdown's tables extension): it pairs backtick runs across the whole row and reads
# backslash-backtick as an escaped run. Inside a code span Markdown keeps backslashes and pipes as
# they are, so a span holding a pipe, a backtick or a backslash could be paired differently by the
# two and a pipe in it split the cell, leaving the rest of the span (raw, unescaped text) outside
# any code span. In text for cells such spans are therefore escaped like the text around them.
_CELL_UNSAFE_CODE = re.compile(r"[|`\\]")
# Python-Markdown's link, image and reference processors scan from every "[" to its matching "]"
# (and from a link's "(" to its matching ")") a character at a time, so text with many unmatched or
# nested brackets costs the square of its length, once per processor and once per page showing it
# (a 10,000-character summary of "![": 32 s to render; three 4,000-character claims of "[", each
# on many concept-page rows: 92 s). Markdown is left only the brackets of plain inline links,
# "[text](target)" with no bracket in the text and no space (but one at either end: md_text
# collapses whitespace), quote, bracket or unbalanced parenthesis in the target, which it scans
# once each; every other bracket is escaped, and shows the same.
_INLINE_LINK = re.compile(r"\[[^\[\]]*\]\( ?(?:[^()\s'\"\[\]]|\([^()\s'\"\[\]]*\))* ?\)")
_BRACKETS = str.maketrans({"[": "\\[", "]": "\\]"})


@lru_cache(maxsize=65536)  # labels and titles recur on many pages
def md_text(text: str, *, line_start: bool = True, links: bool = True) -> str:
    """Untrusted text -> one line of inline Markdown with no raw HTML and no unsafe links.

    Whitespace (including newlines) is collapsed so the text cannot open a block such as a code
    fence, table or reference definition. Outside code spans, ``&``, ``<`` and ``>`` become
    entities (no tag, entity trick or autolink survives), backslashes are literal and stray
    backticks escaped; code spans are kept as they are (Markdown escapes their content itself).
    Emphasis and http(s)/mailto links still render; an image (``![alt](url)``) becomes the
    text "!" and a link to it. ``line_start=False`` is for text that never starts a line (table
    cells, link texts), where block markers need no defusing but code spans holding a pipe, a
    backtick or a backslash are shown as plain text (see ``_CELL_UNSAFE_CODE``). Brackets other
    than those of an inline link are escaped (see ``_INLINE_LINK``); ``links=False`` escapes all
    of them, for text that is itself the text of a link.
    """
    text = " ".join(_CONTROL.sub("", text).split())
    out: list[str] = []
    pos = 0
    for match in _CODE_SPAN.finditer(text):
        if (not line_start and _CELL_UNSAFE_CODE.search(match.group(2))) or SEARCH_MARKER in match.group(2):
            continue  # shown as plain text (see _CELL_UNSAFE_CODE and defuse_search_marker)
        out.append(_escape_brackets(_escape_plain(text[pos : match.start()]), links))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_brackets(_escape_plain(text[pos:]), links))
    inline = _defuse_links("".join(out))
    return _defuse_line_start(inline) if line_start else inline


def _escape_brackets(text: str, links: bool) -> str:
    """Escaped plain text -> the same with every bracket escaped but those of inline links (of
    none when not ``links``). Linear: each bracket-free stretch is read by one match attempt."""
    if "[" not in text and "]" not in text:
        return text
    if not links:
        return text.translate(_BRACKETS)
    out: list[str] = []
    pos = 0
    for match in _INLINE_LINK.finditer(text):
        out.append(text[pos : match.start()].translate(_BRACKETS))
        out.append(match.group(0))
        pos = match.end()
    out.append(text[pos:].translate(_BRACKETS))
    return "".join(out)


def _escape_plain(text: str) -> str:
    # "![" would start an image: escaping the "!" leaves a link, which the reader may follow.
    escaped = html.escape(text.replace("\\", "\\\\"), quote=False).replace("`", "\\`").replace("![", "\\![")
    return defuse_search_marker(escaped)


# Material's search plugin removes its markers from a page's HTML with a regular expression
# (r'\s?data-search-\w+="[^"]+"', material/plugins/search/plugin.py) that also cuts across tags:
# from a link title ending in "data-search-q=" to the next quote in the text after it, turning that
# text's quotes into attributes of the link (a live onmouseover). Text from notes never carries the
# marker: its hyphen becomes a character reference, which the browser shows alike.
SEARCH_MARKER = "data-search-"


def defuse_search_marker(text: str) -> str:
    """HTML or Markdown text -> the same with "data-search-" written "data&#45;search-"."""
    return text.replace(SEARCH_MARKER, "data&#45;search-") if SEARCH_MARKER in text else text


def _defuse_line_start(text: str) -> str:
    if not text:
        return text
    if text[0] in _BACKSLASHABLE:
        return "\\" + text
    if text[0] in _OTHER_BLOCK_START:
        return "&#8203;" + text
    if text[0].isdigit():
        return _escape_number(text)
    return text


def md_cell(text: str) -> str:
    """Untrusted text for a Markdown table cell: :func:`md_text` with pipes escaped."""
    return md_text(text, line_start=False).replace("|", "\\|")


def _escape_number(text: str) -> str:
    # "1. x" would start an ordered list: escape the delimiter, "1\. x".
    match = re.match(r"^(\d+)([.)])", text)
    return f"{match.group(1)}\\{match.group(2)}{text[match.end():]}" if match else text


def _defuse_links(text: str) -> str:
    """Prefix ``#unsafe:`` to inline link targets whose scheme is not http, https or mailto."""
    out: list[str] = []
    pos = 0
    for match in _LINK_OPEN.finditer(text):
        out.append(text[pos : match.end()])
        pos = match.end()
        scheme = _SCHEME.match(text[pos:])
        # A code span right after "](" would be stashed by Markdown and put back into the URL:
        # treat it as unsafe too rather than guess what it becomes.
        if (scheme and scheme.group(1).lower() not in SAFE_SCHEMES) or text[pos:].startswith("`"):
            out.append(UNSAFE_PREFIX)
    out.append(text[pos:])
    return "".join(out)


# Characters Markdown reads as syntax even inside raw HTML written into a page (code spans,
# backslash escapes, links and images are found before HTML tags; emphasis only after them) or that
# split a table cell; as character references they are inert to Markdown and the same characters
# to the browser.
_HTML_MD_SPECIAL = str.maketrans({c: f"&#{ord(c)};" for c in "\\`[]|"})


def html_text(text: str) -> str:
    """Plain text for inside our own HTML elements and attributes, also in a table cell: HTML
    special characters (quotes too) and Markdown's syntax characters as character references."""
    return defuse_search_marker(html.escape(" ".join(text.split()), quote=True).translate(_HTML_MD_SPECIAL))


# -- tripwire over rendered HTML ------------------------------------------------------------------
_BAD_TAGS = frozenset({"script", "iframe", "object", "embed", "form", "style", "base", "meta", "link", "frame", "frameset", "math", "template", "applet", "portal"})
# The pictures the site draws at build time (litkb.emit.figures) are inline SVG: shapes, text and
# links to other pages of the site, nothing else. No script, style, animation, <use>, <image> or
# <foreignObject> (each can run code or fetch), no event attribute, and only these attributes (as
# Python's parser gives them, lower-cased); a link inside a picture must stay on the site.
SVG_ELEMENTS = frozenset({"svg", "g", "a", "title", "desc", "rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan"})
SVG_ATTRIBUTES = frozenset({
    "xmlns", "viewbox", "width", "height", "class", "role", "aria-label", "aria-hidden", "aria-labelledby", "id", "focusable",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "transform", "dx", "dy",
    "text-anchor", "dominant-baseline", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity",
    "stroke-linecap", "stroke-linejoin",  # presentation only: the line icons Zensical's theme draws
    "font-size", "font-weight", "font-style", "href", "preserveaspectratio", "vector-effect", "data-node", "data-kind",
})
# A value naming something outside the picture: CSS url() references, scripts or other documents.
_SVG_VALUE_UNSAFE = re.compile(r"url\s*\(|javascript|expression\s*\(|@import", re.I)
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset", "ping", "manifest"})
# Attributes whose URL the browser fetches by itself, without the reader clicking anything.
FETCHING_ATTRS = frozenset({"src", "srcset", "poster", "data", "background", "manifest", "ping"})
CSS_FETCH = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(", re.I)
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def is_remote(url: str) -> bool:
    """Whether the browser would fetch ``url`` from another host: an http(s) URL, or a
    protocol-relative one (browsers read backslashes as slashes there: ``\\\\host``, ``/\\host``)."""
    target = "".join(ch for ch in url if ch > " ")
    if target[:2].replace("\\", "/") == "//":
        return True
    scheme = _URL_SCHEME.match(target)
    return scheme is not None and scheme.group(1).lower() in ("http", "https", "ftp")


def unsafe_scheme(url: str) -> bool:
    """Whether ``url`` has a scheme other than http, https and mailto (control characters and
    spaces ignored, as browsers do)."""
    scheme = _URL_SCHEME.match("".join(ch for ch in url if ch > " "))
    return scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES


def url_findings(tag: str, name: str, value: str) -> list[str]:
    """What is wrong with one attribute: a script-capable URL, a fetch from another host, CSS."""
    if name == "style" and CSS_FETCH.search(value):
        return [f"style {value!r} on <{tag}> (CSS can fetch)"]
    if name not in _URL_ATTRS or not value:
        return []
    urls = [c.strip().split(" ")[0] for c in value.split(",")] if name == "srcset" else [value]
    if any(unsafe_scheme(url) for url in urls):
        return [f"{name}={value!r} on <{tag}>"]
    if name in FETCHING_ATTRS and any(is_remote(url) for url in urls):
        return [f"{name}={value!r} on <{tag}> fetches from another host"]
    return []


def svg_findings(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    """What is wrong with one element inside an ``<svg>``: an element or attribute outside the
    pictures' allowlist, a value that reaches outside the picture, a link that leaves the site."""
    if tag not in SVG_ELEMENTS:
        return [f"<{tag}> inside <svg>"]
    found = []
    for name, value in attrs:
        text = value or ""
        if name not in SVG_ATTRIBUTES:
            found.append(f"attribute {name} on <{tag}> inside <svg>")
        elif _SVG_VALUE_UNSAFE.search(text):
            found.append(f"{name}={text!r} on <{tag}> inside <svg> reaches outside the picture")
        elif name == "href" and (is_remote(text) or _URL_SCHEME.match("".join(ch for ch in text if ch > " "))):
            found.append(f"href={text!r} on <{tag}> inside <svg> leaves the site")
    return found


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BAD_TAGS:
            self.found.append(f"<{tag}> element")
        if tag == "svg" or self.svg_depth:
            self.found += svg_findings(tag, attrs)
        if tag == "svg":
            self.svg_depth += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event attribute {name} on <{tag}>")
            else:
                self.found += url_findings(tag, name, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.svg_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1

    def handle_comment(self, data: str) -> None:
        # Browsers also end a comment at "--!>", Python's parser only at "-->": a comment that
        # holds markup could hide a tag from this scanner but not from the browser.
        if "<" in data or "--!" in data:
            self.found.append(f"comment holding markup: {data[:60]!r}")

    def unknown_decl(self, data: str) -> None:
        # "<![CDATA[...]]>": a browser ends it at the first ">" in HTML, Python's parser at "]]>".
        self.found.append(f"marked section <![{data[:40]!r}")


def find_unsafe_html(rendered: str) -> list[str]:
    """Rendered page HTML -> descriptions of live code in it (script-like elements, event
    attributes, script-capable URLs) and of fetches from other hosts (images, CSS). Empty when
    the page is safe."""
    if _plainly_safe(rendered):
        return []
    scanner = _Scanner()
    scanner.feed(rendered)
    scanner.close()
    return scanner.found


# -- the same verdict, faster, for plain markup ---------------------------------------------------
# Python's parser costs a quarter of a large build. Most pages are nothing but text and simple tags
# that recur from page to page. So a page is first split at its tags with one expression; when every
# "<" in it opens a tag of a strict form (letters for names, quoted values without "<" or ">"),
# the parser reads the page as that sequence of tags with text between them, and each distinct tag
# is checked once by the real scanner, in or out of an SVG picture (the scanner's only state).
# Anything else, or any finding, and the whole page goes through the parser as before, so the
# findings and their wording never differ.
_TAG_LIKE = re.compile(r"<[^<>]*>")
_SPACE = "[ \t\n\r\f]"
_STRICT_TAG = re.compile(
    rf"<(?:([a-zA-Z][a-zA-Z0-9]*)(?:{_SPACE}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_SPACE}*={_SPACE}*(?:\"[^\"<>]*\"|'[^'<>]*'))?)*{_SPACE}*/?"
    rf"|/([a-zA-Z][a-zA-Z0-9]*){_SPACE}*)>"
)
_SVG_TAG = re.compile(r"</?svg\b", re.I)
# Elements whose content a browser reads as text rather than tags (inside an SVG picture it reads
# tags: <title> there is the picture's caption), and those Python's parser reads so (its version's
# own lists, anywhere): never plain.
_PARSER_RAW_TEXT = frozenset(getattr(HTMLParser, "CDATA_CONTENT_ELEMENTS", ())) | frozenset(getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()))
_RAW_TEXT = {
    False: _PARSER_RAW_TEXT | {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext", "textarea", "title"},
    True: _PARSER_RAW_TEXT,
}
_TAG_VERDICTS: dict[tuple[bool, str], bool] = {}
_SAFE_OUTSIDE_SVG: set[str] = set()  # the tags found safe outside a picture (a set: one C-level difference per page)
_VERDICT_LIMIT = 100_000


def _tag_is_safe(tag: str, in_svg: bool) -> bool:
    """Whether one tag (``<...>``) has the strict form and, if it opens an element, the real
    scanner finds nothing in it, read in or out of an SVG picture."""
    key = (in_svg, tag)
    verdict = _TAG_VERDICTS.get(key)
    if verdict is None:
        strict = _STRICT_TAG.fullmatch(tag)
        if strict is None or (strict.group(1) or "").lower() in _RAW_TEXT[in_svg]:
            verdict = False
        elif strict.group(2):
            verdict = True  # an end tag: the scanner only counts pictures closed
        else:
            scanner = _Scanner()
            scanner.svg_depth = int(in_svg)
            scanner.feed(tag)
            scanner.close()
            verdict = not scanner.found
        if len(_TAG_VERDICTS) >= _VERDICT_LIMIT:
            _TAG_VERDICTS.clear()
            _SAFE_OUTSIDE_SVG.clear()
        _TAG_VERDICTS[key] = verdict
        if verdict and not in_svg:
            _SAFE_OUTSIDE_SVG.add(tag)
    return verdict


def _plainly_safe(rendered: str) -> bool:
    """Whether ``rendered`` is text and strict tags only, each of which the scanner passes."""
    # A tag-like match holds exactly one "<", its first character, so when the counts agree every
    # "<" opens one of them and the text between them holds none.
    tags = _TAG_LIKE.findall(rendered)
    if len(tags) != rendered.count("<"):
        return False  # a "<" that opens no tag: a loose "<" or a value holding "<"
    if _SVG_TAG.search(rendered) is None:  # no picture: the order does not matter, each tag once
        return all(_tag_is_safe(tag, False) for tag in set(tags).difference(_SAFE_OUTSIDE_SVG))
    svg_depth = 0
    for tag in tags:
        if not _tag_is_safe(tag, svg_depth > 0):
            return False
        if _SVG_TAG.match(tag):  # strict, so "<svg", "<svg/" or "</svg" followed by a space or ">"
            if tag.startswith("</"):
                svg_depth -= svg_depth > 0
            elif not tag.endswith("/>"):
                svg_depth += 1
    return True
