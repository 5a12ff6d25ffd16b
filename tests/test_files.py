"""Atomic writes: readers see the old or the new file, and the file gets the mode any editor or
``open()`` would give it (mkstemp's 0o600 would hide exports and notes from group readers)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from litkb.core.files import atomic_write_bytes, atomic_write_text, current_umask


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_current_umask_reads_without_changing_it(umask_027: None) -> None:
    assert current_umask() == 0o027
    assert current_umask() == 0o027  # reading it twice: still there, not reset by the first read


def test_new_file_gets_the_umask_mode(tmp_path: Path, umask_027: None) -> None:
    target = tmp_path / "out" / "review.docx"
    atomic_write_bytes(target, b"PK\x03\x04")
    assert target.read_bytes() == b"PK\x03\x04"
    assert _mode(target) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["review.docx"]  # no temporary file left


def test_rewriting_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "note.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o664)
    atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert _mode(target) == 0o664
