"""Stage ``load`` for quote fingerprints: ``kb/fingerprints/<key>.json`` -> checked
:class:`~litkb.core.fingerprint.Fingerprint` values, or located problems.

Fingerprints are committed and arrive by pull request like notes, so they are read like notes: the
folder and each file without following a link, at most :data:`MAX_FINGERPRINT_BYTES`, and every
field checked (types, ranges, the values' length). A fingerprint made with other parameters than
this version of kb uses is refused (KB702): the threat model in CONTRIBUTING.md holds for these
parameters only, and a fingerprint keeping more bits per window would give away more of the text.
"""

from __future__ import annotations

import binascii
import json
import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..core.fingerprint import FORMAT, Fingerprint, Params, unpack
from ..core.problems import Problem, problem
from ..core.vocabulary import KEY_PATTERN
from .textio import folder_texts, open_folder

FINGERPRINTS_DIR = Path("kb/fingerprints")
# A fingerprint keeps 2 bits per word of its text: a book of 2 million words needs ~700 KB.
MAX_FINGERPRINT_BYTES = 4 * 2**20
MAX_WORDS = 20_000_000
MAX_PAGES = 100_000
MAX_LABEL = 50
_FIELDS = ("format", "key", "words", "window", "bits", "hash", "salt", "pages", "values")
_SALT = re.compile(r"[0-9a-f]{32}")
_KEY = re.compile(KEY_PATTERN)


class _Invalid(ValueError):
    """A field that is not what a fingerprint holds; the message names it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def load_fingerprints(root: Path, library: Collection[str] | None = None) -> tuple[dict[str, Fingerprint], list[Problem]]:
    """Every valid fingerprint under ``root/kb/fingerprints`` by key, and the problems of the
    others (none when the folder does not exist); with ``library`` (the keys of references.bib),
    a fingerprint of a key not in it is a problem too (KB703) and left out."""
    if not os.path.lexists(root / FINGERPRINTS_DIR):
        return {}, []
    folder_fd, problems = open_folder(root, FINGERPRINTS_DIR)
    if folder_fd is None:
        return {}, problems
    found: dict[str, Fingerprint] = {}
    try:
        for name, shown, text in folder_texts(folder_fd, FINGERPRINTS_DIR, (".json",), MAX_FINGERPRINT_BYTES, "rename the file to <key>.json", problems):
            fingerprint, parse_problems = parse_fingerprint(text, shown)
            problems += parse_problems
            if fingerprint is None:
                continue
            if fingerprint.key != name[: -len(".json")]:
                problems.append(problem(shown, _line_of(text, "key"), 1, "KB402", f"file name differs from the key '{fingerprint.key}' inside it", f"rename the file to {fingerprint.key}.json"))
                continue
            if library is not None and fingerprint.key not in library:
                problems.append(problem(shown, _line_of(text, "key"), 1, "KB703", f"fingerprint of '{fingerprint.key}', which is not in references.bib", "add the entry with `kb import`, or delete the fingerprint"))
                continue
            found[fingerprint.key] = fingerprint
    finally:
        os.close(folder_fd)
    return found, problems


def parse_fingerprint(text: str, shown: str) -> tuple[Fingerprint | None, list[Problem]]:
    """The fingerprint in ``text`` (the file ``shown``), or None and one located problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return None, [problem(shown, err.lineno, err.colno, "KB701", f"not valid JSON: {err.msg}", "regenerate it with `kb fingerprint --fulltext DIR`")]
    except RecursionError:
        return None, [problem(shown, 1, 1, "KB701", "JSON nested too deeply", "regenerate it with `kb fingerprint --fulltext DIR`")]
    try:
        return _fingerprint(data), []
    except _Invalid as err:
        code = "KB702" if err.field in ("format", "window", "bits", "hash") else "KB701"
        hint = "regenerate it with this version of kb: `kb fingerprint --fulltext DIR`" if code == "KB702" else "regenerate it with `kb fingerprint --fulltext DIR`; never edit it by hand"
        return None, [problem(shown, _line_of(text, err.field), 1, code, str(err), hint)]


def _line_of(text: str, field: str) -> int:
    """The line of the first ``"field":`` in the file (1 when absent): where to point a reader."""
    at = text.find(f'"{field}"') if field else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _int(data: dict[str, Any], field: str, low: int, high: int) -> int:
    value = data[field]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _Invalid(f"'{field}' must be a whole number from {low:,} to {high:,}", field)
    return value


def _fingerprint(data: Any) -> Fingerprint:
    if not isinstance(data, dict):
        raise _Invalid("expected a JSON object")
    unknown = sorted(set(data) - set(_FIELDS))
    missing = [f for f in _FIELDS if f not in data]
    if unknown or missing:
        raise _Invalid(f"unknown field '{unknown[0]}'" if unknown else f"missing field '{missing[0]}'", unknown[0] if unknown else "")
    if data["format"] != FORMAT:
        raise _Invalid(f"format is not {FORMAT}", "format")
    params = Params()
    expected_hash = {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p}
    if data["window"] != params.window or data["bits"] != params.bits:
        raise _Invalid(f"made with windows of {data['window']!r} words and {data['bits']!r} bits; kb uses {params.window} and {params.bits}", "window")
    if data["hash"] != expected_hash:
        raise _Invalid(f"made with another hash than scrypt (n={params.n}, r={params.r}, p={params.p})", "hash")
    key = data["key"]
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise _Invalid("'key' is not a BibTeX key kb accepts", "key")
    words = _int(data, "words", 0, MAX_WORDS)
    if not isinstance(data["salt"], str) or not _SALT.fullmatch(data["salt"]):
        raise _Invalid("'salt' must be 32 hexadecimal digits", "salt")
    lines = data["values"]
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise _Invalid("'values' must be a list of base64 lines", "values")
    count = max(0, words - params.window + 1)
    try:
        values = unpack(lines, count, params.bits)
    except (ValueError, binascii.Error) as err:
        raise _Invalid(f"'values' cannot be read: {err}", "values") from err
    return Fingerprint(key, words, bytes.fromhex(data["salt"]), params, values, _pages(data["pages"], words))


def _pages(pages: Any, words: int) -> tuple[tuple[int, str], ...]:
    """Pages as (first word, label), starting at word 0 and in order."""
    if not isinstance(pages, list) or len(pages) > MAX_PAGES:
        raise _Invalid(f"'pages' must be a list of at most {MAX_PAGES:,} [first word, label] pairs", "pages")
    result: list[tuple[int, str]] = []
    for entry in pages:
        ok = isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and not isinstance(entry[0], bool)
        if not ok or not isinstance(entry[1], str) or not 0 < len(entry[1]) <= MAX_LABEL or not entry[1].isprintable():
            raise _Invalid(f"'pages' must hold [first word, label] pairs with labels of 1 to {MAX_LABEL} characters", "pages")
        start = entry[0]
        if not (0 <= start <= words) or (result and start < result[-1][0]) or (not result and start != 0):
            raise _Invalid("'pages' must start at word 0 and go forward", "pages")
        result.append((start, entry[1]))
    return tuple(result)
