"""The preview's compiled theme (litkb/site/theme_cache.py): a new Jinja environment for each
rebuild takes the templates compiled by the last one, and compiles a template again when its
source changed."""

from __future__ import annotations

import jinja2
import pytest

from litkb.site.theme_cache import TemplateCache


def _environment(sources: dict[str, str], cache: TemplateCache) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=cache, autoescape=True)


def test_a_new_environment_takes_the_compiled_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = TemplateCache()
    sources = {"page.html": "<h1>{{ title }}</h1>"}
    assert _environment(sources, cache).get_template("page.html").render(title="A & B") == "<h1>A &amp; B</h1>"
    compiled: list[str] = []
    real = jinja2.Environment._compile

    def counting(self: jinja2.Environment, source: str, filename: str) -> object:
        compiled.append(filename)
        return real(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counting)
    assert _environment(sources, cache).get_template("page.html").render(title="C") == "<h1>C</h1>"
    assert compiled == []  # taken from the cache
    sources["page.html"] = "<h2>{{ title }}</h2>"
    assert _environment(sources, cache).get_template("page.html").render(title="D") == "<h2>D</h2>"
    assert len(compiled) == 1  # its source changed: compiled again
