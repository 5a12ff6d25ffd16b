"""The explorer: a generated JSON file of every claim, and the page that hosts the hand-written
filter script (docs/javascripts/explorer.js; state in the URL query string, no server).

Input: :class:`~litkb.site.common.SiteData`. Output: the page (Markdown) and the data (JSON bytes).
Sources are listed once and claims refer to them by key, which keeps the file small.
"""

from __future__ import annotations

import json
from typing import Any

from ...core import urls
from ..cited import cited_note
from ..evidence import FACET_NAMES
from .common import EXPLORER_DATA, EXPLORER_PAGE, GeneratedPage, SiteData, rel


def explorer_pages(site: SiteData) -> list[GeneratedPage]:
    return [GeneratedPage(EXPLORER_PAGE, explorer_page()), GeneratedPage(EXPLORER_DATA, explorer_json(site))]


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


def explorer_data(site: SiteData) -> dict[str, Any]:
    """Everything the explorer filters on, as plain JSON-ready values (no Markdown: the script
    shows text with ``textContent``, so nothing in it is interpreted as HTML).

    Each claim carries its works (``about``, with ``cited_as`` as the reporting text printed
    them), its studies and its facets (design, sector, country: those of its studies,
    :mod:`litkb.emit.evidence`), so that the explorer filters and counts exactly as the pages do.
    """
    kb = site.kb
    studies = site.studies
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
    claims = sorted(site.claims, key=lambda c: (c.note_key, c.line))
    all_studies = sorted({s for c in claims for s in studies.of_claim(c)})
    return {
        "version": 2,
        "concepts": {cid: {"label": c.label, "url": urls.concept_url(cid)} for cid, c in kb.concepts.items()},
        "authors": {pid: kb.persons[pid].sort_name for pid in sorted(people)},
        "sources": sources,
        "studies": {
            s: {"label": site.study_label(s), "works": list(studies.members(s)), **{facet: list(studies.study_facet(s, facet)) for facet in FACET_NAMES}}
            for s in all_studies
        },
        "claims": [
            {
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
                "links": [[link.concept, link.stance] for link in claim.concepts if link.concept in kb.concepts],
                "url": urls.claim_url(claim.note_key, claim.id),
            }
            for claim in claims
        ],
    }


def explorer_json(site: SiteData) -> bytes:
    """The data as compact, deterministic UTF-8 JSON."""
    return json.dumps(explorer_data(site), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
