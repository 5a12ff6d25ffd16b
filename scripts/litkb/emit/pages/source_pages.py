"""Source pages: the sortable list of works and one page per work: its reference, a first screen
saying what the work is and what it is cited for, then the sections of :mod:`.source_sections`.

Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial

from ...core import urls
from ...core.model import Claim, Note, Source
from ...core.vocabulary import STANCES
from .common import (
    GAPS_PAGE,
    SOURCES_INDEX,
    Deferred,
    GeneratedPage,
    SiteData,
    md_link,
    rel,
    rendered_now_or_later,
)
from .html import anchor_link, concept_html, marked, page_link, source_html, table, text_html
from .question_pages import source_questions_section
from .references import STYLES, References, plain_reference, year_of_label
from .safe import defuse_search_marker, html_text, md_text
from .source_sections import (
    appraisal_section,
    bibtex_section,
    citations_section,
    claims_section,
    provenance_section,
    reported_by_others,
    reported_section,
    section_groups,
)


def source_pages(site: SiteData, references: References | None, only: Collection[str] | None = None,
                 deferred: Deferred | None = None) -> list[GeneratedPage]:
    """The sources index and one page per work (of the works in ``only``, when given);
    ``references``: the formatted references of every work
    (:class:`~.references.ReferenceFormatter`), or None for the plain fallback; with
    ``deferred``, the works' pages are left empty and their renderers kept there."""
    pages = [GeneratedPage(SOURCES_INDEX, sources_index(site))]
    for source in site.kb.sources.values():
        if only is not None and source.key not in only:
            continue
        note = site.kb.notes.get(source.key)
        path = urls.source_path(source.key)
        pages.append(GeneratedPage(path, rendered_now_or_later(deferred, path, partial(source_page, site, source, references)), note.path if note else None))
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
        '<div class="kb-sortable" data-search-exclude="data-search-exclude">',
    ]
    rows = []
    for source in sorted(kb.sources.values(), key=lambda s: (site.label(s.key).lower(), s.key)):
        note = kb.notes.get(source.key)
        claims = len(note.claims) + len(note.reported) if note else 0
        rows.append([
            page_link(site.label(source.key), here, urls.source_path(source.key)),
            text_html(source.title),
            text_html(source.year),
            text_html(source.entry_type),
            text_html(source.verification),
            "yes" if note else "no",
            str(claims),
            str(len(kb.cited_by.get(source.key, ()))),
        ])
    lines += marked([lines.pop(), *table(["Work", "Title", "Year", "Type", "Metadata", "Note", "Claims", "Cited by"], rows), "</div>"])
    return "\n".join([*lines, ""])


# -- one source -----------------------------------------------------------------------------------
def source_page(site: SiteData, source: Source, references: References | None) -> str:
    """The first screen says what the work is and what it is cited for; then its summary,
    appraisal, claims by section, reported claims by work, reports by others, citations,
    metadata and BibTeX."""
    here = urls.source_path(source.key)
    note = site.kb.notes.get(source.key)
    lines = [f"# {md_text(source.title or source.key)}", ""]
    authors = ", ".join(md_link(p.display, here, urls.author_path(p.id)) for p in source.creators)
    editors = " (eds.)" if not source.authors and source.editors else ""
    lines += [f"**{md_text(site.label(source.key))}** · {md_text(source.entry_type)} · {authors}{editors}", ""]
    lines += [reference_markdown(site, source, references), ""]
    lines += source_glance(site, source, note, here)
    if note is not None:
        lines += ["## Summary", "", md_text(note.summary), ""]
        if note.appraisal is None and (note.setting.sample or note.setting.response_rate):
            sample = " · ".join(f"{name}: {md_text(value, line_start=False)}" for name, value in (("Sample", note.setting.sample), ("Response rate", note.setting.response_rate)) if value)
            lines += [f'<p class="kb-sample" markdown>{sample}</p>', ""]
        if note.appraisal is not None:
            lines += appraisal_section(note, note.appraisal)
        lines += _quote_status(site, note, here)
        lines += claims_section(site, note, here)
        lines += reported_section(site, note, here)
    else:
        lines += [
            "## Note",
            "",
            f"No note on this work yet. Write one with `kb new source {source.key}` "
            f"(see [Contributing]({rel(here, 'contributing.md')})).",
            "",
        ]
    lines += reported_by_others(site, source, here)
    lines += source_questions_section(site, source.key, here)
    lines += citations_section(site, source, note, here)
    lines += provenance_section(source)
    lines += bibtex_section(source)
    return "\n".join(lines)


