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

Pagefind holds every word it indexes in memory until it writes the index: about 165 KB per source
page of the benchmark's 'reported' shape, 1.7 GB for 10,000 sources. A large site is therefore
indexed in bundles of at most :data:`SOURCES_PER_BUNDLE` source pages (the other pages cost a
tenth as much), one Pagefind run each: ``pagefind/`` and ``pagefind-1/``, ``pagefind-2/``...
Two runs go at a time (:data:`RUNS_AT_ONCE`): a run alone leaves a CPU idle for much of its time.
:data:`BUNDLES` in ``pagefind/`` lists the extra bundles, which the search interface merges into
one list of results (Pagefind's ``mergeIndex``). A site under the limit is one bundle, as before.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gzip
import json
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..core.workers import available_cpus

FOLDER = "pagefind"
# The article of a page, as Material writes it.
ROOT_SELECTOR = "article.md-content__inner"
# What search skips: our pages' marker (claim cards' evidence, tab labels: litkb.emit.pages.safe),
# the heading permalinks ("¶") and the edit button.
EXCLUDE = ("[data-search-exclude]", ".headerlink", ".md-content__button")
# The pages indexed (every page is a folder's index.html; the 404 page is no result).
PAGES_GLOB = "**/index.html"
# The same outside hidden folders (Pagefind's glob syntax): the first of several bundles, while
# the others' pages are held apart (_held_apart).
VISIBLE_PAGES_GLOB = "{index.html,[!.]*/**/index.html}"
SOURCES = "sources"
# Source pages per Pagefind run (about 330 MB of Pagefind's memory in the benchmark's shape), and
# runs at once: two runs of this size hold less than one run of twice the size did.
SOURCES_PER_BUNDLE = 2000
RUNS_AT_ONCE = 2
# The list of extra bundles, written into the first bundle (read by docs/javascripts/search.js).
BUNDLES = "kb-bundles.json"


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


def _argv(site: Path, output: Path | None = None, glob: str = PAGES_GLOB) -> list[str]:
    where = ["--output-subdir", FOLDER] if output is None else ["--output-path", str(output)]
    return [str(executable()), "--site", str(site), *where, "--root-selector", ROOT_SELECTOR,
            "--exclude-selectors", ", ".join(EXCLUDE), "--glob", glob, "--force-language", "en", "--quiet"]


def start_indexing(site: Path) -> subprocess.Popen[bytes]:
    """Start indexing ``site`` in the background (the live preview): the running Pagefind. The
    preview is indexed in one bundle."""
    _write_bundles(site, [])
    try:
        return subprocess.Popen(_argv(site), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as err:
        raise SearchIndexError(f"could not run Pagefind: {err}") from err


def bundles(site: Path, per_bundle: int | None = None) -> list[list[str]]:
    """The pages of ``site`` (paths of their ``index.html``, sorted) in bundles of at most
    ``per_bundle`` (default :data:`SOURCES_PER_BUNDLE`) source pages each; the first holds every
    other page too. The others hold only source pages whose folder holds no other page (a folder
    is moved whole while its bundle is indexed: :func:`_held_apart`)."""
    limit = SOURCES_PER_BUNDLE if per_bundle is None else per_bundle
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob(PAGES_GLOB))
    parts = [page.split("/") for page in pages]
    nested = {part[1] for part in parts if len(part) > 3 and part[0] == SOURCES}
    sources = [page for page, part in zip(pages, parts, strict=True) if len(part) == 3 and part[0] == SOURCES and part[1] not in nested]
    later = set(sources[limit:])
    first = [page for page in pages if page not in later]
    return [first] + [sources[start : start + limit] for start in range(limit, len(sources), limit)]


def bundle_folder(number: int) -> str:
    """``pagefind`` for the first bundle, ``pagefind-1``, ``pagefind-2``... for the others."""
    return FOLDER if number == 0 else f"{FOLDER}-{number}"


def index_site(site: Path, alongside: Callable[[], None] | None = None) -> None:
    """Write the search index of the built ``site`` into ``site/pagefind/`` (and, for a large
    site, the further bundles ``site/pagefind-N/``, listed in ``pagefind/kb-bundles.json``).
    ``alongside``: work for a thread of this process while Pagefind runs in its own (started once
    the pages are in place for Pagefind and finished before they are put back: the files are
    listed and moved while no other thread holds the interpreter, since each of those thousands
    of small system calls would otherwise wait for it). Raises :class:`SearchIndexError` when
    Pagefind fails (its last line of output is the message).
    """
    groups = bundles(site)
    with _held_apart(site, groups[1:]) as folders, _in_a_thread(alongside):
        runs = [_argv(site, glob=VISIBLE_PAGES_GLOB if folders else PAGES_GLOB)]
        runs += [_argv(folder, site / bundle_folder(number)) for number, folder in enumerate(folders, start=1)]
        _run_side_by_side(runs, min(RUNS_AT_ONCE, available_cpus()))
    _write_bundles(site, [f"{bundle_folder(n)}/" for n in range(1, len(groups))])


def _run_side_by_side(runs: list[list[str]], at_once: int) -> None:
    """Run each Pagefind command, ``at_once`` of them at a time, in the given order (a run alone
    left one of two CPUs idle for about a third of its time at 10,000 sources). A failure is
    raised once every started run has ended (the first in the given order, when several fail);
    the runs not yet started when it is seen are dropped."""
    if at_once <= 1 or len(runs) == 1:
        for argv in runs:
            _run(argv)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=at_once) as pool:
        started = [pool.submit(_run, argv) for argv in runs]
        try:
            for done in started:
                done.result()
        finally:
            for waiting in started:
                waiting.cancel()


