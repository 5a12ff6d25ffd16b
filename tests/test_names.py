"""One resolver for concept names and keys (litkb.core.names), as every command uses it."""

from __future__ import annotations

import pytest

from conftest import REPO
from litkb.core.model import KnowledgeBase
from litkb.core.names import UnknownName, closest_concepts, concept_id, concept_names, either, name_key, near_keys, resolve_concept, unknown_keys


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hybrid-leadership", "hybrid-leadership"),  # id
        ("Hybrid leadership", "hybrid-leadership"),  # label
        ("  HYBRID   Leadership ", "hybrid-leadership"),  # case and spaces
        ("hybrid perspective", "hybrid-leadership"),  # alias
        ("distributed school leadership", "distributed-leadership"),
    ],
)
def test_ids_labels_and_aliases_resolve(real_kb: KnowledgeBase, typed: str, expected: str) -> None:
    assert concept_id(typed, real_kb.concepts) == expected
    assert resolve_concept(typed, concept_names(real_kb.concepts)) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("hybrid", "unknown concept 'hybrid' (did you mean 'hybrid-leadership'?)"),  # a word of a name
        ("hybrd", "unknown concept 'hybrd' (did you mean 'hybrid-leadership'?)"),  # a misspelt word
        ("hybird-leadership", "unknown concept 'hybird-leadership' (did you mean 'hybrid-leadership'?)"),
        ("zzzz", "unknown concept 'zzzz' (kb search kind:concept lists them)"),
    ],
)
def test_unknown_concepts_name_the_nearest(real_kb: KnowledgeBase, typed: str, message: str) -> None:
    with pytest.raises(UnknownName) as caught:
        concept_id(typed, real_kb.concepts)
    assert str(caught.value) == message


def test_keys_name_the_nearest(real_kb: KnowledgeBase) -> None:
    assert near_keys("gronn2009", real_kb.sources)[:2] == ["gronn2009b", "gronn2009a"]
    assert unknown_keys(["gronn2009b"], real_kb.sources) == ""
    assert unknown_keys(["gronn2009", "zz"], real_kb.sources) == (
        "unknown keys: gronn2009 (did you mean gronn2009b, gronn2009a or gronn2008?); zz (not in references.bib)")


def test_small_pieces() -> None:
    assert name_key("Héadteacher's  role") == "headteacher-s-role"
    assert either(["a"]) == "a" and either(["a", "b", "c"]) == "a, b or c" and either([]) == ""
    assert closest_concepts("", {"a": ["a"]}) == []


def test_the_cli_and_search_use_this_resolver() -> None:
    # kb search's query module re-exports it rather than keeping a copy.
    from litkb.core import names
    from litkb.emit.search import query

    assert query.resolve_concept is names.resolve_concept and query.closest_concept is names.closest_concept
    assert "def resolve_concept" not in (REPO / "scripts/litkb/emit/search/query.py").read_text(encoding="utf-8")
