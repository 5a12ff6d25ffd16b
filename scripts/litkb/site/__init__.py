"""The MkDocs adapter: hooks, building and serving the site (the only package that imports mkdocs)."""
