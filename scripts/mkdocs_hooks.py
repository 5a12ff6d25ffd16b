"""MkDocs hooks (mkdocs.yml: ``hooks: [scripts/mkdocs_hooks.py]``): a thin shim handing MkDocs
events to :mod:`litkb.site.hooks`, where the generated pages are added (and converted, and those
outside the navigation built, on every CPU for ``kb build``), every built page goes through the HTML tripwire, and the site search is indexed."""

from litkb.site.hooks import (
    on_config,
    on_env,
    on_files,
    on_nav,
    on_page_content,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_post_template,
    on_pre_page,
    on_serve,
    on_startup,
)

__all__ = ["on_config", "on_env", "on_files", "on_nav", "on_page_content", "on_page_markdown", "on_post_build", "on_post_page", "on_post_template", "on_pre_page",
           "on_serve", "on_startup"]
