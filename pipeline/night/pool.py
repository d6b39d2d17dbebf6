"""Reading and checking inbox files in a pool of worker processes, each file bounded in time and memory.

Why a pool of our own rather than `concurrent.futures`:
- **bounded per file** (issue 9): every worker caps its address space (`RLIMIT_AS`) and every file gets a time
  limit (`SIGALRM` in the worker). A worker that stops answering is killed by the parent and replaced; the file
  it was on becomes a `file.too_complex` finding and the night goes on. `concurrent.futures` can neither kill
  one stuck task nor tell which file a dead worker held;
- **one pandera call per chunk**: a worker reads a chunk of files, then validates them together with
  `validate_many` (one schema call per sheet for the whole chunk instead of one per file);
- **score where it was read**: an accepted file's ledger text and its agency's own score are made in the worker
  (`scored.accepted`), so the parsed submission never crosses to the batch, which keeps only the result;
- **cheap transfer**: results come back as `CheckResult`s (without the parsed submission); the frozen, slotted
  model classes are pickled by constructor arguments, several times faster than dataclasses' generic slot state;
- **never outlives the batch** (issue 15): a worker is killed by the kernel when the batch dies (even by SIGKILL)
  and keeps nothing of the batch's open (the run lock, cron's `flock` descriptor, the batch's pipe ends), so a
  killed night never blocks the next (`system.forked`).

The batch keeps its order and its crash-safety rule (decide, record, act, record done) file by file: the pool only
does the read-only work ahead of it, and results are handed back in inbox order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any, TypeVar

from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Bilingual
from pipeline.core.model import AdjustmentApplied, AgencyInfo, AgencyResult, Goal, GoalResult, Source, Submission
from pipeline.feedback.write import write_feedback
from pipeline.intake import inbox as intake
from pipeline.intake.inbox import Entry
from pipeline.night.scored import Accepted, accepted
from pipeline.read.workbook import RawWorkbook, read_workbook
from pipeline.settings.schema import Config
from pipeline.system import gc_policy
from pipeline.system.forked import close_inherited, die_with_parent
from pipeline.validate import schemas
from pipeline.validate.check import CheckResult, validate_many
from pipeline.validate.plan_check import PlanBasis
from pipeline.xlsx.package import MAX_FILE_BYTES

log = logging.getLogger(__name__)
WORKER_ENDED = Bilingual("검사 프로세스가 갑자기 끝남", "the checking process ended abruptly")
"""`file.too_complex`'s detail when the worker reading a file died (its memory limit, a crash in a library)."""
T = TypeVar("T")

FILE_SECONDS = 30.0
"""Time limit to read one file (a real one takes milliseconds; a zip bomb or a pathological sheet does not)."""
MEMORY_BYTES = 1024 * 1024 * 1024
"""Address space a worker may add to what its libraries reserve: far above a real workbook's needs (tens of MB),
far below what could starve the server."""
CHUNK = 256
"""Most files a worker reads before validating them in one call (one pandera call costs ≈ 20 ms whatever its
size); `chunked` makes them smaller towards the end of the inbox, so that no worker is left alone with a long
chunk while the others are done."""
SMALLEST_CHUNK = 16
ENV_WORKER_PAUSE = "PIPELINE_TEST_WORKER_PAUSE"
"""**Test hook**: a worker sleeps this many seconds on its first chunk, so that a test can kill the batch while the
pool is surely running (`tests/test_faults.py`). Never set it in production."""


