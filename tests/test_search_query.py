"""The query language: checks, alias spans, snippets; any query either fails cleanly or is answered."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from litkb.emit.search.build import update_index
from litkb.emit.search.query import QueryError, alias_spans, check_query, normalise_kind, resolve_concept
from litkb.emit.search.results import make_snippet
from litkb.emit.search.whoosh.searcher import SearchIndex
from litkb.rules.link import build_kb


@pytest.mark.parametrize(
    "query",
    ["catch 22", '"catch 22"', "author:spillane", 'author:"peter gronn"', "concept:hybrid-leadership stance:defines",
     "year:2009", "year:[2005 TO 2010]", "year:{2005 to 2010}", "year:[2005 TO]", "year:>2005", "year:200*", "kind:claims",
     "trust OR (hybrid AND NOT gronn)", "key:torrance2013catch22", "source:gronn2009b", "text:trust", "design:case-study",
     "catch 22: a paradox", "distributed-leadership", "type:finding", "type:method concept:trust"],
)
def test_well_formed(query: str) -> None:
    check_query(query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"catch 22', "unclosed quote"),
        ('""', "empty phrase"),
        ("author:", "'author:' needs a value"),
        ("Author:gronn", "unknown field 'Author:' (field names are lower case)"),
        ("http://example.org", "unknown field 'http:'"),
        ("stance:support", "did you mean stance:supports?"),
        ("type:findings", "did you mean type:finding?"),
        ("type:opinion", "type:opinion is not a claim type"),
        ("kind:paper", "kind:paper is not a kind"),
        ("year:09", "year:09 is not a year"),
        ("year:[2005 2010]", "a range needs TO"),
        ("year:[20x5 TO 2010]", "year:20x5 is not a year"),
        ("(trust", "'(' is never closed"),
        ("trust)", "')' without a matching '('"),
        ("()", "empty parentheses"),
        ("AND trust", "'AND' needs a term on its left"),
        ("trust OR", "'OR' at the end"),
        ("trust AND OR hybrid", "'OR' needs a term on its left"),
        ("NOT NOT trust", "'NOT NOT'"),
        ("(trust AND)", "nothing after 'AND' before ')'"),
    ],
)
def test_malformed(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?").replace("*", r"\*")):
        check_query(query)


def test_kinds_and_concept_names() -> None:
    assert [normalise_kind(k) for k in ("claim", "Claims", "sources", "papers")] == ["claim", "claim", "source", None]
    names = {"hybrid-leadership": ["Hybrid leadership", "mixed leadership patterns"], "trust": ["Trust"]}
    assert resolve_concept("hybrid-leadership", names) == "hybrid-leadership"
    assert resolve_concept("Mixed Leadership Patterns", names) == "hybrid-leadership"
    assert resolve_concept("distrust", names) is None


def test_alias_spans_prefer_the_longest_name() -> None:
    aliases = {"hybrid leadership": ["hybrid-leadership"], "leadership": ["leadership"], "mix leadership pattern": ["hybrid-leadership"]}
    assert alias_spans(["new", "hybrid", "leadership"], aliases, 3) == [(1, 3, ["hybrid-leadership"])]
    assert alias_spans(["mix", "leadership", "pattern", "leadership"], aliases, 3) == [(0, 3, ["hybrid-leadership"]), (3, 4, ["leadership"])]
    assert alias_spans(["hybrid"], aliases, 3) == []


def test_snippet_window_and_marks() -> None:
    text = "Alpha beta. " * 30 + "The catch 22 of headship, a catch 22 indeed. " + "Gamma delta. " * 30
    spans = [(i, i + 5) for i in range(len(text)) if text.startswith("catch", i)]
    snippet = make_snippet(text, spans, width=80)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert snippet.count("**catch**") == 2
    assert len(snippet) < 120
    assert make_snippet("short text", []) == "short text"


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    folder = tmp_path_factory.mktemp("fuzz-index")
    update_index(build_kb(FIXTURES / "search" / "kb"), folder)
    with SearchIndex(folder) as index:
        yield index


QUERY_PIECES = st.sampled_from(['"', "(", ")", "[", "]", "{", "}", ":", "*", "?", "^", "~", "-", "+", "AND", "OR", "NOT", " ", " TO ", "author:", "concept:", "stance:",
                                "year:", "kind:", "key:", "text:", "trust", "hybrid", "Grönn", "2009", "claim", "defines", ">", "<=", "\\", "'", "/", "é"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PIECES, max_size=12).map("".join))
def test_any_query_is_answered_or_refused_cleanly(ix: SearchIndex, query: str) -> None:
    try:
        check_query(query)
    except QueryError as err:
        assert str(err) and "\n" not in str(err)
        return
    result = ix.search(query, facets=True)  # must not raise
    assert all(g.hits for g in result.groups)
