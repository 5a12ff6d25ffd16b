"""Search over the fixture knowledge base (tests/fixtures/search/kb): exact expected hits per query."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from litkb.emit.search.build import update_index
from litkb.emit.search.query import QueryError
from litkb.emit.search.results import SearchResult, render_text, to_json
from litkb.emit.search.whoosh import writing
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules.link import build_kb

KB = FIXTURES / "search" / "kb"


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    folder = tmp_path_factory.mktemp("search-index")
    kb = build_kb(KB)
    assert not kb.problems
    update_index(kb, folder)
    with SearchIndex(folder) as index:
        yield index


def hits(result: SearchResult, kind: str) -> list[str]:
    """Ids of the hits of one kind, in rank order."""
    return [h.id for g in result.groups if g.kind == kind for h in g.hits]


def found(result: SearchResult) -> dict[str, set[str]]:
    return {g.kind: {h.id for h in g.hits} for g in result.groups}


# -- fields ------------------------------------------------------------------------------------------
def test_author_field_finds_works_claims_about_them_and_the_author(ix: SearchIndex) -> None:
    assert found(ix.search("author:spillane")) == {
        "source": {"spillane2006", "mueller2011"},
        "claim": {"mueller2011#configuration-varies", "mueller2011#few-teachers-lead", "torrance2013#spillane-practice"},
        "author": {"spillane-j"},
    }


def test_kind_and_stance_fields(ix: SearchIndex) -> None:
    assert found(ix.search("kind:claim stance:contests")) == {
        "claim": {"harris2008#hierarchy-limits", "mueller2011#few-teachers-lead", "torrance2013#gronn-hybrid"},
    }
    assert found(ix.search("kind:concepts")) == {"concept": {"distributed-leadership", "hybrid-leadership", "teacher-leadership", "trust"}}
    assert set(found(ix.search("kind:author OR kind:concept"))) == {"author", "concept"}
    assert set(found(ix.search("(kind:author OR kind:concept) gronn"))) == {"author"}
    assert set(found(ix.search("kind:author OR hybrid"))) == {"author", "concept", "claim", "source"}


def test_concept_with_stance_means_one_link(ix: SearchIndex) -> None:
    # gronn-hybrid links hybrid-leadership (defines) and distributed-leadership (contests): it must
    # not count as defining distributed leadership.
    assert found(ix.search("concept:hybrid-leadership stance:defines")) == {"claim": {"torrance2013#gronn-hybrid"}}
    assert found(ix.search("concept:distributed-leadership stance:defines")) == {"claim": {"torrance2013#spillane-practice"}}
    assert found(ix.search("concept:hybrid-leadership stance:contests")) == {}


def test_concept_field_accepts_labels_and_aliases(ix: SearchIndex) -> None:
    by_id = found(ix.search("concept:teacher-leadership"))
    assert by_id == found(ix.search('concept:"Teacher leadership"')) == found(ix.search('concept:"teachers as leaders"'))
    assert by_id["claim"] == {"harris2008#teachers-lead-change", "mueller2011#configuration-varies", "mueller2011#few-teachers-lead"}
    assert by_id["concept"] == {"teacher-leadership"}


def test_key_field(ix: SearchIndex) -> None:
    assert found(ix.search("key:gronn2009b kind:claim")) == {"claim": {"torrance2013#gronn-hybrid"}}
    assert found(ix.search("source:gronn2009b kind:source")) == {"source": {"gronn2009b"}}


# -- years -------------------------------------------------------------------------------------------
def test_year(ix: SearchIndex) -> None:
    # A reported claim has the year of the work it is about and of the reporting source.
    assert found(ix.search("year:2009")) == {"source": {"gronn2009b"}, "claim": {"torrance2013#gronn-hybrid"}, "author": {"gronn-p"}}


def test_year_ranges(ix: SearchIndex) -> None:
    assert found(ix.search("year:[2005 TO 2010] kind:source")) == {"source": {"spillane2006", "harris2008", "gronn2009b"}}
    assert found(ix.search("year:[2011 TO] kind:source")) == {"source": {"mueller2011", "torrance2013"}}
    assert found(ix.search("year:{2002 TO 2008} kind:source")) == {"source": {"spillane2006"}}
    assert found(ix.search("year:<2003 kind:source")) == {"source": {"gronn2002"}}


# -- words and phrases -------------------------------------------------------------------------------
def test_words_are_stemmed_and_anded(ix: SearchIndex) -> None:
    # "constrained" and "constraining" meet at one stem; both words must occur.
    assert hits(ix.search("constrained headteacher"), "claim") == ["torrance2013#caught-in-catch-22"]
    assert hits(ix.search("constrained headteacher"), "source") == ["torrance2013"]


def test_phrases_keep_word_order(ix: SearchIndex) -> None:
    assert found(ix.search('"lead change"')) == {"source": {"harris2008"}, "claim": {"harris2008#teachers-lead-change"}}
    assert found(ix.search('"change lead"')) == {}
    # Stop words inside a phrase are skipped in the index and in the query alike.
    assert hits(ix.search('"practice is stretched over leaders"'), "claim") == ["torrance2013#spillane-practice"]


def test_phrases_of_common_words_use_word_pairs(ix: SearchIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In a large knowledge base, phrases of common words are answered from indexed word pairs;
    # make every word common here, and the answers must equal those from positions.
    monkeypatch.setattr(writing, "COMMON_MIN", 1)
    monkeypatch.setattr(writing, "COMMON_SHARE", 0.0)
    update_index(build_kb(KB), tmp_path)
    with SearchIndex(tmp_path) as paired:
        assert {"lead", "chang", "leadership", "distribut"} <= paired.searcher.schema["text"].analyzer.common
        assert not ix.searcher.schema["text"].analyzer.common
        for phrase in ('"lead change"', '"change lead"', '"practice is stretched over leaders"', '"distributed leadership"', '"leadership distributed"'):
            q, _ = paired.parse(phrase)
            assert "Phrase" not in repr(q)  # answered from pairs
            assert found(paired.search(phrase)) == found(ix.search(phrase)), phrase


def test_accents_fold_both_ways(ix: SearchIndex) -> None:
    # The entry spelt Gr{\"o}nn and the note text spelt Gronn are found either way.
    for query in ("Gronn", "Grönn", "GRÖNN"):
        result = ix.search(query)
        assert set(hits(result, "source")) == {"gronn2002", "gronn2009b"}
        assert hits(result, "claim") == ["torrance2013#gronn-hybrid"]
    assert found(ix.search("author:muller")) == found(ix.search("author:Müller"))
    assert hits(ix.search("Muller"), "author") == ["muller-a"]


def test_aliases_expand_to_the_concept(ix: SearchIndex) -> None:
    # No claim says "mixed leadership patterns": the alias finds the claim tagged with the concept.
    assert found(ix.search("mixed leadership patterns")) == {"concept": {"hybrid-leadership"}, "claim": {"torrance2013#gronn-hybrid"}}
    assert found(ix.search('"mixed leadership patterns"')) == found(ix.search("mixed leadership patterns"))
    # An alias inside a longer query, and a one-word label ("trust").
    assert "torrance2013#trust-lets-staff-lead" in hits(ix.search("trust"), "claim")
    assert found(ix.search("mutual trust kind:claim")) == {"claim": {"torrance2013#trust-lets-staff-lead"}}


def test_boolean_operators(ix: SearchIndex) -> None:
    assert found(ix.search("trust OR hybrid kind:claim")) == {"claim": {"torrance2013#trust-lets-staff-lead", "torrance2013#gronn-hybrid"}}
    assert found(ix.search("hierarchies AND kind:claim")) == {"claim": {"harris2008#hierarchy-limits"}}
    assert found(ix.search("kind:claim concept:teacher-leadership NOT few")) == {
        "claim": {"harris2008#teachers-lead-change", "mueller2011#configuration-varies"},
    }
    assert found(ix.search("(catch OR hierarchies) AND kind:claim")) == {"claim": {"torrance2013#caught-in-catch-22", "harris2008#hierarchy-limits"}}


# -- results -----------------------------------------------------------------------------------------
def test_results_are_grouped_ranked_and_limited(ix: SearchIndex) -> None:
    result = ix.search("leadership", limit=2)
    for group in result.groups:
        assert len(group.hits) <= 2
        assert group.total is not None and group.total >= len(group.hits)
        scores = [h.score for h in group.hits]
        assert scores == sorted(scores, reverse=True)
    best = [g.hits[0].score for g in result.groups]
    assert best == sorted(best, reverse=True)  # the kind with the best hit comes first
    assert {g.kind: g.total for g in result.groups}["concept"] == 4


def test_hits_carry_page_and_snippet(ix: SearchIndex) -> None:
    claim = ix.search("catch 22 kind:claim").groups[0].hits[0]
    assert (claim.id, claim.url) == ("torrance2013#caught-in-catch-22", "sources/torrance2013/#caught-in-catch-22")
    assert "**catch** **22**" in claim.snippet
    concept = ix.search("kind:concept hybrid").groups[0].hits[0]
    assert (concept.id, concept.url) == ("hybrid-leadership", "concepts/hybrid-leadership/")
    author = ix.search("author:torrance kind:author").groups[0].hits[0]
    assert (author.id, author.url, author.label) == ("torrance-d", "authors/torrance-d/", "Deirdre Torrance")
    assert "**Grönn**" in ix.search("gronn kind:claim").groups[0].hits[0].snippet or "**Gronn**" in ix.search("gronn kind:claim").groups[0].hits[0].snippet


def test_facets_count_every_match(ix: SearchIndex) -> None:
    result = ix.search("kind:claim", facets=True)
    assert result.facets is not None
    assert result.facets["kind"] == [("claim", 8)]
    assert result.facets["stance"] == [("contests", 3), ("defines", 2), ("qualifies", 2), ("supports", 2)]
    assert dict(result.facets["concept"]) == {"distributed-leadership": 5, "teacher-leadership": 3, "hybrid-leadership": 1, "trust": 1}
    assert result.facets["year"] == [("2006", 1), ("2008", 2), ("2009", 1), ("2011", 2), ("2013", 4)]


def test_did_you_mean(ix: SearchIndex) -> None:
    assert ix.search("hybird").did_you_mean == "hybrid"
    assert ix.search("hybird leadership").did_you_mean == "hybrid leadership"
    assert ix.search("author:spilane").did_you_mean == "author:spillane"
    assert ix.search("concept:hybrid-leadershp").did_you_mean == "concept:hybrid-leadership"
    assert ix.search('"rigid hierarchys"').did_you_mean is None  # stemmed: "hierarchys" is known
    assert ix.search('"rigid hierarchiez"').did_you_mean == '"rigid hierarchies"'
    assert ix.search("hybrid").did_you_mean is None


def test_malformed_queries_raise_query_error(ix: SearchIndex) -> None:
    for query in ('"catch 22', "author:", "foo:bar", "stance:defend", "kind:paper", "year:09", "(trust", "trust)", "AND trust", "trust OR", "year:[2005 TO"):
        with pytest.raises(QueryError):
            ix.search(query)


def test_json_fields_are_stable(ix: SearchIndex) -> None:
    data = to_json(ix.search("concept:hybrid-leadership stance:defines", facets=True))
    assert set(data) == {"query", "total", "did_you_mean", "notices", "groups", "facets"}
    (group,) = data["groups"]
    assert set(group) == {"kind", "total", "hits"}
    (hit,) = group["hits"]
    assert set(hit) == {"kind", "id", "label", "url", "score", "snippet", "note", "claim", "type", "about", "cited_as", "reported", "text", "quote", "locator",
                        "stance", "concepts"}
    assert hit["about"] == ["gronn2009b"] and hit["cited_as"] == ["Gronn, 2009b"] and hit["type"] == "argument"
    assert hit["note"] == "torrance2013" and hit["reported"] is True
    assert {"concept": "hybrid-leadership", "stance": "defines"} in hit["concepts"]


def test_text_rendering(ix: SearchIndex) -> None:
    text = render_text(ix.search("hybird"))
    assert text.splitlines()[0] == "Did you mean: hybrid"
    lines = render_text(ix.search("catch 22 kind:claim")).splitlines()
    assert lines[0] == "Claims (1)"
    assert lines[1].startswith("  torrance2013#caught-in-catch-22  Torrance (2013) (argument)  [distributed-leadership (qualifies)]")
    # The paraphrase, the quote and the locator, each on lines of its own, matches marked.
    assert lines[2:] == [
        "      Headteachers are caught in a **catch** **22**, both enabling and constraining distribution.",
        "      “headteachers are caught in a '**catch** **22**'”",
        "      p. 354",
        "      -> sources/torrance2013/#caught-in-catch-22",
    ]
    data = to_json(ix.search("catch 22 kind:claim"))
    (hit,) = data["groups"][0]["hits"]
    assert (hit["quote"], hit["locator"], hit["type"], hit["stance"]) == ("headteachers are caught in a 'catch 22'", "p. 354", "argument", ["qualifies"])


def test_same_query_same_answer(ix: SearchIndex, tmp_path: Path) -> None:
    update_index(build_kb(KB), tmp_path)
    with SearchIndex(tmp_path) as other:
        for query in ("leadership", "author:spillane", '"lead change"'):
            assert to_json(other.search(query, facets=True)) == to_json(ix.search(query, facets=True))
