"""Which quotes anyone can verify: the committed fingerprints, and the quotes that have none.

Input: the knowledge base's root and its sources (:func:`fingerprint_keys`, while linking), or the
linked knowledge base (:func:`unverifiable_quotes`, for ``kb check``). Output: the keys with a
valid fingerprint, and located problems.

The warning KB704 is given by ``kb check`` only, not kept with the knowledge base's problems: the
site is still built for a note whose quotes are unverified (its source page says so), and a strict
build must not fail for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..core.model import KnowledgeBase, Source
from ..core.problems import Problem, problem
from ..load.fingerprint import load_fingerprints

_HINT = "run `kb fingerprint --fulltext DIR` with its full text and commit kb/fingerprints/{key}.json"


def fingerprint_keys(root: Path, sources: Mapping[str, Source], problems: list[Problem]) -> frozenset[str]:
    """The keys of the library whose fingerprint under ``root`` is valid; the problems of the
    others (unreadable, other parameters, a key not in the library) are added to ``problems``."""
    found, load_problems = load_fingerprints(root, sources)
    problems += load_problems
    return frozenset(found)


def unverifiable_quotes(kb: KnowledgeBase) -> list[Problem]:
    """A warning for each note with quotes whose source has no fingerprint (at its first quote),
    and for each concept whose definition quotes such a source."""
    found = []
    for note in kb.notes.values():
        # The claims' quotes and those of the limitations the appraisal states (the line of each).
        limitations = note.appraisal.stated_limitations if note.appraisal else ()
        quoted = [c.line for c in (*note.claims, *note.reported) if c.quote] + [lim.line for lim in limitations if lim.quote]
        if quoted and note.key not in kb.fingerprints:
            first = min(quoted)
            message = f"{len(quoted)} quote{'s' * (len(quoted) != 1)} of '{note.key}' cannot be verified without its full text: no fingerprint"
            found.append(problem(note.path, first, 1, "KB704", message, _HINT.format(key=note.key)))
    for concept in kb.concepts.values():
        d = concept.definition
        key = d.reported_by or (d.sources[0] if d.sources else "")  # a definition credited to several works quotes the first
        if d.quote and key and key in kb.sources and key not in kb.fingerprints:
            message = f"the definition's quote from '{key}' cannot be verified without its full text: no fingerprint"
            found.append(problem(concept.path, d.line, 1, "KB704", message, _HINT.format(key=key)))
    return found
