"""Reading posting lists in bulk: document numbers, weights and positions, a block at a time.

Input: a segment reader, a field and a term. Output: plain lists. Reads whoosh3's posting blocks
through the private fields of its ``W3LeafMatcher`` (for the pinned whoosh3 only: the one place
outside :mod:`.patches` that depends on Whoosh's internals).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import whoosh.codec.whoosh3
import whoosh.columns
import whoosh.matching.wrappers

W3LeafMatcher: Any = whoosh.codec.whoosh3.W3LeafMatcher
FilterMatcher: Any = whoosh.matching.wrappers.FilterMatcher
LENGTHS_COLUMN: Any = whoosh.codec.whoosh3.LENGTHS_COLUMN
length_field: Any = whoosh.codec.whoosh3._lenfield
NumericReader: Any = whoosh.columns.NumericColumn.Reader

def positions_in(reader: Any, fieldname: str, text: str, docs: list[int]) -> dict[int, list[int]]:
    """The word's positions in each of the sorted segment-local ``docs`` that hold it."""
    return {d: matcher.value_as("positions") for d, matcher in _seek(reader, fieldname, text, docs)}


def seek_postings(reader: Any, fieldname: str, text: str, candidates: list[int]) -> tuple[list[int], list[float]]:
    """Documents and weights of the sorted segment-local ``candidates`` found in a posting list."""
    found = [(d, matcher.weight()) for d, matcher in _seek(reader, fieldname, text, candidates)]
    return [d for d, _ in found], [w for _, w in found]


def _seek(reader: Any, fieldname: str, text: str, docs: list[int]) -> Iterator[tuple[int, Any]]:
    """(document, matcher standing on it) for each of the sorted segment-local ``docs`` in the
    posting list, skipping to each (Whoosh skips whole blocks by their last id)."""
    yield from _seek_in(reader.postings(fieldname, text), docs)


def _seek_in(matcher: Any, docs: list[int]) -> Iterator[tuple[int, Any]]:
    for d in docs:
        if not matcher.is_active():
            return
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                return
        if matcher.id() == d:
            yield d, matcher


def stored_lengths(reader: Any, fieldname: str) -> bytes:
    """The field length Whoosh stores for each document of a segment, one byte each (0: none;
    :func:`whoosh.util.numeric.byte_to_length` decodes it), ``doc_count_all()`` bytes long."""
    column = reader._perdoc._cached_reader(length_field(fieldname), LENGTHS_COLUMN)
    if column is None:
        return bytes(reader.doc_count_all())
    if type(column) is NumericReader and column._fixedlen == 1:
        # The bytes as stored, in one read (iterating the column decodes one document at a time).
        raw = bytes(column._dbfile.get(column._basepos, column._count))
    else:
        raw = bytes(column[d] for d in range(reader.doc_count_all()))
    # Documents after the last one with a length are not written: they have none.
    return raw[:reader.doc_count_all()].ljust(reader.doc_count_all(), b"\0")


def deleted_postings(reader: Any, fieldname: str, text: str | bytes) -> int:
    """How many of a segment's deleted documents are in a term's posting list (as written)."""
    deleted = sorted(reader.deleted_docs_set)
    if not deleted:
        return 0
    # The segment's own matcher, without the filter that hides deleted documents (that filter
    # moves past the first ones as soon as it is made).
    raw = text if isinstance(text, bytes) else reader._text_to_bytes(fieldname, text)
    matcher = reader._terms.matcher(fieldname, raw, reader.schema[fieldname].format)
    return sum(1 for _ in _seek_in(matcher, deleted))


def read_postings(reader: Any, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """Document numbers (in the segment) and weights of a posting list, read a block at a time
    (whoosh3's W3LeafMatcher blocks; any other matcher one posting at a time), deletions removed."""
    matcher = reader.postings(fieldname, text)
    filtered: Any = None
    if isinstance(matcher, FilterMatcher):  # a segment with deletions wraps its postings
        filtered, matcher = matcher, matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if type(matcher) is W3LeafMatcher:
        # As W3LeafMatcher._read_ids/_read_weights decode a block, with C-speed loops.
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            ids.extend(block_ids if matcher._byteids else accumulate(block_ids))
            if block_weights is None or isinstance(block_weights, float):
                weights.extend(array("f", [1.0 if block_weights is None else block_weights]) * matcher._blocklength)
            else:
                weights.extend(block_weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    if filtered is not None:
        listed, exclude = filtered._ids, filtered._exclude
        kept = [(d, w) for d, w in zip(ids, weights, strict=True) if (d in listed) != exclude]
        ids, weights = [d for d, _ in kept], [w for _, w in kept]
    return ids, weights

