"""Stages ``validate`` and ``link``: files -> one :class:`~litkb.core.model.KnowledgeBase`.

Input: a knowledge-base root (``references.bib`` and ``kb/``). Output: the frozen model with every
problem found (sorted). Each file is read once; bad data never raises.
"""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core.limits import MAX_BIB_BYTES, MAX_CONCEPT_DEPTH
from ..core.located import LMap
from ..core.model import Concept, Definition, KnowledgeBase, Note, Person, Source
from ..core.problems import Problem, problem
from ..core.urls import RESERVED_PAGE_NAMES
from ..load.bibtex import BibEntry, parse_bibtex, without_page_clashes
from ..load.textio import read_text
from . import offsite, schema
from .documents import folder_yaml_texts, load_documents, text_digest
from .notes import link_notes
from .people import merge_people, person_from_name
from .questions import load_questions
from .quotecover import fingerprint_keys
from .reload import Library, LoadMemo
from .resolve import Resolver, keys_of

BIB_NAME = "references.bib"
SOURCES_DIR = Path("kb/sources")
CONCEPTS_DIR = Path("kb/concepts")


def build_kb(root: Path, on_library: Callable[[Mapping[str, Source]], None] | None = None, memo: LoadMemo | None = None) -> KnowledgeBase:
    """Load, validate and link the knowledge base at ``root``. ``on_library`` is called with the
    linked library (key -> source, final) as soon as it is read, before the notes: a caller can
    start what depends on the works alone meanwhile (the site's labels and references).
    ``memo``: the caller's memory of its last load of ``root``, which takes what is unchanged
    from it (:mod:`.reload`; the result is the same)."""
    # Loading allocates millions of small acyclic objects; the cyclic garbage collector would
    # rescan all of them again and again (measured: 13 s -> 7 s for 10,000 notes without it).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_kb(root.resolve(), on_library, memo)
    finally:
        if was_enabled:
            gc.enable()


def _build_kb(root: Path, on_library: Callable[[Mapping[str, Source]], None] | None, memo: LoadMemo | None) -> KnowledgeBase:
    problems: list[Problem] = []
    sources, persons = _library(root, problems, memo)
    if on_library is not None:
        on_library(MappingProxyType(sources))
    linker = _Linker(sources, problems)
    # Concepts are linked as a whole (cycles, inverse relations); notes one by one as they load.
    concepts = linker.concepts(list(load_documents(root, CONCEPTS_DIR, schema.CONCEPT, problems)))
    if memo is None:
        notes = link_notes(linker, load_documents(root, SOURCES_DIR, schema.NOTE, problems), concepts)
    else:
        notes = memo.link_notes(folder_yaml_texts(root, SOURCES_DIR, problems), linker, concepts)
    questions = load_questions(root, sources, notes, concepts, problems)
    cited_by: dict[str, set[str]] = defaultdict(set)
    for note in notes.values():
        for key in note.cites:
            cited_by[key].add(note.key)
        for claim in note.reported:
            for work in claim.works:
                cited_by[work].add(note.key)
    works_of: dict[str, list[str]] = defaultdict(list)
    for source in sources.values():
        for person in dict.fromkeys(p.id for p in (*source.authors, *source.editors)):
            works_of[person].append(source.key)
    fingerprints = fingerprint_keys(root, sources, problems)
    return KnowledgeBase(
        root=root,
        sources=sources,
        notes=notes,
        concepts=concepts,
        persons=persons,
        problems=tuple(sorted(set(problems))),
        cited_by={k: tuple(sorted(v)) for k, v in sorted(cited_by.items())},
        works_of={k: tuple(sorted(v)) for k, v in sorted(works_of.items())},
        same_study=_same_study(notes, sources),
        questions=questions,
        fingerprints=fingerprints,
    )


