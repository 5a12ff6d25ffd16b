"""A question page in headless Chromium: a claim citation opens its verbatim quote in place (by
click, at desktop and phone widths), a citation leads to its work's page, and the page asks no
host but the local server for anything (any such request, console error or dialog fails)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from browser.helpers import PageWatch, launch_chromium, serve_directory, watch_page
from conftest import FIXTURES, REPO
from litkb.core import urls
from litkb.emit.questions import anchor_of, cited_claim
from litkb.rules.link import build_kb
from litkb.site.build import build_site

ROOT = FIXTURES / "questions" / "root"
QUOTE = "it was the head who opened the gate"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("questions-browser") / "site"
    build_site(ROOT, site)
    with serve_directory(site) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _open(browser: Any, base: str, width: int) -> tuple[Any, Any, PageWatch]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = watch_page(page, base)
    page.goto(base + urls.question_url("given-or-taken"))
    return context, page, watch


@pytest.mark.parametrize("width", [1400, 390])
def test_a_claim_citation_opens_its_quote_in_place(browser: Any, base: str, width: int) -> None:
    context, page, watch = _open(browser, base, width)
    block = page.locator("#kb-p1")
    markers = block.locator(".md-annotation")
    expect(markers).to_have_count(3)  # Material turned the three markers into buttons
    quote = page.locator("#kb-p1_annotation_1").get_by_text(QUOTE, exact=False)
    expect(quote).to_be_hidden()  # the annotation list is folded into the markers
    markers.first.click()
    expect(quote).to_be_visible()
    box = quote.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900  # in place: beside the text, not at the end of the page
    tooltip = markers.first.locator(".md-tooltip")
    expect(tooltip).to_contain_text("section: Findings")
    expect(tooltip.get_by_role("link", name="Example (2020a)")).to_have_attribute("href", "../../sources/example2020a/#head-opens-the-gate")
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_a_citation_leads_to_its_work(browser: Any, base: str) -> None:
    context, page, watch = _open(browser, base, 1400)
    page.locator("#kb-p1").get_by_role("link", name="Sample & Case, 2018").first.click()
    page.wait_for_url(base + urls.source_url("sample2018"))
    expect(page.locator("h1")).to_contain_text("Leadership Taken and Given: An Invented Survey")
    # ... and the work's page leads back to where the question cites it.
    page.get_by_role("link", name="Is leadership in the fixture schools given or taken?").first.click()
    page.wait_for_url(base + urls.question_url("given-or-taken"))
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())
    assert all(url.startswith(base) for url in watch.visited)


def test_tension_panel_and_references_are_on_the_page(browser: Any, base: str) -> None:
    context, page, watch = _open(browser, base, 390)
    rows = page.locator(".kb-tension tbody tr")
    expect(rows).to_have_count(3)
    # On a phone the table stacks: each stance is labelled in its cell.
    contests = rows.nth(1).locator("td").nth(3)
    expect(contests.locator(".kb-stance-label")).to_be_visible()
    expect(contests).to_contain_text("Contests: Sample and Case (2018)")
    expect(page.locator(".kb-references li")).to_have_count(4)
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_external_requests_fail_the_watch(browser: Any, base: str, tmp_path: Path) -> None:
    # The watch that guards the tests above does catch a request to another host.
    context, page, watch = _open(browser, base, 1400)
    page.evaluate("() => fetch('https://example.org/x').catch(() => null)")
    page.wait_for_timeout(300)
    context.close()
    assert watch.external == ["https://example.org/x"]


def test_a_real_question_page_opens_a_quote(browser: Any, real_site: Path) -> None:
    """The same on the real knowledge base's strict build: Torrance's "in the gift of the headteacher"."""
    kb = build_kb(REPO)
    question = kb.questions["given-or-taken"]
    uid = "torrance2013catch22#gift-of-the-headteacher"
    index, block = next((i, b) for i, b in enumerate(question.blocks) if uid in [item.uid for item in b.items])
    number = [item.uid for item in block.items if item.claim].index(uid) + 1  # its marker in the (paragraph) block
    quote = cited_claim(kb, next(item for item in block.items if item.uid == uid))
    assert quote is not None
    with serve_directory(real_site) as served:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        watch = watch_page(page, served)
        page.goto(served + urls.question_url("given-or-taken"))
        anchor = anchor_of(question, index)
        page.locator(f"#{anchor} .md-annotation").nth(number - 1).click()
        expect(page.locator(f"#{anchor}_annotation_{number}").get_by_text(quote.quote[:40], exact=False)).to_be_visible()
        context.close()
    assert watch.problems() == [], "\n".join(watch.problems())
