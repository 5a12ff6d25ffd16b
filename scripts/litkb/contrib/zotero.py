"""Reading Zotero's exports of PDF annotations: the highlights, their page labels, comments and tags.

Input: the bytes of one export and its name (for messages). Output: :class:`Highlight` values in
reading order, or an :class:`ExportError` holding one located problem (KB710). Three forms:

- **The note made by "Add Note from Annotations"**, as Zotero stores it (the ``note`` field of the
  note item in the web or local API, or the note's HTML copied out): one ``<p>`` per annotation,
  the highlight in ``<span class="highlight" data-annotation="...">`` (``underline`` likewise)
  whose URL-encoded JSON holds ``pageLabel``, then ``<span class="citation" ...>(Author, 2013,
  p. 337)</span>`` and the comment. The "Note HTML" export drops the ``data-`` attributes; the page
  label is then read from the citation's "p. 337".
- **Its Markdown export** ("Note Markdown"): ``“highlight” ([Author, 2013, p. 337](zotero://select/...))
  ([pdf](zotero://open-pdf/...?page=5&annotation=KEY)) comment``, one paragraph per annotation.
- **Annotation items as JSON** from the web API (``/items?itemType=annotation``: objects with a
  ``data`` member) or the local API or an item's ``toJSON()`` (the data alone): ``annotationType``,
  ``annotationText``, ``annotationComment``, ``annotationPageLabel``, ``annotationSortIndex``,
  ``tags: [{"tag": ...}]``.

Exports come from the contributor's own Zotero, but a file can be anything: a note holding a script,
frames or event handlers is not one Zotero wrote and is refused, as are files over
:data:`MAX_EXPORT_BYTES`, malformed JSON and exports without a single highlight.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..core.problems import Problem, problem

# A note of 1,000 annotations with their positions and embedded citation data: ~2 MB.
MAX_EXPORT_BYTES = 10 * 2**20
MAX_HIGHLIGHTS = 1_000
_NOT_ZOTERO = re.compile(
    r"<\s*(script|iframe|frame|frameset|object|embed|applet|svg)\b"
    r"|<[^<>]*\son[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)
_PAGE = re.compile(r"\bpp?\.\s*([0-9A-Za-z]+(?:\s*[-\u2013]\s*[0-9A-Za-z]+)?)")
HASHTAG = re.compile(r"(?<![\w&])#([\w][\w-]*)")
_OPEN_QUOTES = "\u201c\u201e\u00ab\"\u2018'"
_CLOSE_QUOTES = "\u201d\u201c\u00bb\"\u2019'"


class ExportError(ValueError):
    """An export that cannot be imported; ``problem`` is its one located line."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.text())
        self.problem = found


@dataclass(frozen=True)
class Highlight:
    """One highlighted passage: its text, the page label Zotero gave it ("" if none), the
    comment written on it, its tags, and the line of the export it was read from."""

    text: str
    page_label: str
    comment: str
    tags: tuple[str, ...] = ()
    line: int = 1


