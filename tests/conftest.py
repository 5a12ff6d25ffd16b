"""Shared test helpers: paths, and golden files regenerated only with KB_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
UPDATE_GOLDEN = os.environ.get("KB_UPDATE_GOLDEN") == "1"


def check_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the golden file at ``path`` (or rewrite it when asked to)."""
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.exists(), f"golden file {path} missing: run with KB_UPDATE_GOLDEN=1 and review it"
    with path.open(encoding="utf-8", newline="") as handle:  # byte-exact: CSV files end lines with CRLF
        assert actual == handle.read()
