"""Generated pages (golden Markdown for the fixture knowledge base), strict MkDocs builds of the
real and the fixture knowledge base, the MkDocs hook and the site commands.

Regenerate the goldens with ``KB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_site.py`` and review
the diff.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, UPDATE_GOLDEN, check_golden, config_with_repo
from litkb.cli.main import main
from litkb.cli.reference import render_cli_reference
from litkb.core import urls
from litkb.emit.labels import author_year_labels
from litkb.emit.pages import ReferenceFormatter, render_pages
from litkb.emit.pages.overview_pages import gap_ranking
from litkb.rules.link import build_kb
from litkb.site.build import build_site, write_pages
from litkb.site.config import PROJECT_CONFIG, SiteError
from litkb.site.pagefind import read_fragments
from litkb.site.pages import site_pages

SITE_FIXTURES = FIXTURES / "site"
FIXTURE_ROOT = SITE_FIXTURES / "root"
GOLDEN = SITE_FIXTURES / "golden"
SECTIONS = ["Home", "Questions", "Concepts", "Sources", "Authors", "Evidence map", "Citation network", "Concept timeline", "Gaps", "Explorer", "Contributing", "CLI reference"]


def _fallback_pages(root: Path) -> dict[str, str | bytes]:
    """Pages rendered with the site's own plain reference format, so the goldens do not depend on
    litkb.emit.cite.format's styles (its use is tested separately)."""
    return {page.path: page.content for page in render_pages(build_kb(root), style="apa", references=None)}


@pytest.fixture(scope="module")
def fixture_pages() -> dict[str, str | bytes]:
    return _fallback_pages(FIXTURE_ROOT)


# -- generated Markdown ------------------------------------------------------------------------
def test_golden_pages(fixture_pages: dict[str, str | bytes]) -> None:
    """Every generated page of the fixture knowledge base, byte for byte."""
    if UPDATE_GOLDEN:
        shutil.rmtree(GOLDEN, ignore_errors=True)
    expected = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()) if GOLDEN.exists() else []
    for path, content in fixture_pages.items():
        text = content if isinstance(content, str) else content.decode("utf-8")
        check_golden(GOLDEN / path, text)
    assert sorted(fixture_pages) == expected or UPDATE_GOLDEN


def test_pages_are_deterministic_and_location_free(tmp_path: Path, fixture_pages: dict[str, str | bytes]) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(FIXTURE_ROOT, copy)
    again = _fallback_pages(copy)
    assert again == fixture_pages
    assert not any(str(tmp_path) in (c if isinstance(c, str) else c.decode()) for c in again.values())


def test_page_set_follows_urls(fixture_pages: dict[str, str | bytes]) -> None:
    kb = build_kb(FIXTURE_ROOT)
    expected = {urls.concept_path(c) for c in kb.concepts} | {urls.source_path(k) for k in kb.sources} | {urls.author_path(p) for p in kb.persons}
    expected |= {urls.question_path(q) for q in kb.questions}
    expected |= {"concepts/index.md", "sources/index.md", "authors/index.md", "questions/index.md", "evidence-map.md", "gaps.md", "explorer.md", "explorer/claims.json"}
    expected |= {"network.md", "network/citations.json", "network/citations.graphml", "timeline.md"}
    expected |= {f"packs/{c}-{suffix}" for c in kb.concepts for suffix in ("evidence.bib", "evidence.ris", "claims.csv")}
    assert set(fixture_pages) == expected


def test_edit_paths_point_at_yaml_notes() -> None:
    kb = build_kb(FIXTURE_ROOT)
    edit = {page.path: page.edit_path for page in render_pages(kb, style="apa", references=None)}
    assert edit[urls.concept_path("hybrid-leadership")] == "kb/concepts/hybrid-leadership.yaml"
    assert edit[urls.source_path("torrance2013")] == "kb/sources/torrance2013.yaml"
    assert edit[urls.source_path("harris2008")] is None  # no note yet
    assert edit["explorer.md"] is None


