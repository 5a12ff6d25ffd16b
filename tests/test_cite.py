"""Formatted references and in-text citations (litkb.emit.cite.format): goldens, published examples, suffixes.

Golden files: tests/fixtures/cite/golden/<style>.txt, regenerated only with KB_UPDATE_GOLDEN=1.
Published examples and their sources: tests/fixtures/cite/published.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, check_golden
from litkb.core import workers
from litkb.core.model import KnowledgeBase
from litkb.emit.cite import format as cite
from litkb.emit.cite import styles
from litkb.rules.link import build_kb
from litkb.site.config import citation_style

CITE = FIXTURES / "cite"
PUBLISHED = json.loads((CITE / "published.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    built = build_kb(CITE / "kb")
    assert not built.problems, built.problems
    return built


def _golden_text(kb: KnowledgeBase, style: str) -> str:
    """Every fixture entry: reference (text and HTML) and both in-text forms."""
    blocks = []
    for key in sorted(kb.sources):
        source = kb.sources[key]
        blocks.append(
            "\n".join(
                [
                    f"[{key}] ({source.entry_type})",
                    f"text:      {cite.format_reference(source, style, kb=kb, output='text')}",
                    f"html:      {cite.format_reference(source, style, kb=kb)}",
                    f"in-text:   {cite.in_text(kb, key, style)}",
                    f"narrative: {cite.in_text(kb, key, style, narrative=True)}",
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


@pytest.mark.parametrize("style", ["apa", "harvard"])
def test_golden_references(kb: KnowledgeBase, style: str) -> None:
    check_golden(CITE / "golden" / f"{style}.txt", _golden_text(kb, style))


@pytest.mark.parametrize("example", PUBLISHED["references"], ids=lambda e: f"{e['style']}-{e['key']}")
def test_published_reference_examples(kb: KnowledgeBase, example: dict[str, str]) -> None:
    ours = cite.format_reference(kb.sources[example["key"]], example["style"], kb=kb, output="text")
    if "deviation" in example:
        assert ours != example["published"], "matches the published form now: remove the recorded deviation"
    else:
        assert ours == example["published"]


@pytest.mark.parametrize("example", PUBLISHED["in_text"], ids=lambda e: f"{e['style']}-{e['key']}")
def test_published_in_text_forms(kb: KnowledgeBase, example: dict[str, str]) -> None:
    assert cite.in_text(kb, example["key"], example["style"]) == example["parenthetical"]
    assert cite.in_text(kb, example["key"], example["style"], narrative=True) == example["narrative"]


def test_year_suffixes_follow_title_order(kb: KnowledgeBase) -> None:
    # APA 7 (9.47) and Cite Them Right: same author(s), same year -> a, b, c by title, ignoring "The".
    suffixes = cite.year_suffixes(kb, "apa")
    assert (suffixes["gronn2009a"], suffixes["gronn2009b"]) == ("a", "b")
    # "(The) challenges of..." < "Distributed leadership: challenging..." < "Distributed leadership: still..."
    assert [suffixes[k] for k in ("torrance2013catch22", "torrance2013slm", "torrance2013ser")] == ["a", "b", "c"]
    assert "bell2007" not in suffixes and "harris2009book" not in suffixes
    assert cite.in_text(kb, "gronn2009b", "apa") == "(Gronn, 2009b)"
    assert cite.in_text(kb, "gronn2009b", "harvard", narrative=True) == "Gronn (2009b)"
    assert cite.format_reference(kb.sources["gronn2009b"], "apa", kb=kb, output="text").startswith("Gronn, P. (2009b). Hybrid leadership.")
    # Without the library there is nothing to disambiguate against.
    assert cite.format_reference(kb.sources["gronn2009b"], "apa", output="text").startswith("Gronn, P. (2009). ")


def test_names_before_letters_in_the_real_library(real_kb: KnowledgeBase) -> None:
    """APA writes out names where "et al." forms would coincide (APA 7, 8.18) and letters only
    works whose cites are still identical (9.47); Cite Them Right shortens from four names."""
    citations = cite.Citations(real_kb)
    apa, harvard = citations.suffixes("apa"), citations.suffixes("harvard")
    assert apa["gronn2009a"] == harvard["gronn2009a"] == "a"
    # The edited book and two chapters by Leithwood, Mascall & Strauss: one author list, letters by title.
    assert [apa[k] for k in ("leithwood2009book", "leithwood2009a", "leithwood2009b")] == ["a", "b", "c"]
    # Leithwood + 5 others: written out until it differs, no letter (it used to be "Leithwood et al., 2009d").
    assert "leithwood2009c" not in apa and "spillane2009a" not in apa and "spillane2009b" not in apa
    assert citations.in_text("leithwood2009c", "apa") == "(Leithwood, Mascall, Strauss, et al., 2009)"
    assert citations.in_text("leithwood2009a", "apa", narrative=True) == "Leithwood, Mascall, and Strauss (2009b)"
    assert citations.in_text("spillane2009a", "apa") == "(Spillane, Camburn, Pustejovsky, et al., 2009)"
    assert citations.in_text("spillane2009b", "apa", narrative=True) == "Spillane, Camburn, and Pareja (2009)"
    # Cite Them Right lists three names anyway: the six-author work is "Leithwood et al." and stands apart.
    assert citations.in_text("leithwood2009c", "harvard") == "(Leithwood et al., 2009)"
    assert citations.in_text("leithwood2009a", "harvard") == "(Leithwood, Mascall and Strauss, 2009b)"
    assert "woods_gronn2009" not in apa
    for key, letter in apa.items():
        assert re.fullmatch(r"[a-z]+", letter), key
        assert citations.in_text(key, "apa").endswith(f"{real_kb.sources[key].year}{letter})")


def test_markdown_safe_html(kb: KnowledgeBase) -> None:
    source = kb.sources["harris2009book"]
    html = cite.format_reference(source, "apa", kb=kb)
    assert "<i>Distributed Leadership: Different Perspectives</i>" in html
    # The DOI becomes a link whose underscore Markdown cannot read as emphasis.
    doi = "https://doi.org/10.1007/978-1-4020-9737-9"
    assert f'<a href="{doi}">{doi}</a>' in html
    chapter = cite.format_reference(kb.sources["gronn2009a"], "apa", kb=kb)
    assert "9737-9&#95;11" in chapter and "_" not in chapter
    for key in kb.sources:
        for style in ("apa", "harvard"):
            text = re.sub(r"</?i>|<a href=\"[^\"]*\">|</a>", "", cite.format_reference(kb.sources[key], style, kb=kb))
            assert not re.search(r"[*_`\[\]|<>\\]", text), (key, style, text)


def test_markdown_and_text_outputs(kb: KnowledgeBase) -> None:
    source = kb.sources["torrance2013catch22"]
    md = cite.format_reference(source, "apa", kb=kb, output="markdown")
    assert "*Education 3-13: International Journal of Primary, Elementary and Early Years Education*, *41*(3)" in md
    assert "9737" not in md and md.endswith("https://doi.org/10.1080/03004279.2013.791165")
    text = cite.format_reference(kb.sources["gronn2009a"], "apa", kb=kb, output="text")
    assert "_11" in text and "<" not in text
    with pytest.raises(ValueError):
        cite.format_reference(source, "apa", output="pdf")


def test_citeproc_fixes(kb: KnowledgeBase) -> None:
    # Edited book: editors once, as authors, with APA's capitalised "(Eds.)".
    edited = cite.format_reference(kb.sources["spillane_diamond2007"], "apa", kb=kb, output="text")
    assert edited == "Spillane, J. P., & Diamond, J. B. (Eds.). (2007). Distributed Leadership in Practice. Teachers College Press."
    # Doubled punctuation after a title ending in '?' is collapsed; an ellipsis is kept.
    assert cite._tidy("who needs it?. <i>School Leadership</i>") == "who needs it? <i>School Leadership</i>"
    assert cite._tidy("<i>Who needs it?</i>. Sage.") == "<i>Who needs it?</i> Sage."
    assert cite._tidy("Wait... and see.") == "Wait... and see."
    # A thesis with a type but no number: no empty "(Publication)" group.
    thesis = cite.format_reference(kb.sources["skaria2020"], "apa", kb=kb, output="text")
    assert "(Publication" not in thesis and "[PhD thesis]. University of Arizona." in thesis


def test_title_ending_in_question_mark(real_kb: KnowledgeBase) -> None:
    apa = cite.format_reference(real_kb.sources["gronn2003"], "apa", kb=real_kb, output="text")
    assert "Leadership: who needs it? School Leadership & Management, 23(3), 267–290." in apa
    harvard = cite.format_reference(real_kb.sources["gronn2003"], "harvard", kb=real_kb, output="text")
    assert "‘Leadership: who needs it?’, School Leadership & Management" in harvard


def test_corporate_authors(kb: KnowledgeBase) -> None:
    ncsl = cite.format_reference(kb.sources["ncsl2004"], "harvard", kb=kb, output="text")
    assert ncsl.startswith("National College for School Leadership (2004) Distributed Leadership in Action")
    seed = cite.format_reference(kb.sources["seed2005"], "apa", kb=kb, output="text")
    assert seed.startswith("Scottish Executive Education Department. (2005). Ambitious, Excellent Schools")


def test_styles_and_default_style(tmp_path: Path, kb: KnowledgeBase) -> None:
    assert styles.style_path("apa").name == "apa.csl"
    assert styles.style_path("harvard").name == "harvard-cite-them-right.csl"
    custom = tmp_path / "mine.csl"
    custom.write_bytes(styles.style_path("apa").read_bytes())
    source = kb.sources["bell2007"]
    assert cite.format_reference(source, str(custom)) == cite.format_reference(source, "apa")
    with pytest.raises(styles.StyleError, match="unknown citation style"):
        styles.style_path("no-such-style")
    with pytest.raises(styles.StyleError, match="does not exist"):
        styles.style_path(str(tmp_path / "missing.csl"))
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    with pytest.raises(styles.StyleError, match="cannot read"):
        cite.format_reference(source, str(broken))
    assert citation_style(tmp_path) == "apa"
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n        - format: !!python/name:pymdownx.superfences.fence_code_format\n"
        "extra:\n  kb:\n    citation_style: harvard\n",
        encoding="utf-8",
    )
    assert citation_style(tmp_path) == "harvard"
    (tmp_path / "mkdocs.yml").write_text("extra: [unclosed\n", encoding="utf-8")
    assert citation_style(tmp_path) == "apa"
    assert citation_style(REPO) in ("apa", "harvard")


def test_whole_real_library_formats(real_kb: KnowledgeBase) -> None:
    """Every entry of the real library formats in both styles (no crash, non-empty, year shown)."""
    for style in ("apa", "harvard"):
        references = cite.format_references(real_kb.sources.values(), style, kb=real_kb, output="text")
        assert len(references) == len(real_kb.sources)
        for source, reference in zip(real_kb.sources.values(), references, strict=True):
            assert source.year in reference, (source.key, reference)
        ordered = cite.format_references(real_kb.sources.values(), style, kb=real_kb, output="text", sort=True)
        assert sorted(ordered) == sorted(references)


def test_harvard_matches_a_published_cite_them_right_book_example() -> None:
    # Cite Them Right book example, as given by Lincoln College's "Referencing Quick Guide -
    # Harvard (Cite Them Right)" (lincolncollege-uk.libguides.com/citethemright/references):
    # "Hedley, C. and Shaw, N. (2023) Plant medicine: a collection of the teachings of herbalists
    # Christopher Hedley & Non Shaw. London: Aeon Books." (title in italics)
    from litkb.emit.cite.format import format_reference
    from litkb.load.bibtex import parse_bibtex
    from litkb.rules.link import _link_sources

    library, problems = parse_bibtex(
        "@book{hedley2023,\n  author = {Hedley, Christopher and Shaw, Non},\n"
        "  title = {Plant medicine: a collection of the teachings of herbalists Christopher Hedley \\& Non Shaw},\n"
        "  publisher = {Aeon Books},\n  address = {London},\n  year = {2023},\n  verification = {verified},\n}\n",
        "published.bib",
    )
    assert problems == []
    source = _link_sources(library.entries)[0]["hedley2023"]
    assert format_reference(source, "harvard", output="text") == (
        "Hedley, C. and Shaw, N. (2023) Plant medicine: a collection of the teachings of herbalists Christopher Hedley & Non Shaw. London: Aeon Books."
    )
    html = format_reference(source, "harvard")
    assert html.startswith("Hedley, C. and Shaw, N. (2023) <i>Plant medicine: a collection") and html.endswith("</i>. London: Aeon Books.")


def test_styles_formatted_by_a_worker_process_match_formatting_here(real_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site formats its second style in a child process: the child's references (year
    suffixes included) are the ones this process would make, in the sources' order."""
    sources = sorted(real_kb.sources.values(), key=lambda s: s.key, reverse=True)[:40]
    here = cite.format_in_styles(sources, ["harvard", "apa"], kb=real_kb, workers=1)
    formatted_here: list[str] = []
    references = cite.Citations.references

    def spy(self: cite.Citations, sources: object, style: str, **kwargs: object) -> list[str]:
        formatted_here.append(style)
        return references(self, sources, style, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cite.Citations, "references", spy)
    parallel = cite.format_in_styles(sources, ["harvard", "apa"], kb=real_kb, workers=2)
    monkeypatch.undo()
    assert formatted_here == ["harvard"]  # APA came from the worker
    assert list(parallel) == ["harvard", "apa"]
    assert parallel == here
    assert here["apa"] == cite.format_references(sources, "apa", kb=real_kb)
    assert any("2009b" in text for text in here["apa"])  # suffixes come from the whole library


