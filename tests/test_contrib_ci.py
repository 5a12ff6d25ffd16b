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
