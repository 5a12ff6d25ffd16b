"""Round trip: the whole real library -> CSL-JSON -> BibTeX -> back through the loader and the
model keeps authors, title, year, container, volume, issue, pages and DOI of every entry."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from litkb.core.model import KnowledgeBase, Source
from litkb.emit.cite.csl import csl_to_bibtex
from litkb.emit.exports.formats.csl_json import to_csl_json
from litkb.rules.link import build_kb


def _through_csl(kb: KnowledgeBase, tmp: Path) -> KnowledgeBase:
    items = json.loads(to_csl_json(list(kb.sources.values())))
    (tmp / "kb" / "concepts").mkdir(parents=True)
    (tmp / "kb" / "sources").mkdir(parents=True)
    (tmp / "references.bib").write_text(csl_to_bibtex(items), encoding="utf-8")
    return build_kb(tmp)


def _kept(source: Source) -> dict[str, object]:
    """The fields the round trip must keep (pages compared as a range, whatever the dash)."""
    f = source.fields
    return {
        "authors": [(p.family, p.given, p.corporate) for p in source.authors],
        "editors": [(p.family, p.given, p.corporate) for p in source.editors],
        "title": source.title,
        "year": source.year,
        "container": source.container,
        "volume": f.get("volume", ""),
        "issue": f.get("number", "") if source.entry_type == "article" else f.get("issue", ""),
        "pages": f.get("pages", "").replace("--", "-"),
        "doi": f.get("doi", ""),
    }


@pytest.mark.parametrize("root", [REPO, FIXTURES / "cite" / "kb"], ids=["real-library", "fixture"])
def test_library_round_trips_through_csl_json(root: Path, tmp_path: Path) -> None:
    kb = build_kb(root)
    back = _through_csl(kb, tmp_path)
    assert back.problems == ()
    assert sorted(back.sources) == sorted(kb.sources)
    for key, source in kb.sources.items():
        assert _kept(back.sources[key]) == _kept(source), key
        # Provenance travels in CSL "custom" and comes back as the same fields.
        for name in ("verification", "verification_note", "unconfirmed", "doubt"):
            assert back.sources[key].fields.get(name) == source.fields.get(name), (key, name)


# Names and titles with LaTeX specials and accents survive the trip too. Text is NFC (the loader
# normalises to NFC). Braces are left out of corporate names: the loader's test for a name wholly
# in braces counts an escaped brace as a real one.
_TEXT = (
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: bool(s) and unicodedata.normalize("NFC", s) == s)
)


@settings(max_examples=60, deadline=None)
@given(family=_TEXT, given_name=_TEXT, title=_TEXT, journal=_TEXT.filter(lambda s: not set(s) & set("{}")))
def test_arbitrary_text_round_trips(family: str, given_name: str, title: str, journal: str) -> None:
    from litkb.load.bibtex import parse_bibtex

    item = {
        "id": "x2020",
        "type": "article-journal",
        "author": [{"family": family, "given": given_name}, {"literal": f"{journal} and Partners"}],
        "title": title,
        "container-title": journal,
        "issued": {"date-parts": [[2020]]},
        "DOI": "10.1000/a_b%c#d&e",
    }
    library, problems = parse_bibtex(csl_to_bibtex([item]), "x.bib")
    entry = library.entries["x2020"]
    assert entry.fields["title"] == title
    assert entry.fields["journal"] == journal
    assert entry.fields["doi"] == "10.1000/a_b%c#d&e"
    assert entry.persons["author"][1].literal and entry.persons["author"][1].last == f"{journal} and Partners"
    assert len(entry.persons["author"]) == 2
