"""Incremental updates of the search index: a new small segment per update, the others linked,
bounded merges, ``kb index --optimize``, and updates that read only the notes that changed."""

from __future__ import annotations

import os
import shutil
from array import array
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from litkb.cli import search as search_cli
from litkb.emit.search import build as search_build
from litkb.emit.search import snapshot, store
from litkb.emit.search.build import optimize_index, update_index, update_notes
from litkb.emit.search.whoosh import order, writing
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules import link
from litkb.rules.link import build_kb, load_notes

KB = FIXTURES / "search" / "kb"
NOTE = "kb/sources/harris2008.yaml"
LOADER = "test-loader"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB, dest)
    return dest


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def segment_files(folder: Path) -> dict[str, int]:
    """Segment file name -> inode, in the current version."""
    version = store.current_version(folder)
    assert version is not None
    return {p.name: p.stat().st_ino for p in version.iterdir() if p.suffix == ".seg"}


def full(root: Path, folder: Path, **kwargs: Any) -> dict[str, int]:
    return update_index(build_kb(root), folder, loader=LOADER, **kwargs)


def fast(root: Path, folder: Path) -> tuple[dict[str, int], int] | None:
    return update_notes(root.resolve(), folder, store.stamp_inputs(root), load_notes, LOADER)


def results(folder: Path, queries: tuple[str, ...] = ("bureaucracies", "leadership", "hierarchies", "trust", "author:harris", "concept:trust")) -> list[Any]:
    with SearchIndex(folder) as ix:
        return [ix.search(q, limit=50, facets=True) for q in queries]


