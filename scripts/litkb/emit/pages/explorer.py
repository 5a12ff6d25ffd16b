"""The explorer: a generated JSON file of every claim, and the page that hosts the hand-written
filter script (docs/javascripts/explorer.js; state in the URL query string, no server).

Input: :class:`~litkb.site.common.SiteData`. Output: the page (Markdown) and the data (JSON bytes).
Sources are listed once and claims refer to them by key, which keeps the file small.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from ...core import urls
from ...core.model import Claim
from ..cited import cited_note
from ..evidence import FACET_NAMES
from .common import EXPLORER_DATA, EXPLORER_PAGE, GeneratedPage, LateFiles, SiteData, files_now_or_later, rel

# A note's claims as the explorer lists them (JSON-ready values), kept by a caller rendering again.
NoteClaims = Mapping[str, tuple[dict[str, Any], ...]]


def explorer_pages(site: SiteData, last: NoteClaims | None = None, changed: Collection[str] = (), late: LateFiles | None = None) -> tuple[list[GeneratedPage], NoteClaims]:
    """The explorer's page and data, and the claims of each note as listed there. ``last``: those
    of the last rendering, taken for every note not in ``changed`` (the notes whose claims may
    list differently: :class:`.incremental.Selection`'s works). With ``late``, the data is made
    later (:func:`.common.files_now_or_later`; the claims are then not returned)."""
    if late is not None:
        return [GeneratedPage(EXPLORER_PAGE, explorer_page()), *files_now_or_later(late, [EXPLORER_DATA], lambda: {EXPLORER_DATA: explorer_json(site)})], {}
    claims = _note_claims(site, last or {}, frozenset(changed))
    return [GeneratedPage(EXPLORER_PAGE, explorer_page()), GeneratedPage(EXPLORER_DATA, explorer_json(site, claims))], claims


def explorer_page() -> str:
    return "\n".join(
        [
            "---",
            "hide: [toc]  # the results table needs the width",
            "---",
            "",
            "# Explorer",
            "",
            "Filter every claim in the evidence base by concept, stance, claim type, author, year, study design, "
            "country, sector and whether the evidence is primary or reported by another work. "
            "The count says how many distinct studies the matching claims come from (two reports of one study count once). "
            "The filters are kept in the address bar, so a filtered view can be bookmarked or shared.",
            "",
            '<div id="kb-explorer" class="kb-explorer" data-search-exclude markdown>',
            "",
            f"[Download all claims (JSON)]({rel(EXPLORER_PAGE, EXPLORER_DATA)})",
            "",
            "</div>",
            "",
            "<noscript>The explorer needs JavaScript. The same evidence is listed on each concept page.</noscript>",
            "",
        ]
    )


def explorer_data(site: SiteData, note_claims: NoteClaims | None = None) -> dict[str, Any]:
    """Everything the explorer filters on, as plain JSON-ready values (no Markdown: the script
    shows text with ``textContent``, so nothing in it is interpreted as HTML).

    Each claim carries its works (``about``, with ``cited_as`` as the reporting text printed
    them), its studies and its facets (design, sector, country: those of its studies,
    :mod:`litkb.emit.evidence`), so that the explorer filters and counts exactly as the pages do.
    """
    kb = site.kb
    studies = site.studies
    note_claims = note_claims if note_claims is not None else _note_claims(site, {}, frozenset())
    sources: dict[str, Any] = {}
    wanted = {k for c in site.claims for k in c.works} | {c.note_key for c in site.claims}
    for key in sorted(k for k in wanted if k in kb.sources):
        source = kb.sources[key]
        entry: dict[str, Any] = {
            "label": site.label(key),
            "title": source.title,
            "year": source.year,
            "url": urls.source_url(key),
            "authors": list(dict.fromkeys(p.id for p in source.creators)),
        }
        note = kb.notes.get(key)
        if note is not None:
            entry.update(design=list(note.design), country=list(note.setting.country), sector=list(note.setting.sector))
        sources[key] = entry
    people = {pid for s in sources.values() for pid in s["authors"]}
    all_studies = sorted({s for c in site.claims for s in studies.of_claim(c)})
    return {
        "version": 2,
        "concepts": {cid: {"label": c.label, "url": urls.concept_url(cid)} for cid, c in kb.concepts.items()},
        "authors": {pid: kb.persons[pid].sort_name for pid in sorted(people)},
        "sources": sources,
        "studies": {
            s: {"label": site.study_label(s), "works": list(studies.members(s)), **{facet: list(studies.study_facet(s, facet)) for facet in FACET_NAMES}}
            for s in all_studies
        },
        # Claims in note order, then line order.
        "claims": [entry for key in sorted(note_claims) for entry in note_claims[key]],
    }


def _note_claims(site: SiteData, last: NoteClaims, changed: frozenset[str]) -> dict[str, tuple[dict[str, Any], ...]]:
    """Note key -> its claims as the explorer lists them, in line order (those of ``last`` for
    the notes it has and ``changed`` does not name)."""
    by_note: dict[str, list[Claim]] = {}
    for claim in site.claims:
        by_note.setdefault(claim.note_key, []).append(claim)
    return {key: last[key] if key in last and key not in changed else tuple(_claim_entry(site, c) for c in sorted(claims, key=lambda c: c.line))
            for key, claims in by_note.items()}


def _claim_entry(site: SiteData, claim: Claim) -> dict[str, Any]:
    """One claim as the explorer lists it."""
    studies = site.studies
    return {
        "note": claim.note_key,
        "id": claim.id,
        "type": claim.type,
        "about": list(claim.works),
        "cited_as": list(claim.cited_as),
        # What the pages show beside a work whose citation differs from its label ("" if none).
        "cited_note": [cited_note(printed, site.label(key), site.reporter(claim)) for key, printed in zip(claim.works, claim.cited_as, strict=False)],
        "reported": claim.reported,
        "studies": list(studies.of_claim(claim)),
        **{facet: list(studies.claim_facet(claim, facet)) for facet in FACET_NAMES},
        "text": " ".join(claim.text.split()),
        "quote": " ".join(claim.quote.split()),
        "locator": claim.locator,
        "links": [[link.concept, link.stance] for link in claim.concepts if link.concept in site.kb.concepts],
        "url": urls.claim_url(claim.note_key, claim.id),
    }


def explorer_json(site: SiteData, note_claims: NoteClaims | None = None) -> bytes:
    """The data as compact, deterministic UTF-8 JSON."""
    return json.dumps(explorer_data(site, note_claims), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
