"""The static site's pages: generated Markdown for MkDocs Material (see DESIGN.md, "The site").

:func:`render_pages` is the pure stage (one module per page type, registered in :mod:`.render`);
the MkDocs adapter, :mod:`litkb.site`, hands its pages to MkDocs or writes them to disk.
"""

from __future__ import annotations

from .common import GeneratedPage
from .contributing import contributing_page
from .references import ReferenceFormatter
from .render import render_pages

__all__ = ["GeneratedPage", "ReferenceFormatter", "contributing_page", "render_pages"]
