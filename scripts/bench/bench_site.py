"""Benchmark of the site: ``bench_site(root)`` -> rows for the ``make bench`` table.

Input: a knowledge-base root (e.g. one written by :func:`bench.bench.generate_kb`). Output:
(metric, value) rows: the strict MkDocs build in a child process (wall time, peak memory), the
generation step (load to pages) timed inside that build and its share of it, sizes of the
site, the explorer JSON and the search index, and, when Chromium is available, how long the
explorer takes to filter all claims in the browser and what the site search downloads until its
first result shows.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bench import measure_with_output

# The build, with the generation step inside it timed: loading (build_kb) and rendering every
# page (render_site), as the MkDocs adapter calls them. Prints the two times and the number of
# generated pages as JSON.
_BUILD = """
import json, sys, time
from pathlib import Path
from litkb.site import hooks, pages, pagefind, prerender, session
from litkb.site.build import build_site

spent = {"load": 0.0, "render": 0.0, "pages": 0, "markdown": 0.0, "search": 0.0}

def timed(name, function):
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            result = function(*args, **kwargs)
            if name == "render":
                spent["pages"] = len(result.pages)
            return result
        finally:
            spent[name] += time.perf_counter() - start
    return run

session.build_kb = timed("load", session.build_kb)
pages.render_site = timed("render", pages.render_site)
prerender.prerender = timed("markdown", prerender.prerender)
pagefind.index_site = timed("search", pagefind.index_site)
build_site(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps(spent))
"""


# The same pages built by the second engine (kb build --engine zensical, without its search-index
# update): pages generated, written beside docs/, Zensical, tripwires, Pagefind.
_ZENSICAL = """
import sys
from pathlib import Path
from litkb.emit.pages import ReferenceFormatter
from litkb.rules.link import build_kb
from litkb.site.config import find_config
from litkb.site.pages import site_pages
from litkb.site.zensical import build_with_zensical

