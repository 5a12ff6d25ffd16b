"""The export formats: one module per format in :mod:`.formats`, found here, offered by ``kb export``.

A format module defines ``FORMAT``, an :class:`~.spec.ExportFormat`; adding a format is adding such a
module (nothing else to edit: ``kb export --format`` lists what this registry finds). Input: the
linked model and a selection of its sources. Output: text, deterministic (sorted by key; same
input, same bytes). Nothing is filled in: a field the entry does not have is not written.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Sequence

from ...core.model import KnowledgeBase, Source
from .spec import ExportFormat


@functools.cache
def formats() -> dict[str, ExportFormat]:
    """Every format of :mod:`.formats`, by name, in name order. A module there without ``FORMAT``
    is a bug (raised, not skipped)."""
    from . import formats as package

    found: dict[str, ExportFormat] = {}
    for module in pkgutil.iter_modules(package.__path__):
        declared = importlib.import_module(f"{package.__name__}.{module.name}").FORMAT
        if not isinstance(declared, ExportFormat) or declared.name in found:
            raise TypeError(f"{package.__name__}.{module.name}.FORMAT must be an ExportFormat with a name of its own")
        found[declared.name] = declared
    return dict(sorted(found.items()))


def export(kb: KnowledgeBase, sources: Sequence[Source], fmt: str) -> str:
    """The sources in format ``fmt`` (a name of :func:`formats`)."""
    known = formats()
    if fmt not in known:
        raise ValueError(f"unknown export format '{fmt}' (one of {', '.join(known)})")
    return known[fmt].write(kb, sources)
