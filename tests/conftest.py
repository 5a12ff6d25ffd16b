"""Shared test helpers: paths, and golden files regenerated only with KB_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from litkb.core.model import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
UPDATE_GOLDEN = os.environ.get("KB_UPDATE_GOLDEN") == "1"
SITE_FIXTURE_ROOT = FIXTURES / "site" / "root"


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    """The repository's knowledge base, loaded once for the whole run (the model is immutable)."""
    from litkb.rules.link import build_kb

    return build_kb(REPO)


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real knowledge base built into a strict MkDocs site (once per test module)."""
    from litkb.site.build import build_site

    site = tmp_path_factory.mktemp("real") / "site"
    build_site(REPO, site)
    return site


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site fixture knowledge base (with the hostile note) built into a site."""
    from litkb.site.build import build_site

    site = tmp_path_factory.mktemp("fixture") / "site"
    build_site(SITE_FIXTURE_ROOT, site)
    return site


def check_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the golden file at ``path`` (or rewrite it when asked to)."""
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.exists(), f"golden file {path} missing: run with KB_UPDATE_GOLDEN=1 and review it"
    with path.open(encoding="utf-8", newline="") as handle:  # byte-exact: CSV files end lines with CRLF
        assert actual == handle.read()


def config_with_repo(folder: Path, repo_url: str = "https://github.com/example/evidence-base") -> Path:
    """A copy of the project's mkdocs.yml in ``folder`` naming a repository, as a deployer sets it
    (the project's own names none): docs and hooks still the repository's."""
    from litkb.site.config import PROJECT_CONFIG

    text = PROJECT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {(REPO / 'docs').as_posix()}")
    text = text.replace("  - scripts/mkdocs_hooks.py", f"  - {(REPO / 'scripts' / 'mkdocs_hooks.py').as_posix()}")
    text = text.replace("# repo_url: https://github.com/OWNER/REPOSITORY", f"repo_url: {repo_url}")
    text = text.replace("watch:\n  - kb\n  - references.bib\n", "")
    assert f"repo_url: {repo_url}" in text and "docs_dir: /" in text
    path = folder / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path
