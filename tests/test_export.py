"""Exports (BibTeX, CSL-JSON, RIS), selections, evidence packs and the `kb cite` / `kb export` CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, UPDATE_GOLDEN
from litkb.cli.main import main
from litkb.core.model import KnowledgeBase
from litkb.emit.exports import packs, registry, selection
from litkb.emit.exports.formats.bibtex import to_bibtex
from litkb.emit.exports.formats.csl_json import to_csl_json
from litkb.emit.exports.formats.ris import to_ris
from litkb.load.bibtex import parse_bibtex
from litkb.rules.link import build_kb

CITE = FIXTURES / "cite"
FIXTURE_KB = CITE / "kb"
# The official CSL data schema (citation-style-language/schema, schemas/input/csl-data.json).
CSL_SCHEMA = json.loads((CITE / "csl-data.json").read_text(encoding="utf-8"))
# Zotero's RIS translator (RIS.js) reads a line as a tag when it matches this pattern.
RIS_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
# Tags Zotero's RIS translator maps (its fieldMap; ID is read and ignored).
ZOTERO_TAGS = {"TY", "ID", "AU", "A2", "A3", "TI", "T2", "T3", "PY", "VL", "IS", "SV", "M1", "SP", "EP", "ET", "CY", "C1", "PB", "SN", "M3", "DO", "UR", "LA", "AB", "N1", "ER"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    built = build_kb(FIXTURE_KB)
    assert not built.problems, built.problems
    return built


def check_golden_bytes(path: Path, actual: str) -> None:
    """As conftest.check_golden, byte for byte: RIS and CSV golden files have CRLF line ends."""
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"golden file {path} missing: run with KB_UPDATE_GOLDEN=1 and review it"
    assert actual.encode("utf-8") == path.read_bytes()


def parse_ris(text: str) -> list[list[tuple[str, str]]]:
    """RIS text -> records of (tag, value), checking the line format as Zotero reads it."""
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.split("\r\n"):
        if not line:
            continue
        match = RIS_LINE.match(line)
        assert match, f"not a RIS line: {line!r}"
        tag, value = match.group(1), (match.group(2) or "").strip()
        assert tag in ZOTERO_TAGS, tag
        if tag == "TY":
            assert not current, "TY inside a record"
        current.append((tag, value))
        if tag == "ER":
            records.append(current)
            current = []
    assert not current, "record without ER"
    return records


# ---------------------------------------------------------------------------------------------
# BibTeX


def test_bibtex_reimports_with_the_same_fields(real_kb: KnowledgeBase) -> None:
    text = to_bibtex(real_kb, list(real_kb.sources.values()))
    library, problems = parse_bibtex(text, "export.bib")
    assert problems == []
    assert sorted(library.entries) == sorted(real_kb.sources)
    for key, entry in library.entries.items():
        assert entry.fields == dict(real_kb.sources[key].fields), key


def test_bibtex_selection_brings_its_crossref_parents_last(kb: KnowledgeBase) -> None:
    text = to_bibtex(kb, [kb.sources["gronn2009a"], kb.sources["gronn2009b"]])
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.MULTILINE)
    assert keys == ["gronn2009a", "gronn2009b", "harris2009book", "leithwood2009book"]
    library, problems = parse_bibtex(text, "export.bib")
    assert problems == []
    assert library.entries["gronn2009a"].fields["booktitle"] == "Distributed Leadership: Different Perspectives"
    # Provenance stays with the entry, as written.
    assert "verification_note = {verified: https://rd.springer.com/chapter/10.1007/978-1-4020-9737-9_11" in text


def test_bibtex_keeps_provenance_of_unverified_entries(kb: KnowledgeBase) -> None:
    text = to_bibtex(kb, [kb.sources["day2007b"], kb.sources["dinham2009"]])
    entries = parse_bibtex(text, "x.bib")[0].entries
    assert entries["day2007b"].fields["verification"] == "unverified"
    assert entries["day2007b"].fields["unconfirmed"] == "author, title, series, number, publisher"
    assert entries["dinham2009"].fields["verification"] == "unknown"
    assert "title" not in entries["dinham2009"].fields  # nothing filled in


# ---------------------------------------------------------------------------------------------
# CSL-JSON


def test_csl_json_of_whole_library_validates(real_kb: KnowledgeBase) -> None:
    items = json.loads(to_csl_json(list(real_kb.sources.values())))
    jsonschema.validate(items, CSL_SCHEMA)
    assert [i["id"] for i in items] == sorted(real_kb.sources)
    by_id = {i["id"]: i for i in items}
    assert by_id["ncsl2004"]["author"] == [{"literal": "National College for School Leadership"}]
    assert by_id["gronn2009a"]["type"] == "chapter" and by_id["gronn2009a"]["page"] == "197-217"
    assert by_id["gronn2009a"]["collection-title"] == "Studies in Educational Leadership" and by_id["gronn2009a"]["collection-number"] == "7"
    assert by_id["torrance2013catch22"]["issue"] == "3" and by_id["torrance2013catch22"]["volume"] == "41"
    assert by_id["cohen2006"]["edition"] == "5"


def test_csl_json_carries_verification_in_note_and_custom(kb: KnowledgeBase) -> None:
    items = {i["id"]: i for i in json.loads(to_csl_json(list(kb.sources.values())))}
    day = items["day2007b"]
    assert day["note"].startswith("verification: unverified; verification_note: unverified: from memory")
    assert day["custom"]["unconfirmed"] == "author, title, series, number, publisher"
    dinham = items["dinham2009"]
    assert dinham["custom"]["verification"] == "unknown" and "title" not in dinham and dinham["type"] == "document"
    jsonschema.validate(list(items.values()), CSL_SCHEMA)


def test_csl_schema_rejects_what_it_should() -> None:
    """The vendored schema is the strict one: unknown variables and types fail."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article-journal", "journal": "J"}], CSL_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "incollection"}], CSL_SCHEMA)


