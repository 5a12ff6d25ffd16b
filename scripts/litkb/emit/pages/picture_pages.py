"""Pictures of the field: the citation network of the library (with its data to download) and the
concept timeline, drawn at build time as inline SVG (:mod:`litkb.emit.figures`).

Input: :class:`~litkb.emit.pages.common.SiteData`. Output: :class:`GeneratedPage` values: the two
pages (Markdown) and the network as JSON and GraphML. The picture of the network shows at most
:data:`~litkb.emit.figures.network.LIMIT` works (the most cited) and says so; the downloads hold
all of it. The timeline has one row per concept.
"""

from __future__ import annotations

from ...core import urls
from ..figures.network import LIMIT, Network, citation_network, most_cited, network_graphml, network_json, network_svg
from ..figures.timeline import ConceptSpan, concept_spans, timeline_svg
from .common import (
    NETWORK_DATA,
    NETWORK_GRAPHML,
    NETWORK_PAGE,
    TIMELINE_PAGE,
    GeneratedPage,
    LateFiles,
    SiteData,
    concept_link,
    files_now_or_later,
    page_href,
    rel,
    source_link,
    table_cell,
)
from .evidence_cards import details

# Rows of the "most cited" table under the network picture.
TOP_TABLE = 15
# Works named for the first year a concept is defined or contested (the rest counted).
FIRST_WORKS = 3


def picture_pages(site: SiteData, late: LateFiles | None = None, *, network: bool = True) -> list[GeneratedPage]:
    """The network and timeline pages and the network's downloads (made later with ``late``:
    :func:`.common.files_now_or_later`); the timeline alone without ``network``. The pages have
    front matter, which MkDocs reads before a page is converted: they are never rendered later."""
    timeline = [GeneratedPage(TIMELINE_PAGE, timeline_page(site))]
    if not network:
        return timeline
    drawn = citation_network(site.kb, site.labels)
    return [
        GeneratedPage(NETWORK_PAGE, network_page(site, drawn)),
        *files_now_or_later(late, [NETWORK_DATA, NETWORK_GRAPHML],
                            lambda: {NETWORK_DATA: network_json(drawn, urls.source_url), NETWORK_GRAPHML: network_graphml(drawn)}),
        *timeline,
    ]


def network_page(site: SiteData, network: Network) -> str:
    here = NETWORK_PAGE
    downloads = f"[JSON]({rel(here, NETWORK_DATA)}) · [GraphML]({rel(here, NETWORK_GRAPHML)}) (for Gephi, Cytoscape, yEd or networkx)"
    lines = [
        "---",
        "hide: [toc]  # the picture needs the width",
        "---",
        "",
        "# Citation network",
        "",
        "Who cites whom in the library. An arrow goes from an annotated work to a work it cites; a dashed arrow means the "
        "annotated work also reports that work's claims (its evidence “as reported by”); a dotted line joins two reports of one study. "
        "A circle's size is the number of annotated works that cite or report on it; filled circles are annotated works. "
        "Point at a circle for its title, click it for its page.",
        "",
    ]
    shown = min(len(network.nodes), LIMIT)
    if not network.nodes:
        return "\n".join([*lines, "*No annotated work cites another work of the library yet.*", ""])
    if len(network.nodes) > shown:
        kept = {n.key for n in most_cited(network, LIMIT)}
        edges = sum(1 for e in network.edges if e.source in kept and e.target in kept)
        lines += [f'!!! info "The {shown:,} most cited of {len(network.nodes):,} works"', "",
                  f"    The picture shows the {shown:,} most cited works and the {edges:,} links among them "
                  f"(of {len(network.edges):,}); a larger picture would be unreadable. The whole network: {downloads}.", ""]
    else:
        lines += [f"All {len(network.nodes):,} works with a citation link and their {len(network.edges):,} links; the data: {downloads}.", ""]
    lines += [
        '<p class="kb-key" data-search-exclude markdown><span><span class="kb-key-line"></span>cites</span> '
        '<span><span class="kb-key-line kb-key-reports"></span>reports on (“as reported by”)</span> '
        '<span><span class="kb-key-line kb-key-same-study"></span>same study</span> '
        '<span><span class="kb-key-dot kb-key-annotated"></span>annotated work</span> '
        '<span><span class="kb-key-dot"></span>work without a note</span></p>',
        "",
        network_svg(network, lambda key: page_href(here, urls.source_path(key))),
        "",
        f"## Most cited works (top {min(TOP_TABLE, len(network.nodes))})",
        "",
        '<div class="kb-sortable" data-search-exclude markdown>',
        "",
        "| Work | Cited or reported on by (notes) | Annotated |",
        "| --- | --: | --- |",
    ]
    for node in most_cited(network, TOP_TABLE):
        lines.append(f"| {table_cell(source_link(site, here, node.key))} | {node.cited} | {'yes' if node.annotated else 'no'} |")
    lines += ["", "</div>", ""]
    return "\n".join(lines)


