"""The Whoosh indexing patches (litkb.emit.search.whoosh.patches) change speed, never the index: an
index written with them equals one written by Whoosh's own methods (stored fields, terms, term
statistics, postings, field lengths, search results and scores). They are applied only when an
index is written, and refuse another whoosh3 version than the pinned one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import whoosh.index
from click.testing import CliRunner

from bench.bench import generate_kb
from litkb.cli.main import main
from litkb.core import versions
from litkb.core.model import KnowledgeBase
from litkb.emit.search import store
from litkb.emit.search.build import update_index
from litkb.emit.search.whoosh import patches
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules.link import build_kb

QUERIES = ["school leadership", '"distributed leadership"', "author:gronn", "concept:concept-001 stance:supports", "year:[2000 TO 2010] trust",
           "leadership NOT kind:claim", "lead*", "headteacher OR principal"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("synthetic")
    generate_kb(root, 300)
    return build_kb(root)


def _contents(folder: Path) -> dict[str, Any]:
    """Everything an index holds, read through Whoosh's public reader API."""
    version = store.current_version(folder)
    assert version is not None
    ix: Any = whoosh.index.open_dir(str(version))
    with ix.reader() as reader:
        docs = range(reader.doc_count_all())
        terms = sorted(reader.all_terms())
        postings = {}
        for field, text in terms:
            info = reader.term_info(field, text)
            matcher = reader.postings(field, text)
            listed = []
            while matcher.is_active():
                listed.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[(field, text)] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(), listed)
        contents = {
            "stored": [reader.stored_fields(d) for d in docs],
            "lengths": [reader.doc_field_length(d, "text") for d in docs],
            "postings": postings,
        }
    ix.close()
    return contents


def _results(folder: Path) -> list[list[tuple[str, str, float]]]:
    with SearchIndex(folder) as ix:
        return [[(hit.kind, hit.id, hit.score) for group in ix.search(q, limit=20).groups for hit in group.hits] for q in QUERIES]


def test_an_index_is_the_same_with_and_without_the_patches(kb: KnowledgeBase, tmp_path: Path) -> None:
    update_index(kb, tmp_path / "patched", procs=1)
    assert patches.applied()
    with patches.suspended():
        assert not patches.applied()
        update_index(kb, tmp_path / "plain", procs=1)
        assert not patches.applied()
    assert patches.applied()
    patched, plain = _contents(tmp_path / "patched"), _contents(tmp_path / "plain")
    assert len(patched["stored"]) > 2000 and len(patched["postings"]) > 1000
    assert patched == plain
    results = _results(tmp_path / "patched")
    assert sum(map(len, results)) > 50
    assert results == _results(tmp_path / "plain")


def test_an_update_is_the_same_with_and_without_the_patches(kb: KnowledgeBase, tmp_path: Path) -> None:
    # Updates copy a version and add to it through another writer (write_update).
    root = kb.root
    note = next((root / "kb" / "sources").glob("*.yaml"))
    original = note.read_text(encoding="utf-8")
    try:
        for name, context in (("patched", None), ("plain", patches.suspended)):
            update_index(kb, tmp_path / name, procs=1)
            note.write_text(original.replace("kind: empirical", "kind: review"), encoding="utf-8")
            if context is None:
                assert update_index(build_kb(root), tmp_path / name, procs=1)["changed"] > 0
            else:
                with context():
                    assert update_index(build_kb(root), tmp_path / name, procs=1)["changed"] > 0
            note.write_text(original, encoding="utf-8")
    finally:
        note.write_text(original, encoding="utf-8")
    assert _contents(tmp_path / "patched") == _contents(tmp_path / "plain")


def test_searching_applies_no_patch(kb: KnowledgeBase, tmp_path: Path) -> None:
    update_index(kb, tmp_path / "index", procs=1)
    patches.remove()
    try:
        assert _results(tmp_path / "index")
        assert not patches.applied()
    finally:
        patches.apply()


def test_another_whoosh_version_is_refused_in_one_line(kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = versions.installed_version
    monkeypatch.setattr(versions, "installed_version", lambda name: "3.60.0" if name == "whoosh3" else real(name))
    with pytest.raises(versions.UnsupportedVersion, match=r"written for whoosh3 3\.54\.0, but whoosh3 3\.60\.0 is installed"):
        patches.apply()
    result = CliRunner().invoke(main, ["--root", str(kb.root), "index", "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: litkb's Whoosh indexing patches are written for whoosh3 3.54.0, but whoosh3 3.60.0 is installed; "
        "install the pinned versions (pip install -e . in the repository, see pyproject.toml)"
    ]
    assert not (tmp_path / "index" / "CURRENT").exists()
