"""Author-year labels ("Gronn (2009b)", "Spillane and Diamond (2007)", "Day et al. (2007)") and a
plain reference, computed once for the whole library so a work has the same label on every page.

Input: the knowledge base's sources. Output: plain text (callers make it Markdown-safe).
"""

from __future__ import annotations

from ..model import KnowledgeBase, Source


def name_part(source: Source) -> str:
    """The author part of a label: ``shortauthor`` if given (NCSL), else one, two or "et al."."""
    short = source.fields.get("shortauthor", "").strip()
    if short:
        return short
    families = [p.family for p in source.creators]
    if not families:
        return "Anon."
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} and {families[1]}"
    return f"{families[0]} et al."


def author_year_labels(kb: KnowledgeBase, style: str) -> dict[str, str]:
    """Every key -> "Name (year)", with the year suffix ("2009b") the citation style gives the work.

    The letters come from :func:`litkb.cite.year_suffixes`, so a label always agrees with the
    formatted reference and with ``kb cite``. They follow the reference-list order of the whole
    library, which can differ from the letter a seed text uses for the same work (the seeds cite
    from shorter reference lists); the source page shows the key, which keeps the seed's letter.
    """
    from ..cite import year_suffixes

    suffixes = year_suffixes(kb, style)
    return {key: f"{name_part(source)} ({source.year or 'n.d.'}{suffixes.get(key, '')})" for key, source in kb.sources.items()}


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
