"""The site as a reader meets it (issue 15), in headless Chromium with every request to another
host refused: every page type loads without a console error or an outside request; concept,
source, evidence-map and question pages fit 1,400 and 390 px without scrolling sideways; the
pictures are drawn; long blocks open from a link; the evidence map keeps its concept column and
header in view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from browser.helpers import PageWatch, launch_chromium, serve_directory, watch_page
from conftest import REPO
from litkb.core import urls
from litkb.emit.labels import author_year_labels
from litkb.rules.link import build_kb

WIDTHS = ((1400, 1000), (390, 844))
# Every page type of the site, as paths on the real knowledge base.
PAGE_TYPES = {
    "home": "",
    "question": urls.question_url("given-or-taken"),
    "questions index": "questions/",
    "concept": urls.concept_url("distributed-leadership"),
    "source": urls.source_url("torrance2013catch22"),
    "source without a note": urls.source_url("gronn2009b"),
    "author": urls.author_url("gronn-p"),
    "concepts index": "concepts/",
    "sources index": "sources/",
    "authors index": "authors/",
    "evidence map": "evidence-map/",
    "citation network": "network/",
    "concept timeline": "timeline/",
    "gaps": "gaps/",
    "explorer": "explorer/",
    "contributing": "contributing/",
    "CLI reference": "cli/",
}
# Pages that must fit the screen's width (tables and pictures that need more scroll in a frame of
# their own: the evidence map's, a concept map on a phone, code blocks, and Material's bar of
# tabs, which reaches the screen's edges on phones by design).
FITTING = {"concept": PAGE_TYPES["concept"], "hybrid": urls.concept_url("hybrid-leadership"), "source": PAGE_TYPES["source"],
           "MacBeath": urls.source_url("macbeath2005icsei"), "evidence map": PAGE_TYPES["evidence map"],
           "question": PAGE_TYPES["question"], "conditions": urls.question_url("conditions")}
SCROLLING_FRAMES = [".kb-map-frame", ".kb-concept-map", "pre", ".highlight", ".tabbed-labels", ".tabbed-control"]
# Material's frame around a table reaches the screen's edges on phones by design (its content
# keeps to the article, and the frame must not scroll): measured against the screen.
EDGE_TO_EDGE = ".md-typeset__scrollwrap, .md-typeset__table"
# What reaches past the article's right edge, or scrolls sideways, outside the allowed frames;
# what is not shown (a question's claim notes before they are opened) is left out.
OVERFLOW = """(allowed) => {
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
  const article = document.querySelector('article');
  const right = article.getBoundingClientRect().right + 1;
  const screen = document.documentElement.clientWidth + 1;
  const found = [];
  for (const el of article.querySelectorAll('*')) {
    if (allowed.some(selector => el.closest(selector))) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    const edge = el.matches('""" + EDGE_TO_EDGE + """') ? screen : right;
    if (box.width && box.right > edge) found.push(`${el.tagName}.${el.className} ends at ${Math.round(box.right)} > ${Math.round(right)}`);
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX)) found.push(`${el.tagName}.${el.className} scrolls sideways`);
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) found.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
  return found;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base(real_site: Path) -> Iterator[str]:
    with serve_directory(real_site) as url:
        yield url


def _open(browser: Any, base: str, width: int, height: int) -> tuple[Any, Any, PageWatch]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    return context, page, watch_page(page, base)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_every_page_type_loads_alone(browser: Any, base: str, width: int, height: int) -> None:
    """No page asks another host for anything (fonts, scripts, a repository's facts) and none
    logs a console error, at either width."""
    context, page, watch = _open(browser, base, width, height)
    for name, path in PAGE_TYPES.items():
        response = page.goto(base + path)
        assert response is not None and response.ok, name
        page.wait_for_load_state("networkidle")
        expect(page.locator("article h1")).to_have_count(1)
    context.close()
    assert watch.external == [], watch.external
    assert watch.problems() == [], "\n".join(watch.problems())


@pytest.mark.parametrize(("width", "height"), WIDTHS)
@pytest.mark.parametrize("name", list(FITTING))
def test_pages_fit_the_screen(browser: Any, base: str, name: str, width: int, height: int) -> None:
    context, page, watch = _open(browser, base, width, height)
    page.goto(base + FITTING[name])
    page.wait_for_load_state("load")
    assert page.evaluate(OVERFLOW, SCROLLING_FRAMES) == [], name
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_pictures_are_drawn_without_the_network(browser: Any, base: str) -> None:
    kb = build_kb(REPO)
    labels = author_year_labels(kb, "apa")
    context, page, watch = _open(browser, base, 1400, 1000)
    page.goto(base + urls.concept_url("hybrid-leadership"))
    concept_map = page.locator("article svg.kb-concept-map-svg")
    expect(concept_map).to_be_visible()
    neighbours = dict.fromkeys((*kb.concepts["hybrid-leadership"].related, *kb.concepts["hybrid-leadership"].alternative_to))
    titles = concept_map.locator("a > title").all_text_contents()
    assert sorted(titles) == sorted(kb.concepts[c].label for c in neighbours)
    # Each node is a link to its concept's page.
    hrefs = concept_map.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"../{c}/" for c in neighbours)
    page.goto(base + "network/")
    network = page.locator("article svg.kb-network-svg")
    expect(network).to_be_visible()
    for key in ("torrance2013catch22", "macbeath2005icsei"):  # the annotated works are labelled
        expect(network.locator("text", has_text=labels[key])).to_have_count(1)
    assert network.locator("circle").count() == network.locator("a").count() > 50
    network.locator("a", has=page.locator("text", has_text=labels["macbeath2005icsei"])).click()
    page.wait_for_url(base + urls.source_url("macbeath2005icsei"))
    page.goto(base + "timeline/")
    timeline = page.locator("article svg.kb-timeline-svg")
    expect(timeline).to_be_visible()
    expect(timeline.locator("text", has_text="Distributed leadership")).to_have_count(1)
    context.close()
    assert watch.external == []
    assert watch.problems() == [], "\n".join(watch.problems())


