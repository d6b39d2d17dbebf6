"""`pipeline run`: the nightly batch under the run lock; the summary on stderr (and as JSON on stdout with
`--json`), the outcome as the exit code: 0 done (rejections are normal), 75 locked, mail to retry, ledger busy or
disk full, 78 configuration, 1 unexpected."""

from __future__ import annotations

import json
import sys

from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable_json
from pipeline.exit_codes import Exit
from pipeline.night import faults
from pipeline.night.run import execute
from pipeline.settings.home import unfinished_rollovers
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.system import lock as runlock

T: dict[str, Text] = {
    "rollover_unfinished": (
        "{year}년 마감(pipeline rollover)이 끝나지 않았습니다: `pipeline rollover {year}`를 다시 실행해 끝내세요.",
        "the rollover of {year} is unfinished: run `pipeline rollover {year}` again to finish it",
    ),
    "locked": (
        "다른 pipeline {command} 작업이 진행 중입니다 (pid {pid}, {host}, {since} 시작): 끝난 뒤 다시 실행하세요.",
        "another {command} is in progress (pid {pid} on {host}, started {since})",
    ),
    "locked_no_info": (
        "다른 프로세스가 실행 잠금을 잡고 있습니다 (실행 정보 없음: {path}).",
        "the run lock is held by another process (no run information: {path})",
    ),
    "lingering": (
        "실행 잠금을 잡았던 pipeline {command}(pid {pid}, {since} 시작)은(는) 끝났지만 프로세스 {pids}이(가) 아직 잠금 "
        "파일을 열고 있습니다: 확인한 뒤 끝내세요 ({path}).",
        "the {command} that took the run lock (pid {pid}, started {since}) has ended, but process {pids} still holds "
        "the lock file open: check it and end it ({path})",
    ),
    "taken_over": (
        "중단된 실행(pid {pid}, {since} 시작)이 남긴 실행 잠금을 이어받았습니다.",
        "took over the run lock of an interrupted run (pid {pid}, started {since})",
    ),
    "no_lock": (
        "{state}에 실행 잠금을 만들 수 없습니다: {error}",
        "cannot take the run lock in {state}: {error}",
    ),
}


def locked_text(exc: runlock.Locked, lang: str, state: object) -> str:
    """Who holds the run lock, for the operator of a second run: a run (pid, host, since), a plain `flock` (no run
    information), or processes left over from a run that has ended."""
    holder, path = exc.holder, f"{state}/{runlock.LOCK_NAME}"
    values = {k: holder.get(k, "?") for k in ("pid", "host")}
    values.update(command=holder.get("command", "run"), since=holder.get("started_at", "?"))
    if exc.lingering:
        return tr(T["lingering"], lang, pids=", ".join(map(str, exc.lingering)), path=path, **values)
    if "host" not in holder:
        return tr(T["locked_no_info"], lang, path=path)
    return tr(T["locked"], lang, **values)


def take_lock(config: Config, command: str, lang: str = "ko") -> runlock.RunLock | int:
    """The run lock, or the exit code to return after saying why: 75 when another run holds it (cron tries
    again) or the disk is full, 78 when the state folder cannot hold a lock (a configuration problem). A lock a
    killed run left is taken over, and said."""
    state = config.paths.state
    unfinished = unfinished_rollovers(config.home) if command != "rollover" else []
    if unfinished:  # the home is half moved: nothing may run on it until the rollover is finished
        print(f"pipeline: {tr(T['rollover_unfinished'], lang, year=unfinished[0])}", file=sys.stderr)
        return Exit.TEMPORARY
    try:
        lock = runlock.acquire(state, clock.now(), command=command)
    except runlock.Locked as exc:
        print(f"pipeline: {locked_text(exc, lang, state)}", file=sys.stderr)
        return Exit.TEMPORARY
    except OSError as exc:
        line = faults.temporary(exc, lang, state)
        print(f"pipeline: {line or tr(T['no_lock'], lang, state=state, error=exc)}", file=sys.stderr)
        return Exit.TEMPORARY if line else Exit.CONFIG
    if lock.previous.get("pid"):
        since = lock.previous.get("started_at", "?")
        print(f"pipeline: {tr(T['taken_over'], lang, pid=lock.previous['pid'], since=since)}", file=sys.stderr)
    return lock


def run_command(config: Config, lang: str, dry_run: bool = False, as_json: bool = False) -> int:
    """`pipeline run`: 0 done (rejections are normal), 75 locked, mail to retry, ledger busy or disk full, 78
    config, 1 unexpected. A dry run takes no lock (it writes nothing) but does not start while a run holds it."""
    lock = None
    if dry_run:
        holder = runlock.holder_if_locked(config.paths.state)
        if holder is not None:
            print(f"pipeline: {locked_text(runlock.Locked(holder), lang, config.paths.state)}", file=sys.stderr)
            return Exit.TEMPORARY
    else:
        lock = take_lock(config, "run", lang)
        if isinstance(lock, int):
            return lock
    try:
        summary = execute(config, lang, dry_run=dry_run, taken_over=lock.previous if lock else None)
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    except faults.Temporary as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.TEMPORARY
    finally:
        if lock is not None:
            lock.release()
    print(summary.human(lang), file=sys.stderr)
    if as_json:
        print(printable_json(json.dumps(summary.to_json(), ensure_ascii=False, indent=2, default=str)))
    return summary.exit_code
