"""`kb index` and `kb search` as commands: output, exit codes, stale-index handling."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from litkb.cli.main import main
from litkb.emit.search import freshness

KB = FIXTURES / "search" / "kb"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB, dest)
    return dest


def kb(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_index_then_search(root: Path) -> None:
    code, out, _ = kb(root, "index")
    assert code == 0 and out == f"indexed 23 documents into {root / '.kb-index'}\n"
    code, out, _ = kb(root, "index")
    assert code == 0 and out == f"index up to date in {root / '.kb-index'} (no file changed since it was built)\n"
    note = root / "kb/sources/harris2008.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("Rigid hierarchies", "Rigid bureaucracies"), encoding="utf-8")
    code, out, _ = kb(root, "index")
    assert code == 0 and out == f"index updated in {root / '.kb-index'}: 0 added, 3 changed, 0 removed (23 documents)\n"
    code, out, err = kb(root, "search", "concept:hybrid-leadership", "stance:defines")
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == ["Claims (1)", "  torrance2013#gronn-hybrid  Gronn (2009), as reported by Torrance (2013) (argument)  [hybrid-leadership (defines), distributed-leadership (contests)]"]
    assert "-> sources/torrance2013/#gronn-hybrid" in out


def test_first_search_builds_the_index(root: Path) -> None:
    code, out, err = kb(root, "search", "hierarchies")
    assert code == 0
    assert err.startswith("building the search index")
    assert "harris2008#hierarchy-limits" in out
    assert (root / ".kb-index" / "CURRENT").is_file()


def test_no_hits_is_exit_0_with_did_you_mean(root: Path) -> None:
    kb(root, "index")
    code, out, _ = kb(root, "search", "hybird")
    assert code == 0
    assert out == "Did you mean: hybrid\nNo results for hybird\n"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"catch 22', "bad query: unclosed quote"),
        ("author:", "bad query: 'author:' needs a value"),
        ("colour:red", "bad query: unknown field 'colour:'"),
        ("stance:defend", "bad query: stance:defend is not a stance"),
        ("trust AND", "bad query: 'AND' at the end of the query needs a term after it"),
        ("year:[2005 TO", "bad query: unclosed range"),
    ],
)
def test_malformed_query_is_one_line_and_exit_2(root: Path, query: str, message: str) -> None:
    code, out, err = kb(root, "search", query)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(f"Error: {message}")
    assert not (root / ".kb-index").exists()  # checked before any index work


def test_json_output(root: Path) -> None:
    kb(root, "index")
    code, out, _ = kb(root, "search", "--json", "--facets", "--limit", "1", "leadership")
    data = json.loads(out)
    assert code == 0
    assert data["query"] == "leadership" and data["notices"] == []
    assert all(len(g["hits"]) == 1 for g in data["groups"])
    assert data["facets"]["kind"] == [{"value": k, "count": n} for k, n in (("source", 6), ("claim", 4), ("concept", 4), ("author", 5))]
    assert {g["kind"]: g["total"] for g in data["groups"]} == {"source": 6, "claim": 4, "concept": 4, "author": 5}


def test_stale_small_index_is_refreshed(root: Path) -> None:
    kb(root, "index")
    note = root / "kb/sources/harris2008.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("Rigid hierarchies", "Rigid bureaucracies"), encoding="utf-8")
    code, out, err = kb(root, "search", "bureaucracies")
    assert code == 0
    assert err == "search index refreshed: 1 file(s) changed since the index was built, e.g. kb/sources/harris2008.yaml\n"
    assert "harris2008#hierarchy-limits" in out
    assert kb(root, "search", "bureaucracies")[2] == ""  # fresh now


def test_stale_large_index_says_so(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb(root, "index")
    monkeypatch.setattr(freshness, "AUTO_REFRESH_BYTES", 0)
    note = root / "kb/sources/harris2008.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("Rigid hierarchies", "Rigid bureaucracies"), encoding="utf-8")
    code, out, err = kb(root, "search", "bureaucracies")
    assert code == 0 and out.startswith("No results")
    assert err.startswith("search index is stale: 1 file(s) changed") and "run `kb index`" in err
    code, out, err = kb(root, "search", "--json", "--refresh", "bureaucracies")
    assert json.loads(out)["notices"][0].startswith("search index refreshed")
    assert kb(root, "search", "--no-refresh", "bureaucracies")[2] == ""


def test_index_reports_knowledge_base_errors(root: Path) -> None:
    (root / "kb/sources/broken.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    code, out, err = kb(root, "index")
    assert code == 0 and out.startswith("indexed 23 documents")
    assert "the knowledge base has 1 error(s)" in err


def test_kb_search_process_on_the_real_knowledge_base(tmp_path: Path) -> None:
    index = tmp_path / "index"
    run = [sys.executable, "-m", "litkb", "--root", str(REPO)]
    assert subprocess.run([*run, "index", "--index-dir", str(index)], capture_output=True, check=False).returncode == 0
    done = subprocess.run([*run, "search", "--index-dir", str(index), "--json", "catch", "22"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    hits = [h for g in json.loads(done.stdout)["groups"] for h in g["hits"]]
    assert any(h["id"] == "torrance2013catch22" and h["url"] == "sources/torrance2013catch22/" for h in hits)
