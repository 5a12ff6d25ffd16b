"""What an update of the index needs of the knowledge base besides the notes that changed, kept
with each index version (no Whoosh here).

Input: the knowledge base a version was built from. Output: two files in the version folder,

- ``library.pickle``: that knowledge base without its notes (entries, people, concepts, works by
  person, question pages), tagged with the fingerprint of the code that loaded it (``loader``);
- ``notes.json``: the key of the note each note file holds, the number of errors found in each
  file, and the fingerprint again.

A full update writes both. An update in which only note files changed (:func:`litkb.emit.search.build.update_notes`)
reads them instead of loading the knowledge base (at 10,000 sources, 0.2 s instead of 5), reads
the changed notes alone and writes ``notes.json`` again; ``library.pickle`` did not change and is
linked. A version written without a fingerprint has neither file: the next update loads
everything. The index folder is the project's own derived data (Whoosh pickles its schema there
too), never shared or committed.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ...core.files import atomic_write_bytes
from ...core.model import KnowledgeBase
from . import store

LIBRARY, NOTES = store.LIBRARY, store.NOTES


@dataclass(frozen=True)
class NoteFiles:
    """Note file (e.g. "kb/sources/gronn2009b.yaml") -> the key of the note it holds, and file ->
    number of errors found in it (files without errors left out)."""

    keys: Mapping[str, str]
    errors: Mapping[str, int]

    @staticmethod
    def of(kb: KnowledgeBase) -> NoteFiles:
        return NoteFiles({note.path: key for key, note in kb.notes.items()}, dict(Counter(p.path for p in kb.errors)))

    def error_count(self) -> int:
        return sum(self.errors.values())

    def updated(self, changed: list[str], kb: KnowledgeBase) -> NoteFiles:
        """These note files after the ``changed`` ones were read again into ``kb`` (which holds
        their notes and problems)."""
        again = NoteFiles.of(kb)
        keys = {p: k for p, k in self.keys.items() if p not in changed} | dict(again.keys)
        errors = {p: n for p, n in self.errors.items() if p not in changed} | dict(again.errors)
        return NoteFiles(dict(sorted(keys.items())), dict(sorted(errors.items())))


def write(version: Path, kb: KnowledgeBase, loader: str) -> None:
    """Write both files of ``kb`` (loaded by the code whose fingerprint is ``loader``)."""
    # What the notes make (citations, same-study relations) goes with them; question pages stay:
    # an update that reads notes alone never runs when a question page changed.
    library = replace(kb, root=Path(), notes={}, problems=(), cited_by={}, same_study={})
    atomic_write_bytes(version / LIBRARY, pickle.dumps((loader, store.SCHEMA_VERSION, library), protocol=pickle.HIGHEST_PROTOCOL))
    write_note_files(version, NoteFiles.of(kb), loader)


def link_library(base: Path, version: Path) -> None:
    """Give ``version`` the library file of ``base`` (it did not change)."""
    store.link_file(base / LIBRARY, version / LIBRARY)


def write_note_files(version: Path, files: NoteFiles, loader: str) -> None:
    store.write_json(version / NOTES, {"loader": loader, "keys": dict(files.keys), "errors": dict(files.errors)})


def read(version: Path, loader: str, root: Path) -> tuple[KnowledgeBase, NoteFiles] | None:
    """The knowledge base without notes (its root set to ``root``) and the note files of a
    version, or None when either is missing, unreadable or made by other code than ``loader``."""
    try:
        raw = store.read_json(version / NOTES)
        if raw.get("loader") != loader or not loader:
            return None
        files = NoteFiles({str(k): str(v) for k, v in raw["keys"].items()}, {str(k): int(v) for k, v in raw["errors"].items()})
        made_by, schema, library = pickle.loads((version / LIBRARY).read_bytes())  # noqa: S301 - written by kb itself, in its own index folder
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, pickle.UnpicklingError, ImportError):
        return None
    if made_by != loader or schema != store.SCHEMA_VERSION or not isinstance(library, KnowledgeBase):
        return None
    return replace(library, root=root), files
