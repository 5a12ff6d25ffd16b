"""Stage ``emit``: pure functions of the model (pages, citations, exports, the search index).

Imports only :mod:`litkb.core` (and itself)."""
