"""Search benchmark: ``bench_search(root)`` -> rows for the ``make bench`` table.

Measures on the knowledge base at ``root``: a cold index build in a child process (time split
into loading and indexing, peak memory of the process and of its index workers), re-indexing one
changed note, in-process query latency over 200 mixed queries, and ``kb search`` as a whole
process. The index goes to a temporary folder; a note edited for the benchmark is restored.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from litkb.core.model import KnowledgeBase

PROCESS_QUERIES = ("leadership", '"school leadership"', "author:gronn", "concept:{concept} stance:supports", "year:[2005 TO 2010] kind:source")


def bench_search(root: Path) -> list[tuple[str, str]]:
    """Benchmark search on the knowledge base at ``root``; returns (metric, value) rows."""
    from litkb.rules.link import build_kb

    with tempfile.TemporaryDirectory(prefix="kb-bench-index-") as tmp:
        index_dir = Path(tmp) / "index"
        rows = _cold_build(root, index_dir)
        kb = build_kb(root)
        rows += _reindex_one_note(root, kb, index_dir)
        queries = mixed_queries(kb, 200)
        rows += _latency(index_dir, queries)
        rows += _process(root, index_dir, kb)
    return rows


def _cold_build(root: Path, index_dir: Path) -> list[tuple[str, str]]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.bench_search", "build", str(root), str(index_dir)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return [("search: cold build failed", done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?")]
    child = json.loads(done.stdout)
    size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    return [
        ("search: documents indexed", str(child["documents"])),
        ("search: cold build, whole process (s)", f"{wall:.1f}"),
        ("search: cold build, loading the KB (s)", f"{child['load']:.1f}"),
        ("search: cold build, indexing (s)", f"{child['index']:.1f}"),
        ("search: cold build peak memory, main process (MB)", f"{child['main_mb']:.0f}"),
        ("search: cold build peak memory after loading, main process (MB)", f"{child['loaded_mb']:.0f}"),
        ("search: cold build peak private memory, each index worker (MB)", f"{child['worker_private_mb']:.0f}"),
        ("search: cold build peak memory, whole process tree, PSS (MB)", f"{child['total_pss_mb']:.0f}"),
        ("search: index size (MB)", f"{size / 1e6:.0f}"),
    ]


class _MemorySampler:
    """Peak memory of this process's index workers, sampled from /proc (Linux) every 0.1 s.

    Workers may share pages with other processes of the tree (a fork server, the main process),
    so their RSS overstates them; their private memory (pages only they hold) and the
    proportional set size (shared pages split between sharers) of the whole process tree, fork
    server and its workers included, say what the build really costs.
    """

    def __init__(self) -> None:
        self.worker_private = 0
        self.total_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rollup(pid: int) -> dict[str, int]:
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            return {}
        return {k: int(v.split()[0]) // 1024 for k, _, v in (line.partition(":") for line in lines[1:]) if v.strip().endswith("kB")}

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            children = _descendants(me)
            total = self._rollup(me).get("Pss", 0)
            for pid in children:
                rollup = self._rollup(pid)
                self.worker_private = max(self.worker_private, rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0))
                total += rollup.get("Pss", 0)
            self.total_pss = max(self.total_pss, total)
            time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (workers may be grandchildren, e.g. under a fork server)."""
    parents = {int(p): _parent_of(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    found, frontier = [], [pid]
    while frontier:
        below = [child for child, parent in parents.items() if parent in frontier]
        found += below
        frontier = below
    return found


def _parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _child_build(root: Path, index_dir: Path) -> None:
    """Child-process side of :func:`_cold_build`: prints timings and peak memory as JSON."""
    from litkb.cli.common import loader_fingerprint
    from litkb.emit.search.build import update_index
    from litkb.emit.search.store import stamp_inputs
    from litkb.rules.link import build_kb

    start = time.perf_counter()
    stamps = stamp_inputs(root)
    kb = build_kb(root)
    loaded = time.perf_counter()
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with _MemorySampler() as memory:
        counts = update_index(kb, index_dir, stamps=stamps, full=True, loader=loader_fingerprint())  # as kb index does
    done = time.perf_counter()
    print(json.dumps({
        "documents": counts["documents"],
        "load": loaded - start,
        "index": done - loaded,
        "loaded_mb": loaded_mb,
        "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_private_mb": memory.worker_private,
        "total_pss_mb": memory.total_pss,
    }))


def _edit_one_note(root: Path) -> tuple[Path, str] | None:
    """Change the text of the first claim of the first note; returns (path, original text)."""
    notes = sorted((root / "kb" / "sources").glob("*.yaml"))
    for path in notes:
        original = path.read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.lstrip().startswith("text: ") and not line.rstrip().endswith((">-", ">", "|")):
                lines[i] = line.rstrip("\n").rstrip(".") + " benchmarked.\n"
                path.write_text("".join(lines), encoding="utf-8")
                return path, original
    return None


def _kb_index(root: Path, index_dir: Path) -> float | None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "litkb", "--root", str(root), "index", "--index-dir", str(index_dir)], capture_output=True, check=False)
    return time.perf_counter() - start if done.returncode == 0 else None


