"""`pipeline run`: the nightly batch under the run lock; the summary on stderr (and as JSON on stdout with
`--json`), the outcome as the exit code: 0 done (rejections are normal), 75 locked or mail to retry, 78
configuration, 1 unexpected."""

from __future__ import annotations

import json
import sys

from pipeline.exit_codes import Exit
from pipeline.night.run import execute
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.system import lock as runlock


def take_lock(config: Config, command: str) -> runlock.RunLock | int:
    """The run lock, or the exit code to return after saying why: 75 when another run holds it (cron tries
    again), 78 when the state folder cannot hold a lock (a configuration problem)."""
    try:
        return runlock.acquire(config.paths.state, clock.now(), command=command)
    except runlock.Locked as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.TEMPORARY
    except OSError as exc:
        print(f"pipeline: cannot take the run lock in {config.paths.state}: {exc}", file=sys.stderr)
        return Exit.CONFIG


def run_command(config: Config, lang: str, dry_run: bool = False, as_json: bool = False) -> int:
    """`pipeline run`: 0 done (rejections are normal), 75 locked or mail to retry, 78 config, 1 unexpected.
    A dry run takes no lock (it writes nothing) but does not start while a run holds it."""
    lock = None
    if dry_run:
        holder = runlock.holder_if_locked(config.paths.state)
        if holder is not None:
            print(f"pipeline: {runlock.Locked(holder)}", file=sys.stderr)
            return Exit.TEMPORARY
    else:
        lock = take_lock(config, "run")
        if isinstance(lock, int):
            return lock
    try:
        summary = execute(config, lang, dry_run=dry_run)
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    finally:
        if lock is not None:
            lock.release()
    print(summary.human(lang), file=sys.stderr)
    if as_json:
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2, default=str))
    return summary.exit_code
