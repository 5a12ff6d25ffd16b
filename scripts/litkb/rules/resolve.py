"""Resolving references while linking: every unresolved key, concept or file name becomes a
located problem at the referring value, with a did-you-mean hint where one is near.

Input: the library's sources and the list that collects problems. Output: booleans (resolved or
not) and problems appended to that list. Shared by the linking of concepts (:mod:`.link`) and of
notes (:mod:`.notes`).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..core.limits import MAX_HINTS_PER_FILE
from ..core.located import pos_of
from ..core.model import Source
from ..core.problems import Problem, problem


class Resolver:
    """Resolves cross-references; every unresolved one becomes a problem at the referring line."""

    def __init__(self, sources: dict[str, Source], problems: list[Problem]) -> None:
        self.sources = sources
        self.problems = problems
        self.hints: dict[str, int] = {}

    def near(self, shown: str, value: Any, choices: Collection[str], cutoff: float, *, sort: bool = False) -> str | None:
        """The closest of ``choices`` to ``value``, for a did-you-mean hint; None when there is
        none, or after MAX_HINTS_PER_FILE hints for one file: each hint compares the value with
        every choice, and a note citing 2,000 unknown keys in a library of 10,000 would otherwise
        keep ``kb check`` busy for a minute."""
        given = self.hints.get(shown, 0)
        if given >= MAX_HINTS_PER_FILE:
            return None
        self.hints[shown] = given + 1
        found = difflib.get_close_matches(str(value), sorted(choices) if sort else list(choices), n=1, cutoff=cutoff)
        return found[0] if found else None

    def at(self, shown: str, value: Any, code: str, message: str, hint: str = "") -> None:
        """A problem at the position of a located ``value`` (line 0 for a plain one)."""
        line, column = pos_of(value)
        self.problems.append(problem(shown, line, column, code, message, hint))

    def check_key(self, shown: str, key: Any, what: str) -> bool:
        if key in self.sources:
            return True
        near = self.near(shown, key, self.sources, 0.7)
        self.at(shown, key, "KB405", f"{what} '{key}' is not a key in references.bib", f"did you mean '{near}'?" if near else "")
        return False

    def check_concept(self, shown: str, ref: Any, ids: Collection[str]) -> bool:
        if ref in ids:
            return True
        near = self.near(shown, ref, ids, 0.6, sort=True)
        self.at(shown, ref, "KB403", f"unknown concept '{ref}'", f"did you mean '{near}'?" if near else "add it under kb/concepts/")
        return False

    def check_file_name(self, shown: str, value: Any, field: str) -> bool:
        stem = Path(shown).stem
        if value is not None and str(value) != stem:
            self.at(shown, value, "KB402", f"{field} '{value}' differs from the file name '{Path(shown).name}'", f"rename the file to '{value}.yaml'")
            return False
        return True


def keys_of(value: Any) -> tuple[str, ...]:
    """The keys of a one-or-more field (``about: key`` or ``about: [a, b]``), in order, each once."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(str(v) for v in items))
