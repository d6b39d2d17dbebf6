"""One run at a time.

`fcntl.flock` on `state/run.lock`: the kernel drops the lock when the last descriptor of it is closed, so a lock
left by a killed run never blocks the next one (no pid-file guessing). The file also holds who took it (pid, host,
started at), only to tell the operator of a second run which process is running, and to notice a run that ended
without releasing it (killed): the next one takes the lock over and says so. The file is never deleted: deleting
a lock file while another process waits on it lets two runs in at once.

A process made by `fork` shares its parent's descriptors, the lock's too: a worker that outlived a killed run
used to keep the lock for ever. So the lock's descriptor is closed in every forked child (`os.register_at_fork`);
closing a shared descriptor never unlocks it for the parent.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

LOCK_NAME = "run.lock"


class Locked(Exception):
    """Another process holds the lock. `holder`: what the run that took it wrote (empty when a plain `flock`
    holds it); `lingering`: processes that still hold the lock file open although that run has ended."""

    def __init__(self, holder: dict[str, object], lingering: tuple[int, ...] = ()) -> None:
        self.holder = holder
        self.lingering = lingering
        super().__init__(f"run lock held by {holder or 'a process without run information'}")


@dataclass
class RunLock:
    path: Path
    fd: int
    previous: dict[str, object] = field(default_factory=dict)  # a killed run's holder info, taken over

    def release(self) -> None:
        """Empty the holder info first, then unlock: `status` then shows no run in progress."""
        _HELD.pop(id(self), None)
        if self.fd < 0:
            return
        try:
            os.ftruncate(self.fd, 0)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_HELD: dict[int, RunLock] = {}
"""The locks this process holds, so that a forked child closes (never unlocks) their descriptors."""


def _forget_in_child() -> None:
    for lock in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(lock.fd)
        lock.fd = -1
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _holder_of(text: str) -> dict[str, object]:
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_holder(path: Path) -> dict[str, object]:
    try:
        return _holder_of(path.read_text(encoding="utf-8"))
    except OSError:
        return {}


def holder_is_dead(holder: dict[str, object]) -> bool:
    """The recorded holder ran on this machine and its process no longer exists."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def processes_holding(path: Path) -> tuple[int, ...]:
    """Processes (other than this one) with a descriptor of `path` open, as far as /proc lets us see (Linux)."""
    try:
        target = os.stat(path)
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    except OSError:
        return ()
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    st = os.stat(f"/proc/{pid}/fd/{fd}")
                    if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                        found.append(pid)
                        break
    return tuple(sorted(found))


def acquire(state_dir: Path, started_at: datetime, command: str = "run") -> RunLock:
    """Take the lock at once or raise `Locked` naming the holder; never waits. The lock of a run that ended
    without releasing it is free (the kernel dropped it): it is taken, and its holder info kept in `previous`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        holder = read_holder(path)
        lingering = processes_holding(path) if holder_is_dead(holder) else ()
        raise Locked(holder, lingering) from None
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": started_at.isoformat(timespec="seconds"),
        "command": command,
    }
    try:
        previous = _holder_of(os.pread(fd, 4096, 0).decode("utf-8", errors="replace"))
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
    except OSError:  # a full disk: let the lock go rather than hold it without saying who
        os.close(fd)
        raise
    lock = RunLock(path, fd, previous)
    _HELD[id(lock)] = lock
    return lock


def holder_if_locked(state_dir: Path) -> dict[str, object] | None:
    """Who runs now, or None; for `status` and `--dry-run`, which only look. Opens read-only, creates nothing."""
    path = state_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(path) or {"pid": "?"}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
