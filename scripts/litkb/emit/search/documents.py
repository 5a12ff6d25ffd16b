"""What the search index holds: the knowledge base as flat, typed search documents (no Whoosh here).

Input: a linked :class:`~litkb.core.model.KnowledgeBase`. Output: one :class:`SearchDoc` per source,
claim (primary and reported), concept, author and question page; a digest per unit (entry, note,
concept, author, question) so that an update re-indexes only units that changed; the words for "did you mean" and
the names used to expand queries. Pure functions, deterministic order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.model import CitedItem, Claim, Concept, KnowledgeBase, Note, Person, Question, Source
from ...core.names import concept_names as names_of_concepts
from ...core.text import fold
from ..questions import block_prose, question_stats

_YEAR = re.compile(r"\d{4}")
_WORD = re.compile(r"[^\W\d_]{3,}")  # words for spelling suggestions: letters only, 3+


@dataclass(frozen=True)
class SearchDoc:
    """One search document. ``uid`` is "<kind>:<id>"; list fields hold exact tokens (ids, years).

    ``title``/``body``/``author`` are full text (stemmed, accent-folded when indexed); ``info`` is
    what a result shows besides the snippet (stored as is, JSON-compatible).
    """

    uid: str
    kind: str
    title: str
    body: str
    author: str
    concept: tuple[str, ...] = ()
    stance: tuple[str, ...] = ()
    claim_type: tuple[str, ...] = ()  # a claim's type (finding, voice, argument, background, method)
    pairs: tuple[str, ...] = ()  # "concept|stance": lets `concept:x stance:y` mean the same link
    year: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    design: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)



def doc_id(uid: str) -> str:
    """The id a reader sees: "source:gronn2009b" -> "gronn2009b"."""
    return uid.split(":", 1)[1]


def _years(*values: str) -> tuple[str, ...]:
    found = [m.group(0) for v in values if v and (m := _YEAR.match(v))]
    return tuple(sorted(set(found)))


def _names(people: Iterable[Person]) -> str:
    return "; ".join(p.display for p in people)


def source_doc(source: Source, note: Note | None) -> SearchDoc:
    """A BibTeX entry, with its note's summary, design and setting when annotated."""
    body = [source.container]
    concepts: tuple[str, ...] = ()
    design: tuple[str, ...] = ()
    if note is not None:
        body += [note.summary, note.kind, " ".join(note.design).replace("-", " ")]
        body += [*note.setting.country, *note.setting.sector, note.setting.sample]
        concepts = tuple(sorted({link.concept for claim in note.claims for link in claim.concepts}))
        design = note.design
    info = {
        "title": source.title,
        "year": source.year,
        "creators": [p.sort_name for p in source.creators],
        "container": source.container,
        "annotated": note is not None,
    }
    return SearchDoc(
        uid=f"source:{source.key}",
        kind="source",
        title=source.title,
        body="\n".join(b for b in body if b),
        author=_names(source.creators),
        concept=concepts,
        year=_years(source.year),
        key=(source.key,),
        design=tuple(sorted(set(design))),
        info=info,
    )


