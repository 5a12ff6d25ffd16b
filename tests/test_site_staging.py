"""Staging folders of kb build / kb pages: the result is readable like any folder the user makes,
an interrupted run's leftovers are removed by the next run, and a running build's are not."""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from litkb.emit.pages import GeneratedPage
from litkb.site.build import write_pages

PAGES = [GeneratedPage("a.md", "# A\n"), GeneratedPage("d/b.json", b"{}")]


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dot_entries(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_output_is_readable_like_any_folder(tmp_path: Path, umask: None) -> None:
    out = tmp_path / "out"
    write_pages(PAGES, out)
    assert mode(out) == 0o755 and mode(out / "d") == 0o755 and mode(out / "a.md") == 0o644
    os.umask(0o027)  # the user's umask decides, as for any folder they make
    write_pages(PAGES, out)
    assert mode(out) == 0o750


def test_built_site_is_readable(fixture_site: Path) -> None:
    current = os.umask(0)
    os.umask(current)
    assert mode(fixture_site) == 0o777 & ~current
    assert mode(fixture_site / "index.html") == 0o666 & ~current


def test_leftovers_of_interrupted_runs_are_removed_and_nothing_else(tmp_path: Path) -> None:
    parent = tmp_path / "repo"
    parent.mkdir()
    stale = [".kb-build-out-0123abcd", ".kb-build-out-0123abcd.old", ".out-build-abcd_123", ".out-old-zz9x8y7w", ".out-pages-a1b2c3d4"]
    kept = [".kb-build-out-x", ".kb-build-outer-0123abcd", ".kb-build-out-0123abcde", "keep"]
    for name in stale + kept:
        (parent / name / "sub").mkdir(parents=True)
        (parent / name / "sub" / "file").write_text("x", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious").write_text("x", encoding="utf-8")
    (parent / ".kb-build-out-deadbeef").symlink_to(elsewhere, target_is_directory=True)
    write_pages(PAGES, parent / "out")
    assert dot_entries(parent) == sorted([*kept[:3], ".kb-build-out-deadbeef"])  # no lock file left either
    assert (parent / "keep" / "sub" / "file").is_file()
    assert (elsewhere / "precious").is_file()  # a symbolic link is never followed


def test_a_running_builds_staging_folder_is_left_alone(tmp_path: Path) -> None:
    running = tmp_path / ".kb-build-out-0123abcd"
    running.mkdir()
    lock = os.open(tmp_path / ".kb-build-out.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)  # as a build of the same target holds it while it runs
        write_pages(PAGES, tmp_path / "out")
        assert running.is_dir()
        assert (tmp_path / ".kb-build-out.lock").exists()
    finally:
        os.close(lock)
    write_pages(PAGES, tmp_path / "out")  # that build is gone: its folder is a leftover now
    assert dot_entries(tmp_path) == []


def test_a_killed_run_leaves_nothing_the_next_run_keeps(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_pages(PAGES, out)
    killed = (
        "import os, signal, sys\nfrom pathlib import Path\nfrom litkb.site.staging import staging_dir\n"
        "with staging_dir(Path(sys.argv[1])) as stage:\n"
        "    (stage / 'half.md').write_text('half a site')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", killed, str(out)], check=False)
    assert proc.returncode == -signal.SIGKILL
    assert any(name.startswith(".kb-build-out-") for name in dot_entries(tmp_path))
    assert (out / "a.md").is_file()  # the previous output is untouched
    write_pages(PAGES, out)
    assert dot_entries(tmp_path) == []
    assert sorted(p.name for p in out.iterdir()) == [".kb-pages", "a.md", "d"]
