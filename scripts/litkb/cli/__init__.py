"""The ``kb`` command: a thin click layer over the library (the only package that imports click)."""
