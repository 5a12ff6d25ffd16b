"""Building and updating the search index: which documents to (re)write, and the version swap.

Input: a :class:`~litkb.core.model.KnowledgeBase` and an index folder. Output: a new complete version
folder that CURRENT points to (layout: :mod:`.store`). Whoosh itself is driven through
:mod:`.whoosh.writing` (Whoosh is imported only under :mod:`.whoosh`); this module decides what to write.
"""

from __future__ import annotations

import gc
import shutil
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from ...core.model import KnowledgeBase
from ...core.vocabulary import DOC_KINDS
from ...core.workers import ChildJob, Ready
from ..cite.styles import DEFAULT_STYLE
from ..labels import start_labels
from . import store
from .documents import SearchDoc, concept_names, doc_words, documents, fold_counts, library_digest, unit_digests, unit_documents, unit_of
from .whoosh import writing

# An update touching more than this share of the documents rebuilds instead (in parallel).
REBUILD_SHARE = 0.25


def update_index(kb: KnowledgeBase, index_dir: Path, stamps: Mapping[str, store.FileStamp] | None = None,
                 full: bool = False, procs: int = 2, style: str = DEFAULT_STYLE) -> dict[str, int]:
    """Build or incrementally update the index of ``kb`` in ``index_dir``; atomic either way.

    Only the documents of units (entry, note, concept, author) whose digest changed are
    re-indexed, into a copy of the current version; readers switch when CURRENT is replaced.
    ``stamps`` are the input files' stamps taken *before* ``kb`` was loaded (an edit made during the build then shows as stale later);
    by default they are taken now. ``style`` is the citation style of the works' labels ("Gronn
    (2009b)"): the site's (:func:`litkb.site.config.citation_style`), so results match the pages.
    Returns counts: documents, added, changed, removed, rebuilt. Raises
    :class:`~litkb.emit.search.store.IndexBusy` if another process holds the writer lock, and
    :class:`~litkb.core.versions.UnsupportedVersion` for another whoosh3 than the pinned one.
    """
    stamps = dict(stamps) if stamps is not None else store.stamp_inputs(kb.root)
    was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived acyclic objects: the cyclic GC would only cost time
    try:
        with store.writer_lock(index_dir, wait=False):
            return _update(kb, index_dir, stamps, full, procs, style)
    finally:
        if was_enabled:
            gc.enable()


def _update(kb: KnowledgeBase, index_dir: Path, stamps: dict[str, store.FileStamp], full: bool, procs: int, style: str) -> dict[str, int]:
    current = store.current_version(index_dir)
    manifest = store.read_manifest(current) if current else None
    stored = store.read_units(current) if current and manifest and manifest.schema == store.SCHEMA_VERSION else None
    # The labels ("Gronn (2009b)") are made again only when the library or the style changed; for
    # a large library in a child process, while the documents are indexed here.
    labels = _Labels(library_digest(kb, style), store.read_labels(current) if current and stored is not None else None, kb, style)
    try:
        return _update_documents(kb, index_dir, stamps, full, procs, current, stored, labels)
    finally:
        labels.job.cancel()


class _Labels:
    """The library's labels for a new version: those of the current one when still right, else
    being computed (:func:`litkb.emit.labels.start_labels`)."""

    def __init__(self, digest: str, current: tuple[str, dict[str, str]] | None, kb: KnowledgeBase, style: str) -> None:
        self.digest = digest
        self.changed = current is None or current[0] != digest
        self.job: ChildJob[dict[str, str]] | Ready[dict[str, str]] = Ready(current[1]) if current is not None and not self.changed else start_labels(kb, style)

    def write(self, version: Path) -> None:
        store.write_labels(version, self.digest, self.job.result())


def _update_documents(kb: KnowledgeBase, index_dir: Path, stamps: dict[str, store.FileStamp], full: bool, procs: int, current: Path | None,
                      stored: tuple[dict[str, str], list[str]] | None, labels: _Labels) -> dict[str, int]:
    units = unit_digests(kb)
    total = len(kb.sources) + len(kb.claims) + len(kb.concepts) + len(kb.persons) + len(kb.questions)
    if current is None or stored is None or full:
        docs = list(documents(kb))
        _write_version(kb, index_dir, None, docs, units, [d.uid for d in docs], stamps, procs, labels)
        return {"documents": len(docs), "added": len(docs), "changed": 0, "removed": 0, "rebuilt": 1}
    old_units, old_uids = stored
    touched = {u for u, d in units.items() if old_units.get(u) != d} | (set(old_units) - set(units))
    if not touched:
        if labels.changed:  # e.g. another citation style: the documents stay, the labels change
            labels.write(current)
        store.write_json(current / store.FILES, stamps)  # same content; only file stamps moved
        return {"documents": total, "added": 0, "changed": 0, "removed": 0, "rebuilt": 0}
    fresh = unit_documents(kb, touched & set(units))
    new = {d.uid for d in fresh}
    before = {uid for uid in old_uids if unit_of(uid) in touched}
    counts = {"documents": total, "added": len(new - before), "changed": len(new & before), "removed": len(before - new), "rebuilt": 0}
    if len(fresh) + len(before - new) > REBUILD_SHARE * total:
        docs = list(documents(kb))
        _write_version(kb, index_dir, None, docs, units, [d.uid for d in docs], stamps, procs, labels)
        return {"documents": len(docs), "added": len(docs), "changed": 0, "removed": 0, "rebuilt": 1}
    uids = sorted((set(old_uids) - before) | new)
    _write_version(kb, index_dir, current, fresh, units, uids, stamps, procs, labels, delete=tuple(sorted(before)))
    return counts


def _write_version(kb: KnowledgeBase, index_dir: Path, base: Path | None, fresh: list[SearchDoc], units: dict[str, str], uids: list[str],
                   stamps: dict[str, store.FileStamp], procs: int, labels: _Labels, delete: tuple[str, ...] = ()) -> None:
    """Write a new version folder (from scratch, or a copy of ``base`` plus changes), then switch.

    Whatever fails or is killed before the switch leaves CURRENT on the previous version; the
    half-written folder is removed here or pruned by the next build.
    """
    version = store.new_version(index_dir)
    try:
        found: Counter[str] = Counter()

        def count(doc: SearchDoc) -> None:
            found.update(doc_words(doc))

        if base is None:
            writing.write_new(version, fresh, procs, count, lambda: _before_commit(version))
        else:
            store.clone_version(base, version)
            writing.write_update(version, delete, fresh, count, lambda: _before_commit(version))
        store.write_words(version, fold_counts(found, Counter(store.read_words(base)) if base else None))
        store.write_units(version, units, uids)
        labels.write(version)
        store.write_json(version / store.FILES, stamps)
        kinds = Counter(uid.split(":", 1)[0] for uid in uids)
        data = {"aliases": writing.alias_table(kb), "concepts": concept_names(kb)}
        # The manifest is written last: a version folder without one is never used.
        store.write_manifest(version, store.Manifest(store.SCHEMA_VERSION, {k: kinds.get(k, 0) for k in DOC_KINDS}, data))
        store.switch_to(index_dir, version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise


def _before_commit(version: Path) -> None:
    """Hook between adding documents and committing them (tests interrupt builds here)."""
