"""Formatted references and in-text citations through CSL (citeproc-py)."""
