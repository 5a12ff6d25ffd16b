"""`kb import FILE.bib` and the library's BibTeX writer: duplicates found on a realistic export,
existing entries byte-identical, idempotent, canonical style."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO, check_golden
from litkb.cli.main import main
from litkb.contrib.bibimport import canonical_library, import_bibtex, insert_entries, normalise_doi, render_entry
from litkb.load.bibraw import read_raw
from litkb.load.bibtex import parse_bibtex
from litkb.rules.link import build_kb

HERE = FIXTURES / "contrib"
EXPORT = HERE / "import" / "library-export.bib"


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(HERE / "kb", root)
    return root


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    return result.exit_code, result.output


EXPECTED_REPORT = """\
duplicate gronnFutureDistributedLeadership2008 (library-export.bib:4): duplicate of gronn2008 in references.bib (same DOI 10.1108/09578230810863235)
duplicate spillane_investigating_2001 (library-export.bib:23): duplicate of spillane2001 in references.bib (same title, first author and year)
added spillane2004towards (dropped: keywords)
added bolden2011 (dropped: abstract)
added gumus2018 (dropped: file)
duplicate Bolden2011 (library-export.bib:83): duplicate of bolden2011, an earlier entry of the export (same DOI 10.1111/j.1468-2370.2011.00306.x)
added woods2004
refused harris 2004 (library-export.bib:106): key has characters unsafe in a file name or URL (use letters, digits, _ - . : only)
library-export.bib: 4 added, 3 duplicate(s) skipped, 1 refused
"""


def test_import_realistic_export(kb_copy: Path) -> None:
    before = (kb_copy / "references.bib").read_text(encoding="utf-8")
    code, out = run(kb_copy, "import", str(EXPORT))
    assert out == EXPECTED_REPORT
    assert code == 1  # one entry was refused
    after = (kb_copy / "references.bib").read_text(encoding="utf-8")
    check_golden(HERE / "import" / "expected-references.bib", after)
    # Every existing entry is byte-identical, and removing the new entries gives the old file back.
    _, old_entries = read_raw(before)
    for entry in parse_bibtex(before, "old")[0].entries.values():
        assert entry.raw in after
    new_keys = {"spillane2004towards", "bolden2011", "gumus2018", "woods2004"}
    assert {e.key for e in read_raw(after)[1]} == {e.key for e in old_entries} | new_keys
    lines = after.splitlines(keepends=True)
    kept: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if line.startswith("@") and line[line.index("{") + 1 : line.index(",")] in new_keys:
            skip = True
        if not skip:
            kept.append(line)
        if skip and line == "}\n":
            skip = False
            # drop the blank line that separated the inserted entry
            if i + 1 < len(lines) and lines[i + 1] == "\n" and kept and kept[-1] == "\n":
                kept.pop()
    assert "".join(kept).rstrip("\n") + "\n" == before
    # The result is in the library's canonical style and the knowledge base stays clean.
    assert canonical_library(after) == after
    assert [p.text() for p in build_kb(kb_copy).problems] == []


def test_import_twice_adds_nothing(kb_copy: Path) -> None:
    run(kb_copy, "import", str(EXPORT))
    once = (kb_copy / "references.bib").read_bytes()
    code, out = run(kb_copy, "import", str(EXPORT))
    assert (kb_copy / "references.bib").read_bytes() == once
    assert out.splitlines()[-1] == "library-export.bib: 0 added, 7 duplicate(s) skipped, 1 refused"
    assert "duplicate bolden2011 (library-export.bib:51): already in references.bib (same DOI 10.1111/j.1468-2370.2011.00306.x)" in out
    assert code == 1


def test_dry_run_changes_nothing(kb_copy: Path) -> None:
    before = (kb_copy / "references.bib").read_bytes()
    code, out = run(kb_copy, "import", "--dry-run", str(EXPORT))
    assert (kb_copy / "references.bib").read_bytes() == before
    assert "would add bolden2011 (dropped: abstract)" in out
    assert out.splitlines()[-1] == "library-export.bib: 4 would be added, 3 duplicate(s) skipped, 1 refused"


def test_new_entry_style_and_provenance(kb_copy: Path) -> None:
    run(kb_copy, "import", str(EXPORT))
    kb = build_kb(kb_copy)
    gumus = kb.sources["gumus2018"]
    assert gumus.verification == "unverified"
    assert gumus.fields["verification_note"] == "imported from library-export.bib by kb import; not yet checked"
    assert [p.family for p in gumus.authors] == ["Gümüş", "Bellibaş", "Esen", "Gümüş"]
    assert gumus.fields["month"] == "1"
    assert "file" not in gumus.fields
    spillane = kb.sources["spillane2004towards"]
    assert spillane.fields["journal"] == "Journal of Curriculum Studies"  # @string macro expanded


def test_clean_import_exits_zero_and_is_idempotent(kb_copy: Path, tmp_path: Path) -> None:
    export = tmp_path / "one.bib"
    export.write_text("@book{harris2008,\n  author = {Harris, Alma},\n  title = {Distributed School Leadership},\n  publisher = {Routledge},\n  year = 2008,\n}\n", encoding="utf-8")
    assert run(kb_copy, "import", str(export)) == (0, "added harris2008\none.bib: 1 added, 0 duplicate(s) skipped, 0 refused\n")
    assert run(kb_copy, "import", str(export)) == (
        0,
        "duplicate harris2008 (one.bib:1): already in references.bib (same title, first author and year)\none.bib: 0 added, 1 duplicate(s) skipped, 0 refused\n",
    )


def test_same_key_different_work_is_refused(kb_copy: Path, tmp_path: Path) -> None:
    export = tmp_path / "clash.bib"
    export.write_text("@article{gronn2008,\n  author = {Gronn, Peter},\n  title = {Another paper},\n  year = {2008},\n}\n", encoding="utf-8")
    code, out = run(kb_copy, "import", str(export))
    assert code == 1
    assert out.splitlines()[0] == "refused gronn2008 (clash.bib:1): key gronn2008 is already used by a different entry; change the key in clash.bib"


def test_unusable_entries_are_refused(kb_copy: Path, tmp_path: Path) -> None:
    export = tmp_path / "bad.bib"
    export.write_text(
        "@article{notitle2001,\n  author = {Doe, Jane},\n  year = {2001},\n}\n\n"
        "@article{macro2001,\n  author = {Doe, Jane},\n  title = {T},\n  journal = undefinedmacro,\n  year = {2001},\n}\n\n"
        "@incollection{child2001,\n  author = {Doe, Jane},\n  title = {C},\n  crossref = {nosuchbook},\n  year = {2001},\n}\n",
        encoding="utf-8",
    )
    code, out = run(kb_copy, "import", str(export))
    assert code == 1
    assert out.splitlines() == [
        "refused notitle2001 (bad.bib:1): KB103: entry 'notitle2001' has no title",
        "refused macro2001 (bad.bib:6): KB105: undefined @string macro 'undefinedmacro' in field 'journal' of 'macro2001'",
        "refused child2001 (bad.bib:13): crossref nosuchbook is neither in references.bib nor in bad.bib",
        "bad.bib: 0 added, 0 duplicate(s) skipped, 3 refused",
    ]



def test_entries_the_site_cannot_publish_are_refused(kb_copy: Path, tmp_path: Path) -> None:
    """What `kb check` would refuse (a reserved page, two keys with one page, a key over the
    length limit) is refused at import, with the loader's own reason."""
    long_key = "k" * 101
    export = tmp_path / "pages.bib"
    export.write_text(
        "@article{index,\n  author = {Doe, Jane},\n  title = {A},\n  year = {2001},\n}\n\n"
        "@article{doe:2002,\n  author = {Doe, Jane},\n  title = {B},\n  year = {2002},\n}\n\n"
        "@article{doe-2002,\n  author = {Roe, Rick},\n  title = {C},\n  year = {2002},\n}\n\n"
        f"@article{{{long_key},\n  author = {{Doe, Jane}},\n  title = {{D}},\n  year = {{2003}},\n}}\n",
        encoding="utf-8",
    )
    code, out = run(kb_copy, "import", str(export))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("refused index (pages.bib:1): KB408: key 'index' would get the same page")
    assert lines[1] == "added doe:2002"
    assert lines[2].startswith("refused doe-2002 (pages.bib:13): KB408:")
    assert lines[3].startswith(f"refused {long_key} (pages.bib:19): KB111:")
    assert lines[-1] == "pages.bib: 1 added, 0 duplicate(s) skipped, 3 refused"
    assert run(kb_copy, "check")[0] == 0

