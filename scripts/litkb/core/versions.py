"""The exact versions of the libraries whose internals litkb patches, and the check before patching.

Input: a distribution name and the version a patch set was written for. Output: nothing, or an
:class:`UnsupportedVersion` error whose message is one line for the user (the CLI prints it).
"""

from __future__ import annotations


class UnsupportedVersion(RuntimeError):
    """A library is installed in another version than the one litkb's patches were written for."""


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution`` (e.g. "whoosh3"), or None when it is not installed."""
    # Imported here: importlib.metadata costs ~30 ms, and every kb command imports this module.
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def require(distribution: str, version: str, what: str) -> None:
    """Raise :class:`UnsupportedVersion` unless ``distribution`` is installed in exactly ``version``."""
    found = installed_version(distribution)
    if found != version:
        raise UnsupportedVersion(
            f"{what} are written for {distribution} {version}, but {f'{distribution} {found} is' if found else 'it is not'} installed; "
            f"install the pinned versions (pip install -e . in the repository, see pyproject.toml)"
        )
