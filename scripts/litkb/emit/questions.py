"""What question pages add up to, as values: the claims they cite, their size, the agreement and
tension among the cited claims, and which questions discuss a concept or cite a work.

Input: the linked model (:class:`~litkb.core.model.KnowledgeBase` and its questions). Output: plain
values read by the question pages, the concept and source pages, search and the export. Pure
functions; the order of everything is the text's or a sorted one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..core.model import CitedItem, Claim, KnowledgeBase, Question, TextBlock
from .evidence import Studies

# The stances a tension panel shows, in this order: definitions are not positions for or against.
POSITION_STANCES = ("supports", "qualifies", "contests")
_WORD = re.compile(r"\b\w[\w'’-]*\b")


def claim_works(claim: Claim) -> tuple[str, ...]:
    """The works a claim is evidence about: the note's own work, or the works a reported claim
    reports on (in the order the reporting text cites them)."""
    return claim.works


def cited_claim(kb: KnowledgeBase, item: CitedItem) -> Claim | None:
    """The claim a claim citation names, or None (a work citation, or a claim ``kb check`` reported as unknown)."""
    if not item.claim:
        return None
    note = kb.notes.get(item.key)
    if note is None:
        return None
    return next((c for c in (*note.claims, *note.reported) if c.id == item.claim), None)


# -- size -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionStats:
    """``words``: the prose of paragraphs and list items, bracketed citations left out and a
    narrative citation counted as one word (it stands for the authors' names); ``citations``:
    citation items; ``claim_citations``: those naming a claim."""

    words: int
    citations: int
    claim_citations: int

    @property
    def claim_share(self) -> float:
        return self.claim_citations / self.citations if self.citations else 0.0


_SPACE_BEFORE_STOP = re.compile(r"[ \t]+([,.;:!?)])")


def block_prose(block: TextBlock, narrative: Callable[[CitedItem], str] = lambda _item: "cite") -> str:
    """The block's text with its bracketed citations cut out (and the space left before a
    following stop) and each narrative one replaced by ``narrative(item)``, a word or a name."""
    parts, pos = [], 0
    for citation in block.citations:
        parts.append(block.text[pos : citation.start])
        if citation.narrative:
            parts.append(narrative(citation.items[0]))
        pos = citation.end
    parts.append(block.text[pos:])
    return _SPACE_BEFORE_STOP.sub(r"\1", "".join(parts))


def question_stats(question: Question) -> QuestionStats:
    words = sum(len(_WORD.findall(block_prose(b))) for b in question.blocks if b.kind != "heading")
    items = question.items
    return QuestionStats(words, len(items), sum(1 for i in items if i.claim))


# -- agreement and tension -----------------------------------------------------------------------
@dataclass(frozen=True)
class Position:
    """One voice on a concept: the works whose evidence the cited claims are (``works``), through
    ``reported_by`` when a note reports them ("" for a work's own claims), with the cited claims
    (uids, in order of first citation)."""

    works: tuple[str, ...]
    reported_by: str
    claims: tuple[str, ...]


@dataclass(frozen=True)
class StudyPositions:
    """The voices of one study (or of the studies a claim about several works names): a report
    and the paper drawn from it, or a work and another's report about it, are one study."""

    studies: tuple[str, ...]
    positions: tuple[Position, ...]


@dataclass(frozen=True)
class ConceptPositions:
    """Who supports, qualifies and contests one concept of a question, among the claims it cites,
    study by study."""

    concept: str
    by_stance: Mapping[str, tuple[StudyPositions, ...]]

    @property
    def tension(self) -> bool:
        """Whether anyone qualifies or contests the concept."""
        return bool(self.by_stance.get("qualifies") or self.by_stance.get("contests"))


def positions(kb: KnowledgeBase, question: Question) -> list[ConceptPositions]:
    """Per concept of the question (front-matter order), the cited claims' stances grouped by who
    takes them and by study (:class:`~litkb.emit.evidence.Studies`): a work cited for three
    supporting claims is one voice, not three, and its report by another work the same study.
    Concepts no cited claim takes a stance on are left out; so are definitions and method claims."""
    studies = Studies(kb)
    found: dict[str, dict[str, dict[tuple[str, ...], dict[tuple[tuple[str, ...], str], list[str]]]]] = {}
    wanted = set(question.concepts)
    for item in question.items:
        claim = cited_claim(kb, item)
        if claim is None:
            continue
        voice = (claim_works(claim), claim.note_key if claim.reported else "")
        for link in claim.concepts:
            if link.concept in wanted and link.stance in POSITION_STANCES:
                by_study = found.setdefault(link.concept, {}).setdefault(link.stance, {})
                uids = by_study.setdefault(studies.of_claim(claim), {}).setdefault(voice, [])
                if claim.uid not in uids:
                    uids.append(claim.uid)
    result = []
    for concept in question.concepts:
        stances = found.get(concept)
        if stances:
            result.append(ConceptPositions(concept, {
                stance: tuple(
                    StudyPositions(study, tuple(Position(works, by, tuple(uids)) for (works, by), uids in voices.items()))
                    for study, voices in stances[stance].items()
                )
                for stance in POSITION_STANCES if stance in stances
            }))
    return result


# -- where questions meet concepts and works --------------------------------------------------------
@dataclass(frozen=True)
class QuestionIndex:
    """``by_concept``: concept id -> ids of the questions listing it; ``by_work``: key -> (question
    id, indexes of the blocks citing the work, in text order); ``reported``: key -> (question id,
    the reporting work, blocks) where a question cites another work's report about it (a claim
    citation of a reported claim naming the work). Questions in id order."""

    by_concept: Mapping[str, tuple[str, ...]]
    by_work: Mapping[str, tuple[tuple[str, tuple[int, ...]], ...]]
    reported: Mapping[str, tuple[tuple[str, str, tuple[int, ...]], ...]]

    @classmethod
    def of(cls, kb: KnowledgeBase) -> QuestionIndex:
        concepts: dict[str, list[str]] = defaultdict(list)
        works: dict[str, dict[str, list[int]]] = defaultdict(dict)
        reported: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(dict)
        for qid, question in sorted(kb.questions.items()):
            for concept in question.concepts:
                concepts[concept].append(qid)
            for index, block in enumerate(question.blocks):
                for item in block.items:
                    _add(works[item.key].setdefault(qid, []), index)
                    claim = cited_claim(kb, item)
                    for work in claim_works(claim) if claim is not None and claim.reported else ():
                        _add(reported[work].setdefault((qid, item.key), []), index)
        return cls(
            by_concept={c: tuple(ids) for c, ids in concepts.items()},
            by_work={k: tuple((qid, tuple(b)) for qid, b in found.items()) for k, found in works.items()},
            reported={k: tuple((qid, by, tuple(b)) for (qid, by), b in found.items()) for k, found in reported.items()},
        )


def _add(indexes: list[int], index: int) -> None:
    if not indexes or indexes[-1] != index:
        indexes.append(index)


def section_of(question: Question, index: int) -> str:
    """The heading a block stands under ("" before the first heading)."""
    return next((b.text for b in reversed(question.blocks[:index]) if b.kind == "heading"), "")


def anchor_of(question: Question, index: int) -> str:
    """The id of the element holding block ``index`` on the question page: a paragraph has its own,
    list items share their list's (the first item's index)."""
    while index > 0 and question.blocks[index].kind == "item" and question.blocks[index - 1].kind == "item":
        index -= 1
    return f"kb-p{index + 1}"
