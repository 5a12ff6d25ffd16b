"""The text of a question page: the contributors' blocks as safe Markdown, with their citations as
author-year labels linked to the works, and each claim citation opening its quote in place.

Input: :class:`~.common.SiteData` and a :class:`~litkb.core.model.Question`. Output: Markdown lines.
Every piece of the contributors' text goes through :func:`~.safe.md_text` (so it renders but never
runs); labels come from :mod:`litkb.emit.labels` (the same "Gronn (2009b)" as on every page).

How a claim opens in place: Material's *annotations*, a built-in of the theme. A block holding
claim citations is a ``<div class="annotate">``; each claim citation is followed by a marker
``(n)``, and the block by an ordered list whose item n holds the claim's verbatim quote, locator and
source. Material turns each marker into a small button that opens item n as a tooltip beside the
text, by click or tap (so on phones too) and by keyboard, and keeps the list for print; without
JavaScript the list stays visible under the block. Footnote tooltips were the other candidate: they
open on hover only, and a tap on a phone jumps to the end of the page instead. No script of our own
is needed and nothing is fetched.

Material reads any ``(digits)`` in the block's text as a marker when a list item of that number
exists, so such text in the contributors' prose gets an invisible word joiner after the "(".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...core import urls
from ...core.model import Citation, CitedItem, Claim, Question, TextBlock
from ..labels import narrative_label, parenthetical_labels, year_only
from ..questions import anchor_of, cited_claim
from .common import SiteData, evidence_source, md_link, type_badge
from .safe import md_text

_MARKER_LIKE = re.compile(r"\((\d+)\)")
_WORD_JOINER = "\u2060"
# Emphasis at the start of a block ("**In short.**"), which is not a list marker and must stay emphasis.
_EMPHASIS_START = re.compile(r"^(?:\*{1,3}|_{1,3})[^\s*_]")


@dataclass
class _Notes:
    """The claims cited in one block, in order: item n of the block's annotation list; and the
    parenthetical forms of the question's works ("Gronn, 2009b")."""

    forms: dict[str, str]
    claims: list[Claim] = field(default_factory=list)

    def marker(self, claim: Claim) -> str:
        self.claims.append(claim)
        return f"({len(self.claims)})"


def block_groups(question: Question) -> list[tuple[int, tuple[TextBlock, ...]]]:
    """The blocks as the page shows them: a heading or a paragraph alone, consecutive list items
    of one kind (bulleted or numbered) together; with the index of the first block of each."""
    groups: list[tuple[int, tuple[TextBlock, ...]]] = []
    for index, block in enumerate(question.blocks):
        if groups and block.kind == "item":
            start, previous = groups[-1]
            if previous[-1].kind == "item" and previous[-1].ordered == block.ordered:
                groups[-1] = (start, (*previous, block))
                continue
        groups.append((index, (block,)))
    return groups


def render_body(site: SiteData, question: Question, here: str) -> list[str]:
    """The question's text: headings, then each paragraph or list in a ``div`` whose id is its
    anchor (:func:`~litkb.emit.questions.anchor_of`), followed by its annotation list."""
    lines: list[str] = []
    forms = parenthetical_labels(site.kb, (item.key for item in question.items), site.style, site.citations)
    for start, blocks in block_groups(question):
        first = blocks[0]
        if first.kind == "heading":
            lines += [f"{'#' * first.level} {md_text(first.text, line_start=False)}", ""]
            continue
        notes = _Notes(forms)
        annotated = any(item.claim for block in blocks for item in block.items)
        texts = [render_text(site, block, here, notes, defuse=annotated) for block in blocks]
        if first.kind == "item":
            texts = [("1. " if block.ordered else "- ") + text for block, text in zip(blocks, texts, strict=True)]
        classes = "kb-q-block annotate" if notes.claims else "kb-q-block"
        lines += [f'<div class="{classes}" id="{anchor_of(question, start)}" markdown>', "", *texts, "", "</div>", ""]
        lines += annotation_list(site, notes.claims, here)
    return lines


