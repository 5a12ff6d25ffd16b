"""``kb annotations import``: Zotero highlights -> claim stubs appended to a note.

Input: the linked knowledge base, a key with a note, and the highlights read from an export
(:mod:`litkb.contrib.zotero`). Output: the note's new text (:func:`stub_note`), written atomically
by :func:`import_annotations`, and what became of each highlight.

The note is edited as text, never re-serialised: its comments, order, quoting and blank lines stay
as written, and the stubs go right after its last claim (or replace an empty ``claims: []``). The
new text is then read back: it must hold the old claims unchanged and the stubs exactly as meant,
or nothing is written. Existing claims are never changed; a highlight that an existing quote
already holds, or that repeats another highlight, is skipped.

A stub is not a finished claim and ``kb check`` says so until the writer has done their part:
``text`` is the Zotero comment or ``""`` (KB306, empty), ``concepts`` are the tags that name a
concept (by id, label or alias) with ``stance: TODO`` (KB304) or ``[]`` when none does (KB306),
and ``type`` is left out, with a ``# TODO type:`` comment above where it goes: since claims need a
type, ``kb check`` reports the missing field (KB303) at the stub's line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from ..core import limits as L
from ..core.files import atomic_write_text
from ..core.model import KnowledgeBase, Note
from ..core.text import fold, slugify
from ..load.yamlload import compose_yaml
from ..rules.link import SOURCES_DIR
from ..rules.passages import normalise
from .zotero import HASHTAG, Highlight

TYPES_HINT = "finding | voice | argument | background | method"


class StubError(ValueError):
    """The note cannot take the stubs; the message is one line."""


@dataclass(frozen=True)
class Outcome:
    """What became of one highlight: ``added`` with the new claim's id, or skipped and why."""

    highlight: Highlight
    claim_id: str = ""
    skipped: str = ""


def concept_ids(kb: KnowledgeBase, tags: Sequence[str]) -> list[str]:
    """The concepts the tags name, by id, label or alias (case and accents ignored), in tag order."""
    names: dict[str, str] = {}
    for cid, concept in kb.concepts.items():
        for name in (cid, concept.label, *concept.aliases):
            names.setdefault(fold(name).replace("-", " ").strip(), cid)
    found: list[str] = []
    for tag in tags:
        match = names.get(fold(tag).replace("-", " ").replace("_", " ").strip())
        if match and match not in found:
            found.append(match)
    return found


def _claim_id(text: str, taken: set[str]) -> str:
    """An id from the highlight's first words ("zotero-distributed-leadership-was-to"), unique."""
    words = slugify(text).split("-")[:6]
    base = "-".join(["zotero", *[w for w in words if w]])[: L.MAX_ID_LENGTH - 4].strip("-")
    claim_id, n = base, 2
    while claim_id in taken:
        claim_id, n = f"{base}-{n}", n + 1
    taken.add(claim_id)
    return claim_id


def claim_text(highlight: Highlight) -> str:
    """The claim's text: the comment on the highlight without its #tags (they name concepts)."""
    return " ".join(HASHTAG.sub("", highlight.comment).split())


def _stub(highlight: Highlight, claim_id: str, concepts: list[str], indent: str) -> list[str]:
    """The YAML lines of one stub, its "- " at ``indent``."""
    inner = indent + "  "
    text_comment = "" if claim_text(highlight) else "   # write the claim in your own words"
    lines = [
        f"{indent}- id: {claim_id}",
        f"{inner}# TODO type: {TYPES_HINT} (imported from Zotero)",
        f"{inner}text: {json.dumps(claim_text(highlight), ensure_ascii=False)}{text_comment}",
        f"{inner}quote: {json.dumps(highlight.text, ensure_ascii=False)}",
    ]
    if highlight.page_label:
        lines.append(f"{inner}locator: {json.dumps('p. ' + highlight.page_label, ensure_ascii=False)}")
    if concepts:
        lines.append(f"{inner}concepts:   # from the highlight's tags: choose each stance")
        lines += [f"{inner}  - {{concept: {cid}, stance: TODO}}" for cid in concepts]
    else:
        lines.append(f"{inner}concepts: []   # no tag names a concept: add the concepts and stances")
    return lines


def plan(kb: KnowledgeBase, note: Note, highlights: Sequence[Highlight]) -> list[Outcome]:
    """Which highlights become stubs (with their ids) and which are skipped, and why."""
    quoted = [(normalise(c.quote), c.id) for c in (*note.claims, *note.reported) if c.quote]
    taken = {c.id for c in (*note.claims, *note.reported)}
    seen: dict[str, str] = {}
    outcomes = []
    room = L.MAX_CLAIMS - len(note.claims)
    for h in highlights:
        wanted = normalise(h.text)
        holder = next((cid for quote, cid in quoted if wanted and wanted in quote), None)
        if not wanted:
            outcomes.append(Outcome(h, skipped="no text"))
        elif holder:
            outcomes.append(Outcome(h, skipped=f"already quoted by claim {holder}"))
        elif wanted in seen:
            outcomes.append(Outcome(h, skipped=f"the same passage as {seen[wanted]}"))
        elif len(h.text) > L.MAX_QUOTE or len(claim_text(h)) > L.MAX_CLAIM_TEXT or len(h.page_label) > L.MAX_LOCATOR - 3:
            outcomes.append(Outcome(h, skipped=f"longer than a note allows ({L.MAX_QUOTE:,} characters for a quote or a claim)"))
        elif room <= 0:
            outcomes.append(Outcome(h, skipped=f"the note would have more than {L.MAX_CLAIMS:,} claims"))
        else:
            room -= 1
            claim_id = _claim_id(h.text, taken)
            seen[wanted] = claim_id
            outcomes.append(Outcome(h, claim_id))
    return outcomes


