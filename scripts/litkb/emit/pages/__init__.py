"""The static site: generated pages for MkDocs Material (see DESIGN.md, "The site").

``render_pages(kb)`` is the pure stage; :mod:`litkb.site.hooks` adapts it to MkDocs and
:mod:`litkb.site.build` builds or writes the site for the ``kb`` command.
"""

from __future__ import annotations

from .common import GeneratedPage
from .concept_pages import evidence_pack_links
from .render import render_pages

__all__ = ["GeneratedPage", "evidence_pack_links", "render_pages"]
