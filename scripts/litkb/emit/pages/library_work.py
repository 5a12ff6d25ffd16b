"""What a site rendering needs of the library alone, started early: every work's label and its
references formatted in the site's styles, each computed by a child process from the moment the
library is read, while this process goes on loading the notes.

Both depend only on the works (the labels' names and letters are those of the whole library), and
both go through citeproc, which is slow: at 10,000 works ~13 s for the labels and ~20 s per
style for the references. Started after loading they hold up the rendering; started when the
library is read they use the second CPU while the first reads the notes.

Input: the library as :func:`litkb.rules.link.build_kb` links it before the notes (key ->
:class:`~litkb.core.model.Source`) and the site's citation style. Output: a :class:`LibraryWork`,
handed to :func:`.render.render_site`, which takes its results only for a knowledge base with the
same works in the same style (else everything is computed as without it). A child that fails is
replaced by the same computation here (:class:`~litkb.core.workers.ChildJob`), so the pages never
depend on how it was computed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ...core.model import KnowledgeBase, Source
from ...core.workers import ChildJob
from ..cite.format import references_job
from ..labels import labels_job
from .references import styles_of_site

# Works from which starting the children repays their start (~0.5 s each, and the library
# pickled for each): below it a rendering computes labels and references as it always did.
START_FROM = 2000


@dataclass
class LibraryWork:
    """The labels (in ``style``) and references (in every style of the site) of ``sources``,
    being computed by child processes."""

    sources: Mapping[str, Source]
    style: str
    labels: ChildJob[dict[str, str]]
    references: Mapping[str, ChildJob[list[str]]]  # style -> the references of ``sources``, in its order

    def fits(self, kb: KnowledgeBase, style: str) -> bool:
        """Whether this work is that of ``kb``'s library in ``style``."""
        return style == self.style and kb.sources == self.sources

    def labels_now(self) -> dict[str, str]:
        """The labels (waiting for the child)."""
        return self.labels.result()

    def references_later(self) -> dict[str, Callable[[], dict[str, str]]]:
        """Style -> the function answering key -> reference (waiting for its child)."""
        return {style: functools.partial(self._answer, job) for style, job in self.references.items()}

    def _answer(self, job: ChildJob[list[str]]) -> dict[str, str]:
        return dict(zip(self.sources, job.result(), strict=True))

    def references_running(self) -> bool:
        """Whether a child is still formatting references (taking them now would wait)."""
        return any(job.running() for job in self.references.values())

    def cancel(self) -> None:
        """Stop every child still computing (the work is not wanted)."""
        self.labels.cancel()
        for job in self.references.values():
            job.cancel()


def start_library_work(sources: Mapping[str, Source], style: str) -> LibraryWork | None:
    """Start the labels and references of ``sources`` in child processes (one each; the machine's
    CPUs share them), or None for a library too small to repay it."""
    if len(sources) < START_FROM:
        return None
    library = list(sources.values())
    keys = list(sources)
    references = {name: references_job(library, keys, name, "html") for name in styles_of_site(style)}
    return LibraryWork(dict(sources), style, labels_job(library, style), references)

