"""The theme's compiled templates kept between the live preview's rebuilds.

``mkdocs serve`` makes a new Jinja environment for every rebuild, which compiles Material's
templates again (~0.2 s a rebuild); a :class:`TemplateCache` set as its ``bytecode_cache`` hands
it the code compiled by the last one. Jinja checks each entry against a checksum of the
template's source, so an edited template is compiled again.
"""

from __future__ import annotations

import jinja2
import jinja2.bccache


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory (for as long as its owner keeps it)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()
