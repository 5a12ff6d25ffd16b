"""The search index as derived data: incremental updates, stale detection, atomic swaps."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bench.bench import generate_kb
from bench.bench_index import change_claim_text
from conftest import FIXTURES
from litkb.cli.common import update_search_index
from litkb.emit.search import build as search_build
from litkb.emit.search import store as search_store
from litkb.emit.search.build import update_index
from litkb.emit.search.store import changed_inputs, current_version, read_file_stamps, read_labels, read_units, stamp_inputs
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules.link import build_kb

KB = FIXTURES / "search" / "kb"
NOTE = "kb/sources/harris2008.yaml"


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


def claim_ids(folder: Path, query: str) -> set[str]:
    with SearchIndex(folder) as ix:
        return {h.id for g in ix.search(query).groups if g.kind == "claim" for h in g.hits}


def versions(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("v"))


# -- incremental updates -----------------------------------------------------------------------------
def test_update_reindexes_only_changed_documents(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    first = update_index(build_kb(root), folder)
    assert first == {"documents": 23, "added": 23, "changed": 0, "removed": 0, "rebuilt": 1}
    stored = read_units(current_version(folder))  # type: ignore[arg-type]
    assert stored is not None
    units, uids = stored
    assert len(uids) == 23 and "claim:harris2008#hierarchy-limits" in uids
    assert sorted(u.split(":")[0] for u in units) == ["author"] * 5 + ["concept"] * 4 + ["note"] * 3 + ["source"] * 6

    assert update_index(build_kb(root), folder) == {"documents": 23, "added": 0, "changed": 0, "removed": 0, "rebuilt": 0}
    assert versions(folder) == ["v000001"]  # nothing changed: no new version

    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")
    # The note's unit is re-indexed: its two claims and its entry (which shows the note).
    assert update_index(build_kb(root), folder) == {"documents": 23, "added": 0, "changed": 3, "removed": 0, "rebuilt": 0}
    assert claim_ids(folder, "bureaucracies") == {"harris2008#hierarchy-limits"}
    assert claim_ids(folder, '"hierarchies keep"') == set()
    assert versions(folder) == ["v000001", "v000002"]  # the previous version stays for open readers

    (root / NOTE).unlink()
    counts = update_index(build_kb(root), folder)
    # The two claims go; the source entry stays (now without its note), so it changes.
    assert (counts["removed"], counts["changed"], counts["added"]) == (2, 1, 0)
    assert claim_ids(folder, "bureaucracies") == set()
    assert versions(folder) == ["v000002", "v000003"]


def test_update_follows_changes_made_elsewhere_in_the_library(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A second Gronn 2009 entry renames gronn2009b "Gronn (2009b)": the claim reporting it, in
    # another file, must show the new label. Labels live in their own table, made again when the
    # library changes, so only the new entry and Gronn's author page are (re-)indexed.
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    with (root / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@article{gronn2009a,\n  author = {Gronn, Peter},\n  title = {Another work},\n  journal = {J},\n  year = {2009},\n"
                  "  verification = {verified},\n  verification_note = {fixture},\n}\n")
    monkeypatch.setattr(search_build, "REBUILD_SHARE", 1.0)  # update, however much changed
    counts = update_index(build_kb(root), folder)
    assert (counts["added"], counts["changed"], counts["rebuilt"]) == (1, 1, 0)
    with SearchIndex(folder) as ix:
        (hit,) = ix.search("concept:hybrid-leadership stance:defines").groups[0].hits
        assert hit.label == "Gronn (2009b), as reported by Torrance (2013)"
        assert {h.id: h.label for g in ix.search("author:gronn kind:source").groups for h in g.hits}["gronn2009a"] == "Gronn (2009a)"


def test_update_rebuilds_when_many_documents_changed(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    edit(root, "references.bib", "Journal of Fixture Studies", "Fixture Quarterly")  # 4 entries
    monkeypatch.setattr(search_build, "REBUILD_SHARE", 0.1)
    counts = update_index(build_kb(root), folder)
    assert counts["rebuilt"] == 1
    with SearchIndex(folder) as ix:
        assert {h.id for g in ix.search("quarterly").groups if g.kind == "source" for h in g.hits} == {"gronn2002", "gronn2009b", "mueller2011", "torrance2013"}
    edit(root, "references.bib", "Fixture Press", "Fixture Books")  # 2 entries
    assert update_index(build_kb(root), folder, full=True)["rebuilt"] == 1


# -- stale detection -----------------------------------------------------------------------------------
def test_changed_inputs(root: Path) -> None:
    stamps = stamp_inputs(root)
    assert changed_inputs(root, stamps) == []
    os.utime(root / NOTE, ns=(1, 1))  # touched, same bytes: not a change
    assert changed_inputs(root, stamps) == []
    edit(root, NOTE, "Rigid", "Stiff")
    (root / "kb/concepts/new-concept.yaml").write_text("id: new-concept\n", encoding="utf-8")
    (root / "kb/concepts/trust.yaml").unlink()
    assert changed_inputs(root, stamps) == ["kb/concepts/new-concept.yaml", "kb/concepts/trust.yaml", NOTE]


def test_index_records_the_stamps_taken_before_loading(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    stamps = stamp_inputs(root)
    edit(root, NOTE, "Rigid", "Stiff")  # edited after the stamps were taken, before loading
    update_index(build_kb(root), folder, stamps=stamps)
    assert changed_inputs(root, read_file_stamps(current_version(folder))) == [NOTE]  # type: ignore[arg-type]


# -- atomicity ---------------------------------------------------------------------------------------
def test_failed_build_leaves_previous_index(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")

    def fail(version: Path) -> None:
        assert any(version.iterdir())  # something was written already
        raise RuntimeError("disk full")

    monkeypatch.setattr(search_build, "_before_commit", fail)
    for full in (False, True):
        with pytest.raises(RuntimeError):
            update_index(build_kb(root), folder, full=full)
        assert versions(folder) == ["v000001"]  # the half-written version is gone
        assert claim_ids(folder, '"hierarchies keep"') == {"harris2008#hierarchy-limits"}
    monkeypatch.undo()
    update_index(build_kb(root), folder)  # the lock was released
    assert claim_ids(folder, "bureaucracies") == {"harris2008#hierarchy-limits"}


_KILLABLE_BUILD = """
import sys, time
from pathlib import Path
from litkb.cli.common import update_search_index_from_notes
from litkb.emit.search import build as search_build
from litkb.emit.search import store as search_store
from litkb.rules.link import build_kb

