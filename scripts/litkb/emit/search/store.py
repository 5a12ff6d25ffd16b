"""Where the search index lives on disk and how it is swapped atomically (no Whoosh here).

Layout of the index folder (default ``<root>/.kb-index/``, git-ignored)::

    CURRENT        the name of the version readers use, e.g. "v000012" (replaced with os.replace)
    v000012/       one complete Whoosh index (each segment with its uid order, <segment>.order:
                   :mod:`.whoosh.order`) + manifest.json, files.json, docs.json, words.txt,
                   labels.json (the works' "Gronn (2009b)" labels, shown with results), and
                   library.pickle, notes.json (what an update needs besides changed notes:
                   :mod:`.snapshot`)
    v000011/       the previous version, kept for readers that opened it just before the switch
    .lock          held (flock) by the one process writing a new version

A build or update writes a *new* version folder and only then points CURRENT at it, so a build
killed at any moment leaves CURRENT naming a complete index. An update hard-links the segment
files of the current version into the new folder (Whoosh never changes a file in place) and
writes its new segment beside them: the swap copies nothing. Readers resolve CURRENT once and
retry if the version they picked was pruned under them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core.files import atomic_write_bytes, atomic_write_text

# The format of an index version. Bump it whenever the Whoosh schema or analysis (:mod:`.whoosh`),
# the folding of words (:func:`litkb.core.text.fold`) or the manifest changes, or when a class
# pickled into the index's schema moves (Whoosh stores its module path): an index of another
# version is rebuilt, never read. 4: the analyzer moved out of the former litkb.search module;
# 5: one folding function (casefold, more letters folded), the analyzer in .whoosh.analysis;
# 6: claim types (type:finding) and claims about several works; 7: question pages are documents
# (kind:question), counted in the manifest; 8: a uid column and stored author names, the snapshot
# files of :mod:`.snapshot`; 9: a claim's stored fields carry its quote (shown apart from the
# paraphrase).
SCHEMA_VERSION = 9

POINTER = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
FILES = "files.json"
DOCS = "docs.json"
WORDS = "words.txt"
LABELS = "labels.json"
LIBRARY = "library.pickle"
NOTES = "notes.json"
# Written for each version by kb (never inherited by cloning: each says what its version holds).
OWN_FILES = (MANIFEST, FILES, DOCS, WORDS, LABELS, LIBRARY, NOTES)
_VERSION = re.compile(r"^v(\d{6,})$")
DEFAULT_DIR = ".kb-index"

# (size, mtime in ns, sha1 of the bytes) per input file, by path relative to the root.
FileStamp = tuple[int, int, str]


class IndexBusy(Exception):
    """Another process holds the writer lock."""


def default_index_dir(root: Path) -> Path:
    return root / DEFAULT_DIR


# -- inputs: which files the index was built from ----------------------------------------------
def input_files(root: Path) -> dict[str, os.stat_result]:
    """The files the knowledge base is loaded from (as :func:`litkb.rules.link.build_kb` reads them)."""
    found: dict[str, os.stat_result] = {}
    with contextlib.suppress(FileNotFoundError):
        found["references.bib"] = (root / "references.bib").stat()
    for folder, suffixes in (("kb/concepts", (".yaml", ".yml")), ("kb/sources", (".yaml", ".yml")), ("kb/questions", (".md",))):
        with contextlib.suppress(FileNotFoundError), os.scandir(root / folder) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(suffixes) and not name.startswith(".") and entry.is_file():
                    found[f"{folder}/{name}"] = entry.stat()
    return found


def _sha1_file(path: Path) -> str:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def stamp_inputs(root: Path, known: Mapping[str, FileStamp] | None = None) -> dict[str, FileStamp]:
    """Size, modification time and content hash of every input file (taken before loading).
    A file whose size and time are those of its stamp in ``known`` keeps that stamp's hash (as
    :func:`changed_inputs` decides: not read again)."""
    known = known or {}
    stamps: dict[str, FileStamp] = {}
    for rel, st in sorted(input_files(root).items()):
        old = known.get(rel)
        same = old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns
        stamps[rel] = (st.st_size, st.st_mtime_ns, old[2] if same and old else _sha1_file(root / rel))
    return stamps


def changed_inputs(root: Path, recorded: Mapping[str, FileStamp]) -> list[str]:
    """Input files added, removed or changed since ``recorded`` (sorted relative paths).

    Size and mtime decide quickly; a file whose mtime moved but whose bytes hash the same (a
    checkout, a touch) is not a change.
    """
    current = input_files(root)
    changed = sorted(set(recorded) ^ set(current))
    for rel, st in current.items():
        old = recorded.get(rel)
        if old is None:
            continue
        size, mtime, digest = old
        if st.st_size == size and st.st_mtime_ns == mtime:
            continue
        if st.st_size != size or _sha1_file(root / rel) != digest:
            changed.append(rel)
    return sorted(set(changed))


# -- versions ------------------------------------------------------------------------------------
def current_version(index_dir: Path) -> Path | None:
    """The version folder CURRENT names, or None when there is no usable index."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not _VERSION.match(name):
        return None
    path = index_dir / name
    return path if (path / MANIFEST).is_file() else None


