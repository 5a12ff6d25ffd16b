"""Author-year labels ("Gronn (2009b)", "Spillane and Diamond (2007)", "Day et al. (2007)") and a
plain reference, computed once for the whole library so a work has the same label on every page.

Input: the knowledge base's sources. Output: plain text (callers make it Markdown-safe).
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Mapping

from ..model import Source


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


def author_year_labels(sources: Mapping[str, Source]) -> dict[str, str]:
    """Every key -> "Name (year)", with a letter when one name and year cover several works.

    The letter written in the key ("gronn2009b") is kept when it is unambiguous within its group,
    so labels match the way the literature cites these works; the other works of the group get
    the remaining letters in key order.
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in sorted(sources):
        source = sources[key]
        groups[(name_part(source), source.year or "n.d.")].append(key)
    labels: dict[str, str] = {}
    for (name, year), keys in groups.items():
        if len(keys) == 1:
            labels[keys[0]] = f"{name} ({year})"
            continue
        letters = _letters(keys, year)
        for key in keys:
            labels[key] = f"{name} ({year}{letters[key]})"
    return labels


def _letters(keys: list[str], year: str) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for key in keys:
        match = re.search(re.escape(year) + r"([a-z])$", key)
        if match:
            wanted[key] = match.group(1)
    counts: dict[str, int] = defaultdict(int)
    for letter in wanted.values():
        counts[letter] += 1
    chosen = {k: v for k, v in wanted.items() if counts[v] == 1}
    free = iter(c for c in string.ascii_lowercase if c not in chosen.values())
    for key in keys:
        if key not in chosen:
            chosen[key] = next(free, "?")
    return chosen


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
