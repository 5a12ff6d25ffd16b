"""Hostile input at load and check time: links, devices and huge files under kb/, YAML bombs,
BibTeX bombs, and what ``kb check`` must refuse so that the build can never fail or run away.

Every reproduction of an attack runs in a child process with a memory and time bound
(:mod:`bounded`): before the fixes, these crashed the interpreter (exit -11), ran out of memory
or hung, and the test must see that as a failure, not take the test runner down with it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bounded import in_child, run_kb
from conftest import FIXTURES, REPO, check_golden
from litkb.core import limits, urls
from litkb.emit.pages import ReferenceFormatter, render_pages
from litkb.load.bibtex import parse_bibtex, resolve_value
from litkb.load.yamlload import compose_yaml, depth_bound
from litkb.rules.link import build_kb

VALID = FIXTURES / "invalid" / "valid"
NOTE = "kb/sources/spillane2006.yaml"


def _kb(tmp_path: Path, name: str = "kb") -> Path:
    root = tmp_path / name
    shutil.copytree(VALID, root)
    (root / "expected.txt").unlink()
    return root


def _note(root: Path, text: str, name: str = NOTE) -> None:
    (root / name).write_text(text, encoding="utf-8")


# -- files: links, devices, folders, size ------------------------------------------------------
def test_hostile_files_are_refused_without_being_read(tmp_path: Path) -> None:
    """A link out of the repository, a link to /dev/zero, a pipe, a folder, an oversized note
    and file names that could forge output lines each give one located problem; none is read
    (the child has 400 MB and 60 s)."""
    root = _kb(tmp_path)
    outside = tmp_path / "secret.yaml"
    outside.write_text("key: gronn2009b\nsummary: SECRET outside the repository\nkind: review\n", encoding="utf-8")
    sources = root / "kb" / "sources"
    os.symlink(outside, sources / "gronn2009b.yaml")
    os.symlink("/dev/zero", sources / "zero.yaml")
    os.mkfifo(sources / "pipe.yaml")
    (sources / "folder.yaml").mkdir()
    (sources / "huge.yaml").write_bytes(b"# " + b"x" * limits.MAX_YAML_BYTES)
    (sources / "notes.txt").symlink_to("/dev/zero")  # not a note: never opened
    for name in (b"forged.yaml:1:1: error KB000: fake\nx.yaml", b"\xff\xfe.yaml", "rtl\u202elmth.yaml".encode()):
        (sources / os.fsdecode(name)).write_text("key: x\n", encoding="utf-8")
    run = run_kb(root, "check")
    assert run.returncode == 1, run
    check_golden(FIXTURES / "check" / "hostile-files.txt", run.stdout)
    assert "SECRET" not in run.stdout


def test_linked_folders_and_library_are_refused(tmp_path: Path) -> None:
    elsewhere = _kb(tmp_path, "elsewhere")
    root = _kb(tmp_path)
    shutil.rmtree(root / "kb" / "concepts")
    os.symlink(elsewhere / "kb" / "concepts", root / "kb" / "concepts")
    (root / "references.bib").unlink()
    os.symlink(elsewhere / "references.bib", root / "references.bib")
    kb = build_kb(root)
    found = {(p.path, p.code) for p in kb.problems}
    assert ("kb/concepts", "KB004") in found
    assert ("references.bib", "KB004") in found
    assert not kb.concepts and not kb.sources
    # The whole kb/ folder as a link: refused at its first part.
    other = _kb(tmp_path, "other")
    shutil.rmtree(other / "kb")
    os.symlink(elsewhere / "kb", other / "kb")
    kb = build_kb(other)
    assert ("kb", "KB004") in {(p.path, p.code) for p in kb.problems}
    assert not kb.notes


def test_a_linked_note_is_not_published(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    outside = tmp_path / "spillane2006.yaml"
    shutil.move(root / NOTE, outside)
    os.symlink(outside, root / NOTE)
    kb = build_kb(root)
    assert not kb.notes
    pages = {page.path: page.content for page in render_pages(kb, style="apa", references=ReferenceFormatter())}
    assert "practice-not-role" not in str(pages[urls.source_path("spillane2006")])


def test_oversized_library_is_one_problem(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    with (root / "references.bib").open("ab") as handle:
        handle.truncate(limits.MAX_BIB_BYTES + 1)  # sparse: costs no disk
    run = run_kb(root, "check", megabytes=300)
    assert run.returncode == 1
    assert "references.bib:1:1: error KB006: file holds 33,554,433 bytes (at most 33,554,432) (split it, or shorten it)" in run.stdout.splitlines()


# -- YAML bombs --------------------------------------------------------------------------------
def _flow_alias_bomb(claims: int, items: int) -> str:
    """The attack round's note: anchors and aliases right after ':' in flow mappings, which the
    old pre-scan missed (396 KB took 69 s and 11.2 GB; 1.5 MB died with a MemoryError)."""
    links = ", ".join("{concept: distributed-leadership, stance: defines}" for _ in range(items))
    lines = [f'  - {{"id": "c0", "text": "t", "locator": "p. 1", "concepts":&L [{links}]}}']
    lines += [f'  - {{"id": "c{i}", "text": "t", "locator": "p. 1", "concepts":*L}}' for i in range(1, claims)]
    return "key: spillane2006\nsummary: s\nkind: conceptual\nclaims:\n" + "\n".join(lines) + "\n"


def test_flow_alias_bomb_is_refused_before_expanding(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    _note(root, _flow_alias_bomb(5000, 1000))
    assert 300_000 < (root / NOTE).stat().st_size < limits.MAX_YAML_BYTES
    run = run_kb(root, "check", seconds=60, megabytes=400)
    assert run.returncode == 1, run
    assert run.stdout.splitlines()[0] == "kb/sources/spillane2006.yaml:5:61: error KB205: YAML anchor 'L' is not allowed"


@pytest.mark.parametrize(
    "where",
    [
        '{"a":&x [1], "b":*x}',  # after ':' of a quoted key, no space
        "[&x a, *x]",
        "{? &x a : b}",
        "- !!str &x a\n- *x",  # after a tag
        "a: &x\n  - b\nc: *x",
        "a:\t&x b\nc: *x",
        "[*x]",  # an alias alone (the composer would only then find it undefined)
    ],
)
def test_anchors_and_aliases_are_refused_wherever_yaml_allows_them(where: str) -> None:
    node, problems = compose_yaml(where, "n.yaml")
    assert node is None
    assert [p.code for p in problems] == ["KB205"]


def test_large_note_is_one_line_not_a_memory_error(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    _note(root, _flow_alias_bomb(22000, 1000))  # the 1.5 MB variant
    size = (root / NOTE).stat().st_size
    assert size > 1_500_000
    run = run_kb(root, "check", seconds=60, megabytes=400)
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == f"kb/sources/spillane2006.yaml:1:1: error KB006: file holds {size:,} bytes (at most 1,048,576) (split it, or shorten it)"
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "deep",
    [
        "cites: " + "[" * 50_000 + "]" * 50_000,  # crashed libyaml's composer (exit -11)
        "cites: " + "{a: " * 50_000 + "}" * 50_000,
        "cites:\n" + "- " * 50_000 + "x",  # compact block sequences on one line
        'cites: ["]", ' * 50_000 + "]" * 50_000,  # closers inside quotes must not hide the depth
        "cites: " + "[!t] " * 20_000,
        "cites:\r" + "\r".join(" " * i + "- " for i in range(0, 600, 2)) + "x",  # lone CR line breaks
    ],
)
def test_deep_nesting_is_refused_without_crashing(tmp_path: Path, deep: str) -> None:
    root = _kb(tmp_path)
    _note(root, "key: spillane2006\nsummary: s\nkind: conceptual\n" + deep + "\n")
    run = run_kb(root, "check", seconds=60, megabytes=400)
    assert run.returncode == 1, run  # not -11
    first = run.stdout.splitlines()[0]
    assert " error KB207: YAML nested more than 64 levels deep" in first or " error KB201: " in first, first


def test_depth_bound_never_undercounts() -> None:
    """The cheap bound that decides whether a note needs the exact scan is never below the real
    depth, including with brackets in quotes, comments and plain text."""
    import yaml

    from litkb.load.yamlload import _Loader

    samples = [
        "a: [b, [c, {d: [e]}]]",
        'a: ["]]]", [b, "[["]]',
        "a: [b] # ]]]\nc: [[d]]",
        "- - - - [x]",
        "a:\n  - b:\n      - [c, {d: e}]",
        "a: 'it''s [x]'\nb: [[[y]]]",
        "a: b [c] d\ne: [[f]]",
        "? - ? - [a]\n: b",
    ]
    for text in samples:
        depth = max_depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                max_depth = max(max_depth, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        assert depth_bound(text) >= max_depth, text


def test_real_notes_skip_the_exact_scan() -> None:
    for path in sorted((REPO / "kb" / "sources").glob("*.yaml")):
        assert depth_bound(path.read_text(encoding="utf-8")) <= limits.MAX_YAML_DEPTH, path


# -- BibTeX bombs ------------------------------------------------------------------------------
def test_string_macro_expansion_is_cut_not_built() -> None:
    macros = {"m": "x" * 100_000}
    value, undefined = resolve_value("m # " * 100_000 + "m", macros)
    assert len(value) == limits.MAX_ENTRY + 1
    assert undefined == []


def test_string_macro_bomb_is_one_problem(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write("@string{m = {" + "x" * 100_000 + "}}\n@book{bomb, title = {T}, year = {2000}, note = " + "m # " * 200_000 + "m}\n")
    run = run_kb(root, "check", seconds=60, megabytes=400)
    assert run.returncode == 1
    assert "KB112: field 'note' of 'bomb' is 20,001 characters long" in run.stdout


def test_four_thousand_authors_are_refused(tmp_path: Path) -> None:
    """One entry with 4,000 authors passed kb check and made 746 MB of author pages."""
    root = _kb(tmp_path)
    names = " and ".join(f"Person{i}, A." for i in range(4000))
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(f"@article{{many, author = {{{names}}}, title = {{T}}, year = {{2000}}, verification = {{verified}}, verification_note = {{x}}}}\n")
    run = run_kb(root, "check", seconds=60, megabytes=400)
    assert run.returncode == 1
    assert "error KB113: field 'author' of 'many' names 4,000 persons (at most 100)" in run.stdout


def test_key_rules_are_the_same_for_import() -> None:
    """parse_bibtex (also used by kb import) leaves out over-limit entries."""
    library, problems = parse_bibtex("@book{" + "k" * 101 + ", title = {T}, year = {2000}}\n@book{ok, title = {T}, year = {2000}}\n", "x.bib")
    assert list(library.entries) == ["ok"]
    assert [p.code for p in problems if p.severity == "error"] == ["KB111"]


# -- what the site needs: safe ids, unique pages, linear pages ---------------------------------------
def test_person_ids_are_safe_and_never_reserved() -> None:
    kb = build_kb(FIXTURES / "invalid" / "bibtex-limits")
    ids = {person.id for person in kb.persons.values()}
    assert "index_" in ids  # the corporate author {Index}
    assert "smith" in ids  # "Smith, #" and "Smith, ?": no initial rather than an unsafe one
    for pid in ids:
        assert pid.casefold() not in urls.RESERVED_PAGE_NAMES
        assert all(c.isalnum() or c in "-_" for c in pid), pid
        assert len(pid.encode()) < 100


def test_pages_never_share_a_path(tmp_path: Path) -> None:
    kb = build_kb(FIXTURES / "invalid" / "bibtex-limits")
    paths = [page.path.casefold() for page in render_pages(kb, style="apa", references=ReferenceFormatter())]
    assert len(paths) == len(set(paths))


def _coauthor_lines(root: Path) -> int:
    pages = render_pages(build_kb(root), style="apa", references=ReferenceFormatter())
    return sum(str(page.content).count(" shared work") for page in pages if page.path.startswith("authors/"))


def test_coauthor_sections_grow_linearly(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    names = " and ".join(f"Person{i}, A." for i in range(limits.MAX_NAMES))
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(f"@article{{many, author = {{{names}}}, title = {{T}}, year = {{2000}}, verification = {{verified}}, verification_note = {{x}}}}\n")
    assert not build_kb(root).errors
    status, lines = in_child(_coauthor_lines, root, seconds=60, megabytes=1000)
    assert status == "ok", lines
    assert lines == limits.MAX_NAMES * limits.MAX_COAUTHORS_SHOWN  # not 100 x 99


def _concept(root: Path, cid: str, broader: list[str]) -> None:
    text = f"id: {cid}\nlabel: {cid}\ndefinition:\n  text: t\n  source: spillane2006\n  locator: \"p. 1\"\n"
    if broader:
        text += f"broader: [{', '.join(broader)}]\n"
    (root / "kb" / "concepts" / f"{cid}.yaml").write_text(text, encoding="utf-8")


def _concepts_index_lines(root: Path) -> int:
    pages = {page.path: page.content for page in render_pages(build_kb(root), style="apa", references=ReferenceFormatter())}
    return str(pages["concepts/index.md"]).count("\n- ") + str(pages["concepts/index.md"]).count("    - ")


def test_concept_tree_grows_linearly_with_shared_parents(tmp_path: Path) -> None:
    """Thirty levels of two concepts each, every one under both of the level above: listing each
    subtree under every parent made 2^30 lines."""
    root = _kb(tmp_path)
    above: list[str] = []
    for level in range(30):
        names = [f"l{level}-a", f"l{level}-b"]
        for name in names:
            _concept(root, name, above)
        above = names
    kb = build_kb(root)
    assert not kb.errors
    status, lines = in_child(_concepts_index_lines, root, seconds=60, megabytes=1000)
    assert status == "ok", lines
    assert lines < 200  # one line per concept and parent link: 2 + 2 x 2 x 29 + 2 others


def test_deep_concept_chains_are_cut_without_recursion_errors(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    previous: list[str] = []
    for i in range(2000):
        _concept(root, f"c{i:04d}", previous)
        previous = [f"c{i:04d}"]
    status, found = in_child(lambda: [p.text() for p in build_kb(root).problems], seconds=60, megabytes=1000)
    assert status == "ok", found
    assert len(found) == 2000 // (limits.MAX_CONCEPT_DEPTH + 1)
    assert all(" error KB409: " in line for line in found)
    status, lines = in_child(_concepts_index_lines, root, seconds=60, megabytes=1000)
    assert status == "ok", lines



def test_did_you_mean_hints_are_bounded_per_file(tmp_path: Path) -> None:
    """Each hint compares a key with every key of the library: a note citing thousands of
    unknown keys must not make kb check quadratic."""
    root = _kb(tmp_path)
    unknown = ", ".join(f"gronn2009{i}" for i in range(limits.MAX_HINTS_PER_FILE + 10))
    _note(root, (VALID / NOTE).read_text(encoding="utf-8").replace("cites: [gronn2009b]", f"cites: [{unknown}]"))
    found = [p for p in build_kb(root).problems if p.code == "KB405"]
    assert len(found) == limits.MAX_HINTS_PER_FILE + 10
    assert sum("did you mean 'gronn2009b'?" in p.hint for p in found) == limits.MAX_HINTS_PER_FILE
