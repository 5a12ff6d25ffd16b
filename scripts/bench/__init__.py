"""The benchmark of ``make bench`` (outside the installed package)."""
