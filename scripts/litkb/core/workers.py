"""Work done in a child interpreter while this process goes on (a second CPU at work).

``ChildJob("litkb.emit.labels:labels_of_sources", args, fallback)`` pickles ``args`` to a temporary
file and starts ``python -c`` on the named function; :meth:`ChildJob.result` waits for its
pickled answer. Not :mod:`multiprocessing`: its spawn and fork-server methods re-run the
caller's script in the child unless it is guarded by ``if __name__ == "__main__"``, and fork
copies ``mkdocs serve``'s threads. If the child cannot start, fails or answers something that
does not unpickle, ``fallback()`` computes the result here, so a result never depends on the child.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_RUN = (
    "import importlib, pickle, sys; module, _, name = sys.argv[1].partition(':'); "
    "args = pickle.loads(open(sys.argv[2], 'rb').read()); "
    "sys.stdout.buffer.write(pickle.dumps(getattr(importlib.import_module(module), name)(*args)))"
)


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _child_env() -> dict[str, str]:
    """This environment, with the folder holding ``litkb`` first on the module path."""
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    return env


class ChildJob(Generic[T]):
    """``function(*args)`` ("module:function" of this package) computed in a child interpreter.

    ``check`` tells a usable answer (e.g. the right length); anything else, like a failed or
    unstartable child, makes :meth:`result` return ``fallback()`` instead.
    """

    def __init__(self, function: str, args: tuple[Any, ...], fallback: Callable[[], T], check: Callable[[Any], bool] = lambda _answer: True) -> None:
        self._fallback = fallback
        self._check = check
        self._tmp = tempfile.TemporaryDirectory(prefix="kb-job-")
        job = Path(self._tmp.name) / "args.pickle"
        job.write_bytes(pickle.dumps(args))
        try:
            self._child: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-c", _RUN, function, str(job)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_child_env()
            )
        except OSError:  # no interpreter to start (embedded Python)
            self._child = None

    def result(self) -> T:
        """The child's answer (waiting for it), else ``fallback()``."""
        answer: Any = None
        if self._child is not None:
            out, _ = self._child.communicate()
            try:
                answer = pickle.loads(out) if self._child.returncode == 0 else None  # noqa: S301 - our own child's answer
            except Exception:  # noqa: BLE001 - whatever the child printed, the work is done here instead
                answer = None
        self._tmp.cleanup()
        if answer is None or not self._check(answer):
            return self._fallback()
        return answer  # type: ignore[no-any-return]

    def running(self) -> bool:
        """Whether the child is still computing (its answer would be waited for)."""
        return self._child is not None and self._child.poll() is None

    def cancel(self) -> None:
        """Stop the child (when its answer is no longer wanted)."""
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        self._tmp.cleanup()


class Ready(Generic[T]):
    """A result already at hand, with the interface of :class:`ChildJob`."""

    def __init__(self, value: T) -> None:
        self._value = value

    def result(self) -> T:
        return self._value

    def running(self) -> bool:
        """Never: the answer is at hand."""
        return False

    def cancel(self) -> None:
        """Nothing to stop."""
