"""``kb index`` and ``kb search``: a thin layer over :mod:`litkb.emit.search`.

Heavy modules are imported inside the commands: ``kb search`` must start, check the index and
answer within a second, so it loads the knowledge base only when the index has to be (re)built.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from .common import Context, load, update_search_index


class QueryProblem(click.ClickException):
    """A malformed query: one line on stderr, exit status 2."""

    exit_code = 2


def _index_dir(root: Path, given: Path | None) -> Path:
    from ..emit.search.store import default_index_dir

    if given is None:
        return default_index_dir(root)
    return given if given.is_absolute() else root / given


def _knowledge_base_root(obj: Context) -> Path:
    root: Path = obj.root.resolve()
    if not (root / "references.bib").is_file() and not (root / "kb").is_dir():
        raise click.ClickException(f"no knowledge base in {root} (no references.bib, no kb/); run kb in one, or pass --root DIR")
    return root


def _rebuild(root: Path, folder: Path, full: bool = False) -> tuple[dict[str, int], int]:
    """Load the knowledge base and update its index. Returns (counts, number of errors in the KB).
    Raises IndexNotWritten (one line) when the index cannot be written."""
    from ..emit.search.freshness import index_error
    from ..emit.search.store import IndexBusy, stamp_inputs

    stamps = stamp_inputs(root)  # before loading: an edit made meanwhile shows as stale later
    kb = load(root)
    try:
        counts = update_search_index(kb, folder, stamps=stamps, full=full)
    except (IndexBusy, OSError) as err:
        raise index_error(err, folder) from err
    return counts, len(kb.errors)


_INDEX_DIR_OPTION = click.option("--index-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                                 help="Index folder (default: .kb-index under --root).")


@click.command("index")
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of re-indexing what changed.")
@_INDEX_DIR_OPTION
@click.pass_obj
def index_command(obj: Context, full: bool, index_dir: Path | None) -> None:
    """Build or update the search index (git-ignored .kb-index/).

    Only notes, entries and concepts whose content changed are re-indexed. The new index is
    written beside the old one and swapped in at the end, so an interrupted run leaves the
    previous index answering. Exit 0 when the index is up to date, 1 when it could not be written.
    """
    from ..emit.search.freshness import IndexNotWritten, changed_since_built

    root = _knowledge_base_root(obj)
    folder = _index_dir(root, index_dir)
    if not full and changed_since_built(root, folder) == []:
        click.echo(f"index up to date in {folder} (no file changed since it was built)")
        return
    try:
        counts, errors = _rebuild(root, folder, full)
    except IndexNotWritten as err:
        raise click.ClickException(str(err)) from err
    if counts["rebuilt"]:
        click.echo(f"indexed {counts['documents']} documents into {folder}")
    elif counts["added"] or counts["changed"] or counts["removed"]:
        click.echo(f"index updated in {folder}: {counts['added']} added, {counts['changed']} changed, "
                   f"{counts['removed']} removed ({counts['documents']} documents)")
    else:
        click.echo(f"index up to date in {folder} ({counts['documents']} documents)")
    if errors:
        click.echo(f"note: the knowledge base has {errors} error(s); what could be read was indexed (see kb check)", err=True)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits shown per kind (source, claim, concept, author, question).")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON (stable field names).")
@click.option("--facets", is_flag=True, help="Also count matches per kind, concept, stance and year.")
@click.option("--refresh/--no-refresh", default=None, help="Refresh a stale index first (default: only when the knowledge base is small).")
@_INDEX_DIR_OPTION
@click.pass_obj
def search_command(obj: Context, query: tuple[str, ...], limit: int, as_json: bool, facets: bool, refresh: bool | None, index_dir: Path | None) -> None:
    """Search sources, claims, concepts, authors and question pages.

    \b
    QUERY is words and "phrases" (quote them for the shell: '"catch 22"'), with fields:
      author:spillane   concept:hybrid-leadership   stance:contests   kind:claim
      kind:question   year:2009   year:[2005 TO 2010]   key:gronn2009b   design:case-study
    combined with AND, OR, NOT and parentheses (words are ANDed by default).
    Concept names and aliases in the words also find the claims tagged with the concept.

    Exit 0 with or without hits; 2 for a malformed query.
    """
    from ..emit.search.freshness import IndexNotWritten, ensure_fresh
    from ..emit.search.query import QueryError, check_query
    from ..emit.search.results import render_text, to_json
    from ..emit.search.whoosh.searcher import IndexMissing, SearchIndex

    text = " ".join(query)
    try:
        check_query(text)  # before any index work: a typo in the query should fail fast
    except QueryError as err:
        raise QueryProblem(f"bad query: {err}") from err
    root = _knowledge_base_root(obj)
    folder = _index_dir(root, index_dir)
    try:
        notices = ensure_fresh(root, folder, refresh, lambda: _rebuild(root, folder), lambda text: click.echo(text, err=True))
    except IndexNotWritten as err:
        raise click.ClickException(str(err)) from err
    try:
        with SearchIndex(folder) as ix:
            result = ix.search(text, limit=limit, facets=facets)
    except QueryError as err:
        raise QueryProblem(f"bad query: {err}") from err
    except IndexMissing as err:
        raise click.ClickException(f"{err}; run `kb index`") from err
    result = replace(result, notices=tuple(notices))
    if as_json:
        click.echo(json.dumps(to_json(result), ensure_ascii=False, indent=2))
        return
    for notice in result.notices:
        click.echo(notice, err=True)
    click.echo(render_text(result, tty=sys.stdout.isatty()), nl=False)


COMMANDS: list[click.Command] = [index_command, search_command]
