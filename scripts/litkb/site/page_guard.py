"""The tripwire over whole pages: everything MkDocs writes, not only the content we generate.

Text from notes and BibTeX also reaches the parts of a page that the theme writes (the ``<title>``,
the header, the table of contents, meta tags) and the search index, where the theme's templates,
not our escaping, decide what becomes markup. :func:`litkb.site.safe.find_unsafe_html` checks the
content of a page; this module checks the whole page against what the theme itself may put there.

Input: a built page (HTML) with its path in the site, or the search index (JSON text), and the
:class:`ThemeCode` of the build. Output: descriptions of anything live that the theme did not write
(empty when the page is safe), or a cleaned search index. Allowed: scripts loaded from the site's
own JavaScript files (the theme's assets and ``extra_javascript``), inline scripts whose text is
one of the theme templates' ``<script>`` blocks (Jinja expressions matching a plain path), JSON
data blocks, and icons drawn with SVG paths. Refused besides: event attributes, script-capable
URLs, ``<meta http-equiv>``, ``<base>``, frames and plug-ins, style sheets and styles with
``url()``, and anything that would make the browser fetch from another host.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..emit.pages.safe import SEARCH_MARKER, defuse_search_marker, is_remote, svg_findings, url_findings

# Elements that never belong on a page of ours, in the theme's part or in content.
_NEVER = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "style", "math", "template"})
# Inside <svg>, the theme draws icons with paths and our pictures shapes, text and links within the
# site (litkb.emit.pages.safe.svg_findings); anything else there (scripts, animations that set
# attributes, foreignObject, <use>/<image> that fetch) is refused.
# <link rel=...> values that only describe a page (nothing is fetched on load).
_LINK_DESCRIBING = frozenset({"canonical", "alternate", "prev", "next", "author", "license", "me", "search"})
# What Material's search index keeps of a page's markup (its Parser's ``keep`` set).
SEARCH_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LINE_CACHE_LIMIT = 200_000
_VARIANTS = 8  # ways of resolving one block's URLs remembered (pages at different depths)
# Where the theme's blocks start (a new line opening one of these elements): the page is scanned a
# block at a time so that the blocks every page repeats are scanned once.
_CHUNK = re.compile(r"(?<=\n)(?=[ \t]*<(?:div|nav|header|footer|main|script|ul|li|form|label|input|a)\b)")


@dataclass(frozen=True)
class _Scanned:
    """A block scanned from a neutral state: the local URLs it resolved (and what they named),
    its findings and the configuration blocks seen after it."""

    lookups: tuple[tuple[str, str | None], ...]
    findings: list[str]
    configs: int


@dataclass(frozen=True)
class ThemeCode:
    """What the theme may put on a page: its local script files (site paths such as
    ``assets/javascripts/bundle.js``) and its inline scripts (patterns over their text)."""

    scripts: frozenset[str]
    inline: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    # (block, configuration blocks seen before) -> that block scanned from a neutral state, once
    # per way its local URLs resolved; the theme repeats most blocks on every page (see
    # find_unsafe_page).
    lines: dict[tuple[str, int], list[_Scanned]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_theme(cls, template_dirs: Iterable[str | Path], scripts: Iterable[str]) -> ThemeCode:
        """Read every ``<script>`` block of the theme's templates (``config.theme.dirs``): the
        literal text must match exactly; each Jinja expression may stand for a plain path such as
        ``../..`` (the only values Material puts into its inline scripts)."""
        patterns: dict[str, re.Pattern[str]] = {}
        for folder in template_dirs:
            for template in sorted(Path(folder).rglob("*.html")):
                for block in _TEMPLATE_SCRIPT.findall(template.read_text(encoding="utf-8")):
                    literal = _JINJA.split(block.strip())
                    source = r"[\w./:\-]*".join(re.escape(part) for part in literal)
                    patterns.setdefault(source, re.compile(source))
        return cls(frozenset(scripts), tuple(patterns.values()))

    def known_inline(self, text: str) -> bool:
        return any(pattern.fullmatch(text.strip()) for pattern in self.inline)


def _site_path(page_path: str, url: str) -> str | None:
    """The site path a local URL names (``../../assets/x.js`` from ``concepts/a/index.html`` ->
    ``assets/x.js``), or None for a URL that leaves the site or is not a plain path."""
    if "\\" in url or any(ch <= " " for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if parts.path.startswith("/"):
        return parts.path.lstrip("/")  # 404.html names assets from the site root
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), parts.path))
    return None if joined.startswith("../") or joined == ".." else joined


def _script_known(site_path: str | None, scripts: frozenset[str]) -> bool:
    # An absolute path carries the site's own prefix when the site is not at the root of its host.
    return site_path is not None and any(site_path == s or site_path.endswith("/" + s) for s in scripts)


class _PageScanner(HTMLParser):
    def __init__(self, page_path: str, theme: ThemeCode) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.theme = theme
        self.found: list[str] = []
        self.svg_depth = 0
        self.script: list[str] | None = None  # text of the inline script being read
        self.data_id: str | None = None  # id of the JSON data block being read
        self.configs = 0  # Material's configuration blocks seen
        # The local URLs resolved against the page's path, with what they named: the only way the
        # page's path enters the findings (find_unsafe_page shares blocks across folders by them).
        self.lookups: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _NEVER:
            self.found.append(f"<{tag}> element")
        if self.svg_depth or tag == "svg":
            self.found += svg_findings(tag, attrs)
        if tag == "svg":
            self.svg_depth += 1
        if tag == "meta" and "http-equiv" in values:
            self.found.append(f"<meta http-equiv={values['http-equiv']!r}>")
        if tag == "script":
            self._script_start(values)
        if tag == "link" and is_remote(values.get("href", "")) and not set(values.get("rel", "").lower().split()) <= _LINK_DESCRIBING:
            self.found.append(f"<link rel={values.get('rel', '')!r}> loads {values['href']!r} from another host")
        for name, value in values.items():
            self._check_attribute(tag, name, value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.svg_depth -= 1

    def _resolve(self, url: str) -> str | None:
        site = _site_path(self.page_path, url)
        self.lookups.append((url, site))
        return site

    def neutral(self) -> bool:
        """Nothing open or held back: what follows is read as from the start of a document."""
        return not self.rawdata and self.cdata_elem is None and self.script is None and not self.svg_depth

    def _script_start(self, values: dict[str, str]) -> None:
        if "src" in values:
            if not _script_known(self._resolve(values["src"]), self.theme.scripts):
                self.found.append(f"<script src={values['src']!r}> is not one of the site's own scripts")
            return
        if values.get("type", "").strip().lower() == "application/json":
            self.data_id = values.get("id", "")  # never run, but read by the theme's script
        self.script = []

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.found.append(f"event attribute {name} on <{tag}>")
        elif name in ("action", "formaction"):
            self.found.append(f"{name}={value!r} on <{tag}> (the theme's forms submit nowhere)")
        else:
            self.found += url_findings(tag, name, value)

    def handle_comment(self, data: str) -> None:
        # Browsers also end a comment at "--!>", Python's parser only at "-->": a comment that
        # holds markup could hide a tag from this scanner but not from the browser.
        if "<" in data or "--!" in data:
            self.found.append(f"comment holding markup: {data[:60]!r}")

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1
        if tag == "script" and self.script is not None:
            text = "".join(self.script)
            self.script = None
            if self.data_id is not None:
                self._data_block(self.data_id, text)
                self.data_id = None
            elif text.strip() and not self.theme.known_inline(text):
                self.found.append(f"inline <script> not written by the theme: {text.strip()[:60]!r}")

    def _data_block(self, block_id: str, text: str) -> None:
        """Material's configuration (``<script id="__config" type="application/json">``), read by
        its bundle with ``querySelector``: one per page, JSON, and the search worker it names
        must be one of the site's own scripts (a worker could be started from a data: URL)."""
        if block_id != "__config":
            self.found.append(f"JSON block {block_id!r} not written by the theme")
            return
        self.configs += 1
        if self.configs > 1:
            self.found.append("a second Material configuration block")
        try:
            config = json.loads(text)
        except ValueError:
            self.found.append("Material's configuration block is not JSON")
            return
        worker = config.get("search") if isinstance(config, dict) else None
        if worker is not None and not (isinstance(worker, str) and _script_known(self._resolve(worker), self.theme.scripts)):
            self.found.append(f"Material's configuration names a search worker that is not the site's: {worker!r}")

    def unknown_decl(self, data: str) -> None:
        # "<![CDATA[...]]>": a browser ends it at the first ">" in HTML, Python's parser at "]]>".
        self.found.append(f"marked section <![{data[:40]!r}")