def test_concept_page_summarises_before_it_lists(browser: Any, base: str) -> None:
    context, page, watch = _open(browser, base, 1400, 1000)
    page.goto(base + urls.concept_url("distributed-leadership"))
    headings = page.locator("article h2").all_inner_texts()
    assert [h.strip("¶") for h in headings][:3] == ["Definition", "At a glance", "Evidence"]
    glance = page.locator("article .kb-glance")
    expect(glance.locator(".kb-balance a")).not_to_have_count(0)
    expect(glance.locator("dt", has_text="Designs")).to_have_count(1)
    expect(glance.locator("dt", has_text="Years")).to_have_count(1)
    # The questions that discuss the concept, each a link to its page.
    discussing = build_kb(REPO).questions
    expected = sorted(q.question for q in discussing.values() if "distributed-leadership" in q.concepts)
    assert len(expected) >= 2
    asked = glance.locator("dd", has=page.locator("a[href*='/questions/']")).locator("a")
    assert sorted(asked.all_inner_texts()) == expected
    # Long stance sections are closed, short ones open; a legend link opens its section.
    qualifies = page.locator("details#evidence-qualifies")
    assert qualifies.get_attribute("open") is None
    assert page.locator("details#evidence-defines").get_attribute("open") is not None
    glance.locator(".kb-balance-legend a[href='#evidence-qualifies']").click()
    expect(qualifies).to_have_attribute("open", "")
    expect(qualifies.locator(".kb-study").first).to_be_visible()
    # The page is at most a third of its height before issue 15 (35,734 px at 1,400 px), with
    # every claim one click away.
    page.goto(base + urls.concept_url("distributed-leadership"))
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= 35_734 // 3, height
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_source_page_first_screen_and_closed_sections(browser: Any, base: str) -> None:
    context, page, watch = _open(browser, base, 1400, 1000)
    page.goto(base + urls.source_url("torrance2013catch22"))
    glance = page.locator("article .kb-source-glance")
    for term in ("The work", "Appraisal", "Cited for", "Its claims bear on", "In questions", "Same study", "Metadata"):
        expect(glance.locator("dt", has_text=term)).to_have_count(1)
    assert glance.bounding_box()["y"] < 1000  # in the first screen
    # Torrance is cited in every question: three are named, the link after them reaches the list.
    more = glance.locator("dd a", has_text="with where they cite it")
    target = more.get_attribute("href")
    assert target is not None and target.startswith("#cited-in-questions-")
    expect(page.locator(f"article h2{target}")).to_have_count(1)
    # A claim deep in a closed section is reached by its link, which opens the section.
    kb = build_kb(REPO)
    note = kb.notes["torrance2013catch22"]
    groups: dict[str, list[str]] = {}
    for claim in note.claims:
        groups.setdefault(claim.locator, []).append(claim.id)
    longest = max(groups.values(), key=len)
    page.goto(base + urls.claim_url("torrance2013catch22", longest[-1]))
    expect(page.locator(f"#{longest[-1]}")).to_be_visible()
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


def test_evidence_map_keeps_concepts_and_header_in_view(browser: Any, base: str) -> None:
    context, page, watch = _open(browser, base, 390, 844)
    page.goto(base + "evidence-map/")
    frame = page.locator("article .kb-map-frame").first
    frame.scroll_into_view_if_needed()
    first_concept = frame.locator("tbody th").first
    corner = frame.locator("thead th").first
    before = (first_concept.bounding_box(), corner.bounding_box())
    frame.evaluate("f => { f.scrollLeft = 400; f.scrollTop = 300; }")
    page.wait_for_timeout(100)
    box = frame.bounding_box()
    after_concept = frame.locator("tbody th").nth(8).bounding_box()
    after_corner = corner.bounding_box()
    assert frame.evaluate("f => f.scrollLeft") > 0 and frame.evaluate("f => f.scrollTop") > 0
    assert abs(after_concept["x"] - box["x"]) < 2  # the concept column stays at the left edge
    assert abs(after_corner["y"] - box["y"]) < 2  # the header stays at the top
    assert before[0]["x"] == after_concept["x"]
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_question_claim_note_opens_within_the_screen(browser: Any, base: str, width: int, height: int) -> None:
    """A claim citation's note (its quote, locator and source), opened on a real question page,
    is shown whole inside the screen, on a phone too."""
    context, page, watch = _open(browser, base, width, height)
    page.goto(base + PAGE_TYPES["question"])
    marker = page.locator("article .kb-q-block .md-annotation").first
    marker.scroll_into_view_if_needed()
    marker.click()
    tooltip = marker.locator(".md-tooltip")
    expect(tooltip.locator(".kb-q-quote")).to_be_visible()
    box = tooltip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()
    assert watch.problems() == [], "\n".join(watch.problems())
