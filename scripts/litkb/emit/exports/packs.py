"""Per-concept evidence packs: the works behind a concept's evidence as BibTeX and RIS, and its
claims as CSV, offered for download on each concept page.

Input: the linked model. Output: file name -> text, deterministic (same input, same bytes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection

from ...core.model import Claim, ConceptLink, KnowledgeBase, Source
from ...core.vocabulary import STANCES
from ..evidence import Studies
from .formats.bibtex import to_bibtex
from .formats.ris import ris_record, to_ris
from .selection import evidence_keys

CLAIM_COLUMNS = ("concept", "stance", "type", "claim", "quote", "locator", "source key", "cited as", "reported by", "study")


def concept_claims(kb: KnowledgeBase, concept_id: str) -> list[tuple[Claim, ConceptLink]]:
    """The concept's claims in page order: by stance (defines, supports, qualifies, contests),
    then by the year and key of the work the claim is about, then note and line."""

    def order(pair: tuple[Claim, ConceptLink]) -> tuple[int, str, tuple[str, ...], str, int]:
        claim, link = pair
        about = kb.sources.get(claim.works[0]) if claim.works else None
        stance = STANCES.index(link.stance) if link.stance in STANCES else len(STANCES)
        return (stance, about.year if about else "", claim.works, claim.note_key, claim.line)

    return sorted(kb.claims_about_concept(concept_id), key=order)


def claims_csv(kb: KnowledgeBase, concept_id: str, studies: Studies | None = None) -> str:
    """The concept's claims as CSV (RFC 4180: CRLF, quoted when needed), one row per claim: a
    claim citing several works is one row.

    "source key" is the work the claim is about (several keys joined by "; "), "cited as" how the
    reporting text printed each ("; " too); "reported by" is the note's source when the claim is
    secondary (empty when the source says it itself); "study" names the claim's studies
    (:mod:`litkb.emit.evidence`: two reports of one study are one), so that a reader counts
    studies, not rows. "stance" is empty for a method claim (not counted as evidence). A cell
    that a spreadsheet would read as a formula gets a leading single quote (:func:`spreadsheet_safe`).
    ``studies``: the caller's :class:`~litkb.emit.evidence.Studies` of ``kb`` (one is made otherwise).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CLAIM_COLUMNS)
    studies = studies if studies is not None else Studies(kb)
    for claim, link in concept_claims(kb, concept_id):
        row = (concept_id, link.stance, claim.type, claim.text, claim.quote, claim.locator, "; ".join(claim.works), "; ".join(claim.cited_as),
               claim.note_key if claim.reported else "", "; ".join(studies.of_claim(claim)))
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


# A spreadsheet opening the CSV reads a cell starting with one of these as a formula (OWASP's
# "CSV Injection" list: '=', '+', '-', '@', tab and carriage return), and a formula can fetch
# URLs or run commands. Claims come with pull requests from anyone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet reads it as text: OWASP's defence, a single quote before a cell
    that starts like a formula (a reader may see the quote; other cells are unchanged)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def evidence_pack(kb: KnowledgeBase, concept_id: str, *, ris: Callable[[Source], str] | None = None, studies: Studies | None = None) -> dict[str, str]:
    """A concept's evidence pack: file name -> text.

    ``<id>-evidence.bib`` and ``<id>-evidence.ris``: the works behind the concept's evidence
    (see :func:`evidence_keys`); ``<id>-claims.csv``: its claims (:func:`claims_csv`).
    ``ris`` makes one RIS record (default :func:`ris_record`); ``studies``: as for :func:`claims_csv`.
    Raises KeyError for an unknown concept.
    """
    if concept_id not in kb.concepts:
        raise KeyError(concept_id)
    sources = [kb.sources[k] for k in sorted(evidence_keys(kb, concept_id))]
    return {
        f"{concept_id}-evidence.bib": to_bibtex(kb, sources),
        f"{concept_id}-evidence.ris": to_ris(sources, ris),
        f"{concept_id}-claims.csv": claims_csv(kb, concept_id, studies),
    }


def evidence_packs(kb: KnowledgeBase, only: Collection[str] | None = None) -> dict[str, dict[str, str]]:
    """Every concept's evidence pack (concept id -> :func:`evidence_pack`), or those of the
    concepts in ``only``; a work behind several concepts has its RIS record made once."""
    records: dict[str, str] = {}
    studies = Studies(kb)

    def ris(source: Source) -> str:
        record = records.get(source.key)
        if record is None:
            record = records[source.key] = ris_record(source)
        return record

    return {concept_id: evidence_pack(kb, concept_id, ris=ris, studies=studies) for concept_id in kb.concepts if only is None or concept_id in only}
