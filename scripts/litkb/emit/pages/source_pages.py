"""Source pages: the sortable list of works and one page per work (citation, provenance of its
metadata, summary, claims with anchors, reported claims, cites / cited by, BibTeX to copy).

Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown).
"""

from __future__ import annotations

from ...core import urls
from ...core.model import Appraisal, Claim, Note, Source
from ...core.vocabulary import STANCES
from ..cited import cited_note
from .common import (
    GAPS_PAGE,
    SOURCES_INDEX,
    GeneratedPage,
    SiteData,
    concept_link,
    md_link,
    rel,
    source_link,
    table_cell,
    type_badge,
    works_links,
)
from .question_pages import source_questions_section
from .references import STYLES, References, plain_reference, year_of_label
from .safe import defuse_search_marker, fence, html_text, md_cell, md_text

VERIFICATION = {
    "verified": ("success", "Metadata verified"),
    "partial": ("warning", "Metadata partly verified"),
    "unverified": ("danger", "Metadata not verified"),
    "unknown": ("warning", "Verification status unknown"),
    "missing": ("warning", "No verification recorded"),
}


def source_pages(site: SiteData, references: References | None) -> list[GeneratedPage]:
    """The sources index and one page per work; ``references``: the formatted references of every
    work (:class:`~.references.ReferenceFormatter`), or None for the plain fallback."""
    pages = [GeneratedPage(SOURCES_INDEX, sources_index(site))]
    for source in site.kb.sources.values():
        note = site.kb.notes.get(source.key)
        pages.append(GeneratedPage(urls.source_path(source.key), source_page(site, source, references), note.path if note else None))
    return pages


def reference_markdown(site: SiteData, source: Source, references: References | None) -> str:
    """The formatted reference in the site's style with the other style in a second tab (Markdown);
    the plain fallback when no formatted references are given."""
    if references is None:
        return md_text(plain_reference(source, year_of_label(site.label(source.key)) or source.year or "n.d."))
    lines = []
    for style, by_key in references.items():
        # litkb.cite's HTML keeps the data's quotes as they are: no "data-search-" (see safe.py).
        lines += [f'=== "{STYLES.get(style, style)}"', "", f"    {defuse_search_marker(by_key[source.key])}", ""]
    return "\n".join(lines).rstrip("\n")


