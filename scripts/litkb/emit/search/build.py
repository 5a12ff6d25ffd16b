"""Building and updating the search index: which documents to (re)write, and the version swap.

Input: a :class:`~litkb.core.model.KnowledgeBase` (or, when only notes changed, the current
version's snapshot of it and the changed notes) and an index folder. Output: a new complete
version folder that CURRENT points to (layout: :mod:`.store`). Whoosh itself is driven through
:mod:`.whoosh.writing` (Whoosh is imported only under :mod:`.whoosh`); this module decides what to
write. An update writes only the documents of changed units, in a new segment beside the hard
links to the current version's segments.
"""

from __future__ import annotations

import gc
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ...core.model import KnowledgeBase, Note
from ...core.problems import Problem
from ...core.vocabulary import DOC_KINDS
from ...core.workers import ChildJob, Ready
from ..cite.styles import DEFAULT_STYLE
from ..labels import start_labels
from . import snapshot, store
from .documents import (
    SearchDoc,
    concept_names,
    doc_words,
    documents,
    entry_and_note_digests,
    fold_counts,
    library_digest,
    stored_words,
    unit_digests,
    unit_documents,
    unit_of,
)
from .whoosh import writing

# An update touching more than this share of the documents rebuilds instead (in parallel).
REBUILD_SHARE = 0.25
# An update of more note files than this loads the whole knowledge base (update_notes declines).
NOTES_AT_MOST = 200

# (knowledge base without notes, names of note files in kb/sources) -> (notes by file, problems in those files)
NoteLoader = Callable[[KnowledgeBase, list[str]], tuple[dict[str, Note], list[Problem]]]
Counts = dict[str, int]


def update_index(kb: KnowledgeBase, index_dir: Path, stamps: Mapping[str, store.FileStamp] | None = None,
                 full: bool = False, procs: int = 2, style: str = DEFAULT_STYLE, loader: str = "") -> Counts:
    """Build or incrementally update the index of ``kb`` in ``index_dir``; atomic either way.

    Only the documents of units (entry, note, concept, author, question) whose digest changed
    are re-indexed, into a new segment of a new version (the current version's segments linked);
    readers switch when CURRENT is replaced.
    ``stamps`` are the input files' stamps taken *before* ``kb`` was loaded (an edit made during the build then shows as stale later);
    by default they are taken now. ``style`` is the citation style of the works' labels ("Gronn
    (2009b)"): the site's (:func:`litkb.site.config.citation_style`), so results match the pages.
    ``loader`` fingerprints the code that loaded ``kb``: when given, the version keeps the
    snapshot that lets :func:`update_notes` skip loading next time.
    Returns counts: documents, added, changed, removed, rebuilt. Raises
    :class:`~litkb.emit.search.store.IndexBusy` if another process holds the writer lock, and
    :class:`~litkb.core.versions.UnsupportedVersion` for another whoosh3 than the pinned one.
    """
    stamps = dict(stamps) if stamps is not None else store.stamp_inputs(kb.root)
    with _writing(index_dir):
        current = store.current_version(index_dir)
        manifest = store.read_manifest(current) if current else None
        stored = store.read_units(current) if current and manifest and manifest.schema == store.SCHEMA_VERSION else None
        # The labels ("Gronn (2009b)") are made again only when the library or the style changed; for
        # a large library in a child process, while the documents are indexed here.
        labels = _Labels(library_digest(kb, style), store.read_labels(current) if current and stored is not None else None, kb, style)

        def keep(version: Path) -> None:
            if loader:
                snapshot.write(version, kb, loader)

        try:
            if current is not None and stored is not None and not full:
                counts = _apply(_Change(kb, current, stored, unit_digests(kb), None, labels, keep), index_dir, stamps, procs)
                if counts is not None:
                    return counts
            return _rebuild(kb, index_dir, stamps, procs, labels, keep)
        finally:
            labels.job.cancel()


