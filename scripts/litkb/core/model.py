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
    stance: str  # defines | supports | qualifies | contests; "" for a method claim (no stance)


@dataclass(frozen=True)
class Claim:
    """A claim of a note. Primary when ``works == (note_key,)``; otherwise reported: the note's
    source says this about ``works`` (one or more works cited together for one point, in the order
    the reporting text cites them; quote = the reporting source's words) and ``cited_as`` is how
    the reporting text prints each citation ("Harris, 2009a"), one per work."""

    id: str
    note_key: str
    works: tuple[str, ...]
    type: str  # finding | voice | argument | background | method (vocabulary.CLAIM_TYPES)
    text: str
    quote: str
    locator: str
    concepts: tuple[ConceptLink, ...]
    path: str
    line: int
    cited_as: tuple[str, ...] = ()

    @property
    def reported(self) -> bool:
        return self.works != (self.note_key,)

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
class DataSource:
    """One data source of an empirical study, with its kind (vocabulary.DATA_SOURCE_KINDS)."""

    source: str
    kind: str


@dataclass(frozen=True)
class StatedLimitation:
    """A limitation the authors themselves state, backed by their words (checked by kb verify-quotes)."""

    text: str
    quote: str
    locator: str
    line: int


@dataclass(frozen=True)
class Appraisal:
    """How far an empirical study's evidence reaches: how the sample was chosen, what the data are,
    what was not measured, how the work was published, the limitations its authors state and those a
    careful reader should know (the contributor's words, hedged)."""

    sampling: str = ""
    data_sources: tuple[DataSource, ...] = ()
    not_measured: tuple[str, ...] = ()
    publication_status: str = ""  # vocabulary.PUBLICATION_STATUSES, or "" when not given
    stated_limitations: tuple[StatedLimitation, ...] = ()
    reader_limitations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """An annotated note on one source (kb/sources/<key>.yaml). ``same_study``: works that report
    the same study as this source (as written in this note; :attr:`KnowledgeBase.same_study` is the
    relation closed over every note)."""

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
    same_study: tuple[str, ...] = ()
    appraisal: Appraisal | None = None


@dataclass(frozen=True)
class Definition:
    """A concept's definition. ``sources``: the work(s) making the point (several when the passage
    credits it to several works, the first being the one whose words are quoted); ``reported_by``:
    the source through which we know it, if not the source itself."""

    text: str
    sources: tuple[str, ...]
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
class CitedItem:
    """One item of a citation in a question's text: ``[see @key#claim-id, p. 17]`` gives ``key``,
    ``claim`` ("" when the work itself is cited), ``prefix`` ("see"), ``locator`` ("p. 17", as
    written after the comma) and ``suppress_author`` (``-@key``). ``line``/``column``: where its
    ``@`` stands in the file (1-based)."""

    key: str
    claim: str = ""
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False
    line: int = 0
    column: int = 0

    @property
    def uid(self) -> str:
        """"key#claim-id" (:attr:`Claim.uid` of the claim cited), or the key for a work citation."""
        return f"{self.key}#{self.claim}" if self.claim else self.key


@dataclass(frozen=True)
class Citation:
    """A citation in a question's text: bracketed ``[@a; @b]`` (one or more items) or narrative
    ``@a`` / ``@a [p. 3]`` (one item). ``start``/``end``: where it stands in its block's ``text``."""

    items: tuple[CitedItem, ...]
    narrative: bool
    start: int
    end: int


@dataclass(frozen=True)
class TextBlock:
    """A block of a question's text: a ``heading`` (``level`` 2-6), a ``paragraph`` or a list
    ``item`` (``ordered`` for "1."). ``text`` is the Markdown as written, without the heading or
    list marker, its lines joined by newlines; ``citations`` in order of appearance; ``line``: the
    file line where the block starts."""

    kind: str
    text: str
    citations: tuple[Citation, ...]
    line: int
    level: int = 0
    ordered: bool = False

    @property
    def items(self) -> tuple[CitedItem, ...]:
        return tuple(item for citation in self.citations for item in citation.items)


@dataclass(frozen=True)
class Question:
    """A question (synthesis) page, kb/questions/<id>.md: front matter and the text in blocks."""

    id: str
    path: str
    question: str
    concepts: tuple[str, ...]
    status: str  # draft | reviewed (vocabulary.QUESTION_STATUSES)
    contributors: tuple[str, ...]
    blocks: tuple[TextBlock, ...]
    digest: str

    @property
    def items(self) -> tuple[CitedItem, ...]:
        """Every citation item of the text, in order."""
        return tuple(item for block in self.blocks for item in block.items)


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
    questions: Mapping[str, Question] = field(default_factory=dict)
    # Key -> every key reporting the same study, itself included (sorted): the ``same_study``
    # relations of all notes, symmetric and transitive. Keys in no relation are absent.
    same_study: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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
