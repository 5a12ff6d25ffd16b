"""Everything that speaks Whoosh: the only package that imports it (whoosh3, pinned)."""
