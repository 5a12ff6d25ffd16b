"""Full-text search with Whoosh: the one module that imports it (whoosh3, pinned in pyproject.toml).

Input: a :class:`~litkb.model.KnowledgeBase` (to index) or a query string (to search).
Output: an index folder (atomic layout: :mod:`litkb.search_store`) and
:class:`~litkb.search_results.SearchResult` values. Documents come from :mod:`litkb.search_docs`,
query checks from :mod:`litkb.search_query`, snippets and rendering from
:mod:`litkb.search_results`; this module only speaks Whoosh.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from heapq import nlargest
from itertools import accumulate
from pathlib import Path
from typing import Any

import whoosh.analysis.acore
import whoosh.analysis.tokenizers
import whoosh.codec.whoosh3
import whoosh.fields
import whoosh.formats
import whoosh.index
import whoosh.lang.porter
import whoosh.matching.mcore
import whoosh.matching.wrappers
import whoosh.qparser.default
import whoosh.qparser.plugins
import whoosh.qparser.syntax
import whoosh.query
import whoosh.scoring
import whoosh.spelling
import whoosh.support.levenshtein
import whoosh.util.numeric

from . import search_store as store
from .model import KnowledgeBase
from .search_docs import KINDS, SearchDoc, concept_names, fold_text, hit_label
from .search_query import (
    FIELDS,
    SUGGEST_MAX_CHARS,
    QueryError,
    alias_spans,
    check_query,
    closest_concept,
    normalise_kind,
    resolve_concept,
)
from .search_results import Group, SearchResult, make_hit, make_snippet

# Whoosh's annotations are partial (untyped functions, implicit re-exports), so it is used as
# a dynamic library through these handles.
fields: Any = whoosh.fields
index: Any = whoosh.index
query: Any = whoosh.query
syntax: Any = whoosh.qparser.syntax
Token: Any = whoosh.analysis.acore.Token
Tokenizer: Any = whoosh.analysis.tokenizers.Tokenizer
Plugin: Any = whoosh.qparser.plugins.Plugin
QueryParser: Any = whoosh.qparser.default.QueryParser
GtLtPlugin: Any = whoosh.qparser.plugins.GtLtPlugin
ListCorrector: Any = whoosh.spelling.ListCorrector
damerau_levenshtein: Any = whoosh.support.levenshtein.damerau_levenshtein
_porter: Any = whoosh.lang.porter.stem
ListMatcher: Any = whoosh.matching.mcore.ListMatcher
NullMatcher: Any = whoosh.matching.mcore.NullMatcher
W3Codec: Any = whoosh.codec.whoosh3.W3Codec
W3LeafMatcher: Any = whoosh.codec.whoosh3.W3LeafMatcher
LENGTHS_COLUMN: Any = whoosh.codec.whoosh3.LENGTHS_COLUMN
length_field: Any = whoosh.codec.whoosh3._lenfield
FilterMatcher: Any = whoosh.matching.wrappers.FilterMatcher
BM25FScorer: Any = whoosh.scoring.BM25FScorer
WeightScorer: Any = whoosh.scoring.WeightScorer
bm25: Any = whoosh.scoring.bm25
byte_to_length: Any = whoosh.util.numeric.byte_to_length
_formats: Any = whoosh.formats
_pack_uint: Any = _formats.pack_uint
_INT_SIZE: int = _formats._INT_SIZE
_ONE_POSITION = bytes(_pack_uint(1))

# Bump whenever the schema, the analysis or the manifest changes: an index of another version is
# rebuilt, never read.
SCHEMA_VERSION = 3
# Fields a reader may name that are stored as prefixed tokens of the one ``tags`` field
# ("concept:hybrid-leadership"): one keyword field costs a fraction of eight at indexing time.
TAG_FIELDS = ("kind", "author", "concept", "stance", "pair", "year", "key", "design")
PARALLEL_FROM = 5000  # documents; below this one process is faster than starting workers
ROUND_DOCS = 7_500  # documents per indexing round (bounds the memory of each worker)
START_METHOD = "forkserver"  # how index workers start (see write_new)
POOL_MB = 256  # per writer process; a round's postings fit, so no sorted runs spill to disk
# Uncompressed posting blocks: 13% faster to write (and faster to read), twice the size. Segments
# stay compound (one file, opened whole): an open reader survives its version being pruned.
WRITER_OPTIONS: dict[str, Any] = {"codec": W3Codec(compression=0)}
COMMON_SHARE = 0.02  # words in this share of the documents (and at least COMMON_MIN) get pairs
COMMON_MIN = 100
SMALL_KIND = 2000  # kinds with at most this many documents are intersected, larger ones filtered
SKIP_RATIO = 8  # a posting list this many times longer than the candidates is skipped through, not read

_WORD = re.compile(r"\w+(?:\.\w+)*")
_STOP = frozenset(("a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is", "it", "may", "of", "on", "or",
                   "that", "the", "this", "to", "we", "when", "will", "with", "you", "your"))


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_porter(word))


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold_text(unicodedata.normalize("NFC", word))


@lru_cache(maxsize=200_000)
def _term(word: str, stemming: bool = True) -> str | None:
    """A lower-case word as indexed: accents folded, stemmed; None for a stop word."""
    if not word.isascii():
        word = _fold_word(word)
    if word in _STOP or (len(word) == 1 and not word.isdigit()):  # "headteacher's" leaves an "s"
        return None
    return _stem(word) if stemming else word


class KbAnalyzer(Tokenizer):  # type: ignore[misc]
    """Words -> lower case, accents folded, English stop words dropped, stemmed (one pass instead
    of a chain of Whoosh filters). When indexing, each pair of consecutive ``common`` words is
    also a term ("school leadership").

    A phrase of common words is then the AND of its pairs: checking the positions of two words
    found in half the documents takes seconds. (Three or more words can, rarely, match their
    pairs in different places.) A phrase with a rarer word uses positions, exact, its short
    posting list bounding the work. Stop words take no position, in index and query alike.
    """

    def __init__(self, common: frozenset[str] = frozenset()) -> None:
        self.common = common

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KbAnalyzer) and other.common == self.common

    def __hash__(self) -> int:
        return hash(("KbAnalyzer", len(self.common)))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost, token.stopped = 1.0, False
        common = self.common if mode == "index" else frozenset()
        previous = None
        pos = start_pos
        for match in _WORD.finditer(value.lower()) if tokenize else [re.match(r"(?s).*", value.lower())]:
            assert match is not None
            text = _term(match.group(0))
            if text is None:
                continue
            token.text = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            yield token
            if previous is not None and text in common and previous in common:
                token.text = f"{previous} {text}"  # same position as the word: phrases are unaffected
                yield token
            previous = text
            pos += 1


def pairs_of(words: list[str]) -> list[str]:
    """The indexed word pairs of a phrase's analysed words."""
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _analysed(text: str) -> str:
    return " ".join(t.text for t in KbAnalyzer()(text))


