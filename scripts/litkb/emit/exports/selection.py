"""Which works an export or an evidence pack holds: a selection of the library by concept, author
or key.

Input: the linked model and the names a user gave. Output: sources sorted by key, or a
:class:`SelectionError` naming what the knowledge base does not have.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...core.model import KnowledgeBase, Source
from ...core.names import UnknownName, concept_id, unknown_keys
from ...core.text import fold


class SelectionError(ValueError):
    """A selection naming a concept, author or key the knowledge base does not have."""


def evidence_keys(kb: KnowledgeBase, concept: str) -> set[str]:
    """Keys of the works behind a concept's evidence (``concept``: its id): the works its claims
    are about, the notes reporting them, and the sources (and reporting source) of its definition."""
    keys: set[str] = set()
    for claim, _link in kb.claims_about_concept(concept):
        keys.update(claim.works)
        keys.add(claim.note_key)
    found = kb.concepts.get(concept)
    if found is not None:
        keys.update(k for k in (*found.definition.sources, found.definition.reported_by) if k)
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
    in the evidence for X). A concept is named by its id, label or an alias
    (:func:`litkb.core.names.concept_id`, the resolver of every command). No option selects the
    whole library. Unknown names raise :class:`SelectionError` with the nearest names.
    """
    chosen: set[str] = set(kb.sources)
    concepts, authors, keys = list(concepts), list(authors), list(keys)
    if concepts:
        try:
            ids = [concept_id(c, kb.concepts) for c in concepts]
        except UnknownName as err:
            raise SelectionError(str(err)) from err
        chosen &= set().union(*(evidence_keys(kb, c) for c in ids))
    if authors:
        chosen &= set().union(*(author_keys(kb, a) for a in authors))
    if keys:
        unknown = unknown_keys(keys, kb.sources)
        if unknown:
            raise SelectionError(unknown)
        chosen &= set(keys)
    return [kb.sources[k] for k in sorted(chosen)]
