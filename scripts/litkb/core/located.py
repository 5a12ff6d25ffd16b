"""Values that remember where they stood in their file (1-based line and column)."""

from __future__ import annotations

from typing import Any


class LStr(str):
    """A string with the position of its YAML scalar."""

    line: int
    column: int

    def __new__(cls, value: str, line: int = 0, column: int = 0) -> LStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.column = column
        return obj


class LList(list[Any]):
    """A list with the position of its YAML sequence."""

    def __init__(self, items: list[Any], line: int = 0, column: int = 0) -> None:
        super().__init__(items)
        self.line = line
        self.column = column


class LMap(dict[str, Any]):
    """A mapping with its own position and the position of each key."""

    def __init__(self, line: int = 0, column: int = 0) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.key_pos: dict[str, tuple[int, int]] = {}

    def pos(self, key: str) -> tuple[int, int]:
        """Position of ``key`` if present, else of the mapping itself."""
        return self.key_pos.get(key, (self.line, self.column))


def pos_of(value: Any, fallback: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """Position of a located value, or ``fallback`` for plain values."""
    line = getattr(value, "line", None)
    if line is None:
        return fallback
    return line, getattr(value, "column", 0)