def stub_note(kb: KnowledgeBase, note_text: str, shown: str, note: Note, outcomes: Sequence[Outcome]) -> str:
    """``note_text`` with a stub for every added outcome after its last claim. Raises
    :class:`StubError` when the claims cannot be found or the result does not read back."""
    root, problems = compose_yaml(note_text, shown)
    if problems or not isinstance(root, yaml.MappingNode):
        raise StubError(f"{problems[0].text() if problems else shown + ': not a mapping'}: fix the note first (kb check)")
    claims = next((value for key, value in root.value if isinstance(key, yaml.ScalarNode) and key.value == "claims"), None)
    added = [o for o in outcomes if o.claim_id]
    if claims is not None and not isinstance(claims, yaml.SequenceNode):
        raise StubError(f"{shown}:{claims.start_mark.line + 1}: 'claims' is not a list: fix the note first (kb check)")
    if claims is None:
        body = "\n".join(line for o in added for line in _stub(o.highlight, o.claim_id, concept_ids(kb, o.highlight.tags), "  "))
        new_text = note_text + ("" if note_text.endswith("\n") else "\n") + "claims:\n" + body + "\n"
    elif claims.flow_style:
        if claims.value:
            raise StubError(f"{shown}:{claims.start_mark.line + 1}: the claims are written as a [...] list; write them one per line to import")
        body = "\n".join(line for o in added for line in _stub(o.highlight, o.claim_id, concept_ids(kb, o.highlight.tags), "  "))
        start = claims.start_mark.index
        while start > 0 and note_text[start - 1] in " \t":  # "claims: []" becomes "claims:" and the items
            start -= 1
        new_text = note_text[:start] + "\n" + body + note_text[claims.end_mark.index :]
    else:
        indent = " " * claims.start_mark.column
        at = _after(note_text, claims.value[-1])
        body = "".join(line + "\n" for o in added for line in _stub(o.highlight, o.claim_id, concept_ids(kb, o.highlight.tags), indent))
        new_text = note_text[:at] + body + note_text[at:]
    _check_reads_back(note_text, new_text, shown, added)
    return new_text


def _after(text: str, node: yaml.Node) -> int:
    """The start of the line after the last character of ``node`` (its last scalar, or its
    closing bracket): where the next item goes, before any comment that introduces what follows."""
    end = _last_index(node)
    newline = text.find("\n", max(end - 1, 0))
    return len(text) if newline < 0 else newline + 1


def _last_index(node: yaml.Node) -> int:
    if isinstance(node, yaml.ScalarNode) or (isinstance(node, yaml.CollectionNode) and node.flow_style):
        return int(node.end_mark.index)
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else list(node.value)
    return max((_last_index(child) for child in children), default=int(node.start_mark.index))


def _check_reads_back(old: str, new: str, shown: str, added: Sequence[Outcome]) -> None:
    """The new text must hold the old claims unchanged, followed by exactly the stubs meant."""
    before, after = yaml.safe_load(old), yaml.safe_load(new)
    old_claims = (before or {}).get("claims") or []
    new_claims = (after or {}).get("claims") or []
    stubs = new_claims[len(old_claims) :]
    same = new_claims[: len(old_claims)] == old_claims and {k: v for k, v in after.items() if k != "claims"} == {k: v for k, v in before.items() if k != "claims"}
    wanted = [(o.claim_id, claim_text(o.highlight), o.highlight.text, "p. " + o.highlight.page_label if o.highlight.page_label else None) for o in added]
    got = [(s.get("id"), s.get("text"), s.get("quote"), s.get("locator")) for s in stubs if isinstance(s, dict)]
    if not same or got != wanted:
        raise StubError(f"{shown}: the stubs would not read back as written; nothing was changed (please report this note's layout)")


def import_annotations(kb: KnowledgeBase, key: str, highlights: Sequence[Highlight], *, dry_run: bool = False) -> tuple[str, list[Outcome]]:
    """Append stubs for ``highlights`` to the note on ``key`` (unless ``dry_run``). Returns the
    note's path (relative to the root) and the outcome of every highlight."""
    note = kb.notes.get(key)
    if key not in kb.sources:
        raise StubError(f"unknown key '{key}': not in references.bib (add it with kb import FILE.bib)")
    if note is None:
        raise StubError(f"no note on '{key}' yet: start one with kb new source {key}, then import")
    path = kb.root / note.path
    if not re.fullmatch(re.escape((SOURCES_DIR / f"{key}").as_posix()) + r"\.ya?ml", note.path) or path.is_symlink():
        raise StubError(f"{note.path}: not a note file kb edits")
    text = path.read_text(encoding="utf-8")
    outcomes = plan(kb, note, highlights)
    if any(o.claim_id for o in outcomes):
        new_text = stub_note(kb, text, note.path, note, outcomes)
        if not dry_run:
            atomic_write_text(path, new_text)
    return note.path, outcomes
