"""Naming a concept or a work on the command line: one resolver for every command.

``kb search concept:...``, ``kb export --concept``, ``kb cite`` and ``kb new`` accept a concept by
its id, its label or an alias, in any case and with or without accents or hyphens, and offer the
nearest names when nothing matches; a BibTeX key is matched exactly, with the nearest keys offered.

Input: what a user typed and the names known. Output: a concept id or key, or None, and the
nearest candidates for a "did you mean" hint. Pure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sequence

from .model import Concept
from .text import fold


class UnknownName(ValueError):
    """A concept or key that the knowledge base does not have; the message ends with the nearest
    names, if any ("unknown concept 'hybird' (did you mean 'hybrid-leadership'?)")."""


def either(items: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b or c"."""
    return " or ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def name_key(text: str) -> str:
    """How names are compared: folded words joined by '-' ("Hybrid  Leadership" -> "hybrid-leadership")."""
    return "-".join(re.findall(r"\w+", fold(text)))


def concept_names(concepts: Mapping[str, Concept]) -> dict[str, list[str]]:
    """Concept id -> the names a reader may type for it: id (as words), label and aliases."""
    return {cid: sorted({cid.replace("-", " "), c.label, *c.aliases}) for cid, c in concepts.items()}


def resolve_concept(value: str, names: Mapping[str, Sequence[str]]) -> str | None:
    """What a reader typed (id, label or alias) -> a concept id, or None."""
    key = name_key(value)
    if key in names:
        return key
    for cid, cnames in sorted(names.items()):
        if any(name_key(n) == key for n in cnames):
            return cid
    return None


def closest_concepts(value: str, names: Mapping[str, Sequence[str]], n: int = 3) -> list[str]:
    """The concept ids nearest to an unknown name, best first (for "did you mean"): those with a
    name that begins with it or has it as a whole word ("hybrid" -> hybrid-leadership), then
    those whose id, label or alias is spelt most alike ("hybird-leadership"), then, for one word,
    those with a word spelt alike ("hybrd")."""
    wanted = name_key(value)
    if not wanted:
        return []
    owner: dict[str, str] = {}
    for cid in sorted(names):
        owner.setdefault(cid, cid)
        for name in names[cid]:
            owner.setdefault(name_key(name), cid)
    found: dict[str, None] = {}
    for key in sorted(owner, key=lambda k: (len(k), k)):
        if key.startswith(wanted) or wanted in key.split("-"):
            found[owner[key]] = None
    # Spelt alike: the closest names, and others only when nearly as close (so that a typo in a
    # long name does not bring every name sharing its last word).
    scored = sorted(((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in owner), key=lambda item: (-item[0], item[1]))
    best = scored[0][0] if scored else 0.0
    for ratio, key in scored[:n]:
        if ratio >= 0.6 and ratio >= best - 0.05:
            found[owner[key]] = None
    if "-" not in wanted and len(found) < n:
        # One misspelt word of a longer name ("hybrd" for hybrid leadership).
        for key in sorted(owner, key=lambda k: (len(k), k)):
            if difflib.get_close_matches(wanted, key.split("-"), n=1, cutoff=0.8):
                found[owner[key]] = None
    return list(found)[:n]


def closest_concept(value: str, names: Mapping[str, Sequence[str]]) -> str | None:
    """The nearest concept id to an unknown name (:func:`closest_concepts`), or None."""
    near = closest_concepts(value, names, 1)
    return near[0] if near else None


def concept_id(value: str, concepts: Mapping[str, Concept]) -> str:
    """The id of the concept ``value`` names; :class:`UnknownName` with the nearest one if none."""
    names = concept_names(concepts)
    found = resolve_concept(value, names)
    if found is not None:
        return found
    near = [f"'{cid}'" for cid in closest_concepts(value, names)]
    hint = either(near)
    raise UnknownName(f"unknown concept '{value}'" + (f" (did you mean {hint}?)" if near else " (kb search kind:concept lists them)"))


def near_keys(value: str, keys: Collection[str], n: int = 3) -> list[str]:
    """The keys nearest to an unknown one ("gronn2009" -> gronn2009a, gronn2009b, ...), best first."""
    return difflib.get_close_matches(value, sorted(keys), n=n, cutoff=0.6)


def unknown_keys(values: Sequence[str], keys: Collection[str]) -> str:
    """"unknown key: gronn2009 (did you mean gronn2009a, gronn2009b or gronn2009c?)" for the values
    not in ``keys``, or "" when all are known."""
    unknown = [v for v in dict.fromkeys(values) if v not in keys]
    if not unknown:
        return ""
    parts = []
    for value in unknown:
        near = near_keys(value, keys)
        hint = either(near)
        parts.append(f"{value} (did you mean {hint}?)" if near else f"{value} (not in references.bib)")
    return f"unknown key{'s' if len(unknown) > 1 else ''}: {'; '.join(parts)}"
