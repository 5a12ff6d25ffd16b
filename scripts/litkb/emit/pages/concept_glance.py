"""A concept's evidence at a glance: studies and claims per stance with a stance-balance bar, the
designs, countries and sectors of the studies, the years they cover, and where to go next
(the explorer, the evidence pack, the questions that discuss the concept).

Input: :class:`~litkb.emit.pages.common.SiteData` and a concept. Output: Markdown lines. Every
count is :mod:`litkb.emit.evidence`'s (``Studies.tally`` and ``tally_cell``, as the evidence map).
"""

from __future__ import annotations

from ...core import urls
from ...core.model import Claim, Concept
from ...core.vocabulary import STANCES
from ..evidence import FACET_NAMES, NOT_RECORDED
from ..figures.timeline import year_of
from .common import SiteData, evidence_tally, explorer_query, md_link, rel, stance_tallies
from .safe import html_text

PACKS_DIR = "packs"
FACET_TITLES = {"design": "Designs", "country": "Countries", "sector": "Sectors"}


def counted_claims(site: SiteData, concept_id: str) -> list[Claim]:
    """The claims that count as evidence on a concept (those with a stance), each once."""
    return list({claim.uid: claim for claim, link in site.evidence.get(concept_id, ()) if link.stance}.values())


PACK_FILES = (("BibTeX", "evidence.bib"), ("RIS", "evidence.ris"), ("claims as CSV", "claims.csv"))


def evidence_pack_links(concept_id: str, here: str) -> str:
    """"BibTeX · RIS · claims as CSV": download links to the concept's evidence pack."""
    return " · ".join(f"[{label}]({rel(here, path)})" for label, path in zip((label for label, _ in PACK_FILES), pack_paths(concept_id), strict=True))


def pack_paths(concept_id: str) -> list[str]:
    """The paths of a concept's evidence-pack files (:func:`litkb.emit.exports.packs.evidence_pack`)."""
    return [f"{PACKS_DIR}/{concept_id}-{suffix}" for _, suffix in PACK_FILES]


def facet_summary(site: SiteData, claims: list[Claim], facet: str) -> str:
    """"case study (12), interview (9); 3 not recorded": studies per value of a facet, most first."""
    counts = {v: tally.studies for v, tally in site.studies.tally_facet(claims, facet).items()}
    shown = sorted((v for v in counts if v != NOT_RECORDED), key=lambda v: (-counts[v], v))
    text = ", ".join(f"{v.replace('-', ' ')} ({counts[v]})" for v in shown)
    missing = counts.get(NOT_RECORDED, 0)
    if missing:
        text += f"{'; ' if text else ''}{missing} not recorded"
    return text


def years_covered(site: SiteData, claims: list[Claim]) -> str:
    """"1999–2013": the years of the works the evidence is about (every report of each study)."""
    years = {y for claim in claims for study in site.studies.of_claim(claim) for key in site.studies.members(study)
             if (y := year_of(site.year(key))) is not None}
    if not years:
        return ""
    return f"{min(years)}–{max(years)}" if min(years) != max(years) else str(min(years))


def balance_bar(site: SiteData, concept: Concept) -> list[str]:
    """The stance-balance bar (studies per stance as segments, each a link to its section) and
    its legend with studies and claims per stance."""
    tallies = stance_tallies(site, site.evidence.get(concept.id, ()))
    total = sum(t.studies for t in tallies.values()) or 1
    described = "; ".join(f"{s}: {tallies[s].text()}" for s in STANCES)
    segments = "".join(
        f'<a class="kb-balance-seg kb-bg-{s}" href="#evidence-{s}" style="width:{100 * tallies[s].studies / total:.1f}%" '
        f'title="{html_text(s)}: {html_text(tallies[s].text())}"></a>'
        for s in STANCES if tallies[s].studies
    )
    legend = "".join(
        f'<li><a href="#evidence-{s}"><span class="kb-swatch kb-bg-{s}"></span>{s}</a> '
        f'<span class="kb-legend-count">{html_text(tallies[s].text())}</span></li>'
        for s in STANCES
    )
    return [f'<div class="kb-balance" role="img" aria-label="Studies per stance: {html_text(described)}">{segments}</div>', "",
            f'<ul class="kb-balance-legend">{legend}</ul>', ""]


def concept_glance(site: SiteData, concept: Concept, here: str) -> list[str]:
    """The panel under the definition (Markdown lines)."""
    claims = counted_claims(site, concept.id)
    total = evidence_tally(site, site.evidence.get(concept.id, ()))
    # A <section>, not a <div>: Material's search matches excluded elements by tag alone, so the
    # first inner </div> would end the exclusion of an outer <div> (material/plugins/search).
    lines = ["## At a glance", "", '<section class="kb-glance" data-search-exclude markdown>', ""]
    if not total.claims:
        lines += ['<p class="kb-glance-total" markdown>No claim in the knowledge base takes a stance on this concept yet.</p>', ""]
    else:
        studies = f"{total.studies} {'study' if total.studies == 1 else 'studies'}"
        claims_text = f"{total.claims} {'claim' if total.claims == 1 else 'claims'}"
        lines += [f'<p class="kb-glance-total" markdown><strong>{studies}</strong> · {claims_text}</p>', ""]
        lines += balance_bar(site, concept)
    facts: list[tuple[str, str]] = []
    for facet in FACET_NAMES:
        summary = facet_summary(site, claims, facet) if claims else ""
        if summary:
            facts.append((FACET_TITLES[facet], html_text(summary)))
    years = years_covered(site, claims)
    if years:
        facts.append(("Years", years))
    questions = question_links(site, concept.id, here)
    if questions:
        facts.append(("Questions", questions))
    explore = f"[in the explorer]({explorer_query(here, concept=concept.id)}) · evidence pack: {evidence_pack_links(concept.id, here)}"
    facts.append(("Open the evidence", explore))
    lines += ['<dl class="kb-facts-grid" markdown>', ""]
    for name, value in facts:
        lines += [f"<dt>{name}</dt>", f'<dd markdown>{value}</dd>']
    lines += ["", "</dl>", "", "</section>", ""]
    return lines


def question_links(site: SiteData, concept_id: str, here: str) -> str:
    """The question pages that list the concept among theirs, one a line, each linked, a draft
    said so ("" when none): the questions are few, so every one is named."""
    links = []
    for qid in site.questions.by_concept.get(concept_id, ()):
        question = site.kb.questions[qid]
        draft = " (draft)" if question.status == "draft" else ""
        links.append(md_link(question.question, here, urls.question_path(qid)) + draft)
    return "<br>".join(links)
