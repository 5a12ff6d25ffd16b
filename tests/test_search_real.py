"""Search over the real knowledge base (references.bib and kb/ at the repository root)."""

from __future__ import annotations

import pytest

from litkb.core.model import KnowledgeBase
from litkb.core.text import fold
from litkb.emit.search.build import update_index
from litkb.emit.search.whoosh.searcher import SearchIndex


@pytest.fixture(scope="module")
def kb(real_kb: KnowledgeBase) -> KnowledgeBase:
    return real_kb


@pytest.fixture(scope="module")
def ix(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    folder = tmp_path_factory.mktemp("real-index")
    update_index(kb, folder)
    with SearchIndex(folder) as index:
        yield index


def test_catch_22_finds_the_torrance_note_first(ix: SearchIndex) -> None:
    # "First" among the evidence: the best-ranked source or claim is the Torrance note or one of
    # its claims, and the best source is the Torrance entry. (The concept "Catch-22" may rank
    # above them: its label is the query.)
    result = ix.search("catch 22")
    evidence = [h for h in result.ranked if h.kind in ("source", "claim")]
    assert evidence[0].id.split("#")[0] == "torrance2013catch22"
    sources = next(g for g in result.groups if g.kind == "source")
    assert sources.hits[0].id == "torrance2013catch22"
    claims = next(g for g in result.groups if g.kind == "claim")
    assert all(h.id.startswith("torrance2013catch22#") for h in claims.hits)


def test_author_gronn_finds_every_gronn_work(kb: KnowledgeBase, ix: SearchIndex) -> None:
    expected = {key for key, s in kb.sources.items() if any(fold(p.family) == "gronn" for p in s.creators)}
    assert len(expected) >= 8  # gronn2000 ... gronn2009b and woods_gronn2009
    result = ix.search("author:gronn", limit=100)
    assert {h.id for g in result.groups if g.kind == "source" for h in g.hits} == expected
    assert {h.id for g in result.groups if g.kind == "author" for h in g.hits} == {"gronn-p"}


def test_hybrid_leadership_defined_by_gronn_as_reported_by_torrance(kb: KnowledgeBase, ix: SearchIndex) -> None:
    result = ix.search("concept:hybrid-leadership stance:defines", limit=100)
    claims = {h.id: h for g in result.groups if g.kind == "claim" for h in g.hits}
    expected = {c.uid for c, link in kb.claims_about_concept("hybrid-leadership") if link.stance == "defines"}
    assert set(claims) == expected
    reported = [h for h in claims.values() if h.info["about"] == ["gronn2009b"] and h.info["note"] == "torrance2013catch22"]
    assert reported and all(h.info["reported"] for h in reported)
    assert reported[0].label == "Gronn (2009b), as reported by Torrance (2013a)"
    assert [g.kind for g in result.groups] == ["claim"]


def test_claim_types_are_searchable(kb: KnowledgeBase, ix: SearchIndex) -> None:
    for claim_type in ("finding", "method", "voice"):
        result = ix.search(f"type:{claim_type}", limit=1000)
        found = {h.id for g in result.groups for h in g.hits}
        assert found == {c.uid for c in kb.claims if c.type == claim_type}, claim_type
        assert all(h.info["type"] == claim_type for g in result.groups for h in g.hits)
    # With a concept: the method claims that name it (they carry no stance).
    result = ix.search("type:method concept:distributed-leadership", limit=1000)
    assert {h.id for g in result.groups for h in g.hits} == {
        c.uid for c in kb.claims if c.type == "method" and any(link.concept == "distributed-leadership" for link in c.concepts)
    }


def test_a_claim_citing_several_works_is_one_hit_found_under_each(kb: KnowledgeBase, ix: SearchIndex) -> None:
    claim = next(c for c in kb.claims if c.id == "lacks-empirical-substance")
    for key in claim.works:
        result = ix.search(f"key:{key}", limit=1000)
        hits = [h for g in result.groups for h in g.hits if h.id == claim.uid]
        assert len(hits) == 1, key
    assert hits[0].label.startswith("Leithwood et al. (2004), ") and hits[0].label.endswith(", as reported by Torrance (2013a)")


def test_search_labels_are_the_site_labels(kb: KnowledgeBase, ix: SearchIndex) -> None:
    """A work is labelled in search results as on its site page: the CSL year suffixes of the
    library ("Harris (2009a)" is the same work everywhere), and "and" between two names."""
    from litkb.emit.pages.common import SiteData

    site = SiteData.from_kb(kb, "apa")
    for key in ("harris2009b", "harris2009c", "leithwood2009book", "torrance2013slm", "spillane_diamond2007", "ncsl2004"):
        hit = next(h for g in ix.search(f"key:{key} kind:source").groups for h in g.hits)
        assert (hit.id, hit.label) == (key, site.label(key))
    reported = next(h for g in ix.search("concept:hybrid-leadership stance:defines").groups for h in g.hits)
    assert reported.label == f"{site.label('gronn2009b')}, as reported by {site.label('torrance2013catch22')}"
