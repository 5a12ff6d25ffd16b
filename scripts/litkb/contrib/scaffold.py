"""`kb new source KEY` / `kb new concept ID` / `kb new question ID`: start a note, concept or
question file for a contributor.

Input: the linked knowledge base and the key or id asked for. Output: the text of the scaffold
(:func:`scaffold_source`, :func:`scaffold_concept`, :func:`scaffold_question`), written by
:func:`new_source` / :func:`new_concept` / :func:`new_question`.

A scaffold is valid YAML that passes the schema everywhere except in the fields only the contributor
can write (summary, kind; a concept's definition): those are left as ``""``, so both the editor
(through the ``yaml-language-server`` schema line) and ``kb check`` point at exactly what is missing,
and no placeholder text can slip into the published evidence.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
import textwrap
from pathlib import Path

from ..core.files import new_file_mode
from ..core.model import KnowledgeBase, Source
from ..core.names import UnknownName, concept_names, either, near_keys, resolve_concept
from ..core.names import concept_id as find_concept
from ..core.vocabulary import (
    CLAIM_TYPES,
    DATA_SOURCE_KINDS,
    DESIGNS,
    ID_PATTERN,
    PUBLICATION_STATUSES,
    SECTORS,
    STANCES,
    WORK_KINDS,
    is_safe_key,
)
from ..rules.link import CONCEPTS_DIR, SOURCES_DIR
from ..rules.questions import QUESTIONS_DIR, valid_id

NOTE_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/note.schema.json"
CONCEPT_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/concept.schema.json"
# Inside the front matter of a question page: editors that check YAML front matter against a
# schema (the YAML language server reads this comment) complete and check its fields.
QUESTION_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/question.schema.json"


class ScaffoldError(ValueError):
    """The scaffold cannot be made (unknown key, existing file, malformed id): one-line message."""


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment_list(label: str, values: tuple[str, ...]) -> list[str]:
    """``# label: a | b | c`` wrapped to comment lines."""
    return ["# " + line for line in textwrap.wrap(f"{label}: " + " | ".join(values), 96, subsequent_indent="    ", break_on_hyphens=False)]


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _describe(source: Source, kb: KnowledgeBase) -> list[str]:
    """Comment lines saying which work this is, so the contributor can check they have the right one."""
    lines = [f"#   Title:    {_one_line(source.title) or '(no title in references.bib)'}"]
    if source.creators:
        role = "Authors" if source.authors else "Editors"
        lines.append(f"#   {role + ':':<9} {_one_line('; '.join(p.sort_name for p in source.creators))}")
    where = f"{source.entry_type}" + (f" in {_one_line(source.container, 120)}" if source.container else "")
    lines.append(f"#   Year:     {source.year or 'n.d.'} ({where})")
    for name, label in (("doi", "DOI"), ("url", "URL")):
        if source.fields.get(name):
            lines.append(f"#   {label + ':':<9} {source.fields[name]}")
    lines.append(f"#   Metadata: {source.verification} (see verification_note in references.bib)")
    if source.fields.get("cited_context"):
        lines.append(f"#   Cited for: {_one_line(source.fields['cited_context'])}")
    citing = kb.cited_by.get(source.key, ())
    if citing:
        lines.append(f"#   Cited by notes: {', '.join(citing)}")
    return lines


