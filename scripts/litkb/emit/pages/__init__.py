"""The static site's pages: generated Markdown for MkDocs Material (see DESIGN.md, "The site").

:func:`render_pages` is the pure stage (one module per page type, registered in :mod:`.render`);
the MkDocs adapter, :mod:`litkb.site`, hands its pages to MkDocs or writes them to disk.
"""

from __future__ import annotations

from .common import GeneratedPage
from .contributing import contributing_page
from .references import ReferenceFormatter
from .render import Rendered, render_pages, render_site

__all__ = ["GeneratedPage", "ReferenceFormatter", "Rendered", "contributing_page", "render_pages", "render_site"]