def find_unsafe_page(rendered: str, page_path: str, theme: ThemeCode) -> list[str]:
    """A whole built page (``page_path``: its path in the site, e.g. ``concepts/x/index.html``)
    -> descriptions of live code or outside requests the theme did not write. Empty when safe.

    Scanned a block at a time (:data:`_CHUNK`). A block read from a neutral state (no tag,
    comment, script or SVG open, nothing held back) that leaves the state neutral always gives the
    same findings and the same count of configuration blocks, given the count before it and how
    its local URLs resolve against the page's path (the only way the path enters the scan), so
    those are remembered per theme: most blocks of a page are the theme's and recur on every page,
    in every folder of one depth.
    """
    scanner = _PageScanner(page_path, theme)
    if len(theme.lines) > _LINE_CACHE_LIMIT:
        theme.lines.clear()
    for block in _CHUNK.split(rendered):
        neutral = scanner.neutral()
        key = (block, scanner.configs)  # a configuration block's findings depend on those before it
        known = theme.lines.get(key, []) if neutral else []
        hit = next((k for k in known if all(_site_path(page_path, url) == site for url, site in k.lookups)), None)
        if hit is not None:
            scanner.found += hit.findings
            scanner.configs = hit.configs
            continue
        before, looked = len(scanner.found), len(scanner.lookups)
        scanner.feed(block)
        if neutral and scanner.neutral() and len(known) < _VARIANTS:
            theme.lines.setdefault(key, []).append(_Scanned(tuple(scanner.lookups[looked:]), scanner.found[before:], scanner.configs))
    scanner.close()
    if scanner.script is not None:
        scanner.found.append("unterminated inline <script>")
    return scanner.found


