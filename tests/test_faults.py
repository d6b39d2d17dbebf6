"""Faults that used to stop every later night (issue 15, A), each reproduced for real: a `kill -9` of the batch in
the middle of its worker pool (alone and under the cron line), the run lock held by a plain `flock` or by leftovers
of a dead run, a file another user owns in a sticky drop folder, a file the pipeline may not read. Each test is
named for the class of fault it keeps out (docs/reliability.md lists them); `test_machine_faults.py` has the rest.

The real-permission tests run the pipeline as `nobody` (they need root, as in CI); elsewhere they are skipped,
saying why.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from procs import alive, children, cmdline, descendants, kill_all, wait_for
from test_batch import NOW, OLD, make_home, workbook

from pipeline.commands.run import run_command
from pipeline.night.ledger import LEDGER_NAME
from pipeline.night.pool import ENV_WORKER_PAUSE
from pipeline.night.prefetch import POOL_MIN_FILES
from pipeline.night.runlog import ENV_CRASH_AFTER
from pipeline.settings.load import load_config
from pipeline.system import lock as runlock
from pipeline.system.clock import ENV_NOW

ROOT = Path(__file__).resolve().parent.parent
CRONTAB = ROOT / "deploy" / "crontab"


def env(**extra: str) -> dict[str, str]:
    """The pipeline's environment for a child process: this checkout's code, the test clock, no test hooks."""
    out = {k: v for k, v in os.environ.items() if k not in (ENV_CRASH_AFTER, ENV_WORKER_PAUSE)}
    out.update({ENV_NOW: NOW, "PYTHONPATH": str(ROOT), **extra})
    return out


def pool_inbox(home: Path, n: int = 2 * POOL_MIN_FILES) -> list[str]:
    """`n` workbooks in the inbox: the worker pool starts, with two workers (two chunks of 16), each holding the
    batch's end of the other's pipe unless it lets go of it. Copies: the pool reads every one."""
    first = workbook(home, "f00.xlsx")
    names = [first.name]
    for i in range(1, n):
        path = home / "inbox" / f"f{i:02d}.xlsx"
        path.write_bytes(first.read_bytes())
        os.utime(path, (OLD + i, OLD + i))
        names.append(path.name)
    return names


def ledger_rows(home: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM files ORDER BY id").fetchall()
    finally:
        conn.close()


def assert_all_taken(home: Path, names: list[str]) -> None:
    """Every file dropped is recorded once, done, and out of the inbox."""
    rows = ledger_rows(home)
    assert sorted(r["original_name"] for r in rows) == sorted(names)
    assert {r["state"] for r in rows} == {"done"}
    assert list((home / "inbox").iterdir()) == []


# --- A1: a killed batch's workers outlived it and held the run lock ------------------------------------------------
def _workers_of(batch: int) -> list[int]:
    return [pid for pid in children(batch) if "pipeline" in cmdline(pid)]


def _kill_mid_pool(batch: int, seen: list[int]) -> list[int]:
    """Wait until the batch's worker pool runs (its workers are paused on their first chunk), then SIGKILL the
    batch. Returns the workers, which must not outlive it."""
    workers = wait_for(lambda: len(w := _workers_of(batch)) >= 2 and w, 120, "the worker pool to start")
    seen += workers  # type: ignore[arg-type]
    os.kill(batch, signal.SIGKILL)
    return workers  # type: ignore[return-value]


def test_killed_batch_leaves_no_worker_holding_the_lock(tmp_path: Path) -> None:
    """`kill -9` of `pipeline run` in the middle of the pool: the workers die with it (they used to stay, blocked
    in recv() and holding the run lock, and every later run exited 75), and the next run takes every file."""
    home = make_home(tmp_path / "home")
    names = pool_inbox(home)
    seen: list[int] = []
    batch = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--home", str(home)],
        cwd=ROOT,
        env=env(**{ENV_WORKER_PAUSE: "300"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen.append(batch.pid)
    try:
        workers = _kill_mid_pool(batch.pid, seen)
        batch.wait(timeout=30)
        wait_for(lambda: not any(alive(w) for w in workers), 10, f"workers {workers} to die with the batch")
        rerun = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "--home", str(home)],
            cwd=ROOT,
            env=env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert f"pid {batch.pid}" in rerun.stderr  # the killed run's lock, taken over and said
        assert_all_taken(home, names)
    finally:
        kill_all(seen)


def _cron_line(home: Path) -> str:
    """deploy/crontab's command, pointed at this home and this checkout's code."""
    (line,) = [x for x in CRONTAB.read_text().splitlines() if x.strip() and not x.startswith("#") and " run" in x]
    command = line.split(None, 5)[5]
    command = command.replace("/opt/agency-eval/.venv/bin/pipeline", f"{shlex.quote(sys.executable)} -m pipeline")
    return command.replace("/srv/agency-eval", shlex.quote(str(home)))


@pytest.mark.parametrize("shipped", [True, False], ids=["crontab", "crontab_without_-o"])
def test_killed_batch_under_the_cron_line_does_not_block_the_next_night(tmp_path: Path, shipped: bool) -> None:
    """The cron line wraps the run in `flock -n state/cron.lock`: flock(1)'s descriptor used to be inherited by
    the workers too, so after a kill -9 of the batch the next night's flock failed (exit 1, no output). The line
    as shipped keeps the descriptor from the run (`-o`); a line installed before that relies on the workers."""
    home = make_home(tmp_path / "home")
    names = pool_inbox(home)
    command = _cron_line(home)
    assert " -n -o " in command
    if not shipped:
        command = command.replace(" -n -o ", " -n ")
    seen: list[int] = []
    shell = subprocess.Popen(
        ["sh", "-c", command],
        env=env(**{ENV_WORKER_PAUSE: "300"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seen.append(shell.pid)
    try:

        def the_batch() -> int | None:
            """The interpreter flock started (flock's and the shell's command lines name the pipeline too)."""
            found = descendants(shell.pid)
            seen.extend(p for p in found if p not in seen)
            ours = [p for p in found if cmdline(p).startswith(f"{sys.executable} -m pipeline run")]
            batch = [p for p in ours if not any(p in children(q) for q in ours)]  # not a worker (same command line)
            return batch[0] if batch else None

        batch = wait_for(the_batch, 60, "the batch under flock to start")
        workers = _kill_mid_pool(batch, seen)  # type: ignore[arg-type]
        shell.wait(timeout=30)
        wait_for(lambda: not any(alive(w) for w in workers), 10, f"workers {workers} to die with the batch")
        again = subprocess.run(["sh", "-c", command], env=env(), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert_all_taken(home, names)
    finally:
        kill_all(seen)


def test_a_lock_held_by_a_plain_flock_says_no_run_information(tmp_path: Path, monkeypatch, capsys) -> None:
    """The lock held by someone's `flock state/run.lock …`: the message said `pid ? on ?, started ?`."""
    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    config = load_config(home)
    (home / "state").mkdir(exist_ok=True)
    fd = os.open(home / "state" / runlock.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert run_command(config, lang="ko") == 75
        assert run_command(config, lang="en") == 75
        assert run_command(config, lang="en", dry_run=True) == 75
    finally:
        os.close(fd)
    ko, en, dry = capsys.readouterr().err.strip().splitlines()
    assert "실행 정보 없음" in ko and "?" not in ko
    assert "held by another process (no run information" in en and "?" not in en and dry == en


def test_a_lock_kept_by_leftovers_of_a_dead_run_names_them(tmp_path: Path, monkeypatch, capsys) -> None:
    """The run that took the lock is dead, yet the lock is held (processes it left, like the workers of an older
    version): the operator is told which processes hold it, not that the dead run is in progress."""
    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    lock = home / "state" / runlock.LOCK_NAME
    lock.parent.mkdir(exist_ok=True)
    dead = subprocess.run(["true"], check=True)  # a pid that has surely ended
    holder = {"pid": 2**22 + 1, "host": socket.gethostname(), "started_at": "2026-11-30T02:00:00+09:00"}
    lock.write_text(json.dumps(holder) + "\n")
    del dead
    leftover = subprocess.Popen(["flock", str(lock), "sleep", "60"])
    try:
        wait_for(lambda: runlock.holder_if_locked(lock.parent) is not None, 10, "flock to take the lock")
        assert run_command(load_config(home), lang="en") == 75
        err = capsys.readouterr().err
        assert "has ended" in err and str(leftover.pid) in err, err
    finally:
        kill_all(descendants(leftover.pid) + [leftover.pid])
        leftover.wait()


# --- A2, A3: a file another user owns, a file the pipeline may not read ----------------------------------------------
NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="runs the pipeline as `nobody`: needs root (CI has it)")


