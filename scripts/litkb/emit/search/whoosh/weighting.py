"""BM25F over the live documents: the same scores from an index updated in place as from one
built cold from the same notes.

Input: an open Whoosh searcher (the weighting is handed to it). Output: the idf and average field
length its BM25F scorers use. An update deletes a document by marking it in its segment's list of
deletions, and Whoosh's own BM25F still counts such documents: in the number of documents, in
each word's document frequency and in the total field length. Here all three count the live
documents only:

- documents: those not deleted;
- a word's document frequency: Whoosh's, less the deleted documents in its posting list (looked
  up per segment that has deletions, by skipping to each deleted document);
- average field length: the sum over live documents of the length Whoosh stores for each (one
  byte, rounded above 10 words) over their number. The stored lengths are the ones BM25F uses for
  each document anyway; their sum, unlike Whoosh's exact total, can be taken again without the
  deleted documents, so it does not depend on which segment holds what.
"""

from __future__ import annotations

from math import log
from typing import Any

import whoosh.scoring
import whoosh.util.numeric

from .postings import deleted_postings, stored_lengths

BM25F: Any = whoosh.scoring.BM25F
BM25FScorer: Any = whoosh.scoring.BM25FScorer
WeightScorer: Any = whoosh.scoring.WeightScorer
byte_to_length: Any = whoosh.util.numeric.byte_to_length


class LiveStats:
    """Statistics of the live documents of one index reader (computed on first use, kept)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.leaves: list[tuple[Any, int]] = reader.leaf_readers()
        self._lengths: dict[str, float] = {}

    def doc_count(self) -> int:
        return int(self.reader.doc_count())

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        """Live documents holding the term."""
        total = 0
        for leaf, _offset in self.leaves:
            found = int(leaf.doc_frequency(fieldname, text))
            if found and leaf.has_deletions():
                found -= deleted_postings(leaf, fieldname, text)
            total += found
        return total

    def avg_field_length(self, fieldname: str) -> float:
        """Mean stored length of the field over the live documents (0.0 without any)."""
        if fieldname not in self._lengths:
            total = 0
            for leaf, _offset in self.leaves:
                lengths = stored_lengths(leaf, fieldname)
                total += sum(map(byte_to_length, lengths))
                total -= sum(byte_to_length(lengths[d]) for d in leaf.deleted_docs_set)
            live = self.doc_count()
            self._lengths[fieldname] = total / live if live else 0.0
        return self._lengths[fieldname]


class LiveBM25FScorer(BM25FScorer):  # type: ignore[misc]
    """Whoosh's BM25F scorer with the live average field length (the idf comes from the
    weighting through the searcher, as in Whoosh)."""

    def __init__(self, searcher: Any, fieldname: str, text: str, B: float, K1: float, stats: LiveStats, qf: int = 1) -> None:  # noqa: N803 - Whoosh's names
        parent = searcher.get_parent()  # returns the searcher itself when it has no parent
        self.idf = parent.idf(fieldname, text)
        self.avgfl = stats.avg_field_length(fieldname) or 1
        self.B = B
        self.K1 = K1
        self.qf = qf
        # After idf and avgfl: setup() computes the best possible score, which lets Whoosh skip
        # blocks of postings that cannot reach the top; it must use the same statistics.
        self.setup(searcher, fieldname, text)


class LiveBM25F(BM25F):  # type: ignore[misc]
    """BM25F (Whoosh's B and K1) over the live documents; one instance per searcher."""

    def __init__(self) -> None:
        super().__init__()
        self._stats: LiveStats | None = None

    def stats(self, reader: Any) -> LiveStats:
        """The live statistics of ``reader`` (the top-level reader of the searcher)."""
        # The weighting lives as long as its searcher; it holds the reader itself, not its id,
        # so a statistic can never be one of another reader.
        if self._stats is None or self._stats.reader is not reader:
            self._stats = LiveStats(reader)
        return self._stats

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        """Whoosh's idf, log(N / (df + 1)) + 1, over the live documents."""
        parent = searcher.get_parent()
        stats = self.stats(parent.reader())
        return log(stats.doc_count() / (stats.doc_frequency(fieldname, text) + 1)) + 1

    def scorer(self, searcher: Any, fieldname: str, text: str, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        stats = self.stats(searcher.get_parent().reader())
        return LiveBM25FScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, stats, qf=qf)
