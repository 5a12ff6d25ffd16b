"""Running hostile input where it cannot hurt the test runner: a child process with a memory and
time bound, and the site rendering that the property test times.

``run_kb`` runs the ``kb`` command in a fresh interpreter; ``in_child`` forks this process (so the
imports are already paid) and runs a function there. Either way a crash, a hang or a memory bomb
shows up as a result the test can assert on, never as a dead or swapped-out runner.
"""

from __future__ import annotations

import multiprocessing
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml

from conftest import REPO

MB = 2**20


def _limit_memory(megabytes: int) -> Callable[[], None]:
    def limit() -> None:  # runs in the child, before it starts
        resource.setrlimit(resource.RLIMIT_AS, (megabytes * MB, megabytes * MB))

    return limit


@dataclass(frozen=True)
class KbRun:
    returncode: int | None  # None: killed at the time limit
    stdout: str
    stderr: str
    seconds: float


def run_kb(root: Path, *args: str, seconds: float = 60, megabytes: int = 400) -> KbRun:
    """``kb --root ROOT ARGS`` in a child with at most ``megabytes`` of address space and
    ``seconds`` of wall time. A negative return code is a signal (-11: segmentation fault)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "litkb", "--root", str(root), *args],
            capture_output=True, text=True, timeout=seconds, preexec_fn=_limit_memory(megabytes), check=False,
        )
    except subprocess.TimeoutExpired as err:
        return KbRun(None, str(err.stdout or ""), str(err.stderr or ""), time.perf_counter() - start)
    return KbRun(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def _child(target: Callable[..., Any], args: tuple[Any, ...], megabytes: int, pipe: Any) -> None:
    _limit_memory(megabytes)()
    try:
        pipe.send(("ok", target(*args)))
    except BaseException as err:  # reported to the parent, which fails the test with it
        pipe.send(("error", f"{type(err).__name__}: {str(err)[:300]}"))


def _address_space_megabytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    return 0


def in_child(target: Callable[..., Any], *args: Any, seconds: float, megabytes: int) -> tuple[str, Any]:
    """Run ``target(*args)`` in a forked child with a time bound and ``megabytes`` of address
    space on top of what this process already holds (the child inherits it).

    Returns ("ok", result), ("error", "ExceptionName: message"), ("timeout", seconds) or
    ("died", exit code) - e.g. -11 when the interpreter crashed.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    limit = _address_space_megabytes() + megabytes
    child = context.Process(target=_child, args=(target, args, limit, sender))
    start = time.perf_counter()
    child.start()
    sender.close()
    try:
        if receiver.poll(seconds):
            try:
                kind, value = receiver.recv()
            except EOFError:  # the child died without a word (a crash)
                child.join()
                return "died", child.exitcode
            child.join()
            return str(kind), value
        return "timeout", time.perf_counter() - start
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()


# -- rendering as the site does it ---------------------------------------------------------------
class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml has ``!!python/name:`` tags (a custom fence's formatter): read them as None."""


_ConfigLoader.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def site_markdown() -> markdown.Markdown:
    """A Markdown converter with the extensions and settings of the project's mkdocs.yml."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506 - SafeLoader subclass
    names: list[str] = []
    settings: dict[str, Any] = {}
    for item in config["markdown_extensions"]:
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if name == "pymdownx.superfences":
            options = {}  # the Mermaid fence's formatter is a Python name (None here): plain fences suffice
        names.append(name)
        settings[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=settings)


def render_and_time(root: Path) -> dict[str, Any]:
    """Check ``root``; when it has no errors, render every generated page to Markdown and then
    to HTML as MkDocs would. Returns {"accepted": bool, "seconds": float, "errors": [...],
    "paths": [...]}: the seconds of the rendering alone (loading is bounded by the load tests)
    and the generated pages' paths."""
    from litkb.emit.pages import ReferenceFormatter, render_pages
    from litkb.rules.link import build_kb

    kb = build_kb(root)
    if kb.errors:
        return {"accepted": False, "errors": [p.text()[:200] for p in kb.errors[:3]], "seconds": 0.0, "paths": []}
    start = time.perf_counter()
    converter = site_markdown()
    size = 0
    pages = render_pages(kb, style="apa", references=ReferenceFormatter())
    for page in pages:
        if isinstance(page.content, str):
            converter.reset()
            size += len(converter.convert(page.content))
    return {"accepted": True, "errors": [], "seconds": time.perf_counter() - start, "html": size, "paths": [page.path for page in pages]}


def build_and_time(root: Path, site: Path) -> dict[str, Any]:
    """A real strict MkDocs build of ``root`` into ``site``; returns {"seconds": float}."""
    from litkb.site.build import build_site

    start = time.perf_counter()
    build_site(root, site)
    return {"seconds": time.perf_counter() - start}
