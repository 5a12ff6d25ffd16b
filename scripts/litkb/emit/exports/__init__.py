"""Exports of the library for reference managers, and per-concept evidence packs."""
