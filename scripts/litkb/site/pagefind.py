"""The site's search index, in pieces: Pagefind run over the built site.

Input: a built site folder (the staging folder of a build, before it is swapped in). Output: its
``pagefind/`` folder: an index split into chunks and fragments that the browser fetches as a query
needs them (a few hundred KB for the first result, whatever the site's size), and Pagefind's own
search interface (``pagefind-ui.js``, ``.css``, the WebAssembly search), all from the pinned
``pagefind-bin`` package: nothing comes from another host. ``docs/javascripts/search.js`` puts
the search box in the header and loads the interface on first use.

Pagefind reads each page's article (the theme's navigation, header and footer are not the page's
text) without what our pages mark for search to skip (:data:`EXCLUDE`: the same markers Material's
search honoured), and only the pages (``index.html``; the 404 page is no result).
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

FOLDER = "pagefind"
# The article of a page, as Material writes it.
ROOT_SELECTOR = "article.md-content__inner"
# What search skips: our pages' marker (claim cards' evidence, tab labels: litkb.emit.pages.safe),
# the heading permalinks ("¶") and the edit button.
EXCLUDE = ("[data-search-exclude]", ".headerlink", ".md-content__button")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message is one line for the user."""


def executable() -> Path:
    """The Pagefind binary of the installed pagefind-bin package."""
    try:
        from pagefind_bin import get_executable
    except ImportError as err:
        raise SearchIndexError("the site search needs the pagefind-bin package: run `make setup` (pyproject.toml pins it)") from err
    path: Path = get_executable()
    return path


def _argv(site: Path) -> list[str]:
    return [str(executable()), "--site", str(site), "--output-subdir", FOLDER, "--root-selector", ROOT_SELECTOR,
            "--exclude-selectors", ", ".join(EXCLUDE), "--glob", "**/index.html", "--force-language", "en", "--quiet"]


def start_indexing(site: Path) -> subprocess.Popen[bytes]:
    """Start indexing ``site`` in the background (the live preview): the running Pagefind."""
    try:
        return subprocess.Popen(_argv(site), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as err:
        raise SearchIndexError(f"could not run Pagefind: {err}") from err


def index_site(site: Path) -> None:
    """Write the search index of the built ``site`` into ``site/pagefind/``.

    Raises :class:`SearchIndexError` when Pagefind fails (its last line of output is the message).
    """
    argv = _argv(site)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as err:
        raise SearchIndexError(f"could not run Pagefind: {err}") from err
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind failed: {lines[-1] if lines else f'exit {proc.returncode}'}")


# A fragment file is gzip-compressed "pagefind_dcd" followed by the page's JSON record.
_FRAGMENT_PREFIX = b"pagefind_dcd"


def read_fragments(site: Path) -> list[dict[str, Any]]:
    """The page records of the search index of ``site`` (url, content, meta.title, anchors), one
    per indexed page, sorted by url: what a result shows."""
    records = []
    for path in sorted((site / FOLDER / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data.removeprefix(_FRAGMENT_PREFIX)))
    return sorted(records, key=lambda record: str(record.get("url")))