class _Positions(_formats.Positions):  # type: ignore[misc]
    """Word positions packed as an array of gaps (Whoosh pickles a list for every posting: the
    largest single cost of indexing after the postings themselves)."""

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1:  # most words occur once in a document: the gap is the position
            return _ONE_POSITION + array("I", poslist).tobytes()
        gaps = array("I", [b - a for a, b in zip([0, *poslist], poslist, strict=False)])
        return bytes(_pack_uint(len(gaps))) + gaps.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        gaps = array("I")
        gaps.frombytes(valuestring[_INT_SIZE:])
        return list(accumulate(gaps))

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        """As Positions.word_values (word, frequency, weight, encoded positions), reading our
        analyzer's tokens directly: they are never stopped and each weighs 1.0."""
        if not isinstance(value, str) or not isinstance(analyzer, KbAnalyzer):
            return super().word_values(value, analyzer, **kwargs)
        kwargs["positions"] = kwargs["boosts"] = True
        positions: dict[str, list[int]] = {}
        for token in analyzer(value, **kwargs):
            found = positions.get(token.text)
            if found is None:
                positions[token.text] = [token.pos]
            else:
                found.append(token.pos)
        boost, encode = self.field_boost, self.encode
        return [(word, len(poslist), float(len(poslist)) * boost, encode(poslist)) for word, poslist in positions.items()]


def _speed_up_indexing() -> None:
    """Speed, not behaviour: three of Whoosh's per-posting steps, each run ~80 times a document,
    without their type assertions and repeated lookups (the same values written, ~15% less
    indexing time).

    1. PostingPool.add: checks two types and recomputes a size, per posting; 2. the whoosh3
    postings writer's add_posting: four ``isinstance`` assertions per posting; 3. the field
    length of a posting's document, read through a column reader per posting while a segment
    is written: decoded once per field into a list.
    """
    import whoosh.writing

    pool: Any = whoosh.writing.PostingPool

    def pool_add(self: Any, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        self.fieldnames.add(item[0])
        # Whoosh's own estimate of the item's size in memory (decides when a run is saved).
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or "")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    postings_writer: Any = whoosh.codec.whoosh3.W3PostingsWriter

    def add_posting(self: Any, id_: Any, weight: float, vbytes: bytes, length: int | None = None) -> None:
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    per_doc_reader: Any = whoosh.codec.whoosh3.W3PerDocReader

    def doc_field_length_reader(self: Any, fieldname: str, default: int = 0) -> Callable[[int], int | None]:
        column = self._cached_reader(length_field(fieldname), LENGTHS_COLUMN)
        if column is None:
            return lambda _docnum: default
        # As doc_field_length: a zero byte (no length stored) reads as None.
        return [byte_to_length(b) if b else None for b in column].__getitem__

    pool.add = pool_add
    postings_writer.add_posting = add_posting
    per_doc_reader.doc_field_length_reader = doc_field_length_reader


_speed_up_indexing()


