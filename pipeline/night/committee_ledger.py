"""The committee's part of the ledger: what each accepted committee workbook merged (grades per goal and member,
adjustments), the year's finalization (확정) and reopenings, and the 변경이력 (every change of an agency's total).

A committee workbook is a row of `files` like a submission (archived, hashed, agency NULL); its grades and
adjustments are written in the same transaction as that row, and the latest accepted, moved one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pipeline.core.model import ChangeRecord
from pipeline.night.ledger import FileRow, Ledger
from pipeline.scoring.committee import CommitteeAdjustment, CommitteeData, GoalGrades

__all__ = [
    "FinalState",
    "changes",
    "final_state",
    "finalized",
    "in_force",
    "latest",
    "mark_received",
    "received",
    "record",
    "record_change",
    "set_final",
]


def record(ledger: Ledger, file_id: int, year: int, fingerprint: str, data: CommitteeData) -> None:
    """What an accepted committee workbook merged, beside its file row (inside the caller's transaction)."""
    conn = ledger.conn
    with ledger._write():
        conn.execute(
            "INSERT INTO committee_files (file_id, year, fingerprint) VALUES (?, ?, ?)", (file_id, year, fingerprint)
        )
        conn.executemany(
            """INSERT INTO committee_grades (file_id, agency, goal, member, position, grade, fingerprint)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [
                (file_id, g.agency, g.number, member, i, grade, g.fingerprint)
                for g in data.grades.values()
                for i, (member, grade) in enumerate(g.grades)
            ],
        )
        conn.executemany(
            "INSERT INTO committee_adjustments (file_id, agency, points, reason, basis) VALUES (?, ?, ?, ?, ?)",
            [(file_id, a.agency, str(a.points), a.reason, a.basis) for a in data.adjustments],
        )


def mark_received(ledger: Ledger, file_id: int) -> None:
    """The file was judged as a committee workbook, whatever its outcome (inside the caller's transaction)."""
    with ledger._write():
        ledger.conn.execute("INSERT OR IGNORE INTO committee_received (file_id) VALUES (?)", (file_id,))


def received(ledger: Ledger) -> list[FileRow]:
    """Every committee workbook received, oldest first: those judged as one and the duplicates of them (not those
    still stuck in the inbox: `Ledger.failed` lists them)."""
    return ledger.files(
        """state NOT IN ('vanished', 'failed') AND (id IN (SELECT file_id FROM committee_received)
           OR duplicate_of IN (SELECT file_id FROM committee_received))"""
    )


def in_force(ledger: Ledger, year: int) -> tuple[FileRow, int] | None:
    """The committee workbook whose grades count (see `latest_file`) and how many members graded in it."""
    found = latest_file(ledger, year)
    if found is None:
        return None
    (members,) = ledger.conn.execute(
        "SELECT COUNT(DISTINCT member) FROM committee_grades WHERE file_id = ?", (found[0],)
    ).fetchone()
    return ledger.file(found[0]), members


def latest_file(ledger: Ledger, year: int) -> tuple[int, str] | None:
    """(file id, name) of the latest accepted committee workbook of the year that is in place."""
    row = ledger.conn.execute(
        """SELECT f.id, f.original_name FROM committee_files c JOIN files f ON f.id = c.file_id
           WHERE c.year = ? AND f.outcome = 'accepted' AND f.state = 'done' ORDER BY f.id DESC LIMIT 1""",
        (year,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def latest(ledger: Ledger, year: int) -> CommitteeData:
    """The grades and adjustments of the latest accepted committee workbook (empty when there is none)."""
    found = latest_file(ledger, year)
    if found is None:
        return CommitteeData()
    file_id, name = found
    grades: dict[tuple[str, str], list[tuple[str, str]]] = {}
    prints: dict[tuple[str, str], str] = {}
    for agency, goal, member, grade, fp in ledger.conn.execute(
        """SELECT agency, goal, member, grade, fingerprint FROM committee_grades WHERE file_id = ?
           ORDER BY agency, goal, position""",
        (file_id,),
    ):
        grades.setdefault((agency, goal), []).append((member, grade))
        prints[(agency, goal)] = fp
    adjustments = tuple(
        CommitteeAdjustment(agency, Decimal(points), reason, basis)
        for agency, points, reason, basis in ledger.conn.execute(
            "SELECT agency, points, reason, basis FROM committee_adjustments WHERE file_id = ? ORDER BY id",
            (file_id,),
        )
    )
    return CommitteeData(
        grades={k: GoalGrades(k[0], k[1], prints[k], tuple(v)) for k, v in grades.items()},
        adjustments=adjustments,
        file_name=name,
    )


def finalized(ledger: Ledger, year: int) -> date | None:
    """The date the year's results were confirmed, None while open (never finalized, or reopened since)."""
    state = final_state(ledger, year)
    return state.final_date if state is not None and state.state == "final" else None


@dataclass(frozen=True, slots=True)
class FinalState:
    """The year's last finalization or reopening: `final` with the date the results say, or `reopened` at `at`
    (`final_date`: the date of the confirmation it undid)."""

    state: str  # "final" | "reopened"
    final_date: date | None
    at: datetime


def final_state(ledger: Ledger, year: int) -> FinalState | None:
    """None while the year was never confirmed."""
    rows = ledger.conn.execute(
        "SELECT action, final_date, at FROM finalizations WHERE year = ? ORDER BY id DESC", (year,)
    ).fetchall()
    if not rows:
        return None
    action, _, at = rows[0]
    confirmed = next((date.fromisoformat(d) for a, d, _ in rows if a == "finalize" and d), None)
    return FinalState("final" if action == "finalize" else "reopened", confirmed, datetime.fromisoformat(at))


def set_final(ledger: Ledger, year: int, action: str, at: datetime, final_date: date | None = None) -> None:
    with ledger.conn:
        ledger.conn.execute(
            "INSERT INTO finalizations (year, action, final_date, at) VALUES (?, ?, ?, ?)",
            (year, action, final_date.isoformat() if final_date else None, at.isoformat()),
        )


def record_change(ledger: Ledger, change: ChangeRecord) -> None:
    """One line of the 변경이력, unless it is the agency's last line already (a re-run after a kill)."""
    old = str(change.old_total) if change.old_total is not None else None
    new = str(change.new_total) if change.new_total is not None else None
    last = ledger.conn.execute(
        "SELECT old_total, new_total FROM changes WHERE agency = ? ORDER BY id DESC LIMIT 1", (change.agency,)
    ).fetchone()
    if last is not None and (last[0], last[1]) == (old, new):
        return
    with ledger.conn:
        ledger.conn.execute(
            "INSERT INTO changes (at, agency, old_total, new_total, why) VALUES (?, ?, ?, ?, ?)",
            (change.at.isoformat(), change.agency, old, new, change.why),
        )


def changes(ledger: Ledger) -> tuple[ChangeRecord, ...]:
    return tuple(
        ChangeRecord(
            at=datetime.fromisoformat(at),
            agency=agency,
            old_total=Decimal(old) if old is not None else None,
            new_total=Decimal(new) if new is not None else None,
            why=why,
        )
        for at, agency, old, new, why in ledger.conn.execute(
            "SELECT at, agency, old_total, new_total, why FROM changes ORDER BY id"
        )
    )
