"""The concept timeline: when each concept enters the literature of the library, and in which
years works define it, bear on it and contest it.

Input: the linked model, the works' labels and a function giving the URL of a page (concept or
source) relative to the page the picture is on. Output: :class:`ConceptSpan` values (one per
concept with dated evidence) and inline SVG (:func:`timeline_svg`).

A concept's evidence is dated by the works it is about: the works of its claims with a stance
(a reported claim dates from the works it reports, not from the report) and its definition's
sources. It *enters* the library's literature in the earliest of those years. Defining works:
the definition's sources and the works of ``defines`` claims; contesting works: those of
``contests`` claims. One pass over the claims; the picture has one row per concept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ...core.model import KnowledgeBase
from .svg import attrs, esc, figure, num, svg_open, wrap

_YEAR = re.compile(r"\d{4}")
# Works named in a mark's tooltip (the rest counted): a year of a large library has dozens.
NAMED = 2
LABEL_W, ROW_H, PAD, AXIS_H, YEAR_W_MIN = 190.0, 26.0, 10.0, 28.0, 14.0
WIDTH = 900.0


@dataclass(frozen=True)
class ConceptSpan:
    """One concept's row: ``years`` every year with evidence; ``defining`` and ``contesting``:
    year -> the keys of the works (sorted by label)."""

    concept: str
    label: str
    enters: int
    last: int
    years: tuple[int, ...]
    defining: Mapping[int, tuple[str, ...]]
    contesting: Mapping[int, tuple[str, ...]]


def year_of(text: str) -> int | None:
    """The first four-digit year of a BibTeX year field ("2013", "2013/14"), or None ("n.d.")."""
    match = _YEAR.search(text)
    return int(match.group(0)) if match else None


def concept_spans(kb: KnowledgeBase, labels: Mapping[str, str]) -> list[ConceptSpan]:
    """The rows, earliest entry first (then by label); concepts without dated evidence left out."""
    years: dict[str, set[int]] = {}
    defining: dict[str, dict[int, set[str]]] = {}
    contesting: dict[str, dict[int, set[str]]] = {}

    def add(table: dict[str, dict[int, set[str]]] | None, concept: str, key: str) -> None:
        source = kb.sources.get(key)
        year = year_of(source.year) if source else None
        if year is None:
            return
        years.setdefault(concept, set()).add(year)
        if table is not None:
            table.setdefault(concept, {}).setdefault(year, set()).add(key)

    for concept in kb.concepts.values():
        for key in concept.definition.sources:
            add(defining, concept.id, key)
    for note in kb.notes.values():
        for claim in (*note.claims, *note.reported):
            for link in claim.concepts:
                if not link.stance or link.concept not in kb.concepts:
                    continue
                table = defining if link.stance == "defines" else contesting if link.stance == "contests" else None
                for key in claim.works:
                    add(table, link.concept, key)
    spans = []
    for cid, found in years.items():
        order = sorted(found)

        def keys(table: dict[str, dict[int, set[str]]], concept: str = cid) -> dict[int, tuple[str, ...]]:
            return {y: tuple(sorted(ks, key=lambda k: (labels.get(k, k), k))) for y, ks in sorted(table.get(concept, {}).items())}

        spans.append(ConceptSpan(cid, kb.concepts[cid].label, order[0], order[-1], tuple(order), keys(defining), keys(contesting)))
    return sorted(spans, key=lambda s: (s.enters, s.label.lower(), s.concept))


def timeline_svg(spans: list[ConceptSpan], labels: Mapping[str, str], concept_href: Callable[[str], str], source_href: Callable[[str], str]) -> str:
    """One row per concept: its label (a link), a line from its first to its last year, a dot for
    each year with evidence, a diamond for defining works and a cross for contesting ones (each
    a link to the work, or to the concept page when several works share the year)."""
    if not spans:
        return ""
    first = axis_start([year for s in spans for year in s.years])
    last = max(s.last for s in spans)
    span_years = max(1, last - first)
    plot_w = max(WIDTH - LABEL_W - 2 * PAD, span_years * YEAR_W_MIN)
    width = LABEL_W + plot_w + 2 * PAD
    height = AXIS_H * 2 + len(spans) * ROW_H + PAD

    def x_of(year: int) -> float:
        # A year before the axis starts stands at its left edge (the row says which year).
        return PAD + LABEL_W + (max(year, first) - first) / span_years * (plot_w - 16) + 8

    parts = [svg_open(width, height, f"Timeline of {len(spans)} concepts, {first} to {last}", "kb-timeline-svg")]
    parts += _axis(first, last, x_of, height)
    for row, span in enumerate(spans):
        y = AXIS_H + row * ROW_H + ROW_H / 2
        if row % 2:
            parts.append(f'<rect{attrs(class_="kb-tl-band", x=PAD, y=y - ROW_H / 2, width=width - 2 * PAD, height=ROW_H)}/>')
        text = wrap(span.label, 30, 1)[0]
        parts.append(f'<a{attrs(href=concept_href(span.concept))}><title>{esc(span.label)}: enters in {span.enters}</title>'
                     f'<text{attrs(class_="kb-tl-label", x=PAD + LABEL_W - 8, y=y, text_anchor="end", dominant_baseline="central")}>{esc(text)}</text></a>')
        parts.append(f'<line{attrs(class_="kb-tl-span", x1=x_of(span.enters), y1=y, x2=x_of(span.last), y2=y)}/>')
        if span.enters < first:
            parts.append(f'<text{attrs(class_="kb-tl-early", x=x_of(first) + 6, y=y - 5)}>from {span.enters}</text>')
        marked = set(span.defining) | set(span.contesting)  # a mark stands for its year's dot
        parts += [f'<circle{attrs(class_="kb-tl-year", cx=x_of(year), cy=y, r=2.5)}/>' for year in span.years if year not in marked]
        for year, keys in span.defining.items():
            parts.append(_mark("defines", span, year, keys, labels, x_of(year), y, concept_href, source_href))
        for year, keys in span.contesting.items():
            parts.append(_mark("contests", span, year, keys, labels, x_of(year), y, concept_href, source_href))
    parts.append("</svg>")
    return figure("".join(parts), "kb-timeline")


# The axis starts at the earliest year unless a few early works would squeeze every other year
# into a corner: when the earliest years (at most one in twenty of the years with evidence) lie
# more than EARLY_GAP years before the next, the axis starts just before the next, and the rows
# that begin earlier say from when.
EARLY_GAP = 8


def axis_start(years: list[int]) -> int:
    """The first year of the axis (see EARLY_GAP)."""
    ordered = sorted(years)
    start = ordered[0]
    early = len(ordered) // 20
    for i in range(early):
        if ordered[i + 1] - ordered[i] > EARLY_GAP:
            start = ordered[i + 1] - 1
    return start


def _axis(first: int, last: int, x_of: Callable[[int], float], height: float) -> list[str]:
    """Year ticks every five years (every year for a short span), top and bottom."""
    step = 1 if last - first <= 16 else 2 if last - first <= 30 else 5
    start = first if step == 1 else first - first % step + (step if first % step else 0)
    parts = []
    for year in range(start, last + 1, step):
        x = x_of(year)
        parts.append(f'<line{attrs(class_="kb-tl-grid", x1=x, y1=AXIS_H - 6, x2=x, y2=height - AXIS_H + 6)}/>')
        for y in (AXIS_H - 12, height - AXIS_H + 18):
            parts.append(f'<text{attrs(class_="kb-tl-axis", x=x, y=y, text_anchor="middle")}>{year}</text>')
    return parts


def _mark(kind: str, span: ConceptSpan, year: int, keys: tuple[str, ...], labels: Mapping[str, str], x: float, y: float,
          concept_href: Callable[[str], str], source_href: Callable[[str], str]) -> str:
    """A defining (diamond) or contesting (cross) mark, linked to its work or, for several, the concept."""
    names = ", ".join(labels.get(k, k) for k in keys[:NAMED]) + (f" and {len(keys) - NAMED} more" if len(keys) > NAMED else "")
    tip = f"{names} {kind[:-1] if len(keys) > 1 else kind}"
    size = 6.0 if len(keys) == 1 else 7.5
    if kind == "defines":
        shape = f'<polygon{attrs(class_="kb-tl-defines", points=f"{num(x)},{num(y - size)} {num(x + size)},{num(y)} {num(x)},{num(y + size)} {num(x - size)},{num(y)}")}/>'
    else:
        d = f"M{num(x - size)} {num(y - size)}L{num(x + size)} {num(y + size)}M{num(x - size)} {num(y + size)}L{num(x + size)} {num(y - size)}"
        shape = f'<path{attrs(class_="kb-tl-contests", d=d)}/>'
    url = source_href(keys[0]) if len(keys) == 1 else concept_href(span.concept)
    return f'<a{attrs(href=url)}><title>{esc(tip)} ({year})</title>{shape}</a>'
