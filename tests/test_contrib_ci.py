"""The pull-request and Pages workflows, the pull-request template and the pre-commit hooks say
what CONTRIBUTING.md promises (they cannot be run here, so their content is checked)."""

from __future__ import annotations

import re
from typing import Any

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
    assert job["env"]["BASE_REF"] == "${{ github.base_ref }}"
    # Untrusted expressions are passed through the environment, never pasted into a script.
    assert "${{" not in commands


def test_pages_workflow() -> None:
    pages = load("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
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
