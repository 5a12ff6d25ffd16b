"""Pictures drawn at build time (litkb.emit.figures): what they show, that they are the same bytes
every time, that they pass the tripwire's SVG allowlist, and that the tripwire refuses anything
else inside an <svg>."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import SITE_FIXTURE_ROOT
from litkb.core.model import KnowledgeBase
from litkb.emit.figures.concept_map import concept_map_svg, neighbours
from litkb.emit.figures.layout import force_layout, place_labels
from litkb.emit.figures.network import Network, Node, citation_network, most_cited, network_graphml, network_json, network_svg
from litkb.emit.figures.svg import esc, num
from litkb.emit.figures.timeline import axis_start, concept_spans, timeline_svg, year_of
from litkb.emit.labels import author_year_labels
from litkb.emit.pages.common import SiteData, page_href
from litkb.emit.pages.safe import SVG_ATTRIBUTES, SVG_ELEMENTS, find_unsafe_html
from litkb.rules.link import build_kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return build_kb(SITE_FIXTURE_ROOT)


@pytest.fixture(scope="module")
def labels(kb: KnowledgeBase) -> dict[str, str]:
    return author_year_labels(kb, "apa")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def assert_allowed(markup: str) -> None:
    """Only the allowlist's elements and attributes, no finding of the tripwire."""
    assert find_unsafe_html(markup) == []
    inside = markup[markup.index("<svg"):]
    for tag, attrs in parse(inside).tags:
        assert tag in SVG_ELEMENTS, tag
        assert set(attrs) <= SVG_ATTRIBUTES, (tag, attrs)


# -- the concept map ------------------------------------------------------------------------------
def test_concept_map_draws_each_neighbour_once_with_a_link(kb: KnowledgeBase) -> None:
    site = SiteData.from_kb(kb, "apa")
    concept = kb.concepts["distributed-leadership"]
    found = neighbours(concept, site.alternatives.get(concept.id, ()), kb.concepts)
    assert found["narrower"] == ["catch-22", "ways-of-distribution"] and found["alternative"] == ["hybrid-leadership"]
    assert found["related"] == ["parallel-leadership"]
    here = "concepts/distributed-leadership.md"
    svg = concept_map_svg(concept, site.alternatives.get(concept.id, ()), kb.concepts, lambda cid: page_href(here, f"concepts/{cid}.md"))
    assert_allowed(svg)
    links = [attrs["href"] for tag, attrs in parse(svg).tags if tag == "a"]
    assert links == ["../hybrid-leadership/", "../parallel-leadership/", "../catch-22/", "../ways-of-distribution/"]
    text = " ".join(parse(svg).text)
    assert "Distributed" in text and "Hybrid leadership" in text and "ALTERNATIVES" not in text and "Alternatives" in text
    # A label carrying markup is text in the picture.
    assert "&lt;img src=x" in svg and "<img" not in svg
    # A concept without relations has no map.
    assert concept_map_svg(kb.concepts["pragmatic-distribution"], (), {"pragmatic-distribution": kb.concepts["pragmatic-distribution"]}, str) == ""


def test_svg_text_and_numbers_are_written_one_way() -> None:
    assert esc('a <b> & "c" [d] `e` |f| data-search-x') == "a &lt;b&gt; &amp; &quot;c&quot; &#91;d&#93; &#96;e&#96; &#124;f&#124; data&#45;search-x"
    assert [num(v) for v in (1.0, 1.25, -0.04, 12.349, 3)] == ["1", "1.2", "0", "12.3", "3"]


def test_page_href_resolves_as_the_browser_does() -> None:
    assert page_href("concepts/a.md", "concepts/b.md") == "../b/"
    assert page_href("network.md", "sources/x.md", "c1") == "../sources/x/#c1"
    assert page_href("index.md", "explorer.md") == "explorer/"
    assert page_href("concepts/index.md", "evidence-map.md") == "../evidence-map/"


# -- the citation network -------------------------------------------------------------------------
def test_network_holds_who_cites_and_who_reports(kb: KnowledgeBase, labels: dict[str, str]) -> None:
    network = citation_network(kb, labels)
    kinds = {(e.source, e.target): e.kind for e in network.edges}
    assert kinds[("torrance2013", "gronn2009b")] == "reports"  # a reported claim about it: "as reported by"
    assert kinds[("torrance2013", "gronn2009a")] == "cites"
    assert kinds[("spillane2006", "spillane_diamond2007")] == "same-study"
    # Torrance's sentence citing three works is one reported claim, an edge to each work.
    assert {k for (s, k), kind in kinds.items() if s == "torrance2013" and kind == "reports"} == {"gronn2009b", "harris2008", "ncsl2004", "spillane2006", "spillane_diamond2007"}
    nodes = {n.key: n for n in network.nodes}
    assert nodes["torrance2013"].annotated and not nodes["harris2008"].annotated
    assert nodes["harris2008"].cited == len(kb.cited_by["harris2008"]) == 2
    data = json.loads(network_json(network, lambda key: f"sources/{key}/"))
    assert len(data["nodes"]) == len(network.nodes) and len(data["edges"]) == len(network.edges)
    assert data["nodes"][0]["url"] == f"sources/{data['nodes'][0]['key']}/"
    graph = ET.fromstring(network_graphml(network))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graph.findall(".//g:node", ns)) == len(network.nodes) and len(graph.findall(".//g:edge", ns)) == len(network.edges)


