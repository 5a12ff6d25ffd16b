"""Telling cites apart, as CSL 1.0.2 specifies ("Disambiguation") and as the style asks for it.

Input: the works of one reference list (the whole library for the site, the keys printed by
``kb cite``) and a style. Output: key -> :class:`Disambiguation`, for the works whose cites need
something: more names, expanded given names, or a year suffix.

citeproc-py 0.11 implements none of CSL's disambiguation; this module does, reading the style's
own settings on ``cs:citation`` (:func:`style_options`) rather than any one guide's rule:

1. ``disambiguate-add-givenname`` with a ``givenname-disambiguation-rule`` other than "by-cite"
   expands ambiguous names everywhere (different people with one family name), in every cite:
   APA's "primary-name-with-initials" gives first authors who share a surname their initials
   (APA 7, 8.20: "J. M. Taylor & Neumann, 2020").
2. Cites that still print alike: "by-cite" expands the names that differ (initials, then full
   given names); ``disambiguate-add-names`` writes out names hidden by "et al." one by one, for
   every member of the set, until no more of them can be told apart (APA 7, 8.18: "Kapoor,
   Bloom, Montez, et al., 2017"). A cite is ambiguous when its rendered text is identical to
   another's (the specification's test), so "Leithwood, Mascall, Strauss, et al." is told apart
   from "Leithwood, Mascall, & Strauss" by the "et al." alone.
3. ``disambiguate-add-year-suffix``: what still prints alike gets letters (APA 7, 9.47: same
   author list, same year), in reference-list order: names, then title ignoring a leading "A",
   "An" or "The" (APA 7, 9.47; Cite Them Right), then key.

The ``disambiguate`` condition of ``cs:choose`` (the specification's third method) is not
implemented: neither packaged style uses it. The patched citeproc-py prints the names as told
(:mod:`.citeproc_patches`, the "disambiguation" set); :mod:`.render` passes them on.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from string import ascii_lowercase
from typing import Any

from ...core.model import Person, Source
from ...core.text import fold
from .csl import source_to_csl
from .render import render
from .styles import load_style, style_path

INITIALS, FULL = "initials", "full"
RULES = ("all-names", "all-names-with-initials", "primary-name", "primary-name-with-initials", "by-cite")
_CSL = "{http://purl.org/net/xbiblio/csl}"
_LEADING_ARTICLE = re.compile(r"^(a|an|the)\s+")


@dataclass(frozen=True)
class Options:
    """The disambiguation settings of a style's ``cs:citation`` (CSL's defaults where absent)."""

    add_names: bool = False
    add_givenname: bool = False
    rule: str = "by-cite"
    add_year_suffix: bool = False
    et_al_min: int | None = None  # names from which a cite abbreviates with "et al."
    et_al_use_first: int | None = None  # names it then shows
    initialize_with: str | None = None  # set: names can be expanded to initials first


@dataclass(frozen=True)
class Disambiguation:
    """What one work's cite needs to be told apart from the others of its reference list."""

    names: int | None = None  # names shown before "et al." (None: the style's et-al-use-first)
    expand: tuple[tuple[str, str, str], ...] = ()  # (family, given, INITIALS | FULL) of names printed expanded
    year_suffix: str = ""  # "a", "b", ...
    namesakes: tuple[str, ...] = ()  # the keys sharing its year's letters, in letter order (itself included)

    def hints(self) -> dict[str, Any]:
        """The cite hints citeproc-py reads (:data:`litkb.emit.cite.render.CiteHints`)."""
        return {"names": self.names, "expand": {(family, given): level for family, given, level in self.expand}}


def style_options(style: str) -> Options:
    """The disambiguation settings of ``style`` (a name or a .csl file), read from its ``cs:citation``;
    the inheritable name options fall back to ``cs:style``."""
    root = load_style(style_path(style)).root
    citation = root.find(f"{_CSL}citation")
    if citation is None:
        return Options()

    def option(name: str) -> str | None:
        value = citation.get(name, root.get(name))
        return None if value is None else str(value)

    def number(name: str) -> int | None:
        value = option(name)
        return int(value) if value is not None and value.isdigit() else None

    rule = option("givenname-disambiguation-rule") or "by-cite"
    return Options(
        add_names=option("disambiguate-add-names") == "true",
        add_givenname=option("disambiguate-add-givenname") == "true",
        rule=rule if rule in RULES else "by-cite",
        add_year_suffix=option("disambiguate-add-year-suffix") == "true",
        et_al_min=number("et-al-min"),
        et_al_use_first=number("et-al-use-first"),
        initialize_with=option("initialize-with") or _cite_names_initialize_with(root, citation),
    )


