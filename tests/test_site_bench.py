"""The site benchmark runs on a small synthetic knowledge base and reports every metric."""

from __future__ import annotations

from pathlib import Path

from bench.bench import generate_kb
from bench.bench_site import bench_site


def test_bench_site_reports_build_generation_and_sizes(tmp_path: Path) -> None:
    generate_kb(tmp_path, 12, shape="reported")
    rows = dict(bench_site(tmp_path))
    assert rows["site: build exit"] == "0"
    for metric in ("site: build wall (s)", "site: build peak memory (MB)", "site: generation in the build, load to pages (s)",
                   "site: generation share of the build (%)", "site: explorer JSON (KB)", "site: search index, all pieces (MB)", "site: search index, Pagefind (s)"):
        assert float(rows[metric]) >= 0, metric
    assert float(rows["site: build peak memory (MB)"]) > 10
    assert 0 < float(rows["site: generation in the build, load to pages (s)"]) < float(rows["site: build wall (s)"])
    assert int(rows["site: generated pages"]) > 12
    assert float(rows["site: explorer filter, worst of 3 (ms)"]) >= 0
    # The site search found the benchmark's query, having downloaded some of its index.
    search = float(rows["site: search 'leadership', downloaded to the first result: search (KB)"])
    assert 0 < search <= float(rows["site: search 'leadership', downloaded to the first result: with the home page (KB)"])


def test_bench_zensical_builds_the_same_knowledge_base(tmp_path: Path) -> None:
    from bench.bench_site import bench_zensical

    generate_kb(tmp_path, 12, shape="reported")
    rows = dict(bench_zensical(tmp_path))
    assert float(rows["site (Zensical): build wall (s)"]) > 0
    assert float(rows["site (Zensical): its own search index, one file (MB)"]) > 0
