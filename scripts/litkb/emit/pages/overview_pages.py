"""Overview pages: the evidence map (concepts x design, sector, country; empty cells are gaps)
and the gaps page (works cited but not yet annotated, most cited first).

Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from ...core.model import Claim, Note
from ...core.vocabulary import DESIGNS, SECTORS
from .common import (
    EVIDENCE_MAP_PAGE,
    EXPLORER_PAGE,
    GAPS_PAGE,
    GeneratedPage,
    SiteData,
    concept_link,
    explorer_query,
    rel,
    source_link,
    table_cell,
)
from .safe import html_text, md_cell

# The explorer's value for "the study records no design / sector / country".
NOT_RECORDED = "(none)"

FACETS: tuple[tuple[str, str, Callable[[Note], tuple[str, ...]], tuple[str, ...]], ...] = (
    ("design", "Study design", lambda n: n.design, DESIGNS),
    ("sector", "Sector", lambda n: n.setting.sector, SECTORS),
    ("country", "Country", lambda n: n.setting.country, ()),
)


def facet_values(note: Note | None, facet: str) -> tuple[str, ...]:
    """A claim's values for one facet, from the note on the work it is about (or NOT_RECORDED)."""
    if note is None:
        return (NOT_RECORDED,)
    getter = next(f[2] for f in FACETS if f[0] == facet)
    return getter(note) or (NOT_RECORDED,)


def overview_pages(site: SiteData) -> list[GeneratedPage]:
    return [GeneratedPage(EVIDENCE_MAP_PAGE, evidence_map(site)), GeneratedPage(GAPS_PAGE, gaps_page(site))]


def evidence_map(site: SiteData) -> str:
    here = EVIDENCE_MAP_PAGE
    lines = [
        "---",
        "hide: [toc]  # the tables need the width",
        "---",
        "",
        "# Evidence map",
        "",
        "How many claims bear on each concept, by the design, sector and country of the study they are about. "
        f"Each count opens the matching claims in the [explorer]({rel(here, EXPLORER_PAGE)}); "
        'cells marked <span class="kb-gap">0</span> are gaps in the evidence. '
        f"“{NOT_RECORDED}” counts claims about works without a note (or whose note does not record the facet).",
        "",
    ]
    concepts = sorted(site.kb.concepts.values(), key=lambda c: c.label.lower())
    for facet, title, _, controlled in FACETS:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        seen: set[str] = set()
        for concept in concepts:
            claims: dict[str, Claim] = {c.uid: c for c, _ in site.evidence.get(concept.id, ())}
            for claim in claims.values():
                for value in facet_values(site.note_of(claim), facet):
                    table[concept.id][value] += 1
                    seen.add(value)
        columns = [v for v in controlled if v] + sorted(seen - set(controlled) - {NOT_RECORDED}) + [NOT_RECORDED]
        lines += [f"## {title}", "", '<div class="kb-map" data-search-exclude markdown>', ""]
        lines += ["| Concept | " + " | ".join(md_cell(c.replace("-", " ")) for c in columns) + " |", "| --- |" + " --: |" * len(columns)]
        for concept in concepts:
            cells = [table_cell(concept_link(site, here, concept.id))]
            for value in columns:
                count = table[concept.id][value]
                if count:
                    cells.append(f"[{count}]({explorer_query(here, concept=concept.id, **{facet: value})})")
                else:
                    cells.append(f'<span class="kb-gap" title="No evidence yet: {html_text(concept.label)}, {html_text(value)}">0</span>')
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "</div>", ""]
    return "\n".join(lines)


def gap_ranking(site: SiteData) -> list[tuple[str, int, int, tuple[str, ...]]]:
    """Works cited by notes but without a note of their own, most cited first.

    Returns (key, times cited = citing notes + reported claims about it, reported claims,
    citing notes); ties broken by label then key so the order is stable.
    """
    kb = site.kb
    rows = []
    for key, citing in kb.cited_by.items():
        if key in kb.notes:
            continue
        reported = len(site.reported_about.get(key, ()))
        citing_notes = tuple(n for n in citing if key in kb.notes[n].cites)
        rows.append((key, len(citing_notes) + reported, reported, citing))
    return sorted(rows, key=lambda r: (-r[1], site.label(r[0]).lower(), r[0]))


def gaps_page(site: SiteData) -> str:
    here = GAPS_PAGE
    ranking = gap_ranking(site)
    lines = [
        "# Gaps",
        "",
        "Works that annotated sources cite or report on but that have no note yet: the contributors' backlog, "
        "most cited first. *Times cited* counts the notes that cite the work plus the claims they report about it. "
        f"To annotate one, run `kb new source KEY` and see [Contributing]({rel(here, 'contributing.md')}).",
        "",
        f"## Works without a note ({len(ranking)})",
        "",
        '<div class="kb-sortable" data-search-exclude markdown>',
        "",
        "| Rank | Work | Title | Times cited | Reported claims | Cited by |",
        "| --: | --- | --- | --: | --: | --- |",
    ]
    for rank, (key, times, reported, citing) in enumerate(ranking, start=1):
        title = site.kb.sources[key].title if key in site.kb.sources else ""
        by = ", ".join(source_link(site, here, k) for k in citing)
        lines.append(f"| {rank} | {table_cell(source_link(site, here, key))} | {md_cell(title)} | {times} | {reported} | {table_cell(by)} |")
    lines += ["", "</div>", ""]
    empty = sorted((c for c in site.kb.concepts.values() if not site.evidence.get(c.id)), key=lambda c: c.label.lower())
    lines += [f"## Concepts without evidence ({len(empty)})", ""]
    if empty:
        lines += ['<div data-search-exclude markdown>', ""]
        lines += [f"- {concept_link(site, here, c.id)}" for c in empty]
        lines += ["", "</div>", ""]
    else:
        lines += ["Every concept has at least one claim.", ""]
    return "\n".join(lines)