def _reindex_one_note(root: Path, kb: KnowledgeBase, index_dir: Path) -> list[tuple[str, str]]:
    from litkb.cli.common import loader_fingerprint
    from litkb.emit.search.build import update_index
    from litkb.emit.search.store import stamp_inputs
    from litkb.rules.link import build_kb

    edited = _edit_one_note(root)
    if edited is None:
        return [("search: re-index one note", "no note to edit")]
    path, original = edited
    try:
        stamps = stamp_inputs(root)  # as `kb index` does, before loading
        changed = build_kb(root)
        start = time.perf_counter()
        counts = update_index(changed, index_dir, stamps=stamps, loader=loader_fingerprint())
        update = time.perf_counter() - start
    finally:
        path.write_text(original, encoding="utf-8")
    whole = _kb_index(root, index_dir)  # the note changed back: load, compare, re-index it
    unchanged = _kb_index(root, index_dir)  # nothing changed: file stamps only
    return [
        ("search: re-index one changed note, update_index (s)", f"{update:.2f}"),
        ("search: re-index one changed note, documents re-indexed", str(counts["changed"] + counts["added"])),
        ("search: kb index after one note changed, whole process (s)", f"{whole:.1f}" if whole else "failed"),
        ("search: kb index with nothing changed, whole process (s)", f"{unchanged:.2f}" if unchanged else "failed"),
    ]


def mixed_queries(kb: KnowledgeBase, n: int, seed: int = 0) -> list[str]:
    """``n`` queries of the kinds readers type, drawn from the knowledge base (deterministic)."""
    from litkb.core.text import fold

    rng = random.Random(seed)
    claims = list(kb.claims)
    words = sorted({w for c in rng.sample(claims, min(len(claims), 500)) for w in fold(c.text).split() if w.isalpha() and len(w) > 3})
    families = sorted({fold(p.family).split()[-1] for p in kb.persons.values() if not p.corporate and p.family})
    concepts = sorted(kb.concepts)
    names = sorted({n for c in kb.concepts.values() for n in (c.label, *c.aliases)})
    keys = sorted(kb.sources)
    years = sorted({s.year for s in kb.sources.values() if s.year.isdigit()})

    def phrase() -> str:
        text = [w for w in rng.choice(claims).text.split() if w.isalpha()]
        size = rng.choice((2, 2, 3))
        start = rng.randrange(max(1, len(text) - size))
        return '"' + " ".join(text[start:start + size]) + '"'

    def typo() -> str:
        word = rng.choice(words)
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1:]

    makers: list[tuple[int, Callable[[], str]]] = [
        (30, lambda: rng.choice(words)),
        (25, lambda: f"{rng.choice(words)} {rng.choice(words)}"),
        (25, phrase),
        (20, lambda: f"author:{rng.choice(families)}"),
        (20, lambda: f"concept:{rng.choice(concepts)}"),
        (15, lambda: f"concept:{rng.choice(concepts)} stance:{rng.choice(('defines', 'supports', 'qualifies', 'contests'))}"),
        (15, lambda: rng.choice(names)),
        (10, lambda: f"year:{rng.choice(years)}"),
        (10, lambda: f"year:[{rng.choice(years)} TO {rng.choice(years)}]"),
        (10, lambda: rng.choice(keys)),
        (10, typo),
        (5, lambda: f"kind:{rng.choice(('source', 'claim', 'concept', 'author'))} {rng.choice(words)}"),
        (5, lambda: f"{rng.choice(words)} OR {rng.choice(words)} NOT {rng.choice(words)}"),
    ]
    queries = [make() for weight, make in makers for _ in range(weight)]
    rng.shuffle(queries)
    return (queries * (n // len(queries) + 1))[:n]


def is_free_words(query: str) -> bool:
    """Unquoted words without fields: on a small synthetic vocabulary, the broadest queries."""
    return '"' not in query and ":" not in query


def _latency(index_dir: Path, queries: list[str]) -> list[tuple[str, str]]:
    import gc

    from litkb.emit.search.whoosh.searcher import SearchIndex

    times: dict[str, float] = {}
    # This process also holds the loaded knowledge base (to draw the queries): millions of objects
    # a search process would not have. Frozen, the cyclic GC does not rescan them mid-query.
    gc.collect()
    gc.freeze()
    try:
        with SearchIndex(index_dir) as ix:
            for query in queries[:10]:
                ix.search(query)  # warm: the first searches load per-kind document sets and caches
            for i, query in enumerate(queries):
                start = time.perf_counter()
                ix.search(query)
                times[f"{i} {query}"] = (time.perf_counter() - start) * 1000
    finally:
        gc.unfreeze()
    ordered = sorted(times.values())
    free = sorted(ms for key, ms in times.items() if is_free_words(key.split(" ", 1)[1]))
    fielded = sorted(ms for key, ms in times.items() if not is_free_words(key.split(" ", 1)[1]))
    return [
        ("search: query latency p50 (ms)", f"{_rank(ordered, 0.50):.1f}"),
        ("search: query latency p99 (ms)", f"{_rank(ordered, 0.99):.1f}"),
        ("search: query latency max (ms)", f"{ordered[-1]:.1f}"),
        (f"search: query latency p50 / p99, {len(free)} free-word queries (ms)", f"{_rank(free, 0.5):.1f} / {_rank(free, 0.99):.1f}" if free else "-"),
        (f"search: query latency p50 / p99, {len(fielded)} field and phrase queries (ms)", f"{_rank(fielded, 0.5):.1f} / {_rank(fielded, 0.99):.1f}" if fielded else "-"),
    ]


def _rank(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.999999) - 1))]


def _process(root: Path, index_dir: Path, kb: KnowledgeBase) -> list[tuple[str, str]]:
    concept = sorted(kb.concepts)[0] if kb.concepts else "x"
    walls = []
    for query in PROCESS_QUERIES:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "litkb", "--root", str(root), "search", "--index-dir", str(index_dir), query.format(concept=concept)],
                              capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        if done.returncode != 0:
            return [("search: kb search process", f"failed: {done.stderr.strip()[-80:]}")]
    return [
        ("search: kb search whole process, median (s)", f"{statistics.median(walls):.2f}"),
        ("search: kb search whole process, max (s)", f"{max(walls):.2f}"),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        _child_build(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
        for metric, value in bench_search(root):
            print(f"{metric}: {value}")