# -- segments ------------------------------------------------------------------------------------------
def test_an_update_links_the_segments_and_writes_one_small_one(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    before = segment_files(folder)
    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")
    assert full(root, folder)["changed"] == 3
    after = segment_files(folder)
    assert {name: after[name] for name in before} == before  # the same files (hard links), not copies
    (added,) = set(after) - set(before)
    version = store.current_version(folder)
    assert version is not None and (version / added).stat().st_nlink == 1  # written by this update
    with SearchIndex(folder) as ix:
        leaves = ix.searcher.reader().leaf_readers()
        assert [leaf.doc_count_all() for leaf, _ in leaves] == [23, 3]
        assert [len(leaf.deleted_docs_set) for leaf, _ in leaves] == [3, 0]  # the old copies, marked


def test_updates_merge_small_segments_only(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    (cold,) = segment_files(folder).items()
    # The cold build's 23 documents count as a large segment here; merging starts at 3 small ones.
    monkeypatch.setattr(writing, "SMALL_SEGMENT", 10)
    monkeypatch.setattr(writing, "MERGE_AT", 3)
    counts = []
    for i in range(8):
        edit(root, NOTE, f"Rigid w{i - 1} " if i else "Rigid ", f"Rigid w{i} ")
        full(root, folder)
        files = segment_files(folder)
        assert files[cold[0]] == cold[1]  # never rewritten
        counts.append(len(files) - 1)
    assert counts == [1, 2, 3, 1, 2, 3, 1, 2]  # at 3 small segments, the next update merges them
    with SearchIndex(folder) as ix:
        assert {h.id for g in ix.search("w7").groups for h in g.hits} == {"harris2008#hierarchy-limits"}
        assert not {h.id for g in ix.search("w6").groups for h in g.hits}


class _Segment:
    def __init__(self, docs: int) -> None:
        self.docs = docs

    def doc_count_all(self) -> int:
        return self.docs


@pytest.mark.parametrize(("sizes", "merged"), [
    ([5000, 4000, 8, 8, 8], []),  # too few small segments
    ([5000, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8], [8] * 10),  # ten small ones: all of them
    ([5000, 900, 600, 8, 8, 8, 8, 8, 8, 8, 8], [8] * 8 + [600, 900]),  # the smallest first...
    ([5000, 990, 980, 970, 8, 8, 8, 8, 8, 8, 8], [8] * 7 + [970]),  # ...up to MERGE_DOCS together
])
def test_merge_policy_is_bounded(sizes: list[int], merged: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    chosen: list[int] = []

    def merge(writer: object, segments: list[Any], picked: list[Any]) -> list[Any]:
        chosen.extend(s.docs for s in picked)
        return [s for s in segments if s not in picked]

    monkeypatch.setattr(writing, "_merge", merge)
    segments = [_Segment(n) for n in sizes]
    kept = writing.merge_small(object(), segments)
    assert sorted(chosen) == sorted(merged)
    assert sum(s.docs for s in kept) + sum(chosen) == sum(sizes)
    assert sum(chosen) <= writing.MERGE_DOCS
    assert all(s in kept for s in segments if s.docs >= writing.SMALL_SEGMENT)  # large ones never


def test_optimize_merges_what_updates_left(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    for word in ("bureaucracies", "structures"):
        edit(root, NOTE, "Rigid ", f"Rigid {word} and ")
        full(root, folder)
    assert len(segment_files(folder)) == 3
    expected = results(folder)
    assert optimize_index(folder) == 3
    assert len(segment_files(folder)) == 1
    with SearchIndex(folder) as ix:
        assert not any(leaf.has_deletions() for leaf, _ in ix.searcher.reader().leaf_readers())
    assert results(folder) == expected
    assert optimize_index(folder) == 0  # one segment without deletions: nothing to do
    assert optimize_index(tmp_path / "none") is None


@pytest.mark.parametrize(("share", "merged"), [(0.1, 3), (0.5, 2)])
def test_optimize_rewrites_a_large_segment_once_enough_of_it_is_deleted(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float,
                                                                        merged: int) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    (cold,) = segment_files(folder).items()
    monkeypatch.setattr(writing, "SMALL_SEGMENT", 10)  # the cold build's segment is large here
    monkeypatch.setattr(writing, "DELETED_SHARE", share)
    for word in ("bureaucracies", "structures"):
        edit(root, NOTE, "Rigid ", f"Rigid {word} and ")
        full(root, folder)  # 3 of the 23 documents of the cold segment deleted: 13%
    expected = results(folder)
    assert optimize_index(folder) == merged
    assert (cold[0] in segment_files(folder)) == (merged == 2)
    assert results(folder) == expected


def test_each_segment_has_its_uid_order_and_ties_are_ranked_by_uid(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    monkeypatch.setattr(writing, "MERGE_AT", 2)
    for i in range(3):  # new segments, and a merge that deletes merged segments' files
        edit(root, NOTE, f"Rigid w{i - 1} " if i else "Rigid ", f"Rigid w{i} ")
        full(root, folder)
    version = store.current_version(folder)
    assert version is not None
    segments = {p.stem for p in version.iterdir() if p.suffix == ".seg"}
    assert {p.stem for p in version.iterdir() if p.suffix == order.SUFFIX} == segments
    with SearchIndex(folder) as ix:
        for leaf, offset in ix.searcher.reader().leaf_readers():
            n = leaf.doc_count_all()
            data = array("I", (version / f"{leaf.segment().segment_id()}{order.SUFFIX}").read_bytes())
            uids = [ix._uid_of(d + offset) for d in data[:n]]
            assert uids == sorted(uids) and sorted(data[:n]) == list(range(n))
            assert [data[n + d] for d in data[:n]] == list(range(n))  # each document's place
        ties = ix.search("kind:claim", limit=3)  # every claim scores the same
        (claims,) = ties.groups
        assert [h.id for h in claims.hits] == sorted(c.uid for c in build_kb(root).claims)[:3]
    tied = results(folder, ("kind:claim", "kind:source", "concept:trust", "year:[2000 TO 2010]"))
    for path in version.glob(f"*{order.SUFFIX}"):
        path.unlink()  # without the files: every tied uid compared, the same answer
    assert results(folder, ("kind:claim", "kind:source", "concept:trust", "year:[2000 TO 2010]")) == tied


# -- updates that read only the changed notes ----------------------------------------------------------
def test_only_the_changed_notes_are_read(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    read: list[list[str]] = []

    def reading(base: Any, names: list[str]) -> Any:
        read.append(names)
        return load_notes(base, names)

    def no_full_load(root: Path) -> None:
        raise AssertionError("the whole knowledge base was loaded")

    monkeypatch.setattr(link, "build_kb", no_full_load)
    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")
    done = update_notes(root.resolve(), folder, store.stamp_inputs(root), reading, LOADER)
    assert done == ({"documents": 23, "added": 0, "changed": 3, "removed": 0, "rebuilt": 0}, 0)
    assert read == [["harris2008.yaml"]]
    with SearchIndex(folder) as ix:
        assert {h.id for g in ix.search("bureaucracies").groups for h in g.hits} == {"harris2008#hierarchy-limits"}


def _same_versions(a: Path, b: Path) -> None:
    va, vb = store.current_version(a), store.current_version(b)
    assert va is not None and vb is not None
    for name in (store.DOCS, store.WORDS, store.LABELS, store.MANIFEST, store.NOTES):
        assert (va / name).read_text(encoding="utf-8") == (vb / name).read_text(encoding="utf-8"), name
    assert results(a) == results(b)


def test_reading_only_changed_notes_gives_the_index_a_full_load_gives(root: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    full(root, a)
    full(root, b)
    steps = [
        lambda: edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership"),
        lambda: (root / NOTE).unlink(),  # its claims go, its entry stays without the note
        lambda: shutil.copy(KB / NOTE, root / NOTE),  # and back
        lambda: edit(root, NOTE, "id: hierarchy-limits", "id: hierarchy-limits\n    nonsense: 1"),  # an error (KB302)
        lambda: edit(root, NOTE, "    nonsense: 1\n", ""),
    ]
    errors = []
    for step in steps:
        step()
        done = fast(root, a)
        assert done is not None
        assert done[0] == full(root, b)
        assert done[1] == len(build_kb(root).errors)
        errors.append(done[1])
        _same_versions(a, b)
    assert errors[3] > 0 and errors[4] == 0


@pytest.mark.parametrize("change", ["library", "concept", "key", "clash", "new clash", "loader", "unsnapshotted"])
def test_a_full_load_is_needed_when_more_than_notes_changed(root: Path, tmp_path: Path, change: str) -> None:
    folder = tmp_path / "index"
    if change == "unsnapshotted":
        update_index(build_kb(root), folder)  # no loader: no snapshot kept
    else:
        full(root, folder)
    edit(root, NOTE, "Rigid hierarchies", "Rigid bureaucracies")
    if change == "library":
        edit(root, "references.bib", "Fixture Press", "Fixture Books")
    elif change == "concept":
        edit(root, "kb/concepts/trust.yaml", "label: ", "label: Mutual ")
    elif change == "key":  # a note whose key is not its file name: kb check reports it (KB402)
        edit(root, NOTE, "key: harris2008", "key: gronn2002")
    elif change == "clash":  # a second file with the key of another note
        shutil.copy(root / NOTE, root / "kb/sources/harris2008-copy.yaml")
    elif change == "new clash":  # two new files with one key (named after it: .yaml and .yml)
        text = (root / NOTE).read_text(encoding="utf-8").replace("key: harris2008", "key: newkey2020")
        for name in ("newkey2020.yaml", "newkey2020.yml"):
            (root / "kb/sources" / name).write_text(text, encoding="utf-8")
    loader = "other code" if change == "loader" else LOADER
    assert update_notes(root.resolve(), folder, store.stamp_inputs(root), load_notes, loader) is None


def test_the_snapshot_is_the_knowledge_base_without_notes(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    kb = build_kb(root)
    version = store.current_version(folder)
    assert version is not None
    found = snapshot.read(version, LOADER, kb.root)
    assert found is not None
    library, files = found
    assert library.sources == kb.sources and library.persons == kb.persons and library.concepts == kb.concepts
    assert library.works_of == kb.works_of and library.notes == {}
    assert dict(files.keys) == {note.path: key for key, note in kb.notes.items()}
    assert snapshot.read(version, "", kb.root) is None
    (version / store.LIBRARY).write_bytes(b"not a pickle")
    assert snapshot.read(version, LOADER, kb.root) is None


def test_kb_index_reads_only_the_changed_note(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command: a full load first (and the snapshot with it), then only the changed note."""
    from click.testing import CliRunner

    from litkb.cli.main import main

    def kb(*args: str) -> str:
        result = CliRunner().invoke(main, ["--root", str(root), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    kb("index")
    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")
    loads: list[Path] = []
    monkeypatch.setattr(search_cli, "load", lambda r: loads.append(r) or build_kb(r))
    assert kb("index").endswith("0 added, 3 changed, 0 removed (23 documents)\n")
    assert loads == []
    edit(root, "references.bib", "Fixture Press", "Fixture Books")
    kb("index")
    assert len(loads) == 1
    assert kb("index", "--optimize").endswith("segment(s) merged into one\n")


def test_more_changed_notes_than_the_fast_path_takes(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    full(root, folder)
    edit(root, NOTE, "Rigid hierarchies", "Rigid bureaucracies")
    monkeypatch.setattr(search_build, "NOTES_AT_MOST", 0)
    assert fast(root, folder) is None


def test_stamps_reuse_the_recorded_hashes_of_unmoved_files(root: Path) -> None:
    known = store.stamp_inputs(root)
    forged = {rel: (size, mtime, "recorded") for rel, (size, mtime, _digest) in known.items()}
    os.utime(root / NOTE, ns=(1, 1))
    again = store.stamp_inputs(root, known=forged)
    assert again[NOTE][2] == known[NOTE][2]  # moved: hashed
    assert {rel: s[2] for rel, s in again.items() if rel != NOTE} == {rel: "recorded" for rel in known if rel != NOTE}


# -- claim types and question pages (issues 13 and 14) -------------------------------------------------
def test_a_changed_claim_type_is_read_from_the_changed_note_alone(root: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    full(root, a)
    full(root, b)
    edit(root, NOTE, "  - id: hierarchy-limits\n    type: argument", "  - id: hierarchy-limits\n    type: finding")
    done = fast(root, a)
    assert done == ({"documents": 23, "added": 0, "changed": 3, "removed": 0, "rebuilt": 0}, 0)
    assert full(root, b)["changed"] == 3
    _same_versions(a, b)
    with SearchIndex(a) as ix:
        found = {h.id for g in ix.search("type:finding key:harris2008").groups for h in g.hits}
    assert found == {"harris2008#hierarchy-limits"}


QUESTIONS_KB = FIXTURES / "questions" / "root"


def test_a_changed_question_page_is_re_indexed_after_a_full_load(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(QUESTIONS_KB, root)
    folder = tmp_path / "index"
    full(root, folder)
    edit(root, "kb/questions/who-keeps-the-gate.md", "in a study\nof three", "in a study of ramparts\nand of three")
    assert fast(root, folder) is None  # not a note: the page is read with the whole knowledge base
    assert full(root, folder) == {"documents": len(list(all_documents(root))), "added": 0, "changed": 1, "removed": 0, "rebuilt": 0}
    with SearchIndex(folder) as ix:
        assert {h.id for g in ix.search("ramparts").groups for h in g.hits} == {"who-keeps-the-gate"}


def test_a_changed_note_that_a_question_page_cites_needs_a_full_load(tmp_path: Path) -> None:
    """The page is checked against the note (a claim it cites may be gone): only a full load
    counts its problems."""
    root = tmp_path / "kb"
    shutil.copytree(QUESTIONS_KB, root)
    folder = tmp_path / "index"
    full(root, folder)
    edit(root, "kb/sources/sample2018.yaml", "id: draft-saw-gatekeepers", "id: draft-saw-gatekeeping")
    assert fast(root, folder) is None
    kb = build_kb(root)
    assert [p.code for p in kb.errors if p.path == "kb/questions/who-keeps-the-gate.md"] == ["KB603"]
    counts = update_index(kb, folder, loader=LOADER)
    assert (counts["added"], counts["changed"], counts["removed"]) == (1, 3, 1)  # the renamed claim; the others and the entry


def all_documents(root: Path) -> list[Any]:
    from litkb.emit.search.documents import documents

    return list(documents(build_kb(root)))
