"""Incremental-index benchmark: ``bench_index(root)`` -> rows for the ``make bench`` table.

Input: a knowledge-base root written by :func:`bench.bench.generate_kb` (the "mixed" shape). For
that knowledge base and for one of the same size in the "reported" shape (every note with 5
claims and 2 reported claims about other works: ~8 search documents a source), each copied to a
temporary folder: a cold ``kb index`` (whole process; parallel workers write several segments),
then UPDATES one-note changes, each followed by ``kb index`` as a whole process (one claim's
text changed in a different note each time), then ``kb index --optimize``. Output: (metric,
value) rows: the median and worst one-note re-index, the documents re-indexed, segments, and
the index size after the updates against the cold build's (the whole folder, which also holds
the previous version until the next update, and the current version alone).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bench import SHAPES, generate_kb

UPDATES = 10
_UPDATED = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed")


def bench_index(root: Path, updates: int = UPDATES) -> list[tuple[str, str]]:
    """Benchmark ``kb index`` on copies of ``root`` (mixed shape) and of a reported-shape
    knowledge base of the same size; returns (metric, value) rows."""
    n = sum(1 for p in (root / "kb" / "sources").iterdir() if p.suffix == ".yaml")
    rows: list[tuple[str, str]] = []
    for shape in SHAPES:
        with tempfile.TemporaryDirectory(prefix=f"kb-bench-index-{shape}-") as tmp:
            copy = Path(tmp) / "kb"
            if shape == "mixed":
                shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".kb-index"))
            else:
                generate_kb(copy, n, shape=shape)
            rows += [(f"index ({shape} shape): {name}", value) for name, value in _bench_shape(copy, updates)]
    return rows


def _bench_shape(root: Path, updates: int) -> list[tuple[str, str]]:
    index_dir = root / ".kb-index"
    cold, out = _kb(root, "index", "--full")
    if cold is None:
        return [("cold kb index", f"failed: {out[-80:]}")]
    documents = re.search(r"indexed (\d+) documents", out)
    cold_size, cold_segments = index_size(index_dir), segments(index_dir)
    notes = sorted((root / "kb" / "sources").glob("*.yaml"))
    walls: list[float] = []
    reindexed: list[int] = []
    for i in range(updates):
        note = notes[(i * 7919) % len(notes)]  # different notes, spread over the library
        change_claim_text(note, f"updated{i}")
        wall, out = _kb(root, "index")
        if wall is None:
            return [("kb index after one note changed", f"failed: {out[-80:]}")]
        walls.append(wall)
        found = _UPDATED.search(out)
        reindexed.append(int(found.group(1)) + int(found.group(2)) if found else -1)
    size, current, count = index_size(index_dir), index_size(index_dir, current_only=True), segments(index_dir)
    optimize, _ = _kb(root, "index", "--optimize")
    optimized = index_size(index_dir) if optimize is not None else None
    return [
        ("search documents", documents.group(1) if documents else "?"),
        ("cold kb index, whole process (s)", f"{cold:.1f}"),
        ("segments after the cold build", str(cold_segments)),
        (f"kb index after one note changed, whole process, median of {updates} (s)", f"{statistics.median(walls):.2f}" if walls else "-"),
        (f"kb index after one note changed, whole process, worst of {updates} (s)", f"{max(walls):.2f}" if walls else "-"),
        ("documents re-indexed per one-note change", "/".join(sorted({str(r) for r in reindexed})) or "-"),
        ("index size, cold build (MB)", f"{cold_size / 1e6:.1f}"),
        (f"index size after {updates} one-note updates, whole folder (MB, % of cold)", f"{size / 1e6:.1f} ({100 * size / max(cold_size, 1):.0f}%)"),
        (f"index size after {updates} one-note updates, current version (MB, % of cold)", f"{current / 1e6:.1f} ({100 * current / max(cold_size, 1):.0f}%)"),
        (f"segments after {updates} one-note updates", str(count)),
        ("kb index --optimize, whole process (s)", f"{optimize:.1f}" if optimize is not None else "not available"),
        ("index size after --optimize (MB)", f"{optimized / 1e6:.1f}" if optimized is not None else "-"),
    ]


def _kb(root: Path, *args: str) -> tuple[float | None, str]:
    """Run ``kb --root ROOT ARGS`` as a whole process: (wall seconds or None if it failed, output)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "litkb", "--root", str(root), *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    return (wall if done.returncode == 0 else None), done.stdout + done.stderr


def change_claim_text(note: Path, word: str) -> None:
    """Add ``word`` to the text of the first claim of ``note`` (one claim's text changed)."""
    lines = note.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("    text: ") and not line.rstrip().endswith((">-", ">", "|")):
            lines[i] = line.rstrip("\n").rstrip(".") + f" {word}.\n"
            note.write_text("".join(lines), encoding="utf-8")
            return
    raise ValueError(f"no claim text to change in {note}")


def index_size(index_dir: Path, current_only: bool = False) -> int:
    """Bytes on disk of the whole index folder, every version (the previous one is kept for
    readers that opened it), each file counted once (versions share unchanged files through hard
    links, as ``du`` counts them); or of the current version alone."""
    from litkb.emit.search.store import current_version

    seen: dict[tuple[int, int], int] = {}
    top = current_version(index_dir) if current_only else index_dir
    for folder, _dirs, files in os.walk(top or index_dir):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def segments(index_dir: Path) -> int:
    """Segments of the current version (one ``.seg`` file each: segments are compound)."""
    from litkb.emit.search.store import current_version

    version = current_version(index_dir)
    return sum(1 for p in version.iterdir() if p.suffix == ".seg") if version else 0


if __name__ == "__main__":
    for metric, value in bench_index(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")):
        print(f"{metric}: {value}")
