"""``python -m litkb`` = the ``kb`` command."""

from litkb.cli import run

run()
