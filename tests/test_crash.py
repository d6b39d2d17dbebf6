"""Kill the run at every durable step, re-run it, and check that nothing was lost, doubled or changed.

`PIPELINE_CRASH_AFTER=N` (a test hook, see pipeline/batch.py) makes `python -m pipeline run` die like `kill -9`
right after its N-th durable step. For every N the interrupted home is re-run without the hook and compared with
a home that ran once without interruption: every dropped file sits in archive/ or rejected/ exactly once, the
ledger has one row per file, results.json is the same (but for generated_at), the folders hold the same names,
and no temporary file is left behind. A last test sends a real SIGKILL at an arbitrary moment.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_batch import NOW, OLD, TODAY, goals, make_home, workbook

from pipeline.exit_codes import Exit
from pipeline.feedback.names import FEEDBACK_SUFFIX
from pipeline.night.ledger import LEDGER_NAME
from pipeline.night.runlog import ENV_CRASH_AFTER
from pipeline.system.clock import ENV_NOW

ROOT = Path(__file__).resolve().parent.parent
IGNORED = "~$잠금.xlsx"


def build_inbox(tmp: Path) -> dict[str, tuple[bytes, float]]:
    """The night's files, made once so that every home receives the very same bytes and times."""
    src = make_home(tmp / "source", min_age=60)
    workbook(src, "GMRT 1차.xlsx", rows=goals(actual=3000), mtime=OLD - 300)
    workbook(src, "GMRT 2차 (최종).xlsx", rows=goals(actual=3700), mtime=OLD - 200)
    workbook(src, "그린카 '반려'.xlsx", agency="GGCA", rows=goals(weights=(50, 10)), mtime=OLD - 100)
    files = {p.name: (p.read_bytes(), p.stat().st_mtime) for p in (src / "inbox").iterdir()}
    files["GMRT 1차 - 복사본.xlsx"] = (files["GMRT 1차.xlsx"][0], OLD - 50)  # 1차 sent again: current again
    files["GMRT 1차 - 복사본 (2).xlsx"] = (files["GMRT 1차.xlsx"][0], OLD - 45)  # … and again: a duplicate
    files["scan.pdf"] = (b"%PDF-1.4 not a workbook", OLD - 40)
    files[IGNORED] = (b"lock", OLD)
    return files


def fill(home: Path, files: dict[str, tuple[bytes, float]]) -> Path:
    make_home(home, min_age=60)
    for name, (data, mtime) in files.items():
        path = home / "inbox" / name
        path.write_bytes(data)
        os.utime(path, (mtime, mtime))
    return home


def run(home: Path, crash_after: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_CRASH_AFTER}
    env[ENV_NOW] = NOW
    if crash_after is not None:
        env[ENV_CRASH_AFTER] = str(crash_after)
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--home", str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def received(home: Path) -> list[Path]:
    """Submitted files at their destination (the feedback workbooks beside them are ours)."""
    out = []
    for folder in (home / "archive", home / "rejected"):
        out += [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(FEEDBACK_SUFFIX)]
    return sorted(out)


def listing(home: Path) -> list[str]:
    names = []
    for folder in ("inbox", "archive", "rejected", "outbox"):
        names += [str(p.relative_to(home)) for p in (home / folder).rglob("*")]
    return sorted(names)


def results(home: Path) -> dict:
    doc = json.loads((home / "outbox" / TODAY / "results.json").read_text(encoding="utf-8"))
    doc.pop("generated_at")
    return doc


def check_invariants(home: Path, files: dict[str, tuple[bytes, float]], baseline: Path) -> None:
    assert sorted(os.listdir(home / "inbox")) == [IGNORED]
    expected = sorted(hashlib.sha256(data).hexdigest() for n, (data, _) in files.items() if n != IGNORED)
    assert sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in received(home)) == expected
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    try:
        rows = conn.execute("SELECT original_name, state FROM files").fetchall()
        assert sorted(rows) == sorted((n, "done") for n in files if n != IGNORED)
        run_outcomes = [r[0] for r in conn.execute("SELECT outcome FROM runs ORDER BY rowid")]
    finally:
        conn.close()
    assert run_outcomes[-1] == "ok"
    assert results(home) == results(baseline)
    assert listing(home) == listing(baseline)
    leftovers = [p for p in home.rglob("*.tmp")]
    assert leftovers == []


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, tuple[bytes, float]], Path, int]:
    """The files, a home that ran without interruption, and how many durable steps that run took."""
    tmp = tmp_path_factory.mktemp("night")
    files = build_inbox(tmp)
    baseline = fill(tmp / "baseline", files)
    done = run(baseline)
    assert done.returncode == 0, done.stderr
    (log,) = (baseline / "state" / "logs").glob("*.jsonl")
    end = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert end["event"] == "end"
    return files, baseline, end["steps"]


def test_the_uninterrupted_run_is_what_we_think(night) -> None:
    files, baseline, steps = night
    doc = results(baseline)
    gmrt = next(a for a in doc["agencies"] if a["code"] == "GMRT")
    assert gmrt["submission"]["file"] == "GMRT 1차 - 복사본.xlsx"  # the agency's last word (night.resend)
    assert next(a for a in doc["agencies"] if a["code"] == "GGCA")["status"] == "rejected"
    assert steps >= 15  # 6 files × (intent, move, done) + feedback + outputs + mail
    check_invariants(baseline, files, baseline)


def test_a_kill_at_any_step_then_a_rerun_gives_the_same_night(night, tmp_path: Path) -> None:
    files, baseline, steps = night

    def crash_and_rerun(n: int) -> None:
        home = fill(tmp_path / f"crash-{n:02d}", files)
        crashed = run(home, crash_after=n)
        assert crashed.returncode == Exit.KILLED, (n, crashed.stderr)
        rerun = run(home)
        assert rerun.returncode == 0, (n, rerun.stderr)
        check_invariants(home, files, baseline)

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        list(pool.map(crash_and_rerun, range(1, steps + 1)))


def test_two_kills_in_a_row_then_a_rerun(night, tmp_path: Path) -> None:
    """A re-run that is itself killed while finishing the first one's work must also recover."""
    files, baseline, steps = night
    home = fill(tmp_path / "twice", files)
    assert run(home, crash_after=steps // 2).returncode == Exit.KILLED
    assert run(home, crash_after=2).returncode == Exit.KILLED
    assert run(home).returncode == 0
    check_invariants(home, files, baseline)


def test_a_real_sigkill_at_an_arbitrary_moment(night, tmp_path: Path) -> None:
    """SIGKILL from outside, once the run's log has reached a random line; then re-run and check."""
    files, baseline, _ = night
    rng = random.Random(20261201)
    for attempt in range(3):
        home = fill(tmp_path / f"kill-{attempt}", files)
        env = {k: v for k, v in os.environ.items() if k != ENV_CRASH_AFTER}
        env[ENV_NOW] = NOW
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "run", "--home", str(home)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        target = rng.randint(1, 12)
        logs = home / "state" / "logs"
        while proc.poll() is None:
            lines = sum(len(p.read_bytes().splitlines()) for p in logs.glob("*.jsonl")) if logs.is_dir() else 0
            if lines >= target:
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait()
        rerun = run(home)
        assert rerun.returncode == 0, rerun.stderr
        check_invariants(home, files, baseline)
