"""Stage ``load`` for notes: YAML text -> a composed node tree, safely.

Input: the text of one file. Output: the root node (or None) and problems. Uses libyaml's C
composer (an order of magnitude faster than the pure-Python one) and never constructs Python
objects from tags, so ``!!python/object`` cannot execute anything. Anchors/aliases, duplicate keys,
tags and tab indentation become problems; the schema stage then walks the nodes.
"""

from __future__ import annotations

import re

import yaml

from ..core.problems import Problem, problem

# The base loader resolves no implicit types: every scalar stays text and the schema decides
# (YAML 1.1 surprises such as `no` -> False are then caught by :func:`implicit_type`). It also
# spares the Python-level resolver call per scalar, the largest cost of composing many notes.
_BaseLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_DEFAULT_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Base loader with a constant-time resolver (the parser calls it once per untagged node)."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _DEFAULT_TAGS[kind]


_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL)$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]|$)")
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
# Where an anchor (&a) or alias (*a) could start a node. A hit only costs an exact event scan,
# so false positives inside quoted text are harmless; most notes are parsed once.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][A-Za-z0-9_]")

STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


def compose_yaml(text: str, shown: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Compose ``text`` into a node tree. Returns (root or None, problems)."""
    if "\t" in text:
        tabs = [
            problem(shown, text.count("\n", 0, m.start()) + 1, m.end() - m.start(), "KB202", "tab character used for indentation", "indent with spaces")
            for m in _TAB_INDENT.finditer(text)
        ]
        if tabs:
            return None, tabs
    if _MAYBE_ANCHOR.search(text):
        aliases = _find_anchors(text, shown)
        if aliases is None:
            pass  # syntax error: composing below reports it
        elif aliases:
            return None, aliases
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = err.problem or err.context or "syntax error"
        return None, [problem(shown, line, col, "KB201", f"YAML syntax error: {what}")]
    except yaml.YAMLError as err:
        return None, [problem(shown, 1, 1, "KB201", f"YAML error: {err}")]
    if root is None:
        return None, [problem(shown, 1, 1, "KB002", "file holds no YAML document")]
    return root, []


def _find_anchors(text: str, shown: str) -> list[Problem] | None:
    """Report every anchor or alias event. Runs only when the text holds '&' or '*', and stops at
    the first one, so a 'billion laughs' document is refused before anything is expanded."""
    found: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is not None and event.start_mark is not None:
                mark = event.start_mark
                kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                found.append(problem(shown, mark.line + 1, mark.column + 1, "KB205", f"YAML {kind} '{anchor}' is not allowed"))
                break
    except yaml.YAMLError:
        return None
    return found


def implicit_type(value: str) -> str | None:
    """What a plain scalar would silently become under YAML 1.1 ("a boolean", ...), or None."""
    if _BOOL.match(value):
        return "a boolean"
    if _NULL.match(value):
        return "empty (null)"
    if _TIMESTAMP.match(value):
        return "a date"
    return None
