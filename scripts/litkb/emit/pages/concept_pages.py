"""Concept pages: the vocabulary index (a tree, with groups such as the six ways of distribution)
and one page per concept (definition, evidence by stance, related concepts, a Mermaid map).

Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown).
"""

from __future__ import annotations

from ...core import urls
from ...core.model import Claim, Concept
from ...core.vocabulary import STANCES
from .common import (
    CONCEPTS_INDEX,
    GeneratedPage,
    SiteData,
    concept_link,
    evidence_source,
    evidence_tally,
    explorer_query,
    facet_text,
    rel,
    setting_text,
    source_link,
    stance_tallies,
    table_cell,
    type_badge,
)
from .question_pages import concept_questions_section
from .safe import fence, md_cell, md_text, mermaid_label

# Concept pages list at most this many rows per stance; the explorer holds the rest. Keeps the
# heaviest concept pages usable when the knowledge base has thousands of notes.
MAX_ROWS_PER_STANCE = 200

STANCE_HEADINGS = {
    "defines": "Defines",
    "supports": "Supports",
    "qualifies": "Qualifies",
    "contests": "Contests",
}


PACKS_DIR = "packs"


def evidence_pack_links(concept_id: str) -> str:
    """Markdown with download links to the concept's evidence pack (references as BibTeX and RIS,
    claims as CSV), relative to the concept page."""
    here = urls.concept_path(concept_id)
    links = [
        f"[{label}]({rel(here, f'{PACKS_DIR}/{concept_id}-{suffix}')})"
        for label, suffix in (("BibTeX", "evidence.bib"), ("RIS", "evidence.ris"), ("claims as CSV", "claims.csv"))
    ]
    return f"**Evidence pack** (download): {' · '.join(links)}"


def evidence_pack_files(site: SiteData) -> list[GeneratedPage]:
    """Every concept's evidence-pack files (from :func:`litkb.emit.exports.packs.evidence_pack`) under packs/."""
    from ..exports.packs import evidence_packs

    return [
        GeneratedPage(f"{PACKS_DIR}/{name}", text.encode("utf-8"))
        for pack in evidence_packs(site.kb).values()
        for name, text in sorted(pack.items())
    ]


def concept_pages(site: SiteData) -> list[GeneratedPage]:
    pages = [GeneratedPage(CONCEPTS_INDEX, concepts_index(site))]
    for concept in site.kb.concepts.values():
        pages.append(GeneratedPage(urls.concept_path(concept.id), concept_page(site, concept), concept.path))
    return pages + evidence_pack_files(site)


# -- index ------------------------------------------------------------------------------------
def concepts_index(site: SiteData) -> str:
    here = CONCEPTS_INDEX
    concepts = site.kb.concepts
    lines = [
        "# Concepts",
        "",
        "The controlled vocabulary of the evidence base. Each concept has a page showing who defines, "
        "supports, qualifies or contests it, with the quote, the locator and the study behind it. "
        "The counts are distinct studies (two reports of one study count once) and the claims behind them.",
        "",
    ]
    groups = [c for c in concepts.values() if c.members]
    if groups:
        lines += ["## Groups", ""]
        for group in groups:
            lines.append(f"**{concept_link(site, here, group.id)}**")
            lines.append("")
            for member in group.members:
                lines.append(f"- {concept_link(site, here, member)}{_count_suffix(site, member)}")
            lines.append("")
    lines += ["## All concepts", "", '<div class="kb-tree" data-search-exclude markdown>', ""]
    roots = sorted((c for c in concepts.values() if not c.broader), key=lambda c: c.label.lower())
    expanded: set[str] = set()
    for root in roots:
        lines += _tree(site, root, 0, set(), expanded)
    lines += ["", "</div>", ""]
    return "\n".join(lines)


