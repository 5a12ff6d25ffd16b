"""Evidence counted fairly (issue 13): one claim per sentence, studies not sentences, the seed's own
citations shown, claim types and their rules."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import FIXTURES
from litkb.core.model import KnowledgeBase
from litkb.emit.cited import cited_note, differs
from litkb.emit.evidence import Studies, Tally
from litkb.emit.pages import render_pages
from litkb.emit.pages.common import SiteData, stance_tallies
from litkb.rules.link import build_kb

SITE_ROOT = FIXTURES / "site" / "root"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return build_kb(SITE_ROOT)


@pytest.fixture(scope="module")
def pages(kb: KnowledgeBase) -> dict[str, str]:
    return {p.path: p.content for p in render_pages(kb, style="apa", references=None) if isinstance(p.content, str)}


# -- studies ------------------------------------------------------------------------------------
def test_a_claim_citing_several_works_counts_once(kb: KnowledgeBase, pages: dict[str, str]) -> None:
    site = SiteData.from_kb(kb, "apa")
    qualifies = stance_tallies(site, site.evidence["distributed-leadership"])["qualifies"]
    # Torrance's own finding, and one sentence citing three works (two of them one study): two
    # claims, three studies (Harris; Spillane with Spillane and Diamond; Torrance).
    assert qualifies == Tally(studies=3, claims=2)
    page = pages["concepts/distributed-leadership.md"]
    assert ">Qualifies · 3 studies · 2 claims</summary>" in page
    assert page.count("Torrance cites three works for the view that the evidence is thin.") == 1
    csv = render_csv(kb)
    assert csv.count("Torrance cites three works") == 1


def render_csv(kb: KnowledgeBase) -> str:
    from litkb.emit.exports.packs import claims_csv

    return claims_csv(kb, "distributed-leadership")


def test_a_report_of_a_study_already_counted_adds_no_study(kb: KnowledgeBase, pages: dict[str, str]) -> None:
    # Spillane (2006) defines the concept; Torrance reports Spillane and Diamond (2007), the same
    # study (same_study written in Spillane's note only), defining it too: one study, two claims.
    studies = Studies(kb)
    assert studies.of_work("spillane_diamond2007") == studies.of_work("spillane2006") == "spillane2006"
    page = pages["concepts/distributed-leadership.md"]
    assert ">Defines · 1 study · 2 claims</summary>" in page
    # One card for the study, named by both reports, holding both claims.
    defines = page.split('id="evidence-defines"', 1)[1].split('id="evidence-supports"', 1)[0]
    assert defines.count('<div class="kb-study"') == 1
    assert '<a href="../../sources/spillane2006/">Spillane (2006)</a> = <a href="../../sources/spillane_diamond2007/">Spillane and Diamond (2007)</a>' in defines
    # Both source pages say so, in their first screen.
    for key, other in (("spillane2006", "spillane_diamond2007"), ("spillane_diamond2007", "spillane2006")):
        assert re.search(rf'<dt>Same study</dt>\n<dd><a href="\.\./{other}/">[^<]+</a> reports the same study', pages[f"sources/{key}.md"]), key


def test_same_study_is_symmetric_and_transitive(tmp_path: Path) -> None:
    bib = "".join(f"@article{{{k},\n  author = {{A, B}},\n  title = {{T {k}}},\n  journal = {{J}},\n  year = {{2001}},\n  verification = {{verified}},\n  verification_note = {{x}},\n}}\n" for k in "abcd")
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "kb" / "sources").mkdir(parents=True)
    (tmp_path / "kb" / "concepts").mkdir()
    for key, same in (("a", "[b]"), ("c", "b"), ("d", "[d]")):  # d: only itself, nothing to relate
        (tmp_path / "kb" / "sources" / f"{key}.yaml").write_text(f"key: {key}\nsummary: s\nkind: empirical\nsame_study: {same}\n", encoding="utf-8")
    kb = build_kb(tmp_path)
    assert kb.problems == ()
    assert kb.same_study == {"a": ("a", "b", "c"), "b": ("a", "b", "c"), "c": ("a", "b", "c")}
    studies = Studies(kb)
    assert {studies.of_work(k) for k in "abc"} == {"a"} and studies.of_work("d") == "d"


def test_evidence_map_counts_studies_and_claims_per_cell(pages: dict[str, str]) -> None:
    page = pages["evidence-map.md"]
    design = page.split('<table class="kb-map kb-map-design">', 1)[1].split("</table>", 1)[0]
    row = next(line for line in design.split("<tr>") if ">Distributed leadership</a></th>" in line)
    # Torrance's case study: three counted claims (its method claim is not counted); Spillane's
    # study (with the report of Spillane and Diamond): four claims; works without a note: two
    # studies (Harris 2008, Gronn 2009b), one claim each; Mallory's survey: one.
    marks = re.findall(r'concept=distributed-leadership&amp;design=([^&]+)&amp;[^"]*" data-studies="(\d+)" data-claims="(\d+)"', row)
    found = {design: f"{studies} · {claims}" for design, studies, claims in marks}
    assert found == {"case-study": "1 · 3", "interview": "1 · 3", "survey": "1 · 1", "conceptual-analysis": "1 · 4", "%28none%29": "2 · 2"}
    # Designs no study uses are left out, and said so.
    assert ">focus group</span></th>" not in design
    assert "Left out, no evidence on any concept yet: focus group, observation, shadowing" in page


def test_evidence_map_cells_open_the_claims_they_count(kb: KnowledgeBase, pages: dict[str, str]) -> None:
    """Each cell links to the explorer filtered to its concept, facet value and the counted stances;
    the explorer JSON gives each claim the facets the cell was counted from."""
    import json

    page = pages["evidence-map.md"]
    data = json.loads(next(p.content for p in render_pages(kb, style="apa", references=None) if p.path == "explorer/claims.json"))
    cells = re.findall(r'href="\.\./explorer/\?concept=([\w-]+)&amp;(\w+)=([^&]+)&amp;stance=defines%2Csupports%2Cqualifies%2Ccontests" data-studies="\d+" data-claims="(\d+)"', page)
    assert len(cells) > 10
    for concept, facet, value, count in cells:
        value = unquote(value)
        behind = [c for c in data["claims"] if value in c[facet] and any(link[0] == concept and link[1] for link in c["links"])]
        assert len(behind) == int(count), (concept, facet, value)


# -- the seed's own citation ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cited_as", "label", "shown"),
    [
        ("Harris, 2009a", "Harris (2009b)", True),  # another letter
        ("Leithwood et al., 2009", "Leithwood et al. (2009d)", True),  # no letter where the library has one
        ("Bennet et al, 2003", "Bennett et al. (2003)", True),  # a name spelt otherwise
        ("Torrance 2013/14a?", "Torrance (2013c)", True),
        ("Harris, 2009a", "Harris (2009a)", False),
        ("Gronn, 2009b: 18", "Gronn (2009b)", False),  # a page number is no difference
        ("2009b", "Gronn (2009b)", False),  # the author named once for a run of years
        ("Gronn, 2009b", "Grönn (2009b)", False),  # accents
        ("NCSL, 2004", "NCSL (2004)", False),
        ("Murphy and Forsyth (1999)", "Murphy and Forsyth (1999)", False),
    ],
)
def test_a_citation_is_shown_where_it_differs_from_the_label(cited_as: str, label: str, shown: bool) -> None:
    assert differs(cited_as, label) is shown
    assert cited_note(cited_as, label, "Torrance") == (f"cited by Torrance as {cited_as}" if shown else "")


def test_pages_say_when_the_quote_cites_otherwise(pages: dict[str, str]) -> None:
    note = '<span class="kb-cited-as">cited by Torrance as Gronn, 2009c</span>'
    for path in ("concepts/distributed-leadership.md", "concepts/hybrid-leadership.md", "sources/torrance2013.md"):
        assert note in pages[path], path
    assert "cited by Torrance as Gronn, 2009c" in pages["sources/gronn2009b.md"]
    # Where the citation agrees with the label nothing is added.
    assert "cited by Torrance as NCSL" not in "".join(pages.values())


# -- claim types ----------------------------------------------------------------------------------
def test_method_claims_with_a_stance_are_rejected_with_file_and_line() -> None:
    kb = build_kb(FIXTURES / "invalid" / "claim-types")
    (problem,) = [p for p in kb.problems if p.code == "KB410"]
    assert problem.text() == (
        "kb/sources/spillane2006.yaml:12:51: error KB410: claim 'method-with-stance' is a method claim and takes no stance on "
        "'distributed-leadership' (write {concept: distributed-leadership} without the stance, or give the claim another type)"
    )
    # A method claim without a stance, or without concepts, is fine; others need both.
    assert {p.code for p in kb.problems} == {"KB410", "KB411", "KB412", "KB303", "KB304", "KB504"}


def test_method_claims_are_shown_but_not_counted(kb: KnowledgeBase, pages: dict[str, str]) -> None:
    page = pages["concepts/distributed-leadership.md"]
    assert ">How it was studied · 1 method claim</summary>" in page
    assert "<strong>5 studies</strong> · 9 claims" in page  # ten claims name the concept; the method claim is not counted
    assert sum(1 for c in kb.claims if any(link.concept == "distributed-leadership" for link in c.concepts)) == 10
    assert '<span class="kb-type kb-type-method" data-search-exclude="data-search-exclude">method</span>' in pages["sources/torrance2013.md"]


def test_appraisal_is_shown_and_its_absence_is_a_gap(pages: dict[str, str]) -> None:
    page = pages["sources/torrance2013.md"]
    for text in ("## Appraisal", "**Sampling:** Purposive", "**Publication status:** journal article",
                 '<span class="kb-data-kind">observation</span>', "- pupil outcomes",
                 "- The study is small. “a small-scale study” *(section: Methods)*", "- Three committed headteachers are not a population."):
        assert text in page, text
    gaps = pages["gaps.md"]
    section = gaps.split("## Empirical studies without an appraisal (1)", 1)[1].split("##", 1)[0]
    assert "[Mallory (2020)](sources/mallory2020.md)" in section and "torrance2013" not in section


def test_facet_tallies_in_one_pass_equal_each_cell(kb: KnowledgeBase, real_kb: KnowledgeBase) -> None:
    """Studies.tally_facet (concept pages' designs and countries, the evidence map) gives each
    value exactly what tally_cell gives for it, on the fixture and on the real knowledge base."""
    for base in (kb, real_kb):
        studies = Studies(base)
        for concept in base.concepts:
            claims = [c for c, link in base.claims_about_concept(concept) if link.stance]
            for facet in ("design", "sector", "country"):
                found = studies.tally_facet(claims, facet)
                assert found == {value: studies.tally_cell(claims, facet, value) for value in found}, (concept, facet)
                assert all(t.claims for t in found.values())
