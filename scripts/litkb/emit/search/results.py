"""Search results as values, and their two renderings: text for people, JSON for programs.

Input: a :class:`SearchResult` built by :mod:`litkb.emit.search.whoosh.searcher`. Output: text lines or a JSON-ready
dict with stable field names (documented in :func:`to_json`). No Whoosh here.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core import urls
from .documents import doc_id

KIND_TITLES = {"source": "Sources", "claim": "Claims", "concept": "Concepts", "author": "Authors", "question": "Questions"}
MARK_OPEN, MARK_CLOSE = "**", "**"  # how snippets mark matched words (as Markdown bold)
FACETS_SHOWN = 10  # concepts and stances listed in text output (JSON lists them all)


@dataclass(frozen=True)
class Hit:
    """One result: ``id`` is the key, "note#claim", concept id, person id or question id; ``url`` the site page."""

    kind: str
    id: str
    label: str
    snippet: str
    url: str
    score: float
    info: Mapping[str, Any] = field(default_factory=dict)
    # A claim's paraphrase and quote apart, matches marked ("text", "quote"); empty for other kinds.
    parts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """The hits of one kind, best first; ``total`` counts every match of that kind, or is None
    when more matched than were ranked and counting them all would cost more than the search."""

    kind: str
    total: int | None
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class SearchResult:
    query: str
    groups: tuple[Group, ...]
    did_you_mean: str | None = None
    facets: Mapping[str, list[tuple[str, int]]] | None = None
    notices: tuple[str, ...] = ()

    @property
    def total(self) -> int | None:
        totals = [g.total for g in self.groups]
        return None if None in totals else sum(t for t in totals if t is not None)

    @property
    def ranked(self) -> list[Hit]:
        """All shown hits in one ranking (best score first, ties by kind order then id)."""
        order = {k: i for i, k in enumerate(KIND_TITLES)}
        return sorted((h for g in self.groups for h in g.hits), key=lambda h: (-h.score, order[h.kind], h.id))


def page_url(uid: str) -> str:
    """The site page of a search document, from :mod:`litkb.core.urls` (never built by hand)."""
    kind, ident = uid.split(":", 1)
    if kind == "source":
        return urls.source_url(ident)
    if kind == "claim":
        note, claim = ident.split("#", 1)
        return urls.claim_url(note, claim)
    if kind == "concept":
        return urls.concept_url(ident)
    if kind == "question":
        return urls.question_url(ident)
    return urls.author_url(ident)


def make_hit(uid: str, score: float, snippet: str, info: Mapping[str, Any], label: str, parts: Mapping[str, str] | None = None) -> Hit:
    kind = uid.split(":", 1)[0]
    return Hit(kind, doc_id(uid), label, snippet, page_url(uid), score, info, dict(parts or {}))


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 220) -> str:
    """The ``width`` characters of ``text`` holding the most matches (``spans``), marked **so**.

    Whitespace is collapsed; a cut is made between words and shown as an ellipsis. Without
    matches, the start of the text.
    """
    if not spans:
        start, end = 0, min(len(text), width)
    else:
        best, start = 0, spans[0][0]
        for i, (s, _) in enumerate(spans):  # the window starting at each match: keep the fullest
            count = sum(1 for a, b in spans[i:] if b <= s + width)
            if count > best:
                best, start = count, s
        start = max(0, start - width // 4)
        end = min(len(text), start + width)
    if start > 0:
        start = _word_start(text, start)
    if end < len(text):
        end = _word_end(text, end)
    parts, cursor = [], start
    for a, b in spans:
        if a >= start and b <= end:
            parts += [text[cursor:a], MARK_OPEN, text[a:b], MARK_CLOSE]
            cursor = b
    parts.append(text[cursor:end])
    body = " ".join("".join(parts).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _word_start(text: str, pos: int) -> int:
    """The start of the first whole word at or after ``pos``."""
    while pos < len(text) and not text[pos - 1].isspace():
        pos += 1
    return pos


def _word_end(text: str, pos: int) -> int:
    """The end of the last whole word before ``pos``."""
    cut = text.rfind(" ", 0, pos)
    return cut if cut > 0 else pos


# -- text ------------------------------------------------------------------------------------------
def _describe(hit: Hit) -> str:
    info = hit.info
    if hit.kind == "source":
        return f"{hit.label}: {info.get('title', '')}"
    if hit.kind == "claim":
        links = ", ".join(f"{c} ({s})" if s else c for c, s in info.get("concepts", []))
        kind = f" ({info['type']})" if info.get("type") else ""
        return f"{hit.label}{kind}" + (f"  [{links}]" if links else "")
    if hit.kind == "concept":
        return str(info.get("label", ""))
    if hit.kind == "question":
        return f"{hit.label} ({info.get('status', '')}, {info.get('words', 0)} words)"
    works = len(info.get("works", []))
    return f"{hit.label} ({works} work{'s' if works != 1 else ''})"


def _blocks(hit: Hit) -> list[str]:
    """What is shown under a hit's first line: for a claim, its paraphrase, then its quote, then its
    locator, each on lines of its own; for the other kinds, the snippet."""
    if hit.kind == "claim" and hit.parts:
        blocks = [hit.parts.get("text", "")]
        if hit.parts.get("quote"):
            blocks.append(f"“{hit.parts['quote']}”")
        if hit.info.get("locator"):
            blocks.append(str(hit.info["locator"]))
        return [b for b in blocks if b]
    return [hit.snippet] if hit.snippet else []


def _bold(text: str, tty: bool) -> str:
    if not tty:
        return text
    return re.sub(re.escape(MARK_OPEN) + r"(.+?)" + re.escape(MARK_CLOSE), "\x1b[1m\\1\x1b[0m", text)


def render_text(result: SearchResult, tty: bool = False, width: int = 100) -> str:
    """Grouped, readable output: per kind a heading with counts, then id, description, snippet, page."""
    lines: list[str] = []
    if result.did_you_mean:
        lines.append(f"Did you mean: {result.did_you_mean}")
    if not result.groups:
        lines.append(f"No results for {result.query}")
    for group in result.groups:
        shown = len(group.hits)
        if group.total is None:
            count = f"top {shown}; more match"
        else:
            count = f"{shown} of {group.total}" if shown < group.total else f"{group.total}"
        lines.append(f"{KIND_TITLES[group.kind]} ({count})")
        for hit in group.hits:
            lines.append(f"  {hit.id}  {_describe(hit)}")
            for block in _blocks(hit):
                for part in textwrap.wrap(block, width=width - 6, break_on_hyphens=False) or [""]:
                    lines.append("      " + _bold(part, tty))
            lines.append(f"      -> {hit.url}")
        lines.append("")
    if result.facets and result.groups:
        lines.append("Facets")
        for name, counts in result.facets.items():
            listed = counts if name in ("kind", "year") else counts[:FACETS_SHOWN]
            more = f", … {len(counts) - len(listed)} more" if len(listed) < len(counts) else ""
            lines.append(f"  {name}: " + ", ".join(f"{value} ({n})" for value, n in listed) + more)
    return "\n".join(lines).rstrip() + "\n"


# -- JSON ------------------------------------------------------------------------------------------
def to_json(result: SearchResult) -> dict[str, Any]:
    """Stable JSON: {query, total, did_you_mean, notices, groups: [{kind, total, hits: [...]}],
    facets?}. A total is null when more matched than were ranked and not all were counted (ask
    for --facets to count them). Each hit: kind, id, label, url, score, snippet (matches marked **so**), plus per kind:
    source {title, year, creators, container, annotated}; claim {note, claim, type, about (a list of
    keys), cited_as (as the reporting text printed them), reported, text (the paraphrase), quote,
    locator, stance (the distinct stances the claim takes, in the order of its concepts; empty for
    a method claim), concepts: [{concept, stance}] (stance "" for a method claim)}; concept
    {aliases, group, definition}; author {works}; question {status, concepts, words, citations}."""
    out: dict[str, Any] = {
        "query": result.query,
        "total": result.total,
        "did_you_mean": result.did_you_mean,
        "notices": list(result.notices),
        "groups": [{"kind": g.kind, "total": g.total, "hits": [_hit_json(h) for h in g.hits]} for g in result.groups],
    }
    if result.facets is not None:
        out["facets"] = {name: [{"value": v, "count": n} for v, n in counts] for name, counts in result.facets.items()}
    return out


_EXTRA = {
    "source": ("title", "year", "creators", "container", "annotated"),
    "claim": ("note", "claim", "type", "about", "cited_as", "reported", "text", "quote", "locator"),
    "concept": ("aliases", "group", "definition"),
    "author": ("works",),
    "question": ("status", "concepts", "words", "citations"),
}


def _hit_json(hit: Hit) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": hit.kind, "id": hit.id, "label": hit.label, "url": hit.url, "score": round(hit.score, 4), "snippet": hit.snippet}
    for name in _EXTRA[hit.kind]:
        out[name] = hit.info.get(name)
    if hit.kind == "claim":
        links = hit.info.get("concepts", [])
        out["stance"] = list(dict.fromkeys(s for _, s in links if s))
        out["concepts"] = [{"concept": c, "stance": s} for c, s in links]
    return out
