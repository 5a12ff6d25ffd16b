"""The site search of a large site, indexed in several Pagefind bundles (litkb.site.pagefind:
Pagefind holds a whole run's words in memory): together they index every page exactly as one
bundle does, and the search box finds pages of every bundle (real Chromium)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from browser.helpers import launch_chromium, serve_directory, watch_page
from conftest import REPO
from litkb.core import urls
from litkb.site import pagefind
from litkb.site.build import build_site

PER_BUNDLE = 20  # the real knowledge base's 69 sources in four bundles


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    site = tmp_path_factory.mktemp("bundles") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pagefind, "SOURCES_PER_BUNDLE", PER_BUNDLE)
        build_site(REPO, site)
    yield site


def test_bundles_hold_at_most_their_share_of_source_pages(split_site: Path) -> None:
    groups = pagefind.bundles(split_site, PER_BUNDLE)
    assert len(groups) == 4
    assert [sum(p.startswith("sources/") and p != "sources/index.html" for p in g) for g in groups] == [20, 20, 20, 9]
    assert "index.html" in groups[0] and "concepts/catch-22/index.html" in groups[0]
    listed = json.loads((split_site / "pagefind" / pagefind.BUNDLES).read_text(encoding="utf-8"))
    assert listed == {"merge": ["pagefind-1/", "pagefind-2/", "pagefind-3/"]}
    assert all((split_site / folder / "pagefind-entry.json").is_file() for folder in ("pagefind", *listed["merge"]))
    assert not list(split_site.glob(".kb-pagefind-*"))  # the temporary folders are gone


def test_the_bundles_index_what_one_bundle_indexes(split_site: Path, real_site: Path) -> None:
    def records(site: Path) -> dict[str, tuple[str, str]]:
        return {r["url"]: (r["content"], r["meta"]["title"]) for r in pagefind.read_fragments(site)}

    one, split = records(real_site), records(split_site)
    assert len(one) > 200
    assert split == one
    assert len(pagefind.read_fragments(split_site)) == len(split)  # no page in two bundles
    # Every page is back where it was after its bundle was indexed apart.
    assert sorted(p.relative_to(split_site) for p in split_site.rglob("*.html")) == sorted(p.relative_to(real_site) for p in real_site.rglob("*.html"))
    assert json.loads((real_site / "pagefind" / pagefind.BUNDLES).read_text(encoding="utf-8")) == {"merge": []}


@pytest.fixture(scope="module")
def split_base(split_site: Path) -> Iterator[str]:
    with serve_directory(split_site) as base:
        yield base


def test_search_finds_pages_of_the_merged_bundles(split_site: Path, split_base: str) -> None:
    source = urls.source_url("torrance2013catch22")
    first = {f"/{p}".removesuffix("index.html") for p in pagefind.bundles(split_site, PER_BUNDLE)[0]}
    assert f"/{source}" not in first  # the work's page is in a merged bundle, its concept's in the first
    assert f"/{urls.concept_url('catch-22')}" in first
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page: Any = context.new_page()
        watch = watch_page(page, split_base)
        page.goto(split_base)
        page.locator("button.kb-search-button").click()
        box = page.locator(".kb-search-dialog input.pagefind-ui__search-input")
        expect(box).to_be_visible(timeout=30_000)
        box.press_sequentially("catch 22", delay=30)
        results = page.locator(".kb-search-dialog .pagefind-ui__result-link")
        expect(results.first).to_be_visible(timeout=15_000)
        hrefs: list[str] = []
        for _ in range(30):
            hrefs = results.evaluate_all("links => links.map(link => link.getAttribute('href') || '')")
            if any(source in h for h in hrefs) and any(urls.concept_url("catch-22") in h for h in hrefs):
                break
            page.wait_for_timeout(500)
        context.close()
        browser.close()
    assert any(source in h for h in hrefs), hrefs
    assert any(urls.concept_url("catch-22") in h for h in hrefs), hrefs
    assert watch.external == [] and watch.problems() == [], watch.problems()


def test_work_alongside_runs_while_the_pages_are_held_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The late data files are made in a thread while Pagefind runs: after the pages are listed and
    # moved (no thread competes for the interpreter then), and finished before they are put back.
    site = tmp_path / "site"
    for page in ["index.html", "sources/index.html", "sources/a/index.html", "sources/b/index.html", "sources/c/index.html"]:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("<html></html>", encoding="utf-8")
    monkeypatch.setattr(pagefind, "SOURCES_PER_BUNDLE", 1)
    runs: list[list[str]] = []
    monkeypatch.setattr(pagefind, "_run", lambda argv: runs.append(argv))
    seen: list[bool] = []
    pagefind.index_site(site, alongside=lambda: seen.append((site / "sources/b").exists()))
    assert seen == [False]  # "b" was held apart for its own bundle when the work ran
    # Runs may end in any order (two at a time): the first bundle's is the one over the whole site.
    assert len(runs) == 3 and [run[run.index("--glob") + 1] for run in runs].count(pagefind.VISIBLE_PAGES_GLOB) == 1
    assert (site / "sources/b/index.html").is_file() and not list(site.glob(".kb-pagefind-*"))

    def fails() -> None:
        raise RuntimeError("late file")

    with pytest.raises(RuntimeError, match="late file"):
        pagefind.index_site(site, alongside=fails)
    assert (site / "sources/c/index.html").is_file() and not list(site.glob(".kb-pagefind-*"))


def test_runs_go_side_by_side_in_order_and_a_failure_waits_for_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind's runs, two at a time in the order given; a failing run's error is raised only once
    every started run has ended, and the runs not started by then are dropped."""
    lock = threading.Lock()
    running, most, started, ended = [0], [0], [], []

    def run(argv: list[str]) -> None:
        with lock:
            started.append(argv[0])
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
            ended.append(argv[0])
        if argv[0] == "fails":
            raise pagefind.SearchIndexError("Pagefind failed: no pages")

    monkeypatch.setattr(pagefind, "_run", run)
    pagefind._run_side_by_side([[str(n)] for n in range(5)], 2)
    assert most[0] == 2 and started[:2] == ["0", "1"] and sorted(started) == ["0", "1", "2", "3", "4"]
    started.clear()
    ended.clear()
    most[0] = 0
    pagefind._run_side_by_side([[str(n)] for n in range(3)], 1)
    assert most[0] == 1 and started == ["0", "1", "2"]
    started.clear()
    ended.clear()
    with pytest.raises(pagefind.SearchIndexError, match="no pages"):
        pagefind._run_side_by_side([["fails"], ["slow"], *([str(n)] for n in range(20))], 2)
    assert running[0] == 0 and sorted(started) == sorted(ended) and len(started) < 22
