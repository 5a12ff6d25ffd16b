"""The set-at-a-time scorer (litkb.emit.search.whoosh.scoring.SetScorer) against Whoosh's own matchers.

The scorer must give exactly the hits Whoosh's collector gives, in the same order (equal scores by
uid), with the same scores: on the fixture index (one segment), on an index updated in place (a
second segment and deleted documents), on a synthetic index written by parallel workers (several
segments) and on one updated a note at a time (many small segments, merges, deletions), which
must also answer exactly as an index built cold from the same notes.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.bench import generate_kb
from bench.bench_index import change_claim_text
from conftest import FIXTURES
from litkb.core.model import KnowledgeBase
from litkb.emit.search import store
from litkb.emit.search.build import update_index
from litkb.emit.search.results import SearchResult
from litkb.emit.search.whoosh import analysis, scoring, searcher, writing
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules.link import build_kb

KB = FIXTURES / "search" / "kb"
FIXTURE_QUERIES = [
    "leadership", "distributed leadership", "trust hierarchy", "hybrid", "gronn", "Grönn", "teachers lead",
    "leadership OR trust", "leadership NOT hybrid", "leadership OR trust NOT gronn", "(kind:author OR kind:concept) gronn",
    "author:spillane", "author:gronn kind:source", "concept:hybrid-leadership", "concept:hybrid-leadership stance:defines",
    "kind:claim stance:contests", "year:2009", "year:[2005 TO 2010]", "year:[2005 TO 2010] leadership", "kind:concepts",
    "torrance2013", "catch 22", "stance:supports OR stance:qualifies", "school AND (trust OR hierarchy)",
    '"hybrid leadership"', '"teachers lead"', '"leadership hybrid"', '"distributed leadership" trust', '"hierarchies keep leadership"',
]


def ranked(result: SearchResult) -> list[tuple[str, list[tuple[str, float]]]]:
    return [(g.kind, [(h.id, round(h.score, 9)) for h in g.hits]) for g in result.groups]


def both_ways(folder: Path, queries: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[list[SearchResult], list[SearchResult], int]:
    """Each query answered by the set scorer and by Whoosh's matchers; and how many queries the
    set scorer answered itself (the others fall back to Whoosh in both runs)."""
    answered = 0
    scores = scoring.SetScorer.scores

    def counting(self: scoring.SetScorer, q: object) -> dict[int, float]:
        nonlocal answered
        found = scores(self, q)
        answered += 1
        return found

    monkeypatch.setattr(scoring.SetScorer, "scores", counting)
    with SearchIndex(folder) as ix:
        fast = [ix.search(q, limit=50) for q in queries]

    def unsupported(self: scoring.SetScorer, q: object) -> dict[int, float]:
        raise scoring.Unsupported

    monkeypatch.setattr(scoring.SetScorer, "scores", unsupported)
    with SearchIndex(folder) as ix:
        whoosh = [ix.search(q, limit=50) for q in queries]
    return fast, whoosh, answered


def assert_same(fast: list[SearchResult], whoosh: list[SearchResult]) -> None:
    for mine, theirs in zip(fast, whoosh, strict=True):
        assert ranked(mine) == ranked(theirs), mine.query
        for a, b in zip(mine.groups, theirs.groups, strict=True):
            assert b.total is None or a.total == b.total, mine.query  # ours is always exact


def test_same_hits_and_scores_as_whoosh_on_the_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    update_index(build_kb(KB), tmp_path / "index")
    fast, whoosh, answered = both_ways(tmp_path / "index", FIXTURE_QUERIES, monkeypatch)
    assert_same(fast, whoosh)
    assert answered == len(FIXTURE_QUERIES)
    assert any(g.hits for r in fast for g in r.groups)


def test_same_after_an_update_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental update adds a segment and deletes the old copies of changed documents."""
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    update_index(build_kb(root), tmp_path / "index")
    note = root / "kb" / "sources" / "harris2008.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("text: ", "text: Trust and leadership, again: ", 1), encoding="utf-8")
    update_index(build_kb(root), tmp_path / "index")
    with SearchIndex(tmp_path / "index") as ix:
        leaves = ix.searcher.reader().leaf_readers()
        assert len(leaves) > 1 or any(leaf.has_deletions() for leaf, _ in leaves)
    fast, whoosh, answered = both_ways(tmp_path / "index", FIXTURE_QUERIES, monkeypatch)
    assert_same(fast, whoosh)
    assert answered == len(FIXTURE_QUERIES)


def synthetic_queries(kb: KnowledgeBase, seed: int = 7) -> list[str]:
    """Words, pairs, boolean, field, range and key queries, and phrases taken from claims."""
    rng = random.Random(seed)
    words = ["leadership", "school", "teachers", "distributed", "trust", "practice", "role", "staff", "formal", "headteacher"]
    queries = [rng.choice(words) for _ in range(8)]
    queries += [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(8)]
    queries += [f"{rng.choice(words)} OR {rng.choice(words)} NOT {rng.choice(words)}" for _ in range(4)]
    queries += ["author:spillane", "concept:concept-001 stance:supports", "year:[2000 TO 2010]", "year:[2000 TO 2010] school", "kind:source leadership", "s00042"]
    claims = list(kb.claims)
    for claim in rng.sample(claims, 8):  # phrases of two and three words taken from claims (rarer words: positional)
        words = [w for w in claim.text.rstrip(".").split() if w.isalpha()]
        start = rng.randrange(max(1, len(words) - 3))
        queries.append('"' + " ".join(words[start:start + rng.choice((2, 3))]) + '"')
    return queries


