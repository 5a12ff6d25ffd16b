"""What every ``kb`` command shares: the context (``--root``), loading the knowledge base and
reporting its problems (written once here), and updating the search index.

Heavy modules are imported inside the functions: ``kb search`` must start in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..core.model import KnowledgeBase, Source
    from ..core.problems import Problem
    from ..emit.search.store import FileStamp


class Context:
    """The group's options, handed to every command (``@click.pass_obj``)."""

    def __init__(self, root: Path) -> None:
        self.root = root


def load(root: Path, on_library: Callable[[Mapping[str, Source]], None] | None = None) -> KnowledgeBase:
    """Load, validate and link the knowledge base at ``root`` (problems are in the result);
    ``on_library``: see :func:`litkb.rules.link.build_kb`."""
    from ..rules.link import build_kb

    return build_kb(root, on_library)


def report_problems(kb: KnowledgeBase, fmt: str = "text", *, err: bool = True, with_counts: bool = False, extra: Sequence[Problem] = ()) -> None:
    """Print every problem (``fmt``: text, github or json) of ``kb`` and the ``extra`` ones, then,
    as text, the summary line ("2 errors, 1 warning"; with ``with_counts`` also what was loaded,
    and also when clean). Problems go to stderr when ``err``; the summary goes there whenever
    there are problems."""
    from ..core.problems import format_problems, summary_line

    problems = [*kb.problems, *extra]
    if problems:
        click.echo(format_problems(problems, fmt), err=err)
    if fmt == "text" and (problems or with_counts):
        questions = f", {len(kb.questions)} question{'s' * (len(kb.questions) != 1)}" if kb.questions else ""
        counts = f" ({len(kb.sources)} sources, {len(kb.notes)} notes, {len(kb.concepts)} concepts, {len(kb.claims)} claims{questions})" if with_counts else ""
        click.echo(f"{summary_line(problems)}{counts}", err=err or bool(problems))
    elif fmt == "json" and not problems:
        click.echo("[]")


def failed(kb: KnowledgeBase, strict: bool, extra: Sequence[Problem] = ()) -> bool:
    """Errors fail a command; warnings too when ``strict`` (those of ``kb`` and the ``extra`` ones)."""
    return bool(kb.errors) or any(p.severity == "error" for p in extra) or (strict and bool(kb.problems or extra))


def load_checked(root: Path, strict: bool, on_library: Callable[[Mapping[str, Source]], None] | None = None) -> KnowledgeBase:
    """Load the knowledge base and print its problems on stderr; exit 1 when it :func:`failed`."""
    kb = load(root, on_library)
    report_problems(kb)
    if failed(kb, strict):
        sys.exit(1)
    return kb


def update_search_index(kb: KnowledgeBase, folder: Path, stamps: Mapping[str, FileStamp] | None = None, full: bool = False) -> dict[str, int]:
    """Update the search index of ``kb`` in ``folder``, its labels in the site's citation style.
    Raises IndexBusy (another writer) or OSError; the caller words the message."""
    from ..emit.search.build import update_index
    from ..site.config import citation_style

    return update_index(kb, folder, stamps=stamps, full=full, style=citation_style(kb.root), loader=loader_fingerprint())


def update_search_index_from_notes(root: Path, folder: Path, stamps: Mapping[str, FileStamp]) -> tuple[dict[str, int], int] | None:
    """Update the search index when only notes changed, reading just them (see
    :func:`litkb.emit.search.build.update_notes`): (counts, errors in the knowledge base), or
    None when the whole knowledge base must be loaded. Raises as :func:`update_search_index`."""
    from ..emit.search.build import update_notes
    from ..rules.link import load_notes
    from ..site.config import citation_style

    return update_notes(root, folder, stamps, load_notes, loader_fingerprint(), style=citation_style(root))


def loader_fingerprint() -> str:
    """A digest of the code that loads and links the knowledge base (litkb's core, load and
    rules): the search index keeps a snapshot of what was loaded, and only the same code may
    reuse it instead of loading again."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1()
    for folder in ("core", "load", "rules"):
        for path in sorted((package / folder).glob("*.py")):
            digest.update(f"{folder}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
