"""The library's labels and references started in child processes as soon as the library is read
(litkb/emit/pages/library_work.py): the pages are byte for byte those rendered without it, the
children's answers are the ones taken, and work for another library is stopped, not used."""

from __future__ import annotations

import functools

import pytest

from bench.bench import generate_kb
from litkb.core.model import KnowledgeBase
from litkb.core.workers import ChildJob, Ready
from litkb.emit.cite.styles import DEFAULT_STYLE
from litkb.emit.pages import ReferenceFormatter, library_work, render_site
from litkb.rules.link import build_kb
from litkb.site.pages import EarlyStart


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("library-work")
    generate_kb(root, 40, shape="reported")
    return build_kb(root)


def _pages(kb: KnowledgeBase, work: library_work.LibraryWork | None) -> dict[str, str | bytes]:
    rendered = render_site(kb, style=DEFAULT_STYLE, references=ReferenceFormatter(), library_work=work)
    return {page.path: page.content for page in rendered.pages}


def test_pages_rendered_with_the_work_started_early_are_the_same(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_work, "START_FROM", 10)
    work = library_work.start_library_work(kb.sources, DEFAULT_STYLE)
    assert work is not None and work.fits(kb, DEFAULT_STYLE)
    assert _pages(kb, work) == _pages(kb, None)


def test_the_childrens_answers_are_taken(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_work, "START_FROM", 10)
    work = library_work.start_library_work(kb.sources, DEFAULT_STYLE)
    assert work is not None
    # Answers no rendering here would give: the pages must show them, so they came from the work.
    monkeypatch.setattr(work, "labels_now", lambda: {key: f"Label-of-{key} (1999)" for key in kb.sources})
    formatted = {style: {key: f"Reference-of-{key}-in-{style}" for key in kb.sources} for style in work.references}
    monkeypatch.setattr(work, "references_later", lambda: {style: (lambda texts=texts: texts) for style, texts in formatted.items()})
    pages = _pages(kb, work)
    key = next(iter(kb.notes))
    source_page = str(pages[f"sources/{key}.md"])
    assert f"Reference-of-{key}-in-apa" in source_page and f"Reference-of-{key}-in-harvard" in source_page
    assert f"Label-of-{key} (1999)" in source_page


def test_work_for_another_library_is_stopped_and_not_used(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_work, "START_FROM", 10)
    other = dict(list(kb.sources.items())[:-1])  # one work fewer
    work = library_work.start_library_work(other, DEFAULT_STYLE)
    assert work is not None and not work.fits(kb, DEFAULT_STYLE)
    stopped: list[bool] = []
    monkeypatch.setattr(work, "cancel", lambda: stopped.append(True))
    assert _pages(kb, work) == _pages(kb, None)
    assert stopped == [True]


def test_a_small_library_starts_nothing(kb: KnowledgeBase) -> None:
    assert len(kb.sources) < library_work.START_FROM
    assert library_work.start_library_work(kb.sources, DEFAULT_STYLE) is None


def test_loading_starts_the_work_before_the_notes_and_closing_stops_it(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_work, "START_FROM", 10)
    early = EarlyStart(kb.root)
    seen: list[int] = []

    def on_library(sources: object) -> None:
        seen.append(len(kb.sources))
        early(sources)  # type: ignore[arg-type]

    again = build_kb(kb.root, on_library=on_library)
    assert again == kb and seen == [len(kb.sources)]
    assert early.work is not None and early.work.fits(again, DEFAULT_STYLE)
    children = [early.work.labels, *early.work.references.values()]
    early.close()
    assert early.work is None and early.take() is None
    assert all(child._child is None or child._child.poll() is not None for child in children)  # stopped


def test_data_files_are_made_while_the_references_are_still_formatted(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # A deferring build would wait for the children's references: the data files (explorer, packs,
    # network) are made meanwhile, one after the other while the children run, the same bytes.
    monkeypatch.setattr(library_work, "START_FROM", 10)
    work = library_work.start_library_work(kb.sources, DEFAULT_STYLE)
    assert work is not None
    busy = iter([True, True])  # the children finish after two makers
    monkeypatch.setattr(work, "references_running", lambda: next(busy, False))
    rendered = render_site(kb, style=DEFAULT_STYLE, references=ReferenceFormatter(), defer=True, library_work=work)
    assert len(rendered.late) > 2
    made = [isinstance(make, functools.partial) and make.func is dict for _, make in rendered.late]
    assert made[:2] == [True, True] and not any(made[2:])
    at_once = {page.path: page.content for page in render_site(kb, style=DEFAULT_STYLE, references=ReferenceFormatter()).pages}
    for paths, make in rendered.late:
        files = make()
        assert sorted(files) == sorted(paths)
        assert all(files[path] == at_once[path] for path in paths)


def test_a_childs_work_is_running_until_it_answers() -> None:
    job: ChildJob[int] = ChildJob("time:sleep", (0.5,), fallback=lambda: 7)
    assert job.running()
    assert job.result() == 7  # time.sleep answers None: not a usable answer
    assert not job.running()
    assert not Ready(3).running()
