"""What a run says as it goes: its JSON-lines log (with stage timings for the benchmarks, and the pipeline's own
`logging` diagnostics), a progress line when a person watches, and the crash test hook.

`PIPELINE_CRASH_AFTER=N` is a **test hook**: the run aborts like `kill -9` (`os._exit(137)`) right after its N-th
durable step. `tests/test_crash.py` uses it to kill the run at every step and checks the re-run. Never set it in
production.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import logging
import os
import resource
import secrets
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.core.printable import printable, printable_json
from pipeline.exit_codes import Exit
from pipeline.system import clock

ENV_CRASH_AFTER = "PIPELINE_CRASH_AFTER"
LOG_DIR = "logs"


def new_run_id(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(2)}"


class RunLog:
    """JSON lines in state/logs/<run id>.jsonl, flushed per line so a killed run leaves a readable log. A file name
    or a cell text is logged with its controls, bidi marks and undecodable bytes escaped (`printable_json`), so
    `less` or `tail` of the log shows it as it is and never fails on it.

    The log never stops the run: when a line cannot be written (a full disk), the file is cut back to its last
    whole line, logging stops, and `error` says why (the run reports it). So the log holds whole lines only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.fh: io.FileIO | None = None  # unbuffered: a refused line is never written later by a flush
        self.size = 0  # bytes of whole lines written
        self.error: OSError | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = io.FileIO(path, "ab")
            self.size = self.fh.tell()

    def __call__(self, event: str, **fields: Any) -> None:
        if self.fh is None:
            return
        record = {"at": clock.now().isoformat(timespec="seconds"), "event": event, **fields}
        line = (printable_json(json.dumps(record, ensure_ascii=False, default=str)) + "\n").encode()
        try:
            done = 0
            while done < len(line):
                written = self.fh.write(line[done:])
                if not written:
                    raise OSError(errno.EIO, "nothing written")
                done += written
        except OSError as exc:
            self._stop(exc)
            return
        self.size += len(line)

    def _stop(self, exc: OSError) -> None:
        """Keep the whole lines, drop the part of a line the disk refused, and log nothing more."""
        self.error = self.error or exc
        fh, self.fh = self.fh, None
        if fh is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fh.fileno(), self.size)
        with contextlib.suppress(OSError):
            fh.close()

    def close(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError as exc:
                self._stop(exc)
            self.fh = None


class _IntoRunLog(logging.Handler):
    """The pipeline's `logging` records (a feedback writer falling back, a bug's traceback) as `diagnostic` lines of
    the run log, not on the operator's terminal: they are English and for whoever debugs, and the path they name
    may hold anything a file name can."""

    def __init__(self, log: RunLog) -> None:
        super().__init__(logging.INFO)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        trace = record.exc_text or (logging.Formatter().formatException(record.exc_info) if record.exc_info else None)
        self.log("diagnostic", level=record.levelname, logger=record.name, message=record.getMessage(), trace=trace)


@contextlib.contextmanager
def diagnostics_into(log: RunLog) -> Iterator[None]:
    """While a run lasts, the `pipeline` loggers write into its log (workers relay theirs: `pool`)."""
    logger = logging.getLogger("pipeline")
    handler = _IntoRunLog(log)
    saved = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = saved


class CrashHook:
    """Test hook: `PIPELINE_CRASH_AFTER=N` kills the run (like SIGKILL, no cleanup) after its N-th durable step."""

    def __init__(self, log: RunLog, enabled: bool = True) -> None:
        value = os.environ.get(ENV_CRASH_AFTER, "") if enabled else ""
        self.after = int(value) if value.strip().isdigit() else 0
        self.steps = 0
        self.log = log

    def __call__(self, step: str) -> None:
        self.steps += 1
        if self.after and self.steps == self.after:
            self.log("crash_hook", step=self.steps, after=step)
            os._exit(Exit.KILLED)


def peak_rss_mb() -> float:
    """The process's peak memory so far, for the `timing` records (what the benchmark reads)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KB


class Progress:
    """A one-line counter on stderr when a person watches (a terminal); silent under cron and systemd."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.on = total > 0 and sys.stderr.isatty()

    def step(self, name: str) -> None:
        self.n += 1
        if self.on:
            sys.stderr.write(f"\r[{self.n}/{self.total}] {printable(name)[:60]:<60}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()
