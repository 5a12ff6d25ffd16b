"""The CLI reference page: :func:`litkb.contrib_docs.render_cli_reference` (generated from the click
group, so it never drifts from the code) as a generated page.

Input: the click group (default: ``litkb.cli.main``). Output: one :class:`GeneratedPage` (Markdown).
"""

from __future__ import annotations

import click

from ...contrib.docs import render_cli_reference
from .common import CLI_PAGE, GeneratedPage


def cli_page(group: click.Group | None = None) -> GeneratedPage:
    return GeneratedPage(CLI_PAGE, render_cli_reference(group))
