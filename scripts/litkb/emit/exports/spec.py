"""What an export format is: the value each module of :mod:`.formats` declares as ``FORMAT``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...core.model import KnowledgeBase, Source


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its ``--format`` name, its title, its file extension, how it keeps the
    provenance of an entry (said in ``kb export --help``) and the function writing it."""

    name: str
    title: str
    extension: str
    provenance: str
    write: Callable[[KnowledgeBase, Sequence[Source]], str]
