"""`kb annotations import`: Zotero's exports (fixtures written from Zotero's own serialisation, see
fixtures/zotero/README.md) become claim stubs; the note keeps its layout; hostile files are one
located line and change nothing. Ends with the contributor's whole path, from a highlighted PDF to
a note that passes every check."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from fulltext_kb import quote_kb
from litkb.cli.main import main
from litkb.contrib.zotero import MAX_EXPORT_BYTES, read_export
from litkb.rules.schema import CLAIM
from pdfgen import ON_337, ON_338, SPAN_QUOTE, article_pdf

EXPORTS = FIXTURES / "zotero"
FORMS = ["note.html", "note-export.html", "note.md", "annotations.json"]
NOTE = "kb/sources/spillane2006.yaml"


def kb(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    return result.exit_code, result.output


def imported(root: Path, export: str, *extra: str) -> tuple[int, str]:
    return kb(root, "annotations", "import", str(EXPORTS / export), "--key", "spillane2006", *extra)


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_export_gives_the_highlights_with_pages_and_comments(form: str) -> None:
    found = read_export((EXPORTS / form).read_bytes(), form)
    assert [(h.text, h.page_label) for h in found] == [(ON_337, "337"), (SPAN_QUOTE, "337"), (ON_338, "338")]
    assert [h.comment for h in found] == [
        "Rotating the chair of the planning meeting spread agenda-setting beyond the deputy head.",
        "",
        "Support staff led the pupils' council for a year. #hybrid-leadership",
    ]
    tags = [h.tags for h in found]
    if form == "annotations.json":  # tags travel with the items; the API lists them by date, not page
        assert tags == [("distributed leadership", "to read"), ("Shared leadership",), ("hybrid-leadership",)]
    else:  # a note keeps no tags: only #hashtags written in a comment
        assert tags == [(), (), ("hybrid-leadership",)]


def test_stubs_are_appended_after_the_last_claim_and_the_rest_is_untouched(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    before = (root / NOTE).read_text(encoding="utf-8")
    code, out = imported(root, "annotations.json")
    assert code == 0, out
    assert out.splitlines() == [
        "added zotero-a-rota-of-teachers-who-chaired (p. 337)",
        "added zotero-in-two-of-them-the-heads (p. 337)",
        "added zotero-a-group-of-support-staff-leading (p. 338)",
        f"{NOTE}: 3 stubs added, 0 skipped; complete each (text, type, concepts and stances), then run kb check and kb verify-quotes",
    ]
    after = (root / NOTE).read_text(encoding="utf-8")
    block = after[after.index("  - id: zotero-a-rota") : after.index("reported:")]
    assert after.replace(block, "") == before  # nothing else moved
    added = block.splitlines()
    assert added[:7] == [
        "  - id: zotero-a-rota-of-teachers-who-chaired",
        "    # TODO type: finding | voice | argument | background | method (imported from Zotero)",
        '    text: "Rotating the chair of the planning meeting spread agenda-setting beyond the deputy head."',
        f'    quote: "{ON_337}"',
        '    locator: "p. 337"',
        "    concepts:   # from the highlight's tags: choose each stance",
        "      - {concept: distributed-leadership, stance: TODO}",
    ]
    assert '    text: ""   # write the claim in your own words' in added
    assert '    text: "Support staff led the pupils\' council for a year."' in added  # the #tag went to concepts
    assert "      - {concept: hybrid-leadership, stance: TODO}" in added
    assert after.index("reported:") > after.index(ON_338)
    # Importing again, from another form of the same annotations, adds nothing.
    code, out = imported(root, "note.md")
    assert code == 0 and out.splitlines()[-1] == f"{NOTE}: 0 stubs added, 3 skipped"
    assert "already quoted by claim zotero-a-rota-of-teachers-who-chaired" in out
    assert (root / NOTE).read_text(encoding="utf-8") == after


def test_stubs_are_flagged_by_kb_check_until_the_writer_completes_them(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    assert imported(root, "note.html")[0] == 0
    code, out = kb(root, "check")
    assert code == 1
    stub_lines = {int(m.group(1)) for m in re.finditer(rf"^{NOTE}:(\d+):\d+: error", out, re.M)}
    codes = set(re.findall(rf"^{NOTE}:\d+:\d+: error (KB\d+)", out, re.M))
    assert codes >= {"KB304", "KB306"}  # stance TODO; the empty text
    if "type" in CLAIM.by_name:
        assert "KB303" in codes  # the missing type, at the stub's line
    assert stub_lines and min(stub_lines) > 10  # all on the stubs, none on the claims that were there


def test_an_existing_quote_is_never_quoted_twice_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [("rota", ON_337, "p. 337")])
    before = (root / NOTE).read_text(encoding="utf-8")
    code, out = imported(root, "note-export.html", "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        'skipped "a rota of teachers who chaired the weekly..." (note-export.html:2) (p. 337): already quoted by claim rota',
        "would add zotero-in-two-of-them-the-heads (p. 337)",
        "would add zotero-a-group-of-support-staff-leading (p. 338)",
        f"{NOTE}: 2 stubs would be added, 1 skipped",
    ]
    assert (root / NOTE).read_text(encoding="utf-8") == before


def test_a_scaffolded_note_with_no_claims_gets_its_first(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    (root / NOTE).unlink()
    assert kb(root, "new", "source", "spillane2006")[0] == 0
    before = (root / NOTE).read_text(encoding="utf-8")
    assert "\nclaims: []\n" in before
    assert imported(root, "note.md")[0] == 0
    after = (root / NOTE).read_text(encoding="utf-8")
    head, tail = before.split("claims: []")
    assert after.startswith(head + "claims:\n  - id: zotero-a-rota-of-teachers-who-chaired\n") and after.endswith(tail)


def test_comments_between_claims_and_what_follows_keep_their_place(tmp_path: Path) -> None:
    root = quote_kb(tmp_path, [("first", "Leadership practice takes shape", "p. 1")])
    note = root / NOTE
    text = note.read_text(encoding="utf-8").replace("claims:\n", "claims:\n  # --- Introduction ---\n", 1)
    text += "\n# What the source says about OTHER works.\nreported: []   # none yet\ncites: [gronn2009b]\n"
    note.write_text(text, encoding="utf-8")
    assert imported(root, "annotations.json")[0] == 0
    after = note.read_text(encoding="utf-8")
    assert after.index("# --- Introduction ---") < after.index("id: first") < after.index("zotero-a-rota") < after.index("# What the source says")
    assert after.endswith("\n# What the source says about OTHER works.\nreported: []   # none yet\ncites: [gronn2009b]\n")


@pytest.mark.parametrize(
    ("name", "content", "where", "message"),
    [
        ("note.html", '<div data-schema-version="9">\n<p><span class="highlight">x</span></p>\n<script>alert(1)</script></div>', ":3:1:", "'<script' is not part of a Zotero export"),
        ("note.html", '<p onclick="steal()"><span class="highlight">\u201cx\u201d</span></p>', ":1:1:", "'<p onclick=' is not part of a Zotero export"),
        ("note.md", "\u201cx\u201d ([Spillane, 2006, p. 3](javascript:alert(1)))", ":1:29:", "'javascript:' is not part of a Zotero export"),
        ("items.json", '[{"data": {"itemType": "annotation",\n  "annotationText": "x",}}]', ":2:25:", "not valid JSON: Expecting property name enclosed in double quotes"),
        ("items.json", "[" * 100_000 + "]" * 100_000, ":1:1:", "JSON nested too deeply"),
        ("items.json", '[{"data": {"itemType": "attachment"}}]', ":1:1:", "no highlight found"),
        ("note.md", "Just some notes of mine.\n", ":1:1:", "no highlight found"),
    ],
)
def test_hostile_or_foreign_exports_are_one_located_line_and_change_nothing(tmp_path: Path, name: str, content: str, where: str, message: str) -> None:
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    before = (root / NOTE).read_bytes()
    export = tmp_path / name
    export.write_text(content, encoding="utf-8")
    code, out = kb(root, "annotations", "import", str(export), "--key", "spillane2006")
    assert code == 1
    assert out.count("\n") == 1 and out.startswith(f"{export}{where} error KB710: {message}"), out
    assert (root / NOTE).read_bytes() == before


def test_huge_and_undecodable_files_are_refused_before_parsing(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(MAX_EXPORT_BYTES + 1)
    code, out = kb(root, "annotations", "import", str(huge), "--key", "spillane2006")
    assert code == 1 and out.count("\n") == 1 and out.startswith(f"{huge}:1:1: error KB006: file holds {MAX_EXPORT_BYTES + 1:,} bytes"), out
    latin = tmp_path / "note.md"
    latin.write_bytes("\u201cx\u201d\ncaf\xe9".encode("utf-8")[:-2] + b"\xe9\n")
    code, out = kb(root, "annotations", "import", str(latin), "--key", "spillane2006")
    assert (code, out) == (1, f"{latin}:2:1: error KB710: not UTF-8 (byte 0xe9) (nothing was imported)\n")


def test_a_key_without_a_note_or_outside_the_library_is_refused(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    code, out = kb(root, "annotations", "import", str(EXPORTS / "note.md"), "--key", "gronn2009b")
    assert (code, out) == (1, "Error: no note on 'gronn2009b' yet: start one with kb new source gronn2009b, then import\n")
    code, out = kb(root, "annotations", "import", str(EXPORTS / "note.md"), "--key", "nobody2020")
    assert (code, out) == (1, "Error: unknown key 'nobody2020': not in references.bib (add it with kb import FILE.bib)\n")


def test_the_contributor_path_from_a_highlighted_pdf_to_a_checked_note(tmp_path: Path) -> None:
    """CONTRIBUTING.md's walk-through, step by step: highlights exported from Zotero become stubs,
    the writer completes them, the PDF's fingerprint is committed, and every check passes without
    the PDF, once the locator of the quote that runs over a page break is corrected."""
    root = shutil.copytree(FIXTURES / "quotes" / "kb", tmp_path / "kb")
    (root / "fulltext.yaml").unlink()
    papers = tmp_path / "my-papers"  # the contributor's own folder, never committed
    papers.mkdir()
    article_pdf(papers / "spillane2006.pdf")
    (root / NOTE).unlink()
    assert kb(root, "new", "source", "spillane2006")[0] == 0
    assert imported(root, "note.html")[0] == 0
    note = root / NOTE
    text = note.read_text(encoding="utf-8")
    # The writer's part: summary and kind; per claim a type, the claim in their words, concepts and stances.
    text = text.replace('summary: ""', 'summary: "An invented study of three schools sharing leadership."').replace('kind: ""', "kind: empirical")
    typed = "type: finding" if "type" in CLAIM.by_name else ""
    text = re.sub(r"# TODO type: [^\n]*", typed or "# (a finding)", text)
    text = text.replace('text: ""   # write the claim in your own words', 'text: "In two of them the heads saw the rota as distributed; many of the staff saw a duty."')
    text = text.replace("stance: TODO", "stance: supports")
    text = text.replace("concepts: []   # no tag names a concept: add the concepts and stances", "concepts:\n      - {concept: distributed-leadership, stance: qualifies}")
    note.write_text(text, encoding="utf-8")
    code, out = kb(root, "check")
    assert code == 0 and "KB704" in out  # clean, but nobody can check the quotes yet
    code, out = kb(root, "fingerprint", "--fulltext", str(papers))
    assert code == 0 and "6 pages" in out
    code, out = kb(root, "check", "--strict")
    assert (code, out.splitlines()[-1]) == (0, "no problems (2 sources, 1 notes, 2 concepts, 3 claims)")
    # As the pull request's checks see it: no PDF, only the committed fingerprint.
    shutil.rmtree(papers)
    code, out = kb(root, "verify-quotes")
    assert code == 1
    assert 'quote of spillane2006#zotero-in-two-of-them-the-heads is on pp. 337-338, not on p. 337' in out
    note.write_text(note.read_text(encoding="utf-8").replace(f'{json.dumps(SPAN_QUOTE)}\n    locator: "p. 337"', f'{json.dumps(SPAN_QUOTE)}\n    locator: "pp. 337-338"'), encoding="utf-8")
    code, out = kb(root, "verify-quotes")
    assert code == 0, out
    assert out.splitlines()[0] == "spillane2006: 3 quotes against the fingerprint kb/fingerprints/spillane2006.json: 3 verified"
