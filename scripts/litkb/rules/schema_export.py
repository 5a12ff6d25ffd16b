"""JSON Schema files for editors, exported from the one schema in :mod:`litkb.schema`."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.files import atomic_write_text
from .schema import CONCEPT, NOTE, json_schema

SCHEMA_FILES = {"note.schema.json": NOTE, "concept.schema.json": CONCEPT}


def render_schemas() -> dict[str, str]:
    """File name -> JSON text (sorted keys, stable bytes)."""
    return {
        name: json.dumps(json_schema(spec, name), indent=2, ensure_ascii=False) + "\n"
        for name, spec in SCHEMA_FILES.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema file into ``folder`` atomically. Returns the paths written."""
    written = []
    for name, text in render_schemas().items():
        atomic_write_text(folder / name, text)
        written.append(folder / name)
    return written