root = Path(sys.argv[1])
config = find_config(root)
kb = build_kb(root)
build_with_zensical(root, Path(sys.argv[2]), kb, site_pages(kb, config, ReferenceFormatter()), config)
"""


def bench_zensical(root: Path) -> list[tuple[str, str]]:
    """Rows of the second engine's build, side by side with MkDocs' (n/a without the extra)."""
    try:
        import zensical  # noqa: F401
    except ImportError:
        return [("site (Zensical): build wall (s)", "n/a (pip install -e '.[zensical]')")]
    with tempfile.TemporaryDirectory(prefix="kb-bench-zensical-") as tmp:
        site = Path(tmp) / "site"
        wall, peak, code, _ = measure_with_output([sys.executable, "-c", _ZENSICAL, str(root), str(site)])
        # Zensical's own search index: one file, loaded whole before the first result.
        own = site / "search.json"
        own_size = f"{own.stat().st_size / 1e6:.1f}" if code == 0 and own.is_file() else "n/a"
    return [("site (Zensical): build wall (s)", f"{wall:.1f}" if code == 0 else f"failed (exit {code})"), ("site (Zensical): build peak memory (MB)", f"{peak:.0f}"),
            ("site (Zensical): its own search index, one file (MB)", own_size)]


def bench_site(root: Path) -> list[tuple[str, str]]:
    from litkb.core.workers import available_cpus
    from litkb.emit.cite.format import format_in_styles
    from litkb.emit.pages.common import SiteData
    from litkb.emit.pages.references import PARALLEL_FROM, site_styles
    from litkb.rules.link import build_kb
    from litkb.site.config import citation_style

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-site-") as tmp:
        site = Path(tmp) / "site"
        env_before = os.environ.get("NO_MKDOCS_2_WARNING")
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        try:
            # The child first: RUSAGE_CHILDREN keeps the largest child so far.
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, peak, code, printed = measure_with_output([sys.executable, "-c", _BUILD, str(root), str(site)])
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU seconds of the build and every process it waited for (workers, Pagefind): on a
            # shared machine wall time depends on the load, this much less.
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        finally:
            if env_before is None:
                os.environ.pop("NO_MKDOCS_2_WARNING", None)
        rows += [("site: build wall (s)", f"{wall:.1f}"), ("site: build CPU, all processes (s)", f"{cpu:.1f}"), ("site: build peak memory (MB)", f"{peak:.0f}"),
                 ("site: build exit", str(code))]
        if code == 0:
            spent = json.loads(printed.strip().splitlines()[-1])
            generation = spent["load"] + spent["render"]
            rows += [
                ("site: generation in the build: load (s)", f"{spent['load']:.2f}"),
                ("site: generation in the build: render pages (s)", f"{spent['render']:.2f}"),
                ("site: generation in the build, load to pages (s)", f"{generation:.2f}"),
                ("site: generation share of the build (%)", f"{100 * generation / wall:.0f}"),
                ("site: generated pages", str(spent["pages"])),
                ("site: Markdown of generated pages in workers (s)", f"{spent['markdown']:.2f}"),
                ("site: search index, Pagefind (s)", f"{spent['search']:.2f}"),
            ]
        kb = build_kb(root)
        site_data = SiteData.from_kb(kb, citation_style(root))
        # Formatting references with litkb.emit.cite.format (citeproc) is part of rendering; shown apart because
        # it is the largest part of generation (a fresh formatting, as the site does it: the second
        # style in a child process; the site's memo is bypassed).
        start = time.perf_counter()
        format_in_styles(list(kb.sources.values()), site_styles(site_data), kb=kb, workers=available_cpus() if len(kb.sources) >= PARALLEL_FROM else 1)
        rows.append(("site: of which formatted references, both styles (s)", f"{time.perf_counter() - start:.2f}"))
        if code == 0:
            rows += _sizes(site)
            rows += _browser_timing(site)
    return rows


def _sizes(site: Path) -> list[tuple[str, str]]:
    files = [p for p in site.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    largest = max(html, key=lambda p: p.stat().st_size)
    return [
        ("site: size (MB)", f"{sum(p.stat().st_size for p in files) / 1e6:.1f}"),
        ("site: HTML pages", str(len(html))),
        ("site: largest page (KB)", f"{largest.stat().st_size / 1e3:.0f} ({largest.parent.relative_to(site).as_posix()})"),
        ("site: explorer JSON (KB)", f"{(site / 'explorer' / 'claims.json').stat().st_size / 1e3:.0f}"),
        ("site: search index, all pieces (MB)", f"{sum(p.stat().st_size for p in (site / 'pagefind').rglob('*') if p.is_file()) / 1e6:.1f}"),
    ]


# A word of the synthetic notes' vocabulary found on many pages: the first result's cost is that of
# a common query.
SEARCH_QUERY = "leadership"


def _browser_timing(site: Path) -> list[tuple[str, str]]:
    """In headless Chromium: the explorer's filter times (first view of all claims; stance filter),
    and what the site search downloads until its first result shows (from the home page's load:
    every response's body; the search's own part apart)."""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [("site: explorer filter (ms)", "n/a (no playwright)")]
    if not chromium.exists():
        return [("site: explorer filter (ms)", "n/a (no chromium)")]
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        time.sleep(0.5)
        args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=args)
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
            page.goto(base + "explorer/")
            page.wait_for_selector("#kb-explorer[data-ready=true]", timeout=60_000)
            first = float(page.get_attribute("#kb-explorer", "data-filter-ms") or "nan")
            timings = []
            for stance in ("contests", "supports", ""):
                page.select_option("select[name=stance]", stance)
                timings.append(float(page.get_attribute("#kb-explorer", "data-filter-ms") or "nan"))
            browser.close()
            browser = playwright.chromium.launch(executable_path=str(chromium), args=args)
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
            loaded: list[tuple[str, int]] = []
            page.on("requestfinished", lambda request: loaded.append((request.url, request.sizes()["responseBodySize"])))
            page.goto(base)
            start = time.perf_counter()
            page.locator("button.kb-search-button").click()
            box = page.locator("input.pagefind-ui__search-input")
            box.wait_for(timeout=60_000)
            box.fill(SEARCH_QUERY)
            page.locator(".pagefind-ui__result-link").first.wait_for(timeout=120_000)
            to_first = time.perf_counter() - start
            downloaded = list(loaded)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    total = sum(size for _, size in downloaded)
    search = sum(size for url, size in downloaded if url.startswith(base + "pagefind/"))
    return [("site: explorer first view (ms)", f"{first:.0f}"), ("site: explorer filter, worst of 3 (ms)", f"{max(timings):.0f}"),
            (f"site: search '{SEARCH_QUERY}', downloaded to the first result: search (KB)", f"{search / 1e3:.0f}"),
            (f"site: search '{SEARCH_QUERY}', downloaded to the first result: with the home page (KB)", f"{total / 1e3:.0f}"),
            (f"site: search '{SEARCH_QUERY}', click to first result (s)", f"{to_first:.1f}")]