def make_schema(common: frozenset[str] = frozenset()) -> fields.Schema:
    """A lean schema: two indexed fields. ``text`` holds the words and word pairs of title, body,
    names and keys (one posting list per word ranks several times faster than a union over
    fields); ``tags`` holds every keyword value with its field as prefix ("concept:trust",
    "author:gronn": one keyword field costs a fraction of eight). Stored: only what results show.
    The names a reader may use before ':' are declared (never filled) so the parser accepts them."""
    schema = fields.Schema(
        uid=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=KbAnalyzer(common)),
        tags=fields.KEYWORD(lowercase=True),
        title=fields.STORED(),
        body=fields.STORED(),
        info=fields.STORED(),
    )
    schema["text"].format = _Positions(field_boost=1.0)
    for name in sorted(k for k, v in FIELDS.items() if v in TAG_FIELDS):
        schema.add(name, fields.KEYWORD(lowercase=True))
    return schema


def name_words(names: str) -> list[str]:
    """Words of personal names as ``author:`` tags: lower case, accents folded, not stemmed."""
    return sorted({fold_text(w) for w in _WORD.findall(names.lower())})


def _fields(doc: SearchDoc) -> dict[str, Any]:
    tags = [f"kind:{doc.kind}"] + [f"author:{w}" for w in name_words(doc.author)]
    for name, values in (("concept", doc.concept), ("stance", doc.stance), ("pair", doc.pairs), ("year", doc.year), ("key", doc.key), ("design", doc.design)):
        tags += [f"{name}:{v}" for v in values]
    keys = " ".join(doc.key) if doc.kind in ("source", "claim") else ""  # "gronn2009b" finds its entry and claims
    text = "\n".join(t for t in (doc.title, doc.body, doc.author, keys) if t)
    return {"uid": doc.uid, "text": text, "tags": " ".join(tags), "title": doc.title, "body": doc.body, "info": dict(doc.info)}


