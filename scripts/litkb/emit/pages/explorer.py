"""The explorer: a generated JSON file of every claim, and the page that hosts the hand-written
filter script (docs/javascripts/explorer.js; state in the URL query string, no server).

Input: :class:`~litkb.site.common.SiteData`. Output: the page (Markdown) and the data (JSON bytes).
Sources are listed once and claims refer to them by key, which keeps the file small.
"""

from __future__ import annotations

import json
from typing import Any

from ...core import urls
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
            "Filter every claim in the evidence base by concept, stance, author, year, study design, "
            "country, sector and whether the evidence is primary or reported by another work. "
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
    shows text with ``textContent``, so nothing in it is interpreted as HTML)."""
    kb = site.kb
    sources: dict[str, Any] = {}
    wanted = {c.about for c in site.claims} | {c.note_key for c in site.claims}
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
    return {
        "version": 1,
        "concepts": {cid: {"label": c.label, "url": urls.concept_url(cid)} for cid, c in kb.concepts.items()},
        "authors": {pid: kb.persons[pid].sort_name for pid in sorted(people)},
        "sources": sources,
        "claims": [
            {
                "note": claim.note_key,
                "id": claim.id,
                "about": claim.about,
                "reported": claim.reported,
                "text": " ".join(claim.text.split()),
                "quote": " ".join(claim.quote.split()),
                "locator": claim.locator,
                "links": [[link.concept, link.stance] for link in claim.concepts if link.concept in kb.concepts],
                "url": urls.claim_url(claim.note_key, claim.id),
            }
            for claim in sorted(site.claims, key=lambda c: (c.note_key, c.line))
        ],
    }


def explorer_json(site: SiteData) -> bytes:
    """The data as compact, deterministic UTF-8 JSON."""
    return json.dumps(explorer_data(site), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
