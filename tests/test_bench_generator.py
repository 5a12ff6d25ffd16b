"""The synthetic knowledge bases of ``make bench``: valid, and shaped like real text."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.bench import generate_kb
from bench.bench_index import bench_index
from bench.bench_vocabulary import COUNTS, vocabulary_from_kb
from litkb.emit.search.documents import documents as documents_of
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


def test_reported_shape_has_five_claims_and_two_reported_claims_about_other_works(tmp_path: Path) -> None:
    generate_kb(tmp_path, 40, shape="reported")
    kb = build_kb(tmp_path)
    assert not kb.problems, kb.problems[:3]
    for key, note in kb.notes.items():
        assert len(note.claims) == 5 and len(note.reported) == 2
        about = [w for c in note.reported for w in c.works]
        assert len(set(about)) == 2 and key not in about
        assert len(note.cites) == 3 and key not in note.cites
    with pytest.raises(ValueError, match="unknown knowledge-base shape"):
        generate_kb(tmp_path / "other", 3, shape="round")


def test_bench_index_reports_one_note_updates_for_both_shapes(tmp_path: Path) -> None:
    generate_kb(tmp_path, 12)
    rows = dict(bench_index(tmp_path, updates=2))
    for shape, documents in (("mixed", len(list(documents_of(build_kb(tmp_path))))), ("reported", None)):
        prefix = f"index ({shape} shape): "
        assert float(rows[prefix + "kb index after one note changed, whole process, median of 2 (s)"]) > 0
        reindexed = [int(n) for n in rows[prefix + "documents re-indexed per one-note change"].split("/")]
        assert reindexed == [8] if shape == "reported" else all(4 <= n <= 7 for n in reindexed)  # the note's claims and its entry
        for which in ("whole folder", "current version"):
            size, share = rows[prefix + f"index size after 2 one-note updates, {which} (MB, % of cold)"].split(" ")
            assert float(size) > 0 and share.startswith("(") and share.endswith("%)")
        assert int(rows[prefix + "segments after the cold build"]) >= 1
        assert rows[prefix + "index size after --optimize (MB)"] != "-"
        if documents is not None:
            assert rows[prefix + "search documents"] == str(documents)
    assert sorted((tmp_path / "kb" / "sources").glob("*.yaml")) and not (tmp_path / ".kb-index").exists()  # the copy was edited, not the original
