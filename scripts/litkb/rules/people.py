"""Person identity: one id per person however the name is spelt in BibTeX."""

from __future__ import annotations

from ..core.model import Person
from ..core.text import fold, slugify
from ..core.urls import RESERVED_PAGE_NAMES
from ..load.bibtex import PersonName

# Person ids become file names and URLs (authors/<id>/): at most this long.
_MAX_SLUG = 80


def person_from_name(name: PersonName) -> Person:
    """Build a :class:`Person` whose id is family name plus first initial (accents folded).

    Family name includes the "von" part ("van der Berg"); the first initial is the first letter or
    digit of the given names, so "J. P." and "James P." agree. Corporate names are their own id.
    An id is always a safe URL part (letters, digits and hyphens, at most 82 characters) and
    never a name the site reserves for its own pages (see :func:`person_id`).
    """
    if name.literal or not name.first:
        family = name.last or name.first
        return Person(person_id(slugify(family)), family, "", corporate=name.literal)
    family = " ".join(p for p in (name.von, name.last) if p)
    if name.jr:
        family = f"{family}, {name.jr}"
    # The first letter or digit: "#" or "?" (unsafe in a URL) give no initial rather than a bad one.
    initial = next((c for c in fold(name.first) if c.isalnum()), "")
    return Person(person_id(slugify(family), initial), family, name.first)


def person_id(family_slug: str, initial: str = "") -> str:
    """The id of a person from the slug of the family name ([a-z0-9-]) and an initial (one
    letter or digit).

    Long slugs are cut; an empty one is "anonymous"; a reserved page name ("index", "readme")
    gets the suffix "_", which no slug contains, so the id is free.
    """
    slug = family_slug[:_MAX_SLUG].strip("-") or "anonymous"
    if initial:
        return f"{slug}-{initial}"
    return f"{slug}_" if slug in RESERVED_PAGE_NAMES else slug


def merge_people(people: list[Person]) -> Person:
    """One display form for a person: the fullest given name seen (ties broken alphabetically)."""
    return max(people, key=lambda p: (len(p.given.replace(".", "")), p.given))