def scaffold_source(kb: KnowledgeBase, key: str) -> str:
    """The YAML text of a new note on ``key`` (which must be in ``kb.sources``)."""
    source = kb.sources[key]
    example_concept = "distributed-leadership" if "distributed-leadership" in kb.concepts else next(iter(sorted(kb.concepts)), "some-concept")
    lines = [
        NOTE_SCHEMA_LINE,
        "#",
        f"# Note on {key}, started by `kb new source` from references.bib:",
        *_describe(source, kb),
        "#",
        "# Write the summary and claims in your own words; quotes must be the source's exact words.",
        "# `kb check` lists what is still missing; CONTRIBUTING.md explains every field.",
        f"key: {key if re.fullmatch(r'[A-Za-z][A-Za-z0-9_]*', key) else _quoted(key)}",
        "",
        "# What the source is and does, in your own words (a few sentences).",
        'summary: ""',
        "",
        *_comment_list("One of", WORK_KINDS),
        'kind: ""',
        "",
        "# Study design: any of the controlled list below, e.g. [case-study, interview]; [] if none applies.",
        *_comment_list("Designs", DESIGNS),
        "design: []",
        "",
        "# For empirical work, where and with whom (uncomment and edit):",
        "# setting:",
        "#   country: [Scotland]",
        "#   sector: [primary]     # any of: " + " | ".join(SECTORS),
        '#   sample: "3 primary schools; 3 headteachers"',
        "",
        "# Works that report the same study as this one (a report and the paper drawn from it):",
        "# same_study: [other2004]",
        "",
        "# For empirical work, how far the evidence reaches (CODEBOOK.md, 'Appraisal'; uncomment and edit):",
        "# appraisal:",
        '#   sampling: "how the sample was chosen (purposive, volunteers, recommended ...)"',
        "#   data_sources:",
        '#     - {source: "semi-structured interviews with headteachers", kind: self-report}',
        *_comment_list("    Kinds", DATA_SOURCE_KINDS),
        '#   not_measured: ["pupil outcomes"]',
        "#   publication_status: journal-article",
        *_comment_list("    Statuses", PUBLICATION_STATUSES),
        "#   stated_limitations:   # limitations the authors state, with their exact words",
        '#     - {text: "your words", quote: "the exact words", locator: "section: <heading>"}',
        '#   reader_limitations: ["what a careful reader should know, hedged"]',
        "",
        "# What this source itself argues or finds, one item per claim. Replace [] with items like:",
        "#   - id: gift-of-the-headteacher              # lower-case words and hyphens, unique in this note",
        "#     type: finding                            # what kind of point (see CODEBOOK.md)",
        "#     text: To large extent, distribution was granted by the headteacher.   # your words, hedges kept",
        '#     quote: "in the gift of the headteacher"  # the exact words of the source',
        '#     locator: "section: A Hierarchical Perspective"   # or "p. 337"',
        "#     concepts:",
        f"#       - {{concept: {example_concept}, stance: qualifies}}",
        *_comment_list("  Types", CLAIM_TYPES),
        *_comment_list("  Stances", STANCES),
        "# A method claim (how the study was done) takes no stance: `- {concept: ID}`, or no concepts.",
        "claims: []",
        "",
        "# What this source says about OTHER works (secondary evidence): items like claims, plus",
        "# `about:` the BibTeX key of that work, or a list of every key one sentence cites for the",
        "# point, and `cited_as:` each citation exactly as this source prints it (\"Harris, 2009a\"),",
        "# a list of the same length for a list. The quote is this source's words about it.",
        "reported: []",
        "",
        "# BibTeX keys of works in references.bib that this source cites (add missing works with kb import).",
        "cites: []",
    ]
    return "\n".join(lines) + "\n"


def label_from_id(concept_id: str) -> str:
    """``teacher-agency`` -> ``Teacher agency``."""
    words = concept_id.split("-")
    return " ".join([words[0].capitalize(), *words[1:]])


def scaffold_concept(kb: KnowledgeBase, concept_id: str, label: str | None = None, broader: tuple[str, ...] = (), related: tuple[str, ...] = ()) -> str:
    """The YAML text of a new concept ``concept_id`` (``broader``, ``related``: concept ids)."""
    lines = [
        CONCEPT_SCHEMA_LINE,
        "#",
        f"# Concept {concept_id}, started by `kb new concept`. Ground the definition in a work of",
        "# references.bib: its key, the exact words that define the concept and where they stand.",
        "# `kb check` lists what is still missing; CONTRIBUTING.md explains every field.",
        f"id: {concept_id}",
        f"label: {_quoted(label or label_from_id(concept_id))}",
        "# Other names readers may search for, e.g. [\"shared leadership\"].",
        "aliases: []",
        "definition:",
        '  text: ""      # the definition in your own words',
        '  source: ""    # BibTeX key of the work the definition comes from (a list if the passage credits several)',
        "  # reported_by: torrance2013catch22   # if you know the definition through another source",
        '  quote: ""     # the exact defining words (or delete this line)',
        '  locator: ""   # "section: <heading>" or "p. 12"',
        "# Concept ids: more general concepts, related ones, and competing terms.",
        f"broader: [{', '.join(broader)}]",
        f"related: [{', '.join(related)}]",
        "alternative_to: []",
        "# group: ways-of-distribution   # if the concept is one of a group",
    ]
    return "\n".join(lines) + "\n"


def scaffold_question(kb: KnowledgeBase, question_id: str, question: str | None = None) -> str:
    """The text of a new question page ``question_id``: the front matter, commented, and no body
    (``kb check`` asks for one: KB608), so that no placeholder text can be published."""
    example = "distributed-leadership" if "distributed-leadership" in kb.concepts else next(iter(sorted(kb.concepts)), "some-concept")
    lines = [
        "---",
        QUESTION_SCHEMA_LINE,
        "#",
        f"# Question page {question_id}, started by `kb new question`. Below the closing '---', answer the",
        "# question in your own words: first '**In short.**' and two sentences that answer it and say how",
        "# strong the evidence is, then one paragraph per sub-point under '## ' headings, every paragraph",
        "# cited. Citations (pandoc): [@key], [@key, p. 17], [@a; @b], [see @key], narrative @key; prefer",
        "# claim citations [@key#claim-id], which show their quote on the site. No footnotes, tables or HTML.",
        "# `kb check` lists what is still missing; CONTRIBUTING.md, 'Question pages', explains the rest.",
        f"question: {_quoted(question or '')}   # the question, e.g. \"Is distributed leadership given or taken?\"",
        f"concepts: []   # concept ids the page discusses, e.g. [{example}]",
        "status: draft   # draft | reviewed (a second person has checked every citation against its quote)",
        'contributors: []   # who wrote and reviewed it, e.g. ["Evidence base maintainers"]',
        "---",
    ]
    return "\n".join(lines) + "\n"


