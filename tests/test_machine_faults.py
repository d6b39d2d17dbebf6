"""Faults of the machine and of the moment, not of the data (issue 15, D12-13): a file overwritten or removed
between its record and its move, the ledger held by another connection, a full disk. Each test is named for the
class of fault it keeps out (docs/reliability.md lists them). The full-disk tests mount a 1 MB tmpfs (root, as in
CI); elsewhere they are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_batch import NOW, OLD, make_home, run, workbook
from test_faults import ROOT, assert_all_taken, env, ledger_rows

from pipeline.commands.report import report_command
from pipeline.commands.run import run_command
from pipeline.intake import inbox as intake
from pipeline.night import ledger as ledger_module
from pipeline.night.batch import Batch
from pipeline.night.ledger import LEDGER_NAME, Ledger
from pipeline.night.outputs import Outputs
from pipeline.night.runlog import ENV_CRASH_AFTER
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW


# --- D12: a file overwritten or removed between its record and its move ------------------------------------------
@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    monkeypatch.delenv(ENV_CRASH_AFTER, raising=False)
    return make_home(tmp_path / "home")


def _meddle_before_the_move(monkeypatch: pytest.MonkeyPatch, name: str, meddle) -> None:
    """Someone touches `name` in the inbox after the run recorded its decision, before it moves the file."""
    real = Batch.act

    def act(self: Batch, row):
        if row.original_name == name and row.state == "moving":
            meddle(intake.source_path(self.run.paths.inbox, row.source_raw))
        return real(self, row)

    monkeypatch.setattr(Batch, "act", act)


def test_a_file_overwritten_during_the_run_is_left_and_counted(home: Path, monkeypatch, capsys) -> None:
    """It was marked vanished, stayed in the inbox and was missing from the summary and its counts."""
    workbook(home, "a.xlsx")
    newer = workbook(home, "b.xlsx", rows=None).read_bytes()
    (home / "inbox" / "b.xlsx").unlink()

    def overwrite(path: Path) -> None:
        path.write_bytes(newer)
        os.utime(path, (OLD + 5, OLD + 5))

    _meddle_before_the_move(monkeypatch, "a.xlsx", overwrite)
    code, summary = run(home, capsys)
    assert code == 0
    assert summary["counts"]["left"] == 1 and [f["outcome"] for f in summary["files"]] == ["left"]
    assert (home / "inbox" / "a.xlsx").read_bytes() == newer
    assert [r["state"] for r in ledger_rows(home)] == ["vanished"]
    monkeypatch.undo()
    monkeypatch.setenv(ENV_NOW, NOW)
    code, summary = run(home, capsys)  # the next run takes the new content
    assert code == 0 and summary["counts"]["accepted"] == 1 and list((home / "inbox").iterdir()) == []


def test_a_file_removed_during_the_run_is_reported_gone(home: Path, monkeypatch, capsys) -> None:
    workbook(home, "a.xlsx")
    _meddle_before_the_move(monkeypatch, "a.xlsx", lambda path: path.unlink())
    code, summary = run(home, capsys)
    assert code == 0 and [(f["file"], f["outcome"]) for f in summary["files"]] == [("a.xlsx", "vanished")]
    assert [r["state"] for r in ledger_rows(home)] == ["vanished"]


# --- D13: the ledger held by another connection, a full disk ---------------------------------------------------------
def _hold_ledger(home: Path) -> sqlite3.Connection:
    other = sqlite3.connect(home / "state" / LEDGER_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_ledger_held_by_another_connection_is_one_line_and_exit_75(home: Path, monkeypatch, capsys) -> None:
    """A raw sqlite3.OperationalError came out of finish_run after twice the busy timeout."""
    monkeypatch.setattr(ledger_module, "BUSY_SECONDS", 0.2)
    workbook(home, "a.xlsx")
    Ledger.open(home / "state").close()
    other = _hold_ledger(home)
    try:
        code = run_command(load_config(home), lang="ko")
    finally:
        other.close()
    assert code == 75
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "장부(ledger.sqlite3)를 다른 프로그램이 쓰고 있어" in line and "Traceback" not in line
    assert ledger_rows(home) == [] and (home / "inbox" / "a.xlsx").exists()  # nothing started
    assert run(home, capsys)[0] == 0 and [r["state"] for r in ledger_rows(home)] == ["done"]


def test_a_report_rebuild_on_a_held_ledger_is_one_line_and_exit_75(home: Path, monkeypatch, capsys) -> None:
    """`pipeline report` said "report failed: OperationalError(...)" and exited 1."""
    monkeypatch.setattr(ledger_module, "BUSY_SECONDS", 0.2)
    workbook(home, "a.xlsx")
    assert run(home, capsys)[0] == 0
    other = _hold_ledger(home)
    try:
        code = report_command(load_config(home), lang="en")
    finally:
        other.close()
    assert code == 75
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "the ledger (ledger.sqlite3) is being written by another program" in line


def test_a_ledger_taken_by_another_connection_mid_run_is_one_line_and_exit_75(home: Path, monkeypatch, capsys) -> None:
    """Taken after the files were done, before the mail is queued: exit 75 with the line; the next run mails."""
    monkeypatch.setattr(ledger_module, "BUSY_SECONDS", 0.2)
    workbook(home, "a.xlsx")
    real = Outputs.write
    held: list[sqlite3.Connection] = []

    def write(self: Outputs, today, mail_next: bool = False):
        data = real(self, today, mail_next)
        held.append(_hold_ledger(home))
        return data

    monkeypatch.setattr(Outputs, "write", write)
    try:
        code, summary = run(home, capsys, lang="en")
    finally:
        for conn in held:
            conn.close()
    assert code == 75
    assert [p for p in summary["problems"] if "ledger" in p] == summary["problems"] and len(summary["problems"]) == 1
    assert [r["state"] for r in ledger_rows(home)] == ["done"] and not list((home / "inbox").iterdir())
    monkeypatch.undo()
    monkeypatch.setenv(ENV_NOW, NOW)
    code, summary = run(home, capsys)
    assert code == 0 and summary["mail"]["sent"] >= 1


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MB tmpfs to fill (root, as in CI); unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()}): needs root (CI has it)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_disk(mount: Path, leave: int) -> Path:
    """Fill the filesystem, leaving `leave` bytes."""
    filler = mount / "filler"
    free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def nothing_half_written(home: Path) -> None:
    """No temporary file anywhere, every log line whole, the ledger sound, every file dropped in the inbox or
    recorded at its destination."""
    assert [p for p in home.rglob("*.tmp")] == []
    for log in (home / "state" / "logs").glob("*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            json.loads(line)
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT original_name, dest, state FROM files").fetchall()
    finally:
        conn.close()
    for name, dest, state in rows:
        assert state in ("moving", "done")
        assert Path(dest).exists() or (home / "inbox" / name).exists()


@pytest.mark.parametrize("leave_kb", [0, 4, 12, 24, 48, 96, 128, 160, 200, 256])
def test_a_full_disk_is_one_line_and_exit_75_and_the_next_run_finishes(small_disk: Path, leave_kb: int) -> None:
    """Disk full at any point of the night: a raw OSError ENOSPC came out of RunLog.close(), hiding the error the
    run had handled. Now: exit 75, one line saying the disk is full, nothing half-written; with space again the
    next run finishes the night."""
    home = make_home(small_disk / "home")
    names = ["a.xlsx", "b.xlsx", "c.xlsx"]
    workbook(home, "a.xlsx", mtime=OLD - 30)
    workbook(home, "b.xlsx", agency="GGCA", rows=None, mtime=OLD - 20)
    (home / "inbox" / "c.xlsx").write_bytes(b"not a workbook")
    os.utime(home / "inbox" / "c.xlsx", (OLD, OLD))
    Ledger.open(home / "state").close()
    filler = fill_disk(small_disk, leave_kb * 1024)
    command = [sys.executable, "-m", "pipeline", "run", "--home", str(home)]
    full = subprocess.run(command, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=300)
    assert full.returncode == 75 or (full.returncode == 0 and leave_kb > 48), full.stderr
    assert "Traceback" not in full.stderr
    if full.returncode == 75:
        assert "디스크가 가득 찼습니다" in full.stderr
    filler.unlink()  # (SQLite cannot even open the ledger to look on a full disk)
    nothing_half_written(home)
    rerun = subprocess.run(command, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    nothing_half_written(home)
    assert_all_taken(home, names)
    assert (home / "outbox" / "2026-12-01" / "results.json").is_file()
    (rejected,) = [r for r in ledger_rows(home) if r["outcome"] == "rejected"]
    assert rejected["feedback"] and Path(rejected["feedback"]).is_file()  # not given up for a full disk
