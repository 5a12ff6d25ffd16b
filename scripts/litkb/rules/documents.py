"""Stage ``validate`` for the YAML files of one folder of ``kb/``: files -> validated documents.

Input: a knowledge-base root, a folder under it and the schema of its files. Output: (shown path,
located values, digest of the text) per valid document, in file-name order; every problem found
goes to the caller's list. Bad data never raises.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterator
from pathlib import Path

from ..core.limits import MAX_YAML_BYTES
from ..core.located import LMap
from ..core.problems import Problem
from ..load.textio import folder_texts, open_folder
from ..load.yamlload import compose_yaml
from . import offsite, schema
from .validate import validate


def text_digest(text: str) -> str:
    """The digest a loaded file (or BibTeX entry) is known by: SHA-1 of its text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def folder_yaml_texts(root: Path, folder: Path, problems: list[Problem], only: Collection[str] | None = None) -> Iterator[tuple[str, str]]:
    """The text of every ``*.yaml`` in ``folder`` (or only those named in ``only``), in file-name
    order: (shown path, text). Read problems go to ``problems``."""
    # The folder is opened without following links (kb/ or kb/sources/ could be a link out of
    # the repository), and each file is read relative to it, again without following a link.
    folder_fd, folder_problems = open_folder(root, folder)
    problems += folder_problems
    if folder_fd is None:
        return
    try:
        for _name, shown, text in folder_texts(folder_fd, folder, (".yaml", ".yml"), MAX_YAML_BYTES, "rename the file to <key>.yaml", problems, only):
            yield shown, text
    finally:
        os.close(folder_fd)


def document_values(shown: str, text: str, spec: schema.Mapping, problems: list[Problem]) -> LMap | None:
    """One file's text composed and validated against ``spec`` (None when it is not a valid
    document); its problems go to ``problems``."""
    node, yaml_problems = compose_yaml(text, shown)
    problems += yaml_problems
    if node is None:
        return None
    values, schema_problems = validate(node, spec, shown)
    problems += schema_problems
    if values is not None:
        problems += offsite.check_document(values, shown)
    return values


def load_documents(root: Path, folder: Path, spec: schema.Mapping, problems: list[Problem], only: Collection[str] | None = None) -> Iterator[tuple[str, LMap, str]]:
    """Read and validate every ``*.yaml`` in ``folder`` (or only those named in ``only``), in file-name
    order: yields (shown path, values, digest). A generator, so that a caller linking one document
    at a time holds one document's values, never all of them (for 10,000 notes: ~100 MB, not 600)."""
    for shown, text in folder_yaml_texts(root, folder, problems, only):
        values = document_values(shown, text, spec, problems)
        if values is not None:
            yield shown, values, text_digest(text)
