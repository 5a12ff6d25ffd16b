"""Stage ``load``: BibTeX and YAML text -> raw records with their file locations.

Imports only :mod:`litkb.core`."""
