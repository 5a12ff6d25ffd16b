"""``make docs`` for contributors' documentation: the problem-code table of CONTRIBUTING.md.

The table is generated from :data:`litkb.core.problems.CODES` (by
:func:`litkb.emit.pages.contributing.render_problem_table`, which the site's contributing page
uses too) and written between two marker comments, so the guide cannot drift from the code.

Run ``python -m litkb.contrib.docs`` to rewrite the marked section of CONTRIBUTING.md, or with
``--check`` to fail (exit 1) when it is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.files import refresh_generated
from ..emit.pages.contributing import update_contributing

CONTRIBUTING = Path(__file__).resolve().parents[3] / "CONTRIBUTING.md"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the generated section of CONTRIBUTING.md."""
    parser = argparse.ArgumentParser(prog="python -m litkb.contrib.docs", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if CONTRIBUTING.md is out of date; write nothing")
    parser.add_argument("--file", type=Path, default=CONTRIBUTING, help="the file to update (default: %(default)s)")
    args = parser.parse_args(argv)

    def table_refreshed(current: str | None) -> str:
        if current is None:
            raise ValueError("no such file")
        return update_contributing(current)

    return refresh_generated(args.file, table_refreshed, check=args.check, what="the problem-code table", command="python -m litkb.contrib.docs (make docs)")

if __name__ == "__main__":
    sys.exit(main())