def _tree(site: SiteData, concept: Concept, depth: int, seen: set[str], expanded: set[str]) -> list[str]:
    """Nested list of a concept and its narrower concepts. A concept under two parents shows
    under each, but its own narrower concepts only the first time (``expanded``): repeating whole
    subtrees would make the list grow exponentially with the hierarchy's depth. ``seen`` (the
    path from the top) guards against cycles, which ``kb check`` reports."""
    if concept.id in seen:
        return []
    line = f"{'    ' * depth}- {concept_link(site, CONCEPTS_INDEX, concept.id)}{_count_suffix(site, concept.id)}"
    if concept.id in expanded and concept.narrower:
        return [f"{line}; its narrower concepts are listed above"]
    expanded.add(concept.id)
    lines = [line]
    children = sorted((site.kb.concepts[n] for n in concept.narrower), key=lambda c: c.label.lower())
    for child in children:
        lines += _tree(site, child, depth + 1, seen | {concept.id}, expanded)
    return lines


def _count_suffix(site: SiteData, concept_id: str) -> str:
    tally = evidence_tally(site, site.evidence.get(concept_id, ()))
    return f" ({tally.text()})" if tally.claims else " (no evidence yet)"


# -- one concept ----------------------------------------------------------------------------------
def concept_page(site: SiteData, concept: Concept) -> str:
    here = urls.concept_path(concept.id)
    lines = [f"# {md_text(concept.label)}", ""]
    if concept.aliases:
        lines += [f"*Also called:* {md_text(', '.join(concept.aliases))}", ""]
    lines += _definition(site, concept, here)
    pack = evidence_pack_links(concept.id)
    if pack:
        lines += [pack, ""]
    lines += _evidence(site, concept, here)
    lines += concept_questions_section(site, concept.id, here)
    lines += _relations(site, concept, here)
    lines += ["## Concept map", "", '<div class="kb-concept-map" data-search-exclude markdown>', "", concept_map(site, concept), "", "</div>", ""]
    return "\n".join(lines)


def _definition(site: SiteData, concept: Concept, here: str) -> list[str]:
    d = concept.definition
    lines = ["## Definition", "", md_text(d.text), ""]
    if d.sources:
        by = ", ".join(source_link(site, here, key) for key in d.sources)
        if d.reported_by:
            by += f", as reported by {source_link(site, here, d.reported_by)}"
        where = f", {md_text(d.locator)}" if d.locator else ""
        lines += [f"Source: {by}{where}", ""]
    if d.quote:
        lines += [f"> {md_text(d.quote)}", ""]
    return lines


def _evidence(site: SiteData, concept: Concept, here: str) -> list[str]:
    pairs = site.evidence.get(concept.id, ())
    tallies = stance_tallies(site, pairs)
    summary = "; ".join(f"{s} {tallies[s].text()}" for s in STANCES)
    lines = [
        "## Evidence",
        "",
        f"**{evidence_tally(site, pairs).text()}**: {summary}. A study counts once however many claims or reports it has; "
        "a claim citing several works counts once. Design and setting are those of the studies the claim is about; "
        f"[filter this evidence in the explorer]({explorer_query(here, concept=concept.id)}).",
        "",
    ]
    for stance in STANCES:
        rows = sorted((pair for pair in pairs if pair[1].stance == stance), key=lambda p: site.sort_key(p[0]))
        lines += [f"### {STANCE_HEADINGS[stance]} ({tallies[stance].text()})", ""]
        if not rows:
            lines += [f"*No claim in the knowledge base {stance} this concept yet.*", ""]
            continue
        lines += _table(site, [claim for claim, _ in rows], here)
        if len(rows) > MAX_ROWS_PER_STANCE:
            more = explorer_query(here, concept=concept.id, stance=stance)
            lines += [f"Showing {MAX_ROWS_PER_STANCE} of {len(rows)}: [see all in the explorer]({more}).", ""]
    methods = sorted((claim for claim, link in pairs if not link.stance), key=site.sort_key)
    if methods:
        lines += [f"### How it was studied ({len(methods)} method {'claim' if len(methods) == 1 else 'claims'})", ""]
        lines += ["Method claims say how a study examined this concept; they take no stance and are not counted as evidence.", ""]
        lines += _table(site, methods, here)
        if len(methods) > MAX_ROWS_PER_STANCE:
            more = explorer_query(here, concept=concept.id, type="method")
            lines += [f"Showing {MAX_ROWS_PER_STANCE} of {len(methods)}: [see all in the explorer]({more}).", ""]
    return lines


