"""Stage ``load`` for any input file: reading it once, safely (no links followed, bounded size,
located UTF-8 errors). Writing is :mod:`litkb.core.files` (atomic).

Inputs come from pull requests: a "note" may be a symbolic link to a file outside the repository
or to ``/dev/zero``, a folder, a pipe, or simply huge. Every input is opened without following a
link (``O_NOFOLLOW``, relative to an already-checked folder), must be a regular file, and is read
up to its size limit plus one byte; anything else is a located problem.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator
from pathlib import Path

from ..core.problems import Problem, problem

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# O_NONBLOCK: opening a named pipe must not wait for a writer (it is then refused as not a file).
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _open_problem(err: OSError, shown: str, what: str) -> Problem:
    """The problem for a failed ``os.open`` of an input. With O_NOFOLLOW, opening a symbolic link
    fails with ELOOP (EMLINK on FreeBSD)."""
    if err.errno in (errno.ELOOP, errno.EMLINK):
        return problem(shown, 1, 1, "KB004", f"{what} is a symbolic link", f"commit the {what} itself: a link can point outside the repository")
    if err.errno in (errno.ENOTDIR, errno.ENXIO):
        return problem(shown, 1, 1, "KB005", "not a folder" if what == "folder" else "not a regular file", f"commit a plain {what}")
    return problem(shown, 1, 1, "KB003", f"cannot read {what}: {err.strerror}")


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
    except OSError:
        return False


def open_folder(root: Path, relative: Path) -> tuple[int | None, list[Problem]]:
    """Open ``root/relative`` as a folder without following a link on the way.

    Input: the knowledge-base root (the user's choice, trusted) and a path under it. Output: an
    open file descriptor (the caller closes it) or None when the folder is missing or refused,
    with the problem (at the first refused part, e.g. ``kb:1:1``). No part of ``relative`` may be
    a symbolic link.
    """
    try:
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return None, [problem(relative.as_posix(), 1, 1, "KB003", f"cannot read folder {root}: {err.strerror}")]
    for depth, part in enumerate(relative.parts, 1):
        try:
            inner: int | None = os.open(part, _DIR_FLAGS, dir_fd=fd)
            found: list[Problem] = []
        except FileNotFoundError:
            inner, found = None, []
        except OSError as err:
            # Linux reports a link opened with O_DIRECTORY | O_NOFOLLOW as "not a directory".
            if err.errno == errno.ENOTDIR and _is_link(part, fd):
                err.errno = errno.ELOOP
            inner, found = None, [_open_problem(err, "/".join(relative.parts[:depth]), "folder")]
        os.close(fd)
        if inner is None:
            return None, found
        fd = inner
    return fd, []


def read_bytes_at(dir_fd: int | None, name: str, shown: str, max_bytes: int) -> tuple[bytes | None, list[Problem]]:
    """Read the regular file ``name`` (in the open folder ``dir_fd``, or a path when None) up to
    ``max_bytes``. Returns (bytes or None, problems): a link, a non-regular file or a larger file
    gives None and one problem at ``shown:1:1``; at most ``max_bytes + 1`` bytes are ever read."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as err:
        return None, [_open_problem(err, shown, "file")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [problem(shown, 1, 1, "KB005", f"not a regular file but {_kind(info.st_mode)}", "commit a plain file")]
        if info.st_size > max_bytes:
            return None, [_too_large(shown, f"{info.st_size:,} bytes", max_bytes)]
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:  # a file growing while it is read is still cut at the limit
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        return None, [problem(shown, 1, 1, "KB003", f"cannot read file: {err.strerror}")]
    finally:
        os.close(fd)
    if size > max_bytes:  # grew after fstat, or a file system that reports no size
        return None, [_too_large(shown, f"more than {max_bytes:,} bytes", max_bytes)]
    return b"".join(chunks), []


def _too_large(shown: str, size: str, max_bytes: int) -> Problem:
    return problem(shown, 1, 1, "KB006", f"file holds {size} (at most {max_bytes:,})", "split it, or shorten it")


def read_text(path: Path, shown: str, max_bytes: int, *, dir_fd: int | None = None) -> tuple[str | None, list[Problem]]:
    """Read an input file as UTF-8 (see :func:`read_bytes_at`; ``path`` is a name in ``dir_fd``
    when given). Returns (text or None, problems).

    Invalid bytes are reported at their line and column and replaced by U+FFFD so that the rest
    of the file can still be checked; an empty (or whitespace-only) file is reported and gives None.
    """
    raw, problems = read_bytes_at(dir_fd, str(path), shown, max_bytes)
    if raw is None:
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.append(
            problem(shown, line, column, "KB001", f"invalid UTF-8 byte 0x{raw[err.start]:02x}", "re-save the file as UTF-8")
        )
        text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        problems.append(problem(shown, 1, 1, "KB002", "file is empty"))
        return None, problems
    return text, problems


def folder_texts(folder_fd: int, folder: Path, suffixes: tuple[str, ...], max_bytes: int, rename_hint: str, problems: list[Problem], only: Collection[str] | None = None) -> Iterator[tuple[str, str, str]]:
    """The readable files of an open folder whose names end in ``suffixes`` (hidden ones and, with
    ``only``, names not in it skipped), in name order: yields (file name, shown path under
    ``folder``, text). A name with unprintable characters (a newline could forge a problem line;
    bytes that are not UTF-8 cannot be shown) is refused (KB007, with ``rename_hint``); read
    problems go to ``problems`` and an unreadable file is not yielded."""
    for name in sorted(os.listdir(folder_fd)):
        if not name.endswith(suffixes) or name.startswith(".") or (only is not None and name not in only):
            continue
        if not name.isprintable():
            shown = (folder / printable_name(name)).as_posix()
            problems.append(problem(shown, 1, 1, "KB007", "file name has characters that are not allowed (control, format or invalid bytes)", rename_hint))
            continue
        shown = (folder / name).as_posix()
        text, read_problems = read_text(Path(name), shown, max_bytes, dir_fd=folder_fd)
        problems += read_problems
        if text is not None:
            yield name, shown, text


def printable_name(name: str) -> str:
    """A file name fit to print: invalid bytes (read as lone surrogates) and unprintable
    characters as backslash escapes."""
    out = []
    for char in name:
        if "\udc80" <= char <= "\udcff":
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)
