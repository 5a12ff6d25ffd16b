"""Validation of a composed YAML document against a field spec of :mod:`.schema`.

Input: a composed YAML node and a spec. Output: located plain values (:mod:`litkb.core.located`)
and problems; nothing raises on bad data.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml

from ..core.located import LList, LMap, LStr
from ..core.problems import Problem, problem
from ..core.vocabulary import ID_PATTERN
from ..load.yamlload import STANDARD_TAGS, implicit_type
from .schema import ListOf, Mapping, OneOrMore, Spec, Text


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "text"


# A field path, built cheaply while walking and formatted only for a message:
# ("claims", 0, "concepts", 1, "stance") -> "claims[1].concepts[2].stance".
Where = tuple[str | int, ...]


def _where(path: Where) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "document"


_SCALAR, _SEQ, _MAP = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_STR_TAG = "tag:yaml.org,2002:str"


class _Walker:
    """Walks one document, collecting problems instead of raising. Hot: one call per YAML node."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []

    def at(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(problem(self.shown, mark.line + 1, mark.column + 1, code, message, hint))

    def walk(self, node: yaml.Node, spec: Spec, where: Where) -> Any:
        if node.tag not in STANDARD_TAGS:
            self.at(node, "KB204", f"YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed", "remove the tag")
            return None
        if type(spec) is Text:
            return self._text(node, spec, where)
        if type(spec) is ListOf:
            return self._list(node, spec, where)
        if type(spec) is OneOrMore:
            if type(node) is _SEQ:
                return self._list(node, spec.as_list, where)
            return self._text(node, spec.item, where)
        return self._mapping(node, spec, where)  # type: ignore[arg-type]

    def _text(self, node: yaml.Node, spec: Text, where: Where) -> LStr | None:
        if type(node) is not _SCALAR:
            self.at(node, "KB301", f"'{_where(where)}' must be text, not {_describe(node)}")
            return None
        raw = node.value
        if not node.style:  # plain scalar: YAML 1.1 would read `no`, `~` or `2009-01-01` as non-text
            surprise = implicit_type(raw)
            if surprise == "empty (null)":
                self.at(node, "KB306", f"'{_where(where)}' is empty")
                return None
            if surprise:
                self.at(node, "KB206", f"'{_where(where)}': {raw!r} is read by YAML as {surprise}", f'write "{raw}" in quotes')
                return None
        mark = node.start_mark
        value = LStr(raw.strip(), mark.line + 1, mark.column + 1)
        if not value:
            self.at(node, "KB306", f"'{_where(where)}' is empty")
            return None
        if len(value) > spec.max_length:
            # Left out, so that nothing later (site, search, exports) ever works on it.
            self.at(node, "KB307", f"'{_where(where)}' is {len(value):,} characters long (at most {spec.max_length:,})", "shorten it")
            return None
        if spec.choices and value not in spec.choices:
            near = difflib.get_close_matches(value, spec.choices, n=1)
            hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(spec.choices)
            self.at(node, "KB304", f"'{_where(where)}': '{value}' is not one of {', '.join(spec.choices)}", hint)
            return None
        if spec.pattern and not _matches(spec.pattern, value):
            self.at(node, "KB305", f"'{_where(where)}': '{value}' is not a valid id or key", _pattern_hint(spec.pattern))
            return None
        return value

    def _list(self, node: yaml.Node, spec: ListOf, where: Where) -> LList | None:
        if type(node) is not _SEQ:
            self.at(node, "KB301", f"'{_where(where)}' must be a list, not {_describe(node)}", f"write '{_where(where)}: [ ... ]'")
            return None
        walk, item = self.walk, spec.item
        children = node.value
        if len(children) > spec.max_items:
            # Only the allowed items are checked and kept: the rest cost nothing further.
            self.at(children[spec.max_items], "KB308", f"'{_where(where)}' has {len(children):,} items (at most {spec.max_items:,})", "split the note or drop items")
            children = children[: spec.max_items]
        items = [walk(child, item, (*where, i)) for i, child in enumerate(children)]
        if len(node.value) < spec.min_items:
            self.at(node, "KB306", f"'{_where(where)}' needs at least {spec.min_items} item(s)")
        mark = node.start_mark
        return LList([i for i in items if i is not None], mark.line + 1, mark.column + 1)

    def _mapping(self, node: yaml.Node, spec: Mapping, where: Where) -> LMap | None:
        if type(node) is not _MAP:
            self.at(node, "KB301", f"'{_where(where)}' must be a mapping, not {_describe(node)}")
            return None
        mark = node.start_mark
        result = LMap(mark.line + 1, mark.column + 1)
        key_pos = result.key_pos
        fields = spec.by_name
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node) is _SCALAR else None
            if not isinstance(key, str):
                self.at(key_node, "KB301", f"keys of '{_where(where)}' must be text")
                continue
            if key in key_pos:
                self.at(key_node, "KB203", f"duplicate key '{key}' (first at line {key_pos[key][0]})")
                continue
            key_mark = key_node.start_mark
            key_pos[key] = (key_mark.line + 1, key_mark.column + 1)
            found = fields.get(key)
            if found is None:
                names = list(fields)
                near = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                hint = f"did you mean '{near[0]}'?" if near else "known fields: " + ", ".join(names)
                self.at(key_node, "KB302", f"unknown field '{_where((*where, key))}'", hint)
                continue
            value = self.walk(value_node, found.spec, (*where, key))
            if value is not None:
                result[key] = value
        for f in spec.fields:
            if f.required and f.name not in key_pos:
                self.at(node, "KB303", f"'{_where((*where, f.name))}' is missing")
        return result


_COMPILED: dict[str, re.Pattern[str]] = {}


def _matches(pattern: str, value: str) -> bool:
    compiled = _COMPILED.get(pattern) or _COMPILED.setdefault(pattern, re.compile(pattern))
    return compiled.match(value) is not None and ".." not in value


def matches_id(value: str) -> bool:
    """Whether ``value`` has the form of an id (:data:`~litkb.core.vocabulary.ID_PATTERN`)."""
    return "\n" not in value and _matches(ID_PATTERN, value)


def _pattern_hint(pattern: str) -> str:
    if pattern == ID_PATTERN:
        return "use lower-case words joined by hyphens, e.g. 'hybrid-leadership'"
    return "use letters, digits and _ - . : only"


def validate(node: yaml.Node, spec: Mapping, shown: str) -> tuple[LMap | None, list[Problem]]:
    """Check a composed document against ``spec``. Returns (located values or None, problems)."""
    walker = _Walker(shown)
    value = walker.walk(node, spec, ())
    return value, walker.problems
