"""Searching an index version: open once, search often (hits by kind, snippets, did-you-mean, facets).

Input: an index folder (layout: :mod:`litkb.emit.search.store`) and query text. Output:
:class:`~litkb.emit.search.results.SearchResult` values. Read-only: no patch of Whoosh is applied
for searching.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import whoosh.index
import whoosh.query
import whoosh.sorting
import whoosh.spelling
import whoosh.support.levenshtein

from ....core.text import fold
from ....core.vocabulary import DOC_KINDS
from .. import store
from ..documents import hit_label
from ..query import SUGGEST_MAX_CHARS
from ..results import Group, SearchResult, make_hit, make_snippet
from .analysis import WORD, term
from .order import UidOrder
from .parsing import ExpandPlugin, kinds_required, parse_query
from .scoring import SetScorer, Unsupported
from .weighting import LiveBM25F

index: Any = whoosh.index
query: Any = whoosh.query
sorting: Any = whoosh.sorting
ListCorrector: Any = whoosh.spelling.ListCorrector
damerau_levenshtein: Any = whoosh.support.levenshtein.damerau_levenshtein

SMALL_KIND = 2000  # kinds with at most this many documents are intersected, larger ones filtered


class IndexMissing(Exception):
    """There is no complete index in the folder (or it was built by another schema version)."""


class SearchIndex:
    """An open index version: reuse one for many queries (open once, search often)."""

    def __init__(self, index_dir: Path) -> None:
        for _attempt in range(3):  # a version pruned between reading CURRENT and opening it: retry
            version = store.current_version(index_dir)
            manifest = store.read_manifest(version) if version else None
            if version is None or manifest is None or manifest.schema != store.SCHEMA_VERSION:
                raise IndexMissing(f"no search index in {index_dir}")
            try:
                self.ix = index.open_dir(str(version))
                # BM25F over the live documents: an index updated in place ranks as one built cold.
                self.weighting = LiveBM25F()
                self.searcher = self.ix.searcher(weighting=self.weighting)
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
        self._set_scorer = SetScorer(self.searcher)
        self._words: dict[str, int] | None = None
        self._uids: Any = None
        self._order = UidOrder(version, self.searcher.reader(), self._uid_of)

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def parse(self, text: str) -> tuple[Any, ExpandPlugin]:
        """Check and parse a query (raises :class:`~litkb.emit.search.query.QueryError`)."""
        # The searcher's schema, not ix.schema: that re-reads the (maybe pruned) version folder.
        return parse_query(self.searcher.schema, text, self.aliases, self.names)

    def search(self, text: str, limit: int = 10, facets: bool = False) -> SearchResult:
        """Hits grouped by kind (best ``limit`` of each, BM25), snippets, did-you-mean, facets."""
        q, expander = self.parse(text)
        reader = self.searcher.reader()
        found = [(f, t.decode("utf-8")) for f, t in q.existing_terms(reader, expand=True)]
        terms = {w for f, t in found if f == "text" for w in t.split()}  # words, and the words of pairs
        groups = []
        required = kinds_required(q)
        kinds = DOC_KINDS if required is None else [k for k in DOC_KINDS if k in required]
        try:
            scores: dict[int, float] | None = self._set_scorer.scores(q)
        except Unsupported:
            scores = None
        if scores is not None:  # every match scored at once: exact counts
            best = self._set_scorer.top(scores, self._kind_of(), limit, self._order)
            for kind in kinds:
                if kind in best:
                    count, top = best[kind]
                    groups.append(Group(kind, count, tuple(self._hit(d, score, terms) for d, score in top)))
        else:
            for kind in kinds:
                found, count = self._search_kind(q, kind, limit)
                if found:
                    groups.append(Group(kind, count, tuple(self._hit_of(h["uid"], score, h, terms) for score, h in found)))
        facet_counts = self._facets(q, set(scores) if scores is not None else None) if facets else None
        if facet_counts is not None:  # counting facets finds every match: totals become exact
            totals = dict(facet_counts["kind"])
            groups = [Group(g.kind, totals.get(g.kind, g.total), g.hits) for g in groups]
        groups.sort(key=lambda g: (-g.hits[0].score, DOC_KINDS.index(g.kind)))
        return SearchResult(text, tuple(groups), self._did_you_mean(text, q, expander), facet_counts)

    def _hit(self, docnum: int, score: float, terms: set[str]) -> Any:
        stored = self.searcher.stored_fields(docnum)
        return self._hit_of(stored["uid"], score, stored, terms)

    def _hit_of(self, uid: str, score: float, stored: Any, terms: set[str]) -> Any:
        """A result from a document's stored fields (a dict, or a Whoosh hit)."""
        if self._labels is None:
            found = store.read_labels(self.version)
            self._labels = found[1] if found else {}
        info = stored["info"]
        parts = None
        if uid.startswith("claim:"):
            # A claim's paraphrase and quote, each marked where it matched (the text output shows
            # them on lines of their own).
            text, quote = str(info.get("text", "")), str(info.get("quote", ""))
            parts = {"text": make_snippet(text, _match_spans(text, terms), width=CLAIM_TEXT_WIDTH),
                     "quote": make_snippet(quote, _match_spans(quote, terms), width=CLAIM_QUOTE_WIDTH) if quote else ""}
        return make_hit(uid, score, _snippet(stored, terms), info, hit_label(uid, info, self._labels), parts)

    def _uid_of(self, docnum: int) -> str:
        """A document's uid, from the uid column (not its stored fields: ties can be many)."""
        if self._uids is None:
            self._uids = self.searcher.reader().column_reader("uid")
        return str(self._uids[docnum])

    def _live_frequency(self, fieldname: str, text: str) -> int:
        """Live documents holding the term (a word only in deleted documents is unknown)."""
        return self.weighting.stats(self.searcher.reader()).doc_frequency(fieldname, text)

    def _kind_of(self) -> list[int]:
        """Document number -> index of its kind in DOC_KINDS (-1: none), read once per open index."""
        if self._kinds is None:
            self._kinds = [-1] * self.searcher.doc_count_all()
            for number, kind in enumerate(DOC_KINDS):
                for d in query.Term("tags", f"kind:{kind}").docs(self.searcher):
                    self._kinds[d] = number
        return self._kinds

    def _search_kind(self, q: Any, kind: str, limit: int) -> tuple[list[tuple[float, Any]], int]:
        """The best ``limit`` documents of one kind as (score, hit), ranked as the set scorer ranks
        (by score, then uid), and how many matched. Whoosh then scores every match (no blocks
        skipped), but only the query shapes the set scorer leaves to it come here.

        A large kind is a filter (a set of document numbers); a small kind is intersected
        instead, so only its few documents are visited. The kind term weighs nothing, so scores
        compare across kinds; Whoosh's skipping is off there (it divides by the zero weight).
        """
        kind_term = query.Term("tags", f"kind:{kind}", boost=0.0)
        order = [sorting.ScoreFacet(), sorting.FieldFacet("uid")]  # sort keys: (-score, uid)
        if self.manifest.counts.get(kind, 0) > SMALL_KIND:
            if kind not in self._kind_docs:
                self._kind_docs[kind] = set(kind_term.docs(self.searcher))
            results = self.searcher.search(q, filter=self._kind_docs[kind], limit=limit, sortedby=order)
        else:
            results = self.searcher.search(query.And([q, kind_term]), limit=limit, optimize=False, sortedby=order)
        return [(-hit.score[0], hit) for hit in results], len(results)

    # -- did you mean --------------------------------------------------------------------------
    def _did_you_mean(self, text: str, q: Any, expander: ExpandPlugin) -> str | None:
        """The query with each unknown word replaced by the nearest known one, or None."""
        fixes: dict[tuple[int, int], str] = {}

        def fix(start: int, end: int, fieldname: str) -> None:
            word = self._suggest(text[start:end], fieldname)
            if word:
                fixes[(start, end)] = word

        for leaf in q.leaves():
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if isinstance(leaf, query.Phrase):  # positional phrase: each unknown word
                for word, (a, b) in zip(leaf.words, leaf.char_ranges, strict=False):
                    if a is not None and not self._live_frequency("text", word):
                        fix(a, b, "text")
            elif not isinstance(leaf, query.Term) or start is None or end is None or self._live_frequency(leaf.fieldname, leaf.text):
                continue
            elif leaf.fieldname == "tags" and leaf.text.startswith("author:"):
                fix(start, end, "author")
            elif leaf.fieldname == "text" and " " not in leaf.text:
                fix(start, end, "text")
            elif leaf.fieldname == "text":  # a word pair never seen: the unknown words inside
                for match in WORD.finditer(text, start, end):
                    indexed = term(match.group(0).lower())
                    if indexed and not self._live_frequency("text", indexed):
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
        folded = fold(word)
        # A long word is near no indexed word, and comparing it with each costs its length squared.
        if not folded.isalpha() or not 3 <= len(folded) <= SUGGEST_MAX_CHARS:
            return None
        if self._words is None:
            self._words = store.read_words(self.version)
        ranked = []
        for candidate in ListCorrector(sorted(self._words)).suggest(folded, limit=8, maxdist=1 if len(folded) <= 4 else 2):
            field, indexed = ("tags", f"author:{candidate}") if fieldname == "author" else ("text", term(candidate))
            if candidate != folded and indexed and self._live_frequency(field, indexed):
                ranked.append((damerau_levenshtein(folded, candidate), -self._words.get(candidate, 0), candidate))
        return min(ranked)[2] if ranked else None

    # -- facets --------------------------------------------------------------------------------
    def _facets(self, q: Any, docs: set[int] | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts of matching documents (``docs``, else found now) per kind, concept, stance, claim type and year."""
        if docs is None:
            docs = set(self.searcher.docs_for_query(q))
        reader = self.searcher.reader()
        out: dict[str, list[tuple[str, int]]] = {}
        for name in ("kind", "concept", "stance", "type", "year"):
            counts = []
            for raw in reader.expand_prefix("tags", f"{name}:"):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                n = sum(1 for d in reader.postings("tags", term).all_ids() if d in docs)
                if n:
                    counts.append((term[len(name) + 1:], n))
            if name == "kind":
                counts.sort(key=lambda c: DOC_KINDS.index(c[0]))
            elif name == "year":
                counts.sort()
            else:
                counts.sort(key=lambda c: (-c[1], c[0]))
            out[name] = counts
        return out


# Characters of a claim's paraphrase and quote shown in a result (most are shorter: shown whole).
CLAIM_TEXT_WIDTH, CLAIM_QUOTE_WIDTH = 400, 320


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
        return [(m.start(), m.end()) for m in WORD.finditer(text) if term(m.group(0).lower()) in terms]
    matching = {w for w in set(WORD.findall(lowered)) if term(w) in terms}
    if not matching:
        return []
    # Those words where they stand as whole tokens of WORD (not inside "x.word" or "word.x").
    alternatives = "|".join(re.escape(w) for w in sorted(matching, key=len, reverse=True))
    return [m.span() for m in re.finditer(rf"(?<!\w)(?<!\w\.)(?:{alternatives})(?!\w)(?!\.\w)", lowered)]


def search(index_dir: Path, text: str, limit: int = 10, facets: bool = False) -> SearchResult:
    """Open the index in ``index_dir``, answer one query, close it."""
    with SearchIndex(index_dir) as ix:
        return ix.search(text, limit=limit, facets=facets)