# ---------------------------------------------------------------------------------------------
# RIS


def test_ris_of_whole_library_is_zotero_readable(real_kb: KnowledgeBase) -> None:
    records = parse_ris(to_ris(list(real_kb.sources.values())))
    assert len(records) == len(real_kb.sources)
    for record, source in zip(records, real_kb.sources.values(), strict=True):
        assert record[0][0] == "TY" and record[-1] == ("ER", "")
        tags = dict(record)
        assert tags["ID"] == source.key
        assert tags.get("PY") == source.year
        assert any(tag == "N1" and value.startswith(f"verification: {source.verification}") for tag, value in record)


def test_ris_maps_types_and_creators_as_zotero_does(kb: KnowledgeBase) -> None:
    records = {dict(r)["ID"]: r for r in parse_ris(to_ris(list(kb.sources.values())))}
    chapter = records["gronn2009a"]
    assert chapter[0] == ("TY", "CHAP")
    assert ("A2", "Harris, Alma") in chapter and ("T2", "Distributed Leadership: Different Perspectives") in chapter
    assert ("T3", "Studies in Educational Leadership") in chapter and ("SV", "7") in chapter
    assert ("SP", "197") in chapter and ("EP", "217") in chapter and ("DO", "10.1007/978-1-4020-9737-9_11") in chapter
    book = records["spillane_diamond2007"]
    assert book[0] == ("TY", "BOOK") and ("A3", "Spillane, James P.") in book and not any(t == "AU" for t, _ in book)
    report = records["day2007b"]
    assert report[0] == ("TY", "RPRT") and ("SN", "RR018") in report and ("T2", "DCSF Research Report") in report
    assert ("AU", "National College for School Leadership") in records["ncsl2004"]
    assert records["macbeath2005icsei"][0] == ("TY", "CONF")
    assert records["skaria2020"][0] == ("TY", "THES") and ("M3", "PhD thesis") in records["skaria2020"]
    assert ("C1", "Milwaukee, WI, United States") in records["fistek2017"]
    assert records["dinham2009"][0] == ("TY", "GEN") and not any(t == "TI" for t, _ in records["dinham2009"])
    unverified = dict(records["day2007b"])["N1"]
    assert unverified.startswith("verification: unverified;") and "unconfirmed: author, title, series, number, publisher" in unverified


# ---------------------------------------------------------------------------------------------
# Selection


