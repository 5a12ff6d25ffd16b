"""Loading the same knowledge base again after a few files changed (the live preview's rebuilds):
what the last load made of an unchanged file is taken instead of read, composed, validated and
linked again.

Input: the library and notes as :func:`litkb.rules.link.build_kb` reads them, and a
:class:`LoadMemo` kept by the caller between loads. Output: the same values and problems a load
without the memo gives (``tests/test_reload.py`` compares them); the memo then holds this load.

A note is taken from the last load when its text is the same and so are the library and the
vocabulary it was linked against (linking a note reads nothing else; a second note on one key is
decided again on every load, since it depends on the other files). The memo holds the linked
notes, which the caller's knowledge base holds anyway, never the notes' YAML values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.model import Concept, Note, Person, Source
from ..core.problems import Problem
from . import schema
from .documents import document_values, text_digest
from .notes import link_note, note_key, second_note
from .resolve import Resolver


@dataclass(frozen=True)
class _NoteFile:
    """What one load made of a note file."""

    digest: str
    key: Any  # the key it names, located (None: not a valid document, or no key)
    read: tuple[Problem, ...]  # reading, composing, validating it and checking its key
    note: Note | None = None  # linked (None: it was a second note on its key, so never linked)
    linked: tuple[Problem, ...] = ()  # linking it


@dataclass
class Library:
    """What one load made of references.bib: its digest, sources, people and problems."""

    digest: str
    sources: dict[str, Source]
    persons: dict[str, Person]
    problems: tuple[Problem, ...]


@dataclass
class LoadMemo:
    """The last load, for the next one (see the module). Owned by its caller: one per live preview."""

    library: Library | None = None
    # The notes of the last load, and the library and vocabulary they were linked against.
    notes: dict[str, _NoteFile] = field(default_factory=dict)  # shown path -> what was made of it
    sources: Mapping[str, Source] | None = None
    concepts: Mapping[str, Concept] | None = None

    def link_notes(self, texts: Iterable[tuple[str, str]], resolver: Resolver, concepts: dict[str, Concept]) -> dict[str, Note]:
        """Every note of ``texts`` (shown path, text) by key, in key order, as
        :func:`litkb.rules.notes.link_notes` of the validated documents gives them; problems go
        to the resolver's list."""
        fits = self.sources is resolver.sources and self.concepts == concepts
        last = self.notes if fits else {}
        problems = resolver.problems
        made: dict[str, _NoteFile] = {}
        notes: dict[str, Note] = {}
        first_file: dict[str, str] = {}
        for shown, text in texts:
            digest = text_digest(text)
            known = last.get(shown)
            if known is not None and known.digest == digest and known.note is not None and known.key not in first_file:
                problems += known.read + known.linked
                made[shown] = known
                first_file[str(known.key)] = shown
                notes[known.note.key] = known.note
                continue
            start = len(problems)
            doc = document_values(shown, text, schema.NOTE, problems)
            key = note_key(resolver, shown, doc) if doc is not None else None
            made[shown] = _NoteFile(digest, key, tuple(problems[start:]))
            if doc is None or key is None:
                continue
            if key in first_file:
                second_note(resolver, shown, key, first_file[key])
                continue
            first_file[str(key)] = shown
            start = len(problems)
            note = notes[str(key)] = link_note(resolver, shown, str(key), doc, digest, concepts)
            made[shown] = _NoteFile(digest, key, made[shown].read, note, tuple(problems[start:]))
        self.notes, self.sources, self.concepts = made, resolver.sources, concepts
        return dict(sorted(notes.items()))