@contextlib.contextmanager
def _in_a_thread(work: Callable[[], None] | None) -> Iterator[None]:
    """Run ``work`` (if any) in a thread for the duration of the block; its error is raised after."""
    if work is None:
        yield
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        done = thread.submit(work)
        try:
            yield
        finally:
            done.result()


@contextlib.contextmanager
def _held_apart(site: Path, extra: list[list[str]]) -> Iterator[list[Path]]:
    """Move the source pages' folders of each extra bundle into a folder of its own (Pagefind reads
    a folder), at the same paths under it, so that the results' URLs are the site's; the first
    bundle is what stays (the held folders are hidden, and the first bundle's glob skips hidden
    folders). Yields the bundles' folders; the pages are moved back afterwards. Renaming a folder
    is cheap where making one is not (about 0.5 ms on this machine's disk, 17,000 pages at
    10,000 sources). A build that stops here leaves them in its staging folder, discarded whole.
    """
    if not extra:
        yield []
        return
    hold = Path(tempfile.mkdtemp(prefix=".kb-pagefind-", dir=site))
    moved: list[tuple[Path, Path]] = []
    try:
        folders = []
        for number, pages in enumerate(extra, start=1):
            folder = hold / str(number)
            (folder / SOURCES).mkdir(parents=True)
            for page in pages:
                home = site / posixpath.dirname(page)
                away = folder / posixpath.dirname(page)
                home.rename(away)
                moved.append((away, home))
            folders.append(folder)
        yield folders
    finally:
        for away, home in reversed(moved):
            away.rename(home)
        shutil.rmtree(hold)


def _run(argv: list[str]) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as err:
        raise SearchIndexError(f"could not run Pagefind: {err}") from err
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind failed: {lines[-1] if lines else f'exit {proc.returncode}'}")


def _write_bundles(site: Path, extra: list[str]) -> None:
    """``pagefind/kb-bundles.json``: the extra bundles' folders, relative to the site root."""
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BUNDLES).write_text(json.dumps({"merge": extra}) + "\n", encoding="utf-8")


# A fragment file is gzip-compressed "pagefind_dcd" followed by the page's JSON record.
_FRAGMENT_PREFIX = b"pagefind_dcd"


def read_fragments(site: Path) -> list[dict[str, Any]]:
    """The page records of the search index of ``site`` (url, content, meta.title, anchors), one
    per indexed page, sorted by url, from every bundle: what a result shows."""
    folders = [FOLDER] + [str(extra).rstrip("/") for extra in json.loads((site / FOLDER / BUNDLES).read_text(encoding="utf-8"))["merge"]]
    records = []
    for folder in folders:
        for path in sorted((site / folder / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(path.read_bytes())
            records.append(json.loads(data.removeprefix(_FRAGMENT_PREFIX)))
    return sorted(records, key=lambda record: str(record.get("url")))
