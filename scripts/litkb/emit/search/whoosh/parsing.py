"""Queries: the reader's query text -> a Whoosh query over the lean schema.

Input: query text, the concept names and aliases of the index's manifest. Output: a Whoosh query
(keyword fields as prefixed ``tags`` values, concept names expanded, phrases of common words as
word pairs, ``concept:`` with ``stance:`` as one link, tag ranges as filters) and the expander,
which remembers unknown concepts for "did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import whoosh.matching.mcore
import whoosh.qparser.default
import whoosh.qparser.plugins
import whoosh.qparser.syntax
import whoosh.query

from ....core.text import fold
from ..query import FIELDS, QueryError, alias_spans, check_query, closest_concept, normalise_kind, resolve_concept
from .analysis import analysed, name_words, pairs_of
from .postings import read_postings
from .schema import TAG_FIELDS

query: Any = whoosh.query
syntax: Any = whoosh.qparser.syntax
Plugin: Any = whoosh.qparser.plugins.Plugin
QueryParser: Any = whoosh.qparser.default.QueryParser
GtLtPlugin: Any = whoosh.qparser.plugins.GtLtPlugin
ListMatcher: Any = whoosh.matching.mcore.ListMatcher
NullMatcher: Any = whoosh.matching.mcore.NullMatcher

# -- query parsing ---------------------------------------------------------------------------------
def _tag_node(name: str, value: str, like: Any) -> Any:
    node = syntax.WordNode(f"{name}:{value}")
    node.set_fieldname("tags")
    node.startchar, node.endchar = like.startchar, like.endchar
    return node


class _PairsNode(syntax.SyntaxNode):  # type: ignore[misc]
    """A quoted phrase of two or more words: the AND of its indexed word pairs."""

    has_boost = True

    def __init__(self, words: list[str], like: Any) -> None:
        self.words = words
        self.boost = 1.0
        self.startchar, self.endchar = like.startchar, like.endchar

    def r(self) -> str:
        return f"Pairs {self.words!r}"

    def query(self, parser: Any) -> Any:
        terms = []
        for pair in pairs_of(self.words):
            term = query.Term("text", pair, boost=self.boost)
            term.startchar, term.endchar = self.startchar, self.endchar
            terms.append(term)
        return terms[0] if len(terms) == 1 else query.And(terms)


def _phrase_node(node: Any, words: str, common: frozenset[str]) -> Any:
    """A quoted phrase: its word pairs when every word is common, else a positional phrase (one
    word: a plain word search)."""
    if " " not in words:
        word = syntax.WordNode(node.text)
        word.startchar, word.endchar = node.startchar, node.endchar
        return word
    if all(w in common for w in words.split()):
        return _PairsNode(words.split(), node)
    node.set_fieldname("text", override=True)
    return node


class ExpandPlugin(Plugin):  # type: ignore[misc]
    """Rewrites the syntax tree before queries are made (priority 105: after field names are
    applied, before operators): keyword fields become prefixed ``tags`` values, ``concept:``
    and ``kind:`` values are resolved (label, alias or plural -> id), and concept names in free
    text also search ``concept:<id>`` (a query word matching an alias matches the claims)."""

    def __init__(self, aliases: Mapping[str, list[str]], names: Mapping[str, list[str]], common: frozenset[str]) -> None:
        self.aliases = aliases
        self.names = names
        self.common = common
        self.longest = max((k.count(" ") + 1 for k in aliases), default=1)
        self.unknown_concepts: list[tuple[str, str]] = []

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self.expand, 105)]

    def expand(self, parser: Any, group: Any) -> Any:
        nodes = [self.expand(parser, n) if isinstance(n, syntax.GroupNode) else self._tag(n) for n in group]
        out = group.empty_copy()
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, syntax.WordNode) and node.fieldname is None:
                j = i
                while j < len(nodes) and (nodes[j].is_ws() or (isinstance(nodes[j], syntax.WordNode) and nodes[j].fieldname is None)):
                    j += 1
                out.extend(self._expand_run(nodes[i:j]))
                i = j
                continue
            if hasattr(node, "textstartchar") and node.fieldname in (None, "text"):
                words = analysed(node.text)
                ids = self.aliases.get(words, [])
                node = _phrase_node(node, words, self.common)
                node = syntax.OrGroup([node, *(_tag_node("concept", c, node) for c in ids)]) if ids else node
            out.append(node)
            i += 1
        return out

    def _expand_run(self, run: list[Any]) -> list[Any]:
        words, owner = [], []
        for position, node in enumerate(run):
            if not node.is_ws():
                for word in analysed(node.text).split():
                    words.append(word)
                    owner.append(position)
        result, last = [], 0
        for start, end, ids in alias_spans(words, self.aliases, self.longest):
            a, b = owner[start], owner[end - 1]
            if (start and owner[start - 1] == a) or (end < len(owner) and owner[end] == b):
                continue  # the name covers only part of one query word
            result.extend(run[last:a])
            words_group = syntax.AndGroup([n for n in run[a:b + 1] if not n.is_ws()])
            result.append(syntax.OrGroup([words_group, *(_tag_node("concept", c, run[a]) for c in ids)]))
            last = b + 1
        return result + run[last:]

    def _tag(self, node: Any) -> Any:
        """A node in a keyword field -> the same node on ``tags`` with the field as prefix."""
        name = FIELDS.get(node.fieldname) if node.has_fieldname and node.fieldname else None
        if name not in TAG_FIELDS:
            return node
        if isinstance(node, syntax.RangeNode):
            node.start = f"{name}:{node.start}" if node.start else f"{name}:"
            node.end = f"{name}:{node.end}" if node.end else f"{name}:\uffff"
            node.set_fieldname("tags", override=True)
            return node
        if not node.has_text:
            return node
        value = node.text
        if "*" not in value and "?" not in value:
            if name == "concept":
                cid = resolve_concept(value, self.names)
                if cid is None:
                    self.unknown_concepts.append((value, closest_concept(value, self.names) or ""))
                value = cid or "-".join(value.split())
            elif name == "kind":
                value = normalise_kind(value) or value
            elif name == "author":  # names are folded, never stemmed; "peter gronn" is both names
                words = name_words(value) or [value.lower()]
                nodes = [_tag_node(name, w, node) for w in words]
                return nodes[0] if len(nodes) == 1 else syntax.AndGroup(nodes)
            return _tag_node(name, value.lower(), node)
        node.text = f"{name}:{fold(value)}"
        node.set_fieldname("tags", override=True)
        return node


class _ConstantList(ListMatcher):  # type: ignore[misc]
    """Matches a fixed list of documents with one score; once the top list is full of that score,
    everything left is skipped at once."""

    def __init__(self, ids: list[int], score: float) -> None:
        super().__init__(ids, all_weights=score)
        self._score = score

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._score

    def block_quality(self) -> float:
        return self._score

    def score(self) -> float:
        return self._score

    def skip_to_quality(self, minquality: float) -> int:
        if self._score <= minquality:
            self._i = len(self._ids)
            return 1
        return 0


class TagRange(query.TermRange):  # type: ignore[misc]
    """A range of tag values (``year:[2005 TO 2010]``) as a filter: the union of the values'
    posting lists, read in bulk, with one score (Whoosh would merge and score them one by one)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        ids = self.doc_ids(searcher)
        return _ConstantList(ids, self.boost) if ids else NullMatcher

    def doc_ids(self, searcher: Any) -> list[int]:
        """Sorted numbers of the documents with a value in the range."""
        reader = searcher.reader()
        # One search asks once per kind; the query object lives for one search, and holding the
        # reader itself (not its id) as the key means a key can never stand for another reader.
        cache: dict[Any, list[int]] = self.__dict__.setdefault("_ids", {})
        if reader not in cache:
            ids: set[int] = set()
            for leaf, offset in reader.leaf_readers():  # bulk reads per segment
                for text in self._btexts(leaf):
                    ids.update(d + offset for d in read_postings(leaf, self.fieldname, text)[0])
            cache[reader] = sorted(ids)
        return cache[reader]


