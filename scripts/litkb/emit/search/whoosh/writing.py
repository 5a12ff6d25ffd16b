"""Writing an index version with Whoosh: a new index from documents, or an update of a copied one.

Input: search documents and a version folder (:mod:`litkb.emit.search.store` lays the folders out;
:mod:`litkb.emit.search.build` decides what to write). Output: the Whoosh segments in that folder.
The speed patches of :mod:`.patches` are applied here, before anything is written, and in each
index worker (:mod:`.worker`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import whoosh.codec.whoosh3
import whoosh.index

from ....core.model import KnowledgeBase
from ..documents import SearchDoc, concept_names
from . import patches
from .analysis import WORD, analysed, term
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

    Many documents are indexed in rounds of ROUND_DOCS by ``procs`` worker processes, each round
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
    rounds = [docs[i:i + ROUND_DOCS] for i in range(0, len(docs), ROUND_DOCS)] or [[]]
    for number, chunk in enumerate(rounds, 1):
        # Worker processes, segments left unmerged: the fastest cold build (DESIGN.md, Whoosh facts).
        writer = ix.writer(procs=procs, multisegment=True, start_method=START_METHOD, **options) if parallel else ix.writer(**options)
        _write(writer, (), chunk, each, before_commit if number == len(rounds) else lambda: None, merge=False)


def write_update(version: Path, delete: tuple[str, ...], docs: list[SearchDoc], each: Callable[[SearchDoc], object], before_commit: Callable[[], object]) -> None:
    """Delete documents by uid from the (copied) index in ``version`` and add ``docs`` (patched
    as :func:`write_new`)."""
    patches.apply()
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
            writer.add_document(**index_fields(doc))
        before_commit()
        writer.commit(merge=merge)
    except BaseException:
        writer.cancel()
        raise

