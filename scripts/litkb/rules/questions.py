"""Stages ``validate`` and ``link`` for question pages: kb/questions/<id>.md -> :class:`Question`.

Input: the knowledge-base root and what :func:`litkb.rules.link.build_kb` already linked (sources,
notes, concepts). Output: the questions by id, and located problems: the front matter checked by
the one schema (:data:`litkb.rules.schema.QUESTION`), the text by :mod:`litkb.load.questionfile`,
and every citation resolved: the key in the library (KB405), for a claim citation the note
(KB604) and the claim id in it (KB603), the front matter's concepts (KB403). Two warnings: a
paragraph that cites nothing (KB605), and a cited claim bearing on none of the question's concepts
(KB606). Whether a claim's stance fits the sentence citing it is not judged: that needs a reader.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Collection, Mapping
from pathlib import Path

from ..core.limits import MAX_HINTS_PER_FILE, MAX_YAML_BYTES
from ..core.located import LMap, pos_of
from ..core.model import Claim, Concept, Note, Question, Source, TextBlock
from ..core.problems import Problem, problem
from ..core.urls import RESERVED_PAGE_NAMES
from ..load.questionfile import parse_body, split_front_matter
from ..load.textio import folder_texts, open_folder
from ..load.yamlload import compose_yaml
from . import offsite, schema
from .validate import matches_id, validate

QUESTIONS_DIR = Path("kb/questions")
SUFFIX = ".md"


def load_questions(root: Path, sources: Mapping[str, Source], notes: Mapping[str, Note], concepts: Mapping[str, Concept], problems: list[Problem]) -> dict[str, Question]:
    """Every ``kb/questions/*.md`` under ``root``, checked and linked, in id order. The folder is
    optional; it is opened without following a link, and so is each file in it."""
    folder_fd, folder_problems = open_folder(root, QUESTIONS_DIR)
    problems += folder_problems
    if folder_fd is None:
        return {}
    checker = _Checker(sources, notes, concepts, problems)
    questions: dict[str, Question] = {}
    try:
        for name, shown, text in folder_texts(folder_fd, QUESTIONS_DIR, (SUFFIX,), MAX_YAML_BYTES, "rename the file to <id>.md", problems):
            question = checker.question(name[: -len(SUFFIX)], shown, text)
            if question is not None:
                questions[question.id] = question
    finally:
        os.close(folder_fd)
    return questions


class _Checker:
    """Checks one question file at a time against the linked library, notes and concepts."""

    def __init__(self, sources: Mapping[str, Source], notes: Mapping[str, Note], concepts: Mapping[str, Concept], problems: list[Problem]) -> None:
        self.sources = sources
        self.notes = notes
        self.concepts = concepts
        self.problems = problems
        self.hints: dict[str, int] = {}
        self.claims: dict[str, dict[str, Claim]] = {}

    def at(self, shown: str, line: int, column: int, code: str, message: str, hint: str = "") -> None:
        self.problems.append(problem(shown, line, column, code, message, hint))

    def near(self, shown: str, value: str, choices: Collection[str]) -> str:
        """A did-you-mean hint (at most MAX_HINTS_PER_FILE per file: each compares with every choice)."""
        given = self.hints.get(shown, 0)
        if given >= MAX_HINTS_PER_FILE:
            return ""
        self.hints[shown] = given + 1
        found = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
        return f"did you mean '{found[0]}'?" if found else ""

    def question(self, question_id: str, shown: str, text: str) -> Question | None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not matches_id(question_id):
            self.at(shown, 1, 1, "KB305", f"question id '{question_id}' (the file name) is not a valid id", "name the file with lower-case words joined by hyphens, e.g. given-or-taken.md")
            return None
        if question_id in RESERVED_PAGE_NAMES:
            self.at(shown, 1, 1, "KB408", f"question id '{question_id}' would replace the site's page questions/{question_id}.md", "choose another file name")
            return None
        split, split_problems = split_front_matter(text, shown)
        self.problems.extend(split_problems)
        if split is None:
            return None
        node, yaml_problems = compose_yaml(split.front, shown)
        self.problems.extend(yaml_problems)
        front: LMap | None = None
        if node is not None:
            front, schema_problems = validate(node, schema.QUESTION, shown)
            self.problems.extend(schema_problems)
            if front is not None:
                self.problems.extend(offsite.check_document(front, shown))
        blocks, body_problems = parse_body(split.body, split.body_line, shown)
        self.problems.extend(body_problems)
        front = front if front is not None else LMap()
        concepts = tuple(str(c) for c in front.get("concepts", ()) if self.check_concept(shown, c))
        for block in blocks:
            self.check_block(shown, block, set(concepts))
        if "question" not in front:
            return None  # the page is left out until its front matter says what it answers
        return Question(
            id=question_id,
            path=shown,
            question=str(front["question"]),
            concepts=concepts,
            status=str(front.get("status", "draft")),
            contributors=tuple(str(c) for c in front.get("contributors", ())),
            blocks=tuple(blocks),
            digest=hashlib.sha1(text.encode("utf-8")).hexdigest(),
        )

    def check_concept(self, shown: str, concept: object) -> bool:
        if concept in self.concepts:
            return True
        line, column = pos_of(concept, (1, 1))
        hint = self.near(shown, str(concept), self.concepts)
        self.at(shown, line, column, "KB403", f"unknown concept '{concept}'", hint or "add it under kb/concepts/ (kb new concept ID)")
        return False

    def check_block(self, shown: str, block: TextBlock, concepts: set[str]) -> None:
        for url in offsite.remote_images(block.text) if "![" in block.text else ():
            self.problems.append(offsite.remote_image_problem(shown, block.line, 1, "text", url))
        if block.kind != "heading" and not block.citations:
            what = "list item" if block.kind == "item" else "paragraph"
            self.at(shown, block.line, 1, "KB605", f"this {what} cites nothing", "cite the claims or works it rests on, e.g. [@key#claim-id]")
        for item in block.items:
            if item.key not in self.sources:
                hint = self.near(shown, item.key, self.sources)
                self.at(shown, item.line, item.column, "KB405", f"citation '@{item.key}' is not a key in references.bib", hint)
                continue
            if not item.claim:
                continue
            note = self.notes.get(item.key)
            if note is None:
                self.at(shown, item.line, item.column, "KB604", f"'@{item.uid}' cites a claim of '{item.key}', which has no note", f"cite the work as [@{item.key}], or write its note: kb new source {item.key}")
                continue
            claim = self.claims_of(note).get(item.claim)
            if claim is None:
                hint = self.near(shown, item.claim, self.claims_of(note))
                self.at(shown, item.line, item.column, "KB603", f"'{item.key}' has no claim '{item.claim}'", hint or f"see the ids in {note.path}")
                continue
            bears_on = [link.concept for link in claim.concepts]
            if bears_on and not concepts.intersection(bears_on):
                self.at(
                    shown, item.line, item.column, "KB606",
                    f"claim '{item.uid}' bears on none of the question's concepts (it bears on {', '.join(dict.fromkeys(bears_on))})",
                    "add one of them to 'concepts' if the page discusses it",
                )

    def claims_of(self, note: Note) -> dict[str, Claim]:
        """The note's claims and reported claims by id (computed once per note)."""
        if note.key not in self.claims:
            self.claims[note.key] = {c.id: c for c in (*note.claims, *note.reported)}
        return self.claims[note.key]


def valid_id(question_id: str) -> bool:
    """Whether ``question_id`` may name a question (the pattern of concept and claim ids)."""
    return matches_id(question_id) and question_id not in RESERVED_PAGE_NAMES