def test_same_on_a_synthetic_index_of_several_segments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate_kb(tmp_path / "kb", 900)
    kb = build_kb(tmp_path / "kb")
    counts = update_index(kb, tmp_path / "index")
    assert counts["documents"] >= writing.PARALLEL_FROM  # written by worker processes
    with SearchIndex(tmp_path / "index") as ix:
        assert len(ix.searcher.reader().leaf_readers()) > 1
    queries = synthetic_queries(kb)
    fast, whoosh, answered = both_ways(tmp_path / "index", queries, monkeypatch)
    assert_same(fast, whoosh)
    assert answered == len(queries)


def test_an_index_updated_note_by_note_answers_as_one_built_cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, updated, cold = tmp_path / "kb", tmp_path / "updated", tmp_path / "cold"
    generate_kb(root, 700, shape="reported")
    update_index(build_kb(root), updated)
    with SearchIndex(updated) as ix:
        cold_segments = len(ix.searcher.reader().leaf_readers())
    assert cold_segments > 1  # a parallel cold build
    monkeypatch.setattr(writing, "MERGE_AT", 4)  # merges of the small segments within a dozen updates
    notes = sorted((root / "kb" / "sources").glob("*.yaml"))
    for i in range(12):
        change_claim_text(notes[(i * 53) % len(notes)], f"revised{i} leadership")
        assert update_index(build_kb(root), updated)["rebuilt"] == 0
    notes[5].unlink()  # a note gone: its claims deleted, its entry re-indexed
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("title = {{", "title = {{Retitled ", 1), encoding="utf-8")
    assert update_index(build_kb(root), updated)["rebuilt"] == 0
    with SearchIndex(updated) as ix:
        leaves = ix.searcher.reader().leaf_readers()
        assert any(leaf.has_deletions() for leaf, _ in leaves)
        assert cold_segments < len(leaves) < cold_segments + 12  # new segments, some merged
        common = ix.searcher.schema["text"].analyzer.common
    kb = build_kb(root)
    update_index(kb, cold, full=True)
    with SearchIndex(cold) as ix:
        assert ix.searcher.schema["text"].analyzer.common == common  # the same pairs indexed
    assert store.read_units(store.current_version(updated)) == store.read_units(store.current_version(cold))  # type: ignore[arg-type]
    assert store.read_words(store.current_version(updated)) == store.read_words(store.current_version(cold))  # type: ignore[arg-type]

    queries = synthetic_queries(kb) + ["revised3", "revised3 leadership", "retitled", "leadershp", "teachres schol", "concept:concept-002", "kind:claim"]
    with SearchIndex(updated) as a, SearchIndex(cold) as b:
        for query in queries:
            mine, theirs = a.search(query, limit=20, facets=True), b.search(query, limit=20, facets=True)
            assert ranked(mine) == ranked(theirs), query
            assert mine == theirs, query  # hits, scores, counts, snippets, facets, did-you-mean
        assert a.search("revised3").groups and a.search("teachres schol").did_you_mean
    fast, whoosh, answered = both_ways(updated, queries, monkeypatch)
    assert_same(fast, whoosh)
    assert answered == len(queries)


def test_positional_phrases_match_whoosh_and_need_adjacent_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    update_index(build_kb(KB), tmp_path / "index")
    queries = ['"hybrid leadership"', '"leadership hybrid"', '"trust"', '"hierarchies keep leadership"', '"keep hierarchies"']
    fast, whoosh, answered = both_ways(tmp_path / "index", queries, monkeypatch)
    assert_same(fast, whoosh)
    assert answered == len(queries)
    assert any(g.hits for g in fast[3].groups)  # the words in this order, next to each other
    assert not any(g.hits for g in fast[4].groups)  # both words are there, not in this order


@given(st.lists(st.sampled_from(["school", "Schools", "leadership", "e.g", "x", "3.5", "Grönn", "gronn", "the", "lead", "İ"]), max_size=12),
       st.lists(st.sampled_from([" ", ".", ". ", ",", "-", "'s "]), min_size=12, max_size=12))
def test_snippet_spans_are_the_analysed_matches(words: list[str], separators: list[str]) -> None:
    text = "".join(w + sep for w, sep in zip(words, separators, strict=False))
    for terms in ({"school", "leadership"}, {"gronn"}, {"3.5", "e.g"}, {"lead"}):
        expected = [(m.start(), m.end()) for m in analysis.WORD.finditer(text) if analysis.term(m.group(0).lower()) in terms]
        assert searcher._match_spans(text, terms) == expected
