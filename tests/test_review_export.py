"""`kb review export`: a question page through pandoc 3.9 (pypandoc-binary) and its citeproc into
files a word processor opens: the .docx and .odt are valid zip files whose document holds the
formatted in-text citations and the reference-list entries; LaTeX and Markdown carry them too."""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from litkb.cli.main import main
from litkb.emit.cite.styles import style_path
from litkb.emit.exports.pandoc import READER, PandocError, run_pandoc
from litkb.emit.exports.review import claim_locator, review_document
from litkb.rules.link import build_kb

ROOT = FIXTURES / "questions" / "root"
# What APA 7 through pandoc's citeproc makes of the fixture question (letters: this reference list's).
APA_CITATIONS = [
    "(Example, 2020a, sec. Findings; Sample & Case, 2018, p. 9)",  # two claim citations with their locators
    "(see Example, 2020a, p. 10; Sample & Case, 2018)",
    "Example (2020a, sec. Findings) describes",  # a narrative claim citation
    "(Sample & Case, 2018, p. 7; 2018, p. 7)",  # -@key
]
APA_REFERENCES = [
    "Draft, D. (2015). Notes on gatekeeping, a fixture report. Institute of Examples.",
    "Example, A. (2020a). A synthetic case study of shared leadership in three schools. Journal of Test Fixtures, 1(2), 10–25.",
    "Example, A. (2020b). Trust and the synthetic headteacher. Journal of Test Fixtures, 1(3), 30–41.",
    "Sample, B., & Case, C. (2018). Leadership Taken and Given: An Invented Survey. Fixture Press.",
]


def export(tmp_path: Path, fmt: str, *extra: str, root: Path = ROOT, question: str = "given-or-taken") -> tuple[int, str, Path]:
    out = tmp_path / f"{question}.{fmt}"
    result = CliRunner().invoke(main, ["--root", str(root), "review", "export", question, "--format", fmt, "--out", str(out), *extra])
    return result.exit_code, result.output, out


def xml_text(xml: str) -> str:
    """The text of a Word or OpenDocument XML part: runs joined, paragraphs on lines of their own."""
    xml = re.sub(r"</(?:w:p|text:p|text:h)>", "\n", xml)
    return unescape(re.sub(r"<[^>]+>", "", xml))


def test_docx_is_a_word_document_with_formatted_citations_and_references(tmp_path: Path) -> None:
    code, output, out = export(tmp_path, "docx")
    assert code == 0, output
    assert output.strip() == f"wrote {out} (docx, style apa, 13 citations, 4 references)"
    with zipfile.ZipFile(out) as docx:
        assert docx.testzip() is None
        names = set(docx.namelist())
        assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml"} <= names
        text = xml_text(docx.read("word/document.xml").decode("utf-8"))
    assert "Is leadership in the fixture schools given or taken?" in text
    for citation in APA_CITATIONS:
        assert citation in " ".join(text.split()), citation
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for reference in APA_REFERENCES:
        assert reference in lines, reference
    assert "@" not in text and "#head-opens" not in text  # no citation key left unformatted


def test_odt_is_an_opendocument_with_the_same_citations(tmp_path: Path) -> None:
    code, output, out = export(tmp_path, "odt")
    assert code == 0, output
    with zipfile.ZipFile(out) as odt:
        assert odt.testzip() is None
        assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        text = xml_text(odt.read("content.xml").decode("utf-8"))
    flat = " ".join(text.split())
    for citation in APA_CITATIONS:
        assert citation in flat, citation
    for reference in APA_REFERENCES:
        assert reference in flat, reference


def test_latex_and_markdown_carry_the_formatted_citations(tmp_path: Path) -> None:
    code, _, tex = export(tmp_path, "latex")
    assert code == 0
    latex = " ".join(tex.read_text(encoding="utf-8").split())
    assert latex.startswith("% Options for packages loaded elsewhere") and "\\begin{document}" in latex and "\\end{document}" in latex
    assert "(Example, 2020a, sec.~Findings; Sample \\& Case, 2018, p. 9)" in latex
    assert "\\section{Given by the head}" in latex and "Sample, B., \\& Case, C. (2018)." in latex
    code, _, md = export(tmp_path, "markdown")
    assert code == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("---\nreference-section-title: References\ntitle: Is leadership in the fixture schools given or taken?\n---\n")
    flat = " ".join(text.split())
    for citation in APA_CITATIONS:
        assert citation in flat, citation
    assert "Example, A. (2020b). Trust and the synthetic headteacher. *Journal of Test Fixtures*, *1*(3), 30–41." in flat
    # Nothing of the machine leaks into the file: pandoc's temporary bibliography, the style's path.
    assert "bibliography:" not in text and "csl:" not in text and str(tmp_path) not in text


