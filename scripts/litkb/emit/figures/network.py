"""The citation network of the library: who cites whom, who reports on whom, which works report
one study; as data (JSON, GraphML) and as a picture of its most cited part.

Input: the linked model, the works' labels and a function giving a source page's URL relative
to the page the picture is on. Output: :class:`Network` (every node and edge), its JSON and
GraphML texts, and inline SVG of the ``limit`` most cited works (:func:`network_svg`).

An edge goes from a note to a work it cites (``cites``) or that one of its reported claims is
about (``reports``: the note's evidence "as reported by"; a pair with both is a ``reports``
edge); ``same-study`` joins works that report one study. A work's size is how many notes cite
or report on it (``kb.cited_by``). Deterministic: nodes and edges sorted, the layout seeded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ...core.model import KnowledgeBase, Note
from .layout import force_layout, place_labels
from .svg import attrs, esc, figure, num, svg_open

WIDTH, HEIGHT = 1000.0, 720.0
# Works drawn at most: beyond this the picture shows the most cited ones and says so (the layout
# costs the square of the nodes drawn; the full network is in the downloads).
LIMIT = 120
# Works labelled on the picture at most (annotated works first, then the most cited), where a
# label finds room; every node has its label and title as a tooltip.
LABELLED = 60
CHAR_W = 5.6  # width of a character of a label (10 px font), for placing labels


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    title: str
    year: str
    cited: int  # notes citing or reporting on the work
    annotated: bool


@dataclass(frozen=True)
class Edge:
    source: str  # the citing or reporting note (for same-study: the first key)
    target: str
    kind: str  # cites | reports | same-study
    claims: int  # reported claims behind a reports edge (0 otherwise)


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def network_reads(note: Note) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """All the network reads of a note (besides its existence): the works it cites, and the works
    each of its reported claims is about. The preview keeps the network when this is unchanged
    (litkb.emit.pages.incremental)."""
    return tuple(note.cites), tuple(tuple(claim.works) for claim in note.reported)


def citation_network(kb: KnowledgeBase, labels: Mapping[str, str]) -> Network:
    """Every work of the library that cites, is cited, reports or is reported on, and every such link."""
    reports: dict[tuple[str, str], int] = {}
    cites: set[tuple[str, str]] = set()
    for note in kb.notes.values():
        cited, reported = network_reads(note)
        for key in cited:
            if key in kb.sources and key != note.key:
                cites.add((note.key, key))
        for works in reported:
            for work in works:
                if work in kb.sources and work != note.key:
                    reports[(note.key, work)] = reports.get((note.key, work), 0) + 1
    edges = [Edge(a, b, "reports", reports[(a, b)]) for a, b in reports]
    edges += [Edge(a, b, "cites", 0) for a, b in cites if (a, b) not in reports]
    for group in {tuple(v) for v in kb.same_study.values()}:
        edges += [Edge(group[0], other, "same-study", 0) for other in group[1:] if group[0] in kb.sources and other in kb.sources]
    involved = {e.source for e in edges} | {e.target for e in edges}
    nodes = [
        Node(key, labels.get(key, key), kb.sources[key].title, kb.sources[key].year, len(kb.cited_by.get(key, ())), key in kb.notes)
        for key in sorted(involved)
    ]
    return Network(tuple(nodes), tuple(sorted(edges, key=lambda e: (e.source, e.target, e.kind))))


def most_cited(network: Network, limit: int) -> list[Node]:
    """The ``limit`` most cited works (annotated ones first on a tie, then by label and key)."""
    ranked = sorted(network.nodes, key=lambda n: (-n.cited, not n.annotated, n.label.lower(), n.key))
    return ranked[:limit]


def network_json(network: Network, url: Callable[[str], str]) -> bytes:
    """The whole network as JSON: ``nodes`` (key, label, title, year, cited, annotated, url) and
    ``edges`` (source, target, kind, claims); ``url`` gives a work's page from the site root."""
    data = {
        "nodes": [{"key": n.key, "label": n.label, "title": n.title, "year": n.year, "cited": n.cited, "annotated": n.annotated, "url": url(n.key)}
                  for n in network.nodes],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind, "claims": e.claims} for e in network.edges],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def network_graphml(network: Network) -> bytes:
    """The whole network as GraphML (directed; node and edge attributes declared), for Gephi,
    Cytoscape, yEd or networkx."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
        '  <key id="title" for="node" attr.name="title" attr.type="string"/>',
        '  <key id="year" for="node" attr.name="year" attr.type="string"/>',
        '  <key id="cited" for="node" attr.name="cited" attr.type="int"/>',
        '  <key id="annotated" for="node" attr.name="annotated" attr.type="boolean"/>',
        '  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>',
        '  <key id="claims" for="edge" attr.name="claims" attr.type="int"/>',
        '  <graph id="citations" edgedefault="directed">',
    ]
    for n in network.nodes:
        lines.append(f"    <node id={quoteattr(n.key)}>"
                     f'<data key="label">{escape(n.label)}</data><data key="title">{escape(n.title)}</data><data key="year">{escape(n.year)}</data>'
                     f'<data key="cited">{n.cited}</data><data key="annotated">{"true" if n.annotated else "false"}</data></node>')
    for i, e in enumerate(network.edges):
        lines.append(f'    <edge id="e{i}" source={quoteattr(e.source)} target={quoteattr(e.target)}>'
                     f'<data key="kind">{e.kind}</data><data key="claims">{e.claims}</data></edge>')
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines).encode("utf-8")


def radius(cited: int) -> float:
    """A node's radius: its area grows with the times it is cited."""
    return 4.0 + 3.2 * math.sqrt(cited)


