"""The note and concept schema, defined once: validation of YAML nodes and JSON Schema export.

Input: a composed YAML node. Output: located plain values (:mod:`litkb.located`) and problems.
The same field specs produce ``schemas/*.schema.json`` for editors (see :func:`json_schema`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import yaml

from .located import LList, LMap, LStr
from .problems import Problem, problem
from .yamlload import check_tag

STANCES = ("defines", "supports", "qualifies", "contests")
KINDS = ("empirical", "review", "conceptual", "policy", "methods")
DESIGNS = (
    "case-study", "interview", "questionnaire", "survey", "sociometric-analysis", "shadowing",
    "workshop", "literature-review", "document-analysis", "observation", "focus-group",
    "narrative-inquiry", "grounded-theory", "mixed-methods", "longitudinal", "action-research",
    "conceptual-analysis", "policy-analysis",
)
SECTORS = ("nursery", "primary", "secondary", "special", "all-through", "further", "higher", "system")
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# BibTeX keys: also used as file names and URL parts, so no spaces, slashes or '..'.
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$"


@dataclass(frozen=True)
class Text:
    """A text value, optionally restricted to ``choices`` or an id ``pattern``."""

    description: str
    choices: tuple[str, ...] = ()
    pattern: str = ""


@dataclass(frozen=True)
class ListOf:
    """A list whose items follow ``item``."""

    item: Spec
    description: str
    min_items: int = 0


@dataclass(frozen=True)
class Field:
    name: str
    spec: Spec
    required: bool = False


@dataclass(frozen=True)
class Mapping:
    """A mapping with known fields; any other key is an error (with a did-you-mean hint)."""

    fields: tuple[Field, ...]
    description: str
    title: str = ""

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


Spec = Text | ListOf | Mapping

CONCEPT_REF = Mapping(
    (
        Field("concept", Text("Concept id from kb/concepts/.", pattern=ID_PATTERN), True),
        Field("stance", Text("How the claim relates to the concept.", choices=STANCES), True),
    ),
    "A concept the claim is about, and the claim's stance towards it.",
)
_CLAIM_COMMON = (
    Field("id", Text("Short kebab-case id, unique within the note.", pattern=ID_PATTERN), True),
    Field("text", Text("The claim in the contributor's own words."), True),
    Field("quote", Text("Verbatim words of the source (for reported claims: of the reporting source).")),
    Field("locator", Text('Where the quote stands: "section: <heading>" or "p. 12".')),
    Field("concepts", ListOf(CONCEPT_REF, "Concepts this claim defines, supports, qualifies or contests.", 1), True),
)
CLAIM = Mapping(_CLAIM_COMMON, "A claim the source itself makes.")
REPORTED = Mapping(
    _CLAIM_COMMON[:1]
    + (Field("about", Text("BibTeX key of the work the claim is about.", pattern=KEY_PATTERN), True),)
    + _CLAIM_COMMON[1:2]
    + (Field("quote", Text("Verbatim words of the reporting source (this note's source)."), True),)
    + _CLAIM_COMMON[3:4]
    # A reported claim may be about method only (e.g. a methods text cited for the sampling).
    + (Field("concepts", ListOf(CONCEPT_REF, "Concepts this claim is about (may be empty)."), True),),
    "What this source says about another work (secondary evidence).",
)
SETTING = Mapping(
    (
        Field("country", ListOf(Text("Country name."), "Countries studied.")),
        Field("sector", ListOf(Text("School sector.", choices=SECTORS), "Sectors studied.")),
        Field("sample", Text("The sample as the text gives it.")),
        Field("response_rate", Text("Response rate(s) as the text gives them.")),
    ),
    "Where and with whom the study was done.",
)
NOTE = Mapping(
    (
        Field("key", Text("BibTeX key of the source; the file is named <key>.yaml.", pattern=KEY_PATTERN), True),
        Field("summary", Text("What the source is and does, in the contributor's words."), True),
        Field("kind", Text("Kind of work.", choices=KINDS), True),
        Field("design", ListOf(Text("Study design.", choices=DESIGNS), "Study design (controlled list).")),
        Field("setting", SETTING),
        Field("claims", ListOf(CLAIM, "Claims the source itself makes.")),
        Field("reported", ListOf(REPORTED, "Claims the source reports about other works.")),
        Field("cites", ListOf(Text("BibTeX key.", pattern=KEY_PATTERN), "Works this source cites.")),
    ),
    "An annotated note on one source.",
    "Source note",
)
DEFINITION = Mapping(
    (
        Field("text", Text("The definition in the contributor's words."), True),
        Field("source", Text("BibTeX key of the work the definition comes from.", pattern=KEY_PATTERN), True),
        Field("reported_by", Text("BibTeX key of the source through which we know it (if not the source itself).", pattern=KEY_PATTERN)),
        Field("quote", Text("Verbatim words grounding the definition (of reported_by if given, else of source).")),
        Field("locator", Text('Where the quote stands: "section: <heading>" or "p. 12".'), True),
    ),
    "The definition, grounded in a source.",
)
_CONCEPT_IDS = ListOf(Text("Concept id.", pattern=ID_PATTERN), "Concept ids.")
CONCEPT = Mapping(
    (
        Field("id", Text("Concept id; the file is named <id>.yaml.", pattern=ID_PATTERN), True),
        Field("label", Text("Name shown to readers."), True),
        Field("aliases", ListOf(Text("Synonym."), "Other names, used to expand searches.")),
        Field("definition", DEFINITION, True),
        Field("broader", _CONCEPT_IDS),
        Field("related", _CONCEPT_IDS),
        Field("alternative_to", _CONCEPT_IDS),
        Field("group", Text("Concept id of the group this concept belongs to.", pattern=ID_PATTERN)),
    ),
    "A concept of the controlled vocabulary.",
    "Concept",
)

_TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_SURPRISE_TAGS = {"tag:yaml.org,2002:bool": "a boolean", "tag:yaml.org,2002:null": "empty (null)", "tag:yaml.org,2002:timestamp": "a date"}


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "text"


class _Walker:
    """Walks one document, collecting problems instead of raising."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def at(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(problem(self.shown, mark.line + 1, mark.column + 1, code, message, hint))

    def walk(self, node: yaml.Node, spec: Spec, where: str) -> Any:
        tag_problem = check_tag(node, self.shown)
        if tag_problem:
            self.problems.append(tag_problem)
            return None
        if isinstance(spec, Text):
            return self._text(node, spec, where)
        if isinstance(spec, ListOf):
            return self._list(node, spec, where)
        return self._mapping(node, spec, where)

    def _text(self, node: yaml.Node, spec: Text, where: str) -> LStr | None:
        if not isinstance(node, yaml.ScalarNode):
            self.at(node, "KB301", f"'{where}' must be text, not {_describe(node)}")
            return None
        if node.tag in _SURPRISE_TAGS and not node.style:  # plain (unquoted) scalar: style None or ""
            if node.tag == "tag:yaml.org,2002:null":
                self.at(node, "KB306", f"'{where}' is empty")
            else:
                self.at(node, "KB206", f"'{where}': {node.value!r} is read by YAML as {_SURPRISE_TAGS[node.tag]}", f'write "{node.value}" in quotes')
            return None
        if node.tag not in _TEXT_TAGS and not node.style:
            self.at(node, "KB301", f"'{where}' must be text")
            return None
        value = LStr(node.value.strip(), node.start_mark.line + 1, node.start_mark.column + 1)
        if not value:
            self.at(node, "KB306", f"'{where}' is empty")
            return None
        if spec.choices and value not in spec.choices:
            near = difflib.get_close_matches(value, spec.choices, n=1)
            hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(spec.choices)
            self.at(node, "KB304", f"'{where}': '{value}' is not one of {', '.join(spec.choices)}", hint)
            return None
        if spec.pattern and not _matches(spec.pattern, value):
            self.at(node, "KB305", f"'{where}': '{value}' is not a valid id or key", _pattern_hint(spec.pattern))
            return None
        return value

    def _list(self, node: yaml.Node, spec: ListOf, where: str) -> LList | None:
        if not isinstance(node, yaml.SequenceNode):
            self.at(node, "KB301", f"'{where}' must be a list, not {_describe(node)}", f"write '{where}: [ ... ]'")
            return None
        if id(node) in self.seen:
            return None
        self.seen.add(id(node))
        items = [self.walk(item, spec.item, f"{where}[{i + 1}]") for i, item in enumerate(node.value)]
        if len(node.value) < spec.min_items:
            self.at(node, "KB306", f"'{where}' needs at least {spec.min_items} item(s)")
        return LList([i for i in items if i is not None], node.start_mark.line + 1, node.start_mark.column + 1)

    def _mapping(self, node: yaml.Node, spec: Mapping, where: str) -> LMap | None:
        if not isinstance(node, yaml.MappingNode):
            self.at(node, "KB301", f"'{where or 'document'}' must be a mapping, not {_describe(node)}")
            return None
        result = LMap(node.start_mark.line + 1, node.start_mark.column + 1)
        names = [f.name for f in spec.fields]
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            path = f"{where}.{key}" if where else str(key)
            if not isinstance(key, str):
                self.at(key_node, "KB301", f"keys of '{where or 'document'}' must be text")
                continue
            if key in result.key_pos:
                first = result.key_pos[key][0]
                self.at(key_node, "KB203", f"duplicate key '{key}' (first at line {first})")
                continue
            result.key_pos[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            found = spec.field(key)
            if found is None:
                near = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                hint = f"did you mean '{near[0]}'?" if near else "known fields: " + ", ".join(names)
                self.at(key_node, "KB302", f"unknown field '{path}'", hint)
                continue
            value = self.walk(value_node, found.spec, path)
            if value is not None:
                result[key] = value
        for f in spec.fields:
            if f.required and f.name not in result.key_pos:
                self.at(node, "KB303", f"'{where + '.' if where else ''}{f.name}' is missing")
        return result


def _matches(pattern: str, value: str) -> bool:
    import re

    return re.match(pattern, value) is not None and ".." not in value


def _pattern_hint(pattern: str) -> str:
    if pattern == ID_PATTERN:
        return "use lower-case words joined by hyphens, e.g. 'hybrid-leadership'"
    return "use letters, digits and _ - . : only"


def validate(node: yaml.Node, spec: Mapping, shown: str) -> tuple[LMap | None, list[Problem]]:
    """Check a composed document against ``spec``. Returns (located values or None, problems)."""
    walker = _Walker(shown)
    value = walker.walk(node, spec, "")
    return value, walker.problems


def json_schema(spec: Mapping, schema_id: str) -> dict[str, Any]:
    """Export a spec as a JSON Schema (draft 2020-12) document for editors."""
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, "title": spec.title}
    doc.update(_to_json(spec))
    return doc


def _to_json(spec: Spec) -> dict[str, Any]:
    if isinstance(spec, Text):
        out: dict[str, Any] = {"type": "string", "minLength": 1, "description": spec.description}
        if spec.choices:
            out["enum"] = list(spec.choices)
        if spec.pattern:
            out["pattern"] = spec.pattern
        return out
    if isinstance(spec, ListOf):
        out = {"type": "array", "description": spec.description, "items": _to_json(spec.item)}
        if spec.min_items:
            out["minItems"] = spec.min_items
        return out
    return {
        "type": "object",
        "description": spec.description,
        "additionalProperties": False,
        "required": [f.name for f in spec.fields if f.required],
        "properties": {f.name: _to_json(f.spec) for f in spec.fields},
    }
