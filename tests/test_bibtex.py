"""The BibTeX loader on real and tricky input: accents, names, macros, crossref, the biblatex corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES
from litkb.load.bibtex import load_bibtex, parse_bibtex
from litkb.rules.link import _link_sources
from litkb.rules.people import person_from_name

# The public biblatex example database, vendored with its licence (fixtures/biblatex/README.md).
CORPUS = FIXTURES / "biblatex" / "biblatex-examples.bib"


def test_accents_macros_concatenation_and_names() -> None:
    text = (
        "@string{jsl = {Journal of School Leadership}}\n"
        "@article{k1,\n"
        "  author = {Gr{\\\"o}nn, Peter and van der Berg, Jan and {{National College for School Leadership}}},\n"
        "  title = {Caf{\\'e} \\& {Leadership}},\n"
        "  journal = jsl # { (Special Issue)},\n"
        "  month = may,\n"
        "  year = 2009,\n"
        "  verification = {verified},\n"
        "}\n"
    )
    library, problems = parse_bibtex(text, "t.bib")
    assert problems == []
    entry = library.entries["k1"]
    assert entry.fields["title"] == "Café & Leadership"
    assert entry.fields["journal"] == "Journal of School Leadership (Special Issue)"
    assert entry.fields["month"] == "5"
    assert entry.fields["year"] == "2009"
    first, second, corporate = entry.persons["author"]
    assert (first.first, first.last) == ("Peter", "Grönn")
    assert (second.first, second.von, second.last) == ("Jan", "van der", "Berg")
    assert corporate.literal and corporate.last == "National College for School Leadership"
    assert entry.line == 2 and entry.field_lines["title"] == 4


def test_one_person_however_spelt() -> None:
    text = "".join(
        f"@book{{s{i},\n  author = {{{name}}},\n  title = {{T{i}}},\n  year = {{200{i}}},\n  verification = {{verified}},\n}}\n"
        for i, name in enumerate(["Spillane, J. P.", "Spillane, James P.", "James P. Spillane", "Spillane, James"])
    )
    library, _ = parse_bibtex(text, "t.bib")
    sources, persons = _link_sources(library.entries)
    ids = {p.id for s in sources.values() for p in s.authors}
    assert ids == {"spillane-j"}
    assert persons["spillane-j"].sort_name == "Spillane, James P."


def test_accent_folding_in_identity() -> None:
    library, _ = parse_bibtex("@book{a,\n author={Gr{\\\"o}nn, P.},\n title={T},\n year={1},\n verification={verified},\n}\n", "t.bib")
    assert person_from_name(library.entries["a"].persons["author"][0]).id == "gronn-p"


def test_crossref_inherits_from_parent() -> None:
    text = (
        "@incollection{ch,\n  author = {A, B},\n  title = {Chapter},\n  crossref = {bk},\n  pages = {1--2},\n  verification = {verified},\n}\n"
        "@book{bk,\n  editor = {E, F},\n  title = {The Book},\n  publisher = {P},\n  year = {2009},\n  verification = {verified},\n}\n"
    )
    library, problems = parse_bibtex(text, "t.bib")
    assert problems == []
    chapter = library.entries["ch"]
    assert chapter.fields["booktitle"] == "The Book"
    assert chapter.fields["title"] == "Chapter"
    assert chapter.fields["year"] == "2009"
    assert chapter.persons["editor"][0].last == "E"


def test_biblatex_examples_every_entry_loads_or_is_reported() -> None:
    library, problems = load_bibtex(CORPUS, "biblatex-examples.bib")
    codes = Counter(p.code for p in problems)
    # 92 entries + 8 @string blocks = the 100 blocks of the file.
    unsafe = {p.message.split("'")[1] for p in problems if p.code == "KB107"}
    assert len(library.entries) + len(unsafe) == 92
    assert len(library.entries) == 87
    assert unsafe == {"baez/article", "baez/online", "averroes/bland", "averroes/hannes", "averroes/hercz"}
    # The two @set entries have neither title nor year of their own.
    assert codes["KB103"] == 2 and codes["KB104"] == 2
    # None of them records verification (a field of this project).
    assert codes["KB109"] == 87
    assert set(codes) == {"KB103", "KB104", "KB107", "KB109"}
    assert all(p.line >= 1 for p in problems)
    assert library.entries["knuth:ct:a"].fields["title"] == "The TeXbook"
    assert library.entries["westfahl:space"].fields["booktitle"] == "Space and Beyond"
    # @string macro with a LaTeX tie, and LaTeX accents in names.
    kastenholz = library.entries["kastenholz"]
    assert kastenholz.fields["journaltitle"] == "J. Chem. Phys."
    assert kastenholz.persons["author"][1].last == "Hünenberger"


@pytest.mark.parametrize("raw", [b"\xff\xfe@book{", b"@book{x,\n title = {caf\xe9},\n}\n"])
def test_invalid_utf8_is_located(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "r.bib"
    path.write_bytes(raw)
    _, problems = load_bibtex(path, "r.bib")
    assert any(p.code == "KB001" and p.line >= 1 for p in problems)
