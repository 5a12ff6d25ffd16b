"""Imported by the fork server of the index workers (:func:`.writing.write_new`), and only there.

Each worker is forked from that server, not from the writing process, so the patches the writing
process applied are not in it: importing this module applies them in the server, once, and every
worker forked from it has them.
"""

from __future__ import annotations

from . import patches

patches.apply()
