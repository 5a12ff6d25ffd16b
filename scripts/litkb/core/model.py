"""The linked model: frozen dataclasses built by :func:`litkb.rules.link.build_kb`, read by every emitter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .problems import Problem


@dataclass(frozen=True)
class Person:
    """An author or editor. ``id`` is the normalised identity (family name + first initial,
    accents folded), so "Spillane, J. P." and "Spillane, James P." are one person."""

    id: str
    family: str
    given: str
    corporate: bool = False

    @property
    def sort_name(self) -> str:
        """"Spillane, James P." (or the corporate name)."""
        return self.family if self.corporate or not self.given else f"{self.family}, {self.given}"

    @property
    def display(self) -> str:
        """"James P. Spillane"."""
        return self.family if self.corporate or not self.given else f"{self.given} {self.family}"


@dataclass(frozen=True)
class Source:
    """One BibTeX entry, with its provenance and (when annotated) its note."""

    key: str
    entry_type: str
    title: str
    year: str
    authors: tuple[Person, ...]
    editors: tuple[Person, ...]
    fields: Mapping[str, str]
    verification: str  # verified | partial | unverified | unknown | missing
    line: int
    raw_bibtex: str
    digest: str

    @property
    def container(self) -> str:
        for name in ("journal", "journaltitle", "booktitle", "institution", "howpublished", "publisher"):
            if self.fields.get(name):
                return self.fields[name]
        return ""

    @property
    def creators(self) -> tuple[Person, ...]:
        """Authors, or editors for an edited volume."""
        return self.authors or self.editors


@dataclass(frozen=True)
class ConceptLink:
    concept: str
    stance: str  # defines | supports | qualifies | contests


@dataclass(frozen=True)
class Claim:
    """A claim of a note. Primary when ``about == note_key``; otherwise reported: the note's
    source says this about the work ``about`` (quote = the reporting source's words)."""

    id: str
    note_key: str
    about: str
    text: str
    quote: str
    locator: str
    concepts: tuple[ConceptLink, ...]
    path: str
    line: int

    @property
    def reported(self) -> bool:
        return self.about != self.note_key

    @property
    def uid(self) -> str:
        return f"{self.note_key}#{self.id}"


@dataclass(frozen=True)
class Setting:
    country: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    sample: str = ""
    response_rate: str = ""


@dataclass(frozen=True)
class Note:
    """An annotated note on one source (kb/sources/<key>.yaml)."""

    key: str
    path: str
    summary: str
    kind: str
    design: tuple[str, ...]
    setting: Setting
    claims: tuple[Claim, ...]
    reported: tuple[Claim, ...]
    cites: tuple[str, ...]
    digest: str


@dataclass(frozen=True)
class Definition:
    text: str
    source: str
    reported_by: str
    quote: str
    locator: str
    line: int


@dataclass(frozen=True)
class Concept:
    """A concept of the controlled vocabulary; ``narrower`` and ``members`` are derived."""

    id: str
    label: str
    aliases: tuple[str, ...]
    definition: Definition
    broader: tuple[str, ...]
    related: tuple[str, ...]
    alternative_to: tuple[str, ...]
    group: str
    path: str
    digest: str
    narrower: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded and linked, plus every problem met on the way."""

    root: Path
    sources: Mapping[str, Source]
    notes: Mapping[str, Note]
    concepts: Mapping[str, Concept]
    persons: Mapping[str, Person]
    problems: tuple[Problem, ...]
    cited_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    works_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Keys whose full text has a valid committed fingerprint (kb/fingerprints/<key>.json): their
    # quotes can be checked by anyone (`kb verify-quotes`).
    fingerprints: frozenset[str] = frozenset()

    @property
    def claims(self) -> tuple[Claim, ...]:
        """All claims, primary and reported, in note order."""
        return tuple(c for n in self.notes.values() for c in (*n.claims, *n.reported))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def claims_about_concept(self, concept_id: str) -> tuple[tuple[Claim, ConceptLink], ...]:
        """Every (claim, link) naming ``concept_id``, in note order."""
        return self._claims_by_concept.get(concept_id, ())

    @cached_property
    def _claims_by_concept(self) -> dict[str, tuple[tuple[Claim, ConceptLink], ...]]:
        # Built on first use (the model is immutable): pages and packs ask for every concept.
        found: dict[str, list[tuple[Claim, ConceptLink]]] = {}
        for claim in self.claims:
            for link in claim.concepts:
                found.setdefault(link.concept, []).append((claim, link))
        return {concept_id: tuple(pairs) for concept_id, pairs in found.items()}


def library_of(sources: list[Source]) -> KnowledgeBase:
    """A knowledge base of these sources alone (no notes, concepts or people): enough for what
    depends only on the library, such as year suffixes, in a worker process."""
    return KnowledgeBase(root=Path(), sources={s.key: s for s in sources}, notes={}, concepts={}, persons={}, problems=())
