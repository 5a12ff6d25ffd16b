"""Question pages on the site: golden Markdown for the fixture questions (citations, claim
annotations, agreement and tension, references), the sections they give concept and source pages,
a strict build of the fixture knowledge base, and hostile text in a question that stays inert.

Regenerate the goldens with ``KB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_questions_site.py``
and review the diff.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, check_golden, config_with_repo
from litkb.core import urls
from litkb.core.model import Question
from litkb.emit.pages import ReferenceFormatter, render_pages
from litkb.emit.pages.common import SiteData
from litkb.emit.pages.question_text import render_body
from litkb.emit.pages.safe import find_unsafe_html
from litkb.load.questionfile import parse_body
from litkb.rules.link import build_kb
from litkb.site.build import build_site
from test_site_safe import render

ROOT = FIXTURES / "questions" / "root"
GOLDEN = FIXTURES / "questions" / "golden"
# The pages whose Markdown is golden: the questions, and a concept and a source page for their sections.
GOLDEN_PAGES = ["questions/index.md", "questions/given-or-taken.md", "questions/who-keeps-the-gate.md", "concepts/gatekeeping.md", "sources/example2020a.md"]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """The fixture's pages with the plain fallback references (the goldens do not depend on citeproc)."""
    return {p.path: str(p.content) for p in render_pages(build_kb(ROOT), style="apa", references=None)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("questions") / "site"
    # strict: any problem or warning fails the build; a repository named, as a deployer does, for the edit links
    build_site(ROOT, target, config_file=config_with_repo(tmp_path_factory.mktemp("config")))
    return target


@pytest.mark.parametrize("path", GOLDEN_PAGES)
def test_golden_pages(pages: dict[str, str], path: str) -> None:
    check_golden(GOLDEN / path, pages[path])


def test_claim_citations_open_their_quote_from_the_block(pages: dict[str, str]) -> None:
    page = pages["questions/given-or-taken.md"]
    # Each block with claim citations is an annotated div, followed by one list item per marker.
    blocks = re.findall(r'<div class="kb-q-block annotate" id="(kb-p\d+)" markdown>\n\n(.*?)\n\n</div>\n\n((?:\d+\.  .*?\n\n    .*?\n\n)+)', page, re.S)
    assert [b[0] for b in blocks] == ["kb-p1", "kb-p3", "kb-p5"]
    for _, text, notes in blocks:
        markers = re.findall(r"\u00a0((?:\(\d+\) ?)+)", text)
        numbers = [int(n) for group in markers for n in re.findall(r"\((\d+)\)", group)]
        assert numbers == list(range(1, len(re.findall(r"^\d+\.  ", notes, re.M)) + 1))
    first_notes = blocks[0][2]
    assert '<span class="kb-q-quote">“it was the head who opened the gate”</span>' in first_notes
    assert '<span class="kb-type kb-type-finding" data-search-exclude="data-search-exclude">finding</span> [Example (2020a)](../sources/example2020a.md#head-opens-the-gate) · section: Findings' in first_notes
    # A reported claim says whose words the quote is, and how the reporting text cites the work.
    assert ('[Example (2020a)](../sources/example2020a.md) <span class="kb-cited-as">(cited by Sample and Case as Example (2020))</span>, '
            "as reported by [Sample and Case (2018)](../sources/sample2018.md#example-found-gatekeeping) · p. 9") in first_notes


def test_citations_are_labels_linked_to_the_works(pages: dict[str, str]) -> None:
    page = pages["questions/given-or-taken.md"]
    # Parenthetical citations in the style's own form (APA: "&" inside parentheses), narrative ones the label.
    assert "(see [Example, 2020a](../sources/example2020a.md), p. 10; [Sample &amp; Case, 2018](../sources/sample2018.md))" in page
    assert "[Example (2020b, p. 31)](../sources/example2020b.md) adds" in page  # narrative with a locator
    assert '(<span class="kb-cite">[Sample &amp; Case, 2018](../sources/sample2018.md)\u00a0(1)</span>; [2018](../sources/sample2018.md), p. 7)' in page  # -@key
    # Two claims of one work in one citation: the label once, a marker for each.
    two = build_kb(ROOT)
    assert two.questions["given-or-taken"].blocks[2].citations[2].items[1].key == "example2020a"
    # Prose "(1)" is not an annotation marker.
    assert "one study reported twice (\u20601), not two" in page


def test_status_and_reference_list(pages: dict[str, str]) -> None:
    assert "**Reviewed:** a second person has checked every citation against its quote." in pages["questions/given-or-taken.md"]
    assert '!!! warning "Draft"' in pages["questions/who-keeps-the-gate.md"]
    references = pages["questions/given-or-taken.md"].split("## References", 1)[1]
    listed = re.findall(r"\[Work page\]\(\.\./sources/(\w+)\.md\)", references)
    assert listed == ["draft2015", "example2020a", "example2020b", "sample2018"]


def test_references_are_formatted_in_the_site_style_through_emit_cite() -> None:
    from litkb.emit.cite.format import format_reference

    kb = build_kb(ROOT)
    page = str({p.path: p.content for p in render_pages(kb, style="apa", references=ReferenceFormatter())}["questions/given-or-taken.md"])
    references = page.split("## References", 1)[1]
    for key in ("draft2015", "example2020a", "example2020b", "sample2018"):
        assert format_reference(kb.sources[key], "apa", kb=kb) in references
    order = [references.index(format_reference(kb.sources[k], "apa", kb=kb)) for k in ("draft2015", "example2020a", "example2020b", "sample2018")]
    assert order == sorted(order)
    harvard = str({p.path: p.content for p in render_pages(kb, style="harvard", references=ReferenceFormatter())}["questions/given-or-taken.md"])
    assert format_reference(kb.sources["sample2018"], "harvard", kb=kb) in harvard


def test_tension_panel_names_each_voice_once_per_stance(pages: dict[str, str]) -> None:
    panel = pages["questions/given-or-taken.md"].split("## Agreement and tension", 1)[1].split("## References", 1)[0]
    assert "| Concept | Supports | Qualifies | Contests |" in panel
    rows = {m.group(1): m.group(2).split(" | ") for m in re.finditer(r"^\| \[([^\]]+)\]\([^)]*\) \| (.*) \|$", panel, re.M)}
    assert list(rows) == ["Shared leadership", "Gatekeeping", "Trust"]
    cells = [re.sub(r'^<span class="kb-stance-label">(\w+):</span> ', r"\1=", cell) for cell in rows["Gatekeeping"]]
    assert [cell.split("=", 1)[0] for cell in cells] == ["Supports", "Qualifies", "Contests"]
    supports, qualifies, contests = (cell.split("=", 1)[1] for cell in cells)
    # One study: Example's own claim and Sample and Case's report of it.
    assert supports == "[Example (2020a)](../sources/example2020a.md); [Example (2020a)](../sources/example2020a.md), as reported by [Sample and Case (2018)](../sources/sample2018.md) (one study)"
    shared = rows["Shared leadership"]
    assert shared[0].endswith("[Sample and Case (2018)](../sources/sample2018.md)<br>[Example (2020a)](../sources/example2020a.md)")  # two studies, a line each
    assert shared[1].endswith("[Example (2020a)](../sources/example2020a.md); [Example (2020b)](../sources/example2020b.md) (one study)")  # same_study
    assert qualifies == "—" and contests == "[Sample and Case (2018)](../sources/sample2018.md)"


def test_a_stance_nobody_takes_gets_a_sentence_not_a_column() -> None:
    kb = build_kb(ROOT)
    site = SiteData.from_kb(kb, "apa")
    from litkb.emit.pages.question_pages import tension_panel

    panel = "\n".join(tension_panel(site, kb.questions["who-keeps-the-gate"], "questions/who-keeps-the-gate.md"))
    assert "| Concept | Supports |\n" in panel
    assert "No claim cited here qualifies or contests any of these concepts." in panel


def test_studies_known_only_through_a_report_follow_the_reporting_work(pages: dict[str, str]) -> None:
    row = next(line for line in pages["questions/who-keeps-the-gate.md"].splitlines() if line.startswith("| [Gatekeeping]"))
    assert row.endswith("[Example (2020a)](../sources/example2020a.md)<br>As reported by [Sample and Case (2018)](../sources/sample2018.md): [Draft (2015)](../sources/draft2015.md) |")


def test_concept_and_source_pages_lead_to_the_questions(pages: dict[str, str]) -> None:
    # A concept page names the questions in its at-a-glance panel, one a line, a draft said so.
    concept = pages["concepts/gatekeeping.md"]
    glance = concept[concept.index("## At a glance") : concept.index("</section>")]
    assert "<dt>Questions</dt>" in glance and "[Who keeps the gate?](../questions/who-keeps-the-gate.md) (draft)" in glance
    assert glance.count("../questions/") == 2
    assert "<dt>Questions</dt>" not in pages["concepts/staff-voice.md"]
    reported = pages["sources/example2020a.md"]
    assert ("- [Is leadership in the fixture schools given or taken?](../questions/given-or-taken.md): through what [Sample and Case (2018)](sample2018.md) "
            "reports about it, in [the opening](../questions/given-or-taken.md#kb-p1), [Given by the head](../questions/given-or-taken.md#kb-p3)") in reported
    # The first screen of a source page names the questions citing it, or a report about it.
    assert "<dt>In questions</dt>" in reported[: reported.index("## Summary")]
    source = pages["sources/draft2015.md"]
    assert "## Cited in questions (2)" in source
    assert "[Is leadership in the fixture schools given or taken?](../questions/given-or-taken.md): 1 citation, in [Taken by staff](../questions/given-or-taken.md#kb-p5)" in source


def test_strict_build_has_the_pages_the_navigation_and_the_home_list(site: Path) -> None:
    page = (site / urls.question_url("given-or-taken") / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<h1") : page.index("</article>")]  # the content, after the theme's edit button
    assert find_unsafe_html(article) == []
    assert re.search(r'<div class="kb-q-block annotate" id="kb-p1">.*?</div>\s*<ol>\s*<li>', page, re.S)
    # A paragraph that starts with a claim citation is still a paragraph.
    assert re.search(r'<div class="kb-q-block annotate" id="kb-p3">\s*<p><span class="kb-cite"><a href="../../sources/example2020a/">Example \(2020a\)</a>\u00a0\(1\)</span> describes', page)
    assert "kb/questions/given-or-taken.md" in page  # the edit link names the question's file
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="questions/given-or-taken/"' in home and "<!-- kb:questions -->" not in home
    nav = home[home.index("md-nav--primary") :]
    assert re.search(r'<span class="md-ellipsis">\s*Questions\s*</span>', nav)
    assert (site / "questions" / "index.html").is_file()


# -- hostile text -----------------------------------------------------------------------------------
HOSTILE = [
    "<script>window.__pwned=1</script> [@example2020a#shared-among-many]",
    '<img src=x onerror="alert(1)"> @example2020a#shared-among-many',
    "[click](javascript:alert(1)) [@sample2018]",
    "![i](https://tracker.example/x.png) [@sample2018]",
    "{: onclick=\"alert(1)\" } [@sample2018#taken-not-given]",
    "data-search-exclude\" onmouseover=\"alert(1) [@sample2018]",
    "</div><script>alert(1)</script> (1) (2) [@example2020a#shared-among-many]",
    "[see <b>x</b> @sample2018, p. <i>3</i>]",
]


def _render_question(text: str) -> str:
    kb = build_kb(ROOT)
    blocks, _ = parse_body(text, 1, "q.md")
    question = Question("q", "q.md", "Q?", ("trust",), "draft", ("x",), tuple(blocks), "0")
    return "\n".join(render_body(SiteData.from_kb(kb, "apa"), question, "questions/q.md"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [name for name, _ in attrs]))
        # Our claim-type badge alone carries the search marker (hostile text has it defused).
        if ("data-search-exclude", "data-search-exclude") in attrs:
            assert tag == "span" and any(name == "class" and (value or "").startswith("kb-type ") for name, value in attrs), attrs


# What a question's text may become: our blocks, lists and links, Markdown's inline formatting.
ALLOWED_TAGS = {"p", "div", "ol", "ul", "li", "a", "em", "strong", "code", "span"}
ALLOWED_ATTRS = {"href", "class", "id", "data-search-exclude"}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_question_text_is_inert(text: str) -> None:
    html = render(_render_question(text))
    assert find_unsafe_html(html) == [], html
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS and set(attrs) <= ALLOWED_ATTRS, (tag, attrs, html)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*"ab @#[];,-()<>\"'`*_!:/\\&=\n", "@sample2018", "@example2020a#trust-first", "javascript:", "<script>", "(1)", "](", "data-search-"]), max_size=40))
def test_any_question_text_renders_inert(pieces: list[str]) -> None:
    assert find_unsafe_html(render(_render_question("".join(pieces)))) == []
