"""Speed patches of whoosh3 3.54.0 for writing an index: applied explicitly, never at import.

Three of Whoosh's per-posting indexing steps, each run ~80 times a document, without their type
assertions and repeated lookups. They write the same values (``tests/test_whoosh_patches.py``
compares indexes built with and without them: stored fields, postings and search scores) and save
~15% of the indexing time:

1. ``PostingPool.add`` checks two types and recomputes a size, per posting;
2. the whoosh3 postings writer's ``add_posting`` makes four ``isinstance`` assertions per posting;
3. the field length of a posting's document is read through a column reader per posting while a
   segment is written: decoded once per field into a list.

:func:`apply` refuses (:class:`~litkb.core.versions.UnsupportedVersion`) any other whoosh3
version than the pinned one: the replaced methods are copies of that version's. Searching needs
no patch, so ``kb search`` never applies them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import whoosh.codec.whoosh3
import whoosh.util.numeric
import whoosh.writing

from ....core.versions import require

DISTRIBUTION, VERSION = "whoosh3", "3.54.0"

_pool: Any = whoosh.writing.PostingPool
_postings_writer: Any = whoosh.codec.whoosh3.W3PostingsWriter
_per_doc_reader: Any = whoosh.codec.whoosh3.W3PerDocReader
_LENGTHS_COLUMN: Any = whoosh.codec.whoosh3.LENGTHS_COLUMN
_length_field: Any = whoosh.codec.whoosh3._lenfield
_byte_to_length: Any = whoosh.util.numeric.byte_to_length


def _pool_add(self: Any, item: tuple[str, bytes, int, float, bytes | None]) -> None:
    self.fieldnames.add(item[0])
    # Whoosh's own estimate of the item's size in memory (decides when a run is saved).
    self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or "")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)


def _add_posting(self: Any, id_: Any, weight: float, vbytes: bytes, length: int | None = None) -> None:
    if len(self._ids) >= self._blocklimit:
        self._write_block()
    self._ids.append(id_)
    self._weights.append(weight)
    if weight > self._maxweight:
        self._maxweight = weight
    if vbytes:
        self._values.append(vbytes)
    if length:
        if self._minlength is None or length < self._minlength:
            self._minlength = length
        if length > self._maxlength:
            self._maxlength = length


def _doc_field_length_reader(self: Any, fieldname: str, default: int = 0) -> Callable[[int], int | None]:
    column = self._cached_reader(_length_field(fieldname), _LENGTHS_COLUMN)
    if column is None:
        return lambda _docnum: default
    # As doc_field_length: a zero byte (no length stored) reads as None.
    return [_byte_to_length(b) if b else None for b in column].__getitem__


# (owner, attribute, replacement); the originals are kept to undo the patches.
_PATCHES: tuple[tuple[Any, str, Any], ...] = (
    (_pool, "add", _pool_add),
    (_postings_writer, "add_posting", _add_posting),
    (_per_doc_reader, "doc_field_length_reader", _doc_field_length_reader),
)
_ORIGINALS = {(owner, name): owner.__dict__[name] for owner, name, _ in _PATCHES}
_suspended = False


def apply() -> None:
    """Install the patches (idempotent). Raises UnsupportedVersion for another whoosh3 version."""
    require(DISTRIBUTION, VERSION, "litkb's Whoosh indexing patches")
    if _suspended:
        return
    for owner, name, replacement in _PATCHES:
        setattr(owner, name, replacement)


def applied() -> bool:
    """Whether the patches are installed now."""
    return all(owner.__dict__[name] is replacement for owner, name, replacement in _PATCHES)


def remove() -> None:
    """Put Whoosh's own methods back."""
    for owner, name, _ in _PATCHES:
        setattr(owner, name, _ORIGINALS[(owner, name)])


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Whoosh's own methods for the duration (for comparing output with and without the patches)."""
    global _suspended
    was_applied, was_suspended = applied(), _suspended
    remove()
    _suspended = True
    try:
        yield
    finally:
        _suspended = was_suspended
        if was_applied:
            apply()
