"""The navigation rendered once per folder for pages outside it (litkb.site.nav_cache); the whole
site built so is compared byte for byte with MkDocs' own loop in tests/test_site_parallel.py."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import jinja2

from litkb.site import nav_cache


def page(src: str, url: str) -> Any:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src), url=url)


NAV = SimpleNamespace(pages=[page("index.md", ""), page("sources/index.md", "sources/"), page("notes/a/more.md", "notes/a/more/")])


def test_pages_of_one_folder_outside_the_navigation_share_it() -> None:
    keys: dict[int, Any] = {}
    a = nav_cache._folder({"page": page("sources/a.md", "sources/a/"), "nav": NAV}, keys)
    b = nav_cache._folder({"page": page("sources/b.md", "sources/b/"), "nav": NAV}, keys)
    person = nav_cache._folder({"page": page("authors/x.md", "authors/x/"), "nav": NAV}, keys)
    assert a == b == (id(NAV), "sources", True) and person == (id(NAV), "authors", True)
    # In the navigation, or with a navigation page under its own address: rendered for itself.
    assert nav_cache._folder({"page": page("sources/index.md", "sources/"), "nav": NAV}, keys) is None
    assert nav_cache._folder({"page": page("notes/a.md", "notes/a/"), "nav": NAV}, keys) is None
    assert nav_cache._folder({"nav": NAV}, keys) is None


def test_the_template_renders_once_per_folder() -> None:
    calls: list[str] = []

    def render(context: Any) -> Iterator[str]:
        calls.append(context["page"].url)
        yield "<nav>"
        yield context["page"].url.split("/")[0]
        yield "</nav>"

    remembered = nav_cache._remembered(render)
    out = ["".join(remembered({"page": page(f"{folder}/{name}.md", f"{folder}/{name}/"), "nav": NAV}))
           for folder, name in [("sources", "a"), ("sources", "b"), ("authors", "x"), ("sources", "c")]]
    assert out == ["<nav>sources</nav>", "<nav>sources</nav>", "<nav>authors</nav>", "<nav>sources</nav>"]
    assert calls == ["sources/a/", "authors/x/"]
    assert "".join(remembered({"page": page("sources/index.md", "sources/"), "nav": NAV})) == "<nav>sources</nav>"
    assert calls[-1] == "sources/"  # a navigation page is rendered for itself
    other = SimpleNamespace(pages=list(NAV.pages))  # another navigation: its own renderings
    assert "".join(remembered({"page": page("sources/d.md", "sources/d/"), "nav": other})) == "<nav>sources</nav>"
    assert calls[-1] == "sources/d/"


def test_an_untested_material_is_left_alone(monkeypatch: Any) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({nav_cache.NAV_TEMPLATE: "{{ page }}"}), autoescape=True)
    original = env.get_template(nav_cache.NAV_TEMPLATE).root_render_func
    monkeypatch.setattr(nav_cache, "TESTED_MATERIAL", frozenset({"0.0"}))
    assert nav_cache.remember_navigation(env).get_template(nav_cache.NAV_TEMPLATE).root_render_func is original
    monkeypatch.setattr(nav_cache, "TESTED_MATERIAL", frozenset({nav_cache.version("mkdocs-material")}))
    assert nav_cache.remember_navigation(env).get_template(nav_cache.NAV_TEMPLATE).root_render_func is not original
