"""What every page writer shares: the generated-page value, derived indexes over the knowledge base
(computed once per build) and small Markdown helpers for links between generated pages.

Input: a linked :class:`~litkb.core.model.KnowledgeBase`. Output: :class:`SiteData`, read by the page
modules; nothing here writes files.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from urllib.parse import quote

from ...core import urls
from ...core.model import Claim, ConceptLink, KnowledgeBase
from ...core.vocabulary import STANCES
from ..cite.format import Citations
from ..cited import cited_note
from ..evidence import Studies, Tally
from ..labels import author_year_labels
from ..questions import QuestionIndex
from .safe import html_text, md_text

EXPLORER_PAGE = "explorer.md"
EXPLORER_DATA = "explorer/claims.json"
EVIDENCE_MAP_PAGE = "evidence-map.md"
GAPS_PAGE = "gaps.md"
CONCEPTS_INDEX = "concepts/index.md"
SOURCES_INDEX = "sources/index.md"
AUTHORS_INDEX = "authors/index.md"
NETWORK_PAGE = "network.md"
NETWORK_DATA = "network/citations.json"
NETWORK_GRAPHML = "network/citations.graphml"
TIMELINE_PAGE = "timeline.md"
QUESTIONS_INDEX = "questions/index.md"


@dataclass(frozen=True)
class GeneratedPage:
    """One generated file: ``path`` relative to the docs folder, its text (Markdown) or bytes
    (data such as the explorer JSON), and the repository path of the file to edit, if any."""

    path: str
    content: str | bytes
    edit_path: str | None = None


# Pages whose Markdown a caller asked to render later, where it is converted (path -> renderer):
# ``kb build`` renders the pages of every work, concept and person in its worker processes.
Deferred = MutableMapping[str, Callable[[], str]]


# Files a caller asked to have made later, in groups made together: (their paths, the function
# making path -> bytes). ``kb build`` writes the explorer's data, the evidence packs and the
# network's downloads while its site search is being indexed (no page needs their bytes).
LateFiles = list[tuple[tuple[str, ...], Callable[[], dict[str, bytes]]]]


def files_now_or_later(late: LateFiles | None, paths: Sequence[str], make: Callable[[], dict[str, bytes]]) -> list[GeneratedPage]:
    """The files ``make()`` gives (path -> bytes; exactly ``paths``), made now; or, with ``late``,
    empty files of those paths standing in for them, and ``make`` kept in ``late``."""
    if late is None:
        made = make()
        return [GeneratedPage(path, made[path]) for path in paths]
    late.append((tuple(paths), make))
    return [GeneratedPage(path, b"") for path in paths]


def made_while(late: LateFiles, busy: Callable[[], bool]) -> LateFiles:
    """``late`` with the files made now, one maker after the other, for as long as ``busy()``
    holds (the caller would otherwise wait for someone else); the rest are kept for later."""
    kept: LateFiles = []
    for paths, make in late:
        kept.append((paths, partial(dict, make())) if busy() else (paths, make))
    return kept


def rendered_now_or_later(deferred: Deferred | None, path: str, render: Callable[[], str]) -> str:
    """``render()`` now, or "" with ``render`` kept in ``deferred`` under ``path`` when given."""
    if deferred is None:
        return render()
    deferred[path] = render
    return ""


@dataclass(frozen=True)
class SiteData:
    """The knowledge base plus the indexes that several pages need."""

    kb: KnowledgeBase
    style: str  # the site's citation style: labels and the first tab of each reference
    citations: Citations  # formats against this library (its year suffixes computed once)
    claims: tuple[Claim, ...]  # kb.claims, computed once (the property rebuilds it each time)
    labels: Mapping[str, str]
    evidence: Mapping[str, tuple[tuple[Claim, ConceptLink], ...]]  # concept id -> (claim, link), method links too
    reported_about: Mapping[str, tuple[Claim, ...]]  # key -> claims of other notes naming it among their works
    claims_about: Mapping[str, tuple[Claim, ...]]  # key -> every claim naming the work
    alternatives: Mapping[str, tuple[str, ...]]  # concept id -> concepts offered as alternatives to it
    studies: Studies  # which study each work and claim belongs to, and the counts (emit/evidence.py)
    questions: QuestionIndex  # which questions discuss a concept or cite a work

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, style: str, previous: SiteData | None = None, labels: Mapping[str, str] | None = None) -> SiteData:
        """The indexes of ``kb``; what depends only on the works and the style (labels, the
        disambiguation of citations) is taken from ``previous`` (the last build's) when its
        works and style are the same, field for field. ``labels``: the works' labels in ``style``,
        computed elsewhere already (:mod:`.library_work`)."""
        claims = kb.claims
        citations = Citations(kb)
        same_works = previous is not None and previous.style == style and previous.kb.sources == kb.sources
        if previous is not None and same_works:
            citations.carry_over(previous.citations)
        evidence: dict[str, list[tuple[Claim, ConceptLink]]] = defaultdict(list)
        reported: dict[str, list[Claim]] = defaultdict(list)
        about: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            for work in claim.works:
                about[work].append(claim)
                if claim.reported:
                    reported[work].append(claim)
            for link in claim.concepts:
                if link.concept in kb.concepts:
                    evidence[link.concept].append((claim, link))
        alternatives: dict[str, set[str]] = defaultdict(set)
        for concept in kb.concepts.values():
            for other in concept.alternative_to:
                alternatives[other].add(concept.id)
        return cls(
            kb=kb,
            style=style,
            citations=citations,
            claims=claims,
            labels=labels if labels is not None else previous.labels if previous is not None and same_works else author_year_labels(kb, style, citations),
            evidence={k: tuple(v) for k, v in evidence.items()},
            reported_about={k: tuple(v) for k, v in reported.items()},
            claims_about={k: tuple(v) for k, v in about.items()},
            alternatives={k: tuple(sorted(v)) for k, v in alternatives.items()},
            studies=Studies(kb),
            questions=QuestionIndex.of(kb),
        )

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def year(self, key: str) -> str:
        source = self.kb.sources.get(key)
        return source.year if source else ""

    def sort_key(self, claim: Claim) -> tuple[str, str, str, str, int]:
        """Claims ordered by their first study (the year and label of its first work), so that the
        claims of one study stand together, then by the work they are about, then note order."""
        study = self.studies.of_work(claim.works[0]) if claim.works else ""
        first = min(self.studies.members(study), key=lambda k: (self.year(k), self.label(k))) if study else ""
        return (self.year(first), self.label(first), self.label(claim.works[0]) if claim.works else "", claim.note_key, claim.line)

    def study_label(self, study: str) -> str:
        """"MacBeath et al. (2005) = NCSL (2004)": the labels of every work reporting the study."""
        return " = ".join(self.label(k) for k in sorted(self.studies.members(study), key=lambda k: (self.year(k), self.label(k))))

    def reporter(self, claim: Claim) -> str:
        """Who reports a claim, as a name ("Torrance", "MacBeath et al."): the names of the
        reporting work's label, so that they match the label shown everywhere else."""
        if claim.note_key not in self.kb.sources:
            return claim.note_key
        names, sep, _ = self.label(claim.note_key).rpartition(" (")
        return names if sep and names else self.label(claim.note_key)


def rel(from_path: str, to_path: str, anchor: str = "") -> str:
    """Relative Markdown link from one docs file to another (MkDocs checks and rewrites it)."""
    return _relative(posixpath.dirname(from_path), to_path) + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=65536)
