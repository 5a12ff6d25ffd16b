"""Staging folders: a build is written next to its target, swapped in whole and never left behind.

Input: the target folder (``site/``, or the ``kb pages`` output). Output: a fresh, empty staging
folder ``.kb-build-<name>-<8 hex>`` beside it (mode 0777 less the umask, like any folder the user
makes, so the finished site is readable as usual), then the swap (:func:`swap_dir`).

An interrupted build (Ctrl+C, kill -9, power loss) leaves its staging folder behind. Builds of one
target hold a shared lock on ``.kb-build-<name>.lock`` while they run; a build that can take the
lock exclusively knows that no other build of that target is running, so every staging folder
left beside the target is stale, and removes them (and those of older kb versions,
``.<name>-build-*``, ``.<name>-old-*``, ``.<name>-pages-*``). Nothing else is ever removed: only
folders (never symbolic links) whose names match exactly. POSIX only (``fcntl.flock``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

PREFIX = ".kb-build-"


def _leftover_pattern(name: str) -> re.Pattern[str]:
    mine = rf"{re.escape(PREFIX + name)}-[0-9a-f]{{8}}(?:\.old)?"
    legacy = rf"\.{re.escape(name)}-(?:build|old|pages)-[a-z0-9_]{{8}}"  # tempfile.mkdtemp names
    return re.compile(rf"(?:{mine}|{legacy})")


@contextlib.contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A new empty folder beside ``target`` for the duration of a build; removed afterwards
    (after a successful :func:`swap_dir` it has become ``target``)."""
    parent = target.parent
    lock = parent / f"{PREFIX}{target.name}.lock"
    fd = _open_locked(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    if fd is not None:  # no other build of this target is running
        remove_leftovers(target)
        fcntl.flock(fd, fcntl.LOCK_SH)
    else:
        fd = _open_locked(lock, fcntl.LOCK_SH)
    assert fd is not None  # a blocking lock is always granted
    stage = _make_stage(parent, target.name)
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(stage.with_name(stage.name + ".old"), ignore_errors=True)
        _release(fd, lock)


def _make_stage(parent: Path, name: str) -> Path:
    while True:
        stage = parent / f"{PREFIX}{name}-{secrets.token_hex(4)}"
        try:
            os.mkdir(stage)  # 0o777 less the umask (tempfile.mkdtemp would make it 0700)
            return stage
        except FileExistsError:
            continue


def _open_locked(path: Path, operation: int) -> int | None:
    """Open ``path`` (creating it) and lock it; None if a non-blocking lock is refused. Retries
    when the file was removed or replaced while waiting, so that every holder locks the file
    that is at ``path`` now."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, operation)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def _release(fd: int, lock: Path) -> None:
    """Drop our lock; the last build out removes the lock file."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.unlink(missing_ok=True)
    except BlockingIOError:
        pass  # another build still holds it
    finally:
        os.close(fd)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the staging folders of earlier, interrupted builds of ``target`` (call only while
    holding the exclusive lock). Returns what was removed."""
    pattern = _leftover_pattern(target.name)
    removed = []
    for entry in sorted(target.parent.iterdir()):
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def swap_dir(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` (a staging folder) in place of ``target`` by renames.

    The old folder is moved aside first (into ``<new>.old``) and deleted last, so readers see the
    old or the new folder, never a mix (for an instant, neither).
    """
    old: Path | None = None
    if target.exists():
        old = new.with_name(new.name + ".old")
        os.mkdir(old)
        os.rename(target, old / target.name)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
