"""Helpers for driving the built site in headless Chromium (Debian's /usr/bin/chromium)."""
