"""The ledger: one row per file, intent before move, supersession, schema version, WAL."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.core.findings import finding
from pipeline.night.ledger import LEDGER_NAME, STATE_DONE, Ledger, NewFile
from pipeline.night.ledger_schema import SCHEMA_VERSION, LedgerError

KST = timezone(timedelta(hours=9))
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=KST)


def new(tmp: Path, name: str, sha: str, outcome: str = "accepted", agency: str | None = "GMRT", **kw) -> NewFile:
    return NewFile(
        run_id="r1",
        received_at=kw.pop("at", T0),
        original_name=name,
        source_raw=name.encode(),
        kind="file",
        size=10,
        mtime_ns=1,
        sha256=sha,
        agency=agency,
        year=2026,
        outcome=outcome,
        findings=kw.pop("findings", ()),
        dest=tmp / "archive" / f"{sha[:8]}_{name}",
        **kw,
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    led = Ledger.open(tmp_path / "state")
    yield led
    led.close()


def test_open_uses_wal_and_records_the_schema_version(ledger: Ledger, tmp_path: Path) -> None:
    assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    Ledger.open(tmp_path / "state").close()  # opening again migrates nothing and fails on nothing


def test_a_ledger_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    conn = sqlite3.connect(tmp_path / "state" / LEDGER_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LedgerError, match="newer"):
        Ledger.open(tmp_path / "state")


def test_an_intent_is_pending_until_done(ledger: Ledger, tmp_path: Path) -> None:
    row = ledger.record_intent(new(tmp_path, "a.xlsx", "a" * 64))
    assert row.state == "moving"
    assert [r.id for r in ledger.pending()] == [row.id]
    assert ledger.current() == {}  # not counted before it is in the archive
    ledger.mark_done(row)
    assert ledger.pending() == []
    assert ledger.file(row.id).state == STATE_DONE
    assert ledger.current()["GMRT"].id == row.id


def test_a_later_accepted_submission_supersedes_the_earlier(ledger: Ledger, tmp_path: Path) -> None:
    first = ledger.record_intent(new(tmp_path, "v1.xlsx", "1" * 64))
    ledger.mark_done(first)
    second = ledger.record_intent(new(tmp_path, "v2.xlsx", "2" * 64, at=T0 + timedelta(days=1)))
    ledger.mark_done(second)
    assert ledger.file(first.id).superseded_by == "2" * 64
    assert ledger.current()["GMRT"].original_name == "v2.xlsx"
    assert len(ledger.received()) == 2  # the earlier stays recorded (and archived)


def test_a_rejected_submission_leaves_the_current_one_current(ledger: Ledger, tmp_path: Path) -> None:
    ok = ledger.record_intent(new(tmp_path, "ok.xlsx", "1" * 64))
    ledger.mark_done(ok)
    bad = ledger.record_intent(
        new(tmp_path, "bad.xlsx", "2" * 64, outcome="rejected", findings=[finding("file.not_xlsx", detail="zip")])
    )
    ledger.mark_done(bad)
    assert ledger.current()["GMRT"].id == ok.id
    assert ledger.file(ok.id).superseded_by is None


def test_findings_survive_the_round_trip(ledger: Ledger, tmp_path: Path) -> None:
    f = finding("file.not_xlsx", detail="PDF")
    row = ledger.record_intent(new(tmp_path, "x.pdf", "3" * 64, outcome="rejected", findings=[f]))
    assert row.findings == (f,)
    assert (row.errors, row.warnings) == (1, 0)
    assert row.findings[0].message("en") == f.message("en")


def test_a_duplicate_points_at_the_original_not_at_another_duplicate(ledger: Ledger, tmp_path: Path) -> None:
    original = ledger.record_intent(new(tmp_path, "a.xlsx", "4" * 64))
    ledger.mark_done(original)
    dup = new(tmp_path, "a (1).xlsx", "4" * 64, outcome="duplicate", duplicate_of=original.id)
    ledger.mark_done(ledger.record_intent(dup))
    assert ledger.last_with_sha("4" * 64).id == original.id
    assert ledger.last_with_sha("") is None


def test_runs_left_running_by_a_killed_process_are_marked_interrupted(ledger: Ledger) -> None:
    assert ledger.start_run("r1", T0, 1, "h") == []
    assert ledger.start_run("r2", T0 + timedelta(minutes=1), 2, "h") == ["r1"]
    ledger.finish_run("r2", T0 + timedelta(minutes=2), "ok", {"accepted": 1})
    runs = {r.id: r for r in ledger.last_runs()}
    assert runs["r1"].outcome == "interrupted"
    assert runs["r2"].outcome == "ok" and runs["r2"].counts == {"accepted": 1}


def test_a_notice_is_given_once(ledger: Ledger) -> None:
    assert ledger.notice_once("lock_file:7e24", "r1", T0)
    assert not ledger.notice_once("lock_file:7e24", "r2", T0)


def test_a_snapshot_reads_without_writing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    snap = Ledger.snapshot(state)  # no ledger yet: an empty one in memory, nothing created
    snap.start_run("r1", T0, 1, "h")
    snap.close()
    assert not state.exists()
    led = Ledger.open(state)
    led.mark_done(led.record_intent(new(tmp_path, "a.xlsx", "5" * 64)))
    led.close()
    before = {p.name: p.stat().st_mtime_ns for p in state.iterdir()}
    snap = Ledger.snapshot(state)
    assert snap.current()["GMRT"].original_name == "a.xlsx"
    snap.mark_done(snap.record_intent(new(tmp_path, "b.xlsx", "6" * 64)))
    snap.close()
    assert {p.name: p.stat().st_mtime_ns for p in state.iterdir()} == before
    led = Ledger.open(state)
    assert [r.original_name for r in led.received()] == ["a.xlsx"]
    led.close()


def test_an_accepted_submission_is_kept_as_judged(ledger: Ledger, tmp_path: Path) -> None:
    """Scoring reads the submission stored on arrival, so a later change in the validator cannot change it."""
    from decimal import Decimal

    from pipeline.core.model import AgencyInfo, Goal, Source, Submission

    sub = Submission(
        agency=AgencyInfo(code="GMRT", name="광주도시철도공사", group="공사·공단", year=2026),
        goals=(
            Goal(
                number="1",
                goal="안전사고 0건",
                indicator="사고 건수",
                method="deviation",
                weight=Decimal("60.5"),
                direction="lower",
                actual=Decimal("0"),
                past=(Decimal("3"), Decimal("2.50")),
                row=5,
                sources={"actual": Source("성과목표", "N5", "실적치")},
            ),
            Goal(number="2", goal="인증", indicator="ISO", method="milestone", weight=Decimal(39.5), achieved=True),
        ),
    )
    from pipeline.night.submission_text import parse_submission, submission_json

    row = ledger.record_intent(new(tmp_path, "a.xlsx", "7" * 64, submission_json=submission_json(sub)))
    back = parse_submission(ledger.submission_text(row.id))
    assert back == sub
    assert back.goals[0].sources == sub.goals[0].sources and back.goals[0].past[1] == Decimal("2.50")


def test_a_version_1_ledger_keeps_its_submissions_in_their_own_table(tmp_path: Path) -> None:
    """Migration 2 moves each stored submission text out of `files` (where every update rewrote it)."""
    from pipeline.night.ledger_schema import MIGRATIONS

    state = tmp_path / "state"
    state.mkdir()
    old = sqlite3.connect(state / LEDGER_NAME)
    old.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    old.execute(
        """INSERT INTO files (run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256, agency,
               outcome, submission, dest, state)
           VALUES ('r', '2026-12-01T02:00:00+09:00', 'a.xlsx', x'61', 'file', 1, 1, 'aa', 'GMRT', 'accepted',
                   '{"as": "judged"}', '/archive/a.xlsx', 'done')"""
    )
    old.commit()
    old.close()
    ledger = Ledger.open(state)
    (row,) = ledger.received()
    assert ledger.submission_text(row.id) == '{"as": "judged"}'
    assert ledger.conn.execute("SELECT submission FROM files").fetchone()[0] is None
    assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    ledger.close()


def test_a_version_2_ledger_gains_the_failed_state_keeping_every_row(tmp_path: Path) -> None:
    """Migration 3 rebuilds `files` (SQLite cannot widen a CHECK): rows, ids, references and submissions stay."""
    from pipeline.night.ledger_schema import MIGRATIONS

    state = tmp_path / "state"
    state.mkdir()
    old = sqlite3.connect(state / LEDGER_NAME)
    old.executescript(f"BEGIN; {MIGRATIONS[0]}; {MIGRATIONS[1]}; PRAGMA user_version = 2; COMMIT;")
    for i, (name, dup) in enumerate((("a.xlsx", None), ("a copy.xlsx", 1)), start=1):
        old.execute(
            """INSERT INTO files (id, run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256,
                   agency, outcome, dest, duplicate_of, state)
               VALUES (?, 'r', '2026-12-01T02:00:00+09:00', ?, x'61', 'file', 1, 1, 'aa', 'GMRT', ?, ?, ?, 'done')""",
            (i, name, "duplicate" if dup else "accepted", f"/archive/{name}", dup),
        )
    old.execute("INSERT INTO submissions (file_id, json) VALUES (1, '{}')")
    old.commit()
    old.close()
    ledger = Ledger.open(state)
    first, copy = ledger.received()
    assert (first.id, copy.duplicate_of, ledger.submission_text(1)) == (1, 1, "{}")
    assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert ledger.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    failed = ledger.mark_failed(copy, "EPERM: Operation not permitted")
    assert (failed.state, failed.failure) == ("failed", "EPERM: Operation not permitted")
    assert ledger.failed() == [failed] and ledger.pending() == [failed] and ledger.received() == [first]
    ledger.close()
