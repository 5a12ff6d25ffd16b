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
        "spillane2006: 3 quotes against the full text spillane2006.txt: 3 verified (3 page locators not checked: the text has no pages)",
        "3 quotes: 3 verified (3 against full texts, 0 against fingerprints), 0 too short to check without the full text, "
        "0 unverified (no full text or fingerprint): 0 failed",
        "1 citations (cited_as) of verified quotes: 1 found, 0 outside their quote need the full text: 0 not found",
    ]
    broken = tmp_path / "kb"
    shutil.copytree(kb, broken)
    note = broken / "kb" / "sources" / "spillane2006.yaml"
    note.write_text(note.read_text().replace('quote: "leadership practice"', 'quote: "leadership practise takes shape"'))
    code, lines = run(broken, "--fulltext", str(TEXTS))
    assert code == 1
    assert lines[0] == "spillane2006: 3 quotes against the full text spillane2006.txt: 2 verified, 1 not found (2 page locators not checked: the text has no pages)"
    assert lines[1] == 'kb/sources/spillane2006.yaml:12: quote of spillane2006#practice-not-role not found in spillane2006.txt: "leadership practise takes shape"'
    assert lines[2].startswith('    closest passage: "leadership practice takes shape')
    assert lines[-2].endswith(": 1 failed")
    assert lines[-1].endswith(": 1 found, 0 outside their quote need the full text: 0 not found")


def test_ellipses_with_a_full_text(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [
        ("in-order", "Leadership practice ... the interactions of leaders [...] their situation.", "p. 1"),
        ("leading-ellipsis", "\u2026 it is \u201chybrid\u201d in form", "p. 1"),
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
    assert result.output == "kb/fingerprints/spillane2006.json: written (36 words, no page labels, 248 bytes)\n"
    code, lines = run(root)
    assert code == 0
    assert lines[0] == "spillane2006: 1 quote against the fingerprint kb/fingerprints/spillane2006.json: 1 too short to check without the full text"
    result = CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(TEXTS), "--check"])
    assert (result.exit_code, result.output) == (0, "kb/fingerprints/spillane2006.json: up to date (36 words, no page labels, 248 bytes)\n")
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
    summary = lines[-2]
    # Issue 13's reported claims: every cited_as stands in its quote or the quote's paragraph.
    assert lines[-1].endswith(" found, 0 outside their quote need the full text: 0 not found") and int(lines[-1].split()[0]) >= 100
    assert summary.endswith("0 too short to check without the full text, 0 unverified (no full text or fingerprint): 0 failed")
    checked = int(summary.split()[0])
    assert checked >= 400


# -- stated limitations and cited_as (issue 13) ---------------------------------------------------
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
    assert lines[0] == "spillane2006: 3 quotes against the full text spillane2006.txt: 2 verified, 1 not found (2 page locators not checked: the text has no pages)"
    assert lines[1] == 'kb/sources/spillane2006.yaml:10: quote of spillane2006 stated limitation 1 not found in spillane2006.txt: "We studied two districts"'
    assert lines[3] == ('kb/sources/spillane2006.yaml:20: cited_as "Gronn, 2009a" of spillane2006#gronn-hybrid is neither in its quote '
                        "nor in the quote's paragraph of spillane2006.txt")
    assert lines[-2].endswith(": 1 failed")
    assert lines[-1] == "1 citations (cited_as) of verified quotes: 0 found, 0 outside their quote need the full text: 1 not found"
    github = CliRunner().invoke(main, ["--root", str(broken), "verify-quotes", "--fulltext", str(FIXTURES / "quotes" / "texts"), "--format", "github"])
    assert "::error file=kb/sources/spillane2006.yaml,line=20" in github.output and "KB713" in github.output


def test_citations_without_the_full_text_are_checked_only_inside_their_quote(tmp_path: Path) -> None:
    """With the fingerprint alone, a cited_as standing in its (verified) quote is found; one outside
    it needs the full text (counted, not failed); nothing is claimed of a quote too short to verify."""
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "quotes" / "kb", root)
    (root / "fulltext.yaml").unlink()
    note = root / "kb" / "sources" / "spillane2006.yaml"
    note.write_text(note.read_text().replace(
        'quote: "hybrid"', 'quote: "Leadership practice takes shape in the interactions of leaders, followers and their situation. We call it '
        '\'leadership practice\' and it is hybrid in form (Gronn, 2009b)"'))
    assert CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(TEXTS)]).exit_code == 0
    code, lines = run(root, "--verbose")
    assert code == 0, lines
    assert lines[-1] == "1 citations (cited_as) of verified quotes: 1 found, 0 outside their quote need the full text: 0 not found"
    note.write_text(note.read_text().replace('cited_as: "Gronn, 2009b"', 'cited_as: "Gronn 2009b"').replace(" (Gronn, 2009b)\"", "\""))
    code, lines = run(root, "--verbose")
    assert code == 0, lines
    assert 'kb/sources/spillane2006.yaml:20: cited_as "Gronn 2009b" of spillane2006#gronn-hybrid is not in its quote: its paragraph needs the full text' in lines
    assert lines[-1] == "1 citations (cited_as) of verified quotes: 0 found, 1 outside their quote need the full text: 0 not found"


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
