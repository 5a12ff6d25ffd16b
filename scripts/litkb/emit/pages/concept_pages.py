"""Concept pages: the vocabulary index (a tree, with groups such as the six ways of distribution)
and one page per concept (definition, the evidence at a glance, the evidence by stance and study,
related concepts with a map drawn at build time).

Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial

from ...core import urls
from ...core.model import Claim, Concept
from ...core.vocabulary import STANCES
from ..figures.concept_map import concept_map_svg
from .common import (
    CONCEPTS_INDEX,
    Deferred,
    GeneratedPage,
    LateFiles,
    SiteData,
    concept_link,
    evidence_tally,
    files_now_or_later,
    page_href,
    rendered_now_or_later,
    source_link,
    stance_tallies,
)
from .concept_glance import PACKS_DIR, concept_glance, pack_paths
from .evidence_cards import OPEN_UP_TO, details, study_card, study_groups
from .html import explorer_link
from .safe import html_text, md_text

# Concept pages list at most this many rows per stance; the explorer holds the rest. Keeps the
# heaviest concept pages usable when the knowledge base has thousands of notes.
MAX_ROWS_PER_STANCE = 200

STANCE_HEADINGS = {
    "defines": "Defines",
    "supports": "Supports",
    "qualifies": "Qualifies",
    "contests": "Contests",
}


def evidence_pack_files(site: SiteData, only: Collection[str] | None = None, late: LateFiles | None = None) -> list[GeneratedPage]:
    """Every concept's evidence-pack files (from :func:`litkb.emit.exports.packs.evidence_pack`)
    under packs/ (those of the concepts in ``only``, when given; made later with ``late``)."""
    from ..exports.packs import evidence_packs

    def make() -> dict[str, bytes]:
        return {f"{PACKS_DIR}/{name}": text.encode("utf-8") for pack in evidence_packs(site.kb, only).values() for name, text in pack.items()}

    return files_now_or_later(late, [path for cid in site.kb.concepts if only is None or cid in only for path in pack_paths(cid)], make)


def concept_pages(site: SiteData, only: Collection[str] | None = None, deferred: Deferred | None = None, index: bool = True,
                  late: LateFiles | None = None) -> list[GeneratedPage]:
    """The concepts index (unless not ``index``), one page per concept and its evidence pack (of
    the concepts in ``only``, when given); with ``deferred``, the concepts' pages are left empty
    and their renderers kept there; with ``late``, the packs are made later."""
    pages = [GeneratedPage(CONCEPTS_INDEX, concepts_index(site))] if index else []
    for concept in site.kb.concepts.values():
        if only is not None and concept.id not in only:
            continue
        path = urls.concept_path(concept.id)
        pages.append(GeneratedPage(path, rendered_now_or_later(deferred, path, partial(concept_page, site, concept)), concept.path))
    return pages + evidence_pack_files(site, only, late)


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
    """Definition first, then the evidence at a glance, then the evidence by stance and study, then
    the related concepts with their map."""
    here = urls.concept_path(concept.id)
    lines = [f"# {md_text(concept.label)}", ""]
    if concept.aliases:
        lines += [f"*Also called:* {md_text(', '.join(concept.aliases))}", ""]
    lines += _definition(site, concept, here)
    lines += concept_glance(site, concept, here)
    lines += _evidence(site, concept, here)
    lines += _relations(site, concept, here)
    return "\n".join(lines)


def _definition(site: SiteData, concept: Concept, here: str) -> list[str]:
    d = concept.definition
    lines = ["## Definition", "", md_text(d.text), ""]
    if d.quote:
        lines += [f"> {md_text(d.quote)}", ""]
    if d.sources:
        by = ", ".join(source_link(site, here, key) for key in d.sources)
        if d.reported_by:
            by += f", as reported by {source_link(site, here, d.reported_by)}"
        where = f", {md_text(d.locator, line_start=False)}" if d.locator else ""
        lines += [f'<p class="kb-definition-source" markdown>Source: {by}{where}</p>', ""]
    return lines


def _evidence(site: SiteData, concept: Concept, here: str) -> list[str]:
    """The evidence by stance, each stance a collapsible block of study cards (open when short)."""
    pairs = site.evidence.get(concept.id, ())
    tallies = stance_tallies(site, pairs)
    lines = [
        "## Evidence",
        "",
        "By stance, then by study: each card is one study (a report and the paper drawn from it are one study), "
        "with its design and setting once and its claims under it; a claim citing several works stands under all of them once. "
        "Sections with many claims are closed: click to open.",
        "",
    ]
    # Each stance's block is kept out of the site search whole (each claim is found on its source
    # page) and carries the id the glance links to: no wrapper around it, one level of nesting
    # fewer for Markdown to parse.
    for stance in STANCES:
        claims = [claim for claim, link in pairs if link.stance == stance]
        title = f"{STANCE_HEADINGS[stance]} · {tallies[stance].text()}"
        if not claims:
            lines += [f'<p class="kb-empty-stance" id="evidence-{stance}" data-search-exclude="data-search-exclude">{html_text(title)}: '
                      f"no claim in the knowledge base {stance} this concept yet.</p>", ""]
            continue
        body = _cards(site, here, claims)
        if len(claims) > MAX_ROWS_PER_STANCE:
            more = explorer_link("see all in the explorer", here, concept=concept.id, stance=stance)
            body += [f"<p>Showing {MAX_ROWS_PER_STANCE} of {len(claims)} claims: {more}.</p>", ""]
        lines += details(f"kb-sec kb-sec-{stance}", title, body, open_=len(claims) <= OPEN_UP_TO, ident=f"evidence-{stance}", searchable=False,
                         markdown=False)
    methods = [claim for claim, link in pairs if not link.stance]
    if methods:
        count = f"{len(methods)} method {'claim' if len(methods) == 1 else 'claims'}"
        body = ["<p>Method claims say how a study examined this concept; they take no stance and are not counted as evidence.</p>", ""]
        body += _cards(site, here, methods)
        if len(methods) > MAX_ROWS_PER_STANCE:
            more = explorer_link("see all in the explorer", here, concept=concept.id, type="method")
            body += [f"<p>Showing {MAX_ROWS_PER_STANCE} of {len(methods)}: {more}.</p>", ""]
        lines += details("kb-sec kb-sec-method", f"How it was studied · {count}", body, open_=len(methods) <= OPEN_UP_TO,
                         ident="evidence-method", searchable=False, markdown=False)
    return lines


def _cards(site: SiteData, here: str, claims: list[Claim]) -> list[str]:
    """Study cards for at most MAX_ROWS_PER_STANCE claims (the oldest studies first)."""
    lines: list[str] = []
    shown = sorted(claims, key=site.sort_key)[:MAX_ROWS_PER_STANCE]
    for studies, group in study_groups(site, shown):
        lines += study_card(site, here, studies, group)
    return lines


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
    lines = ["## Related concepts", "", '<section class="kb-related" data-search-exclude markdown>', "", '<div class="kb-related-list" markdown>', ""]
    for name, ids in present:
        lines.append(f"- **{name}:** " + ", ".join(concept_link(site, here, cid) for cid in ids))
    lines += ["", "</div>", ""]
    picture = concept_map(site, concept)
    if picture:
        lines += [picture, ""]
    lines += ["</section>", ""]
    return lines


def concept_map(site: SiteData, concept: Concept) -> str:
    """The concept's map as inline SVG (:mod:`litkb.emit.figures.concept_map`), links resolved
    from the concept's page."""
    here = urls.concept_path(concept.id)
    return concept_map_svg(concept, site.alternatives.get(concept.id, ()), site.kb.concepts, lambda cid: page_href(here, urls.concept_path(cid)))
