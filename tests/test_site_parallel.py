"""The generated pages' Markdown converted in worker processes (litkb.site.prerender) gives the same
site as MkDocs' own loop, and what the workers log still counts in a strict build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SITE_FIXTURE_ROOT
from litkb.core.model import KnowledgeBase
from litkb.emit.pages import library_work, render_site
from litkb.emit.pages.html import set_aside, unmarked
from litkb.site import pages, prerender
from litkb.site.build import build_site
from litkb.site.config import SiteError


def _files(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the time it was compressed; the sitemap itself is compared.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file() and p.name != "sitemap.xml.gz"}


def test_workers_build_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = tmp_path / "one"
    build_site(SITE_FIXTURE_ROOT, one, workers=1)
    calls: list[int] = []
    real = prerender.prerender

    def counted(pages: list[object], *args: object, **kwargs: object) -> object:
        calls.append(len(pages))
        return real(pages, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prerender, "PARALLEL_FROM", 0)
    monkeypatch.setattr(prerender, "prerender", counted)
    two = tmp_path / "two"
    build_site(SITE_FIXTURE_ROOT, two, workers=2)
    assert calls and calls[0] > 10  # the workers did convert the generated pages
    a, b = _files(one), _files(two)
    assert sorted(a) == sorted(b)
    different = [path for path in a if a[path] != b[path]]
    assert different == []


def test_labels_and_references_started_early_build_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large library's labels and references are computed by child processes started while the
    # notes load (litkb/emit/pages/library_work.py): the site is the same as without them.
    one = tmp_path / "one"
    build_site(SITE_FIXTURE_ROOT, one, workers=2)
    started: list[int] = []
    real = library_work.start_library_work

    def counted(sources: object, style: str) -> object:
        work = real(sources, style)  # type: ignore[arg-type]
        started.append(work is not None)
        return work

    monkeypatch.setattr(library_work, "START_FROM", 1)
    monkeypatch.setattr(pages, "start_library_work", counted)
    two = tmp_path / "two"
    build_site(SITE_FIXTURE_ROOT, two, workers=2)
    assert started == [True]
    a, b = _files(one), _files(two)
    assert sorted(a) == sorted(b)
    assert [path for path in a if a[path] != b[path]] == []


def test_a_warning_in_a_worker_fails_the_strict_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A link to a page that does not exist is a MkDocs warning, logged while the Markdown is
    # converted, here in a worker: the strict build must still fail on it.
    root = tmp_path / "kb"
    shutil.copytree(SITE_FIXTURE_ROOT, root)
    note = root / "kb" / "sources" / "spillane2006.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("a [safe link](https://example.org/a?b=1&c=2)", "a [missing page](missing-page.md)"), encoding="utf-8")
    monkeypatch.setattr(prerender, "PARALLEL_FROM", 0)
    with pytest.raises(SiteError, match="warning"):
        build_site(root, tmp_path / "site", workers=2)
    build_site(root, tmp_path / "site-seq", workers=1, strict=False)  # the same warning without workers: only a warning


def test_deferred_pages_are_the_pages_rendered_at_once(real_kb: KnowledgeBase) -> None:
    # kb build leaves the pages of works, concepts and people to its workers and the data files to
    # the end: each renderer and maker gives exactly what a rendering at once gives, and nothing
    # else is deferred or changed.
    at_once = render_site(real_kb, style="apa", references=None)
    later = render_site(real_kb, style="apa", references=None, defer=True)
    assert [p.path for p in later.pages] == [p.path for p in at_once.pages]
    assert at_once.deferred == {}
    kinds = {path.split("/")[0] for path in later.deferred}
    assert kinds == {"sources", "concepts", "authors"}
    assert len(later.deferred) == len(real_kb.sources) + len(real_kb.concepts) + len(real_kb.persons)
    # The data files are left empty and made later: each maker gives exactly its files' bytes.
    made = {path: data for _paths, make in later.late for path, data in make().items()}
    assert {path.split("/")[0] for path in made} == {"explorer", "packs", "network"}
    assert sorted(made) == sorted(path for paths, _make in later.late for path in paths)
    marked_pages = 0
    for eager, lazy in zip(at_once.pages, later.pages, strict=True):
        render = later.deferred.get(lazy.path)
        if render is not None:
            assert lazy.content == ""
            text = render()
        else:
            text = lazy.content
        if lazy.path in made:
            assert text == b"" and made[lazy.path] == eager.content
            continue
        if isinstance(text, bytes):
            assert text == eager.content
            continue
        # The deferred rendering keeps the marks of its HTML blocks (set aside while Markdown runs);
        # without them it is the page rendered at once, which has none.
        assert unmarked(text) == eager.content
        assert isinstance(eager.content, str) and set_aside(eager.content)[1] == []
        marked_pages += bool(set_aside(text)[1])
    assert marked_pages > len(real_kb.sources)


def test_an_untested_mkdocs_release_builds_in_its_own_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The workers repeat MkDocs internals (_populate_page, _build_page) of the releases they were
    # tested on; with any other release MkDocs' own loop converts and builds every page.
    monkeypatch.setattr(prerender, "TESTED_MKDOCS", frozenset({"0.0.0"}))
    monkeypatch.setattr(prerender, "PARALLEL_FROM", 0)
    calls: list[int] = []
    monkeypatch.setattr(prerender, "prerender", lambda pages, *args, **kwargs: calls.append(len(pages)) or {})
    site = tmp_path / "site"
    build_site(SITE_FIXTURE_ROOT, site, workers=2)
    assert calls == []
    assert "catch 22" in (site / "sources" / "torrance2013" / "index.html").read_text(encoding="utf-8")