def update_notes(root: Path, index_dir: Path, stamps: Mapping[str, store.FileStamp], load_notes: NoteLoader, loader: str,
                 style: str = DEFAULT_STYLE) -> tuple[Counts, int] | None:
    """Update the index when only note files changed, without loading the knowledge base.

    The entries, people and concepts come from the current version's snapshot (:mod:`.snapshot`,
    made by the same ``loader``); ``load_notes`` reads the changed note files alone (as
    :func:`litkb.rules.link.build_kb` reads each). Returns (counts as :func:`update_index`'s, the
    number of errors in the knowledge base), or None when this cannot be done so: no usable
    snapshot, another input changed (references.bib, a concept, a question page), the style of
    the labels changed, a question page cites a changed note, more than NOTES_AT_MOST notes changed, a note whose key is not its file's name or is
    another file's, or so many documents that a rebuild is due. The caller then loads the whole
    knowledge base and calls :func:`update_index`. Raises as :func:`update_index`.
    """
    with _writing(index_dir):
        current = store.current_version(index_dir)
        manifest = store.read_manifest(current) if current else None
        stored = store.read_units(current) if current and manifest and manifest.schema == store.SCHEMA_VERSION else None
        found = snapshot.read(current, loader, root) if current and stored is not None else None
        if current is None or stored is None or found is None:
            return None
        library, files = found
        recorded = store.read_file_stamps(current)
        changed = sorted(p for p in recorded.keys() | stamps.keys() if (recorded.get(p) or (0, 0, ""))[2] != (stamps.get(p) or (0, 0, ""))[2])
        if len(changed) > NOTES_AT_MOST or not all(_is_note_file(p) for p in changed):
            return None
        old_labels = store.read_labels(current)
        if old_labels is None or old_labels[0] != library_digest(library, style):
            return None
        notes, problems = load_notes(library, [p.rsplit("/", 1)[1] for p in changed])
        others = {key for path, key in files.keys.items() if path not in changed}
        clash = len({note.key for note in notes.values()}) < len(notes) or any(note.key in others for note in notes.values())
        if clash or any(note.key != Path(path).stem for path, note in notes.items()):
            return None  # which of two files reports a clash depends on the whole folder
        mine = [p for p in problems if p.path in changed]
        kb = replace(library, notes={note.key: note for note in notes.values()}, problems=tuple(sorted(set(mine))))
        keys = {files.keys[p] for p in changed if p in files.keys} | set(kb.notes)
        if any(item.key in keys for question in library.questions.values() for item in question.items):
            return None  # a question page citing a changed note is checked against it (its problems may change)
        units = {u: d for u, d in stored[0].items() if _key_of(u) not in keys} | entry_and_note_digests(kb, keys)
        after = files.updated(changed, kb)

        def keep(version: Path) -> None:
            if version != current:
                snapshot.link_library(current, version)
            snapshot.write_note_files(version, after, loader)

        counts = _apply(_Change(kb, current, stored, units, {f"{k}:{key}" for key in keys for k in ("source", "note")}, _Labels.reuse(old_labels), keep),
                        index_dir, stamps, procs=1)
        return (counts, after.error_count()) if counts is not None else None


def optimize_index(index_dir: Path) -> int | None:
    """Merge the segments of the current version that have deleted documents or are small into
    one, in a new version (the other segments linked). Returns the number of segments merged,
    or None when there is no index. Raises as :func:`update_index`."""
    with _writing(index_dir):
        current = store.current_version(index_dir)
        if current is None or store.read_manifest(current) is None:
            return None
        if not writing.to_optimize(current):
            return 0
        version = store.new_version(index_dir)
        try:
            store.clone_version(current, version)
            merged = writing.optimize(version, lambda: _before_commit(version))
            # The same documents: the version's own files are the current ones (manifest last).
            for name in (*(n for n in store.OWN_FILES if n != store.MANIFEST), store.MANIFEST):
                if (current / name).is_file():
                    store.link_file(current / name, version / name)
            store.switch_to(index_dir, version)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        return merged


@contextmanager
def _writing(index_dir: Path) -> Iterator[None]:
    """The writer lock, with the cyclic garbage collector off meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived acyclic objects: the cyclic GC would only cost time
    try:
        with store.writer_lock(index_dir, wait=False):
            yield
    finally:
        if was_enabled:
            gc.enable()


def _is_note_file(path: str) -> bool:
    return path.startswith("kb/sources/") and path.count("/") == 2 and path.isprintable()


def _key_of(unit: str) -> str | None:
    """The note key of an entry's or note's unit ("source:<key>", "note:<key>"), else None."""
    kind, _, ident = unit.partition(":")
    return ident if kind in ("source", "note") else None


class _Labels:
    """The library's labels for a new version: those of the current one when still right, else
    being computed (:func:`litkb.emit.labels.start_labels`)."""

    def __init__(self, digest: str, current: tuple[str, dict[str, str]] | None, kb: KnowledgeBase | None, style: str) -> None:
        self.digest = digest
        self.changed = current is None or current[0] != digest
        self.job: ChildJob[dict[str, str]] | Ready[dict[str, str]]
        if current is not None and not self.changed:
            self.job = Ready(current[1])
        else:
            assert kb is not None
            self.job = start_labels(kb, style)

    @staticmethod
    def reuse(current: tuple[str, dict[str, str]]) -> _Labels:
        return _Labels(current[0], current, None, "")

    def write(self, version: Path, base: Path | None = None) -> None:
        """Write the labels into ``version``; unchanged ones are linked from ``base``'s."""
        if base is not None and not self.changed and (base / store.LABELS).is_file():
            store.link_file(base / store.LABELS, version / store.LABELS)
        else:
            store.write_labels(version, self.digest, self.job.result())


