"""The evidence-and-gap map: concepts against the design, sector and country of the studies, each
cell a mark sized by the number of studies (the EPPI-Mapper convention) that opens its claims in
the explorer; empty cells are gaps.

Input: :class:`~litkb.emit.pages.common.SiteData`. Output: the page (Markdown with one raw HTML
table per facet: a two-row header groups the designs into families, which a Markdown table
cannot). Columns in which no concept has evidence are left out and named under the table. The
table scrolls inside its frame with the concept column and the header fixed (CSS sticky). Every
count is :meth:`litkb.emit.evidence.Studies.tally_facet` (each cell what ``tally_cell`` gives).
"""

from __future__ import annotations

import math
from urllib.parse import quote

from ...core import urls
from ...core.model import Claim
from ...core.vocabulary import DESIGN_FAMILIES, SECTORS
from ..evidence import NOT_RECORDED, Tally
from .common import EVIDENCE_MAP_PAGE, EXPLORER_PAGE, SiteData, page_href, rel
from .safe import html_text

# The explorer's stance filter for "any stance": the claims an evidence-map cell counts.
COUNTED_STANCES = "defines,supports,qualifies,contests"
# (facet, heading, families of the controlled values shown first; values outside them follow)
FACETS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("design", "Study design", DESIGN_FAMILIES),
    ("sector", "Sector", (("", SECTORS),)),
    ("country", "Country", ()),
)
NOT_RECORDED_TITLE = "not recorded"
# Mark diameters (em) for one study and for the largest cell of a table.
SMALLEST, LARGEST = 1.5, 2.6


def evidence_map(site: SiteData) -> str:
    """The page: an introduction with the key, then one table per facet."""
    here = EVIDENCE_MAP_PAGE
    lines = [
        "---",
        "hide: [toc]  # the tables need the width",
        "---",
        "",
        "# Evidence map",
        "",
        "How many studies bear on each concept, by the design, sector and country of the study. "
        "A mark's size and number are the distinct studies (a report and the paper drawn from it are one study), "
        f"its tooltip adds the claims behind them, and a click opens those claims in the [explorer]({rel(here, EXPLORER_PAGE)}). "
        "A dot is a gap: no evidence yet. Columns without any evidence are left out (named under each table); "
        f"“{NOT_RECORDED_TITLE}”: studies without a note, or whose note does not record the facet.",
        "",
    ]
    concepts = sorted(site.kb.concepts.values(), key=lambda c: c.label.lower())
    counted = {c.id: list({claim.uid: claim for claim, link in site.evidence.get(c.id, ()) if link.stance}.values()) for c in concepts}
    for facet, title, families in FACETS:
        lines += [f"## {title}", ""]
        lines += _table(site, here, facet, families, [(c.id, c.label) for c in concepts], counted)
    return "\n".join(lines)


def _columns(site: SiteData, facet: str, families: tuple[tuple[str, tuple[str, ...]], ...], claims: list[Claim]) -> list[tuple[str, list[str]]]:
    """(family, values) in display order: the controlled values by family, then values seen outside
    them (alphabetical), then NOT_RECORDED."""
    seen = {v for claim in claims for v in site.studies.claim_facet(claim, facet)}
    controlled = {v for _, values in families for v in values}
    columns = [(family, list(values)) for family, values in families]
    others = sorted(seen - controlled - {NOT_RECORDED})
    if others:
        columns.append(("Other" if families else "", others))
    columns.append(("", [NOT_RECORDED]))
    return columns


def _table(site: SiteData, here: str, facet: str, families: tuple[tuple[str, tuple[str, ...]], ...],
           concepts: list[tuple[str, str]], counted: dict[str, list[Claim]]) -> list[str]:
    every = [claim for claims in counted.values() for claim in claims]
    groups = _columns(site, facet, families, every)
    cells: dict[tuple[str, str], Tally] = {}
    for cid, _ in concepts:
        for value, tally in site.studies.tally_facet(counted[cid], facet).items():
            if tally.claims:
                cells[(cid, value)] = tally
    used = {value for _, value in cells}
    kept = [(family, [v for v in values if v in used]) for family, values in groups]
    kept = [(family, values) for family, values in kept if values]
    dropped = [v for _, values in groups for v in values if v not in used]
    if not kept:
        return ["*No study has evidence on any concept yet.*", ""]
    largest = max(t.studies for t in cells.values())
    grouped = any(family for family, _ in kept)
    head = ['<thead>']
    if grouped:
        head.append('<tr><th class="kb-map-corner" rowspan="2" scope="col">Concept</th>'
                    + "".join(f'<th class="kb-map-family" colspan="{len(values)}" scope="colgroup">{html_text(family)}</th>' for family, values in kept) + "</tr>")
        head.append("<tr>" + "".join(_column_head(v) for _, values in kept for v in values) + "</tr>")
    else:
        head.append('<tr><th class="kb-map-corner" scope="col">Concept</th>' + "".join(_column_head(v) for _, values in kept for v in values) + "</tr>")
    head.append("</thead>")
    explorer = page_href(here, EXPLORER_PAGE)
    rows = ["<tbody>"]
    for cid, label in concepts:
        row = [f'<th scope="row"><a href="{page_href(here, urls.concept_path(cid))}">{html_text(label)}</a></th>']
        for _, values in kept:
            for value in values:
                row.append(_cell(explorer, cid, label, facet, value, cells.get((cid, value)), largest))
        rows.append("<tr>" + "".join(row) + "</tr>")
    rows.append("</tbody>")
    lines = [f'<div class="kb-map-frame" data-search-exclude="data-search-exclude"><table class="kb-map kb-map-{facet}">', *head, *rows, "</table></div>", ""]
    if dropped:
        names = ", ".join(_shown(v) for v in dropped)
        lines += [f'<p class="kb-map-dropped" markdown>Left out, no evidence on any concept yet: {html_text(names)}.</p>', ""]
    return lines


def _shown(value: str) -> str:
    return NOT_RECORDED_TITLE if value == NOT_RECORDED else value.replace("-", " ")


def _column_head(value: str) -> str:
    return f'<th class="kb-map-value" scope="col"><span>{html_text(_shown(value))}</span></th>'


def _cell(explorer: str, cid: str, label: str, facet: str, value: str, tally: Tally | None, largest: int) -> str:
    where = f"{label}, {_shown(value)}"
    if tally is None:
        return f'<td><span class="kb-gap" title="No evidence yet: {html_text(where)}"></span></td>'
    size = SMALLEST if largest <= 1 else SMALLEST + (LARGEST - SMALLEST) * math.sqrt((tally.studies - 1) / (largest - 1))
    query = "&amp;".join(f"{name}={quote(v, safe='')}" for name, v in sorted({"concept": cid, "stance": COUNTED_STANCES, facet: value}.items()))
    return (f'<td><a class="kb-mark" href="{explorer}?{query}" data-studies="{tally.studies}" data-claims="{tally.claims}" '
            f'title="{html_text(where)}: {html_text(tally.text())}" style="width:{size:.2f}em;height:{size:.2f}em">{tally.studies}</a></td>')