def source_glance(site: SiteData, source: Source, note: Note | None, here: str) -> list[str]:
    """What the work is (kind, design, setting, sample, appraisal), what it is cited for (the
    library's note on why it is cited, the concepts other works report it on, the concepts of its
    own claims), the same study, its metadata status and its size, as a definition list."""
    facts: list[tuple[str, str]] = []
    if note is not None:
        design = ", ".join(d.replace("-", " ") for d in note.design)
        setting = " · ".join(part for part in (", ".join(note.setting.country), ", ".join(note.setting.sector)) if part)
        what = " · ".join(text_html(part) for part in (note.kind, design, setting) if part)
        if note.setting.sample:
            what += f" · sample: {text_html(brief(note.setting.sample))}"
        if note.setting.response_rate:
            what += f" · response rate: {text_html(note.setting.response_rate)}"
        facts.append(("The work", what or "not described yet"))
        facts.append(("Appraisal", _appraisal_brief(site, note, here)))
    cited_for = source.fields.get("cited_context", "")
    if cited_for:
        facts.append(("Cited for", text_html(cited_for)))
    reported = _reported_on(site, source.key, here)
    if reported:
        facts.append(("Reported on", reported))
    own = _concept_overview(site, note, here) if note is not None else ""
    if own:
        facts.append(("Its claims bear on", own))
    questions = _questions_citing(site, source.key, here)
    if questions:
        facts.append(("In questions", questions))
    same = [k for k in site.studies.members(site.studies.of_work(source.key)) if k != source.key]
    if same:
        facts.append(("Same study", ", ".join(source_html(site, here, k) for k in same)
                      + f" {'reports' if len(same) == 1 else 'report'} the same study; the evidence of both counts as one study"))
    facts.append(("Metadata", f'<span class="kb-verification kb-verification-{html_text(source.verification)}">{html_text(source.verification)}</span> '
                              f"({anchor_link('how it was checked', 'metadata')})"))
    facts.append(("In numbers", _numbers(site, source, note)))
    # Written as HTML (:mod:`.html`): every value is HTML already.
    lines = ['<div class="kb-glance kb-source-glance" data-search-exclude="data-search-exclude">', '<dl class="kb-facts-grid">']
    for name, value in facts:
        lines += [f"<dt>{name}</dt>", f"<dd>{value}</dd>"]
    return [*marked([*lines, "</dl>", "</div>"]), ""]


# Questions named in a source's first screen; more are counted, with a link to the full list.
QUESTIONS_SHOWN = 3


def _questions_citing(site: SiteData, key: str, here: str) -> str:
    """The question pages citing the work, or another work's report about it, each linked ("" when
    none); where in each is said under "Cited in questions" below, whose heading's id (its text,
    slugified by the theme) the link after the first few names."""
    ids = sorted(dict.fromkeys([qid for qid, _ in site.questions.by_work.get(key, ())] + [qid for qid, _, _ in site.questions.reported.get(key, ())]))
    links = [page_link(site.kb.questions[qid].question, here, urls.question_path(qid)) for qid in ids[:QUESTIONS_SHOWN]]
    if len(ids) > QUESTIONS_SHOWN:
        links.append(f"and {len(ids) - QUESTIONS_SHOWN} more ({anchor_link(f'all {len(ids)}, with where they cite it', f'cited-in-questions-{len(ids)}')})")
    return "<br>".join(links)


# Characters of a long field (a sample, a sampling) shown in the first screen; the whole text is
# in the sections below.
BRIEF = 110