def test_selection_by_concept_author_and_key(kb: KnowledgeBase) -> None:
    def keys(**kwargs: object) -> list[str]:
        return [s.key for s in selection.select_sources(kb, **kwargs)]  # type: ignore[arg-type]

    assert keys() == sorted(kb.sources)
    assert keys(concepts=["hybrid-leadership"]) == ["gronn2009b", "torrance2013catch22"]
    assert keys(concepts=["distributed-leadership"]) == ["bennett2003", "gronn2009b", "macbeath2005icsei", "torrance2013catch22"]
    assert keys(authors=["Gronn"]) == ["gronn2009a", "gronn2009b"]
    assert keys(authors=["gronn-p"]) == keys(authors=["Gronn, Peter"]) == keys(authors=["GRONN"])
    # An edited volume is its editors' work; a chapter in it is not (Harris edited gronn2009a's volume).
    assert keys(authors=["Harris, Alma"]) == ["day2007b", "harris2009book"]  # co-author of Day et al.
    assert keys(authors=["Spillane"]) == ["spillane_diamond2007"]
    assert keys(authors=["Gronn", "Torrance"]) == ["gronn2009a", "gronn2009b", "torrance2013catch22", "torrance2013ser", "torrance2013slm"]
    assert keys(concepts=["hybrid-leadership"], authors=["Gronn"]) == ["gronn2009b"]
    assert keys(keys=["ncsl2004", "bell2007"]) == ["bell2007", "ncsl2004"]
    assert keys(keys=["ncsl2004"], authors=["Gronn"]) == []
    with pytest.raises(selection.SelectionError, match="unknown concept 'nope'"):
        selection.select_sources(kb, concepts=["nope"])
    with pytest.raises(selection.SelectionError, match="no author or editor named 'Nobody'"):
        selection.select_sources(kb, authors=["Nobody"])
    with pytest.raises(selection.SelectionError, match=r"unknown key: zz \(not in references.bib\)"):
        selection.select_sources(kb, keys=["zz"])
    # A concept by its label or an alias, in any case, as kb search concept: takes it.
    assert keys(concepts=["Hybrid Leadership"]) == keys(concepts=["hybrid-leadership"])
    with pytest.raises(selection.SelectionError, match=r"unknown concept 'hybrid' \(did you mean 'hybrid-leadership'\?\)"):
        selection.select_sources(kb, concepts=["hybrid"])


# ---------------------------------------------------------------------------------------------
# Evidence packs


def test_evidence_pack_golden(kb: KnowledgeBase) -> None:
    pack = packs.evidence_pack(kb, "hybrid-leadership")
    assert sorted(pack) == ["hybrid-leadership-claims.csv", "hybrid-leadership-evidence.bib", "hybrid-leadership-evidence.ris"]
    for name, text in pack.items():
        check_golden_bytes(CITE / "golden" / "pack" / name, text)
    with pytest.raises(KeyError):
        packs.evidence_pack(kb, "nope")


def test_evidence_pack_has_what_the_concept_page_shows(kb: KnowledgeBase) -> None:
    pack = packs.evidence_pack(kb, "distributed-leadership")
    rows = list(csv.DictReader(io.StringIO(pack["distributed-leadership-claims.csv"], newline="")))
    assert list(rows[0]) == list(packs.CLAIM_COLUMNS)
    shown = kb.claims_about_concept("distributed-leadership")
    assert sorted((r["stance"], r["type"], r["claim"], r["quote"], r["locator"], r["source key"], r["cited as"], r["reported by"]) for r in rows) == sorted(
        (link.stance, c.type, c.text, c.quote, c.locator, "; ".join(c.works), "; ".join(c.cited_as), c.note_key if c.reported else "") for c, link in shown
    )
    # Page order: qualifies before contests.
    assert [r["stance"] for r in rows] == ["qualifies", "contests"]
    assert rows[0]["reported by"] == "torrance2013catch22" and rows[0]["source key"] == "gronn2009b"
    assert rows[0]["study"] == "gronn2009b" and rows[0]["cited as"] == "Gronn, 2009b: 17"
    assert rows[1]["reported by"] == "" and rows[1]["study"] == "torrance2013catch22"
    bib_keys = sorted(parse_bibtex(pack["distributed-leadership-evidence.bib"], "x.bib")[0].entries)
    assert bib_keys == ["bennett2003", "gronn2009b", "leithwood2009book", "macbeath2005icsei", "torrance2013catch22"]
    ris_keys = [dict(r)["ID"] for r in parse_ris(pack["distributed-leadership-evidence.ris"])]
    assert ris_keys == ["bennett2003", "gronn2009b", "macbeath2005icsei", "torrance2013catch22"]


def test_evidence_packs_of_the_real_knowledge_base(real_kb: KnowledgeBase) -> None:
    for concept_id in real_kb.concepts:
        pack = packs.evidence_pack(real_kb, concept_id)
        rows = list(csv.reader(io.StringIO(pack[f"{concept_id}-claims.csv"], newline="")))
        assert rows[0] == list(packs.CLAIM_COLUMNS)
        assert len(rows) - 1 == len(real_kb.claims_about_concept(concept_id))
        assert parse_bibtex(pack[f"{concept_id}-evidence.bib"], "x.bib")[1] == []
        parse_ris(pack[f"{concept_id}-evidence.ris"])
    assert packs.evidence_pack(real_kb, "trust") == packs.evidence_pack(real_kb, "trust")  # deterministic


# ---------------------------------------------------------------------------------------------
# CLI


