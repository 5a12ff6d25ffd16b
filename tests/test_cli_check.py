"""`kb check` as a user runs it: formats, exit codes, --strict, --root; schema files up to date."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from litkb.cli.main import main
from litkb.rules.schema import render_schemas

VALID = FIXTURES / "invalid" / "valid"
BROKEN = FIXTURES / "invalid" / "unknown-concept"
WARNING_ONLY = FIXTURES / "check" / "warning-only"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_clean_knowledge_base_exits_zero() -> None:
    code, out = run("--root", str(VALID), "check")
    assert code == 0
    assert out.strip() == "no problems (2 sources, 1 notes, 2 concepts, 2 claims)"


def test_errors_exit_one_with_sorted_located_lines_and_summary() -> None:
    code, out = run("--root", str(BROKEN), "check")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0] == "kb/sources/spillane2006.yaml:21:26: error KB403: unknown concept 'hybrid-leadershp' (did you mean 'hybrid-leadership'?)"
    assert lines[-1].startswith("1 error, 0 warnings")


def test_github_format() -> None:
    code, out = run("--root", str(BROKEN), "check", "--format", "github")
    assert code == 1
    assert out.strip() == (
        "::error file=kb/sources/spillane2006.yaml,line=21,col=26,title=KB403::"
        "unknown concept 'hybrid-leadershp' (did you mean 'hybrid-leadership'?)"
    )


def test_json_format() -> None:
    code, out = run("--root", str(BROKEN), "check", "--format", "json")
    assert code == 1
    rows = json.loads(out)
    assert rows == [
        {
            "path": "kb/sources/spillane2006.yaml",
            "line": 21,
            "column": 26,
            "code": "KB403",
            "message": "unknown concept 'hybrid-leadershp'",
            "hint": "did you mean 'hybrid-leadership'?",
            "severity": "error",
        }
    ]
    code, out = run("--root", str(VALID), "check", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_warnings_fail_only_with_strict() -> None:
    code, out = run("--root", str(WARNING_ONLY), "check")
    assert code == 0 and "warning KB501" in out
    code, _ = run("--root", str(WARNING_ONLY), "check", "--strict")
    assert code == 1


def test_missing_root_is_one_line() -> None:
    code, out = run("--root", "/nonexistent/kb", "check")
    assert code == 2
    assert "no such folder" in out and "Traceback" not in out


def test_folder_without_library(tmp_path: Path) -> None:
    code, out = run("--root", str(tmp_path), "check")
    assert code == 1
    assert "references.bib:1:1: error KB003: no references.bib" in out


def test_schema_files_are_up_to_date() -> None:
    for name, text in render_schemas().items():
        assert (REPO / "schemas" / name).read_text(encoding="utf-8") == text, f"run `kb schema` to refresh {name}"


def test_json_schema_accepts_the_real_notes_and_rejects_a_bad_one() -> None:
    schemas = {name: json.loads(text) for name, text in render_schemas().items()}
    for path in sorted((REPO / "kb" / "sources").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schemas["note.schema.json"])
    for path in sorted((REPO / "kb" / "concepts").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schemas["concept.schema.json"])
    bad = yaml.safe_load((FIXTURES / "invalid" / "unknown-stance" / "kb/sources/spillane2006.yaml").read_text())
    try:
        jsonschema.validate(bad, schemas["note.schema.json"])
    except jsonschema.ValidationError as err:
        assert "support" in err.message
    else:
        raise AssertionError("the schema accepted an unknown stance")


def test_real_knowledge_base_is_clean_without_warnings() -> None:
    code, out = run("--root", str(REPO), "check", "--strict")
    assert code == 0, out
