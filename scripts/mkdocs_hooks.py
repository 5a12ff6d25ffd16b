"""MkDocs hooks (mkdocs.yml: ``hooks: [scripts/mkdocs_hooks.py]``): a thin shim handing MkDocs
events to :mod:`litkb.site.hooks`, where the generated pages are added and every built page, and
the search index, goes through the HTML tripwire."""

from litkb.site.hooks import on_config, on_files, on_page_content, on_page_markdown, on_post_build, on_post_page, on_post_template, on_serve

__all__ = ["on_config", "on_files", "on_page_content", "on_page_markdown", "on_post_build", "on_post_page", "on_post_template", "on_serve"]
