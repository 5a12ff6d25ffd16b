"""Stages ``validate`` and ``link``: the schema, cross-references, people and quotes -> the model.

Imports :mod:`litkb.load` and :mod:`litkb.core`."""
