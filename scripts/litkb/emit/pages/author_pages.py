"""Author pages: the list of people and one page per person (works, co-authors, concepts).

A person is one :class:`~litkb.core.model.Person` id however the name is spelt in BibTeX.
Input: :class:`~litkb.site.common.SiteData`. Output: :class:`GeneratedPage` values (Markdown, whose
lists and tables are HTML blocks: :mod:`.html`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from functools import partial

from ...core import urls
from ...core.limits import MAX_COAUTHORS_SHOWN
from ...core.model import Person
from ...core.vocabulary import STANCES
from .common import AUTHORS_INDEX, Deferred, GeneratedPage, SiteData, rendered_now_or_later
from .html import bullet_list, concept_html, explorer_link, marked, page_link, source_html, table, text_html
from .safe import md_text


def author_pages(site: SiteData, only: Collection[str] | None = None, deferred: Deferred | None = None) -> list[GeneratedPage]:
    """The authors index and one page per person (of the person ids in ``only``, when given);
    with ``deferred``, the people's pages are left empty and their renderers kept there."""
    pages = [GeneratedPage(AUTHORS_INDEX, authors_index(site))]
    for person in site.kb.persons.values():
        if only is not None and person.id not in only:
            continue
        path = urls.author_path(person.id)
        pages.append(GeneratedPage(path, rendered_now_or_later(deferred, path, partial(author_page, site, person))))
    return pages


def authors_index(site: SiteData) -> str:
    here = AUTHORS_INDEX
    people = sorted(site.kb.persons.values(), key=lambda p: (p.sort_name.lower(), p.id))
    lines = [
        "# Authors",
        "",
        f"{len(people)} authors and editors. Each page lists the person's works, co-authors and the concepts their works bear on.",
        "",
    ]
    rows = [[page_link(person.sort_name, here, urls.author_path(person.id)), str(len(site.kb.works_of.get(person.id, ())))] for person in people]
    lines += [*marked(['<div class="kb-sortable" data-search-exclude="data-search-exclude">', *table(["Name", "Works"], rows), "</div>"]), ""]
    return "\n".join(lines)


def author_page(site: SiteData, person: Person) -> str:
    here = urls.author_path(person.id)
    kb = site.kb
    works = sorted(kb.works_of.get(person.id, ()), key=lambda k: (kb.sources[k].year, site.label(k), k))
    lines = [f"# {md_text(person.display)}", ""]
    if person.sort_name != person.display:
        # A name ending in an initial ("Anderson, Stephen E.") ends the sentence itself.
        lines += [f"Listed as *{md_text(person.sort_name)}*{'' if person.sort_name.endswith('.') else '.'}", ""]
    items = []
    for key in works:
        source = kb.sources[key]
        role = " (editor)" if person.id in {p.id for p in source.editors} and person.id not in {p.id for p in source.authors} else ""
        noted = " · annotated" if key in kb.notes else ""
        items.append(f"{source_html(site, here, key)} — {text_html(source.title)}{role}{noted}")
    # The lists and tables of a person's page are written as HTML (:mod:`.html`).
    lines += [f"## Works ({len(works)})", "", *marked(['<div class="kb-works" data-search-exclude="data-search-exclude">', *bullet_list(items), "</div>"]), ""]
    lines += _coauthors(site, person, works, here)
    lines += _concepts(site, person, works, here)
    return "\n".join(lines)


def _coauthors(site: SiteData, person: Person, works: list[str], here: str) -> list[str]:
    shared: Counter[str] = Counter()
    for key in works:
        source = site.kb.sources[key]
        for other in dict.fromkeys(p.id for p in (*source.authors, *source.editors)):
            if other != person.id:
                shared[other] += 1
    if not shared:
        return []
    people = sorted(shared, key=lambda pid: (-shared[pid], site.kb.persons[pid].sort_name.lower()))
    # At most MAX_COAUTHORS_SHOWN, the most frequent first: one work with n authors would
    # otherwise put n - 1 lines on each of its n authors' pages (n x n lines in all).
    shown = people[:MAX_COAUTHORS_SHOWN]
    items = [f"{page_link(site.kb.persons[pid].display, here, urls.author_path(pid))} ({shared[pid]} shared work{'s' * (shared[pid] != 1)})" for pid in shown]
    if len(people) > len(shown):
        items.append(f"<em>and {len(people) - len(shown):,} more (see the works above)</em>")
    return [f"## Co-authors ({len(people)})", "", *marked(['<div data-search-exclude="data-search-exclude">', *bullet_list(items), "</div>"]), ""]


def _concepts(site: SiteData, person: Person, works: list[str], here: str) -> list[str]:
    """Concepts that claims about this person's works bear on, counted by stance."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    # A claim naming two of the person's works ("Gronn, 2008, 2009b") is one claim.
    claims = {claim.uid: claim for key in works for claim in site.claims_about.get(key, ())}
    for claim in claims.values():
        for link in claim.concepts:
            if link.concept in site.kb.concepts and link.stance:  # method claims are not counted
                counts[link.concept][link.stance] += 1
    if not counts:
        return []
    lines = [
        f"## Concepts ({len(counts)})",
        "",
        f"<p>Claims about these works, by concept and stance ({explorer_link('open in the explorer', here, author=person.id)}).</p>",
        "",
    ]
    rows = [[concept_html(site, here, cid)] + [str(counts[cid][s]) if counts[cid][s] else "" for s in STANCES]
            for cid in sorted(counts, key=lambda c: site.kb.concepts[c].label.lower())]
    return [*lines, *marked(['<div data-search-exclude="data-search-exclude">', *table(["Concept", *STANCES], rows), "</div>"]), ""]
