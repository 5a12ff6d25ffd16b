"""The real knowledge base meets the content requirements: library, vocabulary, seed notes."""

from __future__ import annotations

import csv

import pytest

from conftest import REPO, SHARED
from litkb.rules.link import build_kb

KB = build_kb(REPO)
RESEARCH = SHARED / "research"
REQUIRED_CONCEPTS = {
    "distributed-leadership", "shared-leadership", "collaborative-leadership", "delegated-leadership", "dispersed-leadership",
    "democratic-leadership", "hybrid-leadership", "parallel-leadership", "teacher-leadership", "formal-distribution",
    "pragmatic-distribution", "strategic-distribution", "incremental-distribution", "opportunistic-distribution",
    "cultural-distribution", "developmental-model", "leadership-as-social-influence", "patterns-of-alignment", "headteacher-role",
    "modelling", "enabling", "encouraging", "gift-of-the-headteacher", "catch-22", "internal-accountability", "reciprocity",
    "responsibility-virus", "servant-leadership", "contrived-collegiality", "heterarchy", "post-heroic-leadership",
    "professional-identity", "learning-organisation", "self-evaluation",
}
# Concepts the seeds rely on that the issue-13 content pass added.
ADDED_CONCEPTS = {"agency", "measured-risk", "legitimisation", "formal-leadership", "informal-leadership", "policy-discourse"}
SIX_WAYS = {"formal-distribution", "pragmatic-distribution", "strategic-distribution", "incremental-distribution", "opportunistic-distribution", "cultural-distribution"}


def _table(name: str) -> list[dict[str, str]]:
    if not RESEARCH.is_dir():
        pytest.skip(f"{RESEARCH} not present (CI checks for it)")
    with (RESEARCH / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_knowledge_base_is_clean() -> None:
    assert KB.problems == ()


def test_library_has_every_work_of_the_table_with_its_status() -> None:
    rows = _table("citations.tsv")
    assert {r["id"] for r in rows} == set(KB.sources)
    expected = {"verified": "verified", "verified: [PARTIAL": "partial", "unverified": "unverified", "unknown": "unknown"}
    for row in rows:
        status = row["status"]
        want = next(v for k, v in sorted(expected.items(), key=lambda kv: -len(kv[0])) if status.startswith(k))
        source = KB.sources[row["id"]]
        assert source.verification == want, row["id"]
        assert source.fields["verification_note"] == status
        assert source.year == row["year"]


def test_vocabulary_covers_the_required_concepts() -> None:
    assert len(KB.concepts) >= 30
    assert set(KB.concepts) >= REQUIRED_CONCEPTS | ADDED_CONCEPTS
    assert set(KB.concepts["ways-of-distribution"].members) == SIX_WAYS
    for concept in KB.concepts.values():
        assert concept.definition.sources and concept.definition.locator and concept.definition.quote, concept.id
    # Delegation is what the seeds set distributed leadership against: a contrast, not an alternative term.
    assert "distributed-leadership" in KB.concepts["delegated-leadership"].related
    assert "distributed-leadership" not in KB.concepts["delegated-leadership"].alternative_to


def test_seed_notes_are_deep() -> None:
    macbeath, torrance = KB.notes["macbeath2005icsei"], KB.notes["torrance2013catch22"]
    assert len(macbeath.claims) + len(torrance.claims) >= 60
    assert len(macbeath.reported) + len(torrance.reported) >= 40
    for note in (macbeath, torrance):
        assert note.design and note.setting.country and note.setting.sector and note.setting.sample
        assert all(c.quote and c.locator for c in (*note.claims, *note.reported))
        # Every claim is typed; method claims take no stance, every other claim names a concept with one.
        assert {c.type for c in note.claims} == {"finding", "voice", "argument", "background", "method"}
        for claim in (*note.claims, *note.reported):
            if claim.type == "method":
                assert all(not link.stance for link in claim.concepts), claim.uid
            else:
                assert claim.concepts and all(link.stance for link in claim.concepts), claim.uid
        # Empirical notes carry an appraisal whose stated limitations are quoted.
        assert note.appraisal is not None and note.appraisal.sampling and note.appraisal.data_sources
        assert all(limitation.quote and limitation.locator for limitation in note.appraisal.stated_limitations)
    sections = {c.locator for c in torrance.claims}
    for heading in ("A Hierarchical Perspective", "Modelling", "Enabling", "Encouraging", "Keeping Things Safe",
                    "The Professional Identity of Headteachers", "The Professional Identity of Teachers",
                    "The Professional Identity of Support Staff", "Discussion of the Findings", "Conclusion"):
        assert f"section: {heading}" in sections, heading
    sections = {c.locator for c in macbeath.claims}
    for heading in ("Distribution formally", "Distribution pragmatically", "Distribution strategically", "Distribution incrementally",
                    "Distribution opportunistically", "Distribution culturally", "Conclusion"):
        assert f"section: {heading}" in sections, heading


def test_reported_claims_name_the_works_the_seeds_discuss() -> None:
    about = {k for n in KB.notes.values() for c in n.reported for k in c.works}
    for key in ("gronn2009b", "crowther2009", "leithwood2009c", "elmore2000", "timperley2009", "day2009", "mascall2009",
                "hallinger_heck2009", "murphy2009", "mayrowetz2009", "anderson2009", "hartley2010"):
        assert key in about, key
    hybrid = [c for c in KB.notes["torrance2013catch22"].reported if "gronn2009b" in c.works and any(link.concept == "hybrid-leadership" and link.stance == "defines" for link in c.concepts)]
    assert hybrid


def test_citation_lists_are_one_reported_claim_each() -> None:
    """One sentence citing several works for one point is one reported claim (CODEBOOK.md)."""
    for note in KB.notes.values():
        quotes = [" ".join(c.quote.split()) for c in note.reported]
        assert len(quotes) == len(set(quotes)), note.key
        for claim in note.reported:
            assert len(claim.cited_as) == len(claim.works), claim.uid
    several = [c for n in KB.notes.values() for c in n.reported if len(c.works) > 1]
    assert len(several) >= 10
    # Torrance's "lacks empirical substance" sentence cites six works: one claim naming them all.
    substance = KB.notes["torrance2013catch22"].reported
    assert [len(c.works) for c in substance if c.id == "lacks-empirical-substance"] == [6]


def test_the_ncsl_report_and_macbeath_are_one_study() -> None:
    assert KB.same_study["ncsl2004"] == KB.same_study["macbeath2005icsei"] == ("macbeath2005icsei", "ncsl2004")


def test_cites_follow_the_in_text_table() -> None:
    rows = _table("in_text.tsv")
    for seed, key in (("000_d14c47eb3a603172.txt", "macbeath2005icsei"), ("002_f4a4c3745bf4006b.txt", "torrance2013catch22")):
        expected = {r["id"] for r in rows if r["seed_file"] == seed and r["id"]}
        assert set(KB.notes[key].cites) == expected


def test_no_notes_on_works_nobody_here_has_read() -> None:
    assert set(KB.notes) == {"macbeath2005icsei", "torrance2013catch22"}
