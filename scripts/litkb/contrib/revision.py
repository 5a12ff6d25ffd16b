"""A knowledge base as committed in a git revision, read into a folder of its own (for `kb diff`).

Input: a knowledge base folder inside a git repository and a revision. Output: the linked model
of the revision (:func:`load_revision`), read from git's object store into a temporary folder, or a
:class:`DiffError` with one line. Revisions come from anyone's branch, so every tree entry is
checked before a byte is written, and files are only ever created directly inside folders made here.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from ..core.model import KnowledgeBase
from ..rules.link import BIB_NAME, CONCEPTS_DIR, SOURCES_DIR, build_kb


class DiffError(ValueError):
    """A revision cannot be read (not a git repository, unknown revision): one-line message."""


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise DiffError("git is not installed") from err
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def load_revision(root: Path, revision: str, dest: Path) -> KnowledgeBase:
    """The knowledge base at ``root`` as committed in ``revision``, read into ``dest``.

    Files are taken from git's object store (ls-tree + one cat-file process), not checked out, so
    the working tree, index and HEAD are left alone and .gitattributes filters play no part. A
    revision may come from anyone's branch and git stores tree entry names as given (``..``, names
    holding '/', symlinks, submodules), so every entry is checked by :func:`_entries` before
    anything is written, and files are created only directly inside folders made here.
    """
    root = root.resolve()
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    except DiffError as err:
        raise DiffError(f"{root} is not in a git repository ({err})") from err
    prefix = root.relative_to(top.resolve()).as_posix() if root != top.resolve() else ""
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}").decode().strip()
    except DiffError:
        raise DiffError(f"unknown revision '{revision}'") from None
    # Non-recursive listings: the file itself, and the entries directly inside each folder.
    at = f"{prefix}/" if prefix else ""
    wanted = [f"{at}{BIB_NAME}", f"{at}{CONCEPTS_DIR.as_posix()}/", f"{at}{SOURCES_DIR.as_posix()}/"]
    listing = _git(top, "ls-tree", "-z", "--full-tree", commit, "--", *wanted)
    files = _entries(listing, at, revision)
    dest.mkdir(parents=True, exist_ok=True)
    _write_blobs(top, files, dest)
    return build_kb(dest)


# Where a file may stand in the revision (relative to the knowledge base): the library itself, or
# one name directly inside one of the two folders.
_FOLDERS = (CONCEPTS_DIR.as_posix(), SOURCES_DIR.as_posix())
_REGULAR_MODES = ("100644", "100755")
_KINDS = {"120000": "a symbolic link", "160000": "a submodule (gitlink)", "040000": "a folder"}


def _entries(listing: bytes, at: str, revision: str) -> list[tuple[str, str, str]]:
    """The ``ls-tree -z`` records that ``build_kb`` will read, as (object id, folder, name).

    Raises :class:`DiffError` (one line) for an entry whose name is not one plain file name (empty,
    ``.``, ``..``, holding '/', '\\' or NUL) and for a symlink, submodule or folder where a file
    would be read (references.bib, a ``*.yaml`` note or concept). Other entries (a README, a
    sub-folder of notes) are skipped, as ``build_kb`` skips them in a working tree.
    """
    files = []
    for record in listing.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, _, oid = meta.split(" ")
        relative = path[len(at):] if path.startswith(at) else path
        folder, _, name = relative.rpartition("/") if relative != BIB_NAME else ("", "", relative)
        if folder and folder not in _FOLDERS or not _plain_name(name):
            raise DiffError(f"revision '{revision}' holds a file whose name is not a plain file name: {path!r}; kb diff refuses it")
        read = name == BIB_NAME if not folder else name.endswith((".yaml", ".yml")) and not name.startswith(".")
        if not read:
            continue
        if mode not in _REGULAR_MODES:
            what = _KINDS.get(mode.zfill(6), f"an entry of mode {mode}")
            raise DiffError(f"revision '{revision}' has {what} at {path!r}, where kb reads a regular file; kb diff refuses it")
        files.append((oid, folder, name))
    return files


def _plain_name(name: str) -> bool:
    """One file-name component that stays in its folder on any system kb runs on."""
    return bool(name) and name not in (".", "..") and not any(ch in name for ch in "/\\\0") and len(name.encode("utf-8", "surrogateescape")) <= 255


def _write_blobs(top: Path, files: list[tuple[str, str, str]], dest: Path) -> None:
    """Stream the blobs of ``files`` from one ``git cat-file --batch`` into ``dest``.

    Each file is created relative to a descriptor of its folder with O_EXCL and O_NOFOLLOW: a name
    is one component and never replaces or follows anything that is already there.
    """
    folders: dict[str, int] = {}
    try:
        for folder in sorted({f for _, f, _ in files}):
            path = dest / folder if folder else dest
            path.mkdir(parents=True, exist_ok=True)
            folders[folder] = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        with tempfile.TemporaryFile() as ids:  # stdin from a file: no pipe to deadlock on
            ids.write("".join(f"{oid}\n" for oid, _, _ in files).encode())
            ids.seek(0)
            with subprocess.Popen(["git", "-C", str(top), "cat-file", "--batch"], stdin=ids, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as git:
                assert git.stdout is not None
                for oid, folder, name in files:
                    _copy_blob(git.stdout, oid, name, folders[folder])
    except FileExistsError as err:
        raise DiffError(f"the revision holds {err.filename!r} twice (or twice with different case); kb diff refuses it") from err
    except OSError as err:
        raise DiffError(f"cannot read the revision's files: {err.strerror or err}") from err
    finally:
        for fd in folders.values():
            os.close(fd)


def _copy_blob(stream: IO[bytes], oid: str, name: str, folder_fd: int) -> None:
    """Copy one ``cat-file --batch`` record (header, content, newline) into ``name`` in the folder."""
    header = stream.readline().split()
    if len(header) != 3 or header[0].decode() != oid or header[1] != b"blob":
        raise DiffError(f"git cat-file did not return the blob {oid}")
    size = int(header[2])
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with os.fdopen(os.open(name, flags, 0o600, dir_fd=folder_fd), "wb") as out:
        while size:
            chunk = stream.read(min(size, 1 << 20))
            if not chunk:
                raise DiffError(f"git cat-file stopped in the middle of the blob {oid}")
            out.write(chunk)
            size -= len(chunk)
    stream.read(1)  # the newline after the content
