"""A small deterministic force layout (Fruchterman and Reingold, 1991) for the citation network.

Input: node ids (in a fixed order), weighted edges between them, the drawing's size. Output: a
position per node. The start positions come from a seeded random generator and the number of
iterations is fixed, so the same graph always gives the same picture; each iteration costs
O(nodes² + edges), so callers bound the number of nodes (the network shows the most cited works).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from functools import lru_cache

SEED = 15
ITERATIONS = 160


def force_layout(nodes: Sequence[str], edges: Sequence[tuple[str, str, float]], width: float, height: float, *,
                 sizes: Sequence[float] | None = None, seed: int = SEED, iterations: int = ITERATIONS) -> dict[str, tuple[float, float]]:
    """Positions inside ``width`` x ``height`` (a margin of each node's size kept free).

    The layout of the same graph is remembered by value (a few graphs): the live preview draws
    the network again after every save, which rarely changes it.
    """
    layout = _layout(tuple(nodes), tuple(edges), width, height, None if sizes is None else tuple(sizes), seed, iterations)
    return dict(layout)


@lru_cache(maxsize=4)
def _layout(nodes: tuple[str, ...], edges: tuple[tuple[str, str, float], ...], width: float, height: float,
            sizes: tuple[float, ...] | None, seed: int, iterations: int) -> dict[str, tuple[float, float]]:
    """:func:`force_layout`, computed (the caller copies the result, which is remembered).

    Nodes repel each other (k²/d, more strongly the larger they are: ``sizes``, radii), edges pull
    their ends together (d²/k, times their weight, dampened), and gravity pulls everything towards
    the centre, which keeps unconnected parts near the rest. The layout runs free (no wall to pile
    against) with a temperature falling to zero, and is then scaled to fit the frame.
    """
    count = len(nodes)
    if count == 0:
        return {}
    radii = list(sizes) if sizes is not None else [4.0] * count
    rng = random.Random(seed)
    xs, ys = [], []
    for _ in range(count):
        angle = rng.uniform(0, 2 * math.pi)
        distance = math.sqrt(rng.uniform(0, 1))
        xs.append(math.cos(angle) * distance)
        ys.append(math.sin(angle) * distance)
    index = {node: i for i, node in enumerate(nodes)}
    links = [(index[a], index[b], 1.0 + math.log(w)) for a, b, w in edges if a in index and b in index and a != b and w > 0]
    k = 1.6 / math.sqrt(count)
    k2 = k * k
    gravity = 0.08
    temperature = 0.2
    for step in range(iterations):
        dx = [0.0] * count
        dy = [0.0] * count
        for i in range(count):
            xi, yi, ri = xs[i], ys[i], radii[i]
            for j in range(i + 1, count):
                ddx = xi - xs[j]
                ddy = yi - ys[j]
                dist2 = ddx * ddx + ddy * ddy
                if dist2 < 1e-8:
                    # Two nodes on one spot: push them apart along a fixed direction.
                    ddx, ddy, dist2 = 1e-4 * (1 + (i % 3)), 1e-4 * (1 + (j % 3)), 2e-8
                force = k2 * (1 + (ri + radii[j]) / 24) / dist2
                dx[i] += ddx * force
                dy[i] += ddy * force
                dx[j] -= ddx * force
                dy[j] -= ddy * force
        for a, b, weight in links:
            ddx = xs[a] - xs[b]
            ddy = ys[a] - ys[b]
            dist = math.sqrt(ddx * ddx + ddy * ddy)
            force = dist * weight / k
            dx[a] -= ddx * force
            dy[a] -= ddy * force
            dx[b] += ddx * force
            dy[b] += ddy * force
        for i in range(count):
            dx[i] -= xs[i] * gravity / k
            dy[i] -= ys[i] * gravity / k
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) or 1.0
            moved = min(length, temperature)
            xs[i] += dx[i] / length * moved
            ys[i] += dy[i] / length * moved
        temperature = 0.2 * (1 - (step + 1) / iterations) + 0.002
    return _fit(nodes, xs, ys, radii, width, height)


def _fit(nodes: Sequence[str], xs: list[float], ys: list[float], radii: list[float], width: float, height: float) -> dict[str, tuple[float, float]]:
    """The positions scaled (the same in both directions) and centred into the frame, each node's
    margin (its radius, and room for a label below it) kept free."""
    margin = max(radii) + 14
    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (high_x - low_x) or 1.0, (high_y - low_y) or 1.0
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2
    return {node: (round(off_x + (xs[i] - low_x) * scale, 1), round(off_y + (ys[i] - low_y) * scale, 1)) for i, node in enumerate(nodes)}


def place_labels(order: Sequence[str], places: dict[str, tuple[float, float]], radii: dict[str, float], widths: dict[str, float],
                 width: float, height: float, line: float = 11.0) -> dict[str, tuple[float, float, str]]:
    """Where to write each node's label so that no two labels overlap: for the nodes in ``order``
    (most important first), the first of below, above, right and left of the node whose box is
    free and inside the frame; a node with no free place gets no label (its tooltip still names
    it). Returns key -> (x, y, text-anchor). Greedy and deterministic; O(labels²)."""
    taken: list[tuple[float, float, float, float]] = []
    found: dict[str, tuple[float, float, str]] = {}
    for key in order:
        x, y = places[key]
        r = radii[key]
        w = widths[key]
        for lx, ly, anchor in ((x, y + r + line - 1, "middle"), (x, y - r - 3, "middle"), (x + r + 3, y + line / 2 - 2, "start"), (x - r - 3, y + line / 2 - 2, "end")):
            left = lx - w / 2 if anchor == "middle" else lx if anchor == "start" else lx - w
            box = (left, ly - line + 2, left + w, ly + 2)
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            if any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
                continue
            taken.append(box)
            found[key] = (lx, ly, anchor)
            break
    return found