def _table(site: SiteData, claims: list[Claim], here: str) -> list[str]:
    lines = ['<div class="kb-evidence" data-search-exclude markdown>', ""]
    lines += ["| Claim | Type | Quote | Locator | Source | Design | Setting |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for claim in claims[:MAX_ROWS_PER_STANCE]:
        lines.append(_row(site, claim, here))
    return lines + ["", "</div>", ""]


def _row(site: SiteData, claim: Claim, here: str) -> str:
    quote = f"“{md_cell(claim.quote)}”" if claim.quote else ""
    source = evidence_source(site, here, claim) + _same_study_note(site, claim)
    cells = [md_cell(claim.text), type_badge(claim), quote, md_cell(claim.locator), table_cell(source),
             md_cell(facet_text(site, claim, "design") or "—"), md_cell(setting_text(site, claim) or "—")]
    return "| " + " | ".join(cells) + " |"


def _same_study_note(site: SiteData, claim: Claim) -> str:
    """" (one study with NCSL (2004))" when a work of the claim is one of several reports of a study."""
    others: dict[str, None] = {}
    for key in claim.works:
        for member in site.studies.members(site.studies.of_work(key)):
            if member not in claim.works:
                others[member] = None
    if not others:
        return ""
    return " (one study with " + ", ".join(md_text(site.label(k), line_start=False) for k in others) + ")"


def _relations(site: SiteData, concept: Concept, here: str) -> list[str]:
    rows = [
        ("Broader", concept.broader),
        ("Narrower", concept.narrower),
        ("Group", (concept.group,) if concept.group else ()),
        ("Members", concept.members),
        ("Related", concept.related),
        ("Alternative to", concept.alternative_to),
        ("Alternatives offered", site.alternatives.get(concept.id, ())),
    ]
    present = [(name, ids) for name, ids in rows if ids]
    if not present:
        return []
    lines = ["## Related concepts", "", '<div data-search-exclude markdown>', ""]
    for name, ids in present:
        lines.append(f"- **{name}:** " + ", ".join(concept_link(site, here, cid) for cid in ids))
    lines += ["", "</div>", ""]
    return lines


def concept_map(site: SiteData, concept: Concept) -> str:
    """A Mermaid flowchart of the concept and its neighbours (labels sanitised, no clicks)."""
    nodes: dict[str, str] = {concept.id: "c0"}
    edges: list[str] = []

    def node(cid: str) -> str:
        if cid not in nodes:
            nodes[cid] = f"c{len(nodes)}"
        return nodes[cid]

    me = nodes[concept.id]
    for parent in concept.broader:
        edges.append(f"    {me} -->|broader| {node(parent)}")
    for child in concept.narrower:
        edges.append(f"    {node(child)} -->|broader| {me}")
    if concept.group:
        edges.append(f"    {me} -.->|member of| {node(concept.group)}")
    for member in concept.members:
        if member not in concept.narrower:
            edges.append(f"    {node(member)} -.->|member of| {me}")
    for other in concept.related:
        edges.append(f"    {me} ---|related| {node(other)}")
    for other in concept.alternative_to:
        edges.append(f"    {me} -.-|alternative to| {node(other)}")
    for other in site.alternatives.get(concept.id, ()):
        if other not in concept.alternative_to:
            edges.append(f"    {node(other)} -.-|alternative to| {me}")
    lines = ["graph LR"]
    for cid, name in nodes.items():
        label = mermaid_label(site.kb.concepts[cid].label)
        lines.append(f'    {name}["{label}"]')
    lines += edges
    lines.append(f"    classDef current stroke-width:3px,font-weight:bold\n    class {me} current")
    return fence("\n".join(lines), "mermaid")