@dataclass
class _Change:
    """What an update compares: the knowledge base (maybe without unchanged notes), the current
    version and what it holds (unit digests, uids), the new unit digests, the units that may have
    changed (None: any), the labels, and what writes the snapshot files of a version."""

    kb: KnowledgeBase
    current: Path
    stored: tuple[dict[str, str], list[str]]
    units: dict[str, str]
    candidates: set[str] | None
    labels: _Labels
    keep: Callable[[Path], None]


def _apply(change: _Change, index_dir: Path, stamps: dict[str, store.FileStamp] | Mapping[str, store.FileStamp], procs: int) -> Counts | None:
    """Write a new version with the changed units re-indexed; None when so much changed that a
    rebuild is due (nothing written then)."""
    old_units, old_uids = change.stored
    units = change.units
    pool = (set(units) | set(old_units)) if change.candidates is None else change.candidates
    touched = {u for u in pool if old_units.get(u) != units.get(u)}
    if not touched:
        if change.labels.changed:  # e.g. another citation style: the documents stay, the labels change
            change.labels.write(change.current)
        store.write_json(change.current / store.FILES, dict(stamps))  # same content; only file stamps moved
        change.keep(change.current)
        return {"documents": len(old_uids), "added": 0, "changed": 0, "removed": 0, "rebuilt": 0}
    fresh = unit_documents(change.kb, touched & set(units))
    new = {d.uid for d in fresh}
    before = {uid for uid in old_uids if unit_of(uid) in touched}
    uids = sorted((set(old_uids) - before) | new)
    if len(fresh) + len(before - new) > REBUILD_SHARE * len(uids):
        return None
    _write_version(change, index_dir, fresh, uids, dict(stamps), procs, delete=tuple(sorted(before)))
    return {"documents": len(uids), "added": len(new - before), "changed": len(new & before), "removed": len(before - new), "rebuilt": 0}


def _rebuild(kb: KnowledgeBase, index_dir: Path, stamps: dict[str, store.FileStamp], procs: int, labels: _Labels, keep: Callable[[Path], None]) -> Counts:
    docs = list(documents(kb))
    change = _Change(kb, Path(), ({}, []), unit_digests(kb), None, labels, keep)
    _write_version(change, index_dir, docs, [d.uid for d in docs], stamps, procs, cold=True)
    return {"documents": len(docs), "added": len(docs), "changed": 0, "removed": 0, "rebuilt": 1}


def _write_version(change: _Change, index_dir: Path, fresh: list[SearchDoc], uids: list[str], stamps: dict[str, store.FileStamp], procs: int,
                   delete: tuple[str, ...] = (), cold: bool = False) -> None:
    """Write a new version folder (from scratch when ``cold``, else the current version's
    segments linked, plus a new segment), then switch.

    Whatever fails or is killed before the switch leaves CURRENT on the previous version; the
    half-written folder is removed here or pruned by the next build.
    """
    version = store.new_version(index_dir)
    base = None if cold else change.current
    try:
        found: Counter[str] = Counter()
        gone: Counter[str] = Counter()

        def count(doc: SearchDoc) -> None:
            found.update(doc_words(doc))

        def forget(stored: dict[str, Any]) -> None:
            gone.update(stored_words(str(stored.get("title", "")), str(stored.get("body", "")), str(stored.get("names", ""))))

        if base is None:
            writing.write_new(version, fresh, procs, count, lambda: _before_commit(version))
        else:
            store.clone_version(base, version)
            writing.write_update(version, delete, fresh, count, lambda: _before_commit(version), forget)
        words = fold_counts(found, Counter(store.read_words(base)) if base else None)
        words.subtract(fold_counts(gone))  # the words of the deleted documents: the list stays exact
        store.write_words(version, {w: n for w, n in words.items() if n > 0})
        store.write_units(version, change.units, uids)
        change.labels.write(version, base)
        store.write_json(version / store.FILES, stamps)
        change.keep(version)
        kinds = Counter(uid.split(":", 1)[0] for uid in uids)
        data = {"aliases": writing.alias_table(change.kb), "concepts": concept_names(change.kb)}
        # The manifest is written last: a version folder without one is never used.
        store.write_manifest(version, store.Manifest(store.SCHEMA_VERSION, {k: kinds.get(k, 0) for k in DOC_KINDS}, data))
        store.switch_to(index_dir, version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise


def _before_commit(version: Path) -> None:
    """Hook between adding documents and committing them (tests interrupt builds here)."""