def _versions(index_dir: Path) -> list[Path]:
    if not index_dir.is_dir():
        return []
    return sorted(p for p in index_dir.iterdir() if _VERSION.match(p.name) and p.is_dir())


def new_version(index_dir: Path) -> Path:
    """Create and return an empty folder for the next version (numbers never repeat)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(_VERSION.match(p.name).group(1)) for p in _versions(index_dir)]  # type: ignore[union-attr]
    path = index_dir / f"v{(max(numbers) if numbers else 0) + 1:06d}"
    path.mkdir()
    return path


def clone_version(src: Path, dst: Path) -> None:
    """Fill ``dst`` with ``src``'s index files so that an update can work on a private copy.

    Whoosh never rewrites a file in place (segments and TOCs get fresh names; deletions live in
    the TOC), so hard links are safe and cost nothing; copying is the fallback.
    """
    for item in src.iterdir():
        if item.name in OWN_FILES or item.name.endswith("WRITELOCK") or not item.is_file():
            continue
        try:
            os.link(item, dst / item.name)
        except OSError:
            shutil.copy2(item, dst / item.name)


def link_file(src: Path, dst: Path) -> None:
    """Give ``dst`` the bytes of ``src`` (a file that did not change): a hard link, else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        atomic_write_bytes(dst, src.read_bytes())


def switch_to(index_dir: Path, version: Path) -> Path | None:
    """Point CURRENT at ``version`` (atomically); prune older versions. Returns the previous one."""
    previous = current_version(index_dir)
    atomic_write_text(index_dir / POINTER, version.name + "\n")
    prune(index_dir, keep={version.name, previous.name if previous else ""})
    return previous


def prune(index_dir: Path, keep: set[str]) -> None:
    """Remove version folders other than ``keep``: older versions and leftovers of killed builds.

    Call only while holding the writer lock (a folder being built is never pruned then).
    """
    for path in _versions(index_dir):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold the index folder's writer lock (released by the OS if the process dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as err:
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise IndexBusy(f"another process is updating the index in {index_dir}") from err
            raise
        yield
    finally:
        os.close(fd)


# -- manifest ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Manifest:
    """What a version was built from and what query expansion needs. ``data`` is free-form JSON."""

    schema: int
    counts: dict[str, int]
    data: dict[str, Any]


def write_json(path: Path, value: Any) -> None:
    atomic_write_text(path, json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(version: Path, manifest: Manifest) -> None:
    write_json(version / MANIFEST, {"schema": manifest.schema, "counts": manifest.counts, "data": manifest.data})


def read_manifest(version: Path) -> Manifest | None:
    """The manifest of a version, or None if it is missing or unreadable (the index is rebuilt then)."""
    try:
        raw = read_json(version / MANIFEST)
        return Manifest(int(raw["schema"]), dict(raw["counts"]), dict(raw["data"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_file_stamps(version: Path) -> dict[str, FileStamp]:
    try:
        return {k: (int(v[0]), int(v[1]), str(v[2])) for k, v in read_json(version / FILES).items()}
    except (OSError, ValueError, TypeError, IndexError):
        return {}


def read_units(version: Path) -> tuple[dict[str, str], list[str]] | None:
    """The unit digests and document uids a version holds (docs.json), or None if unreadable."""
    try:
        raw = read_json(version / DOCS)
        return {str(k): str(v) for k, v in raw["units"].items()}, [str(u) for u in raw["uids"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_units(version: Path, units: Mapping[str, str], uids: list[str]) -> None:
    write_json(version / DOCS, {"units": dict(units), "uids": sorted(uids)})


def write_labels(version: Path, digest: str, labels: Mapping[str, str]) -> None:
    """The library's "Gronn (2009b)" labels by key, with the digest of what they were made from."""
    write_json(version / LABELS, {"library": digest, "labels": dict(sorted(labels.items()))})


def read_labels(version: Path) -> tuple[str, dict[str, str]] | None:
    """(digest, labels) written by :func:`write_labels`, or None."""
    try:
        data = json.loads((version / LABELS).read_text(encoding="utf-8"))
        return str(data["library"]), {str(k): str(v) for k, v in data["labels"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_words(version: Path, counts: Mapping[str, int]) -> None:
    """The did-you-mean word list: "word count" lines, sorted by word."""
    atomic_write_text(version / WORDS, "".join(f"{w} {n}\n" for w, n in sorted(counts.items())))


def read_words(version: Path) -> dict[str, int]:
    words: dict[str, int] = {}
    try:
        text = (version / WORDS).read_text(encoding="utf-8")
    except OSError:
        return words
    for line in text.splitlines():
        word, _, count = line.partition(" ")
        words[word] = int(count or 0)
    return words
