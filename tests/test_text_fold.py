"""One folding function (litkb.core.text.fold) for person ids, author URLs, search and sorting.

Regression: letters that Unicode does not decompose (Ø, Ł, ß, Æ, Đ, œ, þ, ð) used to be dropped from
person ids ("Østergaard" -> "stergaard") while search folded them to their base letters
("ostergaard"), so an author's URL and the name a reader searches for disagreed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litkb.core import urls
from litkb.core.text import fold, slugify
from litkb.emit.search.build import update_index
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules.link import build_kb

LETTERS = {"Ø": "o", "ø": "o", "Ł": "l", "ł": "l", "ß": "ss", "Æ": "ae", "æ": "ae", "Đ": "d", "đ": "d",
           "Œ": "oe", "œ": "oe", "Þ": "th", "þ": "th", "Ð": "d", "ð": "d", "ı": "i", "Ö": "o", "é": "e"}


@pytest.mark.parametrize(("letter", "folded"), sorted(LETTERS.items()))
def test_letters_fold_to_their_base_letters(letter: str, folded: str) -> None:
    assert fold(letter) == folded
    assert fold(f"x{letter}y") == f"x{folded}y"


def test_fold_and_slugify() -> None:
    assert fold("Grönn") == "gronn" and fold("GRÖNN") == "gronn"
    assert fold("Østergaard") == "ostergaard"
    assert fold("Weiß") == "weiss"
    assert slugify("Østergaard, Å.") == "ostergaard-a"
    assert slugify("Łukasiewicz-Þórsdóttir") == "lukasiewicz-thorsdottir"
    assert fold("plain ASCII") == "plain ascii"


BIB = r"""@article{ostergaard2010,
  author = {{\O}stergaard, Anne and Guðmundsdóttir, Þóra},
  title = {Leadership in Nordic schools},
  journal = {Journal of Educational Administration},
  year = {2010},
  verification = {unverified},
  verification_note = {test fixture},
}

@article{lukasiewicz2011,
  author = {{\L}ukasiewicz, Jan and Wei{\ss}, Ærø and Đorđević, Œdipe},
  title = {Distributed leadership in Poland},
  journal = {Journal of Educational Administration},
  year = {2011},
  verification = {unverified},
  verification_note = {test fixture},
}
"""


@pytest.fixture(scope="module")
def nordic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nordic")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "kb" / "sources").mkdir(parents=True)
    (root / "kb" / "concepts").mkdir(parents=True)
    return root


def test_person_ids_keep_the_base_letters(nordic: Path) -> None:
    kb = build_kb(nordic)
    assert not kb.errors
    assert set(kb.persons) == {"ostergaard-a", "gudmundsdottir-t", "lukasiewicz-j", "weiss-a", "dordevic-o"}
    assert urls.author_url("ostergaard-a") == "authors/ostergaard-a/"


def test_search_finds_the_author_page_the_site_has(nordic: Path, tmp_path: Path) -> None:
    kb = build_kb(nordic)
    update_index(kb, tmp_path / "index")
    with SearchIndex(tmp_path / "index") as ix:
        for query in ("author:Østergaard kind:author", "author:ostergaard kind:author", "Østergaard kind:author"):
            hits = [hit for group in ix.search(query).groups for hit in group.hits]
            assert [hit.id for hit in hits] == ["ostergaard-a"], query
            assert hits[0].url == urls.author_url(kb.persons["ostergaard-a"].id)
        for name, person_id in (("Łukasiewicz", "lukasiewicz-j"), ("weiss", "weiss-a"), ("Đorđević", "dordevic-o"), ("gudmundsdottir", "gudmundsdottir-t")):
            hits = [hit for group in ix.search(f"author:{name} kind:author").groups for hit in group.hits]
            assert [hit.id for hit in hits] == [person_id], name
