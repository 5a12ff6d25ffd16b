"""Benchmark of the live preview: ``bench_serve(root)`` -> rows for the ``make bench`` table.

Input: a knowledge-base root (written by :func:`bench.bench.generate_kb`; it is edited). Output:
(metric, value) rows: ``kb serve``'s first build, then, three times, the seconds from saving a
changed note (one claim's text) until the preview serves the note's source page with the change,
as a reader's browser would fetch it after the reload; then, twice, the same for a change that is
not only wording (a claim of the note linked to a concept it did not link: the concept's pages
and the library-wide pages that count links are rendered again).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from litkb.core import urls

KEY = "s00005"  # a note every benchmark knowledge base has
EDITS = 3
LINK_EDITS = 2


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def _poll(url: str, wanted: Callable[[str], bool], limit: float) -> tuple[float, str] | None:
    """Seconds until ``url`` serves a page ``wanted`` accepts, and that page (None after ``limit``)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        page = _fetch(url)
        if page is not None and wanted(page):
            return time.perf_counter() - start, page
        time.sleep(0.05)
    return None


def _wait_for(url: str, text: str, limit: float) -> float | None:
    """Seconds until ``url`` serves a page containing ``text`` (None after ``limit`` seconds)."""
    found = _poll(url, lambda page: text in page, limit)
    return None if found is None else found[0]


def _page_without(url: str, text: str, limit: float) -> str | None:
    """The page at ``url`` once it no longer contains ``text`` (None after ``limit`` seconds)."""
    found = _poll(url, lambda page: text not in page, limit)
    return None if found is None else found[1]


def bench_serve(root: Path) -> list[tuple[str, str]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{urls.source_url(KEY)}"
    note = root / "kb" / "sources" / f"{KEY}.yaml"
    original = note.read_text(encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "litkb", "--root", str(root), "serve", "-a", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    rows: list[tuple[str, str]] = []
    try:
        first = _wait_for(url, KEY, 1800)
        rows.append(("serve: first build until the page is served (s)", "failed" if first is None else f"{first:.1f}"))
        if first is None:
            return rows
        latencies = []
        for n in range(EDITS):
            marker = f"Previewmark{n}"
            time.sleep(1.0)  # the watcher sees a new save, not the previous one's tail
            note.write_text(original.replace("\n    text: ", f"\n    text: {marker} ", 1), encoding="utf-8")
            latency = _wait_for(url, marker, 600)
            latencies.append(latency)
        shown = [f"{x:.1f}" if x is not None else "timeout" for x in latencies]
        rows.append(("serve: one note changed, until its page shows it (s; 3 edits)", ", ".join(shown)))
        latencies = []
        time.sleep(1.0)
        note.write_text(original, encoding="utf-8")  # back as it was, then the page as served so
        before = _page_without(url, f"Previewmark{EDITS - 1}", 600) or ""
        # Concepts the page does not link yet, so that their link shows the change.
        unlinked = [c for c in _unlinked_concepts(root, original) if urls.concept_url(c) not in before] if before else []
        for concept in unlinked[:LINK_EDITS]:
            time.sleep(1.0)
            note.write_text(original.replace("\n    concepts: [", f"\n    concepts: [{{concept: {concept}, stance: qualifies}}, ", 1), encoding="utf-8")
            latencies.append(_wait_for(url, urls.concept_url(concept), 600))
        shown = [f"{x:.1f}" if x is not None else "timeout" for x in latencies] or ["failed"]
        rows.append((f"serve: a concept link added to a note, until its page shows it (s; {LINK_EDITS} edits)", ", ".join(shown)))
    finally:
        note.write_text(original, encoding="utf-8")
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return rows


def _unlinked_concepts(root: Path, note_text: str) -> list[str]:
    """The concepts of the vocabulary that the note does not link (sorted by id)."""
    ids = sorted(path.stem for path in (root / "kb" / "concepts").glob("*.yaml"))
    return [cid for cid in ids if cid not in note_text]
