"""The note and concept schema, defined once, and its JSON Schema export.

Input: none (declarations). Output: the field specs that :mod:`.validate` checks YAML nodes
against, and the same specs as ``schemas/*.schema.json`` for editors (:func:`json_schema`,
:func:`write_schemas`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..core import limits as L
from ..core.files import atomic_write_text
from ..core.vocabulary import (
    CLAIM_TYPES,
    DATA_SOURCE_KINDS,
    DESIGNS,
    ID_PATTERN,
    KEY_PATTERN,
    PUBLICATION_STATUSES,
    QUESTION_STATUSES,
    SECTORS,
    STANCES,
    WORK_KINDS,
)


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
class OneOrMore:
    """One text value, or a list of them (``about: key`` or ``about: [key, key]``): validated as
    ``item`` or as a list of ``item``; the caller sees which (an LStr or an LList)."""

    item: Text
    description: str
    max_items: int = L.MAX_WORKS_PER_CLAIM

    @cached_property
    def as_list(self) -> ListOf:
        return ListOf(self.item, self.description, 1, self.max_items)


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
    # Extra JSON Schema keywords for editors (conditions between fields that kb check tests in
    # rules/claims.py), as (keyword, value) pairs; not used by validate().
    json_extra: tuple[tuple[str, Any], ...] = ()

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


Spec = Text | ListOf | OneOrMore | Mapping

CONCEPT_REF = Mapping(
    (
        Field("concept", Text("Concept id from kb/concepts/.", pattern=ID_PATTERN), True),
        Field("stance", Text("How the claim relates to the concept (required, except on method claims, which take none).", choices=STANCES)),
    ),
    "A concept the claim is about, and the claim's stance towards it.",
)
_KEY = Text("BibTeX key.", pattern=KEY_PATTERN, max_length=L.MAX_KEY_LENGTH)
_TYPE = Field("type", Text("finding (the study's data), voice (a participant's words), argument (the authors' interpretation), background (presented as known), method (how the study was done; no stance).", choices=CLAIM_TYPES), True)
_CONCEPTS = Field("concepts", ListOf(CONCEPT_REF, "Concepts this claim defines, supports, qualifies or contests (at least one, except on method claims).", 0, L.MAX_CONCEPTS_PER_CLAIM))
# Editors learn the rule of rules/claims.py too: a method claim takes no stance; any other claim
# names at least one concept, each with a stance.
_TYPE_RULE = (
    ("if", {"properties": {"type": {"const": "method"}}, "required": ["type"]}),
    ("then", {"properties": {"concepts": {"items": {"not": {"required": ["stance"]}}}}}),
    ("else", {"required": ["concepts"], "properties": {"concepts": {"minItems": 1, "items": {"required": ["concept", "stance"]}}}}),
)
_CLAIM_COMMON = (
    Field("id", Text("Short kebab-case id, unique within the note.", pattern=ID_PATTERN), True),
    _TYPE,
    Field("text", Text("The claim in the contributor's own words, keeping the quote's hedges and scope.", max_length=L.MAX_CLAIM_TEXT), True),
    Field("quote", Text("Verbatim words of the source (for reported claims: of the reporting source).", max_length=L.MAX_QUOTE)),
    Field("locator", Text('Where the quote stands: "section: <heading>" or "p. 12".', max_length=L.MAX_LOCATOR)),
    _CONCEPTS,
)
CLAIM = Mapping(_CLAIM_COMMON, "A claim the source itself makes.", json_extra=_TYPE_RULE)
REPORTED = Mapping(
    _CLAIM_COMMON[:2]
    + (
        Field("about", OneOrMore(Text("BibTeX key.", pattern=KEY_PATTERN, max_length=L.MAX_KEY_LENGTH), "BibTeX key of the work the claim is about, or a list of every key the sentence cites for this one point."), True),
        Field("cited_as", OneOrMore(Text("A citation as printed.", max_length=L.MAX_CITED_AS), "How the reporting text prints each citation ('Harris, 2009a'): text for one key in about, a list of the same length for a list."), True),
    )
    + _CLAIM_COMMON[2:3]
    + (Field("quote", Text("Verbatim words of the reporting source (this note's source).", max_length=L.MAX_QUOTE), True),)
    + _CLAIM_COMMON[4:],
    "What this source says about other works (secondary evidence).",
    json_extra=_TYPE_RULE,
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
_APPRAISAL_TEXT = L.MAX_APPRAISAL_TEXT
APPRAISAL = Mapping(
    (
        Field("sampling", Text("How the sample was chosen (purposive, volunteers, recommended, all schools of a region ...), in the contributor's words.", max_length=_APPRAISAL_TEXT), True),
        Field("data_sources", ListOf(
            Mapping(
                (
                    Field("source", Text("The data source (e.g. semi-structured interviews with headteachers).", max_length=_APPRAISAL_TEXT), True),
                    Field("kind", Text("What kind of evidence it gives.", choices=DATA_SOURCE_KINDS), True),
                ),
                "One data source and its kind.",
            ),
            "The study's data sources.", 1, L.MAX_APPRAISAL_ITEMS,
        ), True),
        Field("not_measured", ListOf(Text("Something the study did not measure (e.g. pupil outcomes).", max_length=_APPRAISAL_TEXT), "What the study did not measure.", 0, L.MAX_APPRAISAL_ITEMS)),
        Field("publication_status", Text("How the work was published.", choices=PUBLICATION_STATUSES), True),
        Field("stated_limitations", ListOf(
            Mapping(
                (
                    Field("text", Text("The limitation in the contributor's words.", max_length=_APPRAISAL_TEXT), True),
                    Field("quote", Text("The authors' verbatim words stating it.", max_length=L.MAX_QUOTE), True),
                    Field("locator", Text('Where the quote stands: "section: <heading>" or "p. 12".', max_length=L.MAX_LOCATOR), True),
                ),
                "A limitation the authors state.",
            ),
            "Limitations the authors state, each backed by a quote.", 0, L.MAX_APPRAISAL_ITEMS,
        )),
        Field("reader_limitations", ListOf(Text("A limitation a careful reader should know (hedged).", max_length=_APPRAISAL_TEXT), "Limitations a reader should know that the authors do not state.", 0, L.MAX_APPRAISAL_ITEMS)),
    ),
    "How far the evidence of an empirical study reaches.",
)
NOTE = Mapping(
    (
        Field("key", Text("BibTeX key of the source; the file is named <key>.yaml.", pattern=KEY_PATTERN, max_length=L.MAX_KEY_LENGTH), True),
        Field("summary", Text("What the source is and does, in the contributor's words.", max_length=L.MAX_SUMMARY), True),
        Field("kind", Text("Kind of work.", choices=WORK_KINDS), True),
        Field("design", ListOf(Text("Study design.", choices=DESIGNS), "Study design (controlled list).")),
        Field("setting", SETTING),
        Field("same_study", OneOrMore(_KEY, "Keys of works that report the same study as this source (a report and the paper drawn from it): counted as one study.", L.MAX_SAME_STUDY)),
        Field("appraisal", APPRAISAL),
        Field("claims", ListOf(CLAIM, "Claims the source itself makes.", 0, L.MAX_CLAIMS)),
        Field("reported", ListOf(REPORTED, "Claims the source reports about other works.", 0, L.MAX_CLAIMS)),
        Field("cites", ListOf(_KEY, "Works this source cites.", 0, L.MAX_CITES)),
    ),
    "An annotated note on one source.",
    "Source note",
)
DEFINITION = Mapping(
    (
        Field("text", Text("The definition in the contributor's words.", max_length=L.MAX_DEFINITION), True),
        Field("source", OneOrMore(Text("BibTeX key.", pattern=KEY_PATTERN, max_length=L.MAX_KEY_LENGTH), "BibTeX key of the work the definition comes from, or a list when the passage credits it to several works (the work whose words are quoted first)."), True),
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
    if isinstance(spec, OneOrMore):
        item = _to_json(spec.item)
        return {"description": spec.description, "oneOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": spec.max_items}]}
    out = {
        "type": "object",
        "description": spec.description,
        "additionalProperties": False,
        "required": [f.name for f in spec.fields if f.required],
        "properties": {f.name: _to_json(f.spec) for f in spec.fields},
    }
    out.update(spec.json_extra)
    return out


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
