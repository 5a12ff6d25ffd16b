"""Is the index current? The staleness policy of ``kb search``: refresh a small stale index before
searching, only warn about a large one.

Input: the knowledge-base root, the index folder and a way to rebuild it (the caller loads the
knowledge base: this stage never reads notes). Output: notices for the reader. Cheap when nothing
changed: file sizes and times only (hashes when they moved), no loading.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import store

# A stale index is refreshed before searching when the inputs are this small (the real knowledge
# base loads in a fraction of a second); a larger one only gets a notice to run `kb index`.
AUTO_REFRESH_BYTES = 2_000_000


class IndexNotWritten(Exception):
    """The index could not be (re)built; the message is one line for the user."""


def index_error(err: store.IndexBusy | OSError, folder: Path) -> IndexNotWritten:
    """One-line error for a failed index write: another writer at work, or a file system error."""
    if isinstance(err, store.IndexBusy):
        return IndexNotWritten(f"{err}; try again when it has finished")
    return IndexNotWritten(f"cannot write the search index in {folder}: {err.strerror or err}")


def changed_since_built(root: Path, folder: Path) -> list[str] | None:
    """Input files changed since the current index was built ([] when none), or None when there
    is no usable index (none, unfinished, or of another schema version)."""
    version = store.current_version(folder)
    manifest = store.read_manifest(version) if version else None
    if version is None or manifest is None or manifest.schema != store.SCHEMA_VERSION:
        return None
    return store.changed_inputs(root, store.read_file_stamps(version))


def ensure_fresh(root: Path, folder: Path, refresh: bool | None, rebuild: Callable[[], object], say: Callable[[str], object]) -> list[str]:
    """Make sure an index exists before a search; refresh it when stale and small, or when
    ``refresh`` is True (never when it is False). Returns notices to show with the results.

    ``rebuild()`` loads the knowledge base and updates the index (raising :class:`IndexNotWritten`);
    ``say`` tells the user, before the wait, that a first index is being built.
    """
    changed = changed_since_built(root, folder)
    if changed is None:
        say(f"building the search index in {folder} (first search; `kb index` does this ahead of time)")
        rebuild()
        return []
    if refresh is False or not changed:
        return []
    size = sum(st.st_size for st in store.input_files(root).values())
    what = f"{len(changed)} file(s) changed since the index was built, e.g. {changed[0]}"
    if refresh or size <= AUTO_REFRESH_BYTES:
        try:
            rebuild()
        except IndexNotWritten as err:
            return [f"search index not refreshed ({err}); results may be out of date"]
        return [f"search index refreshed: {what}"]
    return [f"search index is stale: {what}; run `kb index` (results may be out of date)"]
