"""Work handed to a forked child while this process goes on: the second core during the night's outputs.

After the intake the batch is one process on a two-core machine: the consolidated workbook takes one core for
seconds while the other idles. Jobs that only read what is already in memory (results.json, the report's state
digest) run in a child made by `fork`, which sees the parent's objects as they are (copy-on-write, nothing
pickled on the way in); only the job's return value comes back, pickled through a pipe.

The child never touches the ledger (an SQLite connection must not be used across a fork) and leaves with
`os._exit`, so no `atexit` handler or finaliser of the parent runs twice. Where `fork` does not exist, or the
child dies without an answer (killed, out of memory), the job runs here instead: slower, never lost.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from pipeline.system.forked import die_with_parent

T = TypeVar("T")


class ChildFailed(Exception):
    """The job raised in the child an error that could not be sent back as itself."""


class Pending(Generic[T]):
    """A job started in a child (or run already, where there is no fork); `result()` waits for its value."""

    def __init__(self, job: Callable[[], T]) -> None:
        self.job = job
        self.pid: int | None = None
        self.fd: int | None = None
        self.done = False
        self.value: T | None = None
        if hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: run, answer, leave without running anything of the parent's
            code = 1
            try:
                die_with_parent(parent)  # a killed batch leaves no job behind (`system.forked`)
                os.close(read_fd)
                with os.fdopen(write_fd, "wb") as pipe:
                    pipe.write(_answer_of(self.job))
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        self.pid, self.fd = pid, read_fd

    def result(self) -> T:
        """The job's value: the child's answer, or the job run here if the child gave none. An error the job
        raised in the child is raised here (the same job would fail the same way here)."""
        if self.done:
            return self.value  # type: ignore[return-value]
        answer = self._answer()
        if answer is None:
            value = self.job()
        else:
            ok, value = answer
            if not ok:
                raise value
        self.done, self.value, self.job = True, value, None  # type: ignore[assignment]
        return value

    def _answer(self) -> tuple[bool, object] | None:
        if self.pid is None or self.fd is None:
            return None
        try:
            with os.fdopen(self.fd, "rb") as pipe:
                data = pipe.read()
        finally:
            os.waitpid(self.pid, 0)
            self.pid = self.fd = None
        try:
            return pickle.loads(data) if data else None
        except Exception:  # cut short: the child died while answering
            return None


def _answer_of(job: Callable[[], object]) -> bytes:
    """The pickled (True, value) or (False, error); an error that does not pickle goes back as its text."""
    try:
        answer: tuple[bool, object] = (True, job())
    except BaseException as exc:
        exc.add_note(f"(raised in a forked child)\n{traceback.format_exc()}")
        answer = (False, exc)
    try:
        return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps((False, ChildFailed(traceback.format_exc())))


def in_child(job: Callable[[], T]) -> Pending[T]:
    """Start `job` in a forked child now; call `.result()` on what this returns when its value is needed."""
    return Pending(job)
