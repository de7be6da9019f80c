"""Run a function in a forked child process while the caller goes on (cold runs, issue 16).

Why fork and not threads: most of a cold access run holds the GIL (pyrosm's parsing, pandas),
so threads barely overlap. A forked child starts with the parent's memory (copy-on-write:
nothing is pickled on the way in, the child needs no imports) and sends back only its result,
pickled through a temporary file. Results are the same objects a call in the parent would
give (pickling is exact: geometries go as WKB doubles, frames keep their dtypes).

Safety: only inside :func:`allowed` (the ``ecoplan`` command turns it on for its run; the
app, a server with many threads, never does), and never where ``os.fork`` is missing, off the
main thread, or with ``ECOPLAN_PARALLEL=0``: there the function simply runs in the caller when
its result is first asked for. If the child fails in any way (an error, a crash, killed for
memory), the result is computed again in the caller, so errors surface exactly as in a
sequential run. The result file is one this process made and its own child wrote.
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_ALLOWED = False
_PENDING: dict[int, str] = {}  # child pid -> its result file


@contextmanager
def allowed(on: bool = True) -> Iterator[None]:
    """Let :func:`start` fork within this block (when ``on``). Children started in it whose
    result was never asked for (the block ended with an error) are stopped when it ends."""
    global _ALLOWED
    before, running = _ALLOWED, set(_PENDING)
    _ALLOWED = on
    try:
        yield
    finally:
        _ALLOWED = before
        _stop({pid: path for pid, path in _PENDING.items() if pid not in running})


def enabled() -> bool:
    """Forking is allowed here and now (see the module docstring)."""
    if not _ALLOWED:
        return False
    if os.environ.get("ECOPLAN_PARALLEL", "1").strip() in ("0", "false", "no", "off"):
        return False
    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread()


class Deferred(Generic[T]):
    """The pending result of :func:`start`; :meth:`result` waits for it (once)."""

    def __init__(self, fn: Callable[..., T], args: tuple, kwargs: dict[str, Any],
                 pid: int | None = None, path: str | None = None) -> None:
        self._call = (fn, args, kwargs)
        self._pid, self._path = pid, path
        self._done = False
        self._value: Any = None
        #: seconds the work took (in the child, or in the caller when it ran there)
        self.seconds = 0.0
        #: True when the value came from the child process
        self.in_child = False

    def result(self) -> T:
        if not self._done:
            self._value = self._collect()
            self._done = True
        return self._value

    def _collect(self) -> T:
        if self._pid is not None:
            got = _wait(self._pid, self._path)
            self._pid = None
            if got is not None:
                self._value, self.seconds = got
                self.in_child = True
                return self._value
        fn, args, kwargs = self._call
        t = time.perf_counter()
        value = fn(*args, **kwargs)
        self.seconds = time.perf_counter() - t
        return value


def start(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Deferred[T]:
    """Begin ``fn(*args, **kwargs)`` in a forked child (see module docstring)."""
    if not enabled():
        return Deferred(fn, args, kwargs)
    fd, path = tempfile.mkstemp(prefix="ecoplan-part-", suffix=".pickle")
    os.close(fd)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.unlink(path)
        return Deferred(fn, args, kwargs)
    if pid == 0:  # the child: compute, write, leave without running the parent's exit code
        code = 1
        try:
            t = time.perf_counter()
            value = fn(*args, **kwargs)
            with open(path, "wb") as fh:
                pickle.dump((value, time.perf_counter() - t), fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        except BaseException:  # noqa: BLE001 - the parent recomputes and reports it
            code = 1
        finally:
            os._exit(code)
    _PENDING[pid] = path
    return Deferred(fn, args, kwargs, pid=pid, path=path)


def _wait(pid: int, path: str | None) -> tuple[Any, float] | None:
    """The child's (value, seconds), or None when it failed (then the caller recomputes)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        status = -1
    _PENDING.pop(pid, None)
    try:
        if status != 0 or path is None:
            return None
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - written by our own forked child
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    finally:
        if path is not None:
            with suppress(OSError):
                os.unlink(path)


def _stop(children: dict[int, str]) -> None:
    """Stop these children (their results are not wanted) and remove their result files."""
    for pid, path in children.items():
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except OSError:
            pass
        with suppress(OSError):
            os.unlink(path)
        _PENDING.pop(pid, None)


@atexit.register
def _stop_pending() -> None:
    """A caller that failed before asking for a result leaves no child running."""
    _stop(dict(_PENDING))
