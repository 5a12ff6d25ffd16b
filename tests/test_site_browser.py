"""The built site in headless Chromium: navigation, evidence, explorer, search, author pages, and
the hostile fixture note that must not run any script. Every test fails on console errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect, sync_playwright

from browser.helpers import PageWatch, launch_chromium, serve_directory, watch_page
from conftest import FIXTURES, REPO
from litkb.core import urls
from litkb.emit.labels import author_year_labels
from litkb.rules.link import build_kb

FIXTURE_ROOT = FIXTURES / "site" / "root"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def real_base(real_site: Path) -> Iterator[str]:
    with serve_directory(real_site) as base:
        yield base


@pytest.fixture(scope="module")
def fixture_base(fixture_site: Path) -> Iterator[str]:
    with serve_directory(fixture_site) as base:
        yield base


def _page(browser: Any, base: str) -> tuple[Any, Any, PageWatch]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    return context, page, watch_page(page, base)


@pytest.fixture
def real_page(browser: Any, real_base: str) -> Iterator[tuple[Any, PageWatch, str]]:
    context, page, watch = _page(browser, real_base)
    yield page, watch, real_base
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


@pytest.fixture
def fixture_page(browser: Any, fixture_base: str) -> Iterator[tuple[Any, PageWatch, str]]:
    context, page, watch = _page(browser, fixture_base)
    yield page, watch, fixture_base
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_home_to_hybrid_leadership_through_navigation(real_page: tuple[Any, PageWatch, str]) -> None:
    page, _, base = real_page
    kb = build_kb(REPO)
    labels = author_year_labels(kb, "apa")
    assert labels["gronn2009b"] == "Gronn (2009b)"
    page.goto(base)
    expect(page.locator("form[data-md-component=palette]")).to_have_count(1)  # light/dark toggle
    page.locator("nav.md-nav--primary").get_by_role("link", name="Concepts", exact=True).first.click()
    page.wait_for_url(base + "concepts/")
    page.locator("article").get_by_role("link", name="Hybrid leadership", exact=True).first.click()
    page.wait_for_url(base + urls.concept_url("hybrid-leadership"))
    # The defining claim stands in the card of the study it is about (Gronn's), saying who reports it.
    defines = page.locator("article #evidence-defines")
    card = defines.locator(".kb-study", has=page.locator(".kb-study-head", has_text=labels["gronn2009b"])).first
    expect(card).to_be_visible()
    expect(card.locator(".kb-study-head").get_by_role("link", name=labels["gronn2009b"])).to_have_attribute("href", "../../" + urls.source_url("gronn2009b"))
    expect(card.locator("blockquote", has_text="hybrid").first).to_be_visible()  # the quote at full width
    # The reporting source links to the claim itself, anchored on the reporting source's page.
    href = card.locator(".kb-claim-meta").get_by_role("link", name=labels["torrance2013catch22"]).first.get_attribute("href")
    assert href is not None and href.startswith("../../" + urls.source_url("torrance2013catch22") + "#")
    page.goto(urljoin(page.url, href))
    target = page.locator(f"#{href.split('#')[1]}")
    expect(target).to_be_visible()  # inside a closed section, which the link opens
    expect(target).to_contain_text("hybrid leadership")
    # The concept map is drawn at build time: an SVG with the neighbours' labels, no script.
    page.goto(base + urls.concept_url("hybrid-leadership"))
    picture = page.locator("article svg.kb-concept-map-svg")
    expect(picture).to_have_count(1)
    expect(picture).to_contain_text("Parallel leadership")
    expect(picture).to_contain_text("Distributed leadership")


def _explorer_rows(page: Any) -> tuple[int, list[str]]:
    root = page.locator("#kb-explorer[data-ready=true]")
    expect(root).to_have_count(1)
    count = int(page.locator("#kb-explorer-count").get_attribute("data-count"))
    rows = page.locator("#kb-explorer-results tbody tr")
    return count, [rows.nth(i).inner_html() for i in range(rows.count())]


def test_explorer_filters_contesting_claims(real_page: tuple[Any, PageWatch, str], real_site: Path) -> None:
    page, _, base = real_page
    data = json.loads((real_site / "explorer" / "claims.json").read_text(encoding="utf-8"))
    contesting = [c for c in data["claims"] if any(stance == "contests" for _, stance in c["links"])]
    assert 0 < len(contesting) < len(data["claims"])
    page.goto(base + "explorer/")
    total, _ = _explorer_rows(page)
    assert total == len(data["claims"])
    page.select_option("select[name=stance]", "contests")
    expect(page.locator("#kb-explorer-count")).to_have_attribute("data-count", str(len(contesting)))
    assert "stance=contests" in page.url  # the filter is in the URL, so the view can be shared
    count, rows = _explorer_rows(page)
    assert count == len(contesting) == len(rows)
    assert all("kb-stance-contests" in row for row in rows)
    # A shared URL restores the same view.
    page.goto(page.url)
    count_again, rows_again = _explorer_rows(page)
    assert (count_again, len(rows_again)) == (count, len(rows))
    assert page.locator("select[name=stance]").input_value() == "contests"


def test_evidence_map_count_matches_explorer(real_page: tuple[Any, PageWatch, str]) -> None:
    page, _, base = real_page
    page.goto(base + "evidence-map/")
    assert page.locator("article .kb-map .kb-gap").count() > 0  # empty cells are visible
    cell = page.locator("article .kb-map a.kb-mark").first
    studies, claims = cell.get_attribute("data-studies"), cell.get_attribute("data-claims")
    assert cell.inner_text() == studies  # the mark shows the studies; its title adds the claims
    assert f"{studies} stud" in (cell.get_attribute("title") or "") and f"{claims} claim" in (cell.get_attribute("title") or "")
    cell.click()
    page.wait_for_url("**/explorer/?*")
    count, _ = _explorer_rows(page)
    assert count == int(claims or "-1")
    assert page.locator("#kb-explorer-count").get_attribute("data-studies") == studies


def test_evidence_map_cell_of_a_multi_work_claim_opens_its_claims(fixture_page: tuple[Any, PageWatch, str]) -> None:
    """Distributed leadership x conceptual analysis on the fixture: Spillane's study (with the
    report of Spillane and Diamond) behind four claims, one of them Torrance's sentence citing
    three works; the explorer shows the same four and counts one study."""
    page, _, base = fixture_page
    page.goto(base + "evidence-map/")
    cell = page.locator("article .kb-map a.kb-mark[href*='concept=distributed-leadership&design=conceptual-analysis']").first
    expect(cell).to_have_text("1")
    expect(cell).to_have_attribute("data-claims", "4")
    cell.click()
    page.wait_for_url("**/explorer/?*")
    count, rows = _explorer_rows(page)
    assert count == 4 == len(rows)
    assert page.locator("#kb-explorer-count").get_attribute("data-studies") == "1"
    expect(page.locator("#kb-explorer-count")).to_have_text("4 claims match, from 1 study")
    several = page.locator("#kb-explorer-results tr", has_text="Torrance cites three works")
    expect(several).to_have_count(1)
    expect(several).to_contain_text("Harris (2008), Spillane (2006), Spillane and Diamond (2007), as reported by Torrance (2013)")


def test_explorer_filters_by_claim_type_and_shows_the_seeds_citation(fixture_page: tuple[Any, PageWatch, str]) -> None:
    page, _, base = fixture_page
    page.goto(base + "explorer/")
    _explorer_rows(page)
    page.select_option("select[name=type]", "method")
    expect(page.locator("#kb-explorer-count")).to_have_attribute("data-count", "1")
    assert "type=method" in page.url
    row = page.locator("#kb-explorer-results tbody tr").first
    expect(row.locator(".kb-type-method")).to_have_text("method")
    expect(row.locator(".kb-stance")).to_have_count(0)  # a method claim takes no stance
    page.goto(base + "explorer/?concept=hybrid-leadership&stance=defines")
    _explorer_rows(page)
    expect(page.locator("#kb-explorer-results")).to_contain_text("Grönn (2009b) (cited by Torrance as Gronn, 2009c), as reported by Torrance (2013)")


def _search(page: Any, query: str) -> Any:
    """Open the site search (Pagefind's interface in the header's dialog), type ``query`` as a reader
    would; the result links."""
    page.locator("button.kb-search-button").click()
    box = page.locator(".kb-search-dialog input.pagefind-ui__search-input")
    expect(box).to_be_visible(timeout=30_000)
    box.press_sequentially(query, delay=30)
    return page.locator(".kb-search-dialog .pagefind-ui__result-link")


def _result_hrefs(results: Any, wanted: tuple[str, ...]) -> list[str]:
    # The list is re-rendered as each letter is searched: read it whole in one step (item by item,
    # an item can vanish between counting and reading), until the full query's list is in.
    hrefs: list[str] = []
    for _ in range(30):
        hrefs = results.evaluate_all("links => links.map(link => link.getAttribute('href') || '')")
        if any(w in h for w in wanted for h in hrefs):
            break
        results.page.wait_for_timeout(500)
    return hrefs


def test_site_search_finds_catch_22(real_page: tuple[Any, PageWatch, str]) -> None:
    page, watch, base = real_page
    page.goto(base)
    results = _search(page, "catch 22")
    expect(results.first).to_be_visible(timeout=15_000)
    wanted = (urls.concept_url("catch-22"), urls.source_url("torrance2013catch22"))
    hrefs = _result_hrefs(results, wanted)
    assert any(w in h for w in wanted for h in hrefs), hrefs
    # The results lead into the site, and searching asked nothing of another host.
    assert all(h.startswith("/") and not h.startswith("//") for h in hrefs), hrefs
    assert watch.external == []
    results.first.click()
    page.wait_for_load_state()
    assert page.url.startswith(base)


def test_site_search_from_a_deep_page_and_by_keyboard(real_page: tuple[Any, PageWatch, str]) -> None:
    # From a page two folders down, the index and the results' links still resolve from the root.
    page, _, base = real_page
    page.goto(base + urls.source_url("torrance2013catch22"))
    page.keyboard.press("/")
    box = page.locator(".kb-search-dialog input.pagefind-ui__search-input")
    expect(box).to_be_visible(timeout=30_000)
    box.press_sequentially("gatekeeper", delay=30)
    results = page.locator(".kb-search-dialog .pagefind-ui__result-link")
    expect(results.first).to_be_visible(timeout=15_000)
    href = results.first.get_attribute("href") or ""
    page.goto(urljoin(page.url, href))
    assert page.url.startswith(base)
    expect(page.locator("article h1")).to_be_visible()


def test_author_page_lists_all_works(real_page: tuple[Any, PageWatch, str]) -> None:
    page, _, base = real_page
    kb = build_kb(REPO)
    person = max(kb.works_of, key=lambda pid: (len(kb.works_of[pid]), pid))
    works = kb.works_of[person]
    assert len(works) > 1
    page.goto(base + "authors/")
    page.locator("article").get_by_role("link", name=kb.persons[person].sort_name, exact=True).click()
    page.wait_for_url(base + urls.author_url(person))
    links = page.locator("article .kb-works li > a:first-child")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == {"../../" + urls.source_url(key) for key in works}


def test_every_section_page_loads_without_errors(real_page: tuple[Any, PageWatch, str]) -> None:
    page, watch, base = real_page
    for path in ["", "concepts/", "sources/", "authors/", "evidence-map/", "network/", "timeline/", "gaps/", "explorer/", "contributing/", "cli/",
                 urls.concept_url("distributed-leadership"), urls.source_url("torrance2013catch22"), urls.source_url("ncsl2004")]:
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        expect(page.locator("article h1")).to_have_count(1)
    # Sortable list: clicking "Year" orders the rows by year.
    page.goto(base + "sources/")
    page.locator("article .kb-sortable th", has_text="Year").click()
    years = page.locator("article .kb-sortable tbody tr td:nth-child(3)").all_inner_texts()
    assert years == sorted(years)
    assert not watch.problems()


PWNED = "() => window.__pwned === undefined"


def test_hostile_note_runs_no_script(fixture_page: tuple[Any, PageWatch, str]) -> None:
    page, watch, base = fixture_page
    for path in [urls.source_url("mallory2020"), urls.concept_url("catch-22"), urls.concept_url("distributed-leadership"),
                 "concepts/", "sources/", "evidence-map/", "gaps/", urls.author_url("mallory-e"), "explorer/?q=script"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        article = page.locator("article")
        assert article.locator("script, iframe, object, embed").count() == 0, path
        has_event_attribute = page.evaluate(
            "() => Array.from(document.querySelectorAll('article *')).some(e => Array.from(e.attributes).some(a => a.name.startsWith('on')))"
        )
        assert not has_event_attribute, path
        hrefs = page.evaluate("() => Array.from(document.querySelectorAll('article a[href], article img[src]')).map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], path
        assert page.evaluate(PWNED), path
    # The hostile text is shown as text, and clicking its links runs nothing.
    page.goto(base + urls.source_url("mallory2020"))
    expect(page.locator("article")).to_contain_text("<script>window.__pwned = 1</script>")
    for link in page.locator("article .kb-card-claim a, article p a").all():
        href = link.get_attribute("href") or ""
        if href.startswith("#unsafe:"):
            link.click(no_wait_after=True)
    page.wait_for_timeout(300)
    assert page.evaluate(PWNED)
    page.goto(base + "explorer/?q=script")
    count = int(page.locator("#kb-explorer-count").get_attribute("data-count"))
    assert count >= 1
    expect(page.locator("#kb-explorer-results")).to_contain_text("<script>window.__pwned = 1</script>")
    assert page.evaluate(PWNED)
    # The site search shows the hostile text of its index (Pagefind stores page text unescaped) as
    # text too.
    page.goto(base)
    results = _search(page, "pwned")
    expect(results.first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(500)
    dialog = page.locator(".kb-search-dialog")
    expect(dialog).to_contain_text("window.__pwned")
    assert dialog.locator("script, iframe, img[src=x]").count() == 0
    assert page.evaluate(PWNED)
    assert watch.dialogs == []


def test_fixture_markdown_in_notes_renders(fixture_page: tuple[Any, PageWatch, str]) -> None:
    page, _, base = fixture_page
    page.goto(base + urls.source_url("spillane2006"))
    summary = page.locator("article h2#summary + p")
    expect(summary.locator("em")).to_have_text("Markdown")
    expect(summary.locator("code")).to_have_text("code")
    expect(summary.locator("a")).to_have_attribute("href", "https://example.org/a?b=1&c=2")
