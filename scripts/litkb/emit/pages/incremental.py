"""Which generated pages a change of a few notes can alter (the live preview's rebuilds).

Input: the knowledge base of the last build and the one loaded now. Output: a
:class:`Selection` (the works, concepts and people whose own pages must be rendered again; every
library-wide page is rendered again, except, after a change of wording alone, those that show no
wording, and the citation network's when what it reads of the notes is unchanged), or None when
the change reaches further than notes (works, concepts, people, questions, full-text fingerprints,
same-study relations): then every page is rendered. ``tests/test_incremental_pages.py`` checks that the pages rendered this way
are byte-identical to a full rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...core import urls
from ...core.model import Claim, KnowledgeBase, Note
from ..figures.network import network_reads
from .common import CONCEPTS_INDEX, EVIDENCE_MAP_PAGE, GAPS_PAGE, NETWORK_DATA, NETWORK_GRAPHML, NETWORK_PAGE, TIMELINE_PAGE
from .concept_glance import pack_paths

# Library-wide pages that show no wording of any note (counts, links, years, the network): after
# a change of wording alone they are taken from the last rendering. tests/test_incremental_pages.py
# changes every kind of wording and compares them with a full rendering.
WORDLESS_PAGES = frozenset({CONCEPTS_INDEX, EVIDENCE_MAP_PAGE, GAPS_PAGE, NETWORK_PAGE, NETWORK_DATA, NETWORK_GRAPHML, TIMELINE_PAGE})
# The citation network's page and downloads: they read of a note only that it exists and
# figures.network.network_reads (what it cites, which works its reported claims are about), so after
# any other change of notes (a concept link, a stance) they too are taken from the last rendering.
NETWORK_PAGES = frozenset({NETWORK_PAGE, NETWORK_DATA, NETWORK_GRAPHML})


@dataclass(frozen=True)
class Selection:
    """The notes that changed and the item pages that depend on them."""

    notes: frozenset[str]
    works: frozenset[str]  # source pages
    concepts: frozenset[str]  # concept pages
    people: frozenset[str]  # author pages
    # Only the wording of the notes changed (claims' text, quote and locator, summaries): the
    # library-wide pages that show no wording (WORDLESS_PAGES) stay as they were.
    wording_only: bool = False
    # What the citation network reads of the notes is unchanged (NETWORK_PAGES stay as they were).
    network_unchanged: bool = False

    def item_paths(self, kb: KnowledgeBase) -> frozenset[str]:
        """Every per-item file of ``kb`` (source, concept and author pages, the concepts' evidence
        packs), selected or not."""
        return frozenset(
            [urls.source_path(k) for k in kb.sources] + [urls.concept_path(c) for c in kb.concepts] + [urls.author_path(p) for p in kb.persons]
            + [path for c in kb.concepts for path in pack_paths(c)]
        )


def _wordless(note: Note | None) -> Note | None:
    """``note`` without its wording: what the pages of WORDLESS_PAGES read of it."""
    if note is None:
        return None
    return replace(note, summary="", digest="", claims=tuple(map(_unworded, note.claims)), reported=tuple(map(_unworded, note.reported)))


def _network_view(note: Note | None) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None:
    """What the citation network reads of ``note`` (None: no note)."""
    return None if note is None else network_reads(note)


def _unworded(claim: Claim) -> Claim:
    return replace(claim, text="", quote="", locator="")


def changed_notes(old: KnowledgeBase, new: KnowledgeBase) -> frozenset[str] | None:
    """The keys of the notes added, removed or changed from ``old`` to ``new``; None when anything
    but notes changed (or a note's same-study relations, which regroup studies everywhere)."""
    if (
        old.root != new.root
        or old.sources != new.sources
        or old.concepts != new.concepts
        or old.persons != new.persons
        or old.questions != new.questions
        or old.same_study != new.same_study
        or old.fingerprints != new.fingerprints
    ):
        return None
    return frozenset(k for k in old.notes.keys() | new.notes.keys() if old.notes.get(k) != new.notes.get(k))


def select(old: KnowledgeBase, new: KnowledgeBase) -> Selection | None:
    """The pages to render again after ``old`` became ``new`` (see the module); None: all."""
    notes = changed_notes(old, new)
    if notes is None:
        return None
    works: set[str] = set()
    concepts: set[str] = set()
    # The old version of a note counts as much as the new one: a concept link removed changes
    # the page of the concept it no longer links.
    for kb in (old, new):
        for key in notes:
            works.add(key)
            note = kb.notes.get(key)
            if note is not None:
                _note_reach(note, works, concepts)
        # A note gives its study its design, sector and country, which every claim about the
        # study shows (emit/evidence.py): the claims of other notes about it, and their pages.
        study = {member for key in notes for member in kb.same_study.get(key, (key,))}
        for claim in kb.claims:
            if study.intersection(claim.works):
                works.add(claim.note_key)
                concepts.update(link.concept for link in claim.concepts)
    # A work's page shows what its whole study says: every work of the same study.
    works |= {member for key in list(works) for member in new.same_study.get(key, ())}
    works &= new.sources.keys()
    people = {p.id for key in works for p in (*new.sources[key].authors, *new.sources[key].editors)}
    # A concept page names its related concepts by label only (their evidence is counted on the
    # concepts index, always rendered), so it depends on no other concept's claims.
    wording_only = all(_wordless(old.notes.get(key)) == _wordless(new.notes.get(key)) for key in notes)
    network_unchanged = all(_network_view(old.notes.get(key)) == _network_view(new.notes.get(key)) for key in notes)
    return Selection(frozenset(notes), frozenset(works), frozenset(c for c in concepts if c in new.concepts), frozenset(people), wording_only,
                     network_unchanged)


def _note_reach(note: Note, works: set[str], concepts: set[str]) -> None:
    """Add the works a note cites, reports on or relates to, and the concepts its claims link."""
    works.update(note.cites)
    works.update(note.same_study)
    for claim in (*note.claims, *note.reported):
        works.update(claim.works)
        concepts.update(link.concept for link in claim.concepts)
