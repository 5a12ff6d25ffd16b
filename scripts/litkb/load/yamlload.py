"""Stage ``load`` for notes: YAML text -> a composed node tree, safely.

Input: the text of one file. Output: the root node (or None) and problems. Uses libyaml's C
composer (an order of magnitude faster than the pure-Python one) and never constructs Python
objects from tags, so ``!!python/object`` cannot execute anything. Anchors/aliases, duplicate keys,
tags and tab indentation become problems; the schema stage then walks the nodes.

Two things must be refused before the composer runs: anchors and aliases (an alias repeats a
node, so a small file can stand for an enormous document once walked) and deep nesting (the C
composer recurses once per level and crashes the interpreter, with no Python error, past a few
ten thousand levels). Both are found exactly by a scan of libyaml's events (its parser keeps its
stack on the heap, so any depth is safe there), which costs about as much as composing; so the
scan runs only when a cheap test cannot rule them out: an anchor or alias needs ``&`` or ``*``
right before a name character, and :func:`depth_bound` bounds the nesting from above.
"""

from __future__ import annotations

import re

import yaml

from ..core.limits import MAX_YAML_DEPTH
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
# An anchor (&a) or alias (*a) is '&' or '*' directly followed by its name, and a name has at least
# one character that is neither white space nor a flow indicator (YAML 1.2; libyaml and PyYAML
# accept fewer: letters, digits, '-' and '_'). Whatever stands before it (a space, '[', ':' with
# no space after a quoted key, ...) does not matter, so nothing before it is required here. A hit
# only costs the exact event scan, so hits inside quoted text or prose ("R&D", "*not*") are harmless.
_MAYBE_ANCHOR = re.compile(r"[&*][^\s,\[\]{}]")
# Block nesting needs indentation or compact indicators ("- - x", "? - x") in front of the node:
# a block collection starting at column c is at most 2c + 2 levels deep (an indentless sequence
# shares its mapping's column, every other level moves right). This finds a line whose leading
# run of spaces, tabs and - ? : indicators is at least _BLOCK_PREFIX long. YAML 1.1 also breaks
# lines at a lone CR, NEL, LS and PS, which '^' does not see: a text holding one is scanned.
_BLOCK_PREFIX = 16
_DEEP_BLOCK = re.compile(f"^[ \\t?:-]{{{_BLOCK_PREFIX}}}", re.MULTILINE)
_BLOCK_BOUND = 2 * (_BLOCK_PREFIX - 1) + 2
_LONE_CR = re.compile("\r(?!\n)")
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
# An innermost flow collection on one line whose content is only word characters, spaces and
# , : . + / ( ) - ( "{concept: x, stance: y}", "[a, b]"): no quote, comment, tag, anchor or line
# break can start or end inside it, so its two brackets are either both real YAML or both inside
# the same scalar or comment. Removing such pairs round after round (see depth_bound) is sound.
_SIMPLE_FLOW = re.compile(r"\[[\w ,:.+/()\-]*\]|\{[\w ,:.+/()\-]*\}")
_FLOW_ROUNDS = 3

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
    if (("&" in text or "*" in text) and _MAYBE_ANCHOR.search(text)) or depth_bound(text) > MAX_YAML_DEPTH:
        refused = _scan_events(text, shown)
        if refused:
            return None, refused
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as err:
        return None, [_syntax_problem(err, shown)]
    if root is None:
        return None, [problem(shown, 1, 1, "KB002", "file holds no YAML document")]
    return root, []


def _syntax_problem(err: yaml.YAMLError, shown: str) -> Problem:
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = err.problem or err.context or "syntax error"
        return problem(shown, line, col, "KB201", f"YAML syntax error: {what}")
    return problem(shown, 1, 1, "KB201", f"YAML error: {err}")


def depth_bound(text: str) -> int:
    """An upper bound on the nesting depth of the YAML document ``text``, from counting alone.

    Block nesting is bounded by the longest indentation-and-indicator prefix of a line; flow
    nesting by the number of '[' and '{' (inside quotes too: counting more only loosens the
    bound). Closing brackets are never counted, because one inside a quoted scalar closes nothing;
    instead, innermost one-line collections of plain words are removed (at most _FLOW_ROUNDS
    times), each round adding one level to the bound, and what remains is counted. A real note
    ("concepts: [{concept: x, stance: y}]" per claim) stays well under MAX_YAML_DEPTH; the bound
    is never below the true depth, so a document under the limit is safe to compose.
    """
    if _DEEP_BLOCK.search(text) or ("\r" in text and _LONE_CR.search(text)) or any(b in text for b in _OTHER_BREAKS):
        return MAX_YAML_DEPTH + 1
    block = _BLOCK_BOUND
    openers = text.count("[") + text.count("{")
    if block + openers <= MAX_YAML_DEPTH:
        return block + openers
    rounds = 0
    while rounds < _FLOW_ROUNDS:
        text, removed = _SIMPLE_FLOW.subn("", text)
        if not removed:
            break
        rounds += 1
    return block + rounds + text.count("[") + text.count("{")


def _scan_events(text: str, shown: str) -> list[Problem]:
    """The first anchor, alias or too-deep collection in libyaml's event stream, or a syntax error
    met before either (composing would fail at the same place, no deeper). Empty when the
    document has none: composing it is then safe. Stops at the first finding, so an alias bomb is
    refused before anything is expanded."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    line, column = _position(event)
                    return [problem(shown, line, column, "KB207", f"YAML nested more than {MAX_YAML_DEPTH} levels deep", "a note needs six levels at most")]
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                line, column = _position(event)
                what = "alias" if kind is yaml.AliasEvent else "anchor"
                return [problem(shown, line, column, "KB205", f"YAML {what} '{anchor}' is not allowed")]
    except yaml.YAMLError as err:
        return [_syntax_problem(err, shown)]
    return []


def _position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def implicit_type(value: str) -> str | None:
    """What a plain scalar would silently become under YAML 1.1 ("a boolean", ...), or None."""
    if _BOOL.match(value):
        return "a boolean"
    if _NULL.match(value):
        return "empty (null)"
    if _TIMESTAMP.match(value):
        return "a date"
    return None
