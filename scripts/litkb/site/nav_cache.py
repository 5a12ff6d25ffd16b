"""The theme's site navigation rendered once per folder for the pages outside it (in the workers).

Material renders ``partials/nav.html`` (every section and page of the navigation) for every page,
about a sixth of the theme's time per page. The pages of works and people (17,000 at 10,000
sources) are not in the navigation (``not_in_nav``). For such a page the template marks nothing
active: it depends on the page only through equality with navigation pages (none is equal) and
through links made relative to the page's address, which are the same for every page of one
folder unless a navigation page lies inside the page's own folder. Those pages are therefore
given the navigation rendered for the first page of their folder; every other page is rendered as
before.

Input: the theme's Jinja environment of a worker (:mod:`litkb.site.prerender`). Output: the same
environment, whose navigation template remembers its output per folder. Only for the Material
release whose template was read for this (:data:`TESTED_MATERIAL`); any other is left alone.
``tests/test_site_parallel.py`` compares every page built by the workers with MkDocs' own loop,
byte for byte.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import jinja2

NAV_TEMPLATE = "partials/nav.html"
TESTED_MATERIAL = frozenset({"9.8.1"})


def supported() -> bool:
    """Whether the installed Material is one whose navigation template was read for this."""
    try:
        return version("mkdocs-material") in TESTED_MATERIAL
    except PackageNotFoundError:
        return False


def remember_navigation(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` with its navigation template rendering once per folder of pages outside the
    navigation (nothing changed for an untested Material)."""
    if not supported():
        return env
    template = env.get_template(NAV_TEMPLATE)
    template.root_render_func = _remembered(template.root_render_func)
    return env


def _remembered(render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
    made: dict[tuple[int, str, bool], str] = {}
    # id(nav) -> (nav, its pages' files, their URLs); holding the navigation keeps its id its own.
    navigations: dict[int, tuple[Any, frozenset[str], tuple[str, ...]]] = {}

    def root(context: Any) -> Iterator[str]:
        key = _folder(context, navigations)
        if key is None:
            yield from render(context)
            return
        text = made.get(key)
        if text is None:
            text = made[key] = "".join(render(context))
        yield text

    return root


def _folder(context: Any, navigations: dict[int, tuple[Any, frozenset[str], tuple[str, ...]]]) -> tuple[int, str, bool] | None:
    """The navigation and folder a page outside the navigation shares its rendering with; None for
    a page in it (or one with a navigation page under its own address)."""
    page, nav = context.get("page"), context.get("nav")
    if page is None or nav is None or getattr(page, "file", None) is None:
        return None
    known = navigations.get(id(nav))
    if known is None:
        known = navigations[id(nav)] = (nav, frozenset(p.file.src_uri for p in nav.pages), tuple(p.url for p in nav.pages))
    _, files, urls = known
    url = page.url
    if page.file.src_uri in files or any(other.startswith(url) for other in urls):
        return None
    return id(nav), posixpath.dirname(url.rstrip("/")), url.endswith("/")