def _cite_names_initialize_with(root: Any, citation: Any) -> str | None:
    """The ``initialize-with`` of a ``cs:name`` that the citation renders (in its layout or a
    macro it calls, at any depth), as Cite Them Right sets it on the name itself."""
    macros = {str(m.get("name")): m for m in root.iterfind(f"{_CSL}macro")}
    seen: set[str] = set()
    pending = [citation]
    while pending:
        element = pending.pop()
        for node in element.iter():
            if node.tag == f"{_CSL}name" and node.get("initialize-with") is not None:
                return str(node.get("initialize-with"))
            name = node.get("macro")
            if name is not None and name not in seen and name in macros:
                seen.add(name)
                pending.append(macros[name])
    return None


def disambiguate(sources: Iterable[Source], style: str) -> dict[str, Disambiguation]:
    """Key -> :class:`Disambiguation` for the works of ``sources`` whose cites need one in ``style``
    (works that print apart as they are are left out). Raises StyleError for an unknown style."""
    sources = list(sources)
    work = _Work(sources, style, style_options(style))
    if work.options.add_givenname and work.options.rule != "by-cite":
        work.expand_names_everywhere()
    # Only works sharing a first creator's family name and a year can print alike (cheap pre-grouping).
    candidates: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources:
        first = source.creators[0].family if source.creators else ""
        candidates[(fold(first), source.year)].append(source)
    for group in candidates.values():
        if len(group) > 1:
            work.resolve(group)
    return work.result()


@dataclass
class _Work:
    """The disambiguation of one reference list while it is being worked out."""

    sources: list[Source]
    style: str
    options: Options
    names: dict[str, int] = field(default_factory=dict)
    expand: dict[str, dict[tuple[str, str], str]] = field(default_factory=lambda: defaultdict(dict))
    suffixes: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    def cites(self, group: Sequence[Source]) -> dict[str, str]:
        """Key -> the cite of each work of ``group`` as it prints now (no year suffix yet)."""
        hints = {s.key: self.hint(s.key) for s in group if s.key in self.names or self.expand.get(s.key)}
        return dict(render([source_to_csl(s, provenance=False) for s in group], self.style, bibliography=False, hints=hints))

    def hint(self, key: str) -> dict[str, Any]:
        return {"names": self.names.get(key), "expand": dict(self.expand.get(key, {}))}

    def shown(self, source: Source) -> int:
        """How many of a work's names its cite prints."""
        count, least, first = len(source.creators), self.options.et_al_min, self.options.et_al_use_first
        if source.key in self.names:
            return min(count, self.names[source.key])
        return first if least is not None and first is not None and count > 1 and count >= least else count

    def expand_names_everywhere(self) -> None:
        """Method 1 for names, not cites (rules other than "by-cite"): every printed name (the first
        of each cite for the "primary-name" rules) that shares its family name with another person's
        is expanded wherever it is printed."""
        primary = self.options.rule.startswith("primary-name")
        printed: list[tuple[str, Person]] = []
        for source in self.sources:
            people = source.creators[: 1 if primary else self.shown(source)]
            printed += [(source.key, person) for person in people if not person.corporate]
        levels = _levels([person for _, person in printed], self.options)
        for key, person in printed:
            level = levels.get((person.family, person.given))
            if level:
                self.expand[key][(person.family, person.given)] = level

    def resolve(self, group: list[Source]) -> None:
        """Methods 1 ("by-cite"), 2 and 4 on the works of ``group`` whose cites print alike."""
        cites = self.cites(group)
        sets = _alike(cites)
        if sets and (self.options.add_givenname or self.options.add_names):
            for alike in sets:
                members = [s for s in group if s.key in alike]
                if self.options.add_givenname and self.options.rule == "by-cite":
                    self.expand_in_cites(members, group, range(max(self.shown(s) for s in members)))
                if self.options.add_names:
                    self.add_names(members, group)
            sets = _alike(self.cites(group))  # what still prints alike
        if self.options.add_year_suffix:
            by_key = {s.key: s for s in group}
            for alike in sets:
                ordered = tuple(sorted(alike, key=lambda k: reference_order(by_key[k])))
                for index, key in enumerate(ordered):
                    self.suffixes[key] = (letters(index), ordered)

    def expand_in_cites(self, members: list[Source], group: list[Source], positions: Iterable[int]) -> None:
        """"by-cite": position by position, expand the printed names by which cites still alike differ;
        stop once no cite of ``members`` prints like another."""
        pending = members
        for position in positions:
            at = [(s.key, s.creators[position]) for s in pending if position < min(self.shown(s), len(s.creators))]
            levels = _levels([person for _, person in at if not person.corporate], self.options)
            changed = False
            for key, person in at:
                level = levels.get((person.family, person.given))
                if level and not person.corporate:
                    self.expand[key][(person.family, person.given)] = level
                    changed = True
            if changed:
                alike = {k for keys in _alike(self.cites(group)) for k in keys}
                pending = [s for s in pending if s.key in alike]
                if not pending:
                    return

    def add_names(self, members: list[Source], group: list[Source]) -> None:
        """Method 2: show one more name at a time in every cite of the set still alike; a cite keeps
        the names at which it printed apart, the rest those of the last step that told any apart."""
        first = self.options.et_al_use_first
        if first is None or self.options.et_al_min is None:
            return  # the style hides no names
        remaining, last = members, None
        for n in range(first + 1, max(len(s.creators) for s in members) + 1):
            for source in remaining:
                self.names[source.key] = n
            if self.options.add_givenname and self.options.rule == "by-cite":
                self.expand_in_cites(remaining, group, [n - 1])  # an added name is expanded if that tells cites apart
            cites = self.cites(group)
            counts = Counter(cites.values())
            told = [s for s in remaining if counts[cites[s.key]] == 1]
            if told:
                last = n
                remaining = [s for s in remaining if s not in told]
            if not remaining:
                return
        for source in remaining:
            if last is None:
                self.names.pop(source.key, None)
            else:
                self.names[source.key] = last

    def result(self) -> dict[str, Disambiguation]:
        keys = sorted(set(self.names) | {k for k, v in self.expand.items() if v} | set(self.suffixes))
        return {
            key: Disambiguation(
                names=self.names.get(key),
                expand=tuple(sorted((family, given, level) for (family, given), level in self.expand.get(key, {}).items())),
                year_suffix=self.suffixes.get(key, ("", ()))[0],
                namesakes=self.suffixes.get(key, ("", ()))[1],
            )
            for key in keys
        }


