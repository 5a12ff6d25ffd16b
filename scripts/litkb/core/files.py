"""Reading text files once (with located UTF-8 errors), writing files atomically, and keeping
generated files (``make docs``) up to date."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .problems import Problem, problem


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read ``path`` as UTF-8. Returns (text or None, problems).

    Invalid bytes are reported at their line and column and replaced by U+FFFD so that the rest
    of the file can still be checked; an empty (or whitespace-only) file is reported and gives None.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [problem(shown, 1, 1, "KB003", f"cannot read file: {err.strerror}")]
    problems: list[Problem] = []
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


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half of one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes through a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refresh_generated(path: Path, make: Callable[[str | None], str], *, check: bool, what: str, command: str) -> int:
    """Bring a generated, committed file up to date (``make docs``): ``make(current text or None)``
    is what ``path`` must hold. With ``check``, only say whether it does. Prints one line; returns
    the exit status: 0 up to date (or rewritten), 1 out of date under ``check`` or not readable.
    ``what`` names the generated part in messages, ``command`` how to regenerate it."""
    try:
        try:
            current: str | None = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        wanted = make(current)
    except (OSError, ValueError) as err:
        print(f"{path}: {err}", file=sys.stderr)
        return 1
    if current == wanted:
        print(f"{path}: up to date")
        return 0
    if check:
        print(f"{path}: {what} is out of date; run {command}", file=sys.stderr)
        return 1
    atomic_write_text(path, wanted)
    print(f"{path}: {what} rewritten")
    return 0
