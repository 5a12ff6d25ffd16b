"""What every page writer shares: the generated-page value, derived indexes over the knowledge base
(computed once per build) and small Markdown helpers for links between generated pages.

Input: a linked :class:`~litkb.core.model.KnowledgeBase`. Output: :class:`SiteData`, read by the page
modules; nothing here writes files.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from ...core import urls
from ...core.model import Claim, ConceptLink, KnowledgeBase, Note
from ...core.vocabulary import STANCES
from ..cite.format import Citations
from ..labels import author_year_labels
from ..questions import QuestionIndex
from .safe import md_text

EXPLORER_PAGE = "explorer.md"
EXPLORER_DATA = "explorer/claims.json"
EVIDENCE_MAP_PAGE = "evidence-map.md"
GAPS_PAGE = "gaps.md"
CONCEPTS_INDEX = "concepts/index.md"
SOURCES_INDEX = "sources/index.md"
AUTHORS_INDEX = "authors/index.md"
QUESTIONS_INDEX = "questions/index.md"


@dataclass(frozen=True)
class GeneratedPage:
    """One generated file: ``path`` relative to the docs folder, its text (Markdown) or bytes
    (data such as the explorer JSON), and the repository path of the file to edit, if any."""

    path: str
    content: str | bytes
    edit_path: str | None = None


@dataclass(frozen=True)
class SiteData:
    """The knowledge base plus the indexes that several pages need."""

    kb: KnowledgeBase
    style: str  # the site's citation style: labels and the first tab of each reference
    citations: Citations  # formats against this library (its year suffixes computed once)
    claims: tuple[Claim, ...]  # kb.claims, computed once (the property rebuilds it each time)
    labels: Mapping[str, str]
    evidence: Mapping[str, tuple[tuple[Claim, ConceptLink], ...]]  # concept id -> (claim, link)
    reported_about: Mapping[str, tuple[Claim, ...]]  # key -> claims of other notes about it
    claims_about: Mapping[str, tuple[Claim, ...]]  # key -> every claim about the work
    alternatives: Mapping[str, tuple[str, ...]]  # concept id -> concepts offered as alternatives to it
    questions: QuestionIndex  # which questions discuss a concept or cite a work

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, style: str) -> SiteData:
        claims = kb.claims
        citations = Citations(kb)
        evidence: dict[str, list[tuple[Claim, ConceptLink]]] = defaultdict(list)
        reported: dict[str, list[Claim]] = defaultdict(list)
        about: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            about[claim.about].append(claim)
            for link in claim.concepts:
                if link.concept in kb.concepts:
                    evidence[link.concept].append((claim, link))
            if claim.reported:
                reported[claim.about].append(claim)
        alternatives: dict[str, set[str]] = defaultdict(set)
        for concept in kb.concepts.values():
            for other in concept.alternative_to:
                alternatives[other].add(concept.id)
        return cls(
            kb=kb,
            style=style,
            citations=citations,
            claims=claims,
            labels=author_year_labels(kb, style, citations),
            evidence={k: tuple(v) for k, v in evidence.items()},
            reported_about={k: tuple(v) for k, v in reported.items()},
            claims_about={k: tuple(v) for k, v in about.items()},
            alternatives={k: tuple(sorted(v)) for k, v in alternatives.items()},
            questions=QuestionIndex.of(kb),
        )

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def note_of(self, claim: Claim) -> Note | None:
        """The note describing the work a claim is about (its design and setting), if any."""
        return self.kb.notes.get(claim.about)

    def sort_key(self, claim: Claim) -> tuple[str, str, str, int]:
        """Claims ordered by the year and label of the work they are about, then note order."""
        source = self.kb.sources.get(claim.about)
        return (source.year if source else "", self.label(claim.about), claim.note_key, claim.line)


def rel(from_path: str, to_path: str, anchor: str = "") -> str:
    """Relative Markdown link from one docs file to another (MkDocs checks and rewrites it)."""
    return _relative(posixpath.dirname(from_path), to_path) + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=65536)
def _relative(from_dir: str, to_path: str) -> str:
    # Both are clean paths inside the docs folder, so this is pure string work (posixpath.relpath
    # would ask the operating system for the current folder on every call).
    start = from_dir.split("/") if from_dir else []
    target = to_path.split("/")
    common = 0
    while common < min(len(start), len(target) - 1) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def link_text(text: str) -> str:
    """Untrusted text as the text of a Markdown link (brackets escaped so the link stays whole)."""
    return md_text(text, line_start=False).replace("[", "\\[").replace("]", "\\]")


def table_cell(markdown: str) -> str:
    """Already-safe Markdown made fit for a table cell (pipes escaped)."""
    return markdown.replace("|", "\\|")


def md_link(text: str, from_path: str, to_path: str, anchor: str = "") -> str:
    return f"[{link_text(text)}]({rel(from_path, to_path, anchor)})"


def source_link(site: SiteData, from_path: str, key: str, anchor: str = "") -> str:
    """"[Gronn (2009b)](../sources/gronn2009b.md)"; plain text for a key outside the library."""
    if key not in site.kb.sources:
        return md_text(key)
    return md_link(site.label(key), from_path, urls.source_path(key), anchor)


def concept_link(site: SiteData, from_path: str, concept_id: str) -> str:
    concept = site.kb.concepts.get(concept_id)
    if concept is None:
        return md_text(concept_id)
    return md_link(concept.label, from_path, urls.concept_path(concept_id))


def evidence_source(site: SiteData, from_path: str, claim: Claim) -> str:
    """Whose evidence a claim is: "Gronn (2009b), as reported by Torrance (2013a)" for a reported
    claim (the reporting source links to the claim itself), else the source with the claim."""
    if claim.reported:
        return (
            f"{source_link(site, from_path, claim.about)}, as reported by "
            f"{source_link(site, from_path, claim.note_key, claim.id)}"
        )
    return source_link(site, from_path, claim.note_key, claim.id)


def design_text(note: Note | None) -> str:
    return ", ".join(d.replace("-", " ") for d in note.design) if note else ""


def setting_text(note: Note | None) -> str:
    """"Scotland; primary" (countries; sectors) of a note, or ""."""
    if note is None:
        return ""
    return "; ".join(part for part in (", ".join(note.setting.country), ", ".join(note.setting.sector)) if part)


def explorer_query(from_path: str, **facets: str) -> str:
    """A link to the explorer with its filters in the query string (the explorer's URL state)."""
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in sorted(facets.items()) if value)
    return rel(from_path, EXPLORER_PAGE) + (f"?{query}" if query else "")


def stance_counts(pairs: tuple[tuple[Claim, ConceptLink], ...]) -> dict[str, int]:
    counts = dict.fromkeys(STANCES, 0)
    for _, link in pairs:
        counts[link.stance] = counts.get(link.stance, 0) + 1
    return counts
