"""CONTRIBUTING.md and the command reference are generated from the code and cannot drift: every
problem code and every command (with its help text) appears; the example note is valid."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import markdown
import pytest
import yaml

from conftest import REPO
from litkb.cli.main import main as cli_main
from litkb.cli.reference import iter_commands, render_cli_reference
from litkb.contrib.docs import main
from litkb.core.problems import CODES, Code
from litkb.emit.pages.contributing import BEGIN, END, contributing_page, render_problem_table, update_contributing
from litkb.rules.link import build_kb

CONTRIBUTING = REPO / "CONTRIBUTING.md"


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_contributing_is_up_to_date() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert update_contributing(text) == text, "run: .venv/bin/python -m litkb.contrib.docs"
    assert main(["--check"]) == 0


def test_every_problem_code_is_in_contributing_with_meaning_and_fix() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    section = text[text.index(BEGIN) : text.index(END)]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in section.splitlines() if line.startswith("| KB")}
    assert sorted(rows) == sorted(CODES)
    for code in CODES.values():
        row = rows[code.code]
        assert f"| {code.severity} |" in row
        # The meaning and fix appear (pipes inside code are written as entities for GitHub).
        plain = row.replace("&#124;", "|").replace("\\|", "|").replace("<code>", "`").replace("</code>", "`")
        assert code.meaning in plain and code.fix in plain


def test_problem_table_renders_one_row_per_code_on_the_site() -> None:
    html = markdown.markdown(render_problem_table(), extensions=["tables"])
    cells = re.findall(r"<tr>\s*<td>(KB\d{3})</td>\s*<td>(error|warning)</td>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*</tr>", html, re.S)
    assert [c[0] for c in cells] == sorted(CODES)
    kb109 = dict((c[0], c[2]) for c in cells)["KB109"]
    assert "verification = {verified|partial|unverified|unknown}" in kb109.replace("&#124;", "|")


def test_a_new_code_makes_the_check_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "CONTRIBUTING.md"
    shutil.copy(CONTRIBUTING, copy)
    assert main(["--check", "--file", str(copy)]) == 0
    monkeypatch.setitem(CODES, "KB999", Code("KB999", "warning", "A test code.", "Nothing | to do."))
    assert main(["--check", "--file", str(copy)]) == 1
    assert main(["--file", str(copy)]) == 0  # rewrites the table
    rewritten = copy.read_text(encoding="utf-8")
    assert "| KB999 | warning | A test code. | Nothing \\| to do. |" in rewritten
    assert _outside_markers(rewritten) == _outside_markers(CONTRIBUTING.read_text(encoding="utf-8"))  # only the table changed


def _outside_markers(text: str) -> str:
    return text[: text.index(BEGIN)] + text[text.index(END) :]


def test_markers_missing_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "C.md"
    bad.write_text("# no markers\n", encoding="utf-8")
    assert main(["--check", "--file", str(bad)]) == 1


def test_every_command_is_in_the_cli_reference_with_its_help() -> None:
    reference = render_cli_reference()
    squashed = _squash(reference)
    commands = iter_commands()
    paths = {path for path, _ in commands}
    # The contributors' commands and the core ones are there (other areas add more).
    assert {"kb", "kb check", "kb schema", "kb new", "kb new source", "kb new concept", "kb import", "kb diff"} <= paths
    for path, command in commands:
        assert f"`{path}`" in reference, path
        assert command.help, f"{path} has no help text"
        assert _squash(click.unstyle(command.help).split("\n\n")[0].replace("\b", "")) in squashed, path
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                assert _squash(param.help.split("[")[0])[:40] in squashed, (path, param.name)


def test_cli_reference_is_deterministic_and_nested() -> None:
    first = render_cli_reference()
    assert first == render_cli_reference()
    assert "### `kb new source`" in first or "#### `kb new source`" in first
    assert "Usage: kb new source [OPTIONS] KEY" in first


def test_contributing_page_for_the_site() -> None:
    page = contributing_page(CONTRIBUTING.read_text(encoding="utf-8")).content
    assert isinstance(page, str)
    assert page == CONTRIBUTING.read_text(encoding="utf-8")
    # No relative links: the page is built by MkDocs --strict, where a link to a repository file breaks.
    links = re.findall(r"\]\(([^)]+)\)", page)
    assert all(link.startswith(("#", "http://", "https://")) for link in links), links


def test_contributing_page_without_the_file() -> None:
    page = contributing_page(None).content
    assert isinstance(page, str) and page.startswith("# How to contribute")
    assert all(code in page for code in CODES)


def _example_note() -> str:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return next(b for b in blocks if b.lstrip("#").count("\n") > 10 and "key: torrance2013catch22" in b)


def test_example_note_is_valid_and_its_quotes_are_real(tmp_path: Path) -> None:
    """The annotated example passes kb check against the real library and vocabulary, and every
    quote in it is one of the real note's quotes (nothing invented for the example)."""
    root = tmp_path / "kb"
    (root / "kb/sources").mkdir(parents=True)
    shutil.copy(REPO / "references.bib", root / "references.bib")
    shutil.copytree(REPO / "kb/concepts", root / "kb/concepts")
    example = _example_note()
    (root / "kb/sources/torrance2013catch22.yaml").write_text(example, encoding="utf-8")
    kb = build_kb(root)
    assert [p.text() for p in kb.problems] == []
    assert len(kb.claims) == 4
    real = yaml.safe_load((REPO / "kb/sources/torrance2013catch22.yaml").read_text(encoding="utf-8"))
    real_quotes = {c["quote"] for c in real["claims"] + real["reported"]}
    for claim in kb.claims:
        assert claim.quote in real_quotes, claim.id
    assert set(kb.notes["torrance2013catch22"].cites) <= set(real["cites"])


def test_every_stance_and_kind_is_explained() -> None:
    from litkb.core.vocabulary import STANCES, WORK_KINDS

    text = CONTRIBUTING.read_text(encoding="utf-8")
    for stance in STANCES:
        assert f"| `{stance}` |" in text
    for kind in WORK_KINDS:
        assert f"`{kind}`" in text
    for command in ("kb new source", "kb new concept", "kb import", "kb diff", "kb verify-quotes", "kb check", "kb serve"):
        assert command in text


def test_cli_main_is_the_group_walked() -> None:
    assert iter_commands()[0] == ("kb", cli_main)


def test_make_docs_rewrites_a_stale_cli_reference(tmp_path: Path) -> None:
    from litkb.cli.reference import main as reference_main

    assert reference_main(["--check"]) == 0  # docs/cli.md is current
    stale = tmp_path / "cli.md"
    stale.write_text("# Command reference\n\nold\n", encoding="utf-8")
    assert reference_main(["--check", "--file", str(stale)]) == 1
    assert stale.read_text(encoding="utf-8") == "# Command reference\n\nold\n"  # --check writes nothing
    assert reference_main(["--file", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == render_cli_reference()
    missing = tmp_path / "new" / "cli.md"
    assert reference_main(["--file", str(missing)]) == 0 and missing.read_text(encoding="utf-8") == render_cli_reference()
