"""Golden tests: each broken knowledge base under fixtures/invalid/ gives exactly its expected problems."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, check_golden
from litkb.core.problems import format_problems
from litkb.rules.link import build_kb

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_expected_problems(case: str) -> None:
    kb = build_kb(FIXTURES / "invalid" / case)
    text = format_problems(list(kb.problems), "text")
    check_golden(FIXTURES / "invalid" / case / "expected.txt", text + "\n" if text else "")


@pytest.mark.parametrize("case", [c for c in CASES if c != "valid"])
def test_every_broken_case_reports_a_located_error(case: str) -> None:
    kb = build_kb(FIXTURES / "invalid" / case)
    assert kb.errors, f"{case}: no error reported"
    assert all(p.path for p in kb.problems)
    assert all(p.line >= 1 and p.column >= 1 for p in kb.problems)


def test_rest_of_knowledge_base_still_loads() -> None:
    # A broken note does not hide the library or the concepts.
    kb = build_kb(FIXTURES / "invalid" / "yaml-syntax-error")
    assert set(kb.sources) == {"gronn2009b", "spillane2006"}
    assert set(kb.concepts) == {"distributed-leadership", "hybrid-leadership"}
    # A broken BibTeX block does not hide the entries after it.
    kb = build_kb(FIXTURES / "invalid" / "unbalanced-braces")
    assert "after2002" in kb.sources and "broken2001" not in kb.sources


def test_python_tag_executes_nothing(tmp_path: Path) -> None:
    case = FIXTURES / "invalid" / "python-object-tag"
    subprocess.run([sys.executable, "-m", "litkb", "--root", str(case), "check"], cwd=tmp_path, capture_output=True, check=False)
    assert not (tmp_path / "pwned").exists()
    assert not (case / "pwned").exists()


def _limit_memory() -> None:  # runs in the child: 300 MB of address space is ample for a refusal
    resource.setrlimit(resource.RLIMIT_AS, (300 * 2**20, 300 * 2**20))


def test_alias_bomb_is_refused_without_expanding() -> None:
    case = FIXTURES / "invalid" / "alias-bomb"
    proc = subprocess.run(
        [sys.executable, "-m", "litkb", "--root", str(case), "check"],
        capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory, check=False,
    )
    assert proc.returncode == 1
    assert "KB205" in proc.stdout
