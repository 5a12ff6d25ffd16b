"""What every ``kb`` command shares: the context (``--root``), loading the knowledge base and
reporting its problems (written once here), and updating the search index.

Heavy modules are imported inside the functions: ``kb search`` must start in a fraction of a second.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..core.model import KnowledgeBase
    from ..emit.search.store import FileStamp


class Context:
    """The group's options, handed to every command (``@click.pass_obj``)."""

    def __init__(self, root: Path) -> None:
        self.root = root


def load(root: Path) -> KnowledgeBase:
    """Load, validate and link the knowledge base at ``root`` (problems are in the result)."""
    from ..rules.link import build_kb

    return build_kb(root)


def report_problems(kb: KnowledgeBase, fmt: str = "text", *, err: bool = True, with_counts: bool = False) -> None:
    """Print every problem (``fmt``: text, github or json), then, as text, the summary line ("2
    errors, 1 warning"; with ``with_counts`` also what was loaded, and also when clean). Problems
    go to stderr when ``err``; the summary goes there whenever there are problems."""
    from ..core.problems import format_problems, summary_line

    problems = list(kb.problems)
    if problems:
        click.echo(format_problems(problems, fmt), err=err)
    if fmt == "text" and (problems or with_counts):
        questions = f", {len(kb.questions)} question{'s' * (len(kb.questions) != 1)}" if kb.questions else ""
        counts = f" ({len(kb.sources)} sources, {len(kb.notes)} notes, {len(kb.concepts)} concepts, {len(kb.claims)} claims{questions})" if with_counts else ""
        click.echo(f"{summary_line(problems)}{counts}", err=err or bool(problems))
    elif fmt == "json" and not problems:
        click.echo("[]")


def failed(kb: KnowledgeBase, strict: bool) -> bool:
    """Errors fail a command; warnings too when ``strict``."""
    return bool(kb.errors) or (strict and bool(kb.problems))


def load_checked(root: Path, strict: bool) -> KnowledgeBase:
    """Load the knowledge base and print its problems on stderr; exit 1 when it :func:`failed`."""
    kb = load(root)
    report_problems(kb)
    if failed(kb, strict):
        sys.exit(1)
    return kb


def update_search_index(kb: KnowledgeBase, folder: Path, stamps: Mapping[str, FileStamp] | None = None, full: bool = False) -> dict[str, int]:
    """Update the search index of ``kb`` in ``folder``, its labels in the site's citation style.
    Raises IndexBusy (another writer) or OSError; the caller words the message."""
    from ..emit.search.build import update_index
    from ..site.config import citation_style

    return update_index(kb, folder, stamps=stamps, full=full, style=citation_style(kb.root))
