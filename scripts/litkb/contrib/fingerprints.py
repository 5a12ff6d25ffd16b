"""``kb fingerprint``: write (or check) the committed fingerprint of every source with a full text.

Input: the knowledge base's root and the full texts at hand (key -> file, from
:func:`litkb.rules.quotes.load_fulltexts`). Output: ``kb/fingerprints/<key>.json`` per source of
the library that has a full text, written atomically; deterministic, so writing the same text twice
gives the same bytes, and ``--check`` can tell whether the committed file is that of the text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.files import atomic_write_text
from ..core.fingerprint import make_fingerprint, to_text
from ..load.fingerprint import FINGERPRINTS_DIR
from ..load.fulltext import FullTextError, read_fulltext
from ..rules.textmatch import paged_words


@dataclass(frozen=True)
class Written:
    """One fingerprint: its key, path (relative to the root), the text's words and labelled pages
    (0 for a plain text), the file's size, and whether the committed file already held exactly it."""

    key: str
    path: str
    words: int
    pages: int
    size: int
    unchanged: bool


def fingerprint_text(key: str, path: Path) -> str:
    """The JSON text of the fingerprint of the full text at ``path`` (``.txt`` or ``.pdf``)."""
    paged = read_fulltext(path)
    text_words, starts = paged_words(paged)
    pages = [(start, page.label) for start, page in zip(starts, paged.pages, strict=True)] if paged.paged else []
    return to_text(make_fingerprint(key, text_words, pages))


def write_fingerprints(root: Path, texts: Mapping[str, Path], *, check: bool = False) -> list[Written]:
    """Write the fingerprint of each text in ``texts`` (keys of the library only), or with
    ``check`` only compare it with the committed one. Raises FullTextError for an unreadable text."""
    for folder in (root / "kb", root / FINGERPRINTS_DIR):
        # A pull request could make kb/fingerprints a link out of the repository; never write through it.
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise FullTextError(f"{folder.relative_to(root).as_posix()}: not a folder of the repository (a symbolic link?); kb writes fingerprints only there")
    written = []
    for key in sorted(texts):
        relative = (FINGERPRINTS_DIR / f"{key}.json").as_posix()
        target = root / relative
        text = fingerprint_text(key, texts[key])
        try:
            current = target.read_text(encoding="utf-8") if target.is_file() and not target.is_symlink() else None
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text and not check:
            atomic_write_text(target, text)
        data = json.loads(text)
        written.append(Written(key, relative, data["words"], len(data["pages"]), len(text.encode("utf-8")), current == text))
    return written