def _relative(from_dir: str, to_path: str) -> str:
    # Both are clean paths inside the docs folder, so this is pure string work (posixpath.relpath
    # would ask the operating system for the current folder on every call).
    start = from_dir.split("/") if from_dir else []
    target = to_path.split("/")
    common = 0
    while common < min(len(start), len(target) - 1) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def page_href(from_path: str, to_path: str, anchor: str = "") -> str:
    """The URL of a page as a browser resolves it from another page, for links in raw HTML (the
    pictures' SVG), which MkDocs does not rewrite: pages are served at directory URLs
    (``concepts/x.md`` at ``concepts/x/``, :func:`litkb.core.urls.to_url`), as search results
    and the explorer's data assume too."""
    return _href(from_path, to_path) + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1 << 18)  # a page links to the same pages many times; pages of a folder alike
def _href(from_path: str, to_path: str) -> str:
    start = [part for part in urls.to_url(from_path).split("/") if part]
    target = urls.to_url(to_path).split("/")  # "sources/x/" -> ["sources", "x", ""]
    common = 0
    while common < min(len(start), len(target) - 1) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "./"


def link_text(text: str) -> str:
    """Untrusted text as the text of a Markdown link (brackets escaped so the link stays whole)."""
    return md_text(text, line_start=False, links=False)


