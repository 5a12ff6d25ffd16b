"""Serve a built site on localhost and watch a Chromium page for console errors, dialogs and
requests that leave the machine.

The site is served by ``python -m http.server`` on 127.0.0.1 and a free port. No page may ask
another host for anything (the pictures are drawn at build time, no repository is named, fonts
are the system's): every request to another host is aborted and recorded, so a page that
depends on the network fails its test.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` with ``python -m http.server`` on 127.0.0.1; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(base, timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"http.server did not start on port {port}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class PageWatch:
    """What a page did that it should not: console errors, uncaught exceptions, dialogs
    (alert/confirm/prompt) and requests to other hosts."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"console: {e}" for e in self.errors] + [f"dialog: {d}" for d in self.dialogs] + [f"external request: {u}" for u in self.external]


def watch_page(page: Any, base: str) -> PageWatch:
    """Attach listeners and routes to ``page``; returns the record they fill."""
    watch = PageWatch()
    page.on("console", lambda msg: watch.errors.append(f"{msg.text} ({page.url})") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.errors.append(f"uncaught {exc} ({page.url})"))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("framenavigated", lambda frame: watch.visited.append(frame.url) if frame == page.main_frame else None)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            watch.external.append(url)
            request_route.abort()

    page.route("**/*", route)
    return watch
