"""The live preview's incremental rendering: after a few notes change, rendering only the pages
that depend on them (``render_site(..., previous=...)``) gives exactly the pages of a full
``render_pages`` of the changed knowledge base, every page byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.bench import generate_kb
from litkb.emit.cite.styles import DEFAULT_STYLE
from litkb.emit.pages import ReferenceFormatter, render_pages, render_site
from litkb.emit.pages.incremental import select
from litkb.rules.link import build_kb

KEY = "s00005"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _claim_text(root: Path) -> None:
    _replace(root / "kb" / "sources" / f"{KEY}.yaml", "\n    text: ", "\n    text: Changed wording, ")


def _link_added(root: Path) -> None:
    # A claim of the note gains a link to a concept it did not link (the last concept id).
    _replace(root / "kb" / "sources" / f"{KEY}.yaml", "\n    concepts: [", "\n    concepts: [{concept: concept-059, stance: qualifies}, ")


def _link_removed(root: Path) -> None:
    note = root / "kb" / "sources" / f"{KEY}.yaml"
    text = note.read_text(encoding="utf-8")
    start = text.index("\n    concepts: [") + len("\n    concepts: [")
    end = text.index("}, ", start) + len("}, ")  # the first of several links of the first claim
    assert text[start:end].startswith("{concept: ") and text.index("]", start) > end
    note.write_text(text[:start] + text[end:], encoding="utf-8")


def _reported_added(root: Path) -> None:
    # A reported claim about another work, on a concept, in a note that had none of them on it.
    reported = (
        "reported:\n  - id: reported-new\n    type: finding\n    about: s00011\n    cited_as: \"s00011\"\n"
        "    text: A reported finding added while previewing.\n    quote: \"a quote of the reported finding\"\n"
        "    locator: \"section: Literature\"\n    concepts: [{concept: concept-003, stance: contests}]\n"
    )
    note = root / "kb" / "sources" / f"{KEY}.yaml"
    text = note.read_text(encoding="utf-8")
    if "\nreported:\n" in text:
        text = text.replace("\nreported:\n", "\n" + reported, 1)
    else:
        text = text.rstrip("\n") + "\n" + reported
    note.write_text(text, encoding="utf-8")


def _note_deleted(root: Path) -> None:
    (root / "kb" / "sources" / f"{KEY}.yaml").unlink()


def _two_notes(root: Path) -> None:
    _claim_text(root)
    _replace(root / "kb" / "sources" / "s00020.yaml", "\n    text: ", "\n    text: Also changed, ")


def _all_wording(root: Path) -> None:
    # Every kind of wording of three notes: claims' text, quote and locator, and the summary (the
    # pages showing no wording are then taken from the last rendering: they must not change).
    for key in (KEY, "s00020", "s00033"):
        note = root / "kb" / "sources" / f"{key}.yaml"
        text = note.read_text(encoding="utf-8")
        for old, new in (("\n    text: ", "\n    text: Reworded, "), ('\n    quote: "', '\n    quote: "reworded '), ('\n    locator: "', '\n    locator: "section 2, '),
                         ("summary: >-\n  ", "summary: >-\n  reworded ")):
            assert old in text, (key, old)
            text = text.replace(old, new)
        note.write_text(text, encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "claim text": _claim_text,
    "all wording": _all_wording,
    "concept link added": _link_added,
    "concept link removed": _link_removed,
    "reported claim added": _reported_added,
    "note deleted": _note_deleted,
    "two notes": _two_notes,
}


WORDING_EDITS = {"claim text", "all wording", "two notes"}
# Edits that leave what the citation network reads of the notes (cites, reported works) as it was.
NETWORK_KEPT_EDITS = WORDING_EDITS | {"concept link added", "concept link removed"}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "kb"
    generate_kb(root, 60, shape="reported")
    return root


@pytest.mark.parametrize("edit", list(EDITS))
def test_incremental_pages_equal_a_full_rendering(library: Path, tmp_path: Path, edit: str) -> None:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(library, root)
    old = build_kb(root)
    references = ReferenceFormatter()
    previous = render_site(old, style=DEFAULT_STYLE, references=references)
    EDITS[edit](root)
    new = build_kb(root)
    assert not new.errors, [p.text() for p in new.errors]
    selection = select(old, new)
    # The incremental path is taken, and it leaves most item pages to the previous rendering.
    assert selection is not None and selection.notes
    assert len(selection.works) < len(new.sources) // 2
    assert selection.wording_only == (edit in WORDING_EDITS)
    assert selection.network_unchanged == (edit in NETWORK_KEPT_EDITS)
    incremental = render_site(new, style=DEFAULT_STYLE, references=references, previous=previous)
    full = render_pages(new, style=DEFAULT_STYLE, references=ReferenceFormatter())
    assert [p.path for p in incremental.pages] == [p.path for p in full]
    different = [a.path for a, b in zip(incremental.pages, full, strict=True) if a != b]
    assert different == []
    # The edit shows: some page differs from the previous rendering.
    assert set(incremental.pages) != set(previous.pages)


def test_a_same_study_change_renders_everything(library: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(library, root)
    old = build_kb(root)
    _replace(root / "kb" / "sources" / f"{KEY}.yaml", "\nclaims:\n", "\nsame_study: [s00011]\nclaims:\n")
    new = build_kb(root)
    assert select(old, new) is None
    previous = render_site(old, style=DEFAULT_STYLE, references=None)
    assert list(render_site(new, style=DEFAULT_STYLE, references=None, previous=previous).pages) == render_pages(new, style=DEFAULT_STYLE, references=None)
