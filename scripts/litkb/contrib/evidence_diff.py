"""`kb diff BASE [HEAD]`: what a change does to the evidence, in words a reviewer can read.

Input: two linked knowledge bases (:func:`litkb.contrib.revision.load_revision` reads one from a git
revision into a temporary folder, never touching the working tree; it raises
:class:`litkb.contrib.revision.DiffError`). Output: an :class:`EvidenceDiff` (pure, :func:`diff_kbs`)
rendered as plain text, Markdown (for a pull request's job summary) or JSON.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.model import Claim, Concept, KnowledgeBase, Note
from ..core.vocabulary import STANCES
from ..rules.link import build_kb
from .revision import load_revision

# "" is the stance of a method claim's link (method claims take none).
STANCE_WORDS = {"defines": "defining", "supports": "supporting", "qualifies": "qualifying", "contests": "contesting", "": "method"}
NO_CONCEPT = ""  # the bucket of claims linked to no concept (e.g. a reported claim about method)
# Long lists are cut in the summary lines; the full lists are in the claims table and the JSON.
LIST_LIMIT = 8


@dataclass(frozen=True)
class ClaimChange:
    uid: str
    status: str  # added | removed | changed
    text: str
    works: tuple[str, ...]  # the works the claim is about (the note's own key for a primary claim)
    concepts: tuple[str, ...]  # "concept: stance", after the change (before it for a removed claim)
    changed: tuple[str, ...] = ()  # fields that differ, for a changed claim


@dataclass(frozen=True)
class StanceCount:
    concept: str  # NO_CONCEPT for claims linked to no concept
    stance: str
    added: int
    removed: int
    changed: int


@dataclass(frozen=True)
class EvidenceDiff:
    sources_added: tuple[str, ...]
    sources_removed: tuple[str, ...]
    sources_changed: tuple[str, ...]
    notes_added: tuple[tuple[str, int], ...]  # (key, number of claims)
    notes_removed: tuple[str, ...]
    notes_changed: tuple[tuple[str, tuple[str, ...]], ...]  # (key, fields other than claims that changed)
    concepts_added: tuple[str, ...]
    concepts_removed: tuple[str, ...]
    concepts_redefined: tuple[str, ...]
    concepts_changed: tuple[tuple[str, tuple[str, ...]], ...]  # (id, fields other than the definition)
    by_concept: tuple[StanceCount, ...]
    claims: tuple[ClaimChange, ...]
    errors: tuple[int, int]  # errors in base, in head

    @property
    def empty(self) -> bool:
        return not any((self.sources_added, self.sources_removed, self.sources_changed, self.notes_added, self.notes_removed,
                        self.notes_changed, self.concepts_added, self.concepts_removed, self.concepts_redefined,
                        self.concepts_changed, self.claims))


def diff_revisions(root: Path, base: str, head: str | None) -> EvidenceDiff:
    """Diff ``base`` against ``head`` (None: the working tree, committed or not)."""
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as tmp:
        old = load_revision(root, base, Path(tmp) / "base")
        new = load_revision(root, head, Path(tmp) / "head") if head else build_kb(root)
    return diff_kbs(old, new)


# -- comparing ------------------------------------------------------------------------------

def _claim_fields(claim: Claim) -> dict[str, object]:
    return {"type": claim.type, "about": claim.works, "cited_as": claim.cited_as, "text": claim.text, "quote": claim.quote,
            "locator": claim.locator, "concepts": sorted((link.concept, link.stance) for link in claim.concepts)}


def _links(claim: Claim) -> list[tuple[str, str]]:
    return [(link.concept, link.stance) for link in claim.concepts] or [(NO_CONCEPT, "")]


def _note_fields(note: Note) -> dict[str, object]:
    return {"summary": note.summary, "kind": note.kind, "design": note.design, "setting": note.setting, "same_study": note.same_study,
            "appraisal": note.appraisal, "cites": note.cites}


def _concept_fields(concept: Concept) -> dict[str, object]:
    return {"label": concept.label, "aliases": concept.aliases, "broader": concept.broader, "related": concept.related,
            "alternative_to": concept.alternative_to, "group": concept.group}


def _definition(concept: Concept) -> tuple[object, ...]:
    d = concept.definition
    return d.text, d.sources, d.reported_by, d.quote, d.locator


def _changed(old: dict[str, object], new: dict[str, object]) -> tuple[str, ...]:
    return tuple(name for name in old if old[name] != new[name])


def diff_kbs(base: KnowledgeBase, head: KnowledgeBase) -> EvidenceDiff:
    """Compare two knowledge bases. Claims are matched by ``note_key#id``; a claim whose stance
    towards a concept changes counts as removed under the old stance and added under the new."""
    old_claims = {c.uid: c for c in base.claims}
    new_claims = {c.uid: c for c in head.claims}
    changes: list[ClaimChange] = []
    for uid in sorted(old_claims.keys() | new_claims.keys()):
        old, new = old_claims.get(uid), new_claims.get(uid)
        if old is None and new is not None:
            changes.append(ClaimChange(uid, "added", new.text, new.works, _link_names(new)))
        elif new is None and old is not None:
            changes.append(ClaimChange(uid, "removed", old.text, old.works, _link_names(old)))
        elif old is not None and new is not None:
            fields = _changed(_claim_fields(old), _claim_fields(new))
            if fields:
                changes.append(ClaimChange(uid, "changed", new.text, new.works, _link_names(new), fields))
    changed_uids = {c.uid for c in changes if c.status == "changed"}
    before: dict[tuple[str, str], set[str]] = defaultdict(set)
    after: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claims, table in ((old_claims, before), (new_claims, after)):
        for uid, claim in claims.items():
            for link in _links(claim):
                table[link].add(uid)
    counts = []
    for concept, stance in sorted(before.keys() | after.keys(), key=_stance_order):
        old_ids, new_ids = before[(concept, stance)], after[(concept, stance)]
        count = StanceCount(concept, stance, len(new_ids - old_ids), len(old_ids - new_ids), len(old_ids & new_ids & changed_uids))
        if count.added or count.removed or count.changed:
            counts.append(count)
    return EvidenceDiff(
        sources_added=tuple(sorted(head.sources.keys() - base.sources.keys())),
        sources_removed=tuple(sorted(base.sources.keys() - head.sources.keys())),
        sources_changed=tuple(k for k in sorted(base.sources.keys() & head.sources.keys()) if base.sources[k].digest != head.sources[k].digest),
        notes_added=tuple((k, len(head.notes[k].claims) + len(head.notes[k].reported)) for k in sorted(head.notes.keys() - base.notes.keys())),
        notes_removed=tuple(sorted(base.notes.keys() - head.notes.keys())),
        notes_changed=tuple(
            (k, fields) for k in sorted(base.notes.keys() & head.notes.keys())
            if (fields := _changed(_note_fields(base.notes[k]), _note_fields(head.notes[k])))
        ),
        concepts_added=tuple(sorted(head.concepts.keys() - base.concepts.keys())),
        concepts_removed=tuple(sorted(base.concepts.keys() - head.concepts.keys())),
        concepts_redefined=tuple(k for k in sorted(base.concepts.keys() & head.concepts.keys()) if _definition(base.concepts[k]) != _definition(head.concepts[k])),
        concepts_changed=tuple(
            (k, fields) for k in sorted(base.concepts.keys() & head.concepts.keys())
            if (fields := _changed(_concept_fields(base.concepts[k]), _concept_fields(head.concepts[k])))
        ),
        by_concept=tuple(counts),
        claims=tuple(changes),
        errors=(len(base.errors), len(head.errors)),
    )


def _link_names(claim: Claim) -> tuple[str, ...]:
    return tuple(f"{link.concept}: {link.stance or 'method'}" for link in claim.concepts)


def _stance_order(item: tuple[str, str]) -> tuple[str, int]:
    concept, stance = item
    return concept, STANCES.index(stance) if stance in STANCES else len(STANCES)


# -- rendering ------------------------------------------------------------------------------

def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _names(keys: list[str] | tuple[str, ...], code: bool) -> str:
    shown = [f"`{k}`" if code else k for k in keys[:LIST_LIMIT]]
    more = f" and {len(keys) - LIST_LIMIT} more" if len(keys) > LIST_LIMIT else ""
    return ", ".join(shown) + more


def summary_lines(diff: EvidenceDiff, code: bool = False) -> list[str]:
    """The changes as plain-language sentences ("adds 2 contesting claims to distributed-leadership");
    ``code`` puts keys and ids in Markdown code spans."""
    def name(key: str) -> str:
        return f"`{key}`" if code else key

    lines = []
    for verb, keys, noun in (("adds", diff.sources_added, "source"), ("removes", diff.sources_removed, "source"),
                             ("changes the BibTeX entry of", diff.sources_changed, "source")):
        if keys:
            lines.append(f"{verb} {_plural(len(keys), noun)}: {_names(keys, code)}")
    if diff.notes_added:
        notes = [f"{name(k)} ({_plural(n, 'claim')})" for k, n in diff.notes_added]
        lines.append(f"adds {_plural(len(notes), 'note')}: {', '.join(notes[:LIST_LIMIT])}" + (f" and {len(notes) - LIST_LIMIT} more" if len(notes) > LIST_LIMIT else ""))
    if diff.notes_removed:
        lines.append(f"removes {_plural(len(diff.notes_removed), 'note')}: {_names(diff.notes_removed, code)}")
    for key, fields in diff.notes_changed:
        lines.append(f"revises the note on {name(key)} ({', '.join(fields)})")
    for verb, keys in (("adds", diff.concepts_added), ("removes", diff.concepts_removed), ("redefines", diff.concepts_redefined)):
        if keys:
            lines.append(f"{verb} {_plural(len(keys), 'concept')}: {_names(keys, code)}")
    for key, fields in diff.concepts_changed:
        lines.append(f"changes the concept {name(key)} ({', '.join(fields)})")
    by_concept: dict[str, list[StanceCount]] = defaultdict(list)
    for count in diff.by_concept:
        by_concept[count.concept].append(count)
    for concept, counts in by_concept.items():
        for verb, attr, prep in (("adds", "added", "to"), ("removes", "removed", "from"), ("changes", "changed", "on")):
            parts = [(getattr(c, attr), c.stance) for c in counts if getattr(c, attr)]
            if not parts:
                continue
            total = sum(n for n, _ in parts)
            noun = "claim" if total == 1 else "claims"
            if concept == NO_CONCEPT:
                lines.append(f"{verb} {total} {noun} linked to no concept")
                continue
            words = [f"{n} {STANCE_WORDS.get(stance, stance)}" for n, stance in parts]
            listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
            lines.append(f"{verb} {listed} {noun} {prep} {name(concept)}")
    old_errors, new_errors = diff.errors
    if new_errors:
        lines.append(f"leaves {_plural(new_errors, 'error')} for kb check (base: {old_errors})")
    return lines


def render_text(diff: EvidenceDiff, base: str, head: str) -> str:
    """Plain text: a heading line, the summary sentences, then one line per changed claim."""
    if diff.empty:
        return f"No changes to the evidence from {base} to {head}.\n"
    out = [f"Evidence changes from {base} to {head}:"]
    out += [f"- {line}" for line in summary_lines(diff)]
    if diff.claims:
        out += ["", "Claims:"]
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for c in diff.claims:
            detail = f" ({', '.join(c.changed)} changed)" if c.changed else ""
            links = f" [{'; '.join(c.concepts)}]" if c.concepts else ""
            out.append(f"  {marks[c.status]} {c.uid}{detail}: {' '.join(c.text.split())}{links}")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """Untrusted text (it comes with the pull request) as one inert Markdown table cell."""
    text = " ".join(text.split())
    for ch, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;"), ("`", "&#96;"), ("[", "&#91;"), ("]", "&#93;"), ("*", "&#42;"), ("_", "&#95;")):
        text = text.replace(ch, entity)
    return text


def _code(text: str) -> str:
    """Text for a Markdown code span (inside one, entities would show literally)."""
    return " ".join(text.replace("`", "'").split())


def render_markdown(diff: EvidenceDiff, base: str, head: str) -> str:
    """Markdown for a pull request: summary bullets, a concept x stance table, the claims in a
    collapsed table."""
    title = f"### Evidence changes: `{_code(base)}` → `{_code(head)}`"
    if diff.empty:
        return f"{title}\n\nNo changes to the evidence.\n"
    out = [title, ""]
    out += [f"- {line[0].upper()}{line[1:]}" for line in summary_lines(diff, code=True)]
    if diff.by_concept:
        out += ["", "| Concept | Stance | Added | Removed | Changed |", "|---|---|--:|--:|--:|"]
        for n in diff.by_concept:
            concept = f"`{n.concept}`" if n.concept else "(no concept)"
            out.append(f"| {concept} | {n.stance or ('method (no stance)' if n.concept else '—')} | {n.added} | {n.removed} | {n.changed} |")
    if diff.claims:
        out += ["", f"<details><summary>{_plural(len(diff.claims), 'changed claim')}</summary>", "",
                "| | Claim | Concepts | Text |", "|---|---|---|---|"]
        marks = {"added": "added", "removed": "removed", "changed": "changed"}
        for c in diff.claims:
            status = marks[c.status] + (f" ({', '.join(c.changed)})" if c.changed else "")
            out.append(f"| {status} | `{c.uid}` | {_cell('; '.join(c.concepts)) or '—'} | {_cell(c.text)} |")
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def render_json(diff: EvidenceDiff, base: str, head: str) -> str:
    """JSON: the revisions, the summary sentences and every list of the diff (stable key order)."""
    data = {"base": base, "head": head, "summary": summary_lines(diff), **asdict(diff)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
