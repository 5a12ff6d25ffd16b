"""Exports of the library for reference managers, and per-concept evidence packs.

Input: the linked model (:class:`~litkb.model.KnowledgeBase`) and a selection of its sources.
Output: text in one of three formats, deterministic (sorted by key; same input, same bytes):

- ``bibtex``: the entries exactly as written in references.bib (with their provenance fields
  ``verification``, ``verification_note``, ``unconfirmed``, ``doubt``), plus the ``crossref``
  parents they need, placed last as BibTeX requires, so the file re-imports on its own.
- ``csl-json``: CSL-JSON items (:mod:`litkb.csl`) valid against the CSL data schema; the
  provenance goes into ``note`` (Zotero shows it as Extra) and ``custom``.
- ``ris``: RIS as Zotero's RIS translator reads and writes it (TY CHAP with T2 book title and A2
  editors, BOOK with A3 editors, RPRT with PB institution and SN report number, ...); the
  provenance goes into an ``N1`` note.

Nothing is filled in: a field the entry does not have is not written.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ...core.model import Claim, ConceptLink, KnowledgeBase, Source
from ...core.text import fold
from ...core.vocabulary import STANCES
from ..cite.csl import CSL_TYPES, provenance_note, source_to_csl

FORMATS = ("bibtex", "csl-json", "ris")
EXTENSIONS = {"bibtex": "bib", "csl-json": "json", "ris": "ris"}
CLAIM_COLUMNS = ("concept", "stance", "claim", "quote", "locator", "source key", "reported by")


class SelectionError(ValueError):
    """A selection naming a concept, author or key the knowledge base does not have."""


# ---------------------------------------------------------------------------------------------
# Selection


def evidence_keys(kb: KnowledgeBase, concept_id: str) -> set[str]:
    """Keys of the works behind a concept's evidence: the works its claims are about, the notes
    reporting them, and the source (and reporting source) of its definition."""
    keys: set[str] = set()
    for claim, _link in kb.claims_about_concept(concept_id):
        keys.add(claim.about)
        keys.add(claim.note_key)
    concept = kb.concepts.get(concept_id)
    if concept is not None:
        keys.update(k for k in (concept.definition.source, concept.definition.reported_by) if k)
    return {k for k in keys if k in kb.sources}


def author_keys(kb: KnowledgeBase, name: str) -> set[str]:
    """Keys of works by ``name`` (a person id "gronn-p", a family name "Gronn" or a sorted name
    "Gronn, Peter"; case and accents ignored): works they wrote, and volumes they edited. A
    chapter is not a work of its volume's editors."""
    wanted = fold(name.strip())
    matches = {pid for pid, p in kb.persons.items() if wanted in (fold(pid), fold(p.family), fold(p.sort_name), fold(p.display))}
    if not matches:
        raise SelectionError(f"no author or editor named '{name}' in the library")
    return {key for key, s in kb.sources.items() if any(p.id in matches for p in s.creators)}


def select_sources(kb: KnowledgeBase, *, concepts: Iterable[str] = (), authors: Iterable[str] = (), keys: Iterable[str] = ()) -> list[Source]:
    """The sources a selection names, sorted by key.

    Repeating one kind of option widens the selection (``--author Gronn --author Spillane``:
    works of either); different kinds narrow it (``--concept X --author Gronn``: Gronn's works
    in the evidence for X). No option selects the whole library. Unknown names raise
    :class:`SelectionError`.
    """
    chosen: set[str] = set(kb.sources)
    concepts, authors, keys = list(concepts), list(authors), list(keys)
    if concepts:
        unknown = [c for c in concepts if c not in kb.concepts]
        if unknown:
            raise SelectionError(f"unknown concept '{unknown[0]}'")
        chosen &= set().union(*(evidence_keys(kb, c) for c in concepts))
    if authors:
        chosen &= set().union(*(author_keys(kb, a) for a in authors))
    if keys:
        unknown = [k for k in keys if k not in kb.sources]
        if unknown:
            raise SelectionError(f"unknown key '{unknown[0]}'")
        chosen &= set(keys)
    return [kb.sources[k] for k in sorted(chosen)]


