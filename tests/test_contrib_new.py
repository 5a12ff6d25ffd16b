"""`kb new source KEY` / `kb new concept ID`: scaffolds that editors and `kb check` understand."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from litkb.cli.main import main
from litkb.contrib.scaffold import CONCEPT_SCHEMA_LINE, NOTE_SCHEMA_LINE, label_from_id, scaffold_source
from litkb.rules.link import build_kb
from litkb.rules.schema import render_schemas

KB = FIXTURES / "contrib" / "kb"


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    return root


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    return result.exit_code, result.output


def check_lines(root: Path) -> list[str]:
    return [p.text() for p in build_kb(root).problems]


def test_new_source_writes_a_prefilled_scaffold(kb_copy: Path) -> None:
    code, out = run(kb_copy, "new", "source", "gronn2008")
    assert code == 0, out
    assert out.strip() == "wrote kb/sources/gronn2008.yaml: write the summary, kind and claims, then run kb check"
    text = (kb_copy / "kb/sources/gronn2008.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == NOTE_SCHEMA_LINE == "# yaml-language-server: $schema=../../schemas/note.schema.json"
    assert "#   Title:    The future of distributed leadership" in text
    assert "#   Authors:  Gronn, Peter" in text
    assert "#   Year:     2008 (article in Journal of Educational Administration)" in text
    assert "#   DOI:      10.1108/09578230810863235" in text
    assert "#   Cited by notes: torrance2013catch22" in text
    data = yaml.safe_load(text)
    assert data == {"key": "gronn2008", "summary": "", "kind": "", "design": [], "claims": [], "reported": [], "cites": []}


def test_scaffold_fails_kb_check_only_on_what_the_contributor_must_write(kb_copy: Path) -> None:
    run(kb_copy, "new", "source", "gronn2008")
    assert check_lines(kb_copy) == [
        "kb/sources/gronn2008.yaml:17:10: error KB306: 'summary' is empty",
        "kb/sources/gronn2008.yaml:20:7: error KB306: 'kind' is empty",
    ]


def test_filled_in_scaffold_passes_the_json_schema_and_kb_check(kb_copy: Path) -> None:
    run(kb_copy, "new", "source", "gronn2008")
    path = kb_copy / "kb/sources/gronn2008.yaml"
    text = path.read_text(encoding="utf-8").replace('summary: ""', "summary: Asks whether distributed leadership will last.")
    text = text.replace('kind: ""', "kind: conceptual")
    path.write_text(text, encoding="utf-8")
    assert check_lines(kb_copy) == []
    schema = yaml.safe_load(render_schemas()["note.schema.json"])
    jsonschema.validate(yaml.safe_load(text), schema)


def test_scaffold_of_every_real_source_is_valid_yaml() -> None:
    kb = build_kb(REPO)
    for key in kb.sources:
        data = yaml.safe_load(scaffold_source(kb, key))
        assert data["key"] == key


def test_new_source_refuses_unknown_key_with_did_you_mean(kb_copy: Path) -> None:
    code, out = run(kb_copy, "new", "source", "gron2008")
    assert code == 1
    assert out.strip() == "Error: unknown key 'gron2008': not in references.bib (did you mean 'gronn2008' or 'gronn2009b'?)"
    assert not (kb_copy / "kb/sources/gron2008.yaml").exists()


def test_new_source_refuses_unknown_key_without_near_match(kb_copy: Path) -> None:
    code, out = run(kb_copy, "new", "source", "zzz1999")
    assert code == 1
    assert out.strip() == "Error: unknown key 'zzz1999': not in references.bib (add the entry first with kb import FILE.bib)"


def test_new_source_refuses_existing_note_and_leaves_it_alone(kb_copy: Path) -> None:
    path = kb_copy / "kb/sources/torrance2013catch22.yaml"
    before = path.read_bytes()
    code, out = run(kb_copy, "new", "source", "torrance2013catch22")
    assert code == 1
    assert out.strip() == "Error: a note on 'torrance2013catch22' already exists: kb/sources/torrance2013catch22.yaml"
    assert path.read_bytes() == before


def test_new_concept_scaffold(kb_copy: Path) -> None:
    code, out = run(kb_copy, "new", "concept", "teacher-agency")
    assert code == 0, out
    text = (kb_copy / "kb/concepts/teacher-agency.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == CONCEPT_SCHEMA_LINE == "# yaml-language-server: $schema=../../schemas/concept.schema.json"
    data = yaml.safe_load(text)
    assert data["id"] == "teacher-agency"
    assert data["label"] == "Teacher agency"
    assert data["definition"] == {"text": "", "source": "", "quote": "", "locator": ""}
    assert [line.split(": error ")[1] for line in check_lines(kb_copy)] == [
        "KB306: 'definition.text' is empty",
        "KB306: 'definition.source' is empty",
        "KB306: 'definition.quote' is empty",
        "KB306: 'definition.locator' is empty",
    ]


def test_new_concept_label_option_and_similar_concepts(kb_copy: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(kb_copy), "new", "concept", "distributed-leadershp", "--label", "Distributed leadership (typo)"])
    assert result.exit_code == 0
    assert "note: a similar concept exists: distributed-leadership" in result.output
    data = yaml.safe_load((kb_copy / "kb/concepts/distributed-leadershp.yaml").read_text(encoding="utf-8"))
    assert data["label"] == "Distributed leadership (typo)"


@pytest.mark.parametrize(
    ("concept_id", "message"),
    [
        ("Teacher Agency", "Error: 'Teacher Agency' is not a valid concept id: use lower-case words joined by hyphens; did you mean 'teacher-agency'?"),
        ("teacher--agency", "Error: 'teacher--agency' is not a valid concept id: use lower-case words joined by hyphens; did you mean 'teacher-agency'?"),
        ("../evil", "Error: '../evil' is not a valid concept id: use lower-case words joined by hyphens; did you mean 'evil'?"),
        ("hybrid-leadership", "Error: concept 'hybrid-leadership' already exists: kb/concepts/hybrid-leadership.yaml"),
        # An id that an existing concept already answers to, as its label or an alias.
        ("mixed-leadership-patterns", "Error: 'mixed-leadership-patterns' already names the concept 'hybrid-leadership' (its id, label or an alias): kb/concepts/hybrid-leadership.yaml"),
        ("role-of-the-headteacher", "Error: 'role-of-the-headteacher' already names the concept 'headteacher-role' (its id, label or an alias): kb/concepts/headteacher-role.yaml"),
    ],
)
def test_new_concept_refuses_malformed_or_existing_id(kb_copy: Path, concept_id: str, message: str) -> None:
    before = sorted(p.name for p in (kb_copy / "kb/concepts").iterdir())
    code, out = run(kb_copy, "new", "concept", concept_id)
    assert code == 1
    assert out.strip() == message
    assert sorted(p.name for p in (kb_copy / "kb/concepts").iterdir()) == before


def test_new_concept_takes_broader_and_related_concepts_by_name(kb_copy: Path) -> None:
    code, out = run(kb_copy, "new", "concept", "teacher-voice", "--broader", "Distributed leadership", "--related", "mixed leadership patterns",
                    "--related", "principal's role")
    assert code == 0, out
    data = yaml.safe_load((kb_copy / "kb/concepts/teacher-voice.yaml").read_text(encoding="utf-8"))
    assert data["broader"] == ["distributed-leadership"] and data["related"] == ["hybrid-leadership", "headteacher-role"]
    code, out = run(kb_copy, "new", "concept", "pupil-voice", "--related", "hybrd")
    assert code == 1 and out.strip() == "Error: unknown concept 'hybrd' (did you mean 'hybrid-leadership'?)"
    assert not (kb_copy / "kb/concepts/pupil-voice.yaml").exists()
    # A label already taken is refused too.
    code, out = run(kb_copy, "new", "concept", "pupil-voice", "--label", "Hybrid Leadership")
    assert code == 1 and "'Hybrid Leadership' already names the concept 'hybrid-leadership'" in out


def test_label_from_id() -> None:
    assert label_from_id("teacher-agency") == "Teacher agency"
    assert label_from_id("catch-22") == "Catch 22"
