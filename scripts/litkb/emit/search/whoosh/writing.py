"""Writing an index version with Whoosh: a new index from documents, or an update of a copied one.

Input: search documents and a version folder (:mod:`litkb.emit.search.store` lays the folders out;
:mod:`litkb.emit.search.build` decides what to write). Output: the Whoosh segments in that folder.
The speed patches of :mod:`.patches` are applied here, before anything is written, and in each
index worker (:mod:`.worker`).

An update never rewrites the segments of a cold build: it writes one new segment with the
changed documents, marks the old copies deleted (in the new table of contents; segment files are
never changed in place) and merges only small segments, those of earlier updates
(:func:`merge_small`). Whoosh's own policy, MERGE_SMALL, calls "small" whatever falls below a
Fibonacci number of its rank, so ~20 equal segments of a parallel cold build all count as small:
one changed note rewrote 70,000 documents. :func:`optimize` merges, on request, the segments
where deletions have piled up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import Any

import whoosh.codec.whoosh3
import whoosh.index

from ....core.model import KnowledgeBase
from ..documents import SearchDoc, concept_names
from . import patches
from .analysis import WORD, analysed, term
from .order import write_orders
from .schema import index_fields, make_schema

index: Any = whoosh.index
W3Codec: Any = whoosh.codec.whoosh3.W3Codec

PARALLEL_FROM = 5000  # documents; below this one process is faster than starting workers
ROUND_DOCS = 7_500  # documents per indexing round (bounds the memory of each worker)
START_METHOD = "forkserver"  # how index workers start (see write_new)
POOL_MB = 256  # per writer process; a round's postings fit, so no sorted runs spill to disk
# Uncompressed posting blocks: 13% faster to write (and faster to read), twice the size. Segments
# stay compound (one file, opened whole): an open reader survives its version being pruned.
WRITER_OPTIONS: dict[str, Any] = {"codec": W3Codec(compression=0)}
COMMON_SHARE = 0.02  # words in this share of the documents (and at least COMMON_MIN) get pairs
COMMON_MIN = 100
# Merging in an update: segments below SMALL_SEGMENT documents are small; once MERGE_AT of them
# are there, the smallest, up to MERGE_DOCS documents together, are merged into the new segment.
SMALL_SEGMENT = 1_000
MERGE_AT = 10
MERGE_DOCS = 2_000
# kb index --optimize also rewrites a large segment once this share of its documents is deleted
# (a few deletions cost a little space; rewriting ~4,000 documents costs seconds).
DELETED_SHARE = 0.1


def alias_table(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Analysed concept name ("hybrid leadership", "catch 22") -> concept ids, for query expansion."""
    table: dict[str, set[str]] = {}
    for cid, names in concept_names(kb).items():
        for name in names:
            key = analysed(name)
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
        counts.update({t for w in WORD.findall(f"{doc.title}\n{doc.body}\n{doc.author}".lower()) if (t := term(w))})
    needed = max(COMMON_MIN, COMMON_SHARE * len(docs)) * len(sample) / max(len(docs), 1)
    return frozenset(t for t, n in counts.items() if n >= needed)


def write_new(version: Path, docs: list[SearchDoc], procs: int, each: Callable[[SearchDoc], object], before_commit: Callable[[], object]) -> None:
    """Index ``docs`` into a new index in ``version`` (pairs indexed for the words common in them).

    Many documents are indexed in rounds of at most ROUND_DOCS by ``procs`` worker processes, each round
    adding unmerged segments: a worker then holds one round's postings in memory, never the
    whole index (a pool that overflows to disk merges sorted runs, which is slower still).

    Workers are forked from a fork server, not from this process: a worker forked from here
    would privately copy much of the loaded knowledge base as soon as it touched a page of it
    (reference counts and allocations write to inherited pages): 550 MB for the whole build at
    10,000 sources instead of 460. As with any multiprocessing code, a script that calls this
    at its top level must guard that call with ``if __name__ == "__main__":``.

    Applies the indexing patches first (:func:`.patches.apply`: raises UnsupportedVersion for
    another whoosh3 than the pinned one).
    """
    patches.apply()
    ix = index.create_in(str(version), make_schema(common_terms(docs)))
    options = {"limitmb": POOL_MB, **WRITER_OPTIONS}
    parallel = procs > 1 and len(docs) >= PARALLEL_FROM
    if parallel and START_METHOD == "forkserver":
        import multiprocessing

        # The fork server imports this module (and Whoosh) once; each worker, forked from it, has
        # them already (else every worker of every round imports them again: ~0.15 s each), and
        # the patches, which the worker module applies there.
        multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", __name__, f"{__package__}.worker"])
    # Rounds of equal size, at most ROUND_DOCS each: a short last round would leave small segments,
    # which the first updates would then merge (rewrite) for nothing.
    size = max(1, ceil(len(docs) / max(1, ceil(len(docs) / ROUND_DOCS))))
    rounds = [docs[i:i + size] for i in range(0, len(docs), size)] or [[]]
    for number, chunk in enumerate(rounds, 1):
        # Worker processes, segments left unmerged: the fastest cold build (DESIGN.md, Whoosh facts).
        writer = ix.writer(procs=procs, multisegment=True, start_method=START_METHOD, **options) if parallel else ix.writer(**options)
        _write(writer, (), chunk, each, before_commit if number == len(rounds) else lambda: None, None)
    write_orders(version)


