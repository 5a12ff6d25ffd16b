"""`kb diff BASE [HEAD]` on a scratch git repository with two commits: the exact summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, check_golden
from litkb.cli.main import main
from litkb.contrib.evidence_diff import diff_kbs, render_text
from litkb.rules.link import build_kb

HERE = FIXTURES / "contrib"
# Git must not read the developer's own configuration (hooks, signing, default branch ...).
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

EXPECTED_TEXT = """\
Evidence changes from base to head:
- adds 1 source: hartley2010
- adds 1 concept: hierarchy
- redefines 1 concept: hybrid-leadership
- adds 2 contesting claims to distributed-leadership
- removes 1 qualifying claim from distributed-leadership
- adds 1 supporting claim to headteacher-role
- changes 1 supporting claim on headteacher-role

Claims:
  ~ torrance2013catch22#central-role-of-headteacher-focus (text changed): Across the three case studies the headteacher's role was central, and it is what the article is about. [headteacher-role: supports]
  - torrance2013catch22#complex-and-multi-faceted: Distributed leadership was found to be complex and multi-faceted. [distributed-leadership: qualifies]
  + torrance2013catch22#distributed-leadership-oxymoron: If, as the study would suggest, the headteacher's role is so crucial, 'distributed leadership' may be an oxymoron. [distributed-leadership: contests; headteacher-role: supports]
  + torrance2013catch22#is-distributed-the-best-word: Whether 'distributed' is the right word for the lived reality of school leadership deserves more discussion. [distributed-leadership: contests]
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", "commit", "-q", "-m", message)


def make_repo(repo: Path, sub: str = "") -> Path:
    """A repository whose knowledge base (in ``sub``) has the commits tagged ``base`` and ``head``."""
    root = repo / sub if sub else repo
    shutil.copytree(HERE / "kb", root)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "base")
    git(repo, "tag", "base")
    shutil.copytree(HERE / "diff-head", root, dirs_exist_ok=True)
    commit(repo, "head")
    git(repo, "tag", "head")
    return root


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return make_repo(tmp_path / "repo")


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    return result.exit_code, result.output


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain", "--ignored") + git(repo, "rev-parse", "HEAD") + git(repo, "stash", "list")


def test_text_summary_between_two_commits(repo: Path) -> None:
    before = status(repo)
    code, out = run(repo, "diff", "base", "head")
    assert code == 0
    assert out == EXPECTED_TEXT
    assert status(repo) == before  # the working tree, index and HEAD are untouched


def test_markdown_summary(repo: Path) -> None:
    code, out = run(repo, "diff", "base", "head", "--format", "markdown")
    assert code == 0
    assert "- Adds 2 contesting claims to `distributed-leadership`" in out
    assert "| `headteacher-role` | supports | 1 | 0 | 1 |" in out
    check_golden(HERE / "diff-expected.md", out)


