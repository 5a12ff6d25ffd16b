"""CSL-JSON for the model: :class:`~litkb.core.model.Source` -> CSL-JSON item, and back to BibTeX fields.

Input: sources of the linked model. Output: plain ``dict`` items in the CSL data format
(https://citationstyles.org, ``csl-data.json``), usable by citeproc-py and by reference managers
(Zotero, Mendeley import CSL-JSON). The reverse direction, :func:`csl_to_bibtex_fields`, turns an
item back into BibTeX entry type + fields so the round trip can be checked through the real loader.

Only what the entry says is carried: nothing is filled in. The provenance of an entry (its
``verification`` status and note, ``unconfirmed`` fields, ``doubt``) goes into the CSL ``note``
when ``provenance=True`` (exports); formatting uses ``provenance=False`` (no style prints it anyway).
"""

from __future__ import annotations

import re
from typing import Any

from ...core.model import Person, Source
from ...core.vocabulary import PROVENANCE_FIELDS, VERBATIM_FIELDS

# BibTeX/biblatex entry type -> CSL item type (CSL 1.0.2 types).
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "collection": "book",
    "conference": "paper-conference",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "misc": "document",
    "online": "webpage",
    "phdthesis": "thesis",
    "proceedings": "book",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "unpublished": "manuscript",
}
# CSL item type -> the BibTeX type written back (the round trip's inverse of CSL_TYPES).
BIBTEX_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "document": "misc",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "webpage": "online",
}
# The thesis genre is what tells a doctoral from a master's thesis once the type is "thesis"
# (biblatex's own wording for these entry types; a `type` field overrides it).
_THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# Simple one-to-one fields: BibTeX name -> CSL variable.
_SIMPLE = (
    ("title", "title"),
    ("doi", "DOI"),
    ("url", "URL"),
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("address", "publisher-place"),
    ("location", "publisher-place"),
    ("abstract", "abstract"),
    ("language", "language"),
)
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)?$", re.IGNORECASE)


def person_to_csl(person: Person) -> dict[str, str]:
    """A person -> CSL name: ``{"family", "given"}``, or ``{"literal"}`` for a corporate author."""
    if person.corporate or not person.given:
        return {"literal": person.family} if person.corporate else {"family": person.family}
    return {"family": person.family, "given": person.given}


def source_to_csl(source: Source, *, provenance: bool = True, year_suffix: str = "") -> dict[str, Any]:
    """One source -> one CSL-JSON item (keys sorted, so dumps are byte-stable).

    ``year_suffix`` ("b") is the disambiguation letter computed for the library (see
    :func:`litkb.emit.cite.format.year_suffixes`); citeproc-py prints it after the year.
    """
    f = source.fields
    item: dict[str, Any] = {"id": source.key, "type": CSL_TYPES.get(source.entry_type, "document")}
    if source.authors:
        item["author"] = [person_to_csl(p) for p in source.authors]
    if source.editors:
        item["editor"] = [person_to_csl(p) for p in source.editors]
    for bib_name, csl_name in _SIMPLE:
        if f.get(bib_name) and csl_name not in item:
            item[csl_name] = f[bib_name]
    container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
    if container:
        item["container-title"] = container
    publisher = f.get("publisher") or f.get("institution") or f.get("school") or f.get("organization")
    if publisher:
        item["publisher"] = publisher
    if f.get("pages"):
        item["page"] = _csl_pages(f["pages"])
    _numbers(source, item)
    if f.get("edition"):
        match = _ORDINAL.match(f["edition"].strip())
        # "5th" and "5" are the same edition; CSL wants the number so styles can say "5th ed."/"5th edn."
        item["edition"] = match.group(1) if match else f["edition"]
    genre = f.get("type") or _THESIS_GENRE.get(source.entry_type, "")
    if genre:
        item["genre"] = genre
    if f.get("howpublished"):
        # Free text ("A review of literature carried out for NCSL"); CSL's nearest variable is medium.
        item["medium"] = f["howpublished"]
    if f.get("eventtitle"):
        # "event": the CSL 1.0.1 name that the csl-data.json schema and citeproc-py know (1.0.2: event-title).
        item["event"] = f["eventtitle"]
    issued = _issued(source)
    if issued:
        item["issued"] = issued
    if year_suffix:
        item["year-suffix"] = year_suffix
    if provenance:
        # Reference managers show "note" (Zotero: Extra); "custom" keeps the same facts as
        # key-value pairs, the schema's recommended place for data without a CSL variable.
        note = provenance_note(source)
        if note:
            item["note"] = note
        item["custom"] = {name: f[name] for name in PROVENANCE_FIELDS if f.get(name)} or {"verification": source.verification}
    return dict(sorted(item.items()))


def _numbers(source: Source, item: dict[str, Any]) -> None:
    """volume / number / series, whose meaning depends on the entry type.

    In an article ``number`` is the issue; in a report it is the report number; in a chapter or a
    book that has a ``series``, ``volume`` is the number within the series.
    """
    f = source.fields
    series = f.get("series", "")
    if series:
        item["collection-title"] = series
    if f.get("volume"):
        if series and source.entry_type not in ("article", "periodical"):
            item["collection-number"] = f["volume"]
        else:
            item["volume"] = f["volume"]
    if f.get("number"):
        if source.entry_type == "article":
            item["issue"] = f["number"]
        else:
            item["number"] = f["number"]
    if f.get("issue") and "issue" not in item:
        item["issue"] = f["issue"]


