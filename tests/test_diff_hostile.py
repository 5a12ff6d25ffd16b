"""`kb diff` on revisions built with git plumbing to attack it: tree entries whose names climb out
of the temporary folder, symlinks, submodules and folders where files are read, duplicate names.
Git accepts such trees (``hash-object --literally``), and fetching a contributor's branch is enough
to have one. Each is refused with one line, and nothing is written outside the temporary folder."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from litkb.cli.main import main
from test_contrib_diff import GIT_ENV, make_repo

NOTE = b"key: hostile\n"


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, input=data, capture_output=True, check=True)
    return done.stdout.decode().strip()


def blob(repo: Path, data: bytes) -> str:
    return git(repo, "hash-object", "-w", "--stdin", data=data)


def tree(repo: Path, entries: list[tuple[str, bytes, str]]) -> str:
    """A tree object written as given (names unchecked, order kept): (mode, name, object id)."""
    raw = b"".join(mode.encode() + b" " + name + b"\0" + bytes.fromhex(oid) for mode, name, oid in entries)
    return git(repo, "hash-object", "-t", "tree", "--literally", "-w", "--stdin", data=raw)


def hostile_commit(repo: Path, tag: str, sources: list[tuple[str, bytes, str]] | None = None, bib: tuple[str, str] | None = None) -> None:
    """Commit ``tag``: HEAD's tree with kb/sources replaced by ``sources`` and/or references.bib by
    (mode, object id) ``bib``."""
    concepts = git(repo, "rev-parse", "HEAD:kb/concepts")
    sources_tree = tree(repo, sources) if sources is not None else git(repo, "rev-parse", "HEAD:kb/sources")
    kb = tree(repo, [("40000", b"concepts", concepts), ("40000", b"sources", sources_tree)])
    bib_mode, bib_oid = bib or ("100644", git(repo, "rev-parse", "HEAD:references.bib"))
    root = tree(repo, [("40000", b"kb", kb), (bib_mode, b"references.bib", bib_oid)])
    commit = git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit-tree", root, "-p", "HEAD", "-m", tag)
    git(repo, "tag", tag, commit)


@pytest.fixture()
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(repository, the folder kb diff makes its temporary folder in)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return make_repo(tmp_path / "repo"), temp


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    return result.exit_code, result.output


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_names_climbing_out_of_the_temporary_folder_write_nothing(scratch: tuple[Path, Path], tmp_path: Path) -> None:
    repo, temp = scratch
    note = blob(repo, NOTE)
    # The temporary folder is tmp/kb-diff-*/base/kb/sources: five levels up is tmp_path itself.
    climbing = b"../../../../../escaped.yaml"
    absolute = str(tmp_path / "absolute.yaml").encode()
    hostile_commit(repo, "climb", [("100644", climbing, note)])
    hostile_commit(repo, "absolute", [("100644", b"a.yaml", note), ("100644", absolute, note)])
    before = files_under(tmp_path)
    assert run(repo, "diff", "climb") == (1, "Error: revision 'climb' holds a file whose name is not a plain file name: "
                                             "'kb/sources/../../../../../escaped.yaml'; kb diff refuses it\n")
    code, out = run(repo, "diff", "base", "absolute")
    assert code == 1
    assert out == f"Error: revision 'absolute' holds a file whose name is not a plain file name: 'kb/sources/{tmp_path}/absolute.yaml'; kb diff refuses it\n"
    assert not (tmp_path / "escaped.yaml").exists() and not (tmp_path / "absolute.yaml").exists()
    assert files_under(tmp_path) == before  # nothing new anywhere, the temporary folder removed again
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "mode", "expected"),
    [
        (b"..", "40000", "holds a file whose name is not a plain file name: 'kb/sources/..'"),
        (b"..\\evil.yaml", "100644", "holds a file whose name is not a plain file name: 'kb/sources/..\\\\evil.yaml'"),
        (b"evil.yaml", "120000", "has a symbolic link at 'kb/sources/evil.yaml', where kb reads a regular file"),
        (b"evil.yaml", "160000", "has a submodule (gitlink) at 'kb/sources/evil.yaml', where kb reads a regular file"),
        (b"evil.yaml", "40000", "has a folder at 'kb/sources/evil.yaml', where kb reads a regular file"),
    ],
)
def test_entries_that_are_not_plain_regular_files_are_refused(scratch: tuple[Path, Path], name: bytes, mode: str, expected: str) -> None:
    repo, temp = scratch
    oids = {"100644": blob(repo, NOTE), "120000": blob(repo, b"/etc/passwd"), "160000": git(repo, "rev-parse", "HEAD"),
            "40000": tree(repo, [("100644", b"inner.yaml", blob(repo, NOTE))])}
    hostile_commit(repo, "hostile", [(mode, name, oids[mode])])
    assert run(repo, "diff", "hostile") == (1, f"Error: revision 'hostile' {expected}; kb diff refuses it\n")
    assert list(temp.iterdir()) == []


def test_references_bib_as_a_symlink_and_duplicate_names_are_refused(scratch: tuple[Path, Path]) -> None:
    repo, _ = scratch
    hostile_commit(repo, "linked-bib", bib=("120000", blob(repo, b"/etc/passwd")))
    assert run(repo, "diff", "linked-bib") == (
        1, "Error: revision 'linked-bib' has a symbolic link at 'references.bib', where kb reads a regular file; kb diff refuses it\n")
    note = blob(repo, NOTE)
    hostile_commit(repo, "twice", [("100644", b"twice.yaml", note), ("100644", b"twice.yaml", note)])
    assert run(repo, "diff", "twice") == (
        1, "Error: the revision holds 'twice.yaml' twice (or twice with different case); kb diff refuses it\n")


def test_other_entries_are_skipped_as_in_a_working_tree(scratch: tuple[Path, Path]) -> None:
    """A README (even a symlink) or a sub-folder beside the notes is not read, so not refused."""
    repo, _ = scratch
    readme = blob(repo, b"/etc/passwd")
    drafts = tree(repo, [("100644", b"draft.yaml", blob(repo, NOTE))])
    notes = git(repo, "ls-tree", "head:kb/sources").splitlines()
    kept = [(line.split()[0], line.split("\t")[1].encode(), line.split()[2]) for line in notes]
    hostile_commit(repo, "extras", [*kept, ("120000", b"README", readme), ("40000", b"drafts", drafts)])
    assert run(repo, "diff", "head", "extras") == (0, "No changes to the evidence from head to extras.\n")