class _Cited:
    """Per-source facts that every claim about the source repeats, computed once per source."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self.sources = sources
        self._names: dict[str, tuple[str, ...]] = {}

    def names(self, key: str) -> tuple[str, ...]:
        if key not in self._names:
            source = self.sources.get(key)
            self._names[key] = tuple(p.display for p in source.creators) if source else ()
        return self._names[key]

    def year(self, key: str) -> str:
        source = self.sources.get(key)
        return source.year if source else ""


def claim_doc(claim: Claim, cited: _Cited) -> SearchDoc:
    """A claim of a note; a reported claim is also found under the reported works' authors and
    years (each of the works a sentence cites together) and under the citations as printed."""
    reported = claim.reported
    links = [(link.concept, link.stance) for link in claim.concepts]
    names = cited.names(claim.note_key) + (tuple(n for key in claim.works for n in cited.names(key)) if reported else ())
    info = {
        "note": claim.note_key,
        "claim": claim.id,
        "type": claim.type,
        "about": list(claim.works),
        "cited_as": list(claim.cited_as),
        "reported": reported,
        "text": claim.text,
        "quote": claim.quote,
        "locator": claim.locator,
        "concepts": [list(link) for link in links],
    }
    return SearchDoc(
        uid=f"claim:{claim.uid}",
        kind="claim",
        title="",
        body=f"{claim.text}\n{claim.quote}" if claim.quote else claim.text,
        author="; ".join(dict.fromkeys(names)) if reported else "; ".join(names),
        concept=tuple(sorted({c for c, _ in links})),
        stance=tuple(sorted({s for _, s in links if s})),
        claim_type=(claim.type,) if claim.type else (),
        pairs=tuple(sorted({f"{c}|{s}" for c, s in links if s})),
        year=_years(*(cited.year(k) for k in claim.works), cited.year(claim.note_key)) if reported else _years(cited.year(claim.note_key)),
        key=tuple(sorted({claim.note_key, *claim.works})),
        info=info,
    )


def concept_doc(concept: Concept) -> SearchDoc:
    """A concept of the vocabulary: label and aliases are its title, the definition its body."""
    d = concept.definition
    info = {"label": concept.label, "aliases": list(concept.aliases), "group": concept.group, "definition": d.text}
    return SearchDoc(
        uid=f"concept:{concept.id}",
        kind="concept",
        title="\n".join((concept.label, *concept.aliases)),
        body="\n".join(t for t in (d.text, d.quote) if t),
        author="",
        concept=(concept.id,),
        key=tuple(sorted({k for k in (*d.sources, d.reported_by) if k})),
        info=info,
    )


def author_doc(person: Person, works: tuple[str, ...], sources: Mapping[str, Source]) -> SearchDoc:
    """An author or editor, found by name; the body lists the titles of their works."""
    years = _years(*(sources[k].year for k in works if k in sources))
    titles = "\n".join(sources[k].title for k in works if k in sources)
    info = {"label": person.display, "sort_name": person.sort_name, "works": list(works)}
    return SearchDoc(
        uid=f"author:{person.id}",
        kind="author",
        title=person.display,
        body=titles,
        author=person.display,
        year=years,
        key=works,
        info=info,
    )


def _cited_names(sources: Mapping[str, Source]) -> Callable[[CitedItem], str]:
    """A narrative citation as words to find it by: the family names of the work's creators
    ("Sample Case"), its short author if it has one ("NCSL"), or its key."""

    def names(item: CitedItem) -> str:
        source = sources.get(item.key)
        if source is None:
            return item.key
        return " ".join([source.fields.get("shortauthor", ""), *(p.family for p in source.creators)]).strip() or item.key

    return names


def question_doc(question: Question, sources: Mapping[str, Source]) -> SearchDoc:
    """A question page: the question is its title, its text its body (headings and prose, with
    bracketed citations left out and narrative ones as the authors' names); found by the concepts
    it discusses and the keys it cites."""
    body = "\n".join(block_prose(block, _cited_names(sources)) for block in question.blocks)
    stats = question_stats(question)
    info = {"label": question.question, "status": question.status, "concepts": list(question.concepts), "words": stats.words, "citations": stats.citations}
    return SearchDoc(
        uid=f"question:{question.id}",
        kind="question",
        title=question.question,
        body=body,
        author="",
        concept=tuple(sorted(question.concepts)),
        key=tuple(sorted({item.key for item in question.items})),
        info=info,
    )


def documents(kb: KnowledgeBase) -> Iterator[SearchDoc]:
    """Every search document of ``kb``: sources, claims, concepts, authors, questions (stable order)."""
    for key, source in kb.sources.items():
        yield source_doc(source, kb.notes.get(key))
    cited = _Cited(kb.sources)
    for note in kb.notes.values():
        for claim in (*note.claims, *note.reported):
            yield claim_doc(claim, cited)
    for concept in kb.concepts.values():
        yield concept_doc(concept)
    for person_id, person in kb.persons.items():
        yield author_doc(person, kb.works_of.get(person_id, ()), kb.sources)
    for question in kb.questions.values():
        yield question_doc(question, kb.sources)


# -- units: what an update re-indexes together --------------------------------------------------
def unit_of(uid: str) -> str:
    """The unit a document is re-indexed with: its note for a claim ("note:<key>"), else itself."""
    return "note:" + uid[6:].split("#", 1)[0] if uid.startswith("claim:") else uid


def _hash(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:20]


def unit_digests(kb: KnowledgeBase) -> dict[str, str]:
    """A digest per unit (entry, note, concept, author, question) of everything its documents are made of.

    Built from the files' digests (Source.digest, Note.digest, Concept.digest) plus the values
    that come from elsewhere in the library: inherited crossref fields, merged author names.
    (The "Gronn (2009b)" labels are not in the documents but in a table of their own: see
    :func:`library_digest`.) An update re-indexes only units whose digest changed, without
    building the documents of the others.
    """
    out = entry_and_note_digests(kb, kb.sources.keys() | kb.notes.keys())
    for cid, concept in kb.concepts.items():
        out[f"concept:{cid}"] = _hash(concept.digest)
    for pid, person in kb.persons.items():
        works = kb.works_of.get(pid, ())
        out[f"author:{pid}"] = _hash(person.display, person.sort_name, works, [(kb.sources[k].title, kb.sources[k].year) for k in works if k in kb.sources])
    cited = _Cited(kb.sources)
    for qid, question in kb.questions.items():
        narrative = sorted({c.items[0].key for b in question.blocks for c in b.citations if c.narrative})
        out[f"question:{qid}"] = _hash(question.digest, [(k, cited.names(k)) for k in narrative])
    return out


def entry_and_note_digests(kb: KnowledgeBase, keys: Iterable[str]) -> dict[str, str]:
    """The digests of the units "source:<key>" and "note:<key>" of ``keys`` that ``kb`` has (see
    :func:`unit_digests`): all that a changed note can change. (A note's claim types are in its
    digest; question pages, whose documents read no note, are units of their own.)"""
    cited = _Cited(kb.sources)
    out: dict[str, str] = {}
    for key in keys:
        source, note = kb.sources.get(key), kb.notes.get(key)
        if source is not None:
            people = [(p.display, p.sort_name) for p in source.creators]
            out[f"source:{key}"] = _hash(source.digest, source.title, source.year, source.container, people, note.digest if note else "")
        if note is not None:
            about = sorted({key, *(k for c in note.reported for k in c.works)})
            out[f"note:{key}"] = _hash(note.digest, [(k, cited.names(k), cited.year(k)) for k in about])
    return out


def unit_documents(kb: KnowledgeBase, units: Iterable[str]) -> list[SearchDoc]:
    """The search documents of the given units (in unit order)."""
    cited = _Cited(kb.sources)
    docs: list[SearchDoc] = []
    for unit in sorted(units):
        kind, ident = unit.split(":", 1)
        if kind == "source" and ident in kb.sources:
            docs.append(source_doc(kb.sources[ident], kb.notes.get(ident)))
        elif kind == "note" and ident in kb.notes:
            docs += [claim_doc(c, cited) for c in (*kb.notes[ident].claims, *kb.notes[ident].reported)]
        elif kind == "concept" and ident in kb.concepts:
            docs.append(concept_doc(kb.concepts[ident]))
        elif kind == "author" and ident in kb.persons:
            docs.append(author_doc(kb.persons[ident], kb.works_of.get(ident, ()), kb.sources))
        elif kind == "question" and ident in kb.questions:
            docs.append(question_doc(kb.questions[ident], kb.sources))
    return docs


def library_digest(kb: KnowledgeBase, style: str) -> str:
    """What the "Gronn (2009b)" labels of the library are made of: every entry (a crossref
    parent's fields are in its own entry) and the citation style. Labels are computed again
    only when this changes."""
    return _hash(style, [(key, s.digest) for key, s in sorted(kb.sources.items())])


def hit_label(uid: str, info: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The label a result shows: a work's "Gronn (2009b)" (a claim's, "Gronn (2009b), as reported
    by Torrance (2013a)" when reported, every work a sentence cites together named) from
    ``labels``; a concept's or person's name."""
    kind, ident = uid.split(":", 1)
    if kind == "source":
        return labels.get(ident, ident)
    if kind == "claim":
        note = str(info.get("note", ""))
        label = labels.get(note, note)
        if info.get("reported"):
            about = info.get("about", [])
            works = [str(k) for k in about] if isinstance(about, list) else [str(about)]
            return f"{', '.join(labels.get(k, k) for k in works)}, as reported by {label}"
        return label
    return str(info.get("label", ""))


def doc_words(doc: SearchDoc) -> list[str]:
    """The words of a document's full text, lower case (not yet folded): input to the word list."""
    return stored_words(doc.title, doc.body, doc.author)


def stored_words(title: str, body: str, author: str) -> list[str]:
    """:func:`doc_words` of a document from its stored title, body and author text (the words
    an update takes off the list when it deletes the document)."""
    return _WORD.findall(f"{title}\n{body}\n{author}".lower())


def fold_counts(found: Mapping[str, int], into: Counter[str] | None = None) -> Counter[str]:
    """Word counts with accents folded (each distinct word folded once), added to ``into``."""
    counts: Counter[str] = into if into is not None else Counter()
    for word, n in found.items():
        counts[word if word.isascii() else fold(word)] += n
    return counts


def concept_names(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Concept id -> the names a reader may type for it: id (as words), label and aliases (the
    resolver's own list, :func:`litkb.core.names.concept_names`)."""
    return names_of_concepts(kb.concepts)
