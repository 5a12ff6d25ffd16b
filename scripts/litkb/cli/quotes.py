"""`kb verify-quotes` and `kb fingerprint`: quotes against the full texts of their sources, or
against the committed fingerprints of those texts."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import Context, load

if TYPE_CHECKING:
    from ..rules.quotes import CitationCheck, QuoteCheck

_FULLTEXT_HELP = "Folder of full texts: <key>.txt or <key>.pdf, or mapped by --map."
_MAP_HELP = "YAML file 'key: file name' for texts not named by key (default: fulltext.yaml in the knowledge base, if present)."


def _texts(root: Path, folder: Path | None, mapping: Path | None) -> dict[str, Path]:
    """The full texts of ``folder`` by key (none without a folder); one line and exit 1 when a
    text or the mapping is refused, a "note:" line on standard error per mapped text not there."""
    from ..rules.quotes import FullTextError, load_fulltexts

    if folder is None:
        return {}
    shown = str(mapping) if mapping is not None else None
    if mapping is None and (root / "fulltext.yaml").is_file():
        mapping, shown = root / "fulltext.yaml", "fulltext.yaml"
    absent: list[str] = []
    try:
        texts = load_fulltexts(folder, mapping, shown, absent)
    except FullTextError as err:
        raise click.ClickException(str(err)) from err
    for line in absent:  # a mapped text the folder does not hold (e.g. a contributor's own folder)
        click.echo(f"note: {line}", err=True)
    return texts


@click.command("verify-quotes")
@click.option("--fulltext", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), help=_FULLTEXT_HELP)
@click.option("--map", "mapping", type=click.Path(dir_okay=False, path_type=Path), help=_MAP_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Also list the quotes too short to check without the full text, and the unverified ones.")
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text", show_default=True, help="github: each failure also as an annotation on the note's line (KB711, KB712).")
@click.pass_obj
def verify_quotes_command(obj: Context, folder: Path | None, mapping: Path | None, verbose: bool, fmt: str) -> None:
    """Check that every quote occurs verbatim in its source, on the pages its locator names.

    Each quote is checked against its source's full text when --fulltext has it, else against the
    committed fingerprint kb/fingerprints/<key>.json; the first line per source says which.
    Whitespace, line breaks, hyphenation at line ends and the form of quote marks are ignored;
    ellipses (..., [...]) split a quote into parts that must occur in order; a locator "p. N" or
    "pp. N-M" is checked where the pages are known (PDF full texts and their fingerprints). Each
    failure is printed with the note's file:line (and the closest passage of a full text). Each
    cited_as of a reported claim must also stand in its quote or in the paragraph of the full text
    that holds the quote (without the full text, only one standing in its quote is checked). Exit
    1 on any failure; quotes too short for the fingerprint, quotes of sources with neither text
    nor fingerprint and citations that need the full text are counted, not failed.
    """
    from ..load.fingerprint import load_fingerprints
    from ..load.fulltext import FullTextError
    from ..rules.quotes import FullText, verify_citations, verify_quotes

    root = obj.root
    texts = _texts(root, folder, mapping)
    kb = load(root)
    fingerprints, problems = load_fingerprints(kb.root)
    for found in problems:
        click.echo(found.text(), err=True)
    names = {key: f"kb/fingerprints/{key}.json" for key in fingerprints}
    cache: dict[str, FullText] = {}
    try:
        checks = verify_quotes(kb, texts, fingerprints, names, cache)
        citations = verify_citations(kb, texts, checks, cache)
    except FullTextError as err:
        raise click.ClickException(str(err)) from err
    _report(checks, citations, verbose)
    if fmt == "github":
        _annotate(checks, citations)
    sys.exit(1 if any(c.failed for c in checks) or any(c.status == "not-found" for c in citations) else 0)


def _annotate(checks: list[QuoteCheck], citations: list[CitationCheck]) -> None:
    """Each failure as a GitHub annotation on the quote's line (escaped like kb check's)."""
    from ..core.problems import format_problems, problem

    found = [
        problem(c.path, c.line, 1, "KB711" if c.status == "not-found" else "KB712", f"quote of {c.owner} {_failure(c)}")
        for c in checks
        if c.failed
    ]
    found += [problem(c.path, c.line, 1, "KB713", _citation_failure(c)) for c in citations if c.status == "not-found"]
    if found:
        click.echo(format_problems(found, "github"))


def _citation_failure(c: CitationCheck) -> str:
    return f"cited_as \"{c.cited_as}\" of {c.owner} is neither in its quote nor in the quote's paragraph of {c.text_name}"


def _report(checks: list[QuoteCheck], citations: list[CitationCheck], verbose: bool) -> None:
    """Per source what its quotes were checked against; each failure; the summary line."""
    by_key: dict[str, list[QuoteCheck]] = {}
    for c in checks:
        by_key.setdefault(c.text_key, []).append(c)
    for key, mine in sorted(by_key.items()):
        counts: Counter[str] = Counter(c.status for c in mine)
        against = f"the {mine[0].method} {mine[0].text_name}" if mine[0].method else "neither a full text nor a fingerprint (unverified)"
        parts = [f"{counts[s]} {label}" for s, label in _LABELS if counts[s]]
        unchecked = sum(c.page_unchecked for c in mine)
        pages = f" ({unchecked} page locator{'s' * (unchecked != 1)} not checked: the text has no pages)" if unchecked else ""
        click.echo(f"{key}: {len(mine)} quote{'s' * (len(mine) != 1)} against {against}: {', '.join(parts)}{pages}")
    for c in sorted(checks, key=lambda c: (c.path, c.line)):
        if c.failed:
            click.echo(f"{c.path}:{c.line}: quote of {c.owner} {_failure(c)}: \"{c.quote}\"")
            if c.closest:
                click.echo(f"    closest passage: \"{c.closest}\"")
        elif verbose and c.status in ("too-short", "unverified"):
            why = "too short to check without the full text" if c.status == "too-short" else "not verified (no full text or fingerprint)"
            click.echo(f"{c.path}:{c.line}: quote of {c.owner} {why}: \"{c.quote}\"")
    for cite in sorted(citations, key=lambda c: (c.path, c.line)):
        if cite.status == "not-found":
            click.echo(f"{cite.path}:{cite.line}: {_citation_failure(cite)}")
        elif verbose and cite.status == "needs-text":
            click.echo(f"{cite.path}:{cite.line}: cited_as \"{cite.cited_as}\" of {cite.owner} is not in its quote: its paragraph needs the full text")
    counts = Counter(c.status for c in checks)
    methods = Counter(c.method for c in checks if c.found)
    failed = sum(c.failed for c in checks)
    click.echo(
        f"{len(checks)} quotes: {counts['verified']} verified ({methods['full text']} against full texts, {methods['fingerprint']} against fingerprints), "
        f"{counts['too-short']} too short to check without the full text, {counts['unverified']} unverified (no full text or fingerprint): {failed} failed"
    )
    if citations:
        cited = Counter(c.status for c in citations)
        click.echo(f"{len(citations)} citations (cited_as) of verified quotes: {cited['found']} found, "
                   f"{cited['needs-text']} outside their quote need the full text: {cited['not-found']} not found")


_LABELS = (("verified", "verified"), ("too-short", "too short to check without the full text"), ("not-found", "not found"),
           ("wrong-pages", "on other pages"), ("no-page", "naming a page the text lacks"), ("unverified", "unverified"))


def _failure(c: QuoteCheck) -> str:
    if c.status == "not-found":
        return f"not found in {c.text_name}" if c.method == "full text" else f"not found in the fingerprint {c.text_name}"
    return f"{c.detail} ({c.text_name})"


@click.command("fingerprint")
@click.option("--fulltext", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help=_FULLTEXT_HELP)
@click.option("--map", "mapping", type=click.Path(dir_okay=False, path_type=Path), help=_MAP_HELP)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 unless every committed fingerprint is that of its full text.")
@click.pass_obj
def fingerprint_command(obj: Context, folder: Path, mapping: Path | None, check: bool) -> None:
    """Write kb/fingerprints/<key>.json for each source of the library with a full text.

    A fingerprint lets anyone check quotes (`kb verify-quotes`) without the full text, which
    cannot be read back from it (CONTRIBUTING.md, "How quotes are checked without the full
    texts"). Commit the files; never the full texts. Texts whose name is not a key of
    references.bib (and not mapped to one) are left out.
    """
    from ..contrib.fingerprints import write_fingerprints
    from ..load.fulltext import FullTextError

    root = obj.root
    kb = load(root)
    texts = {key: path for key, path in _texts(root, folder, mapping).items() if key in kb.sources}
    if not texts:
        raise click.ClickException(f"no full text in {folder} is named by a key of references.bib (or mapped to one)")
    try:
        written = write_fingerprints(kb.root, texts, check=check)
    except FullTextError as err:
        raise click.ClickException(str(err)) from err
    stale = [w for w in written if not w.unchanged]
    for w in written:
        state = "up to date" if w.unchanged else ("out of date" if check else "written")
        pages = f"{w.pages:,} page{'s' * (w.pages != 1)}" if w.pages else "no page labels"
        click.echo(f"{w.path}: {state} ({w.words:,} words, {pages}, {w.size:,} bytes)")
    if check and stale:
        click.echo(f"{len(stale)} fingerprint(s) out of date: run kb fingerprint --fulltext {folder} and commit them", err=True)
        sys.exit(1)


COMMANDS: list[click.Command] = [verify_quotes_command, fingerprint_command]