@pytest.mark.parametrize("worker", ["import sys; sys.exit(3)", "print('not a pickle')", "import pickle, sys; sys.stdout.buffer.write(pickle.dumps(['short']))"])
def test_a_failing_worker_falls_back_to_formatting_here(real_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, worker: str) -> None:
    sources = list(real_kb.sources.values())[:10]
    monkeypatch.setattr(workers, "_RUN", worker)
    assert cite.format_in_styles(sources, ["apa", "harvard"], kb=real_kb, workers=2) == cite.format_in_styles(sources, ["apa", "harvard"], kb=real_kb)


def test_field_text_is_escaped_not_interpreted(kb: KnowledgeBase) -> None:
    """"&", "<" and ">" in the data are text: escaped in HTML (never a tag), themselves in text."""
    from dataclasses import replace

    source = next(iter(kb.sources.values()))
    title = "<script>alert(1)</script> R&D &lt; 3 > 2"
    odd = replace(source, title=title, fields={**source.fields, "title": title})
    rendered = cite.format_reference(odd, "apa")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; R&amp;D &amp;lt; 3 &gt; 2" in rendered
    assert "<script" not in rendered
    assert title in cite.format_reference(odd, "apa", output="text")
    assert r"\<script\>alert(1)\</script\> R&D &lt; 3 \> 2" in cite.format_reference(odd, "apa", output="markdown")
