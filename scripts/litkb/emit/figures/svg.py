"""Writing inline SVG that the page tripwire accepts: shapes, text and links within the site.

Input: numbers, plain (untrusted) text and site-relative URLs. Output: SVG markup as a string.
Every text and attribute value goes through :func:`~litkb.emit.pages.safe.html_text`-like
escaping (HTML's special characters and Markdown's syntax characters as character references),
numbers are written with one decimal at most, so the same picture is the same bytes. Only the
elements and attributes of :data:`litkb.emit.pages.safe.SVG_ELEMENTS` / ``SVG_ATTRIBUTES`` are
written; a test checks it.
"""

from __future__ import annotations

import html
import textwrap

# Markdown's syntax characters as character references: the figure stands inside a raw HTML
# block, which Markdown leaves alone, but the same text may also reach a table cell.
_MD_SPECIAL = str.maketrans({c: f"&#{ord(c)};" for c in "\\`[]|"})
SEARCH_MARKER = "data-search-"


def esc(text: str) -> str:
    """Plain text for an SVG text node or attribute value."""
    escaped = html.escape(" ".join(str(text).split()), quote=True).translate(_MD_SPECIAL)
    return escaped.replace(SEARCH_MARKER, "data&#45;search-")


def num(value: float) -> str:
    """A coordinate: one decimal at most, no "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def attrs(**values: str | float | None) -> str:
    """`` name="value"`` pairs in the given order (``None`` left out; ``_`` in a name becomes ``-``,
    a trailing ``_`` is dropped: ``class_``)."""
    out = []
    for name, value in values.items():
        if value is None:
            continue
        shown = value if isinstance(value, str) else num(value)
        out.append(f' {name.rstrip("_").replace("_", "-")}="{esc(shown) if isinstance(value, str) else shown}"')
    return "".join(out)


def wrap(label: str, width: int, lines: int) -> list[str]:
    """A label broken into at most ``lines`` lines of about ``width`` characters (the last one cut
    with an ellipsis when the label is longer)."""
    parts = textwrap.wrap(" ".join(label.split()), width, break_long_words=True) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(1, width - 1)].rstrip() + "…"
    return parts


def text_lines(x: float, y: float, lines: list[str], *, line_height: float, class_: str, anchor: str = "middle") -> str:
    """A ``<text>`` of several lines centred vertically on ``y``."""
    top = y - (len(lines) - 1) * line_height / 2
    spans = "".join(f'<tspan{attrs(x=x, y=top + i * line_height)}>{esc(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text{attrs(class_=class_, text_anchor=anchor, dominant_baseline="central")}>{spans}</text>'


def svg_open(width: float, height: float, label: str, class_: str) -> str:
    """The opening tag: scalable (``viewBox``), described for screen readers."""
    return f'<svg{attrs(xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {num(width)} {num(height)}", width=width, height=height, class_=class_, role="img", aria_label=label)}>'


def figure(svg: str, class_: str) -> str:
    """The picture in a raw HTML block kept out of the site search (its words are labels that the
    page's text already has). One line: Markdown passes it through untouched."""
    return f'<div class="kb-figure {esc(class_)}" data-search-exclude="data-search-exclude">{svg}</div>'