def write_update(version: Path, delete: tuple[str, ...], docs: list[SearchDoc], each: Callable[[SearchDoc], object], before_commit: Callable[[], object],
                 gone: Callable[[dict[str, Any]], object] = lambda _stored: None) -> None:
    """Delete documents by uid from the (copied) index in ``version`` (calling ``gone`` with the
    stored fields of each first) and add ``docs`` in a new segment, merging small segments only
    (:func:`merge_small`); patched as :func:`write_new`."""
    patches.apply()
    writer = index.open_dir(str(version)).writer(**WRITER_OPTIONS)
    try:
        searcher = writer.searcher()
        for uid in delete:
            number = searcher.document_number(uid=uid)
            if number is not None:
                gone(searcher.stored_fields(number))
    except BaseException:
        writer.cancel()
        raise
    _write(writer, delete, docs, each, before_commit, merge_small)
    write_orders(version)


def to_optimize(version: Path) -> int:
    """How many segments :func:`optimize` would merge in ``version`` (0: nothing to do)."""
    return len(_to_optimize(index.open_dir(str(version))._segments()))


def _to_optimize(segments: list[Any]) -> list[Any]:
    """The segments that are small (SMALL_SEGMENT) or have DELETED_SHARE of their documents
    deleted; none when that is one segment without deletions (merging it would only copy it)."""
    chosen = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT or s.deleted_count() >= DELETED_SHARE * s.doc_count_all()]
    return chosen if len(chosen) > 1 or any(s.has_deletions() for s in chosen) else []


def optimize(version: Path, before_commit: Callable[[], object] = lambda: None) -> int:
    """Merge, in the (copied) index in ``version``, the small segments and those with many deleted
    documents into one (:func:`to_optimize`). Returns the number of segments merged."""
    patches.apply()
    writer = index.open_dir(str(version)).writer(**{"limitmb": POOL_MB, **WRITER_OPTIONS})
    chosen = _to_optimize(writer.segments)
    _write(writer, (), [], lambda _doc: None, before_commit, lambda writer, segments: _merge(writer, segments, chosen))
    write_orders(version)
    return len(chosen)


def merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy of updates: once MERGE_AT segments or more hold fewer than
    SMALL_SEGMENT documents each, merge the smallest of them, up to MERGE_DOCS documents
    together, into the segment being written. Returns the segments left as they are."""
    small = sorted((s for s in segments if s.doc_count_all() < SMALL_SEGMENT), key=lambda s: s.doc_count_all())
    if len(small) < MERGE_AT:
        return segments
    chosen: list[Any] = []
    total = 0
    for segment in small:
        if len(chosen) >= 2 and total + segment.doc_count_all() > MERGE_DOCS:
            break
        chosen.append(segment)
        total += segment.doc_count_all()
    return _merge(writer, segments, chosen)


def _merge(writer: Any, segments: list[Any], chosen: list[Any]) -> list[Any]:
    """Add the live documents of the ``chosen`` segments to ``writer``; the other segments stay."""
    from whoosh.reading import SegmentReader

    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [s for s in segments if s not in chosen]


def _write(writer: Any, delete: tuple[str, ...], docs: list[SearchDoc], each: Callable[[SearchDoc], object], before_commit: Callable[[], object],
           policy: Callable[[Any, list[Any]], list[Any]] | None) -> None:
    """Delete by uid, add ``docs`` (calling ``each`` on every one: that work overlaps with the
    worker processes), commit, merging as ``policy`` says (None: no merge); cancel on any failure."""
    try:
        for uid in delete:
            writer.delete_by_term("uid", uid)
        for doc in docs:
            each(doc)
            writer.add_document(**index_fields(doc))
        before_commit()
        if policy is None:
            writer.commit(merge=False)
        else:
            writer.commit(mergetype=policy)
    except BaseException:
        writer.cancel()
        raise