def table_cell(markdown: str) -> str:
    """Already-safe Markdown made fit for a table cell (pipes escaped)."""
    return markdown.replace("|", "\\|")


def md_link(text: str, from_path: str, to_path: str, anchor: str = "") -> str:
    return f"[{link_text(text)}]({rel(from_path, to_path, anchor)})"


def work_target(site: SiteData, key: str) -> tuple[str, str] | None:
    """A work's label and page path (None for a key outside the library)."""
    return (site.label(key), urls.source_path(key)) if key in site.kb.sources else None


def concept_target(site: SiteData, concept_id: str) -> tuple[str, str] | None:
    """A concept's label and page path (None for an id outside the vocabulary)."""
    concept = site.kb.concepts.get(concept_id)
    return (concept.label, urls.concept_path(concept_id)) if concept is not None else None


def source_link(site: SiteData, from_path: str, key: str, anchor: str = "") -> str:
    """"[Gronn (2009b)](../sources/gronn2009b.md)"; plain text for a key outside the library."""
    target = work_target(site, key)
    return md_text(key) if target is None else md_link(target[0], from_path, target[1], anchor)


def concept_link(site: SiteData, from_path: str, concept_id: str) -> str:
    target = concept_target(site, concept_id)
    return md_text(concept_id) if target is None else md_link(target[0], from_path, target[1])


def works_links(site: SiteData, from_path: str, claim: Claim) -> str:
    """The works a reported claim is about, each linked, with the reporting text's own citation
    where it differs from the library's label: "Harris (2009b) (cited by Torrance as Harris,
    2009a), Leithwood et al. (2009d) (cited by Torrance as Leithwood et al., 2009)"."""
    parts = []
    cited = claim.cited_as if len(claim.cited_as) == len(claim.works) else ("",) * len(claim.works)
    for key, printed in zip(claim.works, cited, strict=True):
        note = cited_note(printed, site.label(key), site.reporter(claim))
        parts.append(source_link(site, from_path, key) + (f' <span class="kb-cited-as">({html_text(note)})</span>' if note else ""))
    return ", ".join(parts)


def evidence_source(site: SiteData, from_path: str, claim: Claim) -> str:
    """Whose evidence a claim is: "Leithwood et al. (2004), Robinson (2009), as reported by
    Torrance (2013a)" for a reported claim (the reporting source links to the claim itself), else
    the source with the claim (used by the question pages' claim notes)."""
    if claim.reported:
        return f"{works_links(site, from_path, claim)}, as reported by {source_link(site, from_path, claim.note_key, claim.id)}"
    return source_link(site, from_path, claim.note_key, claim.id)


def type_badge(claim: Claim, *, searchable: bool = True) -> str:
    """The claim's type as a small label (HTML; empty for a claim without a valid type). Kept
    out of the site search, whose results would otherwise begin with the type's word; inside a
    block the search skips already (``searchable=False``) the marker is left out."""
    if not claim.type:
        return ""
    marker = ' data-search-exclude="data-search-exclude"' if searchable else ""
    return f'<span class="kb-type kb-type-{html_text(claim.type)}"{marker}>{html_text(claim.type)}</span>'


def facets_query(**facets: str) -> str:
    """The explorer's filters as a query string (its URL state): "concept=x&stance=supports"."""
    return "&".join(f"{name}={quote(value, safe='')}" for name, value in sorted(facets.items()) if value)


def explorer_query(from_path: str, **facets: str) -> str:
    """A Markdown link target: the explorer with its filters in the query string."""
    query = facets_query(**facets)
    return rel(from_path, EXPLORER_PAGE) + (f"?{query}" if query else "")


def stance_tallies(site: SiteData, pairs: tuple[tuple[Claim, ConceptLink], ...]) -> dict[str, Tally]:
    """Studies and claims per stance (method links, without a stance, are not counted)."""
    return {stance: site.studies.tally(claim for claim, link in pairs if link.stance == stance) for stance in STANCES}


def evidence_tally(site: SiteData, pairs: tuple[tuple[Claim, ConceptLink], ...]) -> Tally:
    """Studies and claims behind a concept, whatever the stance (method claims not counted)."""
    return site.studies.tally(claim for claim, link in pairs if link.stance)