def test_reported_evidence_names_both_works(fixture_pages: dict[str, str | bytes]) -> None:
    page = fixture_pages[urls.concept_path("hybrid-leadership")]
    assert isinstance(page, str)
    # The study card names the work the evidence is about; the claim says who reports it, and that
    # the seed prints "Gronn, 2009c" where the library's label is "Grönn (2009b)".
    card = page.split('<strong class="kb-study-head"><a href="../../sources/gronn2009b/">Grönn (2009b)</a></strong>', 1)[1].split("</div>", 1)[0]
    assert ('as reported by <a href="../../sources/torrance2013/#gronn-hybrid">Torrance (2013)</a> · '
            '<span class="kb-cited-as">cited by Torrance as Gronn, 2009c</span>') in card
    # The definition names its source and the reporting source.
    assert "Source: [Grönn (2009b)](../sources/gronn2009b.md), as reported by [Torrance (2013)](../sources/torrance2013.md)" in page
    sections = re.findall(r">(\w+) · (\d+) stud(?:y|ies) · (\d+) claims?</summary>", page)
    assert sections == [("Defines", "1", "1"), ("Supports", "1", "1"), ("Qualifies", "1", "1"), ("Contests", "1", "1")]


def test_claim_anchors_match_claim_urls(fixture_pages: dict[str, str | bytes]) -> None:
    kb = build_kb(FIXTURE_ROOT)
    for claim in kb.claims:
        page = fixture_pages[urls.source_path(claim.note_key)]
        assert isinstance(page, str)
        assert f'<div class="kb-card-claim" id="{claim.id}">' in page
        assert urls.claim_url(claim.note_key, claim.id).endswith(f"/#{claim.id}")


def test_unverified_metadata_is_shown(fixture_pages: dict[str, str | bytes]) -> None:
    page = fixture_pages[urls.source_path("spillane2006")]
    assert isinstance(page, str)
    assert '???+ warning "Metadata partly verified"' in page  # open: not verified
    assert "<dt>Metadata</dt>" in page and 'kb-verification-partial">partial</span>' in page  # and said in the first screen
    assert "**Unconfirmed fields:** publisher" in page
    assert "**Doubt:** The fixture is unsure which printing is meant." in page


def test_explorer_json_holds_every_claim(fixture_pages: dict[str, str | bytes]) -> None:
    kb = build_kb(FIXTURE_ROOT)
    raw = fixture_pages["explorer/claims.json"]
    assert isinstance(raw, bytes)
    data = json.loads(raw)
    assert len(data["claims"]) == len(kb.claims)
    reported = next(c for c in data["claims"] if c["id"] == "gronn-hybrid")
    assert reported["reported"] is True and reported["about"] == ["gronn2009b"] and reported["note"] == "torrance2013"
    assert reported["cited_as"] == ["Gronn, 2009c"] and reported["cited_note"] == ["cited by Torrance as Gronn, 2009c"]
    assert reported["type"] == "argument" and reported["studies"] == ["gronn2009b"] and reported["design"] == ["(none)"]
    assert ["hybrid-leadership", "defines"] in reported["links"]
    # A claim naming three works is one entry; two of the works are one study.
    several = next(c for c in data["claims"] if c["id"] == "evidence-reviewed")
    assert several["about"] == ["harris2008", "spillane2006", "spillane_diamond2007"] and several["studies"] == ["harris2008", "spillane2006"]
    assert data["studies"]["spillane2006"]["works"] == ["spillane2006", "spillane_diamond2007"]
    method = next(c for c in data["claims"] if c["id"] == "three-case-studies")
    assert method["type"] == "method" and method["links"] == [["distributed-leadership", ""]]
    assert data["sources"]["torrance2013"]["design"] == ["case-study", "interview"]
    assert data["sources"]["gronn2009b"]["authors"] == ["gronn-p"]
    assert "design" not in data["sources"]["gronn2009b"]  # no note: the explorer shows "(none)"


