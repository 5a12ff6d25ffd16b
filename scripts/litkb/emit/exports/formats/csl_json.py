"""CSL-JSON export: items (:mod:`litkb.emit.cite.csl`) valid against the CSL data schema; the
provenance goes into ``note`` (Zotero shows it as Extra) and ``custom``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ....core.model import Source
from ...cite.csl import source_to_csl
from ..spec import ExportFormat


def to_csl_json(sources: Sequence[Source]) -> str:
    """A CSL-JSON array (UTF-8 text, two-space indent, keys sorted)."""
    items = [source_to_csl(s, provenance=True) for s in sources]
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


FORMAT = ExportFormat("csl-json", "CSL-JSON", "json", "CSL-JSON has it in note and custom", lambda _kb, sources: to_csl_json(sources))
