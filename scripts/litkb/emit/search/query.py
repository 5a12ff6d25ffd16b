"""The query language of ``kb search``, checked before Whoosh sees it (no Whoosh here).

Whoosh's parser never fails: it quietly turns an unclosed quote or an unknown field into words.
A reader deserves to know, so :func:`check_query` scans the query once and raises
:class:`QueryError` with one clear sentence for anything malformed (exit 2 in the CLI). It also
holds the pure parts of query expansion: finding concept aliases in a run of words and resolving
what a reader typed after ``concept:`` to a concept id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...core.names import closest_concept, name_key, resolve_concept
from ...core.vocabulary import CLAIM_TYPES, DOC_KINDS, STANCES

# Field names a reader may type -> the index field they search.
FIELDS = {
    "text": "text",
    "author": "author",
    "concept": "concept",
    "stance": "stance",
    "type": "type",
    "year": "year",
    "kind": "kind",
    "key": "key",
    "source": "key",
    "design": "design",
}
FIELD_HELP = "author, concept, stance, type, year, kind, key (or source), design, text"
BINARY_OPERATORS = ("AND", "OR", "ANDNOT", "ANDMAYBE")
_FIELD = re.compile(r"(\w+):(?=\S)")
_WORD = re.compile(r"[^\s()\"]+")
_RANGE_BODY = re.compile(r"^\s*(?P<start>\S+?)?\s*\b[Tt][Oo]\b\s*(?P<end>\S+?)?\s*$")
_YEAR_VALUE = re.compile(r"^(?:[<>]=?|=[<>])?\d{4}$|^\d{0,3}\*$")


# Bounds on what a reader can make the search do (Whoosh parses groups recursively, and the
# did-you-mean step compares words by edit distance): far beyond any real query, each refused
# with one sentence. A book title is ~150 characters; a BibTeX key or DOI stays under 200.
MAX_QUERY_CHARS = 1000
MAX_WORD_CHARS = 200
MAX_DEPTH = 16
# Whoosh nests each ANDNOT / ANDMAYBE one level deeper and builds both sides of a level twice
# (whoosh3 3.54 BinaryGroup.query), so the parse time doubles with each: 20 of them take seconds.
MAX_NESTING_OPERATORS = 8
NESTING_OPERATORS = ("ANDNOT", "ANDMAYBE")
# Words longer than this get no spelling suggestion (no indexed word is near them).
SUGGEST_MAX_CHARS = 40


class QueryError(ValueError):
    """A malformed query; the message is one sentence for the reader."""


@dataclass(frozen=True)
class _Token:
    kind: str  # term | op | not | open | close
    text: str


def check_query(query: str) -> None:
    """Raise :class:`QueryError` when ``query`` is malformed; return quietly otherwise.

    Checks: not empty; at most :data:`MAX_QUERY_CHARS` characters, words of at most
    :data:`MAX_WORD_CHARS`, parentheses at most :data:`MAX_DEPTH` deep and at most
    :data:`MAX_NESTING_OPERATORS` ANDNOT/ANDMAYBE; quotes, brackets and
    parentheses closed; field names known and followed by a value; ``kind:``/``stance:``/``type:``/``year:``
    values allowed; AND/OR/NOT between terms.
    """
    if not query.strip():
        raise QueryError("empty query: give words, \"a phrase\" or fields such as author:gronn")
    _check_size(query)
    tokens = _scan(query)
    if sum(t.kind == "op" and t.text in NESTING_OPERATORS for t in tokens) > MAX_NESTING_OPERATORS:
        raise QueryError(f"more than {MAX_NESTING_OPERATORS} ANDNOT/ANDMAYBE in one query; use NOT, or split the query")
    depth = 0
    previous = "start"
    for token in tokens:
        if token.kind == "open":
            if previous == "term":
                pass  # implicit AND before a group
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"parentheses nested more than {MAX_DEPTH} deep; write a flatter query")
        elif token.kind == "close":
            depth -= 1
            if depth < 0:
                raise QueryError("')' without a matching '('")
            if previous in ("op", "not", "open"):
                raise QueryError(f"nothing after '{_last_operator(tokens, token)}' before ')'" if previous != "open" else "empty parentheses '()'")
        elif token.kind == "op":
            if previous in ("start", "op", "not", "open"):
                raise QueryError(f"'{token.text}' needs a term on its left")
        elif token.kind == "not" and previous == "not":
            raise QueryError("'NOT NOT' is not allowed")
        previous = {"open": "open", "close": "term"}.get(token.kind, token.kind)
    if depth > 0:
        raise QueryError("'(' is never closed: add ')'")
    if previous in ("op", "not"):
        raise QueryError(f"'{tokens[-1].text}' at the end of the query needs a term after it")


def _check_size(query: str) -> None:
    """Refuse a query or a word longer than the bounds (before scanning: cost stays linear)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query of {len(query):,} characters; the limit is {MAX_QUERY_CHARS:,}")
    longest = max(_WORD.findall(query), key=len, default="")
    if len(longest) > MAX_WORD_CHARS:
        raise QueryError(f"a word of {len(longest):,} characters (starting {longest[:20]!r}); the limit is {MAX_WORD_CHARS}")


def _last_operator(tokens: list[_Token], before: _Token) -> str:
    index = tokens.index(before)
    return tokens[index - 1].text if index else ""


