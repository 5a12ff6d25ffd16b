"""Quote fingerprints: round trips on a synthetic text and on the two committed seed fingerprints,
altered quotes failing, and the attack they are designed against (chaining from public quotes)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SHARED
from fulltext_kb import synthetic_words
from litkb.core.fingerprint import BITS, WINDOW, Fingerprint, make_fingerprint, pack, unpack, window_value
from litkb.core.model import KnowledgeBase
from litkb.load.fingerprint import load_fingerprints
from litkb.load.fulltext import read_fulltext
from litkb.rules.fpmatch import find_in_fingerprint
from litkb.rules.link import build_kb
from litkb.rules.passages import quote_parts, words
from litkb.rules.quotes import load_fulltexts, quote_sites, verify_quotes
from litkb.rules.textmatch import paged_words

TEXT = synthetic_words(3000)
SYNTHETIC = make_fingerprint("synthetic", TEXT)
SEEDS = SHARED / "seeds"
SEED_KEYS = ("macbeath2005icsei", "torrance2013catch22")


def passage(start: int, length: int, text: list[str] = TEXT) -> str:
    return " ".join(text[start : start + length])


def status(quote: str, fingerprint: Fingerprint = SYNTHETIC) -> str:
    return find_in_fingerprint(fingerprint, quote).status


# -- the machinery, on a synthetic text ------------------------------------------------------------

@pytest.mark.parametrize("bits", range(1, 9))
def test_values_pack_and_unpack(bits: int) -> None:
    rng = random.Random(bits)
    for count in (0, 1, 7, 8, 9, 1001):
        values = bytes(rng.randrange(2**bits) for _ in range(count))
        assert unpack(pack(values, bits), count, bits) == values


def test_a_verbatim_quote_verifies_where_it_stands() -> None:
    result = find_in_fingerprint(SYNTHETIC, passage(1200, 30))
    assert result.status == "verified"
    # The minimum for 3,000 words: 7 + ceil((log2(2,993) + 16) / 2) = 7 + 14 = 21 words.
    assert result.minimum == 21
    assert status(passage(1200, 21)) == "verified"
    assert status(passage(1200, 20)) == "too-short"
    assert status(passage(1200, 5)) == "too-short"
    # Spacing, case and punctuation are not the fingerprint's business.
    assert status(passage(1200, 30).upper().replace(" ", ",\n  ")) == "verified"


def test_a_changed_word_reordered_words_or_a_stitched_quote_fail() -> None:
    words_ = TEXT[1200:1230]
    for i in range(len(words_)):
        changed = words_[:i] + ["zzzunknownzzz"] + words_[i + 1 :]
        assert status(" ".join(changed)) == "not-found", i
    for i in range(len(words_) - 1):
        if words_[i] != words_[i + 1]:
            swapped = words_[:i] + [words_[i + 1], words_[i]] + words_[i + 2 :]
            assert status(" ".join(swapped)) == "not-found", i
    assert status(passage(1200, 15) + " " + passage(2000, 15)) == "not-found"


def test_ellipses_split_a_quote_into_parts_found_in_order() -> None:
    first, second = passage(500, 20), passage(540, 20)
    for ellipsis in (" ... ", " \u2026 ", " [...] ", " [\u2026] ", " . . . "):
        assert quote_parts(first + ellipsis + second) == [first, second]
        assert status(first + ellipsis + second) == "verified"
    assert status(f"... {passage(500, 25)} ...") == "verified"
    assert status(f"... {first} ...") == "too-short"  # one part of 20 words: fewer than the 21 needed
    assert status(second + " ... " + first) == "not-found"  # parts out of order
    assert status(first + " ... " + passage(540, 19) + " zzzunknownzzz") == "not-found"


def test_what_the_fingerprint_gives_away_next_to_known_words() -> None:
    """The designed limit, measured: one unknown word after a known passage is one of about V/4
    candidates; a single unknown word between two known passages is singled out, because the 8
    windows covering it are then complete but for it (16 bits against log2(V) = 10 bits)."""
    vocabulary = sorted(set(TEXT))
    x = 1500
    after = [w for w in vocabulary if window_value([*TEXT[x - WINDOW + 1 : x], w], SYNTHETIC.salt, SYNTHETIC.params) == SYNTHETIC.values[x - WINDOW + 1]]
    assert TEXT[x] in after and len(after) > len(vocabulary) // 2 ** (BITS + 1)
    covering = range(x - WINDOW + 1, x + 1)
    between = [w for w in vocabulary if all(window_value([*TEXT[i:x], w, *TEXT[x + 1 : i + WINDOW]], SYNTHETIC.salt, SYNTHETIC.params) == SYNTHETIC.values[i] for i in covering)]
    assert between == [TEXT[x]]


# -- the committed fingerprints of the seeds (no full text needed) ---------------------------------

@pytest.fixture(scope="module")
def seed_fingerprints() -> dict[str, Fingerprint]:
    found, problems = load_fingerprints(REPO)
    assert problems == []
    assert set(found) == set(SEED_KEYS)
    return found


def test_every_committed_quote_verifies_from_the_fingerprints_alone(real_kb: KnowledgeBase, seed_fingerprints: dict[str, Fingerprint]) -> None:
    checks = verify_quotes(real_kb, {}, seed_fingerprints)
    assert {c.text_key for c in checks} == set(SEED_KEYS)
    assert all(c.method == "fingerprint" for c in checks)
    assert [c for c in checks if c.status not in ("verified", "too-short")] == []
    for c in checks:
        parts = [words(part) for part in quote_parts(c.quote)]
        minimum = find_in_fingerprint(seed_fingerprints[c.text_key], c.quote).minimum
        if len(parts) == 1:  # one part: verified exactly when it has the minimum number of words
            assert (c.status == "verified") == (len(parts[0]) >= minimum), (c.owner, len(parts[0]), minimum)
    for key in SEED_KEYS:
        assert any(c.text_key == key and c.found for c in checks)


def test_source_pages_say_whether_their_quotes_can_be_checked(real_kb: KnowledgeBase, tmp_path: Path) -> None:
    from litkb.emit.pages.render import render_pages

    pages = {page.path: page.content for page in render_pages(real_kb, style="apa", references=None)}
    torrance = pages["sources/torrance2013catch22.md"]
    assert isinstance(torrance, str)
    assert "checked by `kb verify-quotes` against a fingerprint of the work's full text" in torrance
    assert "Quotes not verified" not in torrance
    without = shutil.copytree(REPO / "kb", tmp_path / "kb", ignore=shutil.ignore_patterns("fingerprints"))
    shutil.copy(REPO / "references.bib", tmp_path / "references.bib")
    kb = build_kb(without.parent)
    page = next(p.content for p in render_pages(kb, style="apa", references=None) if p.path == "sources/torrance2013catch22.md")
    assert isinstance(page, str) and '!!! warning "Quotes not verified"' in page


def _verified_quotes(kb: KnowledgeBase, fingerprint: Fingerprint) -> list[list[str]]:
    quotes = []
    for _, _, _, key, quote, _ in quote_sites(kb):
        parts = quote_parts(quote)
        if key == fingerprint.key and len(parts) == 1 and find_in_fingerprint(fingerprint, quote).status == "verified":
            quotes.append(words(quote))
    return quotes


@pytest.mark.parametrize("key", SEED_KEYS)
def test_altered_committed_quotes_fail(real_kb: KnowledgeBase, seed_fingerprints: dict[str, Fingerprint], key: str) -> None:
    fingerprint = seed_fingerprints[key]
    quotes = _verified_quotes(real_kb, fingerprint)
    assert len(quotes) >= 20
    for n, quote in enumerate(quotes):
        middle = len(quote) // 2
        other = next(w for w in quote[middle + 1 :] + quote[:middle] if w != quote[middle])
        changed = [*quote[:middle], other, *quote[middle + 1 :]]
        assert find_in_fingerprint(fingerprint, " ".join(changed)).status == "not-found", changed
        if quote[middle] != quote[middle + 1]:
            swapped = [*quote[:middle], quote[middle + 1], quote[middle], *quote[middle + 2 :]]
            assert find_in_fingerprint(fingerprint, " ".join(swapped)).status == "not-found", swapped
        partner = quotes[(n + len(quotes) // 2) % len(quotes)]
        stitched = quote[:middle] + partner[len(partner) // 2 :]
        if " ".join(stitched) not in " | ".join(" ".join(q) for q in quotes if q is not quote):
            assert find_in_fingerprint(fingerprint, " ".join(stitched)).status == "not-found", stitched


# -- the attack: from every public quote, try every word at the next position ------------------------

def _candidates(fingerprint: Fingerprint, vocabulary: list[str], text_at: int, known: list[str], after: bool) -> list[str]:
    """The words that fit the window ending (``after``) or starting at the unknown position, with
    its other words known."""
    want = fingerprint.values[text_at]
    return [w for w in vocabulary if fingerprint.value_of([*known, w] if after else [w, *known]) == want]


def _ends(fingerprint: Fingerprint, spans: set[tuple[int, int]], text: list[str] | None = None) -> list[tuple[int, list[str], bool, int]]:
    """For each quote at (first word, length): the window just after it and just before it whose
    only unknown word is the next one beyond the quote, as (window index, known words, unknown
    after?, unknown position)."""
    ends: dict[tuple[int, bool], tuple[int, list[str], bool, int]] = {}
    for start, length in sorted(spans):
        quote = text[start : start + length] if text else None
        if quote is None:
            continue
        if length >= WINDOW - 1 and start + length < fingerprint.words:
            window = start + length - WINDOW + 1
            ends[(window, True)] = (window, quote[-(WINDOW - 1) :], True, start + length)
        if length >= WINDOW - 1 and start > 0:
            ends[(start - 1, False)] = (start - 1, quote[: WINDOW - 1], False, start - 1)
    return list(ends.values())


def test_no_word_beyond_a_public_quote_is_singled_out(real_kb: KnowledgeBase, seed_fingerprints: dict[str, Fingerprint]) -> None:
    """What anyone can do with the repository alone: locate every verified quote through the
    fingerprint, then try every word of the public notes at the position after and before it.
    "Recovers" would mean the fingerprint singles out one word; the test asserts each position
    keeps at least V/8 candidates (half of what a 2-bit check leaves on average)."""
    vocabulary = sorted({w for _, _, _, _, quote, _ in quote_sites(real_kb) for w in words(quote)})
    floor = len(vocabulary) // 2 ** (BITS + 1)
    tried = 0
    for key in SEED_KEYS:
        fingerprint = seed_fingerprints[key]
        spans: dict[tuple[int, int], list[str]] = {}
        for quote in _verified_quotes(real_kb, fingerprint):
            at = fingerprint.values.find(fingerprint.pattern(quote))
            spans[(at, len(quote))] = quote
        for window, known, after, _ in _ends(fingerprint, set(spans), _overlay(spans, fingerprint.words)):
            found = _candidates(fingerprint, vocabulary, window, known, after)
            assert len(found) >= floor, (key, window, after, len(found))
            tried += 1
    assert tried >= 100


def _overlay(spans: dict[tuple[int, int], list[str]], size: int) -> list[str]:
    """The text as far as the located quotes show it ("" elsewhere)."""
    text = [""] * size
    for (start, _), quote in spans.items():
        text[start : start + len(quote)] = quote
    return text


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed full texts are not at {SEEDS} (CI has them beside the checkout)")
@pytest.mark.parametrize("key", SEED_KEYS)
def test_no_word_beyond_a_quote_is_singled_out_even_with_the_seed_vocabulary(real_kb: KnowledgeBase, seed_fingerprints: dict[str, Fingerprint], key: str) -> None:
    """The strongest form of the chaining attack: every committed quote at its true place in the
    text, and every word of the seed's own vocabulary tried at the next position on both sides.
    The true word is always among the candidates (the check is sound), and never singled out."""
    texts = load_fulltexts(SEEDS, REPO / "fulltext.yaml", "fulltext.yaml")
    text, _ = paged_words(read_fulltext(texts[key]))
    fingerprint = seed_fingerprints[key]
    vocabulary = sorted(set(text))
    joined = " " + " ".join(text) + " "
    spans = set()
    for _, _, _, quote_key, quote, _ in quote_sites(real_kb):
        for part in quote_parts(quote) if quote_key == key else ():
            part_words = words(part)
            at = joined.find(" " + " ".join(part_words) + " ")
            assert at >= 0, part
            spans.add((joined.count(" ", 0, at), len(part_words)))
    sizes = []
    for window, known, after, position in _ends(fingerprint, spans, text):
        found = _candidates(fingerprint, vocabulary, window, known, after)
        assert text[position] in found
        sizes.append(len(found))
    assert len(sizes) >= 150
    assert min(sizes) >= len(vocabulary) // 2 ** (BITS + 1), sorted(sizes)[:5]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed full texts are not at {SEEDS} (CI has them beside the checkout)")
def test_committed_fingerprints_are_those_of_the_seed_texts(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from litkb.cli.main import main

    result = CliRunner().invoke(main, ["--root", str(REPO), "fingerprint", "--fulltext", str(SEEDS), "--check"])
    assert result.exit_code == 0, result.output
    assert result.output.count(": up to date") == 2


# -- fingerprint files arrive by pull request: every field is checked ------------------------------

GOOD = (REPO / "tests" / "fixtures" / "invalid" / "valid" / "kb" / "fingerprints" / "spillane2006.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace('"bits": 2', '"bits": 8'), ":5:1: error KB702: made with windows of 8 words and 8 bits"),
        (lambda t: t.replace('"n": 64', '"n": 2'), ":7:1: error KB702: made with another hash than scrypt (n=64, r=1, p=1)"),
        (lambda t: t.replace('"format": "litkb-fingerprint/1"', '"format": "other/2"'), ":2:1: error KB702: format is not litkb-fingerprint/1"),
        (lambda t: t.replace('"words": 24', '"words": -1'), ":4:1: error KB701: 'words' must be a whole number from 0 to 20,000,000"),
        (lambda t: t.replace('"words": 24', '"words": true'), ":4:1: error KB701: 'words' must be a whole number"),
        (lambda t: t.replace('"salt": "', '"salt": "zz'), ":8:1: error KB701: 'salt' must be 32 hexadecimal digits"),
        (lambda t: t.replace('"pages": []', '"pages": [[0, "i"], [30, "ii"]]'), ":9:1: error KB701: 'pages' must start at word 0 and go forward"),
        (lambda t: t.replace('"pages": []', '"pages": [[0, "line\\nbreak"]]'), ":9:1: error KB701: 'pages' must hold [first word, label] pairs"),
        (lambda t: t.replace('"ROag1MA="', '"ROag1MA"'), ":10:1: error KB701: 'values' cannot be read"),
        (lambda t: t.replace('"ROag1MA="', '"ROag1MAA"'), ":10:1: error KB701: 'values' cannot be read: 6 bytes of values for 17 windows of 2 bits"),
        (lambda t: t.replace('"pages": []', '"pages": [], "extra": 1'), ":9:1: error KB701: unknown field 'extra'"),
        (lambda t: "[" * 50_000 + "]" * 50_000, ":1:1: error KB701: JSON nested too deeply"),
        (lambda t: t[:-3], ":12:3: error KB701: not valid JSON: Expecting ',' delimiter"),
    ],
)
def test_a_fingerprint_file_is_checked_field_by_field(tmp_path: Path, edit: object, expected: str) -> None:
    root = shutil.copytree(REPO / "tests" / "fixtures" / "invalid" / "valid", tmp_path / "kb")
    path = root / "kb" / "fingerprints" / "spillane2006.json"
    assert callable(edit)
    path.write_text(edit(GOOD), encoding="utf-8")
    kb = build_kb(root)
    assert [p.text() for p in kb.problems if p.path.startswith("kb/fingerprints/")][0].startswith("kb/fingerprints/spillane2006.json" + expected)
    assert kb.fingerprints == frozenset()


def test_fingerprints_are_read_like_notes(tmp_path: Path) -> None:
    root = shutil.copytree(REPO / "tests" / "fixtures" / "invalid" / "valid", tmp_path / "kb")
    folder = root / "kb" / "fingerprints"
    (tmp_path / "elsewhere.json").write_text(GOOD, encoding="utf-8")
    (folder / "gronn2009b.json").symlink_to(tmp_path / "elsewhere.json")
    (folder / "huge.json").write_text(" " * (4 * 2**20 + 1), encoding="utf-8")
    codes = {p.path: p.code for p in build_kb(root).problems}
    assert codes == {"kb/fingerprints/gronn2009b.json": "KB004", "kb/fingerprints/huge.json": "KB006"}
    shutil.rmtree(folder)
    (root / "kb" / "fingerprints").symlink_to(tmp_path)
    assert {p.code for p in build_kb(root).problems} == {"KB004"}


def test_kb_fingerprint_never_writes_through_a_link(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from litkb.cli.main import main

    root = shutil.copytree(REPO / "tests" / "fixtures" / "quotes" / "kb", tmp_path / "kb")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "kb" / "fingerprints").symlink_to(outside)
    result = CliRunner().invoke(main, ["--root", str(root), "fingerprint", "--fulltext", str(REPO / "tests" / "fixtures" / "quotes" / "texts")])
    assert (result.exit_code, result.output) == (1, "Error: kb/fingerprints: not a folder of the repository (a symbolic link?); kb writes fingerprints only there\n")
    assert list(outside.iterdir()) == []