def _alike(cites: dict[str, str]) -> list[list[str]]:
    """Sets of keys (two or more) whose cites print identically, in the given order."""
    by_text: dict[str, list[str]] = defaultdict(list)
    for key, text in cites.items():
        by_text[text].append(key)
    return [keys for keys in by_text.values() if len(keys) > 1]


def _levels(people: list[Person], options: Options) -> dict[tuple[str, str], str]:
    """(family, given) -> how far to expand it, for people who share a family name with another
    person of ``people``: initials when they tell the name apart (and the style initialises),
    else the full given name (not for the "-with-initials" rules); a name nothing tells apart
    stays as it is."""
    by_family: dict[str, set[str]] = defaultdict(set)
    for person in people:
        by_family[person.family].add(person.given)
    levels: dict[tuple[str, str], str] = {}
    only_initials = options.rule.endswith("-with-initials")
    for family, givens in by_family.items():
        if len(givens) < 2:
            continue
        initials = Counter(_initials(g) for g in givens)
        for given in givens:
            if options.initialize_with is not None and initials[_initials(given)] == 1:
                levels[(family, given)] = INITIALS
            elif not only_initials and given:
                levels[(family, given)] = FULL
    return levels


def _initials(given: str) -> tuple[str, ...]:
    """"James P." -> ("J", "P"): what an initialised given name shows."""
    return tuple(part[0] for part in re.split(r"[\s.\-]+", given) if part)


def reference_order(source: Source) -> tuple[tuple[str, ...], str, str]:
    """The order of works by the same names in a year: names, then title without a leading article, then key."""
    names = tuple(fold(p.sort_name) for p in source.creators)
    title = re.sub(r"[^\w\s]", "", fold(source.title)).strip()
    return names, _LEADING_ARTICLE.sub("", title), source.key


def letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa" (as citeproc-js continues after z)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = ascii_lowercase[rest] + out
    return out