def test_json_summary(repo: Path) -> None:
    code, out = run(repo, "diff", "base", "head", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["base"] == "base" and data["head"] == "head"
    assert data["sources_added"] == ["hartley2010"]
    assert data["concepts_added"] == ["hierarchy"]
    assert data["concepts_redefined"] == ["hybrid-leadership"]
    assert {(c["concept"], c["stance"]): (c["added"], c["removed"], c["changed"]) for c in data["by_concept"]} == {
        ("distributed-leadership", "qualifies"): (0, 1, 0),
        ("distributed-leadership", "contests"): (2, 0, 0),
        ("headteacher-role", "supports"): (1, 0, 1),
    }
    assert data["summary"][3] == "adds 2 contesting claims to distributed-leadership"
    assert data["errors"] == [0, 0]


def test_head_defaults_to_the_working_tree(repo: Path) -> None:
    assert run(repo, "diff", "head") == (0, "No changes to the evidence from head to working tree.\n")
    code, out = run(repo, "new", "concept", "teacher-agency")
    assert code == 0
    (repo / "kb/sources/torrance2013catch22.yaml").write_text(
        (repo / "kb/sources/torrance2013catch22.yaml").read_text(encoding="utf-8").replace("kind: empirical", "kind: review"), encoding="utf-8"
    )
    code, out = run(repo, "diff", "head")
    assert code == 0
    assert out == (
        "Evidence changes from head to working tree:\n"
        "- revises the note on torrance2013catch22 (kind)\n"
        "- adds 1 concept: teacher-agency\n"
        "- leaves 4 errors for kb check (base: 0)\n"
    )


def test_knowledge_base_in_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = make_repo(tmp_path / "repo", sub="evidence")
    (tmp_path / "repo" / "references.bib").write_text("not the knowledge base\n", encoding="utf-8")
    code, out = run(root, "diff", "base", "head")
    assert (code, out) == (0, EXPECTED_TEXT)


def test_base_before_the_knowledge_base_existed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("empty\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "empty")
    shutil.copytree(HERE / "kb", repo, dirs_exist_ok=True)
    code, out = run(repo, "diff", "main")
    assert code == 0
    assert out.splitlines()[1:4] == [
        "- adds 6 sources: bennett2003, gronn2008, gronn2009b, leithwood2009book, spillane2001, torrance2013catch22",
        "- adds 1 note: torrance2013catch22 (3 claims)",
        "- adds 3 concepts: distributed-leadership, headteacher-role, hybrid-leadership",
    ]


def test_errors_are_one_line(repo: Path, tmp_path: Path) -> None:
    assert run(repo, "diff", "no-such-branch") == (1, "Error: unknown revision 'no-such-branch'\n")
    assert run(repo, "diff", "--", "-x") == (1, "Error: unknown revision '-x'\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    code, out = run(outside, "diff", "HEAD")
    assert code == 1
    assert out.startswith("Error: ") and "is not in a git repository" in out and out.count("\n") == 1


def test_pure_diff_of_identical_knowledge_bases() -> None:
    kb = build_kb(HERE / "kb")
    diff = diff_kbs(kb, kb)
    assert diff.empty
    assert render_text(diff, "a", "b") == "No changes to the evidence from a to b.\n"


def test_merging_a_citation_list_and_typing_a_claim_method(tmp_path: Path) -> None:
    """The changes of the issue-13 content pass read as such: two reported claims sharing a
    sentence become one naming both works, and a claim becomes a method claim (no stance)."""
    import shutil

    base = FIXTURES / "site" / "root"
    head = tmp_path / "head"
    shutil.copytree(base, head)
    note = head / "kb" / "sources" / "torrance2013.yaml"
    text = note.read_text(encoding="utf-8")
    text = text.replace("""    about: ncsl2004
    cited_as: "NCSL, 2004\"""", """    about: [ncsl2004, harris2008]
    cited_as: ["NCSL, 2004", "Harris, 2008"]""")
    text = text.replace("""  - id: planned-not-spontaneous
    type: finding""", """  - id: planned-not-spontaneous
    type: method""").replace("""      - {concept: distributed-leadership, stance: contests}
      - {concept: formal-distribution, stance: supports}""", """      - {concept: distributed-leadership}
      - {concept: formal-distribution}""")
    note.write_text(text, encoding="utf-8")
    diff = diff_kbs(build_kb(base), build_kb(head))
    changed = {c.uid: c for c in diff.claims}
    assert changed["torrance2013#ncsl-six-processes"].changed == ("about", "cited_as")
    assert changed["torrance2013#ncsl-six-processes"].works == ("ncsl2004", "harris2008")
    method = changed["torrance2013#planned-not-spontaneous"]
    assert method.changed == ("type", "concepts") and method.concepts == ("distributed-leadership: method", "formal-distribution: method")
    out = render_text(diff, "base", "head")
    assert "- removes 1 contesting claim from distributed-leadership" in out
    assert "- adds 1 method claim to distributed-leadership" in out
