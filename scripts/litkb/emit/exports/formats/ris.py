"""RIS export, as Zotero's RIS translator reads and writes it (TY CHAP with T2 book title and A2
editors, BOOK with A3 editors, RPRT with PB institution and SN report number, ...); the provenance
goes into an ``N1`` note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ....core.model import Source
from ...cite.csl import CSL_TYPES, provenance_note, source_to_csl
from ..spec import ExportFormat

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


FORMAT = ExportFormat("ris", "RIS", "ris", "RIS in an N1 note", lambda _kb, sources: to_ris(sources))