# Material's search plugin removes its markers from page.content before the page is rendered, with
# this very expression (material/plugins/search/plugin.py, on_page_context); see
# litkb.site.safe.defuse_search_marker for what it does to text from notes.
MATERIAL_SEARCH_MARKER = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")
# The one marker our pages carry, as Markdown writes it (md_in_html).
OUR_SEARCH_MARKER = ' data-search-exclude="data-search-exclude"'


def defuse_search_markers(content: str) -> str:
    """Rendered content -> the same, in which only our own ``data-search-exclude`` attributes
    still read as Material's markers (the Markdown of generated pages already has no other; this
    also covers what reaches a page some other way)."""
    if SEARCH_MARKER not in content:
        return content
    return OUR_SEARCH_MARKER.join(defuse_search_marker(part) for part in content.split(OUR_SEARCH_MARKER))


def page_title_html(title: str) -> str:
    """A page title as MkDocs gives it (HTML: tags stripped, entities kept) -> the same text as
    HTML-escaped plain text, which no later ``striptags`` or ``unescape`` can turn into markup."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", title))
    return html.escape(" ".join(plain.split()), quote=True)


WITHHELD_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page withheld</title></head>
<body><h1>Page withheld</h1><p>This page was not published: the build found live code or a request
to another site in it (see the build's warnings). The text that caused it comes from a note or
from references.bib; <code>kb check</code> and the build log name it.</p></body></html>
"""

# -- the search index -----------------------------------------------------------------------------


class _SearchField(HTMLParser):
    """Re-writes one field of the search index keeping only :data:`SEARCH_TAGS`, without
    attributes, and every text escaped; records what else was there."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SEARCH_TAGS or attrs:
            self.found.append(f"<{tag}{' ' if attrs else ''}{' '.join(name for name, _ in attrs)}>")
            return
        self.out.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in SEARCH_TAGS:
            self.out.append(f"</{tag}>")
        else:
            self.found.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.found.append("<!-- comment -->")

    def unknown_decl(self, data: str) -> None:
        self.found.append("<![...]> declaration")


def _clean_field(value: str) -> tuple[str, list[str]]:
    parser = _SearchField()
    parser.feed(value)
    parser.close()
    return "".join(parser.out), parser.found


def check_search_index(text: str) -> tuple[str, list[str]]:
    """The search index Material wrote (JSON text) -> (index to publish, findings).

    Material's client shows each entry's ``title`` and ``text`` as HTML and follows its
    ``location``. With no findings the text comes back unchanged; otherwise every title and text
    is rewritten to :data:`SEARCH_TAGS` and escaped text, and an entry whose location is not a
    path inside the site points at the site's home page instead.
    """
    data: dict[str, Any] = json.loads(text)
    found: list[str] = []
    docs = data.get("docs", [])
    cleaned: list[dict[str, Any]] = []
    for doc in docs:
        entry = dict(doc)
        where = str(doc.get("location", ""))
        for name in ("title", "text"):
            value, problems = _clean_field(str(doc.get(name, "")))
            entry[name] = value
            found += [f"search entry {where!r} {name}: {p}" for p in problems]
        if _SCHEME.match(where.strip()) or where.strip().replace("\\", "/").startswith("//"):
            found.append(f"search entry location {where!r} leaves the site")
            entry["location"] = ""
        cleaned.append(entry)
    if not found:
        return text, []
    return json.dumps({**data, "docs": cleaned}, separators=(",", ":")), found