def test_gaps_rank_cited_works_without_notes() -> None:
    from litkb.emit.pages.common import SiteData

    ranking = gap_ranking(SiteData.from_kb(build_kb(FIXTURE_ROOT), "apa"))
    assert [(key, times) for key, times, _, _ in ranking] == [("harris2008", 3), ("spillane_diamond2007", 3), ("gronn2009a", 2), ("gronn2009b", 2), ("ncsl2004", 2)]


def test_labels_take_the_style_year_suffixes() -> None:
    kb = build_kb(REPO)
    labels = author_year_labels(kb, "apa")
    assert labels["gronn2009a"] == "Gronn (2009a)" and labels["gronn2009b"] == "Gronn (2009b)"
    # Letters follow the reference-list order of the whole library (author, then title), as
    # `kb cite` prints them, so a label can differ from the letter in the key or in a seed's text.
    assert labels["torrance2013catch22"] == "Torrance (2013a)" and labels["torrance2013ser"] == "Torrance (2013c)"
    assert labels["ncsl2004"] == "NCSL (2004)"
    assert len({labels[k] for k in kb.sources}) == len(kb.sources)  # one label per work


def test_source_pages_show_both_citation_styles_from_litkb_cite() -> None:
    from litkb.emit.cite.format import format_reference

    kb = build_kb(FIXTURE_ROOT)
    page = str({page.path: page.content for page in render_pages(kb, style="apa", references=ReferenceFormatter())}[urls.source_path("torrance2013")])
    source = kb.sources["torrance2013"]
    apa, harvard = format_reference(source, "apa", kb=kb), format_reference(source, "harvard", kb=kb)
    assert apa != harvard
    # The default style (APA) first, Harvard one click away in a second tab.
    assert page.index(f'=== "APA 7"\n\n    {apa}\n') < page.index(f'=== "Harvard (Cite Them Right)"\n\n    {harvard}\n')


def test_cli_page_lists_every_command_and_is_current() -> None:
    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"`kb {name}`" in page
    assert "Usage: kb build [OPTIONS]" in page
    assert page == render_cli_reference(), "docs/cli.md is out of date: run make docs"


# -- strict MkDocs builds -------------------------------------------------------------------------
def test_real_site_builds_strict(real_site: Path) -> None:
    kb = build_kb(REPO)
    for concept in kb.concepts:
        assert (real_site / urls.concept_url(concept) / "index.html").is_file()
    for key in kb.sources:
        assert (real_site / urls.source_url(key) / "index.html").is_file()
    assert (real_site / "explorer" / "claims.json").is_file()
    assert (real_site / "cli" / "index.html").is_file()
    html = (real_site / urls.concept_url("hybrid-leadership") / "index.html").read_text(encoding="utf-8")
    # The concept map is drawn at build time (no Mermaid script, no diagram source left to render).
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "kb-concept-map-svg" in html
    assert "mermaid" not in html
    # No repository is named: no repository link (whose facts Material fetches from
    # api.github.com) and no edit link.
    for page in (html, (real_site / "index.html").read_text(encoding="utf-8")):
        assert "md-source" not in page and "md-content__button" not in page and "github.com" not in page