# ---------------------------------------------------------------------------------------------
# Formats


def to_bibtex(kb: KnowledgeBase, sources: Sequence[Source]) -> str:
    """The entries as written in references.bib, sorted by key; ``crossref`` parents not in the
    selection follow at the end (BibTeX resolves a crossref only to a later entry)."""
    keys = [s.key for s in sources]
    parents: list[str] = []
    for source in sources:
        parent = source.fields.get("crossref", "")
        if parent in kb.sources and parent not in keys and parent not in parents:
            parents.append(parent)
    blocks = [kb.sources[k].raw_bibtex.strip() for k in (*keys, *sorted(parents))]
    header = (
        f"% {len(blocks)} entries from the distributed-leadership evidence base.\n"
        "% verification / verification_note / unconfirmed / doubt record how each entry was checked.\n"
    )
    return header + "\n" + "\n\n".join(blocks) + "\n"


def to_csl_json(sources: Sequence[Source]) -> str:
    """A CSL-JSON array (UTF-8 text, two-space indent, keys sorted)."""
    items = [source_to_csl(s, provenance=True) for s in sources]
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# CSL type -> RIS TY, as Zotero's RIS translator exports the matching Zotero item types.
_RIS_TYPES = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "document": "GEN",
    "manuscript": "MANSCPT",
    "pamphlet": "PAMP",
    "paper-conference": "CONF",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
}
# Where Zotero reads editors: A3 for a book, A2 for a chapter, paper, article or document;
# for other types ED, which it imports as editor.
_EDITOR_TAG = {"BOOK": "A3", "CHAP": "A2", "CONF": "A2", "JOUR": "A2", "GEN": "A2"}
_SPACES = re.compile(r"\s+")


def to_ris(sources: Sequence[Source], record: Callable[[Source], str] | None = None) -> str:
    """RIS records (CRLF line ends, a blank line between records), one per source (``record``
    makes one; default :func:`ris_record`)."""
    return "".join(map(record or ris_record, sources))


def ris_record(source: Source) -> str:
    """One RIS record, "TY  - ..." to "ER  - "."""
    item = source_to_csl(source, provenance=False)
    ty = _RIS_TYPES.get(CSL_TYPES.get(source.entry_type, "document"), "GEN")
    lines: list[tuple[str, Any]] = [("TY", ty), ("ID", source.key)]
    lines += [("AU", _ris_name(n)) for n in item.get("author", [])]
    lines += [(_EDITOR_TAG.get(ty, "ED"), _ris_name(n)) for n in item.get("editor", [])]
    lines.append(("TI", item.get("title")))
    container, series = item.get("container-title"), item.get("collection-title")
    if ty in ("BOOK", "RPRT"):
        lines.append(("T2", series))  # Zotero: series (book), series title (report)
    else:
        lines += [("T2", container), ("T3", series)]
    year = (item.get("issued", {}).get("date-parts") or [[None]])[0][0] or item.get("issued", {}).get("literal")
    lines.append(("PY", year))
    lines += [("VL", item.get("volume")), ("IS", item.get("issue"))]
    if item.get("collection-number"):
        # Number within the series: Zotero reads it as SV (chapter) or M1 (book); elsewhere VL.
        lines.append(({"CHAP": "SV", "BOOK": "M1"}.get(ty, "VL"), item["collection-number"]))
    first, _, last = str(item.get("page", "")).partition("-")
    lines += [("SP", first), ("EP", last)]
    lines.append(("ET", source.fields.get("edition")))
    lines.append(("C1" if ty == "CONF" else "CY", item.get("publisher-place")))
    lines.append(("PB", item.get("publisher")))
    lines.append(("SN", item.get("number") if ty == "RPRT" else item.get("ISBN") or item.get("ISSN")))
    lines.append(("M3", item.get("genre")))
    lines += [("DO", item.get("DOI")), ("UR", item.get("URL")), ("LA", item.get("language")), ("AB", item.get("abstract"))]
    if item.get("medium"):
        lines.append(("N1", f"howpublished: {item['medium']}"))
    lines.append(("N1", provenance_note(source)))
    out = [f"{tag}  - {_SPACES.sub(' ', str(value)).strip()}\r\n" for tag, value in lines if value not in (None, "")]
    return "".join(out) + "ER  - \r\n\r\n"