def chunked(items: list[T], processes: int, largest: int) -> list[list[T]]:
    """`items` cut into chunks of `largest` while plenty is left, then shrinking (to `SMALLEST_CHUNK`): each
    chunk at most a quarter of one worker's share of what is left."""
    chunks = []
    smallest = min(SMALLEST_CHUNK, largest)
    i = 0
    while i < len(items):
        size = max(min(largest, (len(items) - i) // (max(1, processes) * 4)), smallest)
        chunks.append(items[i : i + size])
        i += size
    return chunks


class FileTimeout(Exception):
    """Raised in a worker by SIGALRM when one file takes longer than its time limit."""


@dataclass(frozen=True)
class Checked:
    """What the pool found for one entry: its content hash (None: changed or vanished) and the check result."""

    entry: Entry
    sha256: str | None
    result: CheckResult
    read_seconds: float = 0.0  # worker time spent hashing and reading this file
    feedback_seconds: float = 0.0  # … writing its feedback workbook ahead (files with errors)
    validate_seconds: float = 0.0  # its share of the chunk's validation
    feedback: Path | None = None  # the feedback workbook written ahead in the scratch folder, if any
    accepted: Accepted | None = None  # a file that passed every check: its ledger text and scored result


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: list[tuple[int, Entry]] | None = None
    current: int | None = None  # index of the file being read (None while validating or idle)
    since: float = 0.0  # when `current` (or the validation) started


def workers_wanted() -> int:
    """One worker per core the process may use (the parent mostly waits on the ledger and the disk)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# --- transfer --------------------------------------------------------------------------------------------------
def _register_reducers() -> None:
    """Pickle frozen slotted model classes by their constructor arguments (see the module docstring)."""
    for cls in (Source, AgencyInfo, Goal, Submission, Finding, GoalResult, AdjustmentApplied, AgencyResult, Accepted):
        names = tuple(f.name for f in dataclasses.fields(cls))

        def reduce(obj: Any, cls: type = cls, names: tuple[str, ...] = names) -> tuple[Any, tuple[Any, ...]]:
            return cls, tuple(getattr(obj, n) for n in names)

        ForkingPickler.register(cls, reduce)
    ForkingPickler.register(Decimal, lambda d: (shared_decimal, (str(d),)))


@functools.lru_cache(maxsize=1 << 16)
def shared_decimal(text: str) -> Decimal:
    """One object per distinct Decimal text received from the workers. The batch keeps every agency's scored
    result until the ranks, and weights, points, scores and rates repeat across agencies (100.00, 5, 1.0000):
    sharing them took a kept result from 30.9 to 23.1 KB on the benchmark corpus. Decimals are immutable, and the
    text keeps the exponent (1.0 and 1.00 stay distinct); the cache is bounded."""
    return Decimal(text)


# --- the worker side -----------------------------------------------------------------------------------------------
def _on_alarm(_signum: int, _frame: Any) -> None:
    raise FileTimeout


def _address_space() -> int:
    """The process's current virtual size: libraries (numpy's thread buffers) reserve far more than they use."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(max_bytes: int) -> None:
    """Cap the address space at what the libraries already reserved plus `max_bytes` for one file's work."""
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _address_space() + max_bytes
        cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):  # not allowed: the parent's timeout still holds
        pass


def _detach(parent_pid: int, conn: Connection, parents_ends: Sequence[Connection]) -> None:
    """Die with the batch, and hold nothing of it: without the batch's pipe ends, a batch that dies leaves the
    worker's `recv` an end of file rather than a wait for ever."""
    die_with_parent(parent_pid)
    for end in parents_ends:
        end.close()
    close_inherited(keep=frozenset({conn.fileno()}))


def _worker_main(
    conn: Connection,
    config: Config | None,
    seconds: float,
    memory: int,
    lang: str,
    scratch: Path | None,
    parent: tuple[int, Sequence[Connection]] = (0, ()),
    basis: PlanBasis | None = None,
) -> None:
    """Loop: receive a chunk, read each file under the limits, validate the chunk in one call, write feedback
    workbooks ahead for files with errors (into `scratch`), send results. `parent`: the batch's pid and its pipe
    ends, which a forked worker lets go of first."""
    if parent[0]:
        _detach(parent[0], conn, parent[1])
    _relay_diagnostics(conn)
    pause = float(os.environ.get(ENV_WORKER_PAUSE) or 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGALRM, _on_alarm)
    _register_reducers()
    schemas.agency_schema(), schemas.goal_schema(), schemas.past_schema()  # pandera loaded before the cap
    _limit_memory(memory)
    gc_policy.collect_only_between_chunks()

    max_bytes = config.batch.max_file_size_bytes if config is not None else MAX_FILE_BYTES
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        if pause:
            time.sleep(pause)
            pause = 0
        raws: list[Any] = []
        shas: list[str | None] = []
        spent: list[float] = []
        for index, entry in task:
            conn.send(("start", index))
            started = time.perf_counter()
            sha, raw = _read_one(entry, seconds, memory, max_bytes)
            raws.append(raw)
            shas.append(sha)
            spent.append(time.perf_counter() - started)
        conn.send(("validating", None))
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, seconds * max(1, len(raws)))
        try:
            results = validate_many(raws, config, basis)
        except (FileTimeout, MemoryError):
            results = validate_many(
                [RawWorkbook(r.path, findings=(finding("file.internal_error"),), unreadable=True) for r in raws],
                config,
            )
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        share = (time.perf_counter() - started) / max(1, len(raws))
        out = []
        for (index, entry), sha, result, spent_one in zip(task, shas, results, spent, strict=True):
            started = time.perf_counter()
            feedback = _feedback_ahead(scratch, index, entry, result, lang, seconds) if scratch else None
            fb_seconds = time.perf_counter() - started
            started = time.perf_counter()
            acc = _accepted_safely(result, config, lang)
            if result.submission is not None:
                result = dataclasses.replace(result, submission=None)  # only its text and score travel
            share_one = share + time.perf_counter() - started
            out.append((index, sha, result, spent_one, share_one, fb_seconds, feedback, acc))
        conn.send(("done", out))
        del raws, results, out
        gc_policy.collect_chunk()


