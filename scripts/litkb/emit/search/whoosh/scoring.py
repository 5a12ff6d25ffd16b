"""Set-at-a-time scoring: every match of a query and its BM25F score, a posting list at a time.

Input: an open Whoosh searcher and a parsed query. Output: document number -> score, the same
scores Whoosh's own matchers give (``tests/test_search_scoring.py`` compares them).
"""

from __future__ import annotations

from heapq import nlargest
from typing import Any

import whoosh.query
import whoosh.scoring
import whoosh.util.numeric

from ....core.vocabulary import DOC_KINDS
from .order import UidOrder
from .parsing import TagRange
from .postings import positions_in, read_postings, seek_postings, stored_lengths
from .weighting import LiveBM25FScorer

query: Any = whoosh.query
BM25FScorer: Any = whoosh.scoring.BM25FScorer
WeightScorer: Any = whoosh.scoring.WeightScorer
byte_to_length: Any = whoosh.util.numeric.byte_to_length

SKIP_RATIO = 8  # a posting list this many times longer than the candidates is skipped through, not read


# -- set-at-a-time evaluation ----------------------------------------------------------------------
class Unsupported(Exception):
    """A query shape :class:`SetScorer` leaves to Whoosh's own matchers."""


class SetScorer:
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
    :class:`Unsupported` and is searched by Whoosh.
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
        if isinstance(q, TagRange):
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
                raise Unsupported
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
        raise Unsupported

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
            positions = [positions_in(reader, fieldname, w, local) for w in words]
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
        return SetScorer._boosted(kept, boost)

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
                ids, weights = seek_postings(reader, q.fieldname, q.text, sorted(d - offset for d in within if d >= offset))
            else:
                ids, weights = read_postings(reader, q.fieldname, q.text)
                if within is not None:
                    kept = [i for i, d in enumerate(ids) if d + offset in within]
                    ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
            scorer = self.searcher.weighting.scorer(sub, q.fieldname, q.text)
            if type(scorer) in (BM25FScorer, LiveBM25FScorer):
                # Whoosh's bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))), with
                # the length part computed once per document and field: the same operations, same floats.
                norms = self._norms(number, reader, q.fieldname, scorer)
                idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
                found.update({d + offset: idf * ((w * k1_plus_1) / (w + norms[d])) for d, w in zip(ids, weights, strict=True)})
            elif type(scorer) is WeightScorer:
                found.update(zip([d + offset for d in ids], weights, strict=True))
            else:
                raise Unsupported
        return self._boosted(found, q.boost)

    def _norms(self, number: int, reader: Any, fieldname: str, scorer: Any) -> list[float]:
        """``K1 * ((1 - B) + B * fl / avgfl)`` for each document of one segment, from the field
        lengths Whoosh stores (a byte each); computed once per segment and field."""
        key = (number, fieldname, scorer.B, scorer.K1, scorer.avgfl)
        if key not in self._lengths:
            # As Whoosh's doc_field_length(docnum, fieldname, 1): a document without a length counts 1.
            lengths = [byte_to_length(b) if b else 1 for b in stored_lengths(reader, fieldname)]
            b, k1, avgfl = scorer.B, scorer.K1, scorer.avgfl
            self._lengths[key] = [k1 * ((1 - b) + b * fl / avgfl) for fl in lengths]
        return self._lengths[key]

    def top(self, scores: dict[int, float], kind_of: list[int], limit: int, order: UidOrder) -> dict[str, tuple[int, list[tuple[int, float]]]]:
        """Kind -> (number of matches, best ``limit`` (document, score)); ``kind_of`` gives each
        document's index in DOC_KINDS. Equal scores are ranked by uid (``order``), not by
        document number: where a document sits depends on the index's history (an update appends
        the documents it re-indexes), its uid does not."""
        buckets: list[list[int]] = [[] for _ in DOC_KINDS]
        for d in scores:
            kind = kind_of[d]
            if kind >= 0:
                buckets[kind].append(d)
        return {DOC_KINDS[k]: (len(docs), [(d, scores[d]) for d in _best(docs, scores, limit, order)]) for k, docs in enumerate(buckets) if docs}


def _best(docs: list[int], scores: dict[int, float], limit: int, order: UidOrder) -> list[int]:
    """The ``limit`` best of ``docs``: by score, then by uid. Of the documents tied at the cut
    (a tag query ties thousands) only those with the smallest uids are taken."""
    best = nlargest(limit, docs, key=scores.__getitem__)
    if len(docs) > limit:
        cut = scores[best[-1]]
        above = [d for d in best if scores[d] > cut]
        best = above + order.smallest([d for d in docs if scores[d] == cut], limit - len(above))
    return sorted(best, key=lambda d: (-scores[d], order.uid_of(d)))