def _same_study(notes: dict[str, Note], sources: dict[str, Source]) -> dict[str, tuple[str, ...]]:
    """The ``same_study`` relations of every note, made symmetric and transitive (a relation
    written in either note counts): key -> all keys of its study, sorted. Keys in no relation
    are absent; keys outside the library are left out (kb check reports them)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]  # path halving keeps the chains short
            key = parent[key]
        return key

    for note in notes.values():
        for other in note.same_study:
            if other in sources:
                a, b = root(note.key), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in sorted(parent):
        groups[root(key)].append(key)
    return {key: tuple(group) for group in groups.values() for key in group}


def _library(root: Path, problems: list[Problem], memo: LoadMemo | None) -> tuple[dict[str, Source], dict[str, Person]]:
    """The sources and people of ``root/references.bib`` (a regular file, not a link, within its
    size limit); with ``memo``, the last load's when the file's text is the same."""
    bib_path = root / BIB_NAME
    if not os.path.lexists(bib_path):
        problems.append(problem(BIB_NAME, 1, 1, "KB003", f"no {BIB_NAME} in {root}", "run kb in a knowledge base, or pass --root DIR"))
        return {}, {}
    text, read_problems = read_text(bib_path, BIB_NAME, MAX_BIB_BYTES)
    problems += read_problems
    if text is None:
        return {}, {}
    digest = text_digest(text) if memo is not None else ""
    if memo is not None and memo.library is not None and memo.library.digest == digest:
        problems += memo.library.problems
        return memo.library.sources, memo.library.persons
    start = len(problems)
    sources, persons = _link_sources(_library_entries(text, problems))
    if memo is not None:
        memo.library = Library(digest, sources, persons, tuple(problems[start:]))
    return sources, persons


def _library_entries(text: str, problems: list[Problem]) -> dict[str, BibEntry]:
    """The entries of the text of references.bib."""
    library, bib_problems = parse_bibtex(text, BIB_NAME)
    entries, clashes = without_page_clashes(library.entries, BIB_NAME)
    problems += bib_problems + clashes + offsite.check_entries(entries, BIB_NAME)
    return entries


def _link_sources(entries: dict[str, BibEntry]) -> tuple[dict[str, Source], dict[str, Person]]:
    """BibTeX entries -> sources, with one :class:`Person` per identity across the library."""
    spellings: dict[str, list[Person]] = defaultdict(list)
    raw_people: dict[str, tuple[tuple[Person, ...], tuple[Person, ...]]] = {}
    for key, entry in entries.items():
        authors = tuple(person_from_name(n) for n in entry.persons.get("author", ()))
        editors = tuple(person_from_name(n) for n in entry.persons.get("editor", ()))
        for person in (*authors, *editors):
            spellings[person.id].append(person)
        raw_people[key] = (authors, editors)
    persons = {pid: merge_people(found) for pid, found in sorted(spellings.items())}
    sources: dict[str, Source] = {}
    for key in sorted(entries):
        entry = entries[key]
        authors, editors = raw_people[key]
        year = entry.fields.get("year") or entry.fields.get("date", "")[:4]
        sources[key] = Source(
            key=key,
            entry_type=entry.entry_type,
            title=entry.fields.get("title", ""),
            year=year,
            authors=tuple(persons[p.id] for p in authors),
            editors=tuple(persons[p.id] for p in editors),
            fields=dict(sorted(entry.fields.items())),
            verification=entry.fields.get("verification", "missing"),
            line=entry.line,
            raw_bibtex=entry.raw,
            digest=text_digest(entry.raw),
        )
    return sources, persons


def load_notes(base: KnowledgeBase, names: Collection[str]) -> tuple[dict[str, Note], list[Problem]]:
    """The note files ``names`` of kb/sources read, validated and linked as :func:`build_kb` does,
    against the library and vocabulary of ``base``: (notes by shown path, the problems in those
    files). Lets an update of the search index read only the notes that changed."""
    problems: list[Problem] = []
    linker, concepts = _Linker(dict(base.sources), problems), dict(base.concepts)
    documents = load_documents(base.root, SOURCES_DIR, schema.NOTE, problems, only=frozenset(names))
    found = {note.path: note for document in documents for note in link_notes(linker, [document], concepts).values()}
    return found, problems


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


class _Linker(Resolver):
    """Links the concepts: relations resolved, cycles and depth checked, inverse relations derived."""

    # -- concepts ---------------------------------------------------------------------------
    def concepts(self, docs: list[tuple[str, LMap, str]]) -> dict[str, Concept]:
        found: dict[str, tuple[str, LMap, str]] = {}
        for shown, doc, digest in docs:
            cid = doc.get("id")
            if cid is None or "definition" not in doc or "label" not in doc:
                continue
            self.check_file_name(shown, cid, "id")
            if cid in RESERVED_PAGE_NAMES:
                self.at(shown, cid, "KB408", f"concept id '{cid}' would replace the site's page concepts/{cid}.md", "choose another id")
                continue
            if cid in found:
                self.at(shown, cid, "KB407", f"concept '{cid}' is also defined in {found[cid][0]}")
                continue
            found[cid] = (shown, doc, digest)
        ids = set(found)
        concepts: dict[str, Concept] = {}
        for cid, (shown, doc, digest) in sorted(found.items()):
            for field in ("broader", "related", "alternative_to"):
                for ref in doc.get(field, ()):
                    self.check_concept(shown, ref, ids)
            if "group" in doc:
                self.check_concept(shown, doc["group"], ids)
            d = doc["definition"]
            source = d.get("source")
            for key in [source] if isinstance(source, str) else source or ():
                self.check_key(shown, key, "definition.source")
            if "reported_by" in d:
                self.check_key(shown, d["reported_by"], "definition.reported_by")
            concepts[cid] = Concept(
                id=cid,
                label=str(doc["label"]),
                aliases=_strs(doc.get("aliases")),
                definition=Definition(str(d.get("text", "")), keys_of(source), str(d.get("reported_by", "")), str(d.get("quote", "")), str(d.get("locator", "")), d.line),
                broader=tuple(r for r in _strs(doc.get("broader")) if r in ids),
                related=tuple(r for r in _strs(doc.get("related")) if r in ids),
                alternative_to=tuple(r for r in _strs(doc.get("alternative_to")) if r in ids),
                group=str(doc["group"]) if doc.get("group") in ids else "",
                path=shown,
                digest=digest,
            )
        self.check_cycles(concepts, found)
        return _with_derived_relations(self.limit_depth(concepts, found))

    def check_cycles(self, concepts: dict[str, Concept], found: dict[str, tuple[str, LMap, str]]) -> None:
        """Report each cycle in ``broader`` once, at the link that closes it. A depth-first walk
        with its own stack: a hierarchy thousands of levels deep must not exhaust Python's."""
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        for start in sorted(concepts):
            if start in state:
                continue
            state[start] = 1
            path = [start]
            parents = [iter(concepts[start].broader)]
            while parents:
                cid = path[-1]
                parent = next(parents[-1], None)
                if parent is None:
                    state[cid] = 2
                    path.pop()
                    parents.pop()
                elif state.get(parent) == 1:
                    above = path[:-1]
                    cycle = above[above.index(parent):] + [cid, parent] if parent in above else [cid, parent]
                    shown, doc, _ = found[cid]
                    ref = next(r for r in doc["broader"] if r == parent)
                    self.at(shown, ref, "KB406", "cycle in broader: " + " -> ".join(dict.fromkeys(cycle)) + f" -> {parent}")
                elif parent not in state:
                    state[parent] = 1
                    path.append(parent)
                    parents.append(iter(concepts[parent].broader))

    def limit_depth(self, concepts: dict[str, Concept], found: dict[str, tuple[str, LMap, str]]) -> dict[str, Concept]:
        """Report each concept more than MAX_CONCEPT_DEPTH levels below a top concept, and cut its
        ``broader`` links so that the pages nest the hierarchy at most that deep. A link that
        closes a cycle is ignored here (it is reported as KB406)."""
        depth: dict[str, int] = {}
        cut: set[str] = set()
        for start in sorted(concepts):
            stack, on_stack = [start], {start}
            while stack and start not in depth:
                cid = stack[-1]
                pending = next((p for p in concepts[cid].broader if p not in depth and p not in on_stack), None)
                if pending is not None:
                    stack.append(pending)
                    on_stack.add(pending)
                    continue
                stack.pop()
                on_stack.discard(cid)
                level = 1 + max((depth[p] for p in concepts[cid].broader if p in depth), default=-1)
                if level > MAX_CONCEPT_DEPTH:
                    shown, doc, _ = found[cid]
                    self.at(shown, doc["broader"][0], "KB409", f"concept '{cid}' is {level} levels below the top of the broader hierarchy (at most {MAX_CONCEPT_DEPTH})", "link it to a higher-level concept")
                    cut.add(cid)
                    level = 0
                depth[cid] = level
        return {cid: replace(c, broader=()) if cid in cut else c for cid, c in concepts.items()}


def _with_derived_relations(concepts: dict[str, Concept]) -> dict[str, Concept]:
    """Add ``narrower`` (inverse of broader) and ``members`` (inverse of group)."""
    narrower: dict[str, list[str]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    for c in concepts.values():
        for parent in c.broader:
            narrower[parent].append(c.id)
        if c.group:
            members[c.group].append(c.id)
    return {cid: replace(c, narrower=tuple(sorted(narrower[cid])), members=tuple(sorted(members[cid]))) for cid, c in concepts.items()}
