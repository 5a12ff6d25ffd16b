"""Helpers for the quote tests: a small knowledge base with one note whose quotes a test chooses,
and a synthetic full text (no copyrighted text is needed to test the machinery)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from conftest import FIXTURES
from litkb.rules.schema import CLAIM

# Claims gained a required `type` (issue 13); the notes written here follow whichever schema runs.
_TYPE = "    type: finding\n" if "type" in CLAIM.by_name else ""


def quote_kb(tmp_path: Path, claims: list[tuple[str, str, str]], key: str = "spillane2006") -> Path:
    """A copy of the quotes fixture knowledge base whose note on ``key`` has ``claims`` as (id,
    quote, locator); returns its root."""
    root = tmp_path / "kb-root"
    shutil.copytree(FIXTURES / "quotes" / "kb", root)
    (root / "fulltext.yaml").unlink()
    lines = [f"key: {key}", "summary: A test note.", "kind: conceptual", "claims:"]
    for claim_id, quote, locator in claims:
        escaped = quote.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f"  - id: {claim_id}\n{_TYPE}    text: A claim.\n    quote: \"{escaped}\"\n    locator: \"{locator}\"\n"
                     "    concepts:\n      - {concept: distributed-leadership, stance: supports}")
    (root / "kb" / "sources" / f"{key}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


_SYLLABLES = ["lea", "der", "ship", "dis", "tri", "bu", "ted", "tea", "cher", "school", "prac", "tice", "head", "role",
              "po", "li", "cy", "col", "lab", "o", "ra", "tion", "trust", "staff", "in", "quiry", "de", "ve", "lop", "ment"]


def synthetic_words(count: int, vocabulary: int = 900, seed: int = 7) -> list[str]:
    """``count`` words drawn (deterministically) from a made-up vocabulary of about ``vocabulary``
    words: text enough to exercise fingerprints without copying anybody's writing."""
    rng = random.Random(seed)
    words = sorted({"".join(rng.choices(_SYLLABLES, k=rng.randint(1, 3))) for _ in range(vocabulary * 2)})[:vocabulary]
    return [rng.choice(words) for _ in range(count)]