def test_harvard_and_a_csl_file_change_the_formatting(tmp_path: Path) -> None:
    code, _, md = export(tmp_path, "markdown", "--style", "harvard")
    assert code == 0
    flat = " ".join(md.read_text(encoding="utf-8").split())
    assert "(Example, 2020a, sec. Findings; Sample and Case, 2018, p. 9)" in flat
    assert "Sample, B. and Case, C. (2018) *Leadership Taken and Given: An Invented Survey*. Fixture Press." in flat
    csl = tmp_path / "mine.csl"
    shutil.copy(style_path("apa"), csl)
    code, output, _ = export(tmp_path, "markdown", "--style", str(csl))
    assert code == 0 and "style mine" in output


def test_unknown_question_is_one_line_with_did_you_mean(tmp_path: Path) -> None:
    code, output, _ = export(tmp_path, "docx", question="given-or-takn")
    assert code == 1
    assert output == "Error: unknown question 'given-or-takn' (did you mean 'given-or-taken'?)\n"
    code, output, _ = export(tmp_path, "docx", "--style", "nope")
    assert code == 1 and output.startswith("Error: unknown citation style 'nope'") and output.count("\n") == 1


def test_a_page_with_errors_is_not_exported(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    page = root / "kb" / "questions" / "who-keeps-the-gate.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAnd [@nosuchkey].\n", encoding="utf-8")
    code, output, out = export(tmp_path, "docx", root=root, question="who-keeps-the-gate")
    assert code == 1 and not out.exists()
    assert output.startswith("Error: kb/questions/who-keeps-the-gate.md has 1 error(s), the first: kb/questions/who-keeps-the-gate.md:11:6: error KB405")


def test_claim_citations_become_citations_with_the_claims_locator() -> None:
    kb = build_kb(ROOT)
    document = review_document(kb, kb.questions["given-or-taken"])
    assert document.keys == ("example2020a", "sample2018", "example2020b", "draft2015")  # first citation first
    assert "[@example2020a, sec. Findings; @sample2018, p. 9]" in document.markdown
    assert "@example2020a [sec. Findings] describes" in document.markdown
    assert "[see @example2020a, p. 10; @sample2018]" in document.markdown
    assert "#" not in document.markdown.replace("# Given by the head", "").replace("# Taken by staff", "")
    assert document.markdown.splitlines()[2] == "# Given by the head"  # the page's parts are the document's top level


def test_two_claims_at_one_place_are_one_citation(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    note = root / "kb" / "sources" / "sample2018.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace('    locator: "p. 9"', '    locator: "p. 7"'), encoding="utf-8")
    page = root / "kb" / "questions" / "who-keeps-the-gate.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nBoth [@sample2018#taken-not-given; @sample2018#example-found-gatekeeping; @draft2015].\n", encoding="utf-8")
    kb = build_kb(root)
    assert kb.errors == ()
    assert "Both [@sample2018, p. 7; @draft2015]." in review_document(kb, kb.questions["who-keeps-the-gate"]).markdown


@pytest.mark.parametrize(
    ("locator", "expected"),
    [
        ("section: The Findings", "sec. The Findings"),
        ("p. 12", "p. 12"),
        ("pp. 3-4", "pp. 3-4"),
        ("page 7", "p. 7"),
        ("chapter: Two", "chap. Two"),
        ("Table 2", "Table 2"),
        ("section: A [bracketed]; heading", "sec. A \\[bracketed\\]\\; heading"),
    ],
)
def test_claim_locators_in_pandoc_terms(locator: str, expected: str) -> None:
    assert claim_locator(locator) == expected


def test_pandoc_reads_a_narrow_markdown_in_a_sandbox(tmp_path: Path) -> None:
    """Raw TeX, HTML and maths in a question stay text in the .tex; an image in the text becomes a
    link; and were one to reach pandoc, the sandbox would not read its file."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\nnot for the document")
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    page = root / "kb" / "questions" / "who-keeps-the-gate.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\nSee ![the picture]({secret}) [@draft2015].\n", encoding="utf-8")
    kb = build_kb(root)
    document = review_document(kb, kb.questions["who-keeps-the-gate"])
    assert f"See [the picture]({secret}) [@draft2015]." in document.markdown
    hostile = document.markdown + "\n\\input{/etc/hostname} $\\input{x}$ <b>bold</b>\n\n---\nbibliography: /etc/passwd\n---\n"
    tex = run_pandoc(replace(document, markdown=hostile), "latex", style_path("apa")).decode("utf-8")
    assert "\\input{" not in tex and "\\textbackslash input" in tex and "\\textless b\\textgreater" in tex
    assert "-raw_tex" in READER and "-yaml_metadata_block" in READER and "-tex_math_dollars" in READER
    with pytest.raises(PandocError, match="Could not fetch resource"):
        run_pandoc(replace(document, markdown=f"![pic]({secret})\n"), "docx", style_path("apa"))