def timeline_page(site: SiteData) -> str:
    here = TIMELINE_PAGE
    spans = concept_spans(site.kb, site.labels)
    lines = [
        "---",
        "hide: [toc]  # the picture needs the width",
        "---",
        "",
        "# Concept timeline",
        "",
        "When each concept enters the literature of the library, and when works define and contest it. A concept's "
        "evidence is dated by the works it is about (a claim reported by another work dates from the work it reports), and by "
        "the sources of its definition. Rows run from the first to the last year with evidence; concepts are listed in the "
        "order they enter. Click a concept for its page, a mark for its work.",
        "",
        '<p class="kb-key" data-search-exclude markdown><span><span class="kb-key-diamond"></span>a work defines it</span> '
        '<span><span class="kb-key-cross">✕</span>a work contests it</span> <span>· a year with evidence</span></p>',
        "",
    ]
    if not spans:
        return "\n".join([*lines, "*No concept has dated evidence yet.*", ""])
    picture = timeline_svg(spans, site.labels, lambda cid: page_href(here, urls.concept_path(cid)), lambda key: page_href(here, urls.source_path(key)))
    lines += [picture, ""]
    lines += _timeline_table(site, here, spans)
    undated = sorted((c for c in site.kb.concepts.values() if c.id not in {s.concept for s in spans}), key=lambda c: c.label.lower())
    if undated:
        lines += [f"Without dated evidence ({len(undated)}): " + ", ".join(concept_link(site, here, c.id) for c in undated) + ".", ""]
    return "\n".join(lines)


def _timeline_table(site: SiteData, here: str, spans: list[ConceptSpan]) -> list[str]:
    """The same as a table, in a closed block (for screen readers, phones and copying): per
    concept the first year and works that define and contest it, and how many works do in all
    (bounded, whatever the size of the library)."""
    rows = ['<div data-search-exclude markdown>', "",
            "| Concept | Enters | Last | First defined by | Works defining it | First contested by | Works contesting it |",
            "| --- | --: | --: | --- | --: | --- | --: |"]
    for span in spans:
        cells = [table_cell(concept_link(site, here, span.concept)), str(span.enters), str(span.last)]
        for marks in (span.defining, span.contesting):
            if marks:
                year, keys = next(iter(marks.items()))
                shown = ", ".join(source_link(site, here, k) for k in keys[:FIRST_WORKS]) + (f" and {len(keys) - FIRST_WORKS} more" if len(keys) > FIRST_WORKS else "")
                cells += [table_cell(f"{year}: {shown}"), str(len({k for ks in marks.values() for k in ks}))]
            else:
                cells += ["", "0"]
        rows.append("| " + " | ".join(cells) + " |")
    return details("kb-sec kb-sec-more", "The timeline as a table", [*rows, "", "</div>", ""], open_=False)
