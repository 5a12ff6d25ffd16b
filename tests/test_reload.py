"""Loading again with the live preview's memory of the last load (``build_kb(root, memo=...)``,
litkb/rules/reload.py) gives exactly the knowledge base and problems of a fresh load, after every
kind of change a contributor makes while previewing; and it does take unchanged notes from the
last load instead of reading them again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.bench import generate_kb
from litkb.rules import documents
from litkb.rules.link import build_kb
from litkb.rules.reload import LoadMemo

KEY = "s00005"


def _note(root: Path, key: str = KEY) -> Path:
    return root / "kb" / "sources" / f"{key}.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _claim_text(root: Path) -> None:
    _edit(_note(root), "\n    text: ", "\n    text: Changed wording, ")


def _broken_yaml(root: Path) -> None:
    _edit(_note(root), "\n    text: ", "\n    text: [unclosed ")


def _repaired(root: Path) -> None:
    _edit(_note(root), "\n    text: [unclosed ", "\n    text: ")


def _second_note_on_key(root: Path) -> None:
    # A copy of another note under another file name: KB402 (file name) and KB407 (second note).
    (root / "kb" / "sources" / "zz-copy.yaml").write_text(_note(root, "s00007").read_text(encoding="utf-8"), encoding="utf-8")


def _first_note_removed(root: Path) -> None:
    # The copy now is the only note on its key: it is linked, and the problems move.
    _note(root, "s00007").unlink()


def _unknown_key(root: Path) -> None:
    _edit(_note(root), f"key: {KEY}", "key: s00005x")


def _library_changed(root: Path) -> None:
    # An entry's title changes: every note is linked again against the new library.
    _edit(root / "references.bib", "title = {", "title = {Retitled: ")


def _concept_changed(root: Path) -> None:
    _edit(root / "kb" / "concepts" / "concept-003.yaml", "label: Concept 3", "label: Concept three")


def _note_removed(root: Path) -> None:
    _note(root, "s00011").unlink()


CHANGES: list[Callable[[Path], None]] = [_claim_text, _broken_yaml, _repaired, _second_note_on_key, _first_note_removed, _unknown_key,
                                         _library_changed, _concept_changed, _note_removed]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reload")
    generate_kb(folder, 60, shape="reported")
    return folder


def test_every_change_loads_as_a_fresh_load(root: Path) -> None:
    memo = LoadMemo()
    assert build_kb(root, memo=memo) == build_kb(root)
    for change in CHANGES:
        change(root)
        again, fresh = build_kb(root, memo=memo), build_kb(root)
        assert again == fresh, change.__name__
        assert again.problems == fresh.problems, change.__name__
    assert any(p.code == "KB407" for p in fresh.problems) is False  # the copy became the only note on its key
    assert any(p.code == "KB402" for p in fresh.problems)


def test_unchanged_notes_are_not_read_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = LoadMemo()
    build_kb(root, memo=memo)
    composed: list[str] = []
    real = documents.compose_yaml

    def counting(text: str, shown: str):  # type: ignore[no-untyped-def]
        composed.append(shown)
        return real(text, shown)

    monkeypatch.setattr(documents, "compose_yaml", counting)
    _edit(_note(root, "s00003"), "\n    text: ", "\n    text: Edited again, ")
    kb = build_kb(root, memo=memo)
    notes = [shown for shown in composed if shown.startswith("kb/sources/")]
    assert notes == ["kb/sources/s00003.yaml"]
    assert kb == build_kb(root)
