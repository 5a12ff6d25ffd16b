"""PDF full texts: the text of each page with its page label, through pypdf.

Input: the bytes of a PDF (already bounded by :func:`litkb.load.fulltext.read_bytes`). Output: one
(label, text) pair per PDF page, labelled as the PDF's ``/PageLabels`` say (the printed "337" of an
article that starts on page 333 of its issue; "xii" in front matter). A PDF without labels is
labelled by the page numbers printed at the top or bottom of its pages when they run on from one
offset on at least half of them (:func:`printed_numbers`), else "1", "2", ... Running heads and
page-number lines are removed so that a quote running over a page break reads on.

pypdf (pinned) because it is maintained, pure Python (no compiled library to install on a
contributor's machine or the runner) and reads page labels (``PdfReader.page_labels``), which is
what page locators are checked against.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from pathlib import Path

MAX_PDF_PAGES = 10_000
# A running head or foot (the journal's name, the author, "Page 3") repeats on many pages; a line
# of body text at the edge of a page does not. Lines within EDGE_LINES of the top or bottom that
# recur there on at least a third of the pages (and on three at least) are dropped.
EDGE_LINES = 2
_MIN_REPEATS = 3
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_NUMBER_LINE = re.compile(r"^\W*(?:page\s+|p\.\s*)?(\d{1,5})\W*$", re.IGNORECASE)


class PdfError(ValueError):
    """A PDF that cannot be read; the message is one line naming the file."""


def pdf_pages(path: Path, data: bytes) -> list[tuple[str, str]]:
    """The labelled pages of the PDF ``data`` (read from ``path``, named in errors)."""
    from pypdf import PdfReader

    # pypdf reports recoverable oddities of a PDF through logging; they are not the user's business.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError(f"{path}: the PDF is encrypted; save an unencrypted copy")
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise PdfError(f"{path}: {count:,} pages; a full text may have at most {MAX_PDF_PAGES:,}")
        texts = [page.extract_text() or "" for page in reader.pages]
        has_labels = "/PageLabels" in reader.root_object
        labels = list(reader.page_labels) if has_labels else printed_numbers(texts) or list(reader.page_labels)
    except PdfError:
        raise
    except Exception as err:  # pypdf raises many kinds of error on a broken file (PdfReadError, KeyError, ValueError ...)
        raise PdfError(f"{path}: cannot read the PDF: {type(err).__name__}: {' '.join(str(err).split())[:200]}") from err
    if len(labels) != len(texts):
        labels = [str(number) for number in range(1, len(texts) + 1)]
    return list(zip(labels, without_running_lines(texts, labels), strict=True))


def printed_numbers(texts: list[str]) -> list[str] | None:
    """Labels read off the pages when the PDF has none of its own: a line at the top or bottom of
    a page that is a number alone ("337", "- 337 -", "Page 337"), if such numbers are printed on at
    least half of the pages and all run on from one offset (printed = PDF page + offset); else None."""
    offsets: Counter[int] = Counter()
    seen = 0
    for index, text in enumerate(texts):
        lines = [line for line in text.splitlines() if line.strip()]
        numbers = {int(m.group(1)) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:] if (m := _NUMBER_LINE.match(line))}
        if numbers:
            seen += 1
            offsets.update({number - index for number in numbers})
    if not offsets or seen * 2 < len(texts):
        return None
    offset, count = offsets.most_common(1)[0]
    if count != seen or offset < 1:
        return None
    return [str(index + offset) for index in range(len(texts))]


def _shape(line: str) -> str:
    """A line with its numbers blanked and spacing folded: "Education 3-13, 41(3), p. 337" and the
    same head on the next page compare equal."""
    return _SPACES.sub(" ", _DIGITS.sub("#", line)).strip().casefold()


def _is_page_number(line: str, label: str) -> bool:
    """Whether ``line`` says only the page's number ("337", "- 337 -", "Page 337", "p. xii")."""
    words = re.sub(r"^\W*(?:page|p\.)?\s*|\W*$", "", line.strip(), flags=re.IGNORECASE)
    return bool(words) and words.casefold() == label.casefold()


def without_running_lines(texts: list[str], labels: list[str]) -> list[str]:
    """Each page's text without the lines at its top or bottom that are its page number or a
    running head or foot (see :data:`EDGE_LINES`)."""
    edges: list[list[int]] = []
    lines_of: list[list[str]] = []
    counts: Counter[str] = Counter()
    for text in texts:
        lines = text.splitlines()
        filled = [i for i, line in enumerate(lines) if line.strip()]
        edge = sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))
        lines_of.append(lines)
        edges.append(edge)
        counts.update({_shape(lines[i]) for i in edge})
    needed = max(_MIN_REPEATS, -(-len(texts) // 3))
    running = {shape for shape, count in counts.items() if count >= needed}
    cleaned = []
    for lines, edge, label in zip(lines_of, edges, labels, strict=True):
        drop = {i for i in edge if _shape(lines[i]) in running or _is_page_number(lines[i], label)}
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return cleaned
