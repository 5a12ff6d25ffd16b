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

from ..core.files import atomic_write_text
from ..emit.pages.contributing import update_contributing

CONTRIBUTING = Path(__file__).resolve().parents[3] / "CONTRIBUTING.md"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the generated section of CONTRIBUTING.md."""
    parser = argparse.ArgumentParser(prog="python -m litkb.contrib.docs", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if CONTRIBUTING.md is out of date; write nothing")
    parser.add_argument("--file", type=Path, default=CONTRIBUTING, help="the file to update (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        text = args.file.read_text(encoding="utf-8")
        updated = update_contributing(text)
    except (OSError, ValueError) as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 1
    if updated == text:
        print(f"{args.file}: up to date")
        return 0
    if args.check:
        print(f"{args.file}: the problem-code table is out of date; run python -m litkb.contrib.docs (make docs)", file=sys.stderr)
        return 1
    atomic_write_text(args.file, updated)
    print(f"{args.file}: problem-code table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