def brief(text: str, limit: int = BRIEF) -> str:
    """The first ``limit`` characters of ``text`` cut at a word, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:(") + "…"


def status_text(status: str) -> str:
    """"journal article" for journal-article; "pre-print" keeps its hyphen."""
    return status if status == "pre-print" else status.replace("-", " ")


def _appraisal_brief(site: SiteData, note: Note, here: str) -> str:
    appraisal = note.appraisal
    if appraisal is None:
        if note.kind == "empirical":
            return f"not written yet (see {page_link('Gaps', here, GAPS_PAGE)})"
        return f"none ({text_html(note.kind) or 'kind not given'}: appraisals are written for empirical studies)"
    parts = []
    if appraisal.sampling:
        parts.append(text_html(brief(appraisal.sampling)))
    kinds = list(dict.fromkeys(d.kind for d in appraisal.data_sources))
    if kinds:
        parts.append("data: " + ", ".join(html_text(k) for k in kinds))
    if appraisal.publication_status:
        parts.append(html_text(status_text(appraisal.publication_status)))
    limits = len(appraisal.stated_limitations) + len(appraisal.reader_limitations)
    if limits:
        parts.append(f"{limits} {'limitation' if limits == 1 else 'limitations'}")
    return " · ".join(parts) + f" ({anchor_link('the appraisal', 'appraisal')})"


def _reported_on(site: SiteData, key: str, here: str) -> str:
    """"Torrance (2013a): 3 claims, on Hybrid leadership (defines), ..." — what other notes cite the work for."""
    claims = site.reported_about.get(key, ())
    if not claims:
        return ""
    by: dict[str, list[Claim]] = {}
    for claim in claims:
        by.setdefault(claim.note_key, []).append(claim)
    parts = []
    for reporter in sorted(by, key=lambda k: (site.label(k).lower(), k)):
        found = by[reporter]
        concepts: dict[str, dict[str, None]] = {}
        for claim in found:
            for link in claim.concepts:
                if link.stance and link.concept in site.kb.concepts:
                    concepts.setdefault(link.concept, {})[link.stance] = None
        shown = sorted(concepts, key=lambda c: site.kb.concepts[c].label.lower())
        on = ", ".join(f"{concept_html(site, here, c)} ({', '.join(concepts[c])})" for c in shown[:MAX_CONCEPTS_SHOWN])
        more = f" and {len(shown) - MAX_CONCEPTS_SHOWN} more" if len(shown) > MAX_CONCEPTS_SHOWN else ""
        parts.append(f"by {source_html(site, here, reporter)}: {len(found)} {'claim' if len(found) == 1 else 'claims'}" + (f", on {on}{more}" if on else ""))
    return "; ".join(parts)


def _numbers(site: SiteData, source: Source, note: Note | None) -> str:
    parts = []
    if note is not None:
        sections = len(section_groups(note.claims))
        parts.append(f"{len(note.claims)} {'claim' if len(note.claims) == 1 else 'claims'}" + (f" in {sections} parts" if sections > 1 else ""))
        if note.reported:
            works = len({k for c in note.reported for k in c.works})
            parts.append(f"{len(note.reported)} reported about {works} {'work' if works == 1 else 'works'}")
        parts.append(f"cites {len(note.cites)}")
    cited = len(site.kb.cited_by.get(source.key, ()))
    parts.append(f"cited or reported on by {cited} {'note' if cited == 1 else 'notes'}")
    return " · ".join(parts)


# Concepts listed in a line of the first screen; the rest are in the sections below.
MAX_CONCEPTS_SHOWN = 8


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
    """"Catch-22 (1 defines), Distributed leadership (2 qualifies, 1 contests)" for the note's own
    claims, the concepts with most claims first (at most MAX_CONCEPTS_SHOWN)."""
    counts: dict[str, dict[str, int]] = {}
    for claim in note.claims:
        for link in claim.concepts:
            if not link.stance:  # a method claim: no stance, not counted
                continue
            stances = counts.setdefault(link.concept, dict.fromkeys(STANCES, 0))
            stances[link.stance] = stances.get(link.stance, 0) + 1
    order = sorted(counts, key=lambda c: (-sum(counts[c].values()), site.kb.concepts[c].label.lower() if c in site.kb.concepts else c))
    parts = []
    for cid in order[:MAX_CONCEPTS_SHOWN]:
        detail = ", ".join(f"{n} {stance}" for stance, n in counts[cid].items() if n)
        parts.append(f"{concept_html(site, here, cid)} ({detail})")
    more = f" and {len(order) - MAX_CONCEPTS_SHOWN} more" if len(order) > MAX_CONCEPTS_SHOWN else ""
    return ", ".join(parts) + more
