"""The citeproc-py patches (litkb.emit.cite.citeproc_patches): the speed patches change no output;
each of the three CSL fixes changes exactly what it says; another citeproc-py version is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from litkb.cli.main import main
from litkb.core import versions
from litkb.core.model import KnowledgeBase
from litkb.emit.cite import citeproc_patches as patches
from litkb.emit.cite import format as cite
from litkb.rules.link import build_kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return build_kb(FIXTURES / "cite" / "kb")


def _everything(kb: KnowledgeBase) -> list[str]:
    """Every reference (in the given and in the sorted order) and in-text form of the library, in
    both styles (HTML: the text and Markdown forms are converted from the same citeproc output)."""
    out: list[str] = []
    for style in ("apa", "harvard"):
        citations = cite.Citations(kb)
        out += citations.references(kb.sources.values(), style)
        out += citations.references(kb.sources.values(), style, sort=True)
        out += [citations.in_text(key, style, narrative, output="html") for key in kb.sources for narrative in (False, True)]
    return out


@pytest.mark.parametrize("root", [FIXTURES / "cite" / "kb", REPO], ids=["fixture", "real"])
def test_the_speed_patches_change_no_output(root: Path) -> None:
    kb = build_kb(root)
    patched = _everything(kb)
    assert patches.installed() == set(patches.SETS)
    with patches.suspended(patches.SPEED):
        assert patches.installed() == set(patches.FIXES)
        plain = _everything(kb)
    assert patches.installed() == set(patches.SETS)
    assert len(patched) > 4 * len(kb.sources)
    assert plain == patched
    with patches.suspended():  # and without the fixes as well
        unfixed = _everything(kb)
        with patches.suspended():
            pass
        assert patches.installed() == set()
    with patches.suspended(*patches.FIXES):
        assert unfixed == _everything(kb)


def _text(kb: KnowledgeBase, key: str) -> str:
    return cite.format_reference(kb.sources[key], "apa", kb=kb, output="text")


def test_substitution_fix_prints_an_edited_books_editors_once(kb: KnowledgeBase) -> None:
    fixed = "Spillane, J. P., & Diamond, J. B. (Eds.). (2007). Distributed Leadership in Practice. Teachers College Press."
    assert _text(kb, "spillane_diamond2007") == fixed
    with patches.suspended(patches.SUBSTITUTION):
        assert _text(kb, "spillane_diamond2007") == fixed.replace("in Practice.", "in Practice (J. P. Spillane & J. B. Diamond, Eds.).")


def test_label_case_fix_capitalises_apas_eds(kb: KnowledgeBase) -> None:
    fixed = _text(kb, "spillane_diamond2007")
    with patches.suspended(patches.LABEL_CASE):
        assert _text(kb, "spillane_diamond2007") == fixed.replace("(Eds.)", "(eds.)")


def test_group_suppression_fix_drops_an_empty_publication_number(kb: KnowledgeBase) -> None:
    fixed = _text(kb, "skaria2020")
    assert fixed.endswith("in cardiac surgery [PhD thesis]. University of Arizona.")
    with patches.suspended(patches.GROUP_SUPPRESSION):
        assert _text(kb, "skaria2020") == fixed.replace("surgery [PhD thesis]", "surgery (Publication) [PhD thesis]")


def test_each_fix_changes_only_what_it_fixes(kb: KnowledgeBase) -> None:
    """Without one fix, only the references it concerns change (counted over the fixture library)."""
    changed = {}
    for fix in patches.FIXES:
        for style in ("apa", "harvard"):
            fixed = cite.format_references(kb.sources.values(), style, kb=kb, output="text")
            with patches.suspended(fix):
                plain = cite.format_references(kb.sources.values(), style, kb=kb, output="text")
            changed[fix, style] = sorted(key for key, a, b in zip(kb.sources, fixed, plain, strict=True) if a != b)
    assert "spillane_diamond2007" in changed[patches.SUBSTITUTION, "apa"]
    assert changed[patches.GROUP_SUPPRESSION, "apa"] == ["skaria2020"]
    assert changed[patches.LABEL_CASE, "harvard"] == changed[patches.GROUP_SUPPRESSION, "harvard"] == []
    assert all(len(keys) < len(kb.sources) / 2 for keys in changed.values())


def test_another_citeproc_version_is_refused_in_one_line(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    real = versions.installed_version
    monkeypatch.setattr(versions, "installed_version", lambda name: "0.12.0" if name == "citeproc-py" else real(name))
    patches.remove()
    with pytest.raises(versions.UnsupportedVersion, match=r"written for citeproc-py 0\.11\.1, but citeproc-py 0\.12\.0 is installed"):
        patches.apply()
    assert patches.installed() == set()
    try:
        result = CliRunner().invoke(main, ["--root", str(FIXTURES / "cite" / "kb"), "cite", "gronn2009b"])
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            "Error: litkb's citeproc-py patches are written for citeproc-py 0.11.1, but citeproc-py 0.12.0 is installed; "
            "install the pinned versions (pip install -e . in the repository, see pyproject.toml)"
        ]
    finally:
        monkeypatch.undo()
        patches.apply()
    assert patches.installed() == set(patches.SETS)


def test_disambiguation_fix_prints_the_names_a_cite_needs(real_kb: KnowledgeBase) -> None:
    """The cite of a work told apart by more names prints them only with the fix. Without it
    citeproc-py prints the style's "et al." form whatever the hints say, so the disambiguation
    (which renders the cites to see what still prints alike) falls back to letters."""
    assert cite.Citations(real_kb).in_text("leithwood2009c", "apa") == "(Leithwood, Mascall, Strauss, et al., 2009)"
    assert cite.Citations(real_kb).in_text("leithwood2009a", "apa") == "(Leithwood, Mascall, & Strauss, 2009b)"
    with patches.suspended(patches.DISAMBIGUATION):
        assert cite.Citations(real_kb).in_text("leithwood2009c", "apa") == "(Leithwood et al., 2009d)"
        assert cite.Citations(real_kb).in_text("leithwood2009a", "apa") == "(Leithwood et al., 2009b)"


def test_sort_keys_fix_compares_names_without_labels_and_terms(real_kb: KnowledgeBase) -> None:
    keys = ["frost_harris2003", "frost2000", "spillane_diamond2007", "spillane2001", "spillane2007"]
    sources = [real_kb.sources[k] for k in keys]

    def starts() -> list[str]:
        return [r[:40] for r in cite.format_references(sources, "apa", kb=real_kb, output="text", sort=True)]

    fixed = ["Frost, D., Durrant, J., Head, M., & Hold", "Frost, D., & Harris, A. (2003). Teacher ",
             "Spillane, J. P., Camburn, E. M., & Parej", "Spillane, J. P., & Diamond, J. B. (Eds.)", "Spillane, J. P., Halverson, R., & Diamon"]
    assert starts() == fixed
    with patches.suspended(patches.SORT_KEYS):  # "&" sorted before letters, "(Eds.)" after the names
        assert starts() == [fixed[1], fixed[0], fixed[3], fixed[2], fixed[4]]