def test_cli_cite(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "gronn2009b", "bell2007", "--style", "harvard"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # One Gronn (2009) among the references printed: no letter (the site's label is Gronn (2009b)).
    assert lines[0].startswith("Bell, L. (2007) Perspectives") and lines[1].startswith("Gronn, P. (2009) ‘Hybrid leadership’")
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "oshima2004", "--in-text"])
    assert result.output == "oshima2004\t(Oshima & Hogue, 2004)\tOshima and Hogue (2004)\n"
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "siirtola2007", "--format", "markdown"])
    assert result.output == "Siirtola, H. (2007). *Interactive visualization of multidimensional data*. Tampere University Press.\n"
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "nope", "bell2007"])
    assert result.exit_code == 1 and result.output.strip() == "Error: unknown key: nope (not in references.bib)"
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "gronn2009"])
    assert result.exit_code == 1 and result.output.strip() == "Error: unknown key: gronn2009 (did you mean gronn2009b or gronn2009a?)"
    # --concept: the works behind a concept's evidence, named by label as anywhere else.
    by_concept = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "--concept", "Hybrid leadership"])
    by_keys = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", *(s.key for s in selection.select_sources(build_kb(FIXTURE_KB), concepts=["hybrid-leadership"]))])
    assert by_concept.exit_code == 0 and by_concept.output == by_keys.output and by_concept.output.count("\n") == 2
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite"])
    assert result.exit_code == 2 and "give at least one KEY or --concept NAME" in result.output
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "cite", "bell2007", "--style", "nope"])
    assert result.exit_code == 1 and "unknown citation style 'nope'" in result.output and "Traceback" not in result.output


def test_cli_export(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "sub" / "hybrid.ris"
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "export", "--concept", "hybrid-leadership", "--format", "ris", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 2 works" in result.output
    assert out.read_bytes().decode("utf-8") == to_ris(selection.select_sources(build_kb(FIXTURE_KB), concepts=["hybrid-leadership"]))
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "export", "--key", "bell2007,ncsl2004", "--format", "csl-json"])
    assert [i["id"] for i in json.loads(result.output)] == ["bell2007", "ncsl2004"]
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "export", "--author", "Gronn", "--format", "bibtex"])
    assert re.findall(r"^@\w+\{([^,]+),", result.output, flags=re.MULTILINE) == ["gronn2009a", "gronn2009b", "harris2009book", "leithwood2009book"]
    for args, message in (
        (["--concept", "nope"], "Error: unknown concept 'nope' (kb search kind:concept lists them)"),
        (["--concept", "hybrid leadershp"], "Error: unknown concept 'hybrid leadershp' (did you mean 'hybrid-leadership'?)"),
        (["--key", "ncsl2004", "--author", "Gronn"], "Error: the selection matches no work in the library"),
    ):
        result = runner.invoke(main, ["--root", str(FIXTURE_KB), "export", *args, "--format", "ris"])
        assert result.exit_code == 1 and result.output.strip() == message
    result = runner.invoke(main, ["--root", str(FIXTURE_KB), "export", "--format", "pdf"])
    assert result.exit_code == 2


# -- the format registry ---------------------------------------------------------------------------
def test_the_registry_finds_one_module_per_format() -> None:
    known = registry.formats()
    assert list(known) == ["bibtex", "csl-json", "ris"]
    assert [f.extension for f in known.values()] == ["bib", "json", "ris"]
    help_text = CliRunner().invoke(main, ["export", "--help"]).output
    assert "[bibtex|csl-json|ris]" in help_text
    assert all(" ".join(f.provenance.split()) in " ".join(help_text.split()) for f in known.values())
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        registry.export(build_kb(FIXTURE_KB), [], "pdf")


def test_a_new_format_is_one_module_and_kb_export_offers_it(tmp_path: Path) -> None:
    """A module in emit/exports/formats/ declaring FORMAT is offered by `kb export --format` and
    described in its help, with no other change (the package path is extended to a temporary
    folder here, as if the module had been added)."""
    (tmp_path / "keylist.py").write_text(
        "from litkb.emit.exports.spec import ExportFormat\n"
        "FORMAT = ExportFormat('keys', 'a key list', 'txt', 'a key list keeps none', lambda kb, sources: ''.join(s.key + '\\n' for s in sources))\n",
        encoding="utf-8",
    )
    script = (
        "import sys; import litkb.emit.exports.formats as formats; formats.__path__.append(sys.argv[1]); "
        "from litkb.cli.main import run; run(sys.argv[2:])"
    )
    base = [sys.executable, "-c", script, str(tmp_path), "--root", str(FIXTURE_KB), "export"]
    done = subprocess.run([*base, "--format", "keys", "--key", "gronn2009b,bell2007"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "bell2007\ngronn2009b\n"), done.stderr
    helped = subprocess.run([*base, "--help"], capture_output=True, text=True, check=False).stdout
    assert "[bibtex|csl-json|keys|ris]" in helped and "BibTeX, CSL-JSON, a key list or RIS" in " ".join(helped.split())
