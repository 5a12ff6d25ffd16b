"""Page heights of a built site in headless Chromium: how tall the heaviest pages are to a reader.

``python -m bench.page_heights [--site DIR | --root DIR] [PATH ...]`` (with ``PYTHONPATH=scripts``)
builds the knowledge base at ``--root`` (default: the repository) into a temporary site unless
``--site`` names a built one, serves it on 127.0.0.1, opens each page at 1,400 and 390 px width
(viewport 1,000 and 844 px high) with every request to another host refused, and prints a table:
the document height in px at each width and whether the page scrolls sideways at 390 px. The
default pages are the distributed-leadership concept page and Torrance's source page, the two
that issue 15 measured (about 30,800 and 44,400 px at 1,400 px), and one page of every type.

Output: a Markdown table on stdout. Deterministic for one site and one Chromium.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WIDTHS = ((1400, 1000), (390, 844))
DEFAULT_PATHS = (
    "concepts/distributed-leadership/",
    "sources/torrance2013catch22/",
    "concepts/hybrid-leadership/",
    "sources/macbeath2005icsei/",
    "questions/given-or-taken/",
    "evidence-map/",
    "network/",
    "timeline/",
    "",
)
# The document's height, and whether anything reaches past the viewport's right edge.
_MEASURE = """() => ({
  height: Math.ceil(document.documentElement.scrollHeight),
  overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
})"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(site: Path, paths: list[str]) -> list[tuple[str, dict[int, tuple[int, bool]]]]:
    """Per path: width -> (document height in px, sideways scrolling), or (-1, False) for a page
    the site does not have."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows: list[tuple[str, dict[int, tuple[int, bool]]]] = []
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base, timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for path in paths:
                found: dict[int, tuple[int, bool]] = {}
                for width, height in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
                    response = page.goto(base + path)
                    if response is None or not response.ok:
                        found[width] = (-1, False)
                    else:
                        page.wait_for_load_state("load")
                        values = page.evaluate(_MEASURE)
                        found[width] = (int(values["height"]), bool(values["overflow"]))
                    page.close()
                rows.append((path, found))
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return rows


def table(rows: list[tuple[str, dict[int, tuple[int, bool]]]]) -> str:
    """The rows as a Markdown table."""
    lines = ["| page | height at 1,400 px (px) | height at 390 px (px) | scrolls sideways at 390 px |", "| --- | --: | --: | --- |"]
    for path, found in rows:
        wide, narrow = found[1400], found[390]
        if wide[0] < 0:
            lines.append(f"| /{path} | (no such page) | | |")
            continue
        lines.append(f"| /{path} | {wide[0]:,} | {narrow[0]:,} | {'yes' if narrow[1] else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the heights of site pages in headless Chromium at 1,400 and 390 px.")
    parser.add_argument("paths", nargs="*", help="site paths such as concepts/distributed-leadership/ (default: the heaviest pages and one of each type)")
    parser.add_argument("--site", type=Path, help="a built site (default: build --root into a temporary folder)")
    parser.add_argument("--root", type=Path, default=REPO, help="knowledge base to build when --site is not given (default: the repository)")
    args = parser.parse_args(argv)
    paths = list(args.paths or DEFAULT_PATHS)
    if args.site is not None:
        print(table(measure(args.site, paths)))
        return 0
    from litkb.site.build import build_site

    with tempfile.TemporaryDirectory(prefix="kb-heights-") as tmp:
        site = Path(tmp) / "site"
        build_site(args.root, site)
        print(table(measure(site, paths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
