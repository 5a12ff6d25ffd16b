"""MkDocs hooks (mkdocs.yml: ``hooks: [scripts/mkdocs_hooks.py]``): a thin shim handing MkDocs
events to :mod:`litkb.site.hooks`, where the generated pages are added."""

from litkb.site.hooks import on_files, on_page_content, on_serve

__all__ = ["on_files", "on_page_content", "on_serve"]
