"""Images from other sites in note and BibTeX text: refused by ``kb check`` (KB310).

The site promises that reading it asks no other host for anything. Note text is Markdown, and
``![alt](https://host/x.png)`` would make every reader's browser fetch that image from its host,
telling the host who reads which page. The site renders such an image as a plain link anyway
(:func:`litkb.site.safe.md_text`); this check tells the contributor, at the line, that it will not
show. Links (``[text](https://...)``) and bare URLs are fine: nothing is fetched until a reader
follows them.

Input: a validated YAML document (located values) or the BibTeX entries. Output: problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.located import pos_of
from ..core.problems import Problem, problem
from ..load.bibtex import BibEntry

# "![" alt text (brackets may nest one level) "](" then an optional "<" and a target the browser
# would fetch from another host: a URL with a network scheme, or protocol-relative ("//host",
# which browsers also accept written with backslashes).
REMOTE_IMAGE = re.compile(
    r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?\s*((?:(?:https?|ftp)\s*:|[/\\]\s*[/\\])[^\s)>]*)",
    re.IGNORECASE,
)


def remote_images(text: str) -> list[str]:
    """The targets of images in ``text`` that would be fetched from another host."""
    return [match.group(1) for match in REMOTE_IMAGE.finditer(text)]


def remote_image_problem(shown: str, line: int, column: int, where: str, url: str) -> Problem:
    """The KB310 problem for an image at ``url`` in the text ``where`` (a field, or a question's text)."""
    shown_url = "".join(ch for ch in url[:80] if ch.isprintable())  # no terminal control codes
    return problem(
        shown, line, column, "KB310",
        f"'{where}' shows an image from another site ({shown_url}): readers' browsers would fetch it from that host",
        "link to it instead: [what it shows](URL), without the '!'",
    )


def check_document(doc: Any, shown: str) -> list[Problem]:
    """Every text of a validated note or concept (``LMap`` of located values) -> KB310 problems."""
    found: list[Problem] = []
    for where, value in _texts(doc, ""):
        for url in remote_images(value) if "![" in value else ():
            line, column = pos_of(value)
            found.append(remote_image_problem(shown, line, column, where, url))
    return found


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where or "value", value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")


def check_entries(entries: Mapping[str, BibEntry], shown: str) -> list[Problem]:
    """Every field of every BibTeX entry -> KB310 problems at the field's line."""
    found: list[Problem] = []
    for key, entry in entries.items():
        for name, value in entry.fields.items():
            for url in remote_images(value) if "![" in value else ():
                found.append(remote_image_problem(shown, entry.field_lines.get(name, entry.line), 1, f"{key}.{name}", url))
    return found
