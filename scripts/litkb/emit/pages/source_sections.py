"""The sections of a source page below its first screen: the appraisal, the claims by section of
the work, the reported claims by the work they are about, what other works report about it,
what it cites and what cites it, the provenance of its metadata and its BibTeX.

Input: :class:`~litkb.emit.pages.common.SiteData`, a source and its note. Output: Markdown lines
(claims and lists of works as HTML blocks, :mod:`.html`).
Long groups stand in closed blocks (:func:`~.evidence_cards.details`); every claim keeps its id as
the anchor :func:`litkb.core.urls.claim_url` points at.
"""

from __future__ import annotations

from ...core.model import Appraisal, Claim, Note, Source
from .common import SiteData
from .evidence_cards import OPEN_UP_TO, claim_card, details
from .html import anchor_link, bibtex_html, bullet_list, concept_html, marked, source_html, text_html
from .safe import html_text, md_text

# A list of works (cites, cited by) longer than this is closed.
OPEN_LIST_UP_TO = 12
SECTION_PREFIX = "section:"
VERIFICATION = {
    "verified": ("success", "Metadata verified"),
    "partial": ("warning", "Metadata partly verified"),
    "unverified": ("danger", "Metadata not verified"),
    "unknown": ("warning", "Verification status unknown"),
    "missing": ("warning", "No verification recorded"),
}


def section_groups(claims: tuple[Claim, ...]) -> list[tuple[str, list[Claim]]]:
    """Claims by the section of the work they come from (a locator "section: X"), in the order
    the sections first appear in the note; claims located by page or not at all form one group."""
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        locator = claim.locator.strip()
        key = locator[len(SECTION_PREFIX):].strip() if locator.lower().startswith(SECTION_PREFIX) else ""
        groups.setdefault(key, []).append(claim)
    return list(groups.items())


def _stance_chips(site: SiteData, here: str, claim: Claim) -> str:
    return ", ".join(concept_html(site, here, link.concept) + (f' <span class="kb-stance kb-stance-{link.stance}">{link.stance}</span>' if link.stance else "")
                     for link in claim.concepts)


def _source_card(site: SiteData, here: str, claim: Claim, *, locator_shown: bool = True) -> list[str]:
    """A claim on its own note's page: the card with its id, the concepts it bears on with their
    stances, and a link to itself."""
    chips = _stance_chips(site, here, claim)
    return claim_card(site, here, claim, reporter_shown=False, link=False, anchor=True, locator_shown=locator_shown,
                      extra=(*((chips,) if chips else ()), anchor_link("#", claim.id)))


def claims_section(site: SiteData, note: Note, here: str) -> list[str]:
    """"## Claims": by section, each section a block open when short."""
    lines = [f"## Claims ({len(note.claims)})", ""]
    if not note.claims:
        return lines + ["*This note records no claims of the work itself.*", ""]
    groups = section_groups(note.claims)
    if len(groups) > 1:
        lines += [f"In {len(groups)} parts of the work; parts with more than {OPEN_UP_TO} claims are closed: click to open.", ""]
    for section, claims in groups:
        title = section or ("Located by page" if any(c.locator for c in claims) else "Without a locator")
        body: list[str] = []
        for claim in claims:
            body += _source_card(site, here, claim, locator_shown=not section)
        lines += details("kb-sec kb-sec-section", f"{title} · {len(claims)} {'claim' if len(claims) == 1 else 'claims'}", body,
                         open_=len(claims) <= OPEN_UP_TO or len(groups) == 1, markdown=False)
    return lines


def reported_section(site: SiteData, note: Note, here: str) -> list[str]:
    """"## Reported claims": what the work says about other works, grouped by those works."""
    if not note.reported:
        return []
    groups: dict[tuple[str, ...], list[Claim]] = {}
    for claim in sorted(note.reported, key=lambda c: ([site.label(k).lower() for k in c.works], c.line)):
        groups.setdefault(claim.works, []).append(claim)
    lines = [f"## Reported claims ({len(note.reported)})", "",
             "What this work says about other works (secondary evidence), by the work it is about; the quote is this work's words.", ""]
    body: list[str] = []
    for works, claims in groups.items():
        about = ", ".join(source_html(site, here, key) for key in works)
        body += [f'<p class="kb-group-head">About {about} · {len(claims)} {"claim" if len(claims) == 1 else "claims"}</p>']
        for claim in claims:
            body += _source_card(site, here, claim)
    title = f"{len(note.reported)} reported {'claim' if len(note.reported) == 1 else 'claims'} about {len(groups)} {'work' if len(groups) == 1 else 'works'}"
    return lines + details("kb-sec kb-sec-more", title, body, open_=len(note.reported) <= OPEN_UP_TO, markdown=False)