def _ris_name(name: dict[str, str]) -> str:
    """CSL name -> "Family, Given" (a corporate name as it is)."""
    if "literal" in name:
        return name["literal"]
    return f"{name['family']}, {name['given']}" if name.get("given") else name["family"]


def export(kb: KnowledgeBase, sources: Sequence[Source], fmt: str) -> str:
    """The sources in ``fmt`` (one of :data:`FORMATS`)."""
    writers: dict[str, Callable[[], str]] = {
        "bibtex": lambda: to_bibtex(kb, sources),
        "csl-json": lambda: to_csl_json(sources),
        "ris": lambda: to_ris(sources),
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format '{fmt}' (one of {', '.join(FORMATS)})")
    return writers[fmt]()


# ---------------------------------------------------------------------------------------------
# Evidence packs


def concept_claims(kb: KnowledgeBase, concept_id: str) -> list[tuple[Claim, ConceptLink]]:
    """The concept's claims in page order: by stance (defines, supports, qualifies, contests),
    then by the year and key of the work the claim is about, then note and line."""

    def order(pair: tuple[Claim, ConceptLink]) -> tuple[int, str, str, str, int]:
        claim, link = pair
        about = kb.sources.get(claim.about)
        stance = STANCES.index(link.stance) if link.stance in STANCES else len(STANCES)
        return (stance, about.year if about else "", claim.about, claim.note_key, claim.line)

    return sorted(kb.claims_about_concept(concept_id), key=order)


def claims_csv(kb: KnowledgeBase, concept_id: str) -> str:
    """The concept's claims as CSV (RFC 4180: CRLF, quoted when needed), one row per claim.

    "source key" is the work the claim is about; "reported by" is the note's source when the
    claim is secondary (empty when the source says it itself). A cell that a spreadsheet would
    read as a formula gets a leading single quote (:func:`spreadsheet_safe`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CLAIM_COLUMNS)
    for claim, link in concept_claims(kb, concept_id):
        row = (concept_id, link.stance, claim.text, claim.quote, claim.locator, claim.about, claim.note_key if claim.reported else "")
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


def evidence_pack(kb: KnowledgeBase, concept_id: str, *, ris: Callable[[Source], str] | None = None) -> dict[str, str]:
    """A concept's evidence pack: file name -> text.

    ``<id>-evidence.bib`` and ``<id>-evidence.ris``: the works behind the concept's evidence
    (see :func:`evidence_keys`); ``<id>-claims.csv``: its claims (:func:`claims_csv`).
    ``ris`` makes one RIS record (default :func:`ris_record`). Raises KeyError for an unknown concept.
    """
    if concept_id not in kb.concepts:
        raise KeyError(concept_id)
    sources = [kb.sources[k] for k in sorted(evidence_keys(kb, concept_id))]
    return {
        f"{concept_id}-evidence.bib": to_bibtex(kb, sources),
        f"{concept_id}-evidence.ris": to_ris(sources, ris),
        f"{concept_id}-claims.csv": claims_csv(kb, concept_id),
    }


def evidence_packs(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Every concept's evidence pack (concept id -> :func:`evidence_pack`); a work behind several
    concepts has its RIS record made once."""
    records: dict[str, str] = {}

    def ris(source: Source) -> str:
        record = records.get(source.key)
        if record is None:
            record = records[source.key] = ris_record(source)
        return record

    return {concept_id: evidence_pack(kb, concept_id, ris=ris) for concept_id in kb.concepts}
