"""The plain reference shown when no citation formatter is given (golden tests), and reading the
year back out of a label. The labels themselves are :mod:`litkb.labels` (shared with search).

Input: sources and labels. Output: plain text (callers make it Markdown-safe).
"""

from __future__ import annotations

from ...core.model import Source


def plain_reference(source: Source, label_year: str) -> str:
    """Fallback reference when :mod:`litkb.cite` is absent: "Authors (year). Title. Container."

    Plain text; ``label_year`` carries the disambiguation letter ("2009b").
    """
    people = source.authors or source.editors
    names = "; ".join(p.sort_name for p in people) or "Anon."
    if not source.authors and source.editors:
        names += " (Ed.)" if len(source.editors) == 1 else " (Eds.)"
    parts = [f"{names} ({label_year}). {source.title.rstrip('.') or '[no title]'}."]
    container = source.container
    if container and container != source.title:
        detail = ", ".join(bit for bit in (container, _volume_issue(source), source.fields.get("pages", "").replace("--", "–")) if bit)
        parts.append(f"{'In ' if source.entry_type in ('incollection', 'inproceedings', 'inbook') else ''}{detail}.")
    if source.fields.get("publisher") and source.fields.get("publisher") != container:
        parts.append(f"{source.fields['publisher']}.")
    if source.fields.get("doi"):
        parts.append(f"https://doi.org/{source.fields['doi']}")
    return " ".join(parts)


def _volume_issue(source: Source) -> str:
    """"41(3)", "41" or "3"."""
    volume, number = source.fields.get("volume", ""), source.fields.get("number", "")
    return f"{volume}({number})" if volume and number else volume or number


def year_of_label(label: str) -> str:
    """"Gronn (2009b)" -> "2009b"."""
    return label[label.rfind("(") + 1 : -1] if label.endswith(")") else ""