def alias_table(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Analysed concept name ("hybrid leadership", "catch 22") -> concept ids, for query expansion."""
    table: dict[str, set[str]] = {}
    for cid, names in concept_names(kb).items():
        for name in names:
            key = _analysed(name)
            if key:
                table.setdefault(key, set()).add(cid)
    return {k: sorted(v) for k, v in sorted(table.items())}


def common_terms(docs: list[SearchDoc]) -> frozenset[str]:
    """Indexed words found in at least COMMON_SHARE of the documents (and COMMON_MIN of them),
    estimated from a sample of about 5,000 documents: the words whose pairs are indexed."""
    step = max(1, len(docs) // 5000)
    sample = docs[::step]
    counts: Counter[str] = Counter()
    for doc in sample:
        counts.update({t for w in _WORD.findall(f"{doc.title}\n{doc.body}\n{doc.author}".lower()) if (t := _term(w))})
    needed = max(COMMON_MIN, COMMON_SHARE * len(docs)) * len(sample) / max(len(docs), 1)
    return frozenset(t for t, n in counts.items() if n >= needed)


# -- writing (the steps are in litkb.search_build) ------------------------------------------------
def update_index(kb: KnowledgeBase, index_dir: Path, stamps: Mapping[str, store.FileStamp] | None = None,
                 full: bool = False, procs: int = 2) -> dict[str, int]:
    """Build or incrementally update the index of ``kb`` in ``index_dir``, atomically.

    See :func:`litkb.search_build.update_index` (the public entry point lives here, with the
    Whoosh code it drives).
    """
    from .search_build import update_index as run

    return run(kb, index_dir, stamps, full=full, procs=procs)


def write_new(version: Path, docs: list[SearchDoc], procs: int, each: Callable[[SearchDoc], object], before_commit: Callable[[], object]) -> None:
    """Index ``docs`` into a new index in ``version`` (pairs indexed for the words common in them).

    Many documents are indexed in rounds of ROUND_DOCS by ``procs`` worker processes, each round
    adding unmerged segments: a worker then holds one round's postings in memory, never the
    whole index (a pool that overflows to disk merges sorted runs, which is slower still).

    Workers are forked from a fork server, not from this process: a worker forked from here
    would privately copy much of the loaded knowledge base as soon as it touched a page of it
    (reference counts and allocations write to inherited pages): 550 MB for the whole build at
    10,000 sources instead of 460. As with any multiprocessing code, a script that calls this
    at its top level must guard that call with ``if __name__ == "__main__":``.
    """
    ix = index.create_in(str(version), make_schema(common_terms(docs)))
    options = {"limitmb": POOL_MB, **WRITER_OPTIONS}
    parallel = procs > 1 and len(docs) >= PARALLEL_FROM
    if parallel and START_METHOD == "forkserver":
        import multiprocessing

        # The fork server imports this module (and Whoosh) once; each worker, forked from it, has
        # them already (else every worker of every round imports them again: ~0.15 s each).
        multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", __name__])
    rounds = [docs[i:i + ROUND_DOCS] for i in range(0, len(docs), ROUND_DOCS)] or [[]]
    for number, chunk in enumerate(rounds, 1):
        # Worker processes, segments left unmerged: the fastest cold build (DESIGN.md, Whoosh facts).
        writer = ix.writer(procs=procs, multisegment=True, start_method=START_METHOD, **options) if parallel else ix.writer(**options)
        _write(writer, (), chunk, each, before_commit if number == len(rounds) else lambda: None, merge=False)


def write_update(version: Path, delete: tuple[str, ...], docs: list[SearchDoc], each: Callable[[SearchDoc], object], before_commit: Callable[[], object]) -> None:
    """Delete documents by uid from the (copied) index in ``version`` and add ``docs``."""
    _write(index.open_dir(str(version)).writer(**WRITER_OPTIONS), delete, docs, each, before_commit, merge=True)


def _write(writer: Any, delete: tuple[str, ...], docs: list[SearchDoc], each: Callable[[SearchDoc], object], before_commit: Callable[[], object],
           merge: bool) -> None:
    """Delete by uid, add ``docs`` (calling ``each`` on every one: that work overlaps with the
    worker processes), commit (merging small segments if ``merge``); cancel on any failure."""
    try:
        for uid in delete:
            writer.delete_by_term("uid", uid)
        for doc in docs:
            each(doc)
            writer.add_document(**_fields(doc))
        before_commit()
        writer.commit(merge=merge)
    except BaseException:
        writer.cancel()
        raise


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


class _ExpandPlugin(Plugin):  # type: ignore[misc]
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
                words = _analysed(node.text)
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
                for word in _analysed(node.text).split():
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
        node.text = f"{name}:{fold_text(value)}"
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


class _TagRange(query.TermRange):  # type: ignore[misc]
    """A range of tag values (``year:[2005 TO 2010]``) as a filter: the union of the values'
    posting lists, read in bulk, with one score (Whoosh would merge and score them one by one)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        ids = self.doc_ids(searcher)
        return _ConstantList(ids, self.boost) if ids else NullMatcher

    def doc_ids(self, searcher: Any) -> list[int]:
        """Sorted numbers of the documents with a value in the range."""
        reader = searcher.reader()
        cache: dict[int, list[int]] = self.__dict__.setdefault("_ids", {})  # one search asks once per kind
        if id(reader) not in cache:
            ids: set[int] = set()
            for leaf, offset in reader.leaf_readers():  # bulk reads per segment
                for text in self._btexts(leaf):
                    ids.update(d + offset for d in _read_postings(leaf, self.fieldname, text)[0])
            cache[id(reader)] = sorted(ids)
        return cache[id(reader)]


def _ranges(q: Any) -> Any:
    if isinstance(q, query.TermRange) and q.fieldname == "tags":
        return _TagRange(q.fieldname, q.start, q.end, q.startexcl, q.endexcl, boost=q.boost)
    if isinstance(q, query.CompoundQuery | query.Not) or hasattr(q, "child"):
        return q.apply(_ranges)
    return q


def _kinds_required(q: Any) -> set[str] | None:
    """The kinds a query can match at all (``kind:claim ...``), or None when it does not say."""
    kind = _tag_of(q, "kind")
    if kind is not None:
        return {kind}
    if isinstance(q, query.And):
        required = [k for k in map(_kinds_required, q.subqueries) if k is not None]
        return set.intersection(*required) if required else None
    if isinstance(q, query.Or):
        each = [_kinds_required(s) for s in q.subqueries]
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


# -- set-at-a-time evaluation ----------------------------------------------------------------------
class _Unsupported(Exception):
    """A query shape :class:`_SetScorer` leaves to Whoosh's own matchers."""


class _SetScorer:
    """Every match of a query and its BM25F score, computed a posting list at a time.

    Whoosh's collector scores one posting at a time through a chain of matcher objects (about
    5 microseconds a match), and the search runs once per kind: a word found in most of 58,000
    documents took 300 ms. Here each posting list is read a block at a time, conjunctions are
    intersected as sets (the shortest list first, the others scored only inside it), and the
    score of each match is Whoosh's own: the same scorer objects (idf, average field length, B,
    K1), the same ``bm25`` function and the same stored field lengths, so the ranking is the one
    Whoosh would give (up to the order in which three or more scores are added). All kinds come
    out of one pass. Handles words and tags (Term), And, Or, AndNot, NOT inside an And, tag
    ranges and positional phrases; anything else (a bare NOT, prefixes, wildcards) raises
    :class:`_Unsupported` and is searched by Whoosh.
    """

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.leaves: list[tuple[Any, int]] = searcher.subsearchers or [(searcher, 0)]
        self._lengths: dict[tuple[int, str, float, float, float], list[float]] = {}

    def scores(self, q: Any) -> dict[int, float]:
        """Document number -> score for every match of ``q``."""
        return self._eval(q, None)

    def _eval(self, q: Any, within: set[int] | None) -> dict[int, float]:
        """Matches of ``q`` (only those in ``within``, when given) with their scores."""
        if isinstance(q, query.Term):
            return self._term(q, within)
        if isinstance(q, _TagRange):
            return {d: q.boost for d in q.doc_ids(self.searcher) if within is None or d in within}
        if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
            return {}
        if isinstance(q, query.AndNot):
            found = self._eval(q.a, within)
            return self._without(found, self._docs(q.b, set(found)), q.boost)
        if isinstance(q, query.And):
            positive = [s for s in q.subqueries if not isinstance(s, query.Not)]
            negative = [s.query for s in q.subqueries if isinstance(s, query.Not)]
            if not positive:
                raise _Unsupported
            reader = self.searcher.reader()
            positive.sort(key=lambda s: s.estimate_size(reader))
            found = self._eval(positive[0], within)
            for sub in positive[1:]:
                if not found:
                    return {}
                more = self._eval(sub, set(found))
                found = {d: score + more[d] for d, score in found.items() if d in more}
            excluded: set[int] = set()
            for sub in negative:
                excluded |= self._docs(sub, set(found))
            if negative:  # Whoosh matches NOT x inside an AND with an inverse matcher scoring 1
                found = {d: score + len(negative) for d, score in found.items()}
            return self._without(found, excluded, q.boost)
        if isinstance(q, query.Or) and not any(isinstance(s, query.Not) for s in q.subqueries) and not q.scale and not q.minmatch:
            found = {}
            for sub in q.subqueries:
                for d, score in self._eval(sub, within).items():
                    found[d] = found[d] + score if d in found else score
            return self._boosted(found, q.boost)
        if isinstance(q, query.Phrase) and q.slop == 1 and q.words:
            return self._phrase(q, within)
        raise _Unsupported

    def _phrase(self, q: Any, within: set[int] | None) -> dict[int, float]:
        """A positional phrase, as Whoosh's (SpanNear2, slop 1): documents holding the words at
        consecutive positions, scored as the AND of the words (the sum of their scores)."""
        reader = self.searcher.reader()
        if any((q.fieldname, w) not in reader for w in q.words):
            return {}
        found = self._eval(query.And([query.Term(q.fieldname, w) for w in q.words]), within)
        if len(q.words) > 1 and found:
            adjacent = self._adjacent(q.fieldname, q.words, sorted(found))
            found = {d: score for d, score in found.items() if d in adjacent}
        return self._boosted(found, q.boost)

    def _adjacent(self, fieldname: str, words: list[str], docs: list[int]) -> set[int]:
        """Those of ``docs`` (sorted, all holding every word) where the words stand one after another."""
        kept: set[int] = set()
        for sub, offset in self.leaves:
            reader = sub.reader()
            local = [d - offset for d in docs if offset <= d < offset + reader.doc_count_all()]
            if not local:
                continue
            positions = [_positions_in(reader, fieldname, w, local) for w in words]
            for d in local:
                starts = set(positions[0].get(d, ()))
                for i, word_positions in enumerate(positions[1:], 1):
                    starts &= {p - i for p in word_positions.get(d, ())}
                if starts:
                    kept.add(d + offset)
        return kept

    def _docs(self, q: Any, within: set[int]) -> set[int]:
        return set(self._eval(q, within))

    @staticmethod
    def _without(found: dict[int, float], excluded: set[int], boost: float) -> dict[int, float]:
        kept = {d: score for d, score in found.items() if d not in excluded} if excluded else found
        return _SetScorer._boosted(kept, boost)

    @staticmethod
    def _boosted(found: dict[int, float], boost: float) -> dict[int, float]:
        return found if boost == 1.0 else {d: score * boost for d, score in found.items()}

    def _term(self, q: Any, within: set[int] | None) -> dict[int, float]:
        found: dict[int, float] = {}
        for number, (sub, offset) in enumerate(self.leaves):
            reader = sub.reader()
            if (q.fieldname, q.text) not in reader:
                continue
            if within is not None and len(within) * SKIP_RATIO < reader.doc_frequency(q.fieldname, q.text):
                # Few candidates against a long list: skip to each (blocks skipped unread).
                ids, weights = _seek_postings(reader, q.fieldname, q.text, sorted(d - offset for d in within if d >= offset))
            else:
                ids, weights = _read_postings(reader, q.fieldname, q.text)
                if within is not None:
                    kept = [i for i, d in enumerate(ids) if d + offset in within]
                    ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
            scorer = self.searcher.weighting.scorer(sub, q.fieldname, q.text)
            if type(scorer) is BM25FScorer:
                # Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))), with
                # the length part computed once per document and field: the same operations, same floats.
                norms = self._norms(number, reader, q.fieldname, scorer)
                idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
                found.update({d + offset: idf * ((w * k1_plus_1) / (w + norms[d])) for d, w in zip(ids, weights, strict=True)})
            elif type(scorer) is WeightScorer:
                found.update(zip([d + offset for d in ids], weights, strict=True))
            else:
                raise _Unsupported
        return self._boosted(found, q.boost)

    def _norms(self, number: int, reader: Any, fieldname: str, scorer: Any) -> list[float]:
        """``K1 * ((1 - B) + B * fl / avgfl)`` for each document of one segment, from the field
        lengths Whoosh stores (a byte each); computed once per segment and field."""
        key = (number, fieldname, scorer.B, scorer.K1, scorer.avgfl)
        if key not in self._lengths:
            column = reader._perdoc._cached_reader(length_field(fieldname), LENGTHS_COLUMN)
            lengths = [byte_to_length(b) if b else 1 for b in column] if column is not None else [1] * reader.doc_count_all()
            b, k1, avgfl = scorer.B, scorer.K1, scorer.avgfl
            self._lengths[key] = [k1 * ((1 - b) + b * fl / avgfl) for fl in lengths]
        return self._lengths[key]

    def top(self, scores: dict[int, float], kind_of: list[int], limit: int) -> dict[str, tuple[int, list[tuple[int, float]]]]:
        """Kind -> (number of matches, best ``limit`` (document, score)), ties by document number
        (as Whoosh's collector breaks them); ``kind_of`` gives each document's index in KINDS."""
        buckets: list[list[int]] = [[] for _ in KINDS]
        for d in sorted(scores):
            kind = kind_of[d]
            if kind >= 0:
                buckets[kind].append(d)
        # nlargest keeps the input order among equal keys: the lower document number first.
        return {KINDS[k]: (len(docs), [(d, scores[d]) for d in nlargest(limit, docs, key=scores.__getitem__)]) for k, docs in enumerate(buckets) if docs}


def _positions_in(reader: Any, fieldname: str, text: str, docs: list[int]) -> dict[int, list[int]]:
    """The word's positions in each of the sorted segment-local ``docs`` that hold it."""
    return {d: matcher.value_as("positions") for d, matcher in _seek(reader, fieldname, text, docs)}


def _seek_postings(reader: Any, fieldname: str, text: str, candidates: list[int]) -> tuple[list[int], list[float]]:
    """Documents and weights of the sorted segment-local ``candidates`` found in a posting list."""
    found = [(d, matcher.weight()) for d, matcher in _seek(reader, fieldname, text, candidates)]
    return [d for d, _ in found], [w for _, w in found]


def _seek(reader: Any, fieldname: str, text: str, docs: list[int]) -> Iterator[tuple[int, Any]]:
    """(document, matcher standing on it) for each of the sorted segment-local ``docs`` in the
    posting list, skipping to each (Whoosh skips whole blocks by their last id)."""
    matcher = reader.postings(fieldname, text)
    for d in docs:
        if not matcher.is_active():
            return
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                return
        if matcher.id() == d:
            yield d, matcher


def _read_postings(reader: Any, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """Document numbers (in the segment) and weights of a posting list, read a block at a time
    (whoosh3's W3LeafMatcher blocks; any other matcher one posting at a time), deletions removed."""
    matcher = reader.postings(fieldname, text)
    filtered: Any = None
    if isinstance(matcher, FilterMatcher):  # a segment with deletions wraps its postings
        filtered, matcher = matcher, matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if type(matcher) is W3LeafMatcher:
        # As W3LeafMatcher._read_ids/_read_weights decode a block, with C-speed loops.
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            ids.extend(block_ids if matcher._byteids else accumulate(block_ids))
            if block_weights is None or isinstance(block_weights, float):
                weights.extend(array("f", [1.0 if block_weights is None else block_weights]) * matcher._blocklength)
            else:
                weights.extend(block_weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    if filtered is not None:
        listed, exclude = filtered._ids, filtered._exclude
        kept = [(d, w) for d, w in zip(ids, weights, strict=True) if (d in listed) != exclude]
        ids, weights = [d for d, _ in kept], [w for _, w in kept]
    return ids, weights


# -- searching -------------------------------------------------------------------------------------
class IndexMissing(Exception):
    """There is no complete index in the folder (or it was built by another schema version)."""


class SearchIndex:
    """An open index version: reuse one for many queries (open once, search often)."""

    def __init__(self, index_dir: Path) -> None:
        for _attempt in range(3):  # a version pruned between reading CURRENT and opening it: retry
            version = store.current_version(index_dir)
            manifest = store.read_manifest(version) if version else None
            if version is None or manifest is None or manifest.schema != SCHEMA_VERSION:
                raise IndexMissing(f"no search index in {index_dir}")
            try:
                self.ix = index.open_dir(str(version))
                self.searcher = self.ix.searcher()
                break
            except (OSError, index.EmptyIndexError):
                continue
        else:
            raise IndexMissing(f"the search index in {index_dir} is being replaced; try again")
        self.version = version
        self.manifest = manifest
        self.aliases: dict[str, list[str]] = manifest.data.get("aliases", {})
        self.names: dict[str, list[str]] = manifest.data.get("concepts", {})
        self._kind_docs: dict[str, set[int]] = {}
        self._kinds: list[int] | None = None
        self._labels: dict[str, str] | None = None
        self._set_scorer = _SetScorer(self.searcher)
        self._words: dict[str, int] | None = None

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def parse(self, text: str) -> tuple[Any, _ExpandPlugin]:
        """Check and parse a query (raises :class:`~litkb.search_query.QueryError`)."""
        check_query(text)
        expander = _ExpandPlugin(self.aliases, self.names, self.searcher.schema["text"].analyzer.common)
        parser = QueryParser("text", self.searcher.schema)  # not ix.schema: that re-reads the (maybe pruned) folder
        parser.add_plugin(GtLtPlugin())
        parser.add_plugin(expander)
        try:
            return _ranges(_pair_links(parser.parse(text))), expander
        except (IndexError, ValueError, AttributeError, TypeError) as err:
            # What the checks above let through and Whoosh's parser still trips on.
            raise QueryError(f"cannot read the query {text!r}; check its quotes, brackets and operators") from err

    def search(self, text: str, limit: int = 10, facets: bool = False) -> SearchResult:
        """Hits grouped by kind (best ``limit`` of each, BM25), snippets, did-you-mean, facets."""
        q, expander = self.parse(text)
        reader = self.searcher.reader()
        found = [(f, t.decode("utf-8")) for f, t in q.existing_terms(reader, expand=True)]
        terms = {w for f, t in found if f == "text" for w in t.split()}  # words, and the words of pairs
        groups = []
        required = _kinds_required(q)
        kinds = KINDS if required is None else [k for k in KINDS if k in required]
        try:
            scores: dict[int, float] | None = self._set_scorer.scores(q)
        except _Unsupported:
            scores = None
        if scores is not None:  # every match scored at once: exact counts
            best = self._set_scorer.top(scores, self._kind_of(), limit)
            for kind in kinds:
                if kind in best:
                    count, top = best[kind]
                    groups.append(Group(kind, count, tuple(self._hit(d, score, terms) for d, score in top)))
        else:
            for kind in kinds:
                results, counted = self._search_kind(q, kind, limit)
                if results.is_empty():
                    continue
                hits = tuple(self._hit_of(h["uid"], h.score or 0.0, h, terms) for h in results)
                # Counting every match of a broad query would cost more than ranking it: the total is
                # known when the kind was counted, when fewer than ``limit`` matched, or from facets.
                count = len(results) if counted else results.scored_length()
                groups.append(Group(kind, count if counted or count < limit else None, hits))
        facet_counts = self._facets(q, set(scores) if scores is not None else None) if facets else None
        if facet_counts is not None:  # counting facets finds every match: totals become exact
            totals = dict(facet_counts["kind"])
            groups = [Group(g.kind, totals.get(g.kind, g.total), g.hits) for g in groups]
        groups.sort(key=lambda g: (-g.hits[0].score, KINDS.index(g.kind)))
        return SearchResult(text, tuple(groups), self._did_you_mean(text, q, expander), facet_counts)

    def _hit(self, docnum: int, score: float, terms: set[str]) -> Any:
        stored = self.searcher.stored_fields(docnum)
        return self._hit_of(stored["uid"], score, stored, terms)

    def _hit_of(self, uid: str, score: float, stored: Any, terms: set[str]) -> Any:
        """A result from a document's stored fields (a dict, or a Whoosh hit)."""
        if self._labels is None:
            found = store.read_labels(self.version)
            self._labels = found[1] if found else {}
        return make_hit(uid, score, _snippet(stored, terms), stored["info"], hit_label(uid, stored["info"], self._labels))

    def _kind_of(self) -> list[int]:
        """Document number -> index of its kind in KINDS (-1: none), read once per open index."""
        if self._kinds is None:
            self._kinds = [-1] * self.searcher.doc_count_all()
            for number, kind in enumerate(KINDS):
                for d in query.Term("tags", f"kind:{kind}").docs(self.searcher):
                    self._kinds[d] = number
        return self._kinds

    def _search_kind(self, q: Any, kind: str, limit: int) -> tuple[Any, bool]:
        """The best ``limit`` documents of one kind, and whether every match was counted.

        A large kind is a filter (a set of document numbers) so that Whoosh can still skip blocks
        of postings that cannot reach the current top list. A small kind is intersected instead,
        so only its few documents are visited (with a filter the whole posting list of a common
        word would be walked while the top list never fills). The kind term weighs nothing, so
        scores compare across kinds; block skipping is off there because Whoosh's intersection
        skipping divides by the zero weight.
        """
        kind_term = query.Term("tags", f"kind:{kind}", boost=0.0)
        if self.manifest.counts.get(kind, 0) > SMALL_KIND:
            if kind not in self._kind_docs:
                self._kind_docs[kind] = set(kind_term.docs(self.searcher))
            return self.searcher.search(q, filter=self._kind_docs[kind], limit=limit), False
        return self.searcher.search(query.And([q, kind_term]), limit=limit, optimize=False), True

    # -- did you mean --------------------------------------------------------------------------
    def _did_you_mean(self, text: str, q: Any, expander: _ExpandPlugin) -> str | None:
        """The query with each unknown word replaced by the nearest known one, or None."""
        reader = self.searcher.reader()
        fixes: dict[tuple[int, int], str] = {}

        def fix(start: int, end: int, fieldname: str) -> None:
            word = self._suggest(text[start:end], fieldname)
            if word:
                fixes[(start, end)] = word

        for leaf in q.leaves():
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if isinstance(leaf, query.Phrase):  # positional phrase: each unknown word
                for word, (a, b) in zip(leaf.words, leaf.char_ranges, strict=False):
                    if a is not None and not reader.doc_frequency("text", word):
                        fix(a, b, "text")
            elif not isinstance(leaf, query.Term) or start is None or end is None or reader.doc_frequency(leaf.fieldname, leaf.text):
                continue
            elif leaf.fieldname == "tags" and leaf.text.startswith("author:"):
                fix(start, end, "author")
            elif leaf.fieldname == "text" and " " not in leaf.text:
                fix(start, end, "text")
            elif leaf.fieldname == "text":  # a word pair never seen: the unknown words inside
                for match in _WORD.finditer(text, start, end):
                    indexed = _term(match.group(0).lower())
                    if indexed and not reader.doc_frequency("text", indexed):
                        fix(match.start(), match.end(), "text")
        fixed = text
        for (start, end), word in sorted(fixes.items(), reverse=True):
            fixed = fixed[:start] + word + fixed[end:]
        for typed, near in expander.unknown_concepts:
            if near:
                fixed = re.sub(rf"concept:(\"{re.escape(typed)}\"|{re.escape(typed)})", f"concept:{near}", fixed, count=1)
        return fixed if fixed != text else None

    def _suggest(self, word: str, fieldname: str) -> str | None:
        """The known word nearest to ``word`` (edit distance, then frequency) that finds something
        in ``fieldname`` ("text", or "author" for the author names)."""
        folded = fold_text(word)
        # A long word is near no indexed word, and comparing it with each costs its length squared.
        if not folded.isalpha() or not 3 <= len(folded) <= SUGGEST_MAX_CHARS:
            return None
        if self._words is None:
            self._words = store.read_words(self.version)
        reader = self.searcher.reader()
        ranked = []
        for candidate in ListCorrector(sorted(self._words)).suggest(folded, limit=8, maxdist=1 if len(folded) <= 4 else 2):
            field, indexed = ("tags", f"author:{candidate}") if fieldname == "author" else ("text", _term(candidate))
            if candidate != folded and indexed and reader.doc_frequency(field, indexed):
                ranked.append((damerau_levenshtein(folded, candidate), -self._words.get(candidate, 0), candidate))
        return min(ranked)[2] if ranked else None

    # -- facets --------------------------------------------------------------------------------
    def _facets(self, q: Any, docs: set[int] | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts of matching documents (``docs``, else found now) per kind, concept, stance and year."""
        if docs is None:
            docs = set(self.searcher.docs_for_query(q))
        reader = self.searcher.reader()
        out: dict[str, list[tuple[str, int]]] = {}
        for name in ("kind", "concept", "stance", "year"):
            counts = []
            for raw in reader.expand_prefix("tags", f"{name}:"):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                n = sum(1 for d in reader.postings("tags", term).all_ids() if d in docs)
                if n:
                    counts.append((term[len(name) + 1:], n))
            if name == "kind":
                counts.sort(key=lambda c: KINDS.index(c[0]))
            elif name == "year":
                counts.sort()
            else:
                counts.sort(key=lambda c: (-c[1], c[0]))
            out[name] = counts
        return out


def _snippet(hit: Any, terms: set[str]) -> str:
    """The part of the body (else the title) with the most matched words, matches marked."""
    text = hit.get("body") or hit.get("title") or ""
    spans = _match_spans(text, terms)
    if not spans and hit.get("title") and text is not hit.get("title"):
        title = hit["title"]
        title_spans = _match_spans(title, terms)
        if title_spans:
            return make_snippet(title, title_spans)
    return make_snippet(text, spans)


def _match_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) of the words of ``text`` that are indexed as one of ``terms``. Each distinct
    word is analysed once (a long body repeats its words), then only its positions are listed."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer: positions differ
        return [(m.start(), m.end()) for m in _WORD.finditer(text) if _term(m.group(0).lower()) in terms]
    matching = {w for w in set(_WORD.findall(lowered)) if _term(w) in terms}
    if not matching:
        return []
    # Those words where they stand as whole tokens of _WORD (not inside "x.word" or "word.x").
    alternatives = "|".join(re.escape(w) for w in sorted(matching, key=len, reverse=True))
    return [m.span() for m in re.finditer(rf"(?<!\w)(?<!\w\.)(?:{alternatives})(?!\w)(?!\.\w)", lowered)]


def search(index_dir: Path, text: str, limit: int = 10, facets: bool = False) -> SearchResult:
    """Open the index in ``index_dir``, answer one query, close it."""
    with SearchIndex(index_dir) as ix:
        return ix.search(text, limit=limit, facets=facets)
