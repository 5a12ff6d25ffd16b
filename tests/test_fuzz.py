"""Loading arbitrary text never raises: it yields values or located problems."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litkb.load.bibtex import parse_bibtex
from litkb.load.yamlload import compose_yaml
from litkb.rules.link import build_kb
from litkb.rules.schema import NOTE
from litkb.rules.validate import validate

BIB_ALPHABET = st.sampled_from(list("@{}\",=#%\\ \n\tab1") + ["@article{", "title = {", "@string{", "crossref = {x}", "\\\"o", "}\n"])
YAML_ALPHABET = st.sampled_from(list(":-[]{}&*!|>'\"# \n\tab1") + ["key: ", "claims:\n  - ", "!!python/object ", "&a ", "*a", "no", "\n  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(BIB_ALPHABET, max_size=80).map("".join))
def test_bibtex_never_crashes(text: str) -> None:
    library, problems = parse_bibtex(text, "f.bib")
    assert all(p.line >= 1 for p in problems)
    assert all(e.line >= 1 for e in library.entries.values())


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_ALPHABET, max_size=60).map("".join))
def test_yaml_note_never_crashes(text: str) -> None:
    node, problems = compose_yaml(text, "n.yaml")
    if node is not None:
        _, problems = validate(node, NOTE, "n.yaml")
    assert all(p.line >= 1 for p in problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.text(max_size=200))
def test_whole_knowledge_base_never_crashes(tmp_path: Path, raw_bib: bytes, note: str) -> None:
    (tmp_path / "kb" / "sources").mkdir(parents=True, exist_ok=True)
    (tmp_path / "references.bib").write_bytes(raw_bib)
    (tmp_path / "kb" / "sources" / "x.yaml").write_text(note, encoding="utf-8", errors="surrogatepass")
    kb = build_kb(tmp_path)
    assert all(p.line >= 1 for p in kb.problems)
