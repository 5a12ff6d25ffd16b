"""The live preview's rebuilds (``kb serve``: MkDocs dirty builds): after one note changes, MkDocs
builds again only the generated pages whose Markdown changed, and those show the change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import SITE_FIXTURE_ROOT
from litkb.core import urls
from litkb.site import hooks
from litkb.site.build import kb_root_env
from litkb.site.config import find_config


def test_a_changed_note_rebuilds_only_the_pages_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "kb"
    shutil.copytree(SITE_FIXTURE_ROOT, root)
    site = tmp_path / "site"
    built: list[str] = []
    real = hooks._unsafe

    def counted(html: str, site_path: str, shown: str) -> bool:
        if shown.startswith("page "):  # the whole-page tripwire of each page built (on_post_page)
            built.append(shown.removeprefix("page "))
        return real(html, site_path, shown)

    monkeypatch.setattr(hooks, "_unsafe", counted)
    monkeypatch.setattr(hooks, "SESSION", hooks.Session())

    def rebuild() -> list[str]:
        built.clear()
        with kb_root_env(root):
            config = load_config(str(find_config(root)), site_dir=str(site), strict=False)
            config.plugins.on_startup(command="serve", dirty=True)
            build(config, dirty=True)
        if hooks.SESSION.indexing is not None:
            hooks.SESSION.indexing.wait()  # the search index, refreshed in the background
        return sorted(built)

    first = rebuild()
    assert hooks.SESSION.serving
    assert len(first) > 20 and "sources/torrance2013.md" in first
    assert rebuild() == []  # nothing changed: nothing is built again
    note = root / "kb" / "sources" / "torrance2013.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("    text: Headteachers are caught", "    text: Previewmark headteachers are caught", 1), encoding="utf-8")
    third = rebuild()
    assert "sources/torrance2013.md" in third and "concepts/catch-22.md" in third
    assert len(third) < len(first) / 2, third
    assert "Previewmark" in (site / urls.source_url("torrance2013") / "index.html").read_text(encoding="utf-8")
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    # A concept removed: its page leaves the preview at the next rebuild (a dirty build alone
    # would leave the file of the last build).
    gone = site / urls.concept_url("pragmatic-distribution") / "index.html"
    assert gone.is_file()
    (root / "kb" / "concepts" / "pragmatic-distribution.yaml").unlink()
    rebuild()
    assert not gone.exists()
    assert (site / urls.concept_url("catch-22") / "index.html").is_file()