class _ToBatch(logging.Handler):
    """A worker's `logging` records, sent to the batch, which logs them where its own go (the run log)."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(logging.INFO)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        trace = record.exc_text or (logging.Formatter().formatException(record.exc_info) if record.exc_info else None)
        fields = {"name": record.name, "levelno": record.levelno, "levelname": record.levelname}
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(("log", {**fields, "msg": record.getMessage(), "exc_text": trace}))


def _relay_diagnostics(conn: Connection) -> None:
    logger = logging.getLogger("pipeline")
    logger.handlers = [_ToBatch(conn)]
    logger.propagate = False
    logger.setLevel(logging.INFO)


def _read_one(entry: Entry, seconds: float, memory: int, max_bytes: int) -> tuple[str | None, RawWorkbook]:
    """One file's hash and raw workbook, within its time limit and the worker's memory cap."""
    sha: str | None = None
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        sha = intake.sha256_of(entry)
        raw = read_workbook(entry.path, max_bytes)
    except intake.Unreadable as exc:  # sha "": the batch looks again and rejects it unread
        unread = (finding("file.unreadable", detail=exc.detail),)
        sha, raw = "", RawWorkbook(entry.path, findings=unread, unreadable=True)
    except FileTimeout:
        raw = _refused(entry, f"> {seconds:g} s")
    except MemoryError:
        raw = _refused(entry, f"> {memory // 1048576} MB")
    except Exception:  # read_workbook never raises for a bad file; this is a bug: say so, keep going
        log.error("reading %s failed:\n%s", entry.path, traceback.format_exc())
        raw = RawWorkbook(entry.path, findings=(finding("file.internal_error"),), unreadable=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return sha, raw


def _feedback_ahead(scratch: Path, index: int, entry: Entry, result: CheckResult, lang: str, seconds: float) -> Any:
    """The feedback workbook of a file with errors, written now (in parallel) for the batch to rename into place
    when it acts on the file; None when not needed or when it fails (the batch then writes it itself)."""
    if result.ok:
        return None
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return write_feedback(entry.path, result.findings, scratch / f"{index}.xlsx", lang, display_name=entry.name)
    except BaseException:  # noqa: BLE001 - timeout, memory, any failure: the batch's own path still holds
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _accepted_safely(result: CheckResult, config: Config | None, lang: str) -> Accepted | None:
    """`accepted(...)`, or None when it fails: the batch then rejects the file as an internal error rather than
    lose the chunk (it never fails for a validated submission; this is belt and braces)."""
    try:
        return accepted(result, config, lang)
    except Exception:
        log.error("preparing %s failed:\n%s", result.path, traceback.format_exc())
        return None


def _refused(entry: Entry, detail: str) -> RawWorkbook:
    return RawWorkbook(entry.path, findings=(finding("file.too_complex", detail=detail),), unreadable=True)


# --- the parent side -----------------------------------------------------------------------------------------------
class CheckPool:
    """`check(entries)` yields a `Checked` per entry, in order; workers are started lazily and always stopped."""

    def __init__(
        self,
        config: Config | None,
        processes: int | None = None,
        file_seconds: float = FILE_SECONDS,
        memory_bytes: int = MEMORY_BYTES,
        chunk: int = CHUNK,
        grace: float = 5.0,
        lang: str = "ko",
        scratch: Path | None = None,
        basis: PlanBasis | None = None,
    ) -> None:
        self.config = config
        self.basis = basis  # the confirmed plans, inherited by forked workers (pickled once for spawned ones)
        self.lang = lang
        self.scratch = scratch  # where feedback workbooks are written ahead (None: not at all)
        self.processes = processes or workers_wanted()
        self.file_seconds = file_seconds
        self.memory_bytes = memory_bytes
        self.chunk = chunk
        self.grace = grace  # beyond the time limit, before a worker that does not answer is killed
        self.workers: list[_Worker] = []
        self.replaced = 0  # workers killed (stuck) or lost (crashed) and replaced
        self.context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")

    def __enter__(self) -> CheckPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        forked = self.context.get_start_method() == "fork"  # a spawned worker inherits nothing
        ends = (os.getpid(), [parent, *(w.conn for w in self.workers)]) if forked else (0, [])
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.config, self.file_seconds, self.memory_bytes, self.lang, self.scratch, ends, self.basis),
            daemon=True,
            name="pipeline-reader",
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        for w in self.workers:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self.workers = []

    def check(self, entries: Sequence[Entry]) -> Iterator[Checked]:
        """Every entry checked, yielded in the order given (so the batch's decisions keep the inbox order)."""
        if not entries:
            return
        todo = chunked(list(enumerate(entries)), self.processes, self.chunk)
        todo.reverse()  # pop() from the end = first chunk first
        done: dict[int, Checked] = {}
        next_out = 0
        while len(self.workers) < min(self.processes, len(todo)):
            self.workers.append(self._start())
        for w in self.workers:
            if todo:
                self._give(w, todo.pop())
        while next_out < len(entries):
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if next_out >= len(entries):
                break
            busy = [w for w in self.workers if w.task is not None]
            ready = wait([w.conn for w in busy], timeout=1.0)
            now = time.monotonic()
            for w in busy:
                if w.conn in ready:
                    try:
                        kind, payload = w.conn.recv()
                    except (EOFError, OSError):
                        self._lost(w, todo, done, WORKER_ENDED)
                        continue
                    if kind == "log":  # a worker's diagnostic, logged here as the batch's own
                        logging.getLogger(payload["name"]).handle(logging.makeLogRecord(payload))
                    elif kind == "start":
                        w.current, w.since = payload, now
                    elif kind == "validating":
                        w.current, w.since = None, now
                    else:
                        for index, sha, result, read, validate, fb_seconds, feedback, acc in payload:
                            done[index] = Checked(
                                entries[index],
                                sha,
                                result,
                                read_seconds=read,
                                validate_seconds=validate,
                                feedback_seconds=fb_seconds,
                                feedback=feedback,
                                accepted=acc,
                            )
                        w.task = None
                        if todo:
                            self._give(w, todo.pop())
                elif w.task is not None:
                    allowed = self.file_seconds * (1 if w.current is not None else max(1, len(w.task))) + self.grace
                    if now - w.since > allowed:
                        self._lost(w, todo, done, f"> {self.file_seconds:g} s")

    def _give(self, w: _Worker, task: list[tuple[int, Entry]]) -> None:
        w.task, w.current, w.since = task, None, time.monotonic()
        w.conn.send(task)

    def _lost(self, w: _Worker, todo: list[Any], done: dict[int, Checked], detail: str | Bilingual) -> None:
        """A worker stuck past the limits or dead: the file it was on is refused, the rest of its chunk is
        retried one file per task (so one bad file cannot take others with it), and the worker is replaced."""
        task = w.task or []
        culprit = w.current
        if w.process.is_alive():
            w.process.kill()
        w.process.join()
        w.conn.close()
        self.replaced += 1
        log.warning("reader worker replaced (%s) on %s", detail, task and dict(task).get(culprit, "validation"))
        for index, entry in task:
            if index == culprit or (culprit is None and len(task) == 1):
                code = finding("file.too_complex", detail=detail)
                done[index] = Checked(entry, "", CheckResult(entry.path, (code,), None, None, None, unreadable=True))
            elif index not in done:
                todo.append([(index, entry)])
        replacement = self._start()
        self.workers[self.workers.index(w)] = replacement
        if todo:
            self._give(replacement, todo.pop())
