"""BibTeX export: the entries exactly as written in references.bib (with their provenance fields
``verification``, ``verification_note``, ``unconfirmed``, ``doubt``), plus the ``crossref`` parents
they need, placed last as BibTeX requires, so the file re-imports on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from ....core.model import KnowledgeBase, Source
from ..spec import ExportFormat


def to_bibtex(kb: KnowledgeBase, sources: Sequence[Source]) -> str:
    """The entries as written in references.bib, sorted by key; ``crossref`` parents not in the
    selection follow at the end (BibTeX resolves a crossref only to a later entry)."""
    keys = [s.key for s in sources]
    parents: list[str] = []
    for source in sources:
        parent = source.fields.get("crossref", "")
        if parent in kb.sources and parent not in keys and parent not in parents:
            parents.append(parent)
    blocks = [kb.sources[k].raw_bibtex.strip() for k in (*keys, *sorted(parents))]
    header = (
        f"% {len(blocks)} entries from the distributed-leadership evidence base.\n"
        "% verification / verification_note / unconfirmed / doubt record how each entry was checked.\n"
    )
    return header + "\n" + "\n\n".join(blocks) + "\n"


FORMAT = ExportFormat("bibtex", "BibTeX", "bib", "BibTeX keeps the verification fields", to_bibtex)
