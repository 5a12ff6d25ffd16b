"""Stage ``load`` for full texts: a plain-text or PDF file -> its text, page by page, with the
labels the pages carry.

Input: a path chosen by the user (``kb verify-quotes --fulltext DIR``, ``kb fingerprint``). Output:
a :class:`PagedText`. A ``.txt`` file is one unlabelled page (plain text has no reliable page
numbers); a ``.pdf`` file gives one page per PDF page, labelled as the PDF labels it (printed page
"337" on the fifth PDF page, front matter "xii"), through :mod:`litkb.load.pdf`.

Full texts are read only from the contributor's own folder, never from a pull request, but a
mistaken path must still not hang or exhaust memory: the file must be regular (a named pipe is
refused without blocking) and is read up to its size limit plus one byte. Anything unusable is a
:class:`FullTextError` whose message is one line naming the file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

# A full text is a paper or a book as plain text (a long book: ~2 MB); a PDF carries fonts and
# images besides (a scanned book: ~100 MB). The bounds keep a mistaken file from being read whole.
MAX_FULLTEXT_BYTES = 20_000_000
MAX_PDF_BYTES = 200_000_000
SUFFIXES = (".txt", ".pdf")


class FullTextError(ValueError):
    """A full text or mapping entry that cannot be used; the message is one located line."""


@dataclass(frozen=True)
class Page:
    """One page: its label ("337", "xii"; "" when the text has no pages) and its raw text."""

    label: str
    text: str


@dataclass(frozen=True)
class PagedText:
    """A full text as read: its file name, its pages, and whether they are real pages (a PDF) or
    the whole of a plain text as one unlabelled page."""

    name: str
    pages: tuple[Page, ...]
    paged: bool


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (not followed if it is a symbolic link: the caller
    resolved it), at most ``limit`` of them; else :class:`FullTextError`."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise FullTextError(f"{path}: cannot read the full text: {err.strerror or err}") from err
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FullTextError(f"{path}: not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FullTextError(f"{path}: larger than {limit:,} bytes")
    return data


def read_fulltext(path: Path) -> PagedText:
    """Read ``path`` (``.txt`` as UTF-8, undecodable bytes replaced; ``.pdf`` through pypdf)."""
    if path.suffix.lower() == ".pdf":
        from .pdf import PdfError, pdf_pages

        try:
            pages = pdf_pages(path, read_bytes(path, MAX_PDF_BYTES))
        except PdfError as err:
            raise FullTextError(str(err)) from err
        return PagedText(path.name, tuple(Page(label, text) for label, text in pages), True)
    raw = read_bytes(path, MAX_FULLTEXT_BYTES).decode("utf-8", errors="replace")
    return PagedText(path.name, (Page("", raw),), False)
