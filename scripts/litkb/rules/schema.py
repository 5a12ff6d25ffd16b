"""The note and concept schema, defined once: validation of YAML nodes and JSON Schema export.

Input: a composed YAML node. Output: located plain values (:mod:`litkb.core.located`) and problems.
The same field specs produce ``schemas/*.schema.json`` for editors (:func:`json_schema`,
:func:`write_schemas`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ..core import limits as L
from ..core.files import atomic_write_text
from ..core.located import LList, LMap, LStr
from ..core.problems import Problem, problem
from ..core.vocabulary import DESIGNS, ID_PATTERN, KEY_PATTERN, QUESTION_STATUSES, SECTORS, STANCES, WORK_KINDS
from ..load.yamlload import STANDARD_TAGS, implicit_type


@dataclass(frozen=True)
class Text:
    """A text value of at most ``max_length`` characters, optionally restricted to ``choices`` or
    an id ``pattern``."""

    description: str
    choices: tuple[str, ...] = ()
    pattern: str = ""
    max_length: int = L.MAX_ID_LENGTH


@dataclass(frozen=True)
class ListOf:
    """A list whose items follow ``item``."""

    item: Spec
    description: str
    min_items: int = 0
    max_items: int = L.MAX_CHOICES


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

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


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
    Field("text", Text("The claim in the contributor's own words.", max_length=L.MAX_CLAIM_TEXT), True),
    Field("quote", Text("Verbatim words of the source (for reported claims: of the reporting source).", max_length=L.MAX_QUOTE)),
    Field("locator", Text('Where the quote stands: "section: <heading>" or "p. 12".', max_length=L.MAX_LOCATOR)),
    Field("concepts", ListOf(CONCEPT_REF, "Concepts this claim defines, supports, qualifies or contests.", 1, L.MAX_CONCEPTS_PER_CLAIM), True),
)
CLAIM = Mapping(_CLAIM_COMMON, "A claim the source itself makes.")
REPORTED = Mapping(
    _CLAIM_COMMON[:1]
    + (Field("about", Text("BibTeX key of the work the claim is about.", pattern=KEY_PATTERN), True),)
    + _CLAIM_COMMON[1:2]
    + (Field("quote", Text("Verbatim words of the reporting source (this note's source).", max_length=L.MAX_QUOTE), True),)
    + _CLAIM_COMMON[3:4]
    # A reported claim may be about method only (e.g. a methods text cited for the sampling).
    + (Field("concepts", ListOf(CONCEPT_REF, "Concepts this claim is about (may be empty).", 0, L.MAX_CONCEPTS_PER_CLAIM), True),),
    "What this source says about another work (secondary evidence).",
)
SETTING = Mapping(
    (
        Field("country", ListOf(Text("Country name.", max_length=L.MAX_COUNTRY), "Countries studied.", 0, L.MAX_COUNTRIES)),
        Field("sector", ListOf(Text("School sector.", choices=SECTORS), "Sectors studied.")),
        Field("sample", Text("The sample as the text gives it.", max_length=L.MAX_SAMPLE)),
        Field("response_rate", Text("Response rate(s) as the text gives them.", max_length=L.MAX_RESPONSE_RATE)),
    ),
    "Where and with whom the study was done.",
)
NOTE = Mapping(
    (
        Field("key", Text("BibTeX key of the source; the file is named <key>.yaml.", pattern=KEY_PATTERN, max_length=L.MAX_KEY_LENGTH), True),
        Field("summary", Text("What the source is and does, in the contributor's words.", max_length=L.MAX_SUMMARY), True),
        Field("kind", Text("Kind of work.", choices=WORK_KINDS), True),
        Field("design", ListOf(Text("Study design.", choices=DESIGNS), "Study design (controlled list).")),
        Field("setting", SETTING),
        Field("claims", ListOf(CLAIM, "Claims the source itself makes.", 0, L.MAX_CLAIMS)),
        Field("reported", ListOf(REPORTED, "Claims the source reports about other works.", 0, L.MAX_CLAIMS)),
        Field("cites", ListOf(Text("BibTeX key.", pattern=KEY_PATTERN, max_length=L.MAX_KEY_LENGTH), "Works this source cites.", 0, L.MAX_CITES)),
    ),
    "An annotated note on one source.",
    "Source note",
)
DEFINITION = Mapping(
    (
        Field("text", Text("The definition in the contributor's words.", max_length=L.MAX_DEFINITION), True),
        Field("source", Text("BibTeX key of the work the definition comes from.", pattern=KEY_PATTERN), True),
        Field("reported_by", Text("BibTeX key of the source through which we know it (if not the source itself).", pattern=KEY_PATTERN)),
        Field("quote", Text("Verbatim words grounding the definition (of reported_by if given, else of source).", max_length=L.MAX_QUOTE)),
        Field("locator", Text('Where the quote stands: "section: <heading>" or "p. 12".', max_length=L.MAX_LOCATOR), True),
    ),
    "The definition, grounded in a source.",
)
_CONCEPT_IDS = ListOf(Text("Concept id.", pattern=ID_PATTERN), "Concept ids.", 0, L.MAX_RELATIONS)
CONCEPT = Mapping(
    (
        Field("id", Text("Concept id; the file is named <id>.yaml.", pattern=ID_PATTERN), True),
        Field("label", Text("Name shown to readers.", max_length=L.MAX_LABEL), True),
        Field("aliases", ListOf(Text("Synonym.", max_length=L.MAX_LABEL), "Other names, used to expand searches.", 0, L.MAX_ALIASES)),
        Field("definition", DEFINITION, True),
        Field("broader", _CONCEPT_IDS),
        Field("related", _CONCEPT_IDS),
        Field("alternative_to", _CONCEPT_IDS),
        Field("group", Text("Concept id of the group this concept belongs to.", pattern=ID_PATTERN)),
    ),
    "A concept of the controlled vocabulary.",
    "Concept",
)
# The front matter of a question page (kb/questions/<id>.md); the text below it is checked by
# litkb.rules.questions, not by a schema.
QUESTION = Mapping(
    (
        Field("question", Text("The question the page answers; its title.", max_length=L.MAX_QUESTION), True),
        Field("concepts", ListOf(Text("Concept id from kb/concepts/.", pattern=ID_PATTERN), "Concept ids the question discusses.", 1, L.MAX_QUESTION_CONCEPTS), True),
        Field("status", Text("draft, or reviewed: a second person has checked every citation against its quote.", choices=QUESTION_STATUSES), True),
        Field("contributors", ListOf(Text("A contributor's name.", max_length=L.MAX_LABEL), "Who wrote and reviewed the page.", 1, L.MAX_CONTRIBUTORS), True),
    ),
    "The front matter of a question (synthesis) page.",
    "Question page",
)


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


def json_schema(spec: Mapping, schema_id: str) -> dict[str, Any]:
    """Export a spec as a JSON Schema (draft 2020-12) document for editors."""
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, "title": spec.title}
    doc.update(_to_json(spec))
    return doc


def _to_json(spec: Spec) -> dict[str, Any]:
    if isinstance(spec, Text):
        out: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": spec.max_length, "description": spec.description}
        if spec.choices:
            out["enum"] = list(spec.choices)
        if spec.pattern:
            out["pattern"] = spec.pattern
        return out
    if isinstance(spec, ListOf):
        out = {"type": "array", "description": spec.description, "items": _to_json(spec.item)}
        if spec.min_items:
            out["minItems"] = spec.min_items
        out["maxItems"] = spec.max_items
        return out
    return {
        "type": "object",
        "description": spec.description,
        "additionalProperties": False,
        "required": [f.name for f in spec.fields if f.required],
        "properties": {f.name: _to_json(f.spec) for f in spec.fields},
    }


SCHEMA_FILES = {"note.schema.json": NOTE, "concept.schema.json": CONCEPT, "question.schema.json": QUESTION}


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
