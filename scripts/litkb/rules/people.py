"""Person identity: one id per person however the name is spelt in BibTeX."""

from __future__ import annotations

from ..core.model import Person
from ..core.text import fold, slugify
from ..load.bibtex import PersonName


def person_from_name(name: PersonName) -> Person:
    """Build a :class:`Person` whose id is family name plus first initial (accents folded).

    Family name includes the "von" part ("van der Berg"); the first initial is the first letter of
    the given names, so "J. P." and "James P." agree. Corporate names are their own id.
    """
    if name.literal or not name.first:
        family = name.last or name.first
        return Person(slugify(family) or "anonymous", family, "", corporate=name.literal)
    family = " ".join(p for p in (name.von, name.last) if p)
    if name.jr:
        family = f"{family}, {name.jr}"
    initial = fold(name.first.lstrip("{\\"))[:1]
    return Person(f"{slugify(family)}-{initial}", family, name.first)


def merge_people(people: list[Person]) -> Person:
    """One display form for a person: the fullest given name seen (ties broken alphabetically)."""
    return max(people, key=lambda p: (len(p.given.replace(".", "")), p.given))