root, folder, hook, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]

def pause(*args, **kwargs):
    print("MIDWAY", flush=True)
    time.sleep(float(sys.argv[5]))
    return real(*args, **kwargs)

if hook == "before_commit":      # documents added (or segments merged), nothing committed
    real = search_build._before_commit
    search_build._before_commit = pause
elif hook == "after_commit":     # segments committed, version not yet complete nor switched
    if mode == "optimize":       # (an optimized version links the files that say what it holds)
        real = search_store.link_file
        search_store.link_file = pause
    else:
        real = search_store.write_words
        search_store.write_words = pause
elif hook == "before_switch":    # version complete, CURRENT not yet replaced
    real = search_store.atomic_write_text
    search_store.atomic_write_text = lambda path, text: (pause if path.name == search_store.POINTER else real)(path, text)
if __name__ == "__main__":
    if mode == "notes":          # the update that reads only the changed notes
        print(update_search_index_from_notes(root, folder, search_store.stamp_inputs(root)), flush=True)
    elif mode == "optimize":
        print(search_build.optimize_index(folder), flush=True)
    else:
        print(search_build.update_index(build_kb(root), folder, full=mode == "full"), flush=True)
"""


def _start_build(root: Path, folder: Path, hook: str, mode: str, pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILLABLE_BUILD), str(root), str(folder), hook, mode, str(pause)],
        stdout=subprocess.PIPE, text=True,
    )


@pytest.mark.parametrize("hook", ["before_commit", "after_commit", "before_switch"])
@pytest.mark.parametrize("mode", ["update", "full", "notes", "optimize"])
def test_build_killed_midway_leaves_previous_index_answering(root: Path, tmp_path: Path, hook: str, mode: str) -> None:
    folder = tmp_path / "index"
    update_search_index(build_kb(root), folder)  # as kb index does: with the snapshot for "notes"
    if mode == "optimize":  # something to merge: a second segment, and deletions
        edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid structures keep leadership")
        update_search_index(build_kb(root), folder)
        edit(root, NOTE, "Rigid structures keep leadership", "Rigid hierarchies keep leadership")
        update_search_index(build_kb(root), folder)
    before = current_version(folder)
    assert before is not None
    if mode != "optimize":
        edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")
    build = _start_build(root, folder, hook, mode, pause=60)
    assert build.stdout is not None
    assert build.stdout.readline().strip() == "MIDWAY"
    assert len(versions(folder)) == (3 if mode == "optimize" else 2)  # the new version is being written beside the old
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    assert current_version(folder) == before
    assert claim_ids(folder, '"hierarchies keep"') == {"harris2008#hierarchy-limits"}
    assert claim_ids(folder, "bureaucracies") == set()
    # The next run is not blocked by the dead one and clears its leftovers.
    if mode == "optimize":
        assert search_build.optimize_index(folder) == 3
        assert claim_ids(folder, '"hierarchies keep"') == {"harris2008#hierarchy-limits"}
    else:
        update_index(build_kb(root), folder)
        assert claim_ids(folder, "bureaucracies") == {"harris2008#hierarchy-limits"}
    assert len(versions(folder)) == 2


def test_update_killed_midway_at_scale_leaves_previous_index_answering(tmp_path: Path) -> None:
    """The same on a knowledge base of the "reported" shape, indexed by parallel workers
    (several segments), updated by reading only the changed note."""
    root, folder = tmp_path / "kb", tmp_path / "index"
    generate_kb(root, 700, shape="reported")
    update_search_index(build_kb(root), folder)
    before = current_version(folder)
    assert before is not None and sum(1 for p in before.iterdir() if p.suffix == ".seg") > 1
    note = sorted((root / "kb" / "sources").glob("*.yaml"))[350]
    change_claim_text(note, "zygomorphic")
    for hook in ("before_commit", "before_switch"):
        build = _start_build(root, folder, hook, "notes", pause=60)
        assert build.stdout is not None
        assert build.stdout.readline().strip() == "MIDWAY"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert current_version(folder) == before
        assert claim_ids(folder, "zygomorphic") == set()
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_KILLABLE_BUILD), str(root), str(folder), "none", "notes", "0"],
                          capture_output=True, text=True, check=True)
    assert "'changed': 8" in done.stdout  # the note's 7 claims and its entry, without loading the rest
    assert claim_ids(folder, "zygomorphic") == {f"{note.stem}#claim-0"}


def test_search_answers_during_a_rebuild(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")
    build = _start_build(root, folder, "after_commit", "full", pause=2)
    assert build.stdout is not None
    assert build.stdout.readline().strip() == "MIDWAY"
    answers = 0
    while build.poll() is None or answers == 0:
        # Old or new version, every search answers; this query's hits are the same in both.
        assert claim_ids(folder, "teachers lead change") == {"harris2008#teachers-lead-change"}
        answers += 1
    assert build.returncode == 0
    assert answers >= 1  # at least one search ran while the build was paused midway
    assert claim_ids(folder, "bureaucracies") == {"harris2008#hierarchy-limits"}


def test_open_index_survives_two_swaps(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    with SearchIndex(folder) as old:
        for word in ("bureaucracies", "structures"):
            edit(root, NOTE, "Rigid ", f"Rigid {word} and ")
            update_index(build_kb(root), folder)
        assert "v000001" not in versions(folder)  # pruned under the open reader
        assert {h.id for g in old.search("hierarchies").groups for h in g.hits} == {"harris2008#hierarchy-limits"}


def test_concurrent_writers_are_refused(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with search_store.writer_lock(folder):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(search_store.IndexBusy):
            update_index(build_kb(root), folder)
    finally:
        release.set()
        thread.join()


# -- labels ------------------------------------------------------------------------------------------
def test_labels_are_reused_while_the_library_is_unchanged(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    first = read_labels(current_version(folder))  # type: ignore[arg-type]
    assert first is not None and first[1]["gronn2009b"] == "Gronn (2009)"

    def not_again(*args: object) -> None:
        raise AssertionError("labels computed again")

    monkeypatch.setattr(search_build, "start_labels", not_again)
    edit(root, NOTE, "Rigid hierarchies keep leadership", "Rigid bureaucracies keep leadership")  # a note, not the library
    assert update_index(build_kb(root), folder)["changed"] > 0
    assert read_labels(current_version(folder)) == first  # type: ignore[arg-type]


def test_another_citation_style_relabels_without_reindexing(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(root), folder)
    before = read_labels(current_version(folder))  # type: ignore[arg-type]
    counts = update_index(build_kb(root), folder, style="harvard")
    assert (counts["added"], counts["changed"], counts["rebuilt"]) == (0, 0, 0)
    after = read_labels(current_version(folder))  # type: ignore[arg-type]
    assert before is not None and after is not None and after[0] != before[0]


@pytest.mark.parametrize("child", ["works", "fails"])
def test_labels_of_a_large_library_come_from_a_child_process(root: Path, monkeypatch: pytest.MonkeyPatch, child: str) -> None:
    from litkb.core import workers
    from litkb.emit import labels

    kb = build_kb(root)
    expected = labels.author_year_labels(kb, "apa")
    monkeypatch.setattr(labels, "CHILD_FROM", 1)
    if child == "fails":
        monkeypatch.setattr(workers, "_RUN", "import sys; sys.exit(1)")
    job = labels.start_labels(kb, "apa")
    assert isinstance(job, workers.ChildJob)
    assert job.result() == expected