def nobody_home(sticky: bool) -> Path:
    """A home the pipeline's user (`nobody`) owns, under a folder it can reach; with `sticky`, the inbox is a
    shared drop folder (root's, mode 1777) as on a file server."""
    base = Path(tempfile.mkdtemp(prefix="pipeline-faults-", dir="/tmp"))
    os.chmod(base, 0o755)
    home = make_home(base / "home")
    give_to_nobody(home)
    if sticky:
        os.chown(home / "inbox", 0, 0)
        os.chmod(home / "inbox", 0o1777)
    return home


def give_to_nobody(*paths: Path) -> None:
    for top in paths:
        os.chown(top, NOBODY, NOBODY)
        for folder, dirs, names in os.walk(top):
            for name in dirs + names:
                os.chown(Path(folder) / name, NOBODY, NOBODY, follow_symlinks=False)


def as_nobody(home: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`pipeline run --json` as `nobody` (no supplementary groups): the summary, parsed."""
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--home", str(home), "--json"],
        cwd=ROOT,
        env=env(PYTHONDONTWRITEBYTECODE="1"),
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, json.loads(done.stdout) if done.stdout.strip() else {}


def by_name(summary: dict) -> dict[str, dict]:
    return {f["file"]: f for f in summary["files"]}


@needs_root
def test_a_file_that_cannot_be_moved_fails_alone_and_the_night_goes_on() -> None:
    """Another user's file in a sticky shared inbox cannot be renamed: its row stayed `moving` and every later
    run failed in resume() with exit 1. Now that file alone is failed, with the reason; the night goes on, later
    nights report it again without taking it twice, and once its owner is fixed the next run moves it."""
    home = nobody_home(sticky=True)
    try:
        give_to_nobody(workbook(home, "mine.xlsx", mtime=OLD - 200))
        theirs = workbook(home, "theirs.xlsx", agency="GGCA", mtime=OLD - 100)  # root's: nobody may not rename it
        first, summary = as_nobody(home)
        assert first.returncode == 0, first.stderr
        files = by_name(summary)
        assert files["mine.xlsx"]["outcome"] == "accepted"
        assert files["theirs.xlsx"]["outcome"] == "failed" and "EPERM" in files["theirs.xlsx"]["reason"]
        assert any("theirs.xlsx" in p for p in summary["problems"])
        (row,) = [r for r in ledger_rows(home) if r["original_name"] == "theirs.xlsx"]
        assert row["state"] == "failed" and row["failure"].startswith("EPERM") and theirs.exists()

        give_to_nobody(workbook(home, "later.xlsx", agency="GGCA", rows=None, mtime=OLD))
        second, summary = as_nobody(home)
        assert second.returncode == 0, second.stderr
        assert by_name(summary)["theirs.xlsx"]["outcome"] == "failed"
        assert by_name(summary)["later.xlsx"]["outcome"] == "accepted"
        assert [r["original_name"] for r in ledger_rows(home)].count("theirs.xlsx") == 1

        os.chown(theirs, NOBODY, NOBODY)  # the office fixes the owner
        third, summary = as_nobody(home)
        assert third.returncode == 0, third.stderr
        assert {r["state"] for r in ledger_rows(home)} == {"done"} and list((home / "inbox").iterdir()) == []
        current = {(r["agency"], r["original_name"]) for r in ledger_rows(home) if r["superseded_by"] is None}
        assert ("GGCA", "later.xlsx") in current and ("GGCA", "theirs.xlsx") not in current  # the later one wins
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)


@needs_root
@pytest.mark.parametrize("others", [0, 2 * POOL_MIN_FILES], ids=["checked_by_the_batch", "checked_in_the_pool"])
def test_a_file_the_pipeline_may_not_read_is_rejected_as_unreadable(others: int) -> None:
    """Mode 000, another owner: the file stayed in the inbox for ever as "검사하는 동안 바뀜" (exit 0, every night).
    Now it is rejected with `file.unreadable`, moved to rejected/ (the inbox lets it be moved) and not retried."""
    home = nobody_home(sticky=False)
    try:
        secret = workbook(home, "secret.xlsx", mtime=OLD - 500)
        os.chmod(secret, 0)
        names = ["secret.xlsx"] + (pool_inbox(home, others) if others else [])
        give_to_nobody(*(home / "inbox" / n for n in names[1:]))
        done, summary = as_nobody(home)
        assert done.returncode == 0, done.stderr
        report = by_name(summary)["secret.xlsx"]
        assert report["outcome"] == "rejected" and "읽을 권한이 없어" in report["reason"]
        (row,) = [r for r in ledger_rows(home) if r["original_name"] == "secret.xlsx"]
        assert json.loads(row["findings"])[0]["code"] == "file.unreadable"
        assert row["state"] == "done" and row["feedback"] is None and Path(row["dest"]).exists()
        assert list((home / "inbox").iterdir()) == []
        again, summary = as_nobody(home)
        assert again.returncode == 0 and len(ledger_rows(home)) == len(names)
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)
