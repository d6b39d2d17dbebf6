"""One run at a time.

`fcntl.flock` on `state/run.lock`: the kernel drops the lock when the holder dies, so a lock left by a killed run
never blocks the next one (no pid-file guessing). The file also holds who took it (pid, host, started at), only to
tell the operator of a second run which process is running. The file is never deleted: deleting a lock file while
another process waits on it lets two runs in at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOCK_NAME = "run.lock"


class Locked(Exception):
    """Another run holds the lock; the text is the one line shown to the operator."""

    def __init__(self, holder: dict[str, object]) -> None:
        self.holder = holder
        pid = holder.get("pid", "?")
        host = holder.get("host", "?")
        since = holder.get("started_at", "?")
        what = holder.get("command", "run")
        super().__init__(f"another {what} is in progress (pid {pid} on {host}, started {since})")


@dataclass
class RunLock:
    path: Path
    fd: int

    def release(self) -> None:
        """Empty the holder info first, then unlock: `status` then shows no run in progress."""
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


def read_holder(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if text.strip() else {}
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def acquire(state_dir: Path, started_at: datetime, command: str = "run") -> RunLock:
    """Take the lock at once or raise `Locked` naming the holder; never waits."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise Locked(read_holder(path)) from None
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": started_at.isoformat(timespec="seconds"),
        "command": command,
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
    return RunLock(path, fd)


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
