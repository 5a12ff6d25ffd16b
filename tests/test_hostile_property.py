"""Property: any note or BibTeX entry that ``kb check`` accepts renders within a time bound
proportional to its size, in bounded memory, to pages with unique, safe paths; and a few such
inputs build with MkDocs in strict mode.

Hypothesis writes hostile but well-formed notes and entries (fields up to and just over their
limits, made of backtick runs, entities, brackets, pipes, right-to-left marks and emoji; many
claims, concept links, countries and authors) into a copy of a small knowledge base. Each one is
checked and, when accepted, rendered in a forked child with a time and memory bound: every
generated page to Markdown and then to HTML with the site's Markdown extensions (the part where
a field of 1.3 MB of backticks took longer than 600 s). The bound is generous (this is not a
benchmark); the issue's reproductions, run against the code before the limits, exceed it or die.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bounded import build_and_time, in_child, render_and_time
from conftest import FIXTURES
from litkb.core import limits as L
from litkb.core.vocabulary import STANCES

VALID = FIXTURES / "invalid" / "valid"
NOTE = "kb/sources/spillane2006.yaml"
CONCEPTS = ("distributed-leadership", "hybrid-leadership")

# The bound: seconds of rendering (all pages, Markdown and HTML) and megabytes of memory for an
# input of a given size, on top of what the small knowledge base itself costs. The worst inputs
# under the limits measure about 0.13 s per KB on a busy two-core machine (a 4,000-character
# quote of '<' shown on the source page and in ten concept-page rows).
SECONDS_BASE = 5.0
SECONDS_PER_KB = 0.5
LOAD_SECONDS = 20.0  # loading and checking: bounded separately (test_hostile_load)
MEGABYTES_BASE = 600
MEGABYTES_PER_KB = 4

# Text made of what is hard for Markdown, HTML and BibTeX (no braces: BibTeX needs them balanced).
FRAGMENTS = [
    "`", "``", "```", "````", "<", ">", "&", "&amp;", "&#x3c;", "\\", "*", "**", "_", "[", "]", "(", ")",
    "](javascript:alert(1))", "|", "#", "!", "~", ":", "-", "=", "'", '"', " ", "  ", "a", "é", "\u0301",
    "\u202e", "漢字", "😀", "<script>", "</title>", "http://x.example/", "%", "@", "$", "^", "\t",
]
NAMES = ["{Index}", "{README}", "{index}", "Smith, #", "Smith, ?", "Smith, /", "Doe, Jane", "{Acme \\& Co}",
         "van der Berg, J.", "O'Neil, P.", "Grönn, P.", "Ψ, Ω"]
GOOD_KEYS = ["prop2024", "a:b", "a-b", "k" * L.MAX_KEY_LENGTH, "k.e+y_1-2:3", "readme2"]
BAD_KEYS = ["index", "Index", "README", "k" * (L.MAX_KEY_LENGTH + 1), "Gronn2009b"]


def _text(limit: int, over: bool = False, *, line_breaks: bool = True) -> st.SearchStrategy[str]:
    """Hostile text of a few characters, about half the limit or the limit; one over it too when
    ``over`` (an example going over one limit is refused, so most examples stay within)."""
    fragments = FRAGMENTS if line_breaks else [f for f in FRAGMENTS if f != "\t"]
    lengths = st.sampled_from(sorted({1, 12, limit // 2, limit} | ({limit + 1} if over else set())))
    pieces = st.lists(st.sampled_from(fragments), min_size=1, max_size=6)
    return st.builds(lambda parts, n: "".join(itertools.islice(itertools.cycle("".join(parts)), n)), pieces, lengths)


@st.composite
def notes(draw: st.DrawFn, key: str) -> dict[str, Any]:
    """A note on spillane2006 citing (and reporting on) the entry ``key``."""
    over = draw(st.integers(0, 4)) == 3  # (Hypothesis favours 0 and the ends)

    def text(limit: int) -> str:
        return draw(_text(limit, over))

    def claim(i: int, reported: bool) -> dict[str, Any]:
        links = draw(st.integers(1, L.MAX_CONCEPTS_PER_CLAIM + over))
        item: dict[str, Any] = {"id": f"c{i}", "type": draw(st.sampled_from(["finding", "voice", "argument", "background"]))}
        if reported:
            works = draw(st.sampled_from([["gronn2009b"], [key], ["gronn2009b", key]]))
            item["about"] = works[0] if len(works) == 1 else works
            item["cited_as"] = text(L.MAX_CITED_AS) if len(works) == 1 else [text(L.MAX_CITED_AS) for _ in works]
        item |= {
            "text": text(L.MAX_CLAIM_TEXT),
            "quote": text(L.MAX_QUOTE),
            "locator": text(L.MAX_LOCATOR),
            "concepts": [{"concept": draw(st.sampled_from(CONCEPTS)), "stance": draw(st.sampled_from(STANCES))} for _ in range(links)],
        }
        return item

    claims = [claim(i, False) for i in range(draw(st.integers(0, 3)))]
    reported = [claim(10 + i, True) for i in range(draw(st.integers(0, 2)))]
    countries = [f"{text(L.MAX_COUNTRY - 2)}{i}" for i in range(draw(st.sampled_from([0, 1, L.MAX_COUNTRIES, L.MAX_COUNTRIES + over])))]
    return {
        "key": "spillane2006",
        "summary": text(L.MAX_SUMMARY),
        "kind": "conceptual",
        "setting": {"country": countries, "sector": ["primary"], "sample": text(L.MAX_SAMPLE), "response_rate": text(L.MAX_RESPONSE_RATE)},
        "claims": claims,
        "reported": reported,
        "cites": ["gronn2009b", key],
    }


@st.composite
def entries(draw: st.DrawFn, key: str) -> str:
    over = draw(st.integers(0, 4)) == 3
    count = draw(st.sampled_from([1, 3, L.MAX_NAMES, L.MAX_NAMES + over]))
    names = [draw(st.sampled_from(NAMES)) if i < 3 else f"Person{i}, {draw(st.sampled_from(['A.', '#', 'É.']))}" for i in range(count)]
    # A value must not end in a backslash: "\}" would escape the closing brace.
    title = draw(_text(L.MAX_TITLE - 1, over, line_breaks=False)) + "."
    publisher = draw(_text(L.MAX_FIELD - 1, over, line_breaks=False)) + "."
    note = draw(_text(L.MAX_TEXT_FIELD - 1, over, line_breaks=False)) + "."
    return (
        f"\n@book{{{key},\n  author = {{{' and '.join(names)}}},\n  title = {{{title}}},\n"
        f"  publisher = {{{publisher}}},\n  url = {{javascript:{note[:40].rstrip(chr(92))}}},\n  year = {{2000}},\n"
        f"  verification = {{verified}},\n  verification_note = {{{note}}},\n}}\n"
    )


_counter = itertools.count()


def _knowledge_base(tmp: Path, note: dict[str, Any] | str, entry: str) -> tuple[Path, float]:
    """A copy of the small valid knowledge base with ``note`` as its note and ``entry`` added to
    references.bib. Returns (root, size of note and entry in KB)."""
    root = tmp / f"kb{next(_counter)}"
    shutil.copytree(VALID, root)
    (root / "expected.txt").unlink()
    text = note if isinstance(note, str) else yaml.safe_dump(note, allow_unicode=True, sort_keys=False, width=10**9)
    (root / NOTE).write_text(text, encoding="utf-8")
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(entry)
    return root, (len(text.encode("utf-8")) + len(entry.encode("utf-8"))) / 1024


def check_property(root: Path, size_kb: float) -> dict[str, Any]:
    """Render ``root`` in a bounded child; assert the property for an accepted input. Returns the
    child's result."""
    bound = SECONDS_BASE + SECONDS_PER_KB * size_kb
    status, result = in_child(render_and_time, root, seconds=bound + LOAD_SECONDS, megabytes=int(MEGABYTES_BASE + MEGABYTES_PER_KB * size_kb))
    assert status == "ok", f"{size_kb:.0f} KB: {status} {result}"
    if result["accepted"]:
        assert result["seconds"] <= bound, f"{size_kb:.0f} KB rendered in {result['seconds']:.1f} s (bound {bound:.1f} s)"
        paths = result["paths"]
        assert len({p.casefold() for p in paths}) == len(paths), "two pages share a path"
        for path in paths:
            assert all(0 < len(part.encode("utf-8")) <= 200 for part in path.split("/")), path
            assert not any(c in path for c in "#?%\\:\"<>|*"), path
    return dict(result)


