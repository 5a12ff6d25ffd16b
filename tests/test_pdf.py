"""PDF full texts and page locators, on PDFs generated here (tests/pdfgen.py): page labels (printed
page 337 on the 5th PDF page), a quote over two pages with a word hyphenated across the break,
running heads, the same checks from the fingerprint alone, and PDFs that cannot be read."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from fulltext_kb import quote_kb
from litkb.cli.main import main
from litkb.load.fulltext import FullTextError, read_fulltext
from pdfgen import LABELS, ON_337, ON_338, PAGES, SPAN_QUOTE, article_pdf

CLAIMS = [
    ("two-pages", SPAN_QUOTE, "pp. 337-338"),
    ("two-pages-abbreviated", SPAN_QUOTE, "pp. 337-8"),
    ("two-pages-as-one", SPAN_QUOTE, "p. 337"),
    ("on-337", ON_337, "p. 337"),
    ("on-338-said-337", ON_338, "p. 337"),
    ("no-such-page", ON_337, "p. 12"),
    ("by-section", ON_338, "section: Findings"),
]


def verify(root: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["--root", str(root), "verify-quotes", *args])
    return result.exit_code, result.output.splitlines()


def failures(lines: list[str]) -> dict[str, str]:
    """claim id -> what the report says is wrong with it."""
    found = {}
    for line in lines:
        if ": quote of spillane2006#" in line:
            claim, rest = line.split(": quote of spillane2006#")[1].split(" ", 1)
            found[claim] = rest.rsplit(": \"", 1)[0]
    return found


@pytest.mark.parametrize("how", ["pypdf label tree", "fpdf2 labels"])
def test_pages_come_with_their_labels_and_without_running_lines(tmp_path: Path, how: str) -> None:
    pdf = article_pdf(tmp_path / "a.pdf", fpdf_labels=how == "fpdf2 labels")
    paged = read_fulltext(pdf)
    assert paged.paged
    assert [page.label for page in paged.pages] == LABELS
    assert paged.pages[4].label == "337"  # the 5th PDF page
    for page, lines in zip(paged.pages, PAGES, strict=True):
        assert page.text.splitlines() == lines  # the running head and the page number are gone


def test_printed_page_numbers_label_a_pdf_without_labels(tmp_path: Path) -> None:
    labels = ["333", "334", "335", "336", "337", "338"]
    pdf = article_pdf(tmp_path / "a.pdf", labels=labels, label_tree=False)
    assert [page.label for page in read_fulltext(pdf).pages] == labels
    # Roman front matter is no number: then the PDF's own numbering, 1 to 6, is all there is.
    assert [page.label for page in read_fulltext(article_pdf(tmp_path / "b.pdf", label_tree=False)).pages] == ["1", "2", "3", "4", "5", "6"]


def test_page_locators_are_checked_against_the_pdf(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, CLAIMS)
    texts = tmp_path / "texts"
    texts.mkdir()
    article_pdf(texts / "spillane2006.pdf")
    code, lines = verify(root, "--fulltext", str(texts))
    assert code == 1
    assert lines[0] == "spillane2006: 7 quotes against the full text spillane2006.pdf: 4 verified, 2 on other pages, 1 naming a page the text lacks"
    assert failures(lines) == {
        "two-pages-as-one": "is on pp. 337-338, not on p. 337 (spillane2006.pdf)",
        "on-338-said-337": "is on p. 338, not on p. 337 (spillane2006.pdf)",
        "no-such-page": "names page 12, which the text does not have (its pages are labelled i to 338) (spillane2006.pdf)",
    }


def test_the_fingerprint_of_a_pdf_keeps_its_pages(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, CLAIMS)
    texts = tmp_path / "texts"
    texts.mkdir()
    article_pdf(texts / "spillane2006.pdf")
    result = CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(texts)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kb/fingerprints/spillane2006.json: written (") and "6 pages" in result.output
    shutil.rmtree(texts)  # from now on, only the committed fingerprint
    code, lines = verify(root)
    assert code == 1
    assert lines[0] == "spillane2006: 7 quotes against the fingerprint kb/fingerprints/spillane2006.json: 4 verified, 2 on other pages, 1 naming a page the text lacks"
    assert failures(lines) == {
        "two-pages-as-one": "is on pp. 337-338, not on p. 337 (kb/fingerprints/spillane2006.json)",
        "on-338-said-337": "is on p. 338, not on p. 337 (kb/fingerprints/spillane2006.json)",
        "no-such-page": "names page 12, which the text does not have (its pages are labelled i to 338) (kb/fingerprints/spillane2006.json)",
    }


def test_a_changed_word_fails_with_the_pdf_and_with_its_fingerprint(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [("changed", SPAN_QUOTE.replace("practice", "policy"), "pp. 337-338")])
    texts = tmp_path / "texts"
    texts.mkdir()
    article_pdf(texts / "spillane2006.pdf")
    code, lines = verify(root, "--fulltext", str(texts))
    assert code == 1 and failures(lines) == {"changed": "not found in spillane2006.pdf"}
    assert CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(texts)]).exit_code == 0
    code, lines = verify(root)
    assert code == 1 and failures(lines) == {"changed": "not found in the fingerprint kb/fingerprints/spillane2006.json"}


def test_a_pdf_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [("a", ON_337, "p. 337")])
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "spillane2006.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 1000)
    result = CliRunner().invoke(main, ["--root", str(root), "verify-quotes", "--fulltext", str(texts)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {texts / 'spillane2006.pdf'}: cannot read the PDF: ") and result.output.count("\n") == 1
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(article_pdf(tmp_path / "plain.pdf").read_bytes())))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with (texts / "spillane2006.pdf").open("wb") as handle:
        writer.write(handle)
    with pytest.raises(FullTextError, match="the PDF is encrypted; save an unencrypted copy"):
        read_fulltext(texts / "spillane2006.pdf")


def test_a_short_quote_on_other_pages_is_reported_even_from_the_fingerprint(tmp_path: Path) -> None:
    # 18 words: enough on its page, too few to tell where it stands in the whole text (19).
    short = "a group of support staff leading the pupils' council over a whole school year, with the help of"
    root = quote_kb(tmp_path, [("short-right", short, "p. 338"), ("short-wrong", short, "p. 337")])
    texts = tmp_path / "texts"
    texts.mkdir()
    article_pdf(texts / "spillane2006.pdf")
    assert CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(texts)]).exit_code == 0
    code, lines = verify(root)
    assert code == 1
    assert lines[0] == "spillane2006: 2 quotes against the fingerprint kb/fingerprints/spillane2006.json: 1 verified, 1 on other pages"
    assert failures(lines) == {"short-wrong": "is not on p. 337 (too short to tell where it stands without the full text) (kb/fingerprints/spillane2006.json)"}
