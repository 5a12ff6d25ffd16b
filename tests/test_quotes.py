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
    assert lines[0] == 'kb/sources/spillane2006.yaml:12: quote of spillane2006#practice-not-role not found in spillane2006.txt: "leadership practise takes shape"'
    assert lines[1].startswith('    closest passage: "leadership practice takes shape')
    assert lines[-1].endswith("(spillane2006): 1 not found; 1 citations (cited_as) checked: 0 not found")


def test_stated_limitations_and_citations_are_verified(tmp_path: Path) -> None:
    import shutil

    broken = tmp_path / "kb"
    shutil.copytree(FIXTURES / "quotes" / "kb", broken)
    note = broken / "kb" / "sources" / "spillane2006.yaml"
    text = note.read_text()
    text = text.replace('quote: "We studied one district only"', 'quote: "We studied two districts"').replace('cited_as: "Gronn, 2009b"', 'cited_as: "Gronn, 2009a"')
    note.write_text(text)
    result = CliRunner().invoke(main, ["--root", str(broken), "verify-quotes", "--fulltext", str(FIXTURES / "quotes" / "texts")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == 'kb/sources/spillane2006.yaml:10: quote of spillane2006 stated limitation 1 not found in spillane2006.txt: "We studied two districts"'
    assert lines[2] == ('kb/sources/spillane2006.yaml:20: cited_as "Gronn, 2009a" of spillane2006#gronn-hybrid is neither in its quote '
                        "nor in the quote's paragraph of spillane2006.txt")
    assert lines[-1].endswith(": 1 not found; 1 citations (cited_as) checked: 1 not found")


@pytest.mark.parametrize(
    ("quote", "citation", "found"),
    [
        ("hybrid leadership (Gronn, 2009b) might", "Gronn, 2009b", True),  # in the quote
        ("hybrid leadership", "Gronn, 2009b", True),  # in the quote's paragraph
        ("the power of one is being challenged", "Southworth, 2002", True),  # alone under a block quotation
        ("the power of one is being challenged", "Southworth, 2003", False),
        ("A later paragraph", "Gronn, 2009b", False),  # another paragraph
    ],
)
def test_a_citation_stands_in_the_quote_or_its_paragraph(tmp_path: Path, quote: str, citation: str, found: bool) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "Torrance writes that hybrid leadership (Gronn, 2009b) might\nprovide a more accurate term.\n\n"
        "As Southworth argues:\n\n  The long-standing belief in\nthe power of one is being challenged.\n\n(Southworth, 2002)\n\n"
        "A later paragraph with no citation at all, long enough not to be read as a citation line standing alone.\n",
        encoding="utf-8",
    )
    assert FullText.read(path).cites(quote, citation) is found


def test_every_quote_of_the_seed_notes_is_verbatim() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"full texts not present at {SEEDS} (they sit beside the checkout in CI, which checks for them)")
    result = CliRunner().invoke(main, ["--root", str(REPO), "verify-quotes", "--fulltext", str(SEEDS)])
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert "(macbeath2005icsei, torrance2013catch22): 0 not found" in summary
    checked = int(summary.split()[0])
    assert checked >= 400
