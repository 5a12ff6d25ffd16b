"""`kb verify-quotes`: quotes against full texts, on a fixture and on the two seed papers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, SHARED
from litkb.cli.main import main
from litkb.rules.quotes import FullText, normalise

SEEDS = SHARED / "seeds"


def test_normalisation_of_breaks_hyphens_and_quote_marks(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("the interac-\ntions of ‘leaders’ and self-\nevaluation", encoding="utf-8")
    text = FullText.read(path)
    assert text.contains("the interactions of 'leaders'")
    assert text.contains("of \u2018leaders\u2019 and self-evaluation")
    assert not text.contains("the interactions of leaders")
    assert normalise("A  \n b") == "a b"


def test_fixture_quotes_match_and_mismatch_is_reported(tmp_path: Path) -> None:
    kb = FIXTURES / "quotes" / "kb"
    result = CliRunner().invoke(main, ["--root", str(kb), "verify-quotes", "--fulltext", str(FIXTURES / "quotes" / "texts")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": 0 not found")
    broken = tmp_path / "kb"
    import shutil

    shutil.copytree(kb, broken)
    note = broken / "kb" / "sources" / "spillane2006.yaml"
    note.write_text(note.read_text().replace('quote: "leadership practice"', 'quote: "leadership practise takes shape"'))
    result = CliRunner().invoke(main, ["--root", str(broken), "verify-quotes", "--fulltext", str(FIXTURES / "quotes" / "texts")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == 'kb/sources/spillane2006.yaml:6: quote of spillane2006#practice-not-role not found in spillane2006.txt: "leadership practise takes shape"'
    assert lines[1].startswith('    closest passage: "leadership practice takes shape')
    assert lines[-1].endswith(": 1 not found")


def test_every_quote_of_the_seed_notes_is_verbatim() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"full texts not present at {SEEDS} (they sit beside the checkout in CI, which checks for them)")
    result = CliRunner().invoke(main, ["--root", str(REPO), "verify-quotes", "--fulltext", str(SEEDS)])
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert "(macbeath2005icsei, torrance2013catch22): 0 not found" in summary
    checked = int(summary.split()[0])
    assert checked >= 400
