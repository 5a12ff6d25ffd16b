"""`kb verify-quotes`: quotes against full texts (plain text here; PDFs in test_pdf.py), ellipses,
the report per source, and the two seed papers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, SHARED
from fulltext_kb import quote_kb
from litkb.cli.main import main
from litkb.rules.passages import page_span, quote_parts, words
from litkb.rules.quotes import FullText, normalise

SEEDS = SHARED / "seeds"
TEXTS = FIXTURES / "quotes" / "texts"


def run(root: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["--root", str(root), "verify-quotes", *args])
    return result.exit_code, result.output.splitlines()


def test_normalisation_of_breaks_hyphens_and_quote_marks(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("the interac-\ntions of ‘leaders’ and self-\nevaluation, ﬁnding\u00a0it", encoding="utf-8")
    text = FullText.read(path)
    assert text.contains("the interactions of 'leaders'")
    assert text.contains("of \u2018leaders\u2019 and self-evaluation")
    assert text.contains("self-evaluation, finding it")  # the PDF ligature and the no-break space
    assert not text.contains("the interactions of leaders")
    assert normalise("A  \n b") == "a b"
    assert words("The interac-\ntions of self-\nevaluation: HT1's “role”") == ["the", "interactions", "of", "selfevaluation", "ht1", "s", "role"]


def test_ellipses_and_page_locators_are_parsed() -> None:
    assert quote_parts("one two ... three [...] four \u2026 five [\u2026] six. . . seven") == ["one two", "three", "four", "five", "six", "seven"]
    assert quote_parts("... one two ....") == ["one two"]
    assert [page_span(s) for s in ("p. 337", "pp. 337-338", "pp. 337\u20138", "P. xii", "pages 12-14", "section: Abstract", "p. 3, para 2")] == [
        ("337", "337"), ("337", "338"), ("337", "338"), ("xii", "xii"), ("12", "14"), None, None]


def test_fixture_quotes_match_and_mismatch_is_reported(tmp_path: Path) -> None:
    kb = FIXTURES / "quotes" / "kb"
    code, lines = run(kb, "--fulltext", str(TEXTS))
    assert code == 0, lines
    assert lines == [
        "spillane2006: 2 quotes against the full text spillane2006.txt: 2 verified (2 page locators not checked: the text has no pages)",
        "2 quotes: 2 verified (2 against full texts, 0 against fingerprints), 0 too short to check without the full text, "
        "0 unverified (no full text or fingerprint): 0 failed",
    ]
    broken = tmp_path / "kb"
    shutil.copytree(kb, broken)
    note = broken / "kb" / "sources" / "spillane2006.yaml"
    note.write_text(note.read_text().replace('quote: "leadership practice"', 'quote: "leadership practise takes shape"'))
    code, lines = run(broken, "--fulltext", str(TEXTS))
    assert code == 1
    assert lines[0] == "spillane2006: 2 quotes against the full text spillane2006.txt: 1 verified, 1 not found (1 page locator not checked: the text has no pages)"
    assert lines[1] == 'kb/sources/spillane2006.yaml:6: quote of spillane2006#practice-not-role not found in spillane2006.txt: "leadership practise takes shape"'
    assert lines[2].startswith('    closest passage: "leadership practice takes shape')
    assert lines[-1].endswith(": 1 failed")


def test_ellipses_with_a_full_text(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [
        ("in-order", "Leadership practice ... the interactions of leaders [...] their situation.", "p. 1"),
        ("leading-ellipsis", "\u2026 it is \u201chybrid\u201d in form.", "p. 1"),
        ("out-of-order", "in form ... Leadership practice takes shape", "p. 1"),
        ("part-changed", "Leadership practice ... the interactions of managers", "p. 1"),
    ])
    code, lines = run(root, "--fulltext", str(TEXTS))
    assert code == 1
    assert lines[0] == "spillane2006: 4 quotes against the full text spillane2006.txt: 2 verified, 2 not found (2 page locators not checked: the text has no pages)"
    failed = [line.split(": quote of ")[1].split(" not found")[0] for line in lines if " not found in " in line]
    assert failed == ["spillane2006#out-of-order", "spillane2006#part-changed"]
    assert any(line.startswith('    closest passage: "the interac-tions of leaders') for line in lines)  # of the part that is missing


def test_sources_without_text_or_fingerprint_are_counted_as_unverified(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [("a", "Leadership practice takes shape", "p. 1")])
    code, lines = run(root, "--verbose")
    assert code == 0
    assert lines[0] == "spillane2006: 1 quote against neither a full text nor a fingerprint (unverified): 1 unverified"
    assert lines[1] == 'kb/sources/spillane2006.yaml:5: quote of spillane2006#a not verified (no full text or fingerprint): "Leadership practice takes shape"'
    assert lines[-1].endswith("1 unverified (no full text or fingerprint): 0 failed")


def test_fingerprint_command_then_verify_without_the_text(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [("a", "Leadership practice takes shape", "p. 1")])
    result = CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(TEXTS)])
    assert result.exit_code == 0, result.output
    assert result.output == "kb/fingerprints/spillane2006.json: written (24 words, no page labels, 244 bytes)\n"
    code, lines = run(root)
    assert code == 0
    assert lines[0] == "spillane2006: 1 quote against the fingerprint kb/fingerprints/spillane2006.json: 1 too short to check without the full text"
    result = CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(TEXTS), "--check"])
    assert (result.exit_code, result.output) == (0, "kb/fingerprints/spillane2006.json: up to date (24 words, no page labels, 244 bytes)\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "spillane2006.txt").write_text("Another text altogether, of a few words.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(tmp_path / "other"), "--check"])
    assert result.exit_code == 1
    assert result.output.startswith("kb/fingerprints/spillane2006.json: out of date (")


def test_every_quote_of_the_seed_notes_is_verbatim() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"full texts not present at {SEEDS} (they sit beside the checkout in CI, which checks for them)")
    code, lines = run(REPO, "--fulltext", str(SEEDS))
    assert code == 0, lines
    assert lines[0].startswith("macbeath2005icsei: ") and lines[0].endswith("against the full text 000_d14c47eb3a603172.txt: " + lines[0].split(": ")[-1])
    assert lines[1].startswith("torrance2013catch22: ") and "against the full text 002_f4a4c3745bf4006b.txt" in lines[1]
    summary = lines[-1]
    assert summary.endswith("0 too short to check without the full text, 0 unverified (no full text or fingerprint): 0 failed")
    checked = int(summary.split()[0])
    assert checked >= 400