def new_question(kb: KnowledgeBase, question_id: str, question: str | None = None) -> Path:
    """Write ``kb/questions/<id>.md``. Raises :class:`ScaffoldError` for a malformed or existing
    id. Returns the path written."""
    if not valid_id(question_id):
        slug = "-".join(re.findall(r"[a-z0-9]+", question_id.lower()))
        hint = f"; did you mean '{slug}'?" if slug and valid_id(slug) else ""
        raise ScaffoldError(f"'{question_id}' is not a valid question id: use lower-case words joined by hyphens{hint}")
    path = kb.root / QUESTIONS_DIR / f"{question_id}.md"
    if path.exists() or question_id in kb.questions:
        raise ScaffoldError(f"question '{question_id}' already exists: {(QUESTIONS_DIR / path.name).as_posix()}")
    return _create(path, scaffold_question(kb, question_id, question))


def new_source(kb: KnowledgeBase, key: str) -> Path:
    """Write ``kb/sources/<key>.yaml``. Raises :class:`ScaffoldError` for an unknown key or an
    existing note. Returns the path written."""
    if key not in kb.sources:
        near = near_keys(key, kb.sources)
        hint = f"did you mean {either([repr(k) for k in near])}?" if near else ""
        raise ScaffoldError(f"unknown key '{key}': not in references.bib ({hint or 'add the entry first with kb import FILE.bib'})")
    if not is_safe_key(key):
        raise ScaffoldError(f"key '{key}' has characters unsafe in a file name")
    path = kb.root / SOURCES_DIR / f"{key}.yaml"
    if path.exists() or key in kb.notes:
        existing = kb.notes[key].path if key in kb.notes else (SOURCES_DIR / path.name).as_posix()
        raise ScaffoldError(f"a note on '{key}' already exists: {existing}")
    return _create(path, scaffold_source(kb, key))


def new_concept(kb: KnowledgeBase, concept_id: str, label: str | None = None, broader: tuple[str, ...] = (),
                related: tuple[str, ...] = ()) -> tuple[Path, list[str]]:
    """Write ``kb/concepts/<id>.yaml``. ``broader`` and ``related`` name existing concepts by id,
    label or alias (:func:`litkb.core.names.concept_id`). Raises :class:`ScaffoldError` for a
    malformed id, an id or label that already names a concept (as its id, label or an alias), or
    an unknown broader or related concept (with the nearest names). Returns the path and notes on
    similar existing concepts (possible duplicates)."""
    if not re.match(ID_PATTERN, concept_id):
        slug = "-".join(re.findall(r"[a-z0-9]+", concept_id.lower()))
        hint = f"; did you mean '{slug}'?" if slug else ""
        raise ScaffoldError(f"'{concept_id}' is not a valid concept id: use lower-case words joined by hyphens{hint}")
    path = kb.root / CONCEPTS_DIR / f"{concept_id}.yaml"
    if path.exists() or concept_id in kb.concepts:
        existing = kb.concepts[concept_id].path if concept_id in kb.concepts else (CONCEPTS_DIR / path.name).as_posix()
        raise ScaffoldError(f"concept '{concept_id}' already exists: {existing}")
    names = concept_names(kb.concepts)
    for given in (concept_id, label or ""):
        taken = resolve_concept(given, names) if given else None
        if taken is not None:
            raise ScaffoldError(f"'{given}' already names the concept '{taken}' (its id, label or an alias): {kb.concepts[taken].path}")
    try:
        broader_ids = tuple(dict.fromkeys(find_concept(name, kb.concepts) for name in broader))
        related_ids = tuple(dict.fromkeys(find_concept(name, kb.concepts) for name in related))
    except UnknownName as err:
        raise ScaffoldError(str(err)) from err
    return _create(path, scaffold_concept(kb, concept_id, label, broader_ids, related_ids)), similar_concepts(kb, concept_id)


def similar_concepts(kb: KnowledgeBase, concept_id: str) -> list[str]:
    """Existing concepts whose id or an alias is close to ``concept_id``: "x (alias 'y')"."""
    found: dict[str, str] = {}
    for cid, concept in sorted(kb.concepts.items()):
        names = {cid: "", **{"-".join(re.findall(r"[a-z0-9]+", a.lower())): f" (alias '{a}')" for a in concept.aliases}}
        for name, why in names.items():
            if cid not in found and difflib.SequenceMatcher(None, name, concept_id).ratio() >= 0.85:
                found[cid] = f"{cid}{why}"
    return list(found.values())


def _create(path: Path, text: str) -> Path:
    """Create ``path`` with ``text`` atomically, never replacing a file that appeared meanwhile:
    the text goes to a temporary file first, which is then hard-linked to its name (a link
    fails if the name exists, where a rename would replace it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, new_file_mode(path))  # as an editor would create it, not mkstemp's 0o600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.link(tmp, path)
    except FileExistsError as err:
        raise ScaffoldError(f"{path.name} already exists") from err
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
