"""Documents in uid order, per segment: how equal scores are ranked without reading every uid.

Input: the segments of an index version. Output: beside each segment's file, ``<segment>.order``:
the segment's document numbers sorted by uid, then each document's place in that order (two
arrays of unsigned 32-bit integers). Written once, when the segment is written (segments never
change); linked into later versions with the segment, and deleted by Whoosh with it (the name
follows Whoosh's pattern for a segment's files). :class:`UidOrder` reads them to pick, among
documents with equal scores, those with the smallest uids: a tag query ties thousands.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from heapq import nsmallest
from pathlib import Path
from typing import Any

import whoosh.index
import whoosh.reading

from ....core.files import atomic_write_bytes

index: Any = whoosh.index
SegmentReader: Any = whoosh.reading.SegmentReader
SUFFIX = ".order"
DENSE = 8  # ties among at least 1 in DENSE documents of a segment: walk its order, else sort them


def write_orders(version: Path) -> None:
    """Write the order file of each segment of the index in ``version`` that has none."""
    ix = index.open_dir(str(version))
    for segment in ix._segments():
        path = version / f"{segment.segment_id()}{SUFFIX}"
        if path.exists():
            continue
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            uids = list(reader.column_reader("uid", translate=False))  # bytes: their order is the text's
        finally:
            reader.close()
        order = sorted(range(len(uids)), key=uids.__getitem__)
        rank = array("I", bytes(4 * len(order)))
        for place, docnum in enumerate(order):
            rank[docnum] = place
        atomic_write_bytes(path, array("I", order).tobytes() + rank.tobytes())


class UidOrder:
    """Equal-score documents of an open index ranked by uid (order files read when first needed)."""

    def __init__(self, version: Path, reader: Any, uid_of: Callable[[int], str]) -> None:
        self.version = version
        self.uid_of = uid_of
        self.leaves: list[tuple[Any, int]] = reader.leaf_readers()
        self.offsets = [offset for _leaf, offset in self.leaves]
        self._orders: dict[int, tuple[array[int], array[int]] | None] = {}

    def _order(self, number: int) -> tuple[array[int], array[int]] | None:
        """(documents in uid order, place of each document) of a segment, or None without a file."""
        if number not in self._orders:
            leaf = self.leaves[number][0]
            found: tuple[array[int], array[int]] | None = None
            try:
                data = array("I", (self.version / f"{leaf.segment().segment_id()}{SUFFIX}").read_bytes())
                n = leaf.doc_count_all()
                if len(data) == 2 * n:
                    found = data[:n], data[n:]
            except (OSError, ValueError, AttributeError):
                found = None  # compared by uid instead: slower, the same result
            self._orders[number] = found
        return self._orders[number]

    def smallest(self, docs: list[int], k: int) -> list[int]:
        """The ``k`` documents of ``docs`` (document numbers) with the smallest uids."""
        ordered = sorted(docs)
        candidates: list[int] = []
        for number, offset in enumerate(self.offsets):
            start = bisect_left(ordered, offset)
            end = bisect_left(ordered, self.offsets[number + 1]) if number + 1 < len(self.offsets) else len(ordered)
            if start == end:
                continue
            local = [d - offset for d in ordered[start:end]]
            loaded = self._order(number)
            if loaded is None:
                candidates += ordered[start:end]
                continue
            order, rank = loaded
            if len(local) * DENSE >= len(order):  # many: the first of them in uid order
                wanted, picked = set(local), []
                for d in order:
                    if d in wanted:
                        picked.append(d)
                        if len(picked) == k:
                            break
            else:
                picked = nsmallest(k, local, key=rank.__getitem__)
            candidates += [d + offset for d in picked]
        # At most k from each segment: compared by the uids themselves.
        return nsmallest(k, candidates, key=self.uid_of)
