"""Telling cites apart (litkb.emit.cite.disambiguate): the style's own settings, on the style
guides' published examples and on libraries made for the case; `kb cite` letters only what the
references it prints need."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from litkb.cli.main import main
from litkb.core.model import KnowledgeBase, library_of
from litkb.emit.cite import format as cite
from litkb.emit.cite.disambiguate import Options, disambiguate, style_options
from litkb.emit.cite.styles import style_path
from litkb.load.bibtex import parse_bibtex
from litkb.rules.link import _link_sources


def library(*entries: str) -> KnowledgeBase:
    """A library of BibTeX entries written as "key|type|author and author|year|title"."""
    text = ""
    for entry in entries:
        key, kind, authors, year, title = entry.split("|")
        text += f"@{kind}{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  publisher = {{P}},\n  year = {{{year}}},\n  verification = {{verified}},\n}}\n"
    parsed, problems = parse_bibtex(text, "test.bib")
    assert problems == []
    return library_of(list(_link_sources(parsed.entries)[0].values()))


def cites(kb: KnowledgeBase, style: str, narrative: bool = False) -> dict[str, str]:
    keys = sorted(kb.sources)
    return dict(zip(keys, cite.Citations(kb).in_texts(keys, style, narrative), strict=True))


def test_the_styles_own_settings_are_read() -> None:
    assert style_options("apa") == Options(True, True, "primary-name-with-initials", True, 3, 1, ". ")
    # Cite Them Right: the CSL default rule (by-cite), "et al." from four names, initials set on its cs:name.
    assert style_options("harvard") == Options(True, True, "by-cite", True, 4, 1, ". ")


def test_apa_writes_out_names_where_et_al_forms_coincide() -> None:
    # APA 7, 8.18, the manual's own example: Kapoor, Bloom, Montez, Warner, & Hill (2017) and
    # Kapoor, Bloom, Zucker, Tang, Köroğlu, L'Enfant, Kim, & Daly (2017).
    kb = library(
        "kapoor2017a|article|Kapoor, A. and Bloom, B. and Montez, C. and Warner, D. and Hill, E.|2017|One",
        "kapoor2017b|article|Kapoor, A. and Bloom, B. and Zucker, F. and Tang, G. and Koroglu, H. and Enfant, I. and Kim, J. and Daly, K.|2017|Two",
    )
    assert cites(kb, "apa") == {"kapoor2017a": "(Kapoor, Bloom, Montez, et al., 2017)", "kapoor2017b": "(Kapoor, Bloom, Zucker, et al., 2017)"}
    assert cites(kb, "apa", narrative=True)["kapoor2017a"] == "Kapoor, Bloom, Montez, et al. (2017)"
    # The reference list is untouched by it (APA lists up to 20 names) and has no letters.
    assert all(not re.search(r"2017[a-z]", r) for r in cite.Citations(kb).references(kb.sources.values(), "apa", output="text"))
    # Cite Them Right abbreviates the same way here (4+ names): the same two names are added.
    assert cites(kb, "harvard") == {"kapoor2017a": "(Kapoor, Bloom, Montez, et al., 2017)", "kapoor2017b": "(Kapoor, Bloom, Zucker, et al., 2017)"}


def test_identical_author_lists_get_letters_and_a_shorter_list_its_names() -> None:
    kb = library(
        "a|book|Lee, A. and Ma, B. and Sato, C.|2009|Zebra studies",
        "b|book|Lee, A. and Ma, B. and Sato, C.|2009|The art of it",
        "c|book|Lee, A. and Ma, B. and Sato, C. and Ng, D.|2009|Middle",
        "d|book|Lee, A. and Ma, B. and Sato, C.|2010|Later",
    )
    assert cites(kb, "apa") == {
        "a": "(Lee, Ma, & Sato, 2009b)",
        "b": "(Lee, Ma, & Sato, 2009a)",  # "The art" files under A (APA 7, 9.47)
        "c": "(Lee, Ma, Sato, et al., 2009)",
        "d": "(Lee et al., 2010)",  # another year: nothing to tell apart
    }
    assert cites(kb, "apa", narrative=True)["a"] == "Lee, Ma, and Sato (2009b)"
    # Cite Them Right prints three names anyway, and "Lee et al." for four: only the letters remain.
    assert cites(kb, "harvard") == {"a": "(Lee, Ma and Sato, 2009b)", "b": "(Lee, Ma and Sato, 2009a)", "c": "(Lee et al., 2009)", "d": "(Lee, Ma and Sato, 2010)"}
    # The sorted reference list reads 2009a before 2009b; the four-name work comes after the three-name ones (APA 7, 9.45).
    listed = cite.Citations(kb).references(kb.sources.values(), "apa", output="text", sort=True)
    assert [re.search(r"\((\d{4}[a-z]?)\)", r).group(1) for r in listed] == ["2009a", "2009b", "2010", "2009"]


def test_apa_gives_first_authors_who_share_a_surname_their_initials() -> None:
    # APA 7, 8.20: "(J. M. Taylor & Neumann, 2020)" and "(A. Taylor, 2019)", even in different years.
    kb = library(
        "t2020|article|Taylor, J. M. and Neumann, N.|2020|One",
        "t2019|article|Taylor, Amy|2019|Two",
        "n2018|article|Neumann, O. and Taylor, Peter|2018|Three",  # a second author: not the primary name
        "s1|article|Smith, John|2001|Four",
        "s2|article|Smith, J.|2002|Five",  # same initials: initials cannot tell them apart
    )
    assert cites(kb, "apa") == {
        "t2020": "(J. M. Taylor & Neumann, 2020)",
        "t2019": "(A. Taylor, 2019)",
        "n2018": "(Neumann & Taylor, 2018)",
        "s1": "(Smith, 2001)",
        "s2": "(Smith, 2002)",
    }
    assert cites(kb, "apa", narrative=True)["t2020"] == "J. M. Taylor and Neumann (2020)"
    # Cite Them Right's rule (by-cite) expands names only in cites that would otherwise be identical.
    assert cites(kb, "harvard")["t2019"] == "(Taylor, 2019)"


def test_by_cite_expands_the_names_of_identical_cites() -> None:
    kb = library("x|book|Brown, Alan|2015|One", "y|book|Brown, Beth|2015|Two")
    assert cites(kb, "harvard") == {"x": "(A. Brown, 2015)", "y": "(B. Brown, 2015)"}
    assert cites(kb, "apa") == {"x": "(A. Brown, 2015)", "y": "(B. Brown, 2015)"}
    assert cite.Citations(kb).suffixes("harvard") == {}


def test_a_style_without_name_disambiguation_uses_letters(tmp_path: Path) -> None:
    """The settings come from the style file: APA with add-names and add-givenname switched off letters instead."""
    custom = tmp_path / "apa-letters-only.csl"
    text = style_path("apa").read_text(encoding="utf-8")
    custom.write_text(text.replace('disambiguate-add-givenname="true" disambiguate-add-names="true" ', ""), encoding="utf-8")
    assert style_options(str(custom)).add_names is False
    kb = library(
        "kapoor2017a|article|Kapoor, A. and Bloom, B. and Montez, C.|2017|One",
        "kapoor2017b|article|Kapoor, A. and Bloom, B. and Zucker, F.|2017|Two",
        "b1|book|Brown, Alan|2015|One",
        "b2|book|Brown, Beth|2015|Two",
    )
    assert cites(kb, str(custom)) == {"kapoor2017a": "(Kapoor et al., 2017a)", "kapoor2017b": "(Kapoor et al., 2017b)", "b1": "(Brown, 2015a)", "b2": "(Brown, 2015b)"}
    assert cites(kb, "apa")["kapoor2017a"] == "(Kapoor, Bloom, & Montez, 2017)"


def test_only_works_that_need_it_are_listed(real_kb: KnowledgeBase) -> None:
    done = disambiguate(real_kb.sources.values(), "apa")
    assert set(done) == {"gronn2009a", "gronn2009b", "harris2009b", "harris2009book", "harris2009c", "leithwood2009a", "leithwood2009b",
                         "leithwood2009book", "leithwood2009c", "spillane2009a", "spillane2009b", "torrance2013catch22", "torrance2013slm", "torrance2013ser"}
    assert done["leithwood2009c"].names == 3 and done["leithwood2009c"].year_suffix == ""
    assert done["leithwood2009a"].namesakes == ("leithwood2009book", "leithwood2009a", "leithwood2009b")
    with pytest.raises(ValueError, match="unknown citation style"):
        disambiguate(real_kb.sources.values(), "no-such-style")


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["gronn2009b"], ["Gronn, P. (2009). Hybrid leadership."]),
        (["gronn2009b", "gronn2009a"], ["Gronn, P. (2009a). From distributed", "Gronn, P. (2009b). Hybrid leadership."]),
        (["torrance2013ser", "torrance2013slm"], ["Torrance, D. (2013a). Distributed leadership: challenging", "Torrance, D. (2013b). Distributed leadership: still"]),
    ],
)
def test_kb_cite_letters_only_the_references_it_prints(keys: list[str], expected: list[str]) -> None:
    result = CliRunner().invoke(main, ["--root", str(FIXTURES / "cite" / "kb"), "cite", *keys])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line


def test_kb_cite_in_text_letters_only_the_keys_given() -> None:
    result = CliRunner().invoke(main, ["--root", str(FIXTURES / "cite" / "kb"), "cite", "--in-text", "gronn2009b"])
    assert result.output == "gronn2009b\t(Gronn, 2009)\tGronn (2009)\n"
    result = CliRunner().invoke(main, ["--root", str(FIXTURES / "cite" / "kb"), "cite", "--in-text", "gronn2009b", "gronn2009a"])
    assert result.output == "gronn2009b\t(Gronn, 2009b)\tGronn (2009b)\ngronn2009a\t(Gronn, 2009a)\tGronn (2009a)\n"
