"""Stage ``load`` for ``kb import``: BibTeX text -> entries as written, with their lines.

Input: the text of a .bib file. Output: :class:`RawEntry` values (field values with their braces or
quotes removed and @string macros expanded, LaTeX left as it is) in file order, and the comment
lines before the first block. ``kb import`` compares and inserts entries as text, so that existing
entries keep their bytes; :mod:`.bibtex` decodes them for everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

import bibtexparser.entrypoint
from bibtexparser import model as bibmodel
from bibtexparser.library import Library

from .bibtex import MONTH_MACROS, resolve_value


@dataclass(frozen=True)
class RawEntry:
    """An entry as written: field values with their enclosing braces or quotes removed and
    @string macros expanded, but LaTeX left as it is."""

    key: str
    entry_type: str
    fields: tuple[tuple[str, str], ...]
    line: int  # 1-based line of the '@'
    end_line: int


def read_raw(text: str) -> tuple[str, list[RawEntry]]:
    """BibTeX text -> (the comment lines before the first block, entries in file order)."""
    library = bibtexparser.entrypoint.parse_string(text, parse_stack=[])
    first = min((b.start_line or 0 for b in library.blocks if not isinstance(b, bibmodel.ImplicitComment)), default=None)
    lines = text.splitlines()[:first] if first is not None else text.splitlines()
    header = "\n".join(line for line in lines if line.startswith("%"))
    return header, _raw_entries(library)


def _raw_entries(library: Library) -> list[RawEntry]:
    """The entries of a parsed library as :class:`RawEntry` values, in file order."""
    macros = dict(MONTH_MACROS)
    for string in library.strings:
        value = str(string.value).strip()
        macros[string.key.lower()] = value[1:-1] if value[:1] in "{\"" else value
    entries = []
    for entry in library.entries:
        fields = tuple((f.key.lower(), resolve_value(str(f.value), macros)[0]) for f in entry.fields)
        start = (entry.start_line or 0) + 1
        entries.append(RawEntry(entry.key, entry.entry_type.lower(), fields, start, start + (entry.raw or "").count("\n")))
    return entries


def read_blocks(text: str) -> tuple[list[RawEntry], list[str]]:
    """The entries of BibTeX ``text`` (as :func:`read_raw` reads them) and the kind of every other
    block but a comment: a failed block, @string or @preamble, by its class name."""
    library = bibtexparser.entrypoint.parse_string(text, parse_stack=[])
    others = [type(b).__name__ for b in library.blocks if not isinstance(b, bibmodel.Entry | bibmodel.ImplicitComment | bibmodel.ExplicitComment)]
    return _raw_entries(library), others
