"""The map of one concept: the concept in the middle, its broader concepts and alternatives on the
left, its narrower concepts and members on the right, related concepts on whichever side is
shorter; each neighbour a link to its page, each kind of relation its own line style.

Input: the concept, the vocabulary, the concepts offered as alternatives to it, and a function
giving the URL of a concept page relative to the page the map is drawn on. Output: inline SVG
(:mod:`.svg`), or "" for a concept without relations. Pure and deterministic; the cost is the
number of neighbours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ...core.model import Concept
from .svg import attrs, esc, figure, num, svg_open, text_lines, wrap

NODE_W, NODE_H, GAP_X, GAP_Y, HEAD_H, PAD = 150.0, 42.0, 54.0, 8.0, 22.0, 8.0
LINE_H = 15.0
CHARS = 21  # characters of a label per line in a node
# Relation kinds in the order a neighbour is claimed by one (a concept both broader and the group
# is shown once, as broader), with the heading and the side of the map.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("broader", "Broader", "left"),
    ("group", "Group", "left"),
    ("narrower", "Narrower", "right"),
    ("member", "Members", "right"),
    ("alternative", "Alternatives", "left"),
    ("related", "Related", ""),
)


def neighbours(concept: Concept, offered: Sequence[str], known: Mapping[str, Concept]) -> dict[str, list[str]]:
    """Relation kind -> neighbour ids (each neighbour once, in the concept file's order; unknown
    ids, which ``kb check`` reports, left out)."""
    found: dict[str, list[str]] = {kind: [] for kind, _, _ in KINDS}
    seen = {concept.id}
    sources = {
        "broader": concept.broader,
        "group": (concept.group,) if concept.group else (),
        "narrower": concept.narrower,
        "member": concept.members,
        "alternative": (*concept.alternative_to, *offered),
        "related": concept.related,
    }
    for kind, _, _ in KINDS:
        for cid in sources[kind]:
            if cid in known and cid not in seen:
                seen.add(cid)
                found[kind].append(cid)
    return found


def _columns(found: dict[str, list[str]]) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """(left, right): each a list of (kind, ids) sections; related concepts go, one at a time, to
    the side with fewer nodes (the right one on a tie)."""
    left = [(kind, list(found[kind])) for kind, _, side in KINDS if side == "left" and found[kind]]
    right = [(kind, list(found[kind])) for kind, _, side in KINDS if side == "right" and found[kind]]
    to_left: list[str] = []
    to_right: list[str] = []
    size_left = sum(len(ids) for _, ids in left)
    size_right = sum(len(ids) for _, ids in right)
    for cid in found["related"]:
        if size_left + len(to_left) < size_right + len(to_right):
            to_left.append(cid)
        else:
            to_right.append(cid)
    if to_left:
        left.append(("related", to_left))
    if to_right:
        right.append(("related", to_right))
    return left, right


def _height(sections: list[tuple[str, list[str]]]) -> float:
    return sum(HEAD_H + len(ids) * (NODE_H + GAP_Y) for _, ids in sections)


def concept_map_svg(concept: Concept, offered: Sequence[str], known: Mapping[str, Concept], href: Callable[[str], str]) -> str:
    """The map as a figure (inline SVG), or "" when the concept has no relation to draw."""
    found = neighbours(concept, offered, known)
    if not any(found.values()):
        return ""
    left, right = _columns(found)
    height = max(_height(left), _height(right), NODE_H + HEAD_H) + 2 * PAD
    width = 3 * NODE_W + 2 * GAP_X + 2 * PAD
    headings = {kind: title for kind, title, _ in KINDS}
    cx, cy = PAD + NODE_W + GAP_X, height / 2
    edges: list[str] = []
    nodes: list[str] = []
    for side, sections in (("left", left), ("right", right)):
        x = PAD if side == "left" else PAD + 2 * (NODE_W + GAP_X)
        y = PAD + (height - 2 * PAD - _height(sections)) / 2
        for kind, ids in sections:
            nodes.append(f'<text{attrs(class_="kb-map-heading", x=x + NODE_W / 2, y=y + HEAD_H - 7, text_anchor="middle")}>{esc(headings[kind])}</text>')
            y += HEAD_H
            for cid in ids:
                node_y = y + NODE_H / 2
                start_x = cx if side == "left" else cx + NODE_W
                end_x = x + NODE_W if side == "left" else x
                bend = GAP_X / 2 * (-1 if side == "left" else 1)
                path = f"M{num(start_x)} {num(cy)} C{num(start_x + bend)} {num(cy)} {num(end_x - bend)} {num(node_y)} {num(end_x)} {num(node_y)}"
                edges.append(f'<path{attrs(class_=f"kb-edge kb-rel-{kind}", d=path)}/>')
                nodes.append(_node(known[cid].label, x, y, href(cid), f"kb-node kb-rel-{kind}"))
                y += NODE_H + GAP_Y
    nodes.append(_node(concept.label, cx, cy - NODE_H / 2, "", "kb-node kb-node-current"))
    label = f"Map of {concept.label} and {sum(len(v) for v in found.values())} related concepts"
    body = svg_open(width, height, label, "kb-concept-map-svg") + "".join(edges) + "".join(nodes) + "</svg>"
    return figure(body, "kb-concept-map")


def _node(label: str, x: float, y: float, url: str, class_: str) -> str:
    """A rounded box with its label (two lines at most, the whole label as its title), a link
    unless ``url`` is empty (the concept of the page itself)."""
    box = f'<rect{attrs(x=x, y=y, width=NODE_W, height=NODE_H, rx=6)}/>'
    text = text_lines(x + NODE_W / 2, y + NODE_H / 2, wrap(label, CHARS, 2), line_height=LINE_H, class_="kb-node-label")
    inner = f"<title>{esc(label)}</title>{box}{text}"
    if not url:
        return f'<g{attrs(class_=class_)}>{inner}</g>'
    return f'<a{attrs(href=url, class_=class_)}>{inner}</a>'