def test_unreadable_export_is_one_line(kb_copy: Path, tmp_path: Path) -> None:
    export = tmp_path / "latin1.bib"
    export.write_bytes("@book{x, title = {Å}, year = 2000}".encode("latin-1"))
    code, out = run(kb_copy, "import", str(export))
    assert code == 1
    assert out.startswith("Error: latin1.bib: ") and out.count("\n") == 1


def test_broken_library_is_not_touched(kb_copy: Path) -> None:
    bib = kb_copy / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{broken,\n  title = {x\n", encoding="utf-8")
    before = bib.read_bytes()
    code, out = run(kb_copy, "import", str(EXPORT))
    assert code == 1
    assert out.startswith("Error: library-export.bib: references.bib cannot be parsed cleanly")
    assert bib.read_bytes() == before


def test_real_library_is_in_canonical_form() -> None:
    """The writer reproduces references.bib byte for byte: one style, entries sorted by key."""
    text = (REPO / "references.bib").read_text(encoding="utf-8")
    assert canonical_library(text) == text


def test_render_entry_orders_fields_and_flattens_values() -> None:
    _, entries = read_raw("@Article{k,\n  year = 2001, note = {n}, zzz = {z}, verification = {unverified},\n  title = {A\n   long   title}, author = {Doe, J.}, url = {u}}\n")
    assert render_entry(entries[0]) == (
        "@article{k,\n  author = {Doe, J.},\n  title = {A long title},\n  year = {2001},\n  url = {u},\n  note = {n},\n  zzz = {z},\n  verification = {unverified},\n}"
    )


def test_insert_entries_positions() -> None:
    library = "% header\n\n@book{b,\n  title = {B},\n}\n\n% about d\n@book{d,\n  title = {D},\n}\n"
    _, new = read_raw("@book{a, title = {A}}\n@book{c, title = {C}}\n@book{e, title = {E}}\n")
    assert insert_entries(library, new) == (
        "% header\n\n@book{a,\n  title = {A},\n}\n\n@book{b,\n  title = {B},\n}\n\n@book{c,\n  title = {C},\n}\n\n"
        "% about d\n@book{d,\n  title = {D},\n}\n\n@book{e,\n  title = {E},\n}\n"
    )
    assert insert_entries("", new[:1]) == "@book{a,\n  title = {A},\n}\n"
    # An unsorted library: before the first entry in file order whose key sorts after the new one.
    unsorted = "@book{d,\n  title = {D},\n}\n\n@book{b,\n  title = {B},\n}\n"
    assert insert_entries(unsorted, new[1:2]) == "@book{c,\n  title = {C},\n}\n\n" + unsorted
    assert insert_entries("@book{b,\n  title = {B},\n}", new[2:]) == "@book{b,\n  title = {B},\n}\n\n@book{e,\n  title = {E},\n}\n"


def test_doi_normalisation() -> None:
    assert normalise_doi("https://doi.org/10.1111/J.1468-2370.2011.00306.X") == "10.1111/j.1468-2370.2011.00306.x"
    assert normalise_doi("doi: 10.1/ABC.") == "10.1/abc"
    assert normalise_doi("http://dx.doi.org/10.1/x") == "10.1/x"


def test_import_api_reports_without_writing() -> None:
    library = (HERE / "kb" / "references.bib").read_text(encoding="utf-8")
    result = import_bibtex(library, EXPORT.read_text(encoding="utf-8"), "library-export.bib")
    assert [(o.key, o.status) for o in result.outcomes] == [
        ("gronnFutureDistributedLeadership2008", "duplicate"),
        ("spillane_investigating_2001", "duplicate"),
        ("spillane2004towards", "added"),
        ("bolden2011", "added"),
        ("gumus2018", "added"),
        ("Bolden2011", "duplicate"),
        ("woods2004", "added"),
        ("harris 2004", "refused"),
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("@{}=,\"#% \n\tabcé\\0129_-:/") + ["@article{", "title = ", "doi = {10.1/x}", "year = 2001", "@string{", "}\n"]), max_size=80).map("".join))
def test_any_export_text_never_crashes_and_keeps_existing_bytes(export: str) -> None:
    library = (HERE / "kb" / "references.bib").read_text(encoding="utf-8")
    result = import_bibtex(library, export, "fuzz.bib")
    remaining = result.text
    for entry in parse_bibtex(library, "old")[0].entries.values():
        assert entry.raw in remaining
    assert {e.key for e in read_raw(library)[1]} <= {e.key for e in read_raw(result.text)[1]}