def test_network_picture_is_the_same_every_time_and_inert(kb: KnowledgeBase, labels: dict[str, str]) -> None:
    network = citation_network(kb, labels)
    first = network_svg(network, lambda key: f"../sources/{key}/")
    assert first == network_svg(citation_network(kb, labels), lambda key: f"../sources/{key}/")
    assert_allowed(first)
    hrefs = [attrs["href"] for tag, attrs in parse(first).tags if tag == "a"]
    assert sorted(hrefs) == sorted(f"../sources/{n.key}/" for n in network.nodes)
    assert "Torrance (2013)" in " ".join(parse(first).text)  # annotated works are labelled
    assert "&lt;script&gt;" in first and "<script" not in first  # a title with markup is text


def test_network_picture_keeps_the_most_cited() -> None:
    nodes = tuple(Node(f"k{i:03d}", f"W{i}", "", "2000", i % 7, i % 10 == 0) for i in range(300))
    network = Network(nodes, ())
    kept = most_cited(network, 120)
    assert len(kept) == 120 and min(n.cited for n in kept) >= max(n.cited for n in nodes if n not in kept)
    svg = network_svg(network, lambda key: key, limit=120)
    assert svg.count("<circle") == 120


def test_force_layout_is_seeded_and_inside_the_frame() -> None:
    nodes = [f"n{i}" for i in range(40)]
    edges = [(f"n{i}", f"n{(i * 7) % 40}", 1.0) for i in range(40)]
    one = force_layout(nodes, edges, 500, 300)
    assert one == force_layout(nodes, edges, 500, 300)
    assert one != force_layout(nodes, edges, 500, 300, seed=2)
    assert all(0 < x < 500 and 0 < y < 300 for x, y in one.values())
    assert len(set(one.values())) == len(nodes)


def test_labels_never_overlap() -> None:
    places = {f"n{i}": (100.0 + (i % 5) * 8, 100.0 + (i // 5) * 6) for i in range(25)}  # crowded
    found = place_labels(list(places), places, dict.fromkeys(places, 4.0), dict.fromkeys(places, 60.0), 400, 300)
    assert 0 < len(found) < len(places)
    boxes = []
    for x, y, anchor in found.values():
        left = x - 30 if anchor == "middle" else x if anchor == "start" else x - 60
        boxes.append((left, y - 9, left + 60, y + 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


# -- the timeline ---------------------------------------------------------------------------------
def test_timeline_dates_evidence_by_the_works_it_is_about(kb: KnowledgeBase, labels: dict[str, str]) -> None:
    spans = {s.concept: s for s in concept_spans(kb, labels)}
    dl = spans["distributed-leadership"]
    # Spillane (2006) defines it; Torrance (2013) reports Spillane and Diamond (2007) defining it:
    # the report is dated 2007 (the work it is about), not 2013.
    assert dl.enters == 2006 and dl.defining == {2006: ("spillane2006",), 2007: ("spillane_diamond2007",)}
    assert set(dl.contesting) == {2009, 2013, 2020}
    assert [s.concept for s in concept_spans(kb, labels)][:3] == ["formal-distribution", "pragmatic-distribution", "ways-of-distribution"]
    svg = timeline_svg(list(spans.values()), labels, lambda c: f"../concepts/{c}/", lambda k: f"../sources/{k}/")
    assert_allowed(svg)
    assert svg.count('class="kb-tl-label"') == len(spans)
    assert year_of("2013/14") == 2013 and year_of("n.d.") is None


def test_a_few_early_works_do_not_squeeze_the_axis() -> None:
    years = [1975] + [2000 + i % 14 for i in range(60)]
    assert axis_start(years) == 1999
    assert axis_start([1998, 1999] + [2000 + i % 14 for i in range(60)]) == 1998  # no gap: the earliest year


# -- the tripwire inside <svg> --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("markup", "finding"),
    [
        ('<svg><script>alert(1)</script></svg>', "<script> element"),
        ('<svg onload="alert(1)"></svg>', "event attribute onload on <svg>"),
        ('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>', "href='javascript:alert(1)' on <a>"),
        ('<svg><a href="https://example.org/"><text>x</text></a></svg>', "leaves the site"),
        ('<svg><a href="//example.org/"><text>x</text></a></svg>', "leaves the site"),
        ('<svg><foreignObject><p>x</p></foreignObject></svg>', "<foreignobject> inside <svg>"),
        ('<svg><use href="#a"/></svg>', "<use> inside <svg>"),
        ('<svg><image href="x.png"/></svg>', "<image> inside <svg>"),
        ('<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>', "<animate> inside <svg>"),
        ('<svg><rect style="fill: red"/></svg>', "attribute style on <rect> inside <svg>"),
        ('<svg><rect fill="url(https://example.org/p)"/></svg>', "reaches outside the picture"),
        ('<svg><rect xlink:href="x"/></svg>', "attribute xlink:href on <rect> inside <svg>"),
    ],
)
def test_tripwire_refuses_what_our_pictures_never_hold(markup: str, finding: str) -> None:
    found = find_unsafe_html(markup)
    assert any(finding in f for f in found), found


def test_tripwire_accepts_svg_outside_pictures_only_once_closed() -> None:
    # After </svg>, ordinary HTML is judged by the ordinary rules again.
    assert find_unsafe_html('<svg><rect x="1"/></svg><p class="x" style="color: red">ok</p>') == []
    assert re.search("onclick", " ".join(find_unsafe_html('<svg></svg><p onclick="x()">no</p>')))
