"""Files written whole or not at all, the one way every output of the pipeline is written.

The content goes to a temporary name beside the target (`.<name>.<pid>.<random>.tmp`, which
`night.housekeeping.sweep_temp_files` removes after a killed run), is flushed to disk, then renamed over the target: a reader
(the office, the mail step, the next run) sees the old file or the new one, never half of one. The file gets the
process's usual permissions (umask), like any file the officers' tools write.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    """`write(temp)` fills a temporary path; it is then made durable and renamed over `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name[:40]}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(temp)
        with open(temp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def write_bytes_atomically(target: Path, data: bytes) -> Path:
    return write_atomically(target, lambda temp: temp.write_bytes(data))


def copy_atomically(src: Path, dest: Path) -> Path:
    return write_atomically(dest, lambda temp: shutil.copyfile(src, temp))


def save_workbook(wb: Any, path: Path) -> Path:
    """An openpyxl workbook written whole or not at all: a reader never sees half a file."""
    return write_atomically(path, wb.save)
