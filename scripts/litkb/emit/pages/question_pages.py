"""Question pages: the list of questions and one page per question, read as a review: the
contributors' text with its citations (:mod:`.question_text`), who agrees and who pulls apart on
each concept (computed from the cited claims' stances), and the reference list in the site's
citation style. Also the small sections other pages give them: the questions discussing a concept,
and where a work is cited in questions.

Input: :class:`~.common.SiteData` and the formatted references. Output: :class:`GeneratedPage`
values (Markdown).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection

from ...core import urls
from ...core.model import KnowledgeBase, Question
from ...core.text import fold
from ..questions import POSITION_STANCES, ConceptPositions, Position, StudyPositions, anchor_of, positions, question_stats, section_of
from .common import QUESTIONS_INDEX, GeneratedPage, SiteData, concept_link, md_link, rel, source_link, table_cell
from .question_text import render_body
from .references import References, plain_reference, year_of_label
from .safe import defuse_search_marker, md_text

# Column headings, repeated in each cell for narrow screens, where the table stacks into blocks.
STANCE_COLUMNS = {"supports": "Supports", "qualifies": "Qualifies", "contests": "Contests"}
_TAG = re.compile(r"<[^>]+>")


def question_pages(site: SiteData, references: References | None) -> list[GeneratedPage]:
    """The questions index and one page per question (its edit link: the question's file)."""
    pages = [GeneratedPage(QUESTIONS_INDEX, questions_index(site))]
    for question in site.kb.questions.values():
        pages.append(GeneratedPage(urls.question_path(question.id), question_page(site, question, references), question.path))
    return pages


def questions_index(site: SiteData) -> str:
    here = QUESTIONS_INDEX
    lines = [
        "# Questions",
        "",
        "Each page answers one question from the evidence, in the contributors' own words: what the studies say, "
        "where they agree and where they pull apart, and how much weight they can bear. Every citation links to its work, "
        "and a claim citation opens the verbatim quote it rests on. A page marked *reviewed* has had every citation checked "
        "against its quote by a second person.",
        "",
    ]
    return "\n".join([*lines, question_list(site.kb, here), ""])


# The hand-written home page (docs/index.md) asks for the list of questions with this comment; the
# site adapter puts :func:`question_list` in its place, so the home page lists what exists.
HOME_MARKER = "<!-- kb:questions -->"


def question_list(kb: KnowledgeBase, here: str) -> str:
    """Markdown list of every question (title linked, status, size), for a page at ``here``."""
    if not kb.questions:
        return f"No question pages yet: start one with `kb new question ID` (see [Contributing]({rel(here, 'contributing.md')}))."
    lines = []
    for question in kb.questions.values():
        stats = question_stats(question)
        link = md_link(question.question, here, urls.question_path(question.id))
        lines.append(
            f"- **{link}**  \n  {question.status} · {stats.words:,} words · {stats.citations} citations, "
            f"{stats.claim_citations} of them to claims"
        )
    return "\n".join(lines)


def question_page(site: SiteData, question: Question, references: References | None) -> str:
    """The answer first (after its review status and how to read the citations), then who agrees
    and who pulls apart, the references, and who wrote it about which concepts."""
    here = urls.question_path(question.id)
    lines = [f"# {md_text(question.question, line_start=False)}", "", '<div class="kb-question-meta" data-search-exclude markdown>', ""]
    lines += _status(question)
    lines += ["</div>", ""]
    lines += render_body(site, question, here)
    lines += tension_panel(site, question, here)
    lines += _references(site, question, here, references)
    lines += _about(site, question, here)
    return "\n".join(lines)


def _status(question: Question) -> list[str]:
    if question.status == "reviewed":
        lines = ["**Reviewed:** a second person has checked every citation against its quote.", ""]
    else:
        lines = ['!!! warning "Draft"', "", "    Not reviewed yet: no second person has checked its citations against their quotes.", ""]
    return [
        *lines,
        "Each citation links to its work; the button after a claim citation opens the verbatim quote it rests on, "
        "where it stands in the work and whose words it is.",
        "",
    ]


def _about(site: SiteData, question: Question, here: str) -> list[str]:
    by = ", ".join(md_text(c, line_start=False) for c in question.contributors)
    concepts = ", ".join(concept_link(site, here, c) for c in question.concepts)
    return ["## About this page", "", '<div class="kb-question-meta" data-search-exclude markdown>', "",
            f"Written by {by} ({question.status}). Concepts discussed: {concepts}.", "", "</div>", ""]


# -- agreement and tension -----------------------------------------------------------------------
def tension_panel(site: SiteData, question: Question, here: str) -> list[str]:
    """Per concept of the question: who supports, qualifies and contests it among the cited
    claims. A stance no cited claim takes gets no column but a sentence saying so."""
    found = positions(site.kb, question)
    lines = [
        "## Agreement and tension",
        "",
        '<div class="kb-tension" data-search-exclude markdown>',
        "",
        "Who takes which stance on the question's concepts, among the claims this page cites. A cell names each study "
        "once (a report and the paper drawn from it, or a work and another's report about it, are one study), with the "
        "number of its claims cited when more than one; studies known only through another work's report are listed "
        "after the work reporting them. Definitions and method claims are not positions and are left out. The table "
        "does not weigh the evidence; the text above does.",
        "",
    ]
    if not found:
        return [*lines, "*None of the claims this page cites takes a stance on its concepts.*", "", "</div>", ""]
    stances = [s for s in POSITION_STANCES if any(row.by_stance.get(s) for row in found)]
    missing = [s for s in POSITION_STANCES if s not in stances]
    lines += ["| Concept | " + " | ".join(STANCE_COLUMNS[s] for s in stances) + " |", "| --- |" + " --- |" * len(stances)]
    lines += [_tension_row(site, row, stances, here) for row in found]
    lines.append("")
    if missing:
        lines += [f"No claim cited here {' or '.join(missing)} any of these concepts.", ""]
    return [*lines, "</div>", ""]


def _tension_row(site: SiteData, row: ConceptPositions, stances: list[str], here: str) -> str:
    cells = [table_cell(concept_link(site, here, row.concept))]
    for stance in stances:
        groups = row.by_stance.get(stance, ())
        # The label shows only where the table stacks into blocks (narrow screens: kb.css).
        label = f'<span class="kb-stance-label">{STANCE_COLUMNS[stance]}:</span> '
        cells.append(label + ("<br>".join(table_cell(line) for line in _cell_lines(site, groups, here)) if groups else "—"))
    return "| " + " | ".join(cells) + " |"


def _cell_lines(site: SiteData, groups: tuple[StudyPositions, ...], here: str) -> list[str]:
    """One line per study with a work's own claims (its reports by others appended: one study),
    then one line per reporting work for the studies known only through it: "As reported by
    Torrance (2013a): Gronn (2009b); Duignan (2008), Harris and Spillane (2008); ..."."""
    lines: list[str] = []
    reported: dict[str, list[str]] = {}
    for group in groups:
        reporters = {position.reported_by for position in group.positions}
        if len(reporters) == 1 and "" not in reporters:
            works = " and ".join(_voice(site, position, here, with_reporter=False) for position in group.positions)
            reported.setdefault(reporters.pop(), []).append(works + (" (one study)" if len(group.positions) > 1 else ""))
        else:
            voices = "; ".join(_voice(site, position, here) for position in group.positions)
            lines.append(voices + (" (one study)" if len(group.positions) > 1 else ""))
    for by, listed in reported.items():
        lines.append(f"As reported by {source_link(site, here, by)}: " + "; ".join(listed))
    return lines


def _voice(site: SiteData, position: Position, here: str, *, with_reporter: bool = True) -> str:
    """"Gronn (2009b)", "Gronn (2009b), as reported by Torrance (2013a)", with "(3 claims)"."""
    works = ", ".join(source_link(site, here, key) for key in position.works)
    if position.reported_by and with_reporter:
        works += f", as reported by {source_link(site, here, position.reported_by)}"
    count = len(position.claims)
    return works + (f" ({count} claims)" if count > 1 else "")


# -- references -----------------------------------------------------------------------------------
def cited_works(question: Question, library: Collection[str]) -> list[str]:
    """Keys the question cites (a claim citation cites the note's work), first citation first;
    keys not in ``library`` left out."""
    return [key for key in dict.fromkeys(item.key for item in question.items) if key in library]


def _references(site: SiteData, question: Question, here: str, references: References | None) -> list[str]:
    keys = cited_works(question, site.kb.sources)
    lines = ["## References", "", '<div class="kb-references" data-search-exclude markdown>', ""]
    if references is not None:
        # The site's style first (References is ordered so); its reference-list order is by the
        # text of the entries (authors, year with its letter, title).
        by_key = next(iter(references.values()))
        entries = sorted(((key, defuse_search_marker(by_key[key])) for key in keys), key=lambda e: (_plain(e[1]), e[0]))
    else:
        entries = sorted(
            ((key, md_text(plain_reference(site.kb.sources[key], year_of_label(site.label(key)) or "n.d."))) for key in keys),
            key=lambda e: (site.label(e[0]).lower(), e[0]),
        )
    for key, text in entries:
        lines.append(f"- {text} [Work page]({rel(here, urls.source_path(key))})")
    lines += ["", "</div>", ""]
    return lines


def _plain(formatted: str) -> str:
    return fold(html.unescape(_TAG.sub("", formatted))).lower()


# -- sections of other pages ---------------------------------------------------------------------
def source_questions_section(site: SiteData, key: str, here: str) -> list[str]:
    """"## Cited in questions": per question citing the work, how often and in which parts; then
    the questions citing another work's report about it."""
    cited = site.questions.by_work.get(key, ())
    reported = site.questions.reported.get(key, ())
    if not cited and not reported:
        return []
    count = len({qid for qid, _ in cited} | {qid for qid, _, _ in reported})
    lines = [f"## Cited in questions ({count})", "", '<div data-search-exclude markdown>', ""]
    for qid, blocks in cited:
        question = site.kb.questions[qid]
        times = sum(1 for item in question.items if item.key == key)
        lines.append(f"- {md_link(question.question, here, urls.question_path(qid))}: {times} citation{'s' * (times != 1)}, in {_parts(question, blocks, here)}")
    for qid, by, blocks in reported:
        question = site.kb.questions[qid]
        lines.append(f"- {md_link(question.question, here, urls.question_path(qid))}: through what {source_link(site, here, by)} reports about it, in {_parts(question, blocks, here)}")
    lines += ["", "</div>", ""]
    return lines


def _parts(question: Question, blocks: tuple[int, ...], here: str) -> str:
    """The parts of a question holding these blocks, each linked to the first such block."""
    parts: dict[str, str] = {}
    for index in blocks:
        section = section_of(question, index) or "the opening"
        parts.setdefault(section, anchor_of(question, index))
    target = urls.question_path(question.id)
    return ", ".join(md_link(section, here, target, anchor) for section, anchor in parts.items())
