"""Overview pages: the evidence map (:mod:`.evidence_map`) and the gaps page (works cited but not
yet annotated, most cited first; empirical studies without an appraisal; concepts without
evidence).

Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown).
"""

from __future__ import annotations

from .common import (
    EVIDENCE_MAP_PAGE,
    GAPS_PAGE,
    GeneratedPage,
    SiteData,
    concept_link,
    rel,
    source_link,
    table_cell,
)
from .evidence_map import evidence_map
from .safe import md_cell


def overview_pages(site: SiteData) -> list[GeneratedPage]:
    return [GeneratedPage(EVIDENCE_MAP_PAGE, evidence_map(site)), GeneratedPage(GAPS_PAGE, gaps_page(site))]


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
    unappraised = [n for n in site.kb.notes.values() if n.kind == "empirical" and n.appraisal is None]
    lines += [f"## Empirical studies without an appraisal ({len(unappraised)})", ""]
    if unappraised:
        lines += ["How each sample was chosen, what its data are and what its limits are is not yet written down "
                  "(see the codebook's *Appraisal of an empirical study*).", "", '<div data-search-exclude markdown>', ""]
        lines += [f"- {source_link(site, here, n.key)}" for n in sorted(unappraised, key=lambda n: (site.label(n.key).lower(), n.key))]
        lines += ["", "</div>", ""]
    else:
        lines += ["Every empirical study has an appraisal.", ""]
    empty = sorted((c for c in site.kb.concepts.values() if not any(link.stance for _, link in site.evidence.get(c.id, ()))), key=lambda c: c.label.lower())
    lines += [f"## Concepts without evidence ({len(empty)})", ""]
    if empty:
        lines += ['<div data-search-exclude markdown>', ""]
        lines += [f"- {concept_link(site, here, c.id)}" for c in empty]
        lines += ["", "</div>", ""]
    else:
        lines += ["Every concept has at least one claim.", ""]
    return "\n".join(lines)

