"""The nightly run, under the lock `commands.run` takes: open the ledger and the log → record the run → the inbox
(`batch`: finish interrupted work, then pick → hash → check → record → move) → score → report → mail → record
the end.

Outputs are a pure function of the ledger and the day (never of "what this run did"), written to a temporary name
and renamed; mail is queued in the ledger before it is sent. So a killed run followed by a re-run writes the same
outputs as one uninterrupted run. Temporary files a killed run left behind (`.*.tmp` in outbox/ and rejected/)
are removed at the start.

A failure of the machine rather than of the data (the ledger held by another program, a full disk: `faults`)
ends the run with one line for the operator and exit 75; what was half done is finished by the next run, as after
a kill. Any other error is a bug: exit 1, the traceback in the log.

The steps live in their own modules: `batch` (the inbox), `prefetch` (the worker pool ahead of the decisions),
`outputs`, `mailing`; `context` is what they share, `summary` what the operator reads, `runlog` the log and the
crash test hook (`PIPELINE_CRASH_AFTER`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import time
import traceback
from datetime import datetime

from pipeline.exit_codes import Exit
from pipeline.night import faults, mailing
from pipeline.night.batch import Batch
from pipeline.night.context import RunContext
from pipeline.night.housekeeping import check_one_filesystem, prepare_folders, sweep_temp_files
from pipeline.night.ledger import Ledger
from pipeline.night.outputs import Outputs
from pipeline.night.runlog import LOG_DIR, RunLog, diagnostics_into, new_run_id
from pipeline.night.summary import RunSummary, failure
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config
from pipeline.system import clock


def execute(
    config: Config, lang: str, dry_run: bool = False, taken_over: dict[str, object] | None = None
) -> RunSummary:
    """The run itself, the lock held by the caller (or a dry run). Raises `ConfigError` for configuration, and
    `faults.Temporary` when the machine (a busy ledger, a full disk) stops the run before it could record itself.
    `taken_over`: the holder info of a killed run whose lock this one took, for the log."""
    started = clock.now()
    run = _open(config, lang, new_run_id(started), dry_run)
    summary, log = run.summary, run.log
    outcome = "failed"
    recorded = False
    with diagnostics_into(log):
        try:
            log("start", run=run.run_id, pid=os.getpid(), host=socket.gethostname(), dry_run=dry_run)
            if taken_over:
                log("lock_taken_over", previous=taken_over)
            _start(run, started)
            recorded = True
            batch = Batch(run)
            batch.resume()
            batch.intake()
            today = clock.now().date()
            outputs = Outputs(run, batch.scored)
            data = outputs.write(today, mail_next=True)
            mail_started = time.perf_counter()
            mailing.mail(run, data, today, outputs.report_state)
            run.timing("mail", time.perf_counter() - mail_started)
            outcome = "tempfail" if summary.exit_code == Exit.TEMPORARY else "ok"
        except ConfigError:
            raise
        except Exception as exc:
            _failed(run, exc)
        finally:
            _finish(run, outcome, recorded)
    if run.fault is not None and not recorded:
        raise faults.Temporary(run.fault)
    return summary


def _open(config: Config, lang: str, run_id: str, dry_run: bool) -> RunContext:
    """The run's ledger (an in-memory copy for a dry run) and log; a busy ledger or a full disk here is one line
    for the operator (`faults.Temporary`), nothing having started."""
    state = config.paths.state
    try:
        if dry_run:
            check_one_filesystem(config, lang)
            ledger = Ledger.snapshot(state)
            log = RunLog(None)
        else:
            prepare_folders(config)
            check_one_filesystem(config, lang)
            ledger = Ledger.open(state)
            log = RunLog(state / LOG_DIR / f"{run_id}.jsonl")
    except (OSError, sqlite3.Error) as exc:
        line = faults.temporary(exc, lang, state)
        if line is None:
            raise
        raise faults.Temporary(line) from exc
    run = RunContext(config, lang, ledger, log, run_id, dry_run)
    run.summary.log = str(log.path) if log.path else None
    return run


def _failed(run: RunContext, exc: Exception) -> None:
    """A run stopped by an error: the machine's (a busy ledger, a full disk: exit 75, one line saying what to
    fix) or a bug (exit 1, pointing to the log's traceback). What was half done is finished by the next run."""
    line = faults.temporary(exc, run.lang, run.paths.state)
    if line is not None:
        run.fault = line
        run.summary.exit_code = Exit.TEMPORARY
        run.log("temporary_failure", error=repr(exc))
        run.summary.problems.append(line)
        return
    run.summary.exit_code = Exit.BUG
    run.log("failed", error=repr(exc), trace=traceback.format_exc())
    run.summary.problems.append(failure(exc, run.log.path or "-", run.lang))


def _finish(run: RunContext, outcome: str, recorded: bool) -> None:
    """Record the run's end (unless it never got recorded), close the log and the ledger. A ledger still busy or
    full here, or a log the disk refused, is said once, never raised over what the run already reports."""
    summary, log = run.summary, run.log
    summary.ended_at = clock.now()
    try:
        if recorded:
            try:
                run.ledger.finish_run(run.run_id, summary.ended_at, outcome, summary.counts)
            except sqlite3.Error as exc:
                if run.fault is None:
                    _failed(run, exc)
        log("end", exit_code=summary.exit_code, counts=summary.counts, steps=run.crash.steps)
    finally:
        log.close()
        with contextlib.suppress(sqlite3.Error):
            run.ledger.close()
    if log.error is not None and run.fault is None:
        if faults.is_disk_full(log.error):
            _failed(run, log.error)
        else:
            summary.problems.append(faults.log_lost(log.error, run.lang, log.path))


def _start(run: RunContext, started: datetime) -> None:
    """Remove a killed run's half-written files, record this run (naming the runs it finds interrupted)."""
    config, log = run.config, run.log
    if not run.dry_run:
        for path in sweep_temp_files([config.paths.outbox, config.paths.rejected, config.paths.archive]):
            log("removed_temp", path=str(path))
    stale = run.ledger.start_run(run.run_id, started, os.getpid(), socket.gethostname())
    if stale:
        log("interrupted_runs", runs=stale)
    run.crash("run_started")