def render_text(site: SiteData, block: TextBlock, here: str, notes: _Notes, *, defuse: bool) -> str:
    """One block's text as one line of safe Markdown with its citations rendered."""
    out: list[str] = []
    pos = 0
    for citation in block.citations:
        out.append(_prose(block.text[pos : citation.start], first=pos == 0, defuse=defuse))
        out.append(_citation(site, citation, here, notes))
        pos = citation.end
    out.append(_prose(block.text[pos:], first=pos == 0, defuse=defuse))
    return "".join(out).strip()


def _prose(raw: str, *, first: bool, defuse: bool) -> str:
    """A run of the contributors' text between citations, keeping the spaces at its ends."""
    if not raw.strip():
        return " " if raw else ""
    lead = " " if raw[0].isspace() else ""
    trail = " " if raw[-1].isspace() else ""
    if defuse and "(" in raw:
        raw = _MARKER_LIKE.sub(lambda m: f"({_WORD_JOINER}{m.group(1)})", raw)
    line_start = first and not _EMPHASIS_START.match(raw)
    return lead + md_text(raw, line_start=line_start) + trail


def _work(site: SiteData, key: str, text: str, here: str) -> str:
    """``text`` (a citation form of the work's label) linked to the work's page."""
    if key not in site.kb.sources:
        return md_text(text, line_start=False)
    return md_link(text, here, urls.source_path(key))


def _with_markers(site: SiteData, cited: str, items: list[CitedItem], notes: _Notes) -> str:
    """``cited`` (a label, with its locator) followed by a marker per claim among ``items``; the
    last word and the markers kept on one line (the theme's buttons are otherwise a place where a
    line may break, leaving a button alone at the start of the next one)."""
    claims = [claim for claim in (cited_claim(site.kb, item) for item in items) if claim is not None]
    if not claims:
        return cited
    return f'<span class="kb-cite">{cited}\u00a0{" ".join(notes.marker(claim) for claim in claims)}</span>'


def _citation(site: SiteData, citation: Citation, here: str, notes: _Notes) -> str:
    """"[Torrance (2013a)](...)" (narrative: the label) or "(see [Gronn, 2009b](...), p. 17; ...)"
    (the style's parenthetical form), with a marker after each claim citation."""
    if citation.narrative:
        item = citation.items[0]
        text = narrative_label(site.label(item.key), item.locator)
        return _with_markers(site, _work(site, item.key, text, here), [item], notes)
    parts = []
    for group in _groups(citation.items):
        head = group[0]
        label = site.label(head.key)
        text = year_only(label) if head.suppress_author else notes.forms.get(head.key, label)
        prefix = f"{md_text(head.prefix, line_start=False)} " if head.prefix else ""
        locator = f", {md_text(head.locator, line_start=False)}" if head.locator else ""
        parts.append(prefix + _with_markers(site, _work(site, head.key, text, here) + locator, group, notes))
    return "(" + "; ".join(parts) + ")"


def _groups(items: tuple[CitedItem, ...]) -> list[list[CitedItem]]:
    """Items of one bracketed citation, consecutive claims of one work together ("Torrance,
    2013a" once, with a marker per claim); an item with its own prefix or locator stands alone."""
    groups: list[list[CitedItem]] = []
    for item in items:
        if groups:
            head = groups[-1][0]
            alone = item.prefix or item.locator or head.locator
            if not alone and item.key == head.key and item.suppress_author == head.suppress_author:
                groups[-1].append(item)
                continue
        groups.append([item])
    return groups


def annotation_list(site: SiteData, claims: list[Claim], here: str) -> list[str]:
    """The annotation list after a block: per claim citation, the verbatim quote, then the claim's
    type (a finding, a participant's voice, the authors' argument ...), whose words they are (with
    "as reported by" for a reported claim) linked to the claim, and where in the work they stand."""
    lines: list[str] = []
    for number, claim in enumerate(claims, 1):
        if claim.quote:
            said = f'<span class="kb-q-quote">“{md_text(claim.quote, line_start=False)}”</span>'
        else:
            said = f"*No verbatim quote is recorded for this claim:* {md_text(claim.text, line_start=False)}"
        where = md_text(claim.locator, line_start=False) if claim.locator else "no locator recorded"
        badge = type_badge(claim)
        lines += [f"{number}.  {said}", "", f"    {badge + ' ' if badge else ''}{evidence_source(site, here, claim)} · {where}", ""]
    return lines