def _scan(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, n = 0, len(query)
    while pos < n:
        ch = query[pos]
        if ch.isspace():
            pos += 1
        elif ch in "()":
            tokens.append(_Token("open" if ch == "(" else "close", ch))
            pos += 1
        else:
            field = None
            match = _FIELD.match(query, pos)
            if match:
                field = match.group(1)
                if field not in FIELDS:
                    hint = " (field names are lower case)" if field.lower() in FIELDS else f"; fields are: {FIELD_HELP} (quote text that contains ':')"
                    raise QueryError(f"unknown field '{field}:'{hint}")
                pos = match.end()
            elif re.match(r"\w+:(\s|$)", query[pos:]):
                word = query[pos:].split(":", 1)[0]
                if word in FIELDS:
                    raise QueryError(f"'{word}:' needs a value, e.g. {word}:{_EXAMPLES.get(word, 'word')}")
            pos = _scan_value(query, pos, field, tokens)
    return tokens


_EXAMPLES = {"author": "spillane", "concept": "hybrid-leadership", "stance": "contests", "type": "finding", "year": "2009", "kind": "claim", "key": "gronn2009b", "source": "gronn2009b"}


def _scan_value(query: str, pos: int, field: str | None, tokens: list[_Token]) -> int:
    """Read one value at ``pos`` (a phrase, a range, a group or a word); returns the new position."""
    ch = query[pos]
    if ch == '"':
        end = query.find('"', pos + 1)
        if end < 0:
            raise QueryError(f"unclosed quote: add '\"' after {query[pos:pos + 30]!s}")
        if not query[pos + 1:end].strip():
            raise QueryError("empty phrase \"\"")
        tokens.append(_Token("term", query[pos:end + 1]))
        return end + 1
    if ch in "[{" and field is not None:
        close = min((i for i in (query.find("]", pos), query.find("}", pos)) if i >= 0), default=-1)
        if close < 0:
            raise QueryError(f"unclosed range: write {field}:[2005 TO 2010]")
        body = _RANGE_BODY.match(query[pos + 1:close])
        if body is None:
            raise QueryError(f"a range needs TO, e.g. {field}:[2005 TO 2010]")
        for bound in (body.group("start"), body.group("end")):
            if bound is not None:
                _check_value(field, bound)
        tokens.append(_Token("term", query[pos:close + 1]))
        return close + 1
    if ch == "(":
        return pos  # a field applied to a group: the group is scanned next
    match = _WORD.match(query, pos)
    if match is None:  # only after a field name: "author:)"
        raise QueryError(f"'{field}:' needs a value, e.g. {field}:{_EXAMPLES.get(field or '', 'word')}")
    word = match.group(0)
    if word == '"':
        raise QueryError("unclosed quote")
    if field is None and word[0] in "<>":
        raise QueryError(f"'{word[0]}' compares only after a field, as in year:>2005")
    if field is None and word in BINARY_OPERATORS:
        tokens.append(_Token("op", word))
    elif field is None and word == "NOT":
        tokens.append(_Token("not", word))
    else:
        if '"' in word:
            raise QueryError(f"misplaced quote in {word!r}")
        if field is not None:
            _check_value(field, word)
        tokens.append(_Token("term", word))
    return match.end()


def _check_value(field: str, value: str) -> None:
    target = FIELDS[field]
    if target == "kind" and normalise_kind(value) is None:
        raise QueryError(f"kind:{value} is not a kind; use one of {', '.join(DOC_KINDS)}")
    if target == "stance" and value.lower() not in STANCES and not value.endswith("*"):
        near = difflib.get_close_matches(value.lower(), STANCES, n=1)
        hint = f" (did you mean stance:{near[0]}?)" if near else ""
        raise QueryError(f"stance:{value} is not a stance; use one of {', '.join(STANCES)}{hint}")
    if target == "type" and value.lower() not in CLAIM_TYPES and not value.endswith("*"):
        near = difflib.get_close_matches(value.lower(), CLAIM_TYPES, n=1)
        hint = f" (did you mean type:{near[0]}?)" if near else ""
        raise QueryError(f"type:{value} is not a claim type; use one of {', '.join(CLAIM_TYPES)}{hint}")
    if target == "year" and not _YEAR_VALUE.match(value):
        raise QueryError(f"year:{value} is not a year; write year:2009 or year:[2005 TO 2010]")


def normalise_kind(value: str) -> str | None:
    """"claims" / "Claim" -> "claim"; None for anything that is not a kind."""
    value = value.lower()
    if value in DOC_KINDS:
        return value
    if value.endswith("s") and value[:-1] in DOC_KINDS:
        return value[:-1]
    return None


# -- concept names -------------------------------------------------------------------------------
# What a reader typed after ``concept:`` is resolved by the one resolver of every command
# (litkb.core.names): id, label or alias, with the nearest name for "did you mean".


def alias_spans(words: Sequence[str], aliases: Mapping[str, Sequence[str]], longest: int) -> list[tuple[int, int, list[str]]]:
    """Runs of ``words`` that spell a concept name: [(start, end, concept ids)], left to right.

    ``words`` are analysed (folded, stemmed) query words; ``aliases`` maps analysed names
    ("hybrid leadership") to concept ids. The longest name wins where names overlap.
    """
    spans: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + longest), i, -1):
            ids = aliases.get(" ".join(words[i:j]))
            if ids:
                spans.append((i, j, sorted(ids)))
                i = j
                break
        else:
            i += 1
    return spans


__all__ = ["FIELDS", "QueryError", "alias_spans", "check_query", "closest_concept", "name_key", "normalise_kind", "resolve_concept"]
