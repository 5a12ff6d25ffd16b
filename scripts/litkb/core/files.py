"""Writing files atomically, and keeping generated files (``make docs``) up to date. (Reading
input files safely is the load stage's: :mod:`litkb.load.textio`.)"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half of one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def new_file_mode(path: Path) -> int:
    """The permission bits ``path`` should get: its own when it exists (rewriting a file keeps its
    mode), else 0o666 less the process's umask, as ``open()`` would give a new file. (``mkstemp``
    makes 0o600 files, so a replaced note or an exported .docx came out readable by its owner only.)"""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it (``os.umask`` sets it, which another thread,
    e.g. ``kb serve``'s, could observe); Linux reports it in /proc, elsewhere 0o022 is assumed."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes through a temporary file in the same folder, then rename over ``path`` (which
    keeps its mode; a new file gets the umask's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
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
