"""Synthetic knowledge bases for benchmarks, and the ``make bench`` table.

``generate_kb(dest, n)`` writes a realistic library (accents in LaTeX, @string macros, crossref
chapters, corporate authors) with one note per source (3-6 claims each, or in the "reported"
shape 5 claims and 2 reported claims) and a vocabulary of concepts. ``python -m bench.bench``
times each stage in a child process and prints a table.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

from litkb.core.vocabulary import CLAIM_TYPES, STANCES
from litkb.rules.hedges import dropped

from .bench_vocabulary import COUNTS

FAMILIES = ["Gr{\\\"o}nn", "Spillane", "Harris", "Leithwood", "MacBeath", "Torrance", "Elmore", "Day", "Timperley", "Hallinger",
            "M{\\\"u}ller", "Garc{\\'\\i}a", "{\\O}stergaard", "Dupr{\\'e}", "Nu{\\~n}ez", "Crowther", "Mascall", "Murphy", "Louis", "Hartley"]
# Family names: the twenty above (accents written in LaTeX) are each as common as the commonest real
# surnames; most authors come from a long tail of made-up ones, drawn with falling (Zipf) weights,
# so works rarely share a first author and a year, as in a real library.
_SYLLABLES = ["ba", "ker", "lin", "dor", "ma", "son", "ri", "vel", "to", "han", "ne", "gar", "wil", "mo", "ra", "dell", "kin", "sta"]
TAIL_FAMILIES = [(a + b + c).capitalize() for c in ("", "s", "ton", "ley", "er", "ford", "man", "wood") for a in _SYLLABLES for b in _SYLLABLES]
# About a fifth of authors bear one of the twenty head names (each ~1%), the rest the tail's.
_FAMILY_WEIGHTS = list(accumulate([0.06] * len(FAMILIES) + [1 / (rank + 10) for rank in range(len(TAIL_FAMILIES))]))
GIVEN = ["Peter", "James P.", "Alma", "Kenneth", "John", "Deirdre", "Richard F.", "Christopher", "Helen S.", "Philip", "Ann", "Jos{\\'e}"]
# Words drawn in proportion to their frequency in the real notes (bench.bench_vocabulary).
WORDS = list(COUNTS)
_CUMULATIVE = list(accumulate(COUNTS.values()))
JOURNALS = {"edmal": "Educational Management Administration \\& Leadership", "slm": "School Leadership \\& Management",
            "jea": "Journal of Educational Administration", "lpis": "Leadership and Policy in Schools"}
DESIGNS = ("case-study", "interview", "questionnaire", "survey", "observation", "literature-review")


def _words(rng: random.Random, k: int) -> str:
    """``k`` words, each drawn with its frequency in the real notes."""
    return " ".join(rng.choices(WORDS, cum_weights=_CUMULATIVE, k=k))


def _title(rng: random.Random) -> str:
    words = _words(rng, rng.randint(4, 9)).split()
    return "{" + words[0].capitalize() + "} " + " ".join(words[1:])


# Knowledge-base shapes: "mixed", the first benchmark's (3-6 claims a note, a reported claim in
# three notes of ten, 0-8 works cited); "reported", a field-wide evidence base's (5 claims and
# 2 reported claims about two other works in every note, 3 works cited: ~8 documents a source).
SHAPES = ("mixed", "reported")


def generate_kb(dest: Path, n_sources: int, seed: int = 0, n_concepts: int = 60, shape: str = "mixed") -> None:
    """Write references.bib, kb/concepts/*.yaml and kb/sources/*.yaml (one note per source) to dest,
    in one of the SHAPES (the same files for the same arguments)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown knowledge-base shape {shape!r} (one of {', '.join(SHAPES)})")
    rng = random.Random(seed)
    (dest / "kb" / "concepts").mkdir(parents=True, exist_ok=True)
    (dest / "kb" / "sources").mkdir(parents=True, exist_ok=True)
    concepts = [f"concept-{i:03d}" for i in range(n_concepts)]
    for i, cid in enumerate(concepts):
        broader = f"broader: [{concepts[(i - 1) // 3]}]\n" if i else ""
        (dest / "kb" / "concepts" / f"{cid}.yaml").write_text(
            f"id: {cid}\nlabel: Concept {i}\naliases: [alias {i}, term {i}]\n"
            f"definition:\n  text: A synthetic concept number {i}.\n  source: s00000\n  locator: \"p. {i + 1}\"\n{broader}",
            encoding="utf-8",
        )
    bib = [f"@string{{{k} = {{{v}}}}}\n" for k, v in JOURNALS.items()]
    keys = [f"s{i:05d}" for i in range(n_sources)]
    for i, key in enumerate(keys):
        authors = " and ".join(f"{family}, {rng.choice(GIVEN)}" for family in rng.choices(FAMILIES + TAIL_FAMILIES, cum_weights=_FAMILY_WEIGHTS, k=rng.randint(1, 4)))
        year = rng.randint(1990, 2024)
        kind = i % 5
        if kind == 0 and i + 1 < n_sources:
            bib.append(f"@incollection{{{key},\n  author = {{{authors}}},\n  title = {{{_title(rng)}}},\n  crossref = {{{keys[i + 1]}}},\n  pages = {{{i % 300 + 1}--{i % 300 + 20}}},\n  verification = {{verified}},\n  verification_note = {{synthetic}},\n}}\n")
        elif kind == 1:
            bib.append(f"@book{{{key},\n  editor = {{{authors}}},\n  title = {{{_title(rng)}}},\n  publisher = {{Routledge}},\n  address = {{London}},\n  year = {{{year}}},\n  verification = {{verified}},\n  verification_note = {{synthetic}},\n}}\n")
        elif kind == 2:
            bib.append(f"@techreport{{{key},\n  author = {{{{National College for School Leadership}}}},\n  title = {{{_title(rng)}}},\n  institution = {{NCSL}},\n  year = {{{year}}},\n  verification = {{unverified}},\n  verification_note = {{synthetic}},\n}}\n")
        else:
            journal = rng.choice(list(JOURNALS))
            bib.append(f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{_title(rng)}}},\n  journal = {journal},\n  year = {year},\n  volume = {{{rng.randint(1, 50)}}},\n  number = {{{rng.randint(1, 4)}}},\n  pages = {{{rng.randint(1, 400)}--{rng.randint(401, 800)}}},\n  doi = {{10.1000/{key}}},\n  verification = {{verified}},\n  verification_note = {{synthetic}},\n}}\n")
        claims = []
        for c in range(rng.randint(3, 6) if shape == "mixed" else 5):
            links = ", ".join(f"{{concept: {rng.choice(concepts)}, stance: {rng.choice(STANCES)}}}" for _ in range(rng.randint(1, 3)))
            words = _words(rng, 14)
            quote = _words(rng, 20)
            # Random words can hedge ("may", "some teachers"): the paraphrase keeps them, as a note must.
            kept = dropped(quote, words)
            words = " ".join((words, *kept.hedges, *kept.attributions))
            claims.append(
                f"  - id: claim-{c}\n    type: {CLAIM_TYPES[c % 4]}\n    text: {words.capitalize()}.\n    quote: \"{quote}\"\n"
                f"    locator: \"p. {rng.randint(1, 300)}\"\n    concepts: [{links}]\n"
            )
        if shape == "mixed":
            reported = _reported(rng, [keys[rng.randrange(i)]], concepts, words=False) if i and rng.random() < 0.3 else ""
            cites = sorted({keys[rng.randrange(n_sources)] for _ in range(rng.randint(0, 8))})
        else:
            reported = _reported(rng, _others(rng, keys, i, 2), concepts, words=True) if n_sources > 1 else ""
            cites = sorted(_others(rng, keys, i, 3))
        (dest / "kb" / "sources" / f"{key}.yaml").write_text(
            f"key: {key}\nsummary: >-\n  {_words(rng, 30)}\nkind: empirical\n"
            f"design: [{', '.join(sorted(set(rng.choices(DESIGNS, k=2))))}]\n"
            f"setting: {{country: [{rng.choice(['England', 'Scotland', 'USA', 'Australia', 'Canada'])}], sector: [{rng.choice(['primary', 'secondary'])}], sample: \"{rng.randint(2, 40)} schools\"}}\n"
            f"claims:\n{''.join(claims)}{reported}cites: [{', '.join(cites)}]\n",
            encoding="utf-8",
        )
    (dest / "references.bib").write_text("\n".join(bib), encoding="utf-8")


def _others(rng: random.Random, keys: list[str], i: int, k: int) -> list[str]:
    """``k`` distinct keys other than ``keys[i]`` (fewer when there are not so many)."""
    return [keys[j + (j >= i)] for j in rng.sample(range(len(keys) - 1), min(k, len(keys) - 1))]


def _reported(rng: random.Random, about: list[str], concepts: list[str], words: bool) -> str:
    """The ``reported:`` block of a note: one claim about each work of ``about`` (its text drawn
    from the vocabulary when ``words``, else a fixed phrase), as the reporting text cites it."""
    items = []
    for n, key in enumerate(about):
        said = _words(rng, 12).capitalize() if words else "Reported finding"
        quote = _words(rng, 12)
        # Random words can hedge: the paraphrase keeps the quote's hedges, as a note must.
        kept = dropped(quote, said)
        text = " ".join((said, *kept.hedges, *kept.attributions))
        items.append(f"  - id: reported-{n}\n    type: finding\n    about: {key}\n    cited_as: \"{key}\"\n    text: {text}.\n"
                     f"    quote: \"{quote}\"\n    locator: \"section: Literature\"\n"
                     f"    concepts: [{{concept: {rng.choice(concepts)}, stance: supports}}]\n")
    return "reported:\n" + "".join(items)


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Run a command in a child process. Returns (wall seconds, peak RSS in MB, exit code)."""
    wall, peak, code, _ = measure_with_output(argv)
    return wall, peak, code


def measure_with_output(argv: list[str]) -> tuple[float, float, int, str]:
    """As :func:`measure`, also returning what the command printed on stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: measure one command per process.
    return wall, max(peak, before) / 1024, proc.returncode, proc.stdout


def _bench_check(root: Path) -> list[tuple[str, str]]:
    wall, mem, code = measure([sys.executable, "-m", "litkb", "--root", str(root), "check"])
    return [("kb check wall (s)", f"{wall:.2f}"), ("kb check peak memory (MB)", f"{mem:.0f}"), ("kb check exit", str(code))]


def reference_workload() -> float:
    """Seconds this machine takes for a fixed piece of pure-Python work (dicts, strings, sorting:
    what kb does). On a shared host the same build can take a third longer at a busy hour; this
    row, measured beside the others, tells a slow machine from a slow build."""
    start = time.perf_counter()
    rng = random.Random(0)
    for _ in range(3):
        words = [f"w{rng.randrange(50_000)}" for _ in range(200_000)]
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return time.perf_counter() - start


def _one_size(n: int, areas: list[str], shape: str = "mixed") -> list[tuple[str, str]]:
    """Generate a KB of n sources (in ``shape``) in a temp dir and run each area's benchmark in a fresh process."""
    with tempfile.TemporaryDirectory(prefix=f"kb-bench-{n}-") as tmp:
        root = Path(tmp)
        rows = [("machine: reference workload, before (s)", f"{reference_workload():.2f}"), ("knowledge-base shape", shape)]
        start = time.perf_counter()
        generate_kb(root, n, shape=shape)
        rows.append(("generate (s)", f"{time.perf_counter() - start:.1f}"))
        for area in areas:
            # A fresh interpreter per area keeps RUSAGE_CHILDREN peaks separate.
            out = subprocess.run([sys.executable, "-m", "bench.bench", "--area", area, "--root", str(root)], capture_output=True, text=True, check=False)
            if out.returncode != 0:
                rows.append((f"{area}: failed", out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "?"))
                continue
            rows += [(str(name), str(value)) for name, value in json.loads(out.stdout)]
        rows.append(("machine: reference workload, after (s)", f"{reference_workload():.2f}"))
        return rows


def _area_rows(area: str, root: Path) -> list[tuple[str, str]]:
    if area == "check":
        return _bench_check(root)
    if area == "zensical":
        from .bench_site import bench_zensical

        return bench_zensical(root)
    import importlib

    module = importlib.import_module(f"bench.bench_{area}")
    rows: list[tuple[str, str]] = getattr(module, f"bench_{area}")(root)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark kb on synthetic knowledge bases and print a table.")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated source counts")
    parser.add_argument("--areas", default="check,search,index,site", help="comma-separated: check, search, index (incremental updates, both shapes), site, zensical (the second engine), serve (live preview)")
    parser.add_argument("--shape", default="mixed", choices=SHAPES, help="knowledge-base shape (see generate_kb)")
    parser.add_argument("--site-max", type=int, default=1000, help="largest size at which the site is built (the site targets are set at 1,000 sources)")
    parser.add_argument("--area", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.area:  # child mode: print this area's rows as JSON
        print(json.dumps(_area_rows(args.area, args.root)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    areas = [a for a in args.areas.split(",") if a]
    results = {n: dict(_one_size(n, [a for a in areas if a not in ("site", "zensical", "serve") or n <= args.site_max], args.shape)) for n in sizes}
    metrics = list(dict.fromkeys(m for rows in results.values() for m in rows))
    header = ["metric"] + [f"{n:,} sources" for n in sizes]
    table = [header, ["---"] * len(header)] + [[m] + [results[n].get(m, "") for n in sizes] for m in metrics]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
