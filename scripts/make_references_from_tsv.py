#!/usr/bin/env python3
"""Generate references.bib from research/citations.tsv.

Input:  the citations table (tab-separated; columns id, entry_type, authors, year, title,
        container, volume, issue, pages, publisher, doi_or_isbn, cited_in, context, status).
Output: a BibTeX file with one entry per row, keyed by `id`, sorted by key, carrying the
        provenance fields verification, verification_note, unconfirmed, doubt, cited_context.

Every value comes from the table. The only editorial input is the JUDGEMENTS section below
(which table fields the status text flags as unconfirmed, the short `doubt` sentences, where a
techreport's container goes, title remarks moved to `note`), written by reading each row's status.
Standard library only; output is deterministic.

Usage: make_references_from_tsv.py PATH/TO/citations.tsv [-o PATH/TO/references.bib]
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

COLUMNS = ["id", "entry_type", "authors", "year", "title", "container", "volume", "issue",
           "pages", "publisher", "doi_or_isbn", "cited_in", "context", "status"]

STANDARD_TYPES = {"article", "book", "incollection", "inproceedings", "techreport", "misc"}

FIELD_ORDER = ["author", "editor", "shortauthor", "title", "journal", "booktitle", "crossref",
               "edition", "series", "volume", "number", "pages", "publisher", "address",
               "institution", "howpublished", "year", "doi", "isbn", "note", "verification",
               "verification_note", "unconfirmed", "doubt", "cited_context"]

# Places recognised at the end of the publisher column ("Publisher, Place"): only these are split
# off into `address`, so that e.g. "..., Temple University" is never mistaken for a place.
PLACES = {"Abingdon", "Bristol", "Cambridge, MA", "Dordrecht", "Edinburgh", "London",
          "New York", "Nottingham", "San Francisco, CA"}

HEADER = (
    "% references.bib - BibTeX library of the distributed-leadership knowledge base (the works cited\n"
    "% in the two seed texts). Generated from research/citations.tsv by\n"
    "% scripts/make_references_from_tsv.py, then maintained by hand / `kb import`.\n"
)

# ---------------------------------------------------------------------------------------------
# JUDGEMENTS (read from each row's status column; see the report that accompanied this script)
# ---------------------------------------------------------------------------------------------

# Parenthetical remarks in the title column that are notes, not part of the title.
TITLE_NOTES = {
    "bennett2003": "(Full Report; a separate Summary Report was also issued)",
}

# techreport containers that name a series or a context rather than an institution.
TECHREPORT_CONTAINER = {
    "bennett2003": {"howpublished": "A review of literature carried out for NCSL"},
    "leverett2002": {"series": "Spotlight on Student Success", "number": "709"},
    "leithwood2004": {"howpublished": "Learning from Leadership Project"},
    "day2007b": {"series": "DCSF Research Report", "number": "RR018"},
}

# Fields of the entry whose table value the status says is from memory / believed / not confirmed.
# For "unverified: from memory" rows every descriptive field is listed except `year`, which (with
# the surname) is what the seed itself cites.
UNCONFIRMED = {
    "leverett2002": ["author", "title", "series", "number", "publisher"],
    "fullan2002": ["author", "title", "journal", "publisher"],
    "gronn2006": ["author", "title"],
    "day2007b": ["author", "title", "series", "number", "publisher"],
    "harris2009c": ["title"],
    "ncsl2004": ["author", "year"],
    "pascal_ribbins1998": ["year"],
}

# Doubts flagged by the status: letter-suffix mapping, year disagreement, or which work is meant.
DOUBT = {
    "bennett2003": "Unclear whether the seed's p.3 quote comes from this Full Report or from the separate Summary Report.",
    "gronn2002": "Which 2002 Gronn work is meant is a judgement: his 2002 chapter 'Distributed leadership' in Leithwood & Hallinger (eds) is an alternative, judged less likely.",
    "southworth2002": "Work not identified: the seed cites only 'Southworth, 2002'; the candidates named in the status are from memory and are not used here.",
    "frost2000": "The seed cites 'Frost and Durrant, 2000'; mapping that to this four-author book is an inference (medium confidence).",
    "macbeath2003selfeval": "The seed cites 'Sutherland and Nishimura, 2003'; mapping that to this book is an inference (medium-low confidence) - it may be a chapter by Sutherland and Nishimura within it.",
    "hargreaves1975": "Year: the book was first published in 1972; 1975 is the year the seed cites.",
    "harris2009book": "Mapping of 'Harris 2009a' to the edited volume, rather than to its Introduction (pp.3-10), is medium confidence.",
    "harris2009b": "Mapping of 'Harris 2009b' to this chapter rests on page fit (medium-high confidence).",
    "harris2009c": "Mapping of 'Harris 2009c' to this item rests on page fit (medium confidence).",
    "leithwood2009book": "Year: Routledge lists release in July 2008; the book is dated, and cited as, 2009.",
    "leithwood2009a": "Mapping of 'Leithwood et al. 2009a' to this introductory chapter is low-medium confidence; it could instead denote the edited volume.",
    "leithwood2009b": "Mapping of 'Leithwood et al. 2009b' to this concluding chapter is medium confidence (page numbers not confirmed).",
    "gunter2012": "Year: the print edition was released on 16 Nov 2011; the seed (and the author's own list) cite it as 2012.",
    "crowther2009": "Year: the publisher's page gives 2008 while Torrance cites 2009; mapping the bare 'Crowther' citation to this book is medium-high confidence.",
    "spillane2005": "Mapping of 'Spillane, 2005b' to this article is low-medium confidence (no 2005a is cited).",
    "macbeath2009": "Mapping to this chapter is medium-high confidence (the only MacBeath 2009 item on distributed leadership found).",
    "duignan2008": "Work not identified: the seed cites only 'Duignan, 2008'; Duignan & Bezzina (2006) is related but a different work.",
    "leithwood2004": "Mapping to this report is medium-high confidence; the seed's p.7 'slogan' quote was not seen in it.",
    "robinson2009": "Mapping to this chapter is medium-high confidence.",
    "spillane2007": "Mapping of 'Spillane et al., 2007' to this article is medium confidence; other 2007 Spillane co-authored items exist.",
    "spillane2009a": "Which 2009 Spillane et al. chapter is '2009a' and which '2009b' is LOW confidence; the assignment may be the reverse (see spillane2009b).",
    "spillane2009b": "Mapping of '2009b' to this chapter is by content; an alphabetical a/b ordering would swap it with spillane2009a (LOW confidence).",
    "harris_spillane2008": "The seed's '(Harris, 2008: 31)' is also mapped to this entry, with medium confidence.",
    "harris2005": "Mapping is medium confidence: Harris also has a 2005 chapter 'Distributed leadership' in Davies (ed.), which the cited p.14 does not fit.",
    "mayrowetz2009": "Year: the repository record is dated 2008; the chapter is cited as 2009.",
    "dinham2009": "Work not identified: the seed refers to a 2009 report of Dinham's 2005 study; the guess in the status (a chapter in Harris (ed.) 2009) is unverified and not used.",
    "day2007b": "Which work is meant is uncertain: this interim report is a low-confidence candidate from memory for 'Day et al. (2007b)'; only the 2009 Final Report was found.",
    "ncsl2004": "Unclear whether Torrance's '3.1: 7' refers to the Summary or the Full Report; year and authors were not seen in the sources.",
}

# ---------------------------------------------------------------------------------------------
# Parsing helpers
# ---------------------------------------------------------------------------------------------

EDITOR_SUFFIX = re.compile(r"\s*\((?:eds|ed\.)\)\s*$")
CORPORATE = re.compile(r"^(?P<name>[^;,]+?) \((?P<short>[A-Z]{2,})\)$")
EDITION = re.compile(r"^(?P<title>.+) \((?P<edition>\d+(?:st|nd|rd|th)) edn\)$")
CHAPTER_CONTAINER = re.compile(
    r"^(?P<eds>.+?) \((?:eds|ed\.)\), (?P<title>.+?)(?: \((?P<series>[^()]+), vol\. (?P<volume>\d+)\))?$")
BOOK_SERIES = re.compile(r"^(?P<series>.+), vol\. (?P<volume>\d+)$")


def names(text: str) -> str:
    """'Last, First; Last, First' -> 'Last, First and Last, First'."""
    return " and ".join(part.strip() for part in text.split(";") if part.strip())


def split_publisher(text: str) -> tuple[str, str]:
    """'Publisher, Place' -> (publisher, place) when the tail is a known place, else (text, '')."""
    for i, ch in enumerate(text):
        if ch == "," and text[i + 1:].strip() in PLACES:
            return text[:i].strip(), text[i + 1:].strip()
    return text, ""


def pages(text: str) -> str:
    return re.sub(r"(\d)\s*[-\u2013]+\s*(\d)", r"\1--\2", text)


def identifiers(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        low = part.lower()
        if low.startswith("doi:"):
            out["doi"] = part[4:].strip()
        elif low.startswith("10."):
            out["doi"] = part
        elif low.startswith("isbn:"):
            out["isbn"] = part[5:].strip()
        elif low.startswith("isbn"):
            out["isbn"] = part[4:].strip()
        else:
            raise ValueError(f"unrecognised identifier: {part!r}")
    return out


def verification(status: str) -> str:
    s = status.strip()
    if s.startswith("verified: [PARTIAL"):
        return "partial"
    if s.startswith("verified:"):
        return "verified"
    if s.startswith("unverified"):
        return "unverified"
    if s.startswith("unknown"):
        return "unknown"
    raise ValueError(f"unrecognised status: {status!r}")


def escape(value: str) -> str:
    """Escape % and & (unless already escaped); refuse unbalanced braces."""
    value = re.sub(r"(?<!\\)([%&])", r"\\\1", value)
    depth = 0
    for ch in value:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            break
    if depth != 0:
        raise ValueError(f"unbalanced braces in {value!r}")
    return value


# ---------------------------------------------------------------------------------------------
# Row -> entry
# ---------------------------------------------------------------------------------------------

def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header != COLUMNS:
            raise ValueError(f"unexpected columns: {header}")
        rows = []
        for lineno, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(COLUMNS):
                raise ValueError(f"{path}:{lineno}: {len(cells)} cells, expected {len(COLUMNS)}")
            rows.append({k: v.strip() for k, v in zip(COLUMNS, cells, strict=True)})
    return rows


def edited_books(rows: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """(editors, title) -> id for every book row whose authors column marks editors."""
    out = {}
    for r in rows:
        if r["entry_type"] == "book" and EDITOR_SUFFIX.search(r["authors"]):
            out[(names(EDITOR_SUFFIX.sub("", r["authors"])), r["title"])] = r["id"]
    return out


def build_entry(r: dict[str, str], books: dict[tuple[str, str], str]) -> tuple[str, str, dict[str, str]]:
    key, etype = r["id"], r["entry_type"]
    if etype not in STANDARD_TYPES:
        raise ValueError(f"{key}: entry type {etype!r} needs a mapping decision")
    f: dict[str, str] = {}

    # people
    authors = r["authors"]
    if authors:
        corp = CORPORATE.match(authors)
        if EDITOR_SUFFIX.search(authors):
            f["editor"] = names(EDITOR_SUFFIX.sub("", authors))
        elif corp:
            f["author"] = "{" + corp.group("name") + "}"
            f["shortauthor"] = corp.group("short")
        else:
            f["author"] = names(authors)

    # title (+ remark moved to note, + edition)
    title = r["title"]
    if key in TITLE_NOTES:
        remark = TITLE_NOTES[key]
        if not title.endswith(" " + remark):
            raise ValueError(f"{key}: title remark not found")
        title = title[: -len(remark)].rstrip()
        f["note"] = remark[1:-1]
    m = EDITION.match(title)
    if m:
        title, f["edition"] = m.group("title"), m.group("edition")
    if title:
        f["title"] = title

    # container
    container = r["container"]
    if container:
        if etype == "article":
            f["journal"] = container
        elif etype == "incollection":
            m = CHAPTER_CONTAINER.match(container)
            if m:
                f["editor"] = names(m.group("eds"))
                f["booktitle"] = m.group("title")
                if m.group("series"):
                    f["series"], f["volume"] = m.group("series"), m.group("volume")
                parent = books.get((f["editor"], f["booktitle"]))
                if parent:
                    f["crossref"] = parent
            else:
                f["booktitle"] = container
        elif etype == "inproceedings":
            f["booktitle"] = container
        elif etype == "techreport":
            if key in TECHREPORT_CONTAINER:
                f.update(TECHREPORT_CONTAINER[key])
            else:
                f["institution"] = container
        elif etype == "misc":
            f["howpublished"] = container
        elif etype == "book":
            m = BOOK_SERIES.match(container)
            if m and m.group("volume") == r["volume"]:
                f["series"] = m.group("series")
            else:
                f["series"] = container

    # numbers and imprint
    if r["volume"]:
        f["volume"] = r["volume"]
    if r["issue"]:
        f["number"] = r["issue"]
    if r["pages"]:
        f["pages"] = pages(r["pages"])
    if r["publisher"]:
        f["publisher"], address = split_publisher(r["publisher"])
        if address:
            f["address"] = address
    if r["year"]:
        f["year"] = r["year"]
    if r["doi_or_isbn"]:
        f.update(identifiers(r["doi_or_isbn"]))

    # provenance
    f["verification"] = verification(r["status"])
    f["verification_note"] = r["status"]
    if key in UNCONFIRMED:
        missing = [x for x in UNCONFIRMED[key] if x not in f]
        if missing:
            raise ValueError(f"{key}: unconfirmed names absent fields {missing}")
        f["unconfirmed"] = ", ".join(x for x in FIELD_ORDER if x in UNCONFIRMED[key])
    if key in DOUBT:
        f["doubt"] = DOUBT[key]
    if r["context"]:
        f["cited_context"] = r["context"]
    return etype, key, f


def render(etype: str, key: str, f: dict[str, str]) -> str:
    unknown = set(f) - set(FIELD_ORDER)
    if unknown:
        raise ValueError(f"{key}: unexpected fields {sorted(unknown)}")
    lines = [f"@{etype}{{{key},"]
    for name in FIELD_ORDER:
        if name in f:
            lines.append(f"  {name} = {{{escape(f[name])}}},")
    lines.append("}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", type=Path, help="path to research/citations.tsv")
    ap.add_argument("-o", "--output", type=Path,
                    default=Path(__file__).resolve().parent.parent / "references.bib",
                    help="output .bib (default: references.bib at the repository root)")
    args = ap.parse_args(argv)

    rows = read_rows(args.tsv)
    keys = [r["id"] for r in rows]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise SystemExit(f"duplicate ids: {dupes}")
    for table in (TITLE_NOTES, TECHREPORT_CONTAINER, UNCONFIRMED, DOUBT):
        stray = set(table) - set(keys)
        if stray:
            raise SystemExit(f"judgements name ids not in the table: {sorted(stray)}")

    books = edited_books(rows)
    entries = sorted((build_entry(r, books) for r in rows), key=lambda e: e[1])
    for _, key, f in entries:
        for required in ("title", "year"):
            if required not in f:
                print(f"warning: {key} has no {required} in the table", file=sys.stderr)

    text = HEADER + "\n" + "\n\n".join(render(*e) for e in entries) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(entries)} entries to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
