"""Failures of the machine, not of the data: the ledger held by another program, a full disk. The night cannot go
on, but nothing is wrong with the pipeline or the files: the operator reads one line saying what to fix, the exit
code is 75 (try again later), and what was half done is finished by the next run like after a kill.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from pipeline.core.i18n import Text, tr
from pipeline.night import ledger

T_LEDGER_BUSY: Text = (
    "장부(ledger.sqlite3)를 다른 프로그램이 쓰고 있어 {seconds:g}초를 기다렸지만 풀리지 않았습니다: 그 프로그램을 "
    "끝낸 뒤 다시 실행하세요 ({path}).",
    "the ledger (ledger.sqlite3) is being written by another program and was not released in {seconds:g} s: end "
    "that program, then run again ({path}).",
)
T_DISK_FULL: Text = (
    "디스크가 가득 찼습니다: 공간을 비운 뒤 다시 실행하세요. 하던 일은 다음 실행이 마저 합니다 ({path}: {error}).",
    "the disk is full: free some space, then run again; the next run finishes what this one began ({path}: {error}).",
)
T_LOG_LOST: Text = (
    "실행 기록(로그)을 끝까지 쓰지 못했습니다: {error} ({path})",
    "the run's log could not be written to the end: {error} ({path})",
)

_FULL = (errno.ENOSPC, errno.EDQUOT)


class Temporary(Exception):
    """The run stopped on the machine before it recorded itself: the text is the one line for the operator."""


LOW_SPACE = 1024 * 1024
"""Free bytes under which SQLite's "disk I/O error" is taken for a full disk: SQLite reports a shared-memory file
(`-shm`) it cannot extend on a full disk that way, not as SQLITE_FULL."""


def is_disk_full(exc: BaseException, state: Path | None = None) -> bool:
    """No space (or quota) left, as the OS or SQLite says it; `state`: the folder whose filesystem to look at
    when SQLite only says "disk I/O error"."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    if "full" in text:
        return True
    return "disk i/o error" in text and state is not None and _free_bytes(state) < LOW_SPACE


def _free_bytes(folder: Path) -> int:
    try:
        st = os.statvfs(folder)
    except OSError:
        return LOW_SPACE
    return st.f_bavail * st.f_frsize


def is_ledger_busy(exc: BaseException) -> bool:
    """Another connection holds the ledger's write lock past our busy timeout."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def temporary(exc: BaseException, lang: str, state: Path) -> str | None:
    """The operator's one line for a failure that is the machine's (exit 75), or None for any other. `state`: the
    state folder (the ledger's, and on the one filesystem every folder of the pipeline shares)."""
    if is_ledger_busy(exc):
        return tr(T_LEDGER_BUSY, lang, seconds=ledger.BUSY_SECONDS, path=state / ledger.LEDGER_NAME)
    if is_disk_full(exc, state):
        where = getattr(exc, "filename", None) or state
        return tr(T_DISK_FULL, lang, path=where, error=_brief(exc))
    return None


def log_lost(error: BaseException, lang: str, path: object) -> str:
    return tr(T_LOG_LOST, lang, error=_brief(error), path=path)


def _brief(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
