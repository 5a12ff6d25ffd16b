"""The pull-request and Pages workflows, the pull-request template and the pre-commit hooks say
what CONTRIBUTING.md promises (they cannot be run here, so their content is checked), and the
workflows are valid: linted against GitHub's workflow schema (SchemaStore's, as check-jsonschema
ships it; `.ci/run` also runs actionlint)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict[Any, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_pull_request_workflow() -> None:
    pr = load("pr.yml")
    assert "pull_request" in pr["on"]
    assert pr["permissions"] == {"contents": "read"}
    job = pr["jobs"]["check"]
    assert job["container"].startswith("python:3.11")
    checkout = next(s for s in steps(pr) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # kb diff needs the base branch's history
    commands = runs(pr)
    assert ".venv/bin/kb check --format github" in commands
    assert "make test" in commands
    assert ".venv/bin/kb build" in commands
    assert '.venv/bin/kb diff "origin/$BASE_REF" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"' in commands
    # Quotes are verified on the runner, which has no full text: against the fingerprints alone.
    verify = next(line for line in commands.splitlines() if "kb verify-quotes" in line)
    assert "--fulltext" not in verify and "--format github" in verify
    assert "shared" not in commands
    assert job["env"]["BASE_REF"] == "${{ github.base_ref }}"
    # Untrusted expressions are passed through the environment, never pasted into a script.
    assert "${{" not in commands
    text = (WORKFLOWS / "pr.yml").read_text(encoding="utf-8")
    for untrusted in ("github.event.pull_request.title", "github.event.pull_request.body", "github.head_ref", "github.event.pull_request.head.ref"):
        assert untrusted not in text, untrusted


def test_pages_workflow() -> None:
    pages = load("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    # Only the deploy job, which runs none of the repository's code, may change Pages.
    assert pages["permissions"] == {"contents": "read"}
    assert pages["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in pages["jobs"]["deploy"]["steps"]] == ["actions/configure-pages", "actions/deploy-pages"]
    assert "${{" not in runs(pages)
    uses = [s.get("uses", "") for s in steps(pages)]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    setup = next(s for s in steps(pages) if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    assert "make site" in runs(pages)
    upload = next(s for s in steps(pages) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert pages["jobs"]["deploy"]["needs"] == "build"
    assert pages["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_pull_request_template_checklist() -> None:
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert len(items) >= 8
    for phrase in ("kb new source", "kb import", "verbatim", "locator", "kb check", "kb verify-quotes", "kb diff", "make test"):
        assert phrase in text, phrase


def test_pre_commit_hooks() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert "ruff" in hooks["ruff"]["entry"]
    kb_check = hooks["kb-check"]
    assert kb_check["entry"].endswith("kb check")
    assert kb_check["pass_filenames"] is False
    pattern = re.compile(kb_check["files"])
    for changed in ("references.bib", "kb/sources/torrance2013catch22.yaml", "kb/concepts/hybrid-leadership.yml"):
        assert pattern.search(changed), changed
    for unrelated in ("README.md", "scripts/litkb/cli/main.py", "tests/fixtures/contrib/kb/references.bib", "docs/index.md"):
        assert not pattern.search(unrelated), unrelated


def test_actions_are_pinned_by_commit() -> None:
    """A tag can be moved to other code; a commit cannot. Each `uses:` names a full commit SHA
    and, in a comment, the tag it stands for."""
    lines = [line for name in ("pr.yml", "pages.yml") for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()]
    uses = [line for line in lines if re.match(r"^\s*(?:- )?uses:", line)]
    assert len(uses) == 6
    for line in uses:
        assert re.fullmatch(r"\s*(?:- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40}  # v\d+ \(v\d+\.\d+\.\d+\)", line), line


CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    """Validate workflow files against GitHub's workflow schema and the rule that every job has a
    time limit (both schemas ship with check-jsonschema: nothing is fetched)."""
    args = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    first = subprocess.run(args, capture_output=True, text=True, check=False)
    if first.returncode:
        return first
    args[2] = "custom.github-workflows-require-timeout"
    return subprocess.run(args, capture_output=True, text=True, check=False)


def test_workflows_are_valid_github_workflows() -> None:
    result = lint(WORKFLOWS / "pr.yml", WORKFLOWS / "pages.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        ("steps:\n      - uses: actions/checkout@v4\n        whith: {fetch-depth: 0}\n", "'whith' was unexpected"),
        ("step:\n      - run: make test\n", "'step' was unexpected"),
        ("steps:\n      - run: make test\n        timeout-minutes: soon\n", "'soon' is not of type 'number'"),
    ],
)
def test_the_workflow_lint_finds_mistakes(tmp_path: Path, broken: str, error: str) -> None:
    workflow = tmp_path / "broken.yml"
    workflow.write_text(f"on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    {broken}", encoding="utf-8")
    result = lint(workflow)
    assert result.returncode == 1
    assert error in result.stdout
    untimed = tmp_path / "untimed.yml"
    untimed.write_text("on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n", encoding="utf-8")
    assert lint(untimed).returncode == 1
