"""Evidence as cards: claims grouped by study (concept pages) or by section and reported work
(source pages), each claim with its paraphrase, quote and locator at full width, in collapsible
blocks (pymdownx.details) that are open when short.

Input: :class:`~litkb.emit.pages.common.SiteData` and claims. Output: lines of HTML blocks (cards
and the blocks holding only cards are written as HTML, :mod:`.html`: Markdown need not parse them).
The studies and their facets are :mod:`litkb.emit.evidence`'s (nothing is counted here).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...core import urls
from ...core.model import Claim
from ..cited import cited_note
from ..evidence import NOT_RECORDED
from .common import SiteData, page_href, type_badge
from .html import marked, source_html, text_html
from .safe import html_text

# A block holding at most this many claims is open when the page loads; longer ones are closed,
# with their counts in the title, one click away (a link to a claim inside opens it: kb.js).
OPEN_UP_TO = 6


def details(kind: str, title: str, body: list[str], *, open_: bool, ident: str = "", searchable: bool = True, markdown: bool = True) -> list[str]:
    """A collapsible block as Material draws pymdownx.details blocks (``<details class="kind">``
    with a ``<summary>``). ``markdown``: the body is Markdown (the block gets the ``markdown``
    attribute, so that Markdown parses it); else it is HTML (cards, :mod:`.html`) and Markdown
    passes the block through whole.
    ``title``: plain text (escaped here; kept out of the site search, where it would run into the
    text of the first claim). ``ident``: the block's id (a link to it opens it: kb.js).
    ``searchable=False``: the whole block is kept out of the site search (it holds no
    ``<details>`` of its own, so a search that ends an exclusion at the first closing tag of the
    same name keeps it out whole)."""
    attributes = f' id="{ident}"' if ident else ""
    attributes += "" if searchable else ' data-search-exclude="data-search-exclude"'
    attributes += ' open="open"' if open_ else ""
    block = [f'<details class="{kind}"{attributes}{" markdown" if markdown else ""}>',
             f'<summary data-search-exclude="data-search-exclude">{html_text(title)}</summary>', "", *body, "</details>"]
    return [*(block if markdown else marked(block)), ""]


def study_groups(site: SiteData, claims: Iterable[Claim]) -> list[tuple[tuple[str, ...], list[Claim]]]:
    """Claims grouped by their studies (a claim about several works: by all of them), the groups
    in the order of their first claim under :meth:`SiteData.sort_key` (oldest study first)."""
    groups: dict[tuple[str, ...], list[Claim]] = {}
    for claim in sorted(claims, key=site.sort_key):
        groups.setdefault(site.studies.of_claim(claim), []).append(claim)
    return list(groups.items())


def study_facts(site: SiteData, studies: tuple[str, ...]) -> str:
    """"case study, interview · Scotland · primary" for studies (their notes' design, countries and
    sectors), or "design not recorded" when no note on them records one."""
    parts = []
    for facet in ("design", "country", "sector"):
        values: dict[str, None] = {}
        for study in studies:
            values.update(dict.fromkeys(v for v in site.studies.study_facet(study, facet) if v != NOT_RECORDED))
        if values:
            parts.append(", ".join(v.replace("-", " ") for v in values))
    return " · ".join(parts) if parts else "design not recorded (no note on the study yet)"


def study_title(site: SiteData, here: str, studies: tuple[str, ...]) -> str:
    """Links to each study's works (reports of one study joined by "="), studies separated by
    commas: "MacBeath et al. (2005) = NCSL (2004)" (HTML)."""
    shown = []
    for study in studies:
        members = sorted(site.studies.members(study), key=lambda k: (site.year(k), site.label(k)))
        shown.append(" = ".join(source_html(site, here, key) for key in members))
    return ", ".join(shown)


def study_card(site: SiteData, here: str, studies: tuple[str, ...], claims: list[Claim]) -> list[str]:
    """One study: its works, design and setting once, then its claims."""
    # Plain paragraphs, styled by their place in the card (concept pages of a large library hold
    # thousands of cards: one element per claim fewer).
    lines = ['<div class="kb-study">']
    lines += [f'<p><strong class="kb-study-head">{study_title(site, here, studies)}</strong> <small class="kb-study-facts">{html_text(study_facts(site, studies))}</small></p>']
    for claim in claims:
        lines += claim_card(site, here, claim, reporter_shown=True, wrap=False, searchable=False)
    return lines + ["</div>", ""]


def claim_card(site: SiteData, here: str, claim: Claim, *, reporter_shown: bool, about_shown: bool = False, link: bool = True,
               anchor: bool = False, locator_shown: bool = True, extra: tuple[str, ...] = (), wrap: bool = True,
               searchable: bool = True) -> list[str]:
    """A claim: type and paraphrase, the quote, then one line with the locator (unless the group
    it stands in names it: ``locator_shown``), who reports it (``reporter_shown``) or what it is
    about (``about_shown``), the reporting text's own citation where it differs from the label, a
    link to the claim on its source page (``link``: on the locator, or the reporting work) and
    ``extra`` (HTML). Output: HTML lines. ``anchor``: the card
    carries the claim id (on the note's own source page, where :func:`litkb.core.urls.claim_url`
    lands). ``wrap=False``: the paragraphs alone, in the study card that holds them (one element
    fewer for Markdown to parse per claim on concept pages, which hold thousands).
    ``searchable=False``: the card stands in a block the site search skips, so its parts need no
    markers of their own (they would double a large page's size)."""
    ident = f' id="{html_text(claim.id)}"' if anchor else ""
    lines = [f'<div class="kb-card-claim"{ident}>'] if wrap else []
    end = ["</div>", ""] if wrap else []
    first = f"{type_badge(claim, searchable=searchable)} {text_html(claim.text, line_start=True)}".strip()
    if first:
        lines.append(f"<p>{first}</p>")
    if claim.quote:
        lines += ["<blockquote>", f"<p>{text_html(claim.quote, line_start=True)}</p>", "</blockquote>"]
    meta = []
    # A primary claim's locator links to the claim on its source page; a reported claim's reporter
    # does (the reporting work's page holds the claim).
    own_link = link and not (claim.reported and reporter_shown)
    target = html_text(page_href(here, urls.source_path(claim.note_key), claim.id))
    if claim.locator and locator_shown:
        locator = f"<em>{text_html(claim.locator)}</em>"
        meta.append(f'<a href="{target}">{locator}</a>' if own_link else locator)
    elif own_link:
        meta.append(f'<a href="{target}">on its source page</a>')
    if claim.reported and about_shown:
        meta.append("about " + ", ".join(source_html(site, here, key) for key in claim.works))
    if claim.reported and reporter_shown:
        meta.append(f"as reported by {source_html(site, here, claim.note_key, claim.id if link else '')}")
    if claim.reported:
        notes = [cited_note(printed, site.label(key), site.reporter(claim)) for key, printed in zip(claim.works, claim.cited_as, strict=False)]
        meta += [f'<span class="kb-cited-as">{html_text(note)}</span>' for note in notes if note]
    meta += extra
    if not meta:
        return lines + end
    # Locator, reporter and links repeat on every claim: kept out of the search index.
    marker = ' data-search-exclude="data-search-exclude"' if searchable else ""
    return [*lines, f'<p><small class="kb-claim-meta"{marker}>{" · ".join(meta)}</small></p>', *end]
