"""The second site engine: ``kb build --engine zensical`` builds the same generated pages with
Zensical, checks every page with the tripwires and indexes the site search."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SITE_FIXTURE_ROOT
from litkb.cli.main import main
from litkb.core import urls
from litkb.emit.pages import ReferenceFormatter
from litkb.rules.link import build_kb
from litkb.site.config import SiteError, find_config
from litkb.site.pagefind import read_fragments
from litkb.site.pages import site_pages
from litkb.site.zensical import build_with_zensical, check_pages, templates


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real knowledge base built by ``kb build --engine zensical`` (strict)."""
    site = tmp_path_factory.mktemp("zensical") / "site"
    result = CliRunner().invoke(main, ["--root", str(REPO), "build", "--engine", "zensical", "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    assert "with zensical" in result.output
    return site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site fixture with the hostile note, built by Zensical not strictly: Zensical reports the
    note's defused links (``#unsafe:...``) as links to missing anchors, an issue in strict mode."""
    root = tmp_path_factory.mktemp("zensical-hostile") / "kb"
    shutil.copytree(SITE_FIXTURE_ROOT, root)
    strict = CliRunner().invoke(main, ["--root", str(root), "build", "--engine", "zensical"])
    assert strict.exit_code == 1 and "issues found" in strict.output, strict.output
    kb = build_kb(root)
    build_with_zensical(root, root / "site", kb, site_pages(kb, find_config(root), ReferenceFormatter()), find_config(root), strict=False)
    return root / "site"


def _article(site: Path, url: str) -> str:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article"): html.index("</article>")]


def test_key_pages_exist_and_carry_their_evidence(zensical_site: Path) -> None:
    site = zensical_site
    for url in ("", "concepts/", "sources/", "authors/", "evidence-map/", "network/", "timeline/", "gaps/", "explorer/", "contributing/", "cli/", "questions/"):
        assert (site / url / "index.html").is_file(), url
    # The home page lists the questions (the MkDocs hook's job, done before Zensical builds).
    home = _article(site, "")
    assert "kb:questions" not in home and 'href="questions/' in home
    assert (site / "explorer" / "claims.json").is_file()
    # A concept page: its definition and its claims' cards with their studies and quotes.
    concept = _article(site, urls.concept_url("catch-22"))
    assert "<h1" in concept and "Catch-22" in concept
    assert 'class="kb-study' in concept and 'class="kb-claim-meta' in concept and "in the gift of the headteacher" in concept
    # A source page: its reference in both styles and its claims with quotes and locators.
    source = _article(site, urls.source_url("torrance2013catch22"))
    assert "Torrance, D. (2013a). The challenges of developing distributed leadership" in source
    assert "APA 7" in source and "Harvard (Cite Them Right)" in source and "gatekeeper" in source
    # The pictures are drawn at build time, as with MkDocs.
    assert "<svg" in _article(site, "network/")


def test_hostile_note_is_inert_and_every_page_passes_the_tripwires(hostile_site: Path) -> None:
    site = hostile_site
    article = _article(site, urls.source_url("mallory2020"))
    assert "<script" not in article
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in article
    assert check_pages(site, templates()) == []
    # The tripwire does refuse a script the theme did not write.
    page = site / urls.concept_url("catch-22") / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<script>alert(1)</script></article>"), encoding="utf-8")
    assert any("catch-22" in finding for finding in check_pages(site, templates()))


def test_site_search_is_indexed(zensical_site: Path) -> None:
    records = read_fragments(zensical_site)
    by_url = {r["url"]: r for r in records}
    assert "/" + urls.concept_url("catch-22") in by_url and "/" + urls.source_url("torrance2013catch22") in by_url
    assert (zensical_site / "pagefind" / "pagefind-ui.js").is_file()


def test_a_failed_zensical_build_leaves_the_previous_site(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(SITE_FIXTURE_ROOT, root)
    kb = build_kb(root)
    pages = site_pages(kb, find_config(root), ReferenceFormatter())
    build_with_zensical(root, root / "site", kb, pages, find_config(root), strict=False)
    before = (root / "site" / "index.html").read_bytes()
    # A hand-written page that the content tripwire refuses: the build fails, the site stays.
    shutil.copytree(REPO / "docs", root / "docs")
    (root / "docs" / "index.md").write_text("# Home\n\n<script>alert(1)</script>\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SiteError, match="unsafe HTML"):
        build_with_zensical(root, root / "site", kb, pages, find_config(root), strict=False)
    assert (root / "site" / "index.html").read_bytes() == before
    assert not [p for p in root.iterdir() if p.name.startswith(".kb-build-site-") and p.is_dir()]