# -- index ------------------------------------------------------------------------------------
def sources_index(site: SiteData) -> str:
    here = SOURCES_INDEX
    kb = site.kb
    lines = [
        "# Sources",
        "",
        f"{len(kb.sources)} works in the library, {len(kb.notes)} of them with an annotated note. "
        f"Click a column heading to sort. Works cited but not yet annotated are listed under [Gaps]({rel(here, GAPS_PAGE)}).",
        "",
        '<div class="kb-sortable" data-search-exclude markdown>',
        "",
        "| Work | Title | Year | Type | Metadata | Note | Claims | Cited by |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for source in sorted(kb.sources.values(), key=lambda s: (site.label(s.key).lower(), s.key)):
        note = kb.notes.get(source.key)
        claims = len(note.claims) + len(note.reported) if note else 0
        cells = [
            table_cell(md_link(site.label(source.key), here, urls.source_path(source.key))),
            md_cell(source.title),
            md_cell(source.year),
            md_cell(source.entry_type),
            md_cell(source.verification),
            "yes" if note else "no",
            str(claims),
            str(len(kb.cited_by.get(source.key, ()))),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "</div>", ""]
    return "\n".join(lines)


# -- one source -----------------------------------------------------------------------------------
def source_page(site: SiteData, source: Source, references: References | None) -> str:
    here = urls.source_path(source.key)
    note = site.kb.notes.get(source.key)
    lines = [f"# {md_text(source.title or source.key)}", ""]
    authors = ", ".join(md_link(p.display, here, urls.author_path(p.id)) for p in source.creators)
    editors = " (eds.)" if not source.authors and source.editors else ""
    lines += [f"**{md_text(site.label(source.key))}** · {md_text(source.entry_type)} · {authors}{editors}", ""]
    lines += [reference_markdown(site, source, references), ""]
    lines += _provenance(source)
    lines += _same_study(site, source, here)
    if note is not None:
        lines += _note_sections(site, note, here)
    else:
        lines += [
            "## Note",
            "",
            f"No note on this work yet. Write one with `kb new source {source.key}` "
            f"(see [Contributing]({rel(here, 'contributing.md')})).",
            "",
        ]
    lines += _reported_by_others(site, source, here)
    lines += source_questions_section(site, source.key, here)
    lines += _citations(site, source, note, here)
    lines += ["## BibTeX", "", '<div class="kb-bibtex" data-search-exclude markdown>', "", fence(source.raw_bibtex, "bibtex"), "", "</div>", ""]
    return "\n".join(lines)


def _provenance(source: Source) -> list[str]:
    """How the metadata was checked, with what is unconfirmed or in doubt: never hidden."""
    # An unknown status is an error of kb check, but kb serve still shows the page: the title of an
    # admonition is Markdown too, so the status goes through md_text like any other value.
    kind, title = VERIFICATION.get(source.verification, ("warning", f"Verification: {md_text(source.verification, line_start=False)}"))
    lines = [f'!!! {kind} "{title}"', ""]
    fields = source.fields
    rows = [("Status", source.verification)]
    for name, shown in (("verification_note", "How checked"), ("unconfirmed", "Unconfirmed fields"), ("doubt", "Doubt"), ("cited_context", "Cited for")):
        if fields.get(name):
            rows.append((shown, fields[name]))
    for shown, value in rows:
        lines += [f"    **{shown}:** {md_text(value)}", ""]
    return ['<div class="kb-provenance" data-search-exclude markdown>', "", *lines, "</div>", ""]


def _same_study(site: SiteData, source: Source, here: str) -> list[str]:
    """Which other works report the same study as this one (a relation from either note)."""
    others = [k for k in site.studies.members(site.studies.of_work(source.key)) if k != source.key]
    if not others:
        return []
    links = ", ".join(source_link(site, here, k) for k in others)
    return [f'<p class="kb-same-study" markdown>**Same study:** {links} {"reports" if len(others) == 1 else "report"} the same study as this work; '
            "the evidence of both counts as one study.</p>", ""]


def _note_sections(site: SiteData, note: Note, here: str) -> list[str]:
    lines = ["## Summary", "", md_text(note.summary), ""]
    setting = "; ".join(part for part in (", ".join(note.setting.country), ", ".join(note.setting.sector)) if part)
    design = ", ".join(d.replace("-", " ") for d in note.design)
    facts = [("Kind", note.kind), ("Design", design), ("Setting", setting), ("Sample", note.setting.sample), ("Response rate", note.setting.response_rate)]
    lines += ['<div class="kb-facts" data-search-exclude markdown>', ""]
    lines += [f"- **{name}:** {md_text(value)}" for name, value in facts if value]
    concepts = _concept_overview(site, note, here)
    if concepts:
        lines.append(f"- **Concepts:** {concepts}")
    lines += ["", "</div>", ""]
    if note.appraisal is not None:
        lines += _appraisal(note.appraisal)
    lines += _quote_status(site, note, here)
    lines += [f"## Claims ({len(note.claims)})", ""]
    if not note.claims:
        lines += ["*This note records no claims of the work itself.*", ""]
    for claim in note.claims:
        lines += _claim_block(site, claim, here)
    if note.reported:
        lines += [f"## Reported claims ({len(note.reported)})", "", "What this work says about other works (secondary evidence).", ""]
        for claim in note.reported:
            lines += _claim_block(site, claim, here)
    return lines


def _quote_status(site: SiteData, note: Note, here: str) -> list[str]:
    """Whether readers can trust the quotes below to be checked: a note on the fingerprint the
    checks use, or a warning that without one they are unverified."""
    if not any(claim.quote for claim in (*note.claims, *note.reported)):
        return []
    guide = rel(here, "contributing.md")
    if note.key in site.kb.fingerprints:
        text = [f"Quotes on this page are checked by `kb verify-quotes` against a fingerprint of the work's full text ([how]({guide}#how-quotes-are-checked-without-the-full-texts))."]
    else:
        text = [
            '!!! warning "Quotes not verified"',
            "",
            "    The repository has no fingerprint of this work's full text, so nobody without the text can check",
            f"    that the quotes below are verbatim ([how to add one]({guide}#how-quotes-are-checked-without-the-full-texts)).",
        ]
    return ['<div class="kb-quote-status" data-search-exclude markdown>', "", *text, "", "</div>", ""]


def _concept_overview(site: SiteData, note: Note, here: str) -> str:
    """"Catch-22 (1 defines), Distributed leadership (2 qualifies, 1 contests)" for the note's own claims."""
    counts: dict[str, dict[str, int]] = {}
    for claim in note.claims:
        for link in claim.concepts:
            if not link.stance:  # a method claim: no stance, not counted
                continue
            stances = counts.setdefault(link.concept, dict.fromkeys(STANCES, 0))
            stances[link.stance] = stances.get(link.stance, 0) + 1
    parts = []
    for cid in sorted(counts, key=lambda c: site.kb.concepts[c].label.lower() if c in site.kb.concepts else c):
        detail = ", ".join(f"{n} {stance}" for stance, n in counts[cid].items() if n)
        parts.append(f"{concept_link(site, here, cid)} ({detail})")
    return ", ".join(parts)


def _claim_block(site: SiteData, claim: Claim, here: str) -> list[str]:
    """A claim with its anchor (= claim id, so :func:`litkb.core.urls.claim_url` lands on it)."""
    lines = [f'<div class="kb-claim" id="{html_text(claim.id)}" markdown>', ""]
    about = f"About {works_links(site, here, claim)}: " if claim.reported else ""
    lines += [f"{type_badge(claim)} {about}{md_text(claim.text)}".strip(), ""]
    if claim.quote:
        lines += [f"> {md_text(claim.quote)}", ""]
    meta = []
    if claim.locator:
        meta.append(f"*{md_text(claim.locator)}*")
    if claim.concepts:
        meta.append(", ".join(concept_link(site, here, link.concept) + (f' <span class="kb-stance kb-stance-{link.stance}">{link.stance}</span>' if link.stance else "")
                              for link in claim.concepts))
    meta.append(f"[#](#{claim.id})")
    # Locator and concept links repeat on every claim: kept out of the search index.
    lines += [f'<p class="kb-claim-meta" data-search-exclude markdown>{" · ".join(meta)}</p>', "", "</div>", ""]
    return lines


def _reported_by_others(site: SiteData, source: Source, here: str) -> list[str]:
    claims = sorted(site.reported_about.get(source.key, ()), key=lambda c: (site.label(c.note_key), c.line))
    if not claims:
        return []
    lines = [f"## Reported by other works ({len(claims)})", "", "What annotated works say about this one.", "", '<div data-search-exclude markdown>', ""]
    for claim in claims:
        quote = f" “{md_text(claim.quote)}”" if claim.quote else ""
        cited = [c for k, c in zip(claim.works, claim.cited_as, strict=False) if k == source.key]
        note = cited_note(cited[0], site.label(source.key), site.reporter(claim)) if cited else ""
        shown = f" ({html_text(note)})" if note else ""
        with_others = [k for k in claim.works if k != source.key]
        together = f" (with {', '.join(source_link(site, here, k) for k in with_others)})" if with_others else ""
        lines.append(f"- {source_link(site, here, claim.note_key, claim.id)}{shown}{together}: {type_badge(claim)} {md_text(claim.text)}{quote}")
    lines += ["", "</div>", ""]
    return lines


def _appraisal(appraisal: Appraisal) -> list[str]:
    """The appraisal of an empirical study: how far its evidence reaches."""
    lines = ["## Appraisal", "", '<div class="kb-appraisal" markdown>', ""]
    if appraisal.sampling:
        lines += [f"**Sampling:** {md_text(appraisal.sampling, line_start=False)}", ""]
    if appraisal.publication_status:
        lines += [f"**Publication status:** {md_text(appraisal.publication_status.replace('-', ' '), line_start=False)}", ""]
    if appraisal.data_sources:
        lines += ["**Data sources:**", ""]
        lines += [f"- {md_text(d.source, line_start=False)} <span class=\"kb-data-kind\">{html_text(d.kind)}</span>" for d in appraisal.data_sources]
        lines.append("")
    if appraisal.not_measured:
        lines += ["**Not measured:**", ""] + [f"- {md_text(item, line_start=False)}" for item in appraisal.not_measured] + [""]
    if appraisal.stated_limitations:
        lines += ["**Limitations the authors state:**", ""]
        for limitation in appraisal.stated_limitations:
            where = f" *({md_text(limitation.locator, line_start=False)})*" if limitation.locator else ""
            lines.append(f"- {md_text(limitation.text, line_start=False)} “{md_text(limitation.quote, line_start=False)}”{where}")
        lines.append("")
    if appraisal.reader_limitations:
        lines += ["**Limitations a reader should know:**", ""] + [f"- {md_text(item, line_start=False)}" for item in appraisal.reader_limitations] + [""]
    return lines + ["</div>", ""]


def _citations(site: SiteData, source: Source, note: Note | None, here: str) -> list[str]:
    lines: list[str] = []
    cites = note.cites if note else ()
    cited_by = site.kb.cited_by.get(source.key, ())
    for heading, keys in (("Cites", cites), ("Cited by", cited_by)):
        if not keys:
            continue
        ordered = sorted(keys, key=lambda k: (site.label(k).lower(), k))
        lines += [f"## {heading} ({len(keys)})", "", '<div data-search-exclude markdown>', ""]
        lines += [f"- {source_link(site, here, key)}" + (f" — {md_text(site.kb.sources[key].title)}" if key in site.kb.sources else "") for key in ordered]
        lines += ["", "</div>", ""]
    return lines