def test_a_named_repository_brings_its_link_and_edit_links(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(FIXTURE_ROOT, site, config_file=config_with_repo(tmp_path))
    html = (site / urls.concept_url("hybrid-leadership") / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/evidence-base/edit/main/kb/concepts/hybrid-leadership.yaml"' in html
    assert 'class="md-source"' in html


def test_navigation_lists_sections_only(real_site: Path) -> None:
    html = (real_site / urls.concept_url("distributed-leadership") / "index.html").read_text(encoding="utf-8")
    primary = html[html.index('md-nav--primary'): html.index('</nav>', html.index('md-nav--primary'))]
    titles = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', primary)
    assert [t for t in titles if t in SECTIONS] == SECTIONS
    assert not [t for t in titles if t not in SECTIONS and t != "Distributed school leadership — evidence base"]


def test_search_index_leaves_out_bibtex(real_site: Path) -> None:
    docs = read_fragments(real_site)
    by_url = {doc["url"]: doc for doc in docs}
    assert "/" in by_url and "/" + urls.concept_url("catch-22") in by_url and "/404.html" not in by_url
    # The contributing guide shows an example entry on purpose; the source pages must not.
    texts = " ".join(doc["content"] for doc in docs if not doc["url"].startswith("/contributing/"))
    assert "@article{" not in texts and "verification_note" not in texts
    # The tab labels over each reference do not run together in the results ("APA 7Harvard ...").
    assert "APA 7Harvard" not in texts and "Harvard (Cite Them Right)" not in texts
    assert "Torrance, D. (2013a). The challenges of developing distributed leadership" in by_url["/" + urls.source_url("torrance2013catch22")]["content"]
    # A concept page's evidence (its cards hold the claims, each found on its source page) stays
    # out, and so do the theme's parts (navigation, permalinks).
    concept = by_url["/" + urls.concept_url("distributed-leadership")]
    evidence = concept["content"].split(" Evidence. ", 1)[1]
    assert "as reported by" not in evidence and len(evidence) < 600
    assert "¶" not in concept["content"] and "Citation network" not in concept["content"]
    assert concept["meta"]["title"] == "Distributed leadership"
    assert any("catch 22" in (doc["meta"]["title"] + doc["content"]).lower() for doc in docs)


def test_fixture_site_builds_strict_and_inert(fixture_site: Path) -> None:
    html = (fixture_site / urls.source_url("mallory2020") / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"): html.index("</article>")]
    assert "<script" not in article and "onerror=" not in article.replace("onerror=&quot;", "").replace('onerror="window', "")
    assert 'href="#unsafe:javascript:window.__pwned=1"' in article
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in article


def test_no_generated_files_in_docs() -> None:
    kb = build_kb(REPO)
    generated = {page.path for page in site_pages(kb, PROJECT_CONFIG, None)}
    in_docs = {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*") if p.is_file()}
    assert not generated & in_docs
    assert {"index.md", "cli.md"} <= in_docs  # cli.md: committed, generated by make docs
    assert "contributing.md" in generated


def _kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb-root"
    shutil.copytree(FIXTURE_ROOT, root)
    return root


def test_problems_fail_the_strict_build(tmp_path: Path) -> None:
    root = _kb_copy(tmp_path)
    note = root / "kb" / "sources" / "spillane2006.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace('    locator: "p. 15"\n', ""), encoding="utf-8")
    site = tmp_path / "site"
    (site).mkdir()
    (site / "index.html").write_text("old site", encoding="utf-8")
    with pytest.raises(SiteError, match="strict mode"):
        build_site(root, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "old site"  # the old site is untouched
    assert not list(tmp_path.glob(".kb-build-*"))


# -- commands ------------------------------------------------------------------------------------
def test_kb_pages_writes_the_same_pages(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    result = CliRunner().invoke(main, ["--root", str(FIXTURE_ROOT), "pages", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for page in site_pages(build_kb(FIXTURE_ROOT), PROJECT_CONFIG, ReferenceFormatter()):
        path, content = page.path, page.content
        data = content.encode("utf-8") if isinstance(content, str) else content
        assert (out / path).read_bytes() == data
    assert (out / "contributing.md").is_file()
    again = CliRunner().invoke(main, ["--root", str(FIXTURE_ROOT), "pages", "--out", str(out)])
    assert again.exit_code == 0, again.output


def test_kb_pages_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    mine = tmp_path / "docs"
    mine.mkdir()
    (mine / "index.md").write_text("# mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(FIXTURE_ROOT), "pages", "--out", str(mine)])
    assert result.exit_code == 1
    assert "not empty and was not made by kb" in result.output
    assert (mine / "index.md").read_text(encoding="utf-8") == "# mine\n"


def test_kb_build_stops_on_problems(tmp_path: Path) -> None:
    root = _kb_copy(tmp_path)
    (root / "kb" / "concepts" / "broken.yaml").write_text("id: broken\nlabel: Broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "kb/concepts/broken.yaml" in result.output
    assert not (tmp_path / "site").exists()


def test_kb_build_builds_and_swaps_in_the_site(tmp_path: Path) -> None:
    root = _kb_copy(tmp_path)
    site = tmp_path / "site"
    for _ in range(2):  # the second build replaces the first
        result = CliRunner().invoke(main, ["--root", str(root), "build", "--site-dir", str(site)])
        assert result.exit_code == 0, result.output
    assert (site / "index.html").is_file() and (site / ".kb-site").is_file()
    assert (site / urls.concept_url("hybrid-leadership") / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb-root", "site"]  # no temporary folders left


def test_write_pages_replaces_its_own_output(tmp_path: Path) -> None:
    from litkb.emit.pages import GeneratedPage

    out = tmp_path / "out"
    write_pages([GeneratedPage("a.md", "# A\n"), GeneratedPage("d/b.json", b"{}")], out)
    write_pages([GeneratedPage("c.md", "# C\n")], out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [".kb-pages", "c.md"]


def test_evidence_packs_are_in_the_built_site_and_match_the_concept_page(fixture_site: Path) -> None:
    import csv
    import html as html_module

    kb = build_kb(FIXTURE_ROOT)
    page = (fixture_site / urls.concept_url("hybrid-leadership") / "index.html").read_text(encoding="utf-8")
    for suffix in ("evidence.bib", "evidence.ris", "claims.csv"):
        assert f'href="../../packs/hybrid-leadership-{suffix}"' in page
        assert (fixture_site / "packs" / f"hybrid-leadership-{suffix}").is_file()
    with (fixture_site / "packs" / "hybrid-leadership-claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    shown = kb.claims_about_concept("hybrid-leadership")
    assert len(rows) == len(shown) > 0
    assert sorted((r["stance"], r["source key"]) for r in rows) == sorted((link.stance, "; ".join(claim.works)) for claim, link in shown)
    text = html_module.unescape(page)
    for row in rows:
        assert row["concept"] == "hybrid-leadership"
        for key in row["source key"].split("; "):
            assert f'href="../../sources/{urls.page_slug(key)}/' in text
    bib = (fixture_site / "packs" / "hybrid-leadership-evidence.bib").read_text(encoding="utf-8")
    assert "@incollection{gronn2009b," in bib or "{gronn2009b," in bib


def test_kb_build_loads_the_knowledge_base_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command checks the knowledge base and hands it to the MkDocs hook, which does not load it again."""
    from litkb.rules import link
    from litkb.site import hooks, session

    loads: list[Path] = []
    real = link.build_kb

    def counting(root: Path, *args: object, **kwargs: object) -> object:
        loads.append(root)
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(link, "build_kb", counting)
    monkeypatch.setattr(session, "build_kb", counting)
    result = CliRunner().invoke(main, ["--root", str(_kb_copy(tmp_path)), "build", "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert len(loads) == 1
    assert hooks.SESSION.preloaded is None  # only for the build it was given to


def test_the_reference_formatter_remembers_what_it_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs serve re-renders every page on each save: unchanged entries are not formatted again."""
    from litkb.emit.pages import references

    kb = build_kb(FIXTURE_ROOT)
    formatter = ReferenceFormatter()
    first = render_pages(kb, style="apa", references=formatter)
    formatted: list[int] = []
    real = references.format_in_styles_later

    def counting(sources: list[object], styles: list[str], **kwargs: object) -> object:
        formatted.append(len(sources))
        return real(sources, styles, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(references, "format_in_styles_later", counting)
    assert render_pages(kb, style="apa", references=formatter) == first
    assert formatted == [0]
    assert render_pages(kb, style="apa", references=ReferenceFormatter()) == first  # a new formatter starts empty
    assert formatted == [0, len(kb.sources)]
