"""Stage ``load`` for question pages (kb/questions/<id>.md): front matter, blocks and citations.

Input: the text of one file (already read safely by :mod:`.textio`). Output: the YAML text of the
front matter (its line numbers those of the file, for :func:`.yamlload.compose_yaml`), the body as
:class:`~litkb.core.model.TextBlock` values (headings, paragraphs, list items) with their pandoc
citations located, and problems.

The body is a small, checked subset of Markdown: paragraphs, ``##`` headings and flat lists.
Everything else a question page must not carry (a level-1 heading, a table, a footnote, a block
quote, a code block, raw HTML, a rule, a citation in a heading) is a located KB607, so that the
site and the pandoc export render the same blocks. Citations follow pandoc's syntax
(``[@key]``, ``[see @key, p. 17; @other]``, ``[-@key]``, narrative ``@key`` and ``@key [p. 17]``);
``#`` is one of pandoc's key characters, so a claim citation ``[@key#claim-id]`` reads in pandoc
as a key of its own and the file stays pandoc-compatible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core import limits as L
from ..core.model import Citation, CitedItem, TextBlock
from ..core.problems import Problem, problem

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation :.#$%&-+?<>~/.
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
_KEY = re.compile(KEY)
_ITEM = re.compile(rf"^(?P<prefix>[^@]*?)(?P<minus>-?)@(?P<key>{KEY})(?P<rest>.*)$", re.S)
_NARRATIVE = re.compile(rf"(?<![\w@\\])@(?P<key>{KEY})")
_NARRATIVE_LOCATOR = re.compile(r" ?\[(?P<loc>[^\[\]@]*)\](?![(\[])")
_BRACKET = re.compile(r"\[[^\[\]]*\]")
# An '@' that would start a citation: not after a word character (an e-mail address) or a backslash.
_CITATION_AT = re.compile(r"(?<![\w\\])-?@(?=[A-Za-z0-9_])")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_ESCAPE = re.compile(r"\\[\\`*_{}\[\]()#+\-.!@<>|~]")
# A link's destination and an autolink: a URL may hold "@", which is no citation there.
_DESTINATION = re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)|<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*>")

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>")
_TABLE = re.compile(r"^ {0,3}\||^\s*\|?\s*:?-{3,}:?\s*\|")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]]*\]:")
_ITEM_START = re.compile(r"^(?P<indent> *)(?P<marker>[-+*]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?$")
_RAW_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|/[A-Za-z]|!--|\?)")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")


@dataclass(frozen=True)
class QuestionFile:
    """A question file split at its front matter: ``front`` is the YAML text from the opening
    ``---`` line to the line before the closing one (so YAML's line marks are the file's);
    ``body`` the text after the closing line, which is file line ``body_line``."""

    front: str
    body: str
    body_line: int


def split_front_matter(text: str, shown: str) -> tuple[QuestionFile | None, list[Problem]]:
    """Split ``text`` into front matter and body; None and KB601 when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, [problem(shown, 1, 1, "KB601", "no front matter: the file must start with a line '---'", "kb new question ID writes one")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return QuestionFile("\n".join(lines[:index]) + "\n", "\n".join(lines[index + 1 :]), index + 2), []
    return None, [problem(shown, 1, 1, "KB601", "the front matter is not closed: no line '---' after it", "end the front matter with a line '---'")]


class _Lines:
    """Offsets in a block's joined text -> (file line, column)."""

    def __init__(self) -> None:
        self.starts: list[tuple[int, int, int]] = []  # (offset in text, file line, column of the text's first character)
        self.length = 0

    def add(self, text: str, line: int, column: int) -> str:
        """Note that ``text`` (the next line of the block) comes from ``line``, ``column``."""
        offset = self.length + (1 if self.starts else 0)  # lines are joined by one newline
        self.starts.append((offset, line, column))
        self.length = offset + len(text)
        return text

    def position(self, offset: int) -> tuple[int, int]:
        found = self.starts[0]
        for start in self.starts:
            if start[0] > offset:
                break
            found = start
        return found[1], found[2] + offset - found[0]


class _BodyParser:
    """Walks the body line by line into blocks; every refusal is a located problem."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        self.blocks: list[TextBlock] = []
        self.cited = 0

    def refuse(self, line: int, column: int, what: str, hint: str) -> None:
        self.problems.append(problem(self.shown, line, column, "KB607", f"{what} is not allowed on a question page", hint))

    def parse(self, body: str, first_line: int) -> None:
        lines = body.split("\n")
        i = 0
        while i < len(lines):
            raw, number = lines[i], first_line + i
            if not raw.strip():
                i += 1
                continue
            if len(self.blocks) >= L.MAX_BLOCKS:
                self.problems.append(problem(self.shown, number, 1, "KB308", f"the page has more than {L.MAX_BLOCKS:,} paragraphs, headings and list items", "split it into several questions"))
                return
            i = self._block(lines, i, first_line)

    def _block(self, lines: list[str], i: int, first_line: int) -> int:
        """Read the block starting at ``lines[i]``; return the index after it."""
        raw, number = lines[i], first_line + i
        heading = _HEADING.match(raw)
        if heading:
            self._heading(heading, raw, number)
            return i + 1
        fence = _FENCE.match(raw)
        if fence:
            self.refuse(number, 1, "a code block", "write prose; quote a source through a claim citation")
            close = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fence.group(1))), len(lines) - 1)
            return close + 1
        if raw.startswith(("    ", "\t")):
            self.refuse(number, 1, "an indented code block", "start the paragraph at the left margin")
            return _skip_block(lines, i)
        if _RULE.match(raw):
            self.refuse(number, 1, "a horizontal rule or underlined heading", "use a '## heading' to start a new part")
            return i + 1
        for pattern, what, hint in (
            (_QUOTE, "a block quote", "quote a source through a claim citation [@key#claim-id], which shows its quote"),
            (_TABLE, "a table", "say it in prose"),
            (_FOOTNOTE_DEF, "a footnote", "cite in the text instead"),
        ):
            if pattern.match(raw):
                self.refuse(number, 1, what, hint)
                return _skip_block(lines, i)
        if _ITEM_START.match(raw):
            return self._list(lines, i, first_line)
        return self._paragraph(lines, i, first_line)

    def _heading(self, match: re.Match[str], raw: str, number: int) -> None:
        level, text = len(match.group(1)), (match.group(2) or "").strip()
        if level == 1:
            self.refuse(number, 1, "a level-1 heading", "the page title comes from 'question': use '## ' for a part")
        if not text:
            return
        column = raw.index(text) + 1
        positions = _Lines()
        positions.add(text, number, column)
        citations = self._citations(text, positions)
        if citations:
            line, col = positions.position(citations[0].start)
            self.refuse(line, col, "a citation in a heading", "cite in the paragraph under the heading")
        self._check_inline(text, positions)
        self.blocks.append(TextBlock("heading", text, (), number, level=max(level, 2)))

    def _paragraph(self, lines: list[str], i: int, first_line: int) -> int:
        positions = _Lines()
        parts: list[str] = []
        start = first_line + i
        while i < len(lines) and lines[i].strip():
            raw = lines[i]
            if parts and (_HEADING.match(raw) or _FENCE.match(raw) or _QUOTE.match(raw) or _RULE.match(raw)):
                break
            stripped = raw.lstrip()
            parts.append(positions.add(stripped.rstrip(), first_line + i, len(raw) - len(stripped) + 1))
            i += 1
        self._add("paragraph", "\n".join(parts), positions, start)
        return i

    def _list(self, lines: list[str], i: int, first_line: int) -> int:
        """Consecutive list items (each a block), until a blank line is followed by anything else."""
        while i < len(lines):
            item = _ITEM_START.match(lines[i])
            if item is None:
                break
            number = first_line + i
            if item.group("indent"):
                self.refuse(number, 1, "a nested or indented list", "keep lists one level deep, starting at the left margin")
            text = item.group("text") or ""
            positions = _Lines()
            parts = [positions.add(text.rstrip(), number, len(lines[i]) - len(text) + 1)]
            i += 1
            while i < len(lines) and lines[i].strip() and not _ITEM_START.match(lines[i]) and not _HEADING.match(lines[i]):
                raw = lines[i]
                stripped = raw.lstrip()
                parts.append(positions.add(stripped.rstrip(), first_line + i, len(raw) - len(stripped) + 1))
                i += 1
            self._add("item", "\n".join(parts), positions, number, ordered=item.group("marker")[0].isdigit())
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i < len(lines) and lines[i].startswith((" ", "\t")) and not _ITEM_START.match(lines[i].lstrip()):
                self.refuse(first_line + i, 1, "a list item of several paragraphs", "keep each list item to one paragraph")
                i = _skip_block(lines, i)
        return i

    def _add(self, kind: str, text: str, positions: _Lines, line: int, ordered: bool = False) -> None:
        if len(text) > L.MAX_BLOCK:
            self.problems.append(problem(self.shown, line, 1, "KB307", f"this {kind} is {len(text):,} characters long (at most {L.MAX_BLOCK:,})", "split it into several paragraphs"))
            return
        self._check_inline(text, positions)
        citations = self._citations(text, positions)
        self.blocks.append(TextBlock(kind, text, tuple(citations), line, ordered=ordered))

    def _check_inline(self, text: str, positions: _Lines) -> None:
        masked = _mask(text)
        for pattern, what, hint in (
            (_RAW_HTML, "raw HTML", "write plain Markdown: a '<' directly before a letter reads as a tag"),
            (_FOOTNOTE_REF, "a footnote", "cite in the text instead"),
        ):
            found = pattern.search(masked)
            if found:
                line, column = positions.position(found.start())
                self.refuse(line, column, what, hint)

    # -- citations ------------------------------------------------------------------------------
    def _citations(self, text: str, positions: _Lines) -> list[Citation]:
        """The citations of ``text`` in order; malformed ones are KB602 and left out."""
        masked = _mask(text)
        found: list[Citation] = []
        for bracket in _BRACKET.finditer(masked):
            inner = bracket.group(0)[1:-1]
            if not _CITATION_AT.search(inner):
                continue
            after = text[bracket.end() : bracket.end() + 1]
            if after in ("(", "["):
                self._malformed(positions, bracket.start(), "a citation inside a link's text", "take the citation out of the link")
            else:
                citation = self._bracketed(text, bracket.start(), bracket.end(), positions)
                if citation is not None:
                    found.append(citation)
            masked = masked[: bracket.start()] + " " * (bracket.end() - bracket.start()) + masked[bracket.end() :]
        for opening in re.finditer(r"\[", masked):
            at = _CITATION_AT.search(masked, opening.end())
            if at is not None and "]" not in masked[opening.end() : at.start()]:
                self._malformed(positions, opening.start(), "'[' is not closed (or holds another bracket) before a citation", "close the bracket: [@key]")
                masked = masked[: opening.start()] + " " * (len(masked) - opening.start())
                break
        for match in _NARRATIVE.finditer(masked):
            end = match.end()
            locator = ""
            tail = _NARRATIVE_LOCATOR.match(masked, end)
            if tail:
                locator, end = tail.group("loc").strip(), tail.end()
            item = self._item(text[match.start() + 1 : match.end()], "", locator, False, match.start(), positions)
            if item is not None:
                found.append(Citation((item,), True, match.start(), end))
        return sorted(found, key=lambda c: c.start)

    def _bracketed(self, text: str, start: int, end: int, positions: _Lines) -> Citation | None:
        inner_start = start + 1
        pieces = text[inner_start : end - 1].split(";")
        if len(pieces) > L.MAX_CITATION_ITEMS:
            line, column = positions.position(start)
            self.problems.append(problem(self.shown, line, column, "KB308", f"one citation names {len(pieces)} works or claims (at most {L.MAX_CITATION_ITEMS})", "split it"))
            return None
        items: list[CitedItem] = []
        offset = inner_start
        for piece in pieces:
            item = self._bracket_item(piece, offset, positions)
            offset += len(piece) + 1
            if item is None:
                return None
            items.append(item)
        return Citation(tuple(items), False, start, end)

    def _bracket_item(self, piece: str, offset: int, positions: _Lines) -> CitedItem | None:
        if not piece.strip():
            self._malformed(positions, offset, "an empty item in a citation", "remove the extra ';'")
            return None
        match = _ITEM.match(piece)
        if match is None:
            at = piece.find("@")
            self._malformed(positions, offset + max(at, 0), f"'{_shorten(piece.strip())}' names no work", "write @ directly before the key: [@key]")
            return None
        at = offset + match.start("key") - 1
        rest = match.group("rest")
        if _CITATION_AT.search(rest):
            self._malformed(positions, at, f"two works in one item: '{_shorten(piece.strip())}'", "separate the works with ';': [@a; @b]")
            return None
        locator = ""
        if rest.startswith("#"):
            self._malformed(positions, at, f"'@{match.group('key')}#' has no claim id", "write [@key#claim-id], or [@key] for the work")
            return None
        if rest.strip():
            if not rest.startswith(","):
                self._malformed(positions, at, f"text after the key without a comma: '{_shorten(rest.strip())}'", "put a comma before a locator: [@key, p. 17]")
                return None
            locator = " ".join(rest[1:].split())
            if not locator:
                self._malformed(positions, at, "an empty locator after the comma", "write the page or section, or remove the comma")
                return None
        prefix = " ".join(match.group("prefix").split())
        return self._item(match.group("key"), prefix, locator, bool(match.group("minus")), at, positions)

    def _item(self, raw_key: str, prefix: str, locator: str, suppress: bool, at: int, positions: _Lines) -> CitedItem | None:
        if self.cited >= L.MAX_CITATIONS:
            if self.cited == L.MAX_CITATIONS:
                line, column = positions.position(at)
                self.problems.append(problem(self.shown, line, column, "KB308", f"the page cites more than {L.MAX_CITATIONS:,} works or claims", "split it into several questions"))
            self.cited += 1
            return None
        key, _, claim = raw_key.partition("#")
        line, column = positions.position(at)
        if not key or (raw_key.count("#") and not claim):
            self._malformed(positions, at, f"'@{raw_key}' has no key or no claim id", "write [@key] or [@key#claim-id]")
            return None
        self.cited += 1
        return CitedItem(key, claim, prefix, locator, suppress, line, column)

    def _malformed(self, positions: _Lines, offset: int, what: str, hint: str) -> None:
        line, column = positions.position(offset)
        self.problems.append(problem(self.shown, line, column, "KB602", f"malformed citation: {what}", hint))


def _skip_block(lines: list[str], i: int) -> int:
    while i < len(lines) and lines[i].strip():
        i += 1
    return i


def _mask(text: str) -> str:
    """``text`` with code spans, backslash escapes and link destinations blanked (same length): no
    citation, bracket or tag is read inside them, as pandoc and Markdown read none there."""
    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    if "\\" in text:
        text = _ESCAPE.sub("  ", text)
    if "](" in text or "<" in text:
        text = _DESTINATION.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_body(body: str, first_line: int, shown: str) -> tuple[list[TextBlock], list[Problem]]:
    """The blocks of a question's body (file line ``first_line`` onwards), with their citations;
    KB608 when there is no text at all."""
    parser = _BodyParser(shown)
    parser.parse(body, first_line)
    if not parser.blocks and not parser.problems:
        parser.problems.append(problem(shown, max(first_line - 1, 1), 1, "KB608", "the question has no text after its front matter", "write the answer below the closing '---'"))
    return parser.blocks, parser.problems
