"""The read-only work (hash, read, validate, score, feedback workbook) for many inbox files ahead of the batch's
per-file decisions, in the worker pool; results come back in inbox order.

A handful of files is checked by the batch itself, as it decides: starting workers costs more than it saves there.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.intake.inbox import Entry
from pipeline.night.context import RunContext
from pipeline.night.pool import Checked, CheckPool

SCRATCH_PREFIX = ".feedback-ahead-"
"""Folder in state/ where workers write feedback workbooks ahead of the batch acting on the files."""
POOL_MIN_FILES = 16
"""From this many files to check, reading and validation run in the worker pool (`pool.CheckPool`)."""


def prefetch(run: RunContext, entries: list[Entry]) -> Iterator[Checked] | None:
    """Every entry checked in a pool of worker processes (bounded per file in time and memory), in inbox order;
    None below `POOL_MIN_FILES`. Outside a dry run the workers also write the feedback workbooks of files with
    errors ahead, into a scratch folder the batch renames them from."""
    if len(entries) < POOL_MIN_FILES:
        return None
    scratch = None
    if not run.dry_run:
        for stale in run.paths.state.glob(f"{SCRATCH_PREFIX}*"):  # a killed run's (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=run.paths.state))
    return _results(run, entries, scratch)


def _results(run: RunContext, entries: list[Entry], scratch: Path | None) -> Iterator[Checked]:
    """The pool's results as the batch takes them; once all are taken, the pool stops and its figures are logged."""
    read = validate = feedback = 0.0
    try:
        with CheckPool(run.config, lang=run.lang, scratch=scratch, basis=run.basis) as pool:
            for item in pool.check(entries):
                read += item.read_seconds
                validate += item.validate_seconds
                feedback += item.feedback_seconds
                yield item
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    run.log(
        "timing",
        stage="read_validate",
        files=len(entries),
        workers=pool.processes,
        read_cpu=round(read, 3),
        validate_cpu=round(validate, 3),
        feedback_cpu=round(feedback, 3),
        replaced=pool.replaced,
    )
    run.timings.update(read_cpu=read, validate_cpu=validate, feedback_cpu=feedback)