def reported_by_others(site: SiteData, source: Source, here: str) -> list[str]:
    """"## Reported by other works": other notes' claims about this work, by reporting work."""
    claims = sorted(site.reported_about.get(source.key, ()), key=lambda c: (site.label(c.note_key), c.line))
    if not claims:
        return []
    lines = [f"## Reported by other works ({len(claims)})", "", "What annotated works say about this one.", ""]
    # A <section>: Material's search would stop excluding an outer <div> at the first inner </div>.
    body: list[str] = ['<section data-search-exclude="data-search-exclude">']
    reporters: dict[str, list[Claim]] = {}
    for claim in claims:
        reporters.setdefault(claim.note_key, []).append(claim)
    for reporter, found in reporters.items():
        body += [f'<p class="kb-group-head">By {source_html(site, here, reporter)} · {len(found)} {"claim" if len(found) == 1 else "claims"}</p>']
        for claim in found:
            others = [k for k in claim.works if k != source.key]
            card = claim_card(site, here, claim, reporter_shown=True)
            if others:
                card[-2:-2] = [f'<p><small class="kb-claim-meta">together with {", ".join(source_html(site, here, k) for k in others)}</small></p>']
            body += card
    body += ["</section>", ""]
    return lines + details("kb-sec kb-sec-more", f"{len(claims)} {'claim' if len(claims) == 1 else 'claims'} by {len(reporters)} "
                           f"{'work' if len(reporters) == 1 else 'works'}", body, open_=len(claims) <= OPEN_UP_TO, markdown=False)


def appraisal_section(note: Note, appraisal: Appraisal) -> list[str]:
    """The appraisal of an empirical study: how far its evidence reaches (with the note's sample
    and response rate, which the first screen shortens)."""
    lines = ["## Appraisal", "", '<div class="kb-appraisal" markdown>', ""]
    if note.setting.sample:
        lines += [f"**Sample:** {md_text(note.setting.sample, line_start=False)}", ""]
    if note.setting.response_rate:
        lines += [f"**Response rate:** {md_text(note.setting.response_rate, line_start=False)}", ""]
    if appraisal.sampling:
        lines += [f"**Sampling:** {md_text(appraisal.sampling, line_start=False)}", ""]
    if appraisal.publication_status:
        status = appraisal.publication_status
        lines += [f"**Publication status:** {md_text(status if status == 'pre-print' else status.replace('-', ' '), line_start=False)}", ""]
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


def citations_section(site: SiteData, source: Source, note: Note | None, here: str) -> list[str]:
    """"## Cites" and "## Cited by": lists of works, closed when long."""
    lines: list[str] = []
    cites = note.cites if note else ()
    cited_by = site.kb.cited_by.get(source.key, ())
    for heading, keys in (("Cites", cites), ("Cited by", cited_by)):
        if not keys:
            continue
        ordered = sorted(keys, key=lambda k: (site.label(k).lower(), k))
        entries = [source_html(site, here, key) + (f" — {text_html(site.kb.sources[key].title)}" if key in site.kb.sources else "") for key in ordered]
        block = ['<div data-search-exclude="data-search-exclude">', *bullet_list(entries), "</div>"]
        lines += [f"## {heading} ({len(keys)})", ""]
        if len(keys) > OPEN_LIST_UP_TO:
            lines += details("kb-sec kb-sec-more", f"{len(keys)} works", [*block, ""], open_=False, markdown=False)
        else:
            lines += [*marked(block), ""]  # set aside while Markdown converts the page (html.set_aside)
    return lines


def provenance_section(source: Source) -> list[str]:
    """How the metadata was checked, with what is unconfirmed or in doubt: closed when verified,
    open otherwise (never hidden: the status is also in the first screen)."""
    # An unknown status is an error of kb check, but kb serve still shows the page: the title of an
    # admonition is Markdown too, so the status goes through md_text like any other value.
    kind, title = VERIFICATION.get(source.verification, ("warning", f"Verification: {md_text(source.verification, line_start=False)}"))
    marker = "???" if source.verification == "verified" else "???+"
    lines = [f'{marker} {kind} "{title}"', ""]
    fields = source.fields
    rows = [("Status", source.verification)]
    for name, shown in (("verification_note", "How checked"), ("unconfirmed", "Unconfirmed fields"), ("doubt", "Doubt"), ("cited_context", "Cited for")):
        if fields.get(name):
            rows.append((shown, fields[name]))
    for shown, value in rows:
        lines += [f"    **{shown}:** {md_text(value)}", ""]
    return ["## Metadata", "", '<div class="kb-provenance" data-search-exclude markdown>', "", *lines, "</div>", ""]


def bibtex_section(source: Source) -> list[str]:
    # HTML, not a fence: html.bibtex_html says why.
    body = ['<div class="kb-bibtex" data-search-exclude="data-search-exclude">', bibtex_html(source.raw_bibtex), "</div>"]
    return details("kb-sec kb-sec-more", "BibTeX entry (to copy)", body, open_=False, markdown=False)