def network_svg(network: Network, href: Callable[[str], str], limit: int = LIMIT, labelled: int = LABELLED) -> str:
    """The ``limit`` most cited works and the links among them, laid out by force; "" when the
    library has no citation links."""
    shown = most_cited(network, limit)
    if not shown:
        return ""
    keys = [n.key for n in sorted(shown, key=lambda n: n.key)]
    by_key = {n.key: n for n in shown}
    edges = [e for e in network.edges if e.source in by_key and e.target in by_key]
    sizes = [radius(by_key[k].cited) for k in keys]
    places = force_layout(keys, [(e.source, e.target, 1.0 + e.claims) for e in edges], WIDTH, HEIGHT, sizes=sizes)
    parts = [svg_open(WIDTH, HEIGHT, f"Citation network of the {len(shown)} most cited works", "kb-network-svg")]
    for e in edges:
        parts.append(_edge(e, places, by_key))
    order = [n.key for n in sorted(shown, key=lambda n: (not n.annotated, -n.cited, n.label.lower(), n.key))][:labelled]
    labels = place_labels(order, places, {k: radius(by_key[k].cited) for k in keys}, {k: len(by_key[k].label) * CHAR_W for k in keys}, WIDTH, HEIGHT)
    for key in sorted(keys, key=lambda k: (by_key[k].cited, k)):  # larger nodes drawn last, on top
        parts.append(_node(by_key[key], places[key], href(key), labels.get(key)))
    parts.append("</svg>")
    return figure("".join(parts), "kb-network")


def _edge(edge: Edge, places: Mapping[str, tuple[float, float]], nodes: Mapping[str, Node]) -> str:
    """A line between two works; a cites or reports edge ends in an arrowhead at its target."""
    (x1, y1), (x2, y2) = places[edge.source], places[edge.target]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    end = radius(nodes[edge.target].cited) + 1.5
    tip_x, tip_y = x2 - ux * end, y2 - uy * end
    line = f'<line{attrs(class_=f"kb-net-edge kb-net-{edge.kind}", x1=x1, y1=y1, x2=tip_x, y2=tip_y)}/>'
    if edge.kind == "same-study" or length <= end + 6:
        return line
    size = 6.0
    base_x, base_y = tip_x - ux * size, tip_y - uy * size
    points = f"{num(tip_x)},{num(tip_y)} {num(base_x - uy * size / 2)},{num(base_y + ux * size / 2)} {num(base_x + uy * size / 2)},{num(base_y - ux * size / 2)}"
    return line + f'<polygon{attrs(class_=f"kb-net-arrow kb-net-{edge.kind}", points=points)}/>'


def _node(node: Node, place: tuple[float, float], url: str, label_at: tuple[float, float, str] | None) -> str:
    x, y = place
    r = radius(node.cited)
    tip = f"{node.label}: {node.title}" if node.title else node.label
    tip += f" (cited or reported on by {node.cited} {'note' if node.cited == 1 else 'notes'})" if node.cited else ""
    shape = f'<circle{attrs(cx=x, cy=y, r=r)}/>'
    label = ""
    if label_at is not None:
        lx, ly, anchor = label_at
        label = f'<text{attrs(class_="kb-net-label", x=lx, y=ly, text_anchor=anchor)}>{esc(node.label)}</text>'
    kind = "kb-net-node kb-net-annotated" if node.annotated else "kb-net-node"
    return f'<a{attrs(href=url, class_=kind)}><title>{esc(tip)}</title>{shape}{label}</a>'