def read_export(data: bytes, shown: str) -> list[Highlight]:
    """The highlights of one export (see the module's docstring for the forms read)."""

    def refuse(line: int, column: int, message: str) -> ExportError:
        return ExportError(problem(shown, line, column, "KB710", message, "nothing was imported"))

    if len(data) > MAX_EXPORT_BYTES:
        raise refuse(1, 1, f"the export has {len(data):,} bytes; at most {MAX_EXPORT_BYTES:,} are read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise refuse(line, 1, f"not UTF-8 (byte 0x{data[err.start]:02x})") from err
    bad = _NOT_ZOTERO.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise refuse(line, column, f"'{' '.join(bad.group(0).split())[:40]}' is not part of a Zotero export (scripts, frames and event handlers are refused)")
    suffix = Path(shown).suffix.lower()
    start = text.lstrip()[:1]
    if suffix == ".json" or (suffix not in (".html", ".htm", ".md", ".markdown") and start in ("[", "{")):
        found = _from_json(text, refuse)
    elif suffix in (".html", ".htm") or start == "<":
        found = _from_html(text)
    else:
        found = _from_markdown(text)
    if not found:
        raise refuse(1, 1, "no highlight found: export the annotations of a PDF (Add Note from Annotations, or the annotation items as JSON)")
    if len(found) > MAX_HIGHLIGHTS:
        raise refuse(1, 1, f"{len(found):,} highlights; import at most {MAX_HIGHLIGHTS:,} at a time")
    return found


def _clean(text: str) -> str:
    """Text as a quote or a claim: Zotero's inline tags (<b>, <i>, <sub>, <sup>) dropped,
    entities decoded, control characters and runs of spaces made one space."""
    text = unescape(re.sub(r"</?(?:b|i|sub|sup|strong|em|u|span)\b[^<>]*>", "", text, flags=re.IGNORECASE))
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", text).split())


def _unquoted(text: str) -> str:
    """A highlight without the quotation marks the note puts around it."""
    if len(text) >= 2 and text[0] in _OPEN_QUOTES and text[-1] in _CLOSE_QUOTES:
        return text[1:-1].strip()
    return text


def _page_of(citation: str) -> str:
    """The page label in a formatted citation: "(Torrance, 2013, p. 337)" -> "337"."""
    found = _PAGE.findall(citation)
    return re.sub(r"\s*[-\u2013]\s*", "-", found[-1]) if found else ""


def _hashtags(comment: str) -> tuple[str, ...]:
    return tuple(HASHTAG.findall(comment))


# -- JSON: annotation items ---------------------------------------------------------------------

def _from_json(text: str, refuse: Callable[[int, int, str], ExportError]) -> list[Highlight]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise refuse(err.lineno, err.colno, f"not valid JSON: {err.msg}") from err
    except RecursionError as err:
        raise refuse(1, 1, "JSON nested too deeply") from err
    items = data.get("items", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise refuse(1, 1, "expected a list of Zotero items")
    found: list[tuple[str, Highlight]] = []
    for item in items:
        fields = item.get("data", item) if isinstance(item, dict) else None
        if not isinstance(fields, dict) or fields.get("itemType", "annotation") != "annotation":
            continue
        if fields.get("annotationType") not in ("highlight", "underline") or not isinstance(fields.get("annotationText"), str):
            continue
        comment = _string(fields, "annotationComment")
        tags = tuple(_clean(t["tag"]) for t in fields.get("tags", []) if isinstance(t, dict) and isinstance(t.get("tag"), str))
        highlight = Highlight(_clean(fields["annotationText"]), _clean(_string(fields, "annotationPageLabel")), _clean(comment), tags + _hashtags(comment), _line_of_key(text, fields.get("key")))
        found.append((_string(fields, "annotationSortIndex"), highlight))
    # Reading order: Zotero's sort index is "page|offset|top", zero-padded.
    return [h for _, h in sorted(found, key=lambda pair: pair[0])]


def _string(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def _line_of_key(text: str, key: object) -> int:
    at = text.find(f'"{key}"') if isinstance(key, str) and key else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


# -- HTML: the note ---------------------------------------------------------------------------------

@dataclass
class _Paragraph:
    line: int
    highlight: list[str] = field(default_factory=list)
    citation: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    annotation: dict[str, Any] = field(default_factory=dict)
    has_highlight: bool = False


class _NoteParser(HTMLParser):
    """Collects, per paragraph, the highlight span's text and data, the citation's text and the
    rest (the comment)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[_Paragraph] = []
        self.current: _Paragraph | None = None
        self.inside: list[str] = []  # for each open span: "highlight", "citation" or ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "p":
            self.current = _Paragraph(self.getpos()[0])
            self.paragraphs.append(self.current)
        elif tag == "br" and self.current is not None:
            self._text(" ")
        elif tag == "span":
            classes = (values.get("class") or "").split()
            kind = "highlight" if {"highlight", "underline"} & set(classes) else "citation" if "citation" in classes else ""
            if kind == "highlight" and self.current is not None:
                self.current.has_highlight = True
                self.current.annotation = _annotation_data(values.get("data-annotation"))
            self.inside.append(kind if kind else (self.inside[-1] if self.inside else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.inside:
            self.inside.pop()
        elif tag == "p":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self._text(data)

    def _text(self, data: str) -> None:
        assert self.current is not None
        where = self.inside[-1] if self.inside else ""
        {"highlight": self.current.highlight, "citation": self.current.citation}.get(where, self.current.rest).append(data)


def _annotation_data(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(unquote(raw or ""))
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _from_html(text: str) -> list[Highlight]:
    parser = _NoteParser()
    parser.feed(text)
    parser.close()
    found = []
    for p in parser.paragraphs:
        if not p.has_highlight:
            continue
        label = p.annotation.get("pageLabel")
        citation = "".join(p.citation)
        page = _clean(label) if isinstance(label, str) and label else _page_of(citation)
        comment = _clean("".join(p.rest))
        found.append(Highlight(_unquoted(_clean("".join(p.highlight))), page, comment, _hashtags(comment), p.line))
    return found


# -- Markdown: the note's export ----------------------------------------------------------------------

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")
_MD_HIGHLIGHT = re.compile(r"^[\u201c\u201e\u00ab\"](?P<text>.*?)[\u201d\u201c\u00bb\"](?=\s*\(|\s*$)", re.DOTALL)
_MD_CITATION = re.compile(r"^\s*\((?:\[(?P<linked>(?:[^\]\\]|\\.)*)\]\([^()\s]*\)|(?P<plain>[^()]*))\)")
_MD_PDF_LINK = re.compile(r"^\s*\(\[(?:pdf|snapshot|epub)\]\([^()\s]*\)\)")


def _from_markdown(text: str) -> list[Highlight]:
    found = []
    line = 1
    for block in re.split(r"\n[ \t]*\n", text):
        first_line = line
        line += block.count("\n") + 2
        paragraph = block.strip()
        match = _MD_HIGHLIGHT.match(paragraph)
        if not match:
            continue
        rest = paragraph[match.end() :]
        citation = _MD_CITATION.match(rest)
        page = ""
        if citation:
            page = _page_of(_MD_ESCAPE.sub(r"\1", citation.group("linked") or citation.group("plain") or ""))
            rest = rest[citation.end() :]
        link = _MD_PDF_LINK.match(rest)
        if link:
            rest = rest[link.end() :]
        comment = _clean(_MD_ESCAPE.sub(r"\1", rest))
        leading = block[: len(block) - len(block.lstrip())].count("\n")  # blank lines before the paragraph
        found.append(Highlight(_clean(_MD_ESCAPE.sub(r"\1", match.group("text"))), page, comment, _hashtags(comment), first_line + leading))
    return found
