"""Counting evidence fairly, defined once for every page, the explorer's data and the exports.

Input: the linked model. Output: the study of each work and claim, the facets (design, sector,
country) of each claim, and :class:`Tally` values ("3 studies · 12 claims").

The rules (ARCHITECTURE.md, "Counting evidence"):

- **A claim is one piece of evidence.** A reported claim naming several works (one sentence citing
  them together) is one claim, counted once per concept and stance.
- **A study** is a work of the library together with every work that reports the same study
  (``same_study`` in either note, taken symmetrically and transitively): a report and the paper
  drawn from it are one study. A study is named by the first of its keys in sort order.
- **The studies of a claim**: of a primary claim, the study of its note's source; of a reported
  claim, the studies of the works it is about (never the reporting source's: Torrance citing the
  NCSL report adds the study of MacBeath et al., not of Torrance, and no study at all where
  MacBeath et al.'s own claims already count).
- **Counts** over a set of claims: the distinct studies among their studies, and the claims.
  Only links with a stance count as evidence; method claims (no stance) are shown, not counted.
- **Facets** of a study: the design, sector and country of every note on one of its works; of a
  claim: those of its studies (NOT_RECORDED when none records the facet). An evidence-map cell
  (concept x facet value) holds the claims with that value, and the studies that have it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from ..core.model import Claim, KnowledgeBase, Note

# The value of a facet that no note of the study records ("the study records no design").
NOT_RECORDED = "(none)"
FACET_NAMES = ("design", "sector", "country")
_GETTERS: dict[str, Callable[[Note], tuple[str, ...]]] = {
    "design": lambda n: n.design,
    "sector": lambda n: n.setting.sector,
    "country": lambda n: n.setting.country,
}


@dataclass(frozen=True)
class Tally:
    """How much evidence: distinct studies, and the claims behind them."""

    studies: int
    claims: int

    def text(self) -> str:
        """"3 studies · 12 claims" ("1 study · 1 claim")."""
        return f"{self.studies} {'study' if self.studies == 1 else 'studies'} · {self.claims} {'claim' if self.claims == 1 else 'claims'}"


class Studies:
    """The studies of a knowledge base: which study each work and claim belongs to, and counts."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        # works -> their studies: asked for each claim by every page that counts (~150,000 times
        # for 7,000 claims), and many claims share their works.
        self._of_works: dict[tuple[str, ...], tuple[str, ...]] = {}

    def of_work(self, key: str) -> str:
        """The study a work belongs to: the first key of its same-study group, else itself."""
        group = self.kb.same_study.get(key)
        return group[0] if group else key

    def members(self, study: str) -> tuple[str, ...]:
        """Every key reporting the study (the study's own key alone when it has no relation)."""
        return self.kb.same_study.get(study, (study,))

    def of_claim(self, claim: Claim) -> tuple[str, ...]:
        """The distinct studies of a claim (see the module's rules), sorted."""
        studies = self._of_works.get(claim.works)
        if studies is None:
            studies = self._of_works[claim.works] = tuple(sorted({self.of_work(key) for key in claim.works}))
        return studies

    @cached_property
    def _facets(self) -> dict[str, dict[str, tuple[str, ...]]]:
        # study -> facet -> values, from every note on one of the study's works (built once).
        found: dict[str, dict[str, dict[str, None]]] = {}
        for note in self.kb.notes.values():
            values = found.setdefault(self.of_work(note.key), {name: {} for name in FACET_NAMES})
            for name in FACET_NAMES:
                values[name].update(dict.fromkeys(_GETTERS[name](note)))
        return {study: {name: tuple(v) for name, v in facets.items()} for study, facets in found.items()}

    def study_facet(self, study: str, facet: str) -> tuple[str, ...]:
        """A study's values of ``facet`` (design, sector, country), or (NOT_RECORDED,)."""
        return self._facets.get(study, {}).get(facet) or (NOT_RECORDED,)

    def claim_facet(self, claim: Claim, facet: str) -> tuple[str, ...]:
        """A claim's values of ``facet``: those of its studies, each once, in study order."""
        values: dict[str, None] = {}
        for study in self.of_claim(claim):
            values.update(dict.fromkeys(self.study_facet(study, facet)))
        return tuple(values) or (NOT_RECORDED,)

    def tally(self, claims: Iterable[Claim]) -> Tally:
        """Distinct studies and claims (each claim once, however often it is given)."""
        unique = {claim.uid: claim for claim in claims}
        return Tally(len({s for c in unique.values() for s in self.of_claim(c)}), len(unique))

    def tally_cell(self, claims: Iterable[Claim], facet: str, value: str) -> Tally:
        """The evidence-map cell ``facet = value`` of these claims: the claims having the value
        and, of their studies, those having it."""
        studies: set[str] = set()
        behind: set[str] = set()
        for claim in claims:
            having = [s for s in self.of_claim(claim) if value in self.study_facet(s, facet)]
            if having:
                behind.add(claim.uid)
                studies.update(having)
        return Tally(len(studies), len(behind))


    def tally_facet(self, claims: Iterable[Claim], facet: str) -> dict[str, Tally]:
        """Every value of ``facet`` among these claims' studies -> the evidence-map cell of that
        value (what :meth:`tally_cell` gives for it), all in one pass over the claims."""
        studies: dict[str, set[str]] = {}
        behind: dict[str, set[str]] = {}
        for claim in claims:
            for study in self.of_claim(claim):
                for value in self.study_facet(study, facet):
                    studies.setdefault(value, set()).add(study)
                    behind.setdefault(value, set()).add(claim.uid)
        return {value: Tally(len(studies[value]), len(behind[value])) for value in studies}


def counted(link_stance: str) -> bool:
    """Whether a concept link counts as evidence: it has a stance (method claims have none)."""
    return bool(link_stance)