@st.composite
def inputs(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A note and an entry it cites; the entry's key is one a file name, URL or page clashes
    with about one time in five."""
    key = draw(st.sampled_from(GOOD_KEYS * 4 + BAD_KEYS))
    return draw(notes(key)), draw(entries(key))


# Derandomized: the same 25 examples on every run, so that a red CI names an input anyone can
# replay (a random run in CI once found an accepted 42 KB input whose rendering took 28-46 s and
# that twelve later seeds did not meet again: an open finding, not a fixed one). Explore
# new inputs locally with `pytest --hypothesis-seed=N` on this test.
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(example=inputs())
def test_accepted_notes_and_entries_render_within_a_bound(tmp_path: Path, example: tuple[dict[str, Any], str]) -> None:
    root, size_kb = _knowledge_base(tmp_path, *example)
    result = check_property(root, size_kb)
    event("accepted" if result["accepted"] else f"refused: {result['errors'][0].split(': ', 2)[1][:12]}")


# -- the reproductions: refused by kb check now; before, each broke the bound ---------------
def _desc_backticks(size: int) -> str:
    """Backtick runs of falling length: every backtick ends up escaped, and Python-Markdown's
    inline pass costs O(length x escapes) on such a paragraph (1.3 MB: > 600 s)."""
    runs, length = [], 1
    while sum(map(len, runs)) < size:
        runs.append("`" * length + " ")
        length += 1
    return "".join(reversed(runs))[:size]


def _entry(key: str, authors: str = "Doe, Jane", title: str = "T") -> str:
    return f"\n@book{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  year = {{2000}},\n  verification = {{verified}},\n  verification_note = {{x}},\n}}\n"


VALID_NOTE = (VALID / NOTE).read_text(encoding="utf-8")
REPRODUCTIONS = {
    "summary of backtick runs (1.3 MB)": (VALID_NOTE.replace("summary: A book on leadership practice.", f"summary: '{_desc_backticks(1_300_000)}'"), ""),
    "4,000 authors": (VALID_NOTE, _entry("many", " and ".join(f"Person{i}, A." for i in range(4000)))),
    "key index": (VALID_NOTE, _entry("index")),
    "keys a:b and a-b": (VALID_NOTE, _entry("a:b") + _entry("a-b")),
    "author {Index}, initials # and ?": (VALID_NOTE, _entry("odd", "{Index} and Smith, # and Jones, ?")),
    "300-character key": (VALID_NOTE, _entry("k" * 300)),
}


@pytest.mark.parametrize("name", list(REPRODUCTIONS))
def test_reproductions_hold_the_property(tmp_path: Path, name: str) -> None:
    note, entry = REPRODUCTIONS[name]
    root, size_kb = _knowledge_base(tmp_path, note, entry)
    result = check_property(root, size_kb)
    # Only the odd author names are harmless and accepted (with safe ids); the rest are refused.
    assert result["accepted"] == (name == "author {Index}, initials # and ?"), result


# -- accepted inputs that broke the bound: the renderer, not a limit, was at fault -----------------
def _claims_of_brackets() -> dict[str, Any]:
    """A note whose claims' text and quote are opening brackets, each claim linked to the two
    concepts under every stance (so shown on the source page and in many concept-page rows)."""
    note = yaml.safe_load(VALID_NOTE)
    note["claims"] = [
        {"id": f"c{i}", "type": "argument", "text": "[" * L.MAX_CLAIM_TEXT, "quote": "[" * L.MAX_QUOTE, "locator": "p. 2",
         "concepts": [{"concept": CONCEPTS[j % 2], "stance": STANCES[j % 4]} for j in range(L.MAX_CONCEPTS_PER_CLAIM)]}
        for i in range(3)
    ]  # (a list per claim: one shared list would be written with a YAML anchor, which is refused)
    return dict(note)


# Python-Markdown's link and reference processors scan from every unmatched "[" to the end of its
# paragraph or table cell, in Python: quadratic in the field's length, once per processor and once
# per page showing the field. Found by a random run of the property test (an accepted 42 KB input:
# 28 s, then 46 s); before the fix these measured 32 s (bound 10 s) and 92 s (bound 13 s) alone on
# the two-core machine. (An image's "!" is escaped, which lengthens what every "[" scans.)
ACCEPTED_REPRODUCTIONS = {
    "summary of 5,000 '!['": (VALID_NOTE.replace("summary: A book on leadership practice.", f"summary: '{'![' * (L.MAX_SUMMARY // 2)}'"), ""),
    "claims and quotes of '[' on every concept page": (_claims_of_brackets(), ""),
}


@pytest.mark.parametrize("name", list(ACCEPTED_REPRODUCTIONS))
def test_accepted_reproductions_render_within_the_bound(tmp_path: Path, name: str) -> None:
    root, size_kb = _knowledge_base(tmp_path, *ACCEPTED_REPRODUCTIONS[name])
    result = check_property(root, size_kb)
    assert result["accepted"], result


# -- a few real strict MkDocs builds at the limits -----------------------------------------------
BUILD_SECONDS_BASE = 60.0
BUILD_SECONDS_PER_KB = 1.0  # MkDocs renders every author page through the theme: ~20 ms each


def _note_at_limits() -> dict[str, Any]:
    quote = "<" * L.MAX_QUOTE
    return {
        "key": "spillane2006",
        "summary": _desc_backticks(L.MAX_SUMMARY),
        "kind": "conceptual",
        "setting": {"country": ["|](javascript:x)" * 6 + str(i) for i in range(L.MAX_COUNTRIES)], "sample": "`" * L.MAX_SAMPLE},
        "claims": [
            {"id": f"c{i}", "type": "argument", "text": "&" * L.MAX_CLAIM_TEXT, "quote": quote, "locator": "\\" * L.MAX_LOCATOR,
             "concepts": [{"concept": CONCEPTS[j % 2], "stance": STANCES[j % 4]} for j in range(L.MAX_CONCEPTS_PER_CLAIM)]}
            for i in range(3)
        ],
        "cites": ["gronn2009b", "k:" + "x" * (L.MAX_KEY_LENGTH - 2)],
    }


BUILDS = {
    "note at its limits": (_note_at_limits(), _entry("k:" + "x" * (L.MAX_KEY_LENGTH - 2), title="</title><script>" * (L.MAX_TITLE // 16))),
    "entry with the most authors, odd names": (
        VALID_NOTE,
        _entry("odd", " and ".join(NAMES + [f"{'Ω' * 150} {i}, #." for i in range(L.MAX_NAMES - len(NAMES))]), title="`" * L.MAX_TITLE),
    ),
}


@pytest.mark.parametrize("name", list(BUILDS))
def test_inputs_at_the_limits_build_strict(tmp_path: Path, name: str) -> None:
    note, entry = BUILDS[name]
    root, size_kb = _knowledge_base(tmp_path, note, entry)
    result = check_property(root, size_kb)
    assert result["accepted"], result
    bound = BUILD_SECONDS_BASE + BUILD_SECONDS_PER_KB * size_kb
    status, built = in_child(build_and_time, root, tmp_path / "site", seconds=bound, megabytes=int(MEGABYTES_BASE + MEGABYTES_PER_KB * size_kb))
    assert status == "ok", f"{status}: {built}"
    assert (tmp_path / "site" / "index.html").is_file()