def _csl_pages(pages: str) -> str:
    """"111--136" -> "111-136" (CSL ranges use one hyphen; styles print the en dash)."""
    return re.sub(r"\s*-{1,3}\s*|\s*–\s*", "-", pages.strip())


def _issued(source: Source) -> dict[str, Any] | None:
    """year (+ month) or an ISO ``date`` -> CSL date; a non-numeric year stays a literal."""
    f = source.fields
    date = f.get("date", "")
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date)
    if match:
        return {"date-parts": [[int(p) for p in match.groups() if p]]}
    year = source.year.strip()
    if not year:
        return None
    if not year.isdigit():
        return {"literal": year}
    parts = [int(year)]
    month = f.get("month", "").strip()
    if month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    return {"date-parts": [parts]}


def provenance_note(source: Source) -> str:
    """"verification: partial; verification_note: ...; unconfirmed: year; doubt: ..." (or "")."""
    f = source.fields
    bits = [f"{name}: {f[name]}" for name in PROVENANCE_FIELDS if f.get(name)]
    if not f.get("verification"):
        bits.insert(0, f"verification: {source.verification}")
    return "; ".join(bits)


# ---------------------------------------------------------------------------------------------
# The reverse direction, for the round trip: CSL-JSON item -> BibTeX entry type and fields.


def csl_to_bibtex_fields(item: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """One CSL-JSON item -> (BibTeX entry type, fields as Unicode text, names in BibTeX form).

    The inverse of :func:`source_to_csl` for the fields it writes; provenance comes back from
    ``custom``. Names become "Family, Given and ..." with corporate names in braces.
    """
    csl_type = str(item.get("type", "document"))
    entry_type = BIBTEX_TYPES.get(csl_type, "misc")
    if csl_type == "thesis" and item.get("genre") == _THESIS_GENRE["mastersthesis"]:
        entry_type = "mastersthesis"
    fields: dict[str, str] = {}
    for role in ("author", "editor"):
        if item.get(role):
            fields[role] = " and ".join(_bibtex_name(n) for n in item[role])
    for bib_name, csl_name in _SIMPLE:
        if item.get(csl_name) and bib_name != "location" and bib_name not in fields:
            fields[bib_name] = str(item[csl_name])
    if item.get("container-title"):
        fields["journal" if entry_type == "article" else "booktitle"] = str(item["container-title"])
    if item.get("publisher"):
        # A thesis's "publisher" is the university, which BibTeX calls school.
        fields["school" if entry_type in ("phdthesis", "mastersthesis") else "publisher"] = str(item["publisher"])
    if item.get("page"):
        fields["pages"] = str(item["page"]).replace("-", "--")
    if item.get("collection-title"):
        fields["series"] = str(item["collection-title"])
    for csl_name, bib_name in (("collection-number", "volume"), ("volume", "volume"), ("issue", "number"), ("number", "number")):
        if item.get(csl_name) and bib_name not in fields:
            fields[bib_name] = str(item[csl_name])
    for csl_name, bib_name in (("edition", "edition"), ("medium", "howpublished"), ("event", "eventtitle")):
        if item.get(csl_name):
            fields[bib_name] = str(item[csl_name])
    if item.get("genre") and item["genre"] not in _THESIS_GENRE.values():
        fields["type"] = str(item["genre"])
    custom = item.get("custom") or {}
    for name in PROVENANCE_FIELDS:
        if isinstance(custom, dict) and custom.get(name):
            fields[name] = str(custom[name])
    issued = item.get("issued") or {}
    parts = (issued.get("date-parts") or [[]])[0]
    if parts:
        fields["year"] = str(parts[0])
        if len(parts) > 1:
            fields["month"] = str(parts[1])
    elif issued.get("literal"):
        fields["year"] = str(issued["literal"])
    return entry_type, fields


def _bibtex_name(name: dict[str, Any]) -> str:
    if name.get("literal"):
        return "{" + str(name["literal"]) + "}"
    family = str(name.get("family", ""))
    given = str(name.get("given", ""))
    return f"{family}, {given}" if given else family


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", **{c: "\\" + c for c in "&%$#_"}}


def csl_to_bibtex(items: list[dict[str, Any]]) -> str:
    """CSL-JSON items -> BibTeX text (one entry per item, keyed by ``id``) that
    :func:`litkb.load.bibtex.parse_bibtex` reads back to the same Unicode field values."""
    blocks = []
    for item in items:
        entry_type, fields = csl_to_bibtex_fields(item)
        lines = [f"@{entry_type}{{{item['id']},"]
        for name, value in fields.items():
            if name in ("author", "editor"):
                # Built again from the item: a corporate name may itself contain " and ".
                value = " and ".join(_escape_name(_bibtex_name(n)) for n in item[name])
            else:
                value = _bibtex_value(name, value)
            lines.append(f"  {name} = {{{value}}},")
        blocks.append("\n".join(lines) + "\n}\n")
    return "\n".join(blocks)


def _bibtex_value(name: str, value: str) -> str:
    # The loader keeps these verbatim, undoing only the escaped specials: only those are escaped.
    if name in VERBATIM_FIELDS:
        return re.sub(r"([&%$#_])", r"\\\1", value)
    return "".join(_LATEX_SPECIAL.get(c, c) for c in value)


def _escape_name(name: str) -> str:
    """Escape LaTeX specials in one BibTeX name, keeping a corporate name's enclosing braces."""
    if name.startswith("{") and name.endswith("}"):
        return "{" + "".join(_LATEX_SPECIAL.get(c, c) for c in name[1:-1]) + "}"
    return "".join(_LATEX_SPECIAL.get(c, c) for c in name)