def _ranges(q: Any) -> Any:
    if isinstance(q, query.TermRange) and q.fieldname == "tags":
        return TagRange(q.fieldname, q.start, q.end, q.startexcl, q.endexcl, boost=q.boost)
    if isinstance(q, query.CompoundQuery | query.Not) or hasattr(q, "child"):
        return q.apply(_ranges)
    return q


def kinds_required(q: Any) -> set[str] | None:
    """The kinds a query can match at all (``kind:claim ...``), or None when it does not say."""
    kind = _tag_of(q, "kind")
    if kind is not None:
        return {kind}
    if isinstance(q, query.And):
        required = [k for k in map(kinds_required, q.subqueries) if k is not None]
        return set.intersection(*required) if required else None
    if isinstance(q, query.Or):
        each = [kinds_required(s) for s in q.subqueries]
        known = [k for k in each if k is not None]
        return set().union(*known) if known and len(known) == len(each) else None
    return None


def _tag_of(q: Any, name: str) -> str | None:
    if isinstance(q, query.Term) and q.fieldname == "tags" and isinstance(q.text, str) and q.text.startswith(f"{name}:"):
        return q.text[len(name) + 1:]
    return None


def _pair_links(q: Any) -> Any:
    """In an AND, ``concept:x`` with ``stance:y`` means one link (x, y) of the same claim."""
    if isinstance(q, query.And):
        subs = [_pair_links(s) for s in q.subqueries]
        concepts = [s for s in subs if _tag_of(s, "concept") is not None]
        stances = [s for s in subs if _tag_of(s, "stance") is not None]
        if concepts and stances and (len(concepts) == 1 or len(stances) == 1):
            rest = [s for s in subs if not any(s is t for t in (*concepts, *stances))]
            pairs = [query.Term("tags", f"pair:{_tag_of(c, 'concept')}|{_tag_of(s, 'stance')}") for c in concepts for s in stances]
            return query.And(rest + pairs)
        return query.And(subs, boost=q.boost)
    if isinstance(q, query.CompoundQuery | query.Not) or hasattr(q, "child"):
        return q.apply(_pair_links)
    return q



def parse_query(schema: Any, text: str, aliases: Mapping[str, list[str]], names: Mapping[str, list[str]]) -> tuple[Any, ExpandPlugin]:
    """Check and parse a query against an open index's ``schema`` (raises :class:`QueryError`).

    Returns the Whoosh query and the expander (its ``unknown_concepts`` serve "did you mean").
    """
    check_query(text)
    expander = ExpandPlugin(aliases, names, schema["text"].analyzer.common)
    parser = QueryParser("text", schema)
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(expander)
    try:
        return _ranges(_pair_links(parser.parse(text))), expander
    except (IndexError, ValueError, AttributeError, TypeError) as err:
        # What the checks above let through and Whoosh's parser still trips on.
        raise QueryError(f"cannot read the query {text!r}; check its quotes, brackets and operators") from err
