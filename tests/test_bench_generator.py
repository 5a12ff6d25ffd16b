"""The synthetic knowledge bases of ``make bench``: valid, and shaped like real text."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.bench import generate_kb
from bench.bench_vocabulary import COUNTS, vocabulary_from_kb
from litkb.rules.link import build_kb


def test_generated_kb_is_valid_and_has_a_long_tail_of_words(tmp_path: Path) -> None:
    generate_kb(tmp_path, 300)
    kb = build_kb(tmp_path)
    assert not kb.problems, kb.problems[:3]
    assert len(kb.sources) == len(kb.notes) == 300
    claims = kb.claims
    words_per_claim = [set(c.text.lower().rstrip(".").split()) for c in claims]
    assert all(words <= set(COUNTS) for words in words_per_claim)
    in_claims = Counter(w for words in words_per_claim for w in words)
    # A few words in many claims (as "leadership" is in the real notes), many words in few.
    assert in_claims["leadership"] > 0.3 * len(claims)
    assert len(in_claims) > 500
    assert sum(1 for n in in_claims.values() if n <= 2) > 100


def test_vocabulary_is_read_from_the_notes(tmp_path: Path) -> None:
    generate_kb(tmp_path, 20)
    counts = vocabulary_from_kb(tmp_path)
    kb = build_kb(tmp_path)
    assert sum(counts.values()) == sum(len(f"{c.text} {c.quote}".split()) for c in kb.claims)
    assert set(counts) <= set(COUNTS)
    assert COUNTS["leadership"] > COUNTS["hybrid"] > 0
