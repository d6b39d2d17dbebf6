"""The ledger's confirmed plans (issue 16): `pipeline plan confirm` freezes an agency's current accepted plan file.

Each confirmation is a row of `plans` (agency, version 1, 2, …, the file and its bytes' sha256, when, the office's
note); the highest version is the plan in force, against which results are judged. The confirmed submission is the
text the ledger kept when the plan file was accepted (`submission_text`), so a confirmation never re-reads a
workbook. A plan file accepted after the confirmation is a change request until it is confirmed in turn.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from pipeline.core.model import Submission
from pipeline.night.submission_text import parse_submission


@dataclass(frozen=True)
class ConfirmedPlan:
    agency: str
    version: int  # 1 for the first confirmation, then 2, 3, … for each confirmed change
    file_id: int  # the ledger row of the plan file confirmed
    sha256: str
    confirmed_at: datetime
    note: str
    submission: Submission


_LATEST = """SELECT p.* FROM plans p
    WHERE p.version = (SELECT MAX(version) FROM plans q WHERE q.agency = p.agency) ORDER BY p.agency"""


def confirmed_plans(conn: sqlite3.Connection, sources: bool = False) -> dict[str, ConfirmedPlan]:
    """Agency code → its plan in force, read once (a night checks every results file against this dict)."""
    out = {}
    for row in conn.execute(_LATEST).fetchall():
        text = conn.execute("SELECT json FROM submissions WHERE file_id = ?", (row["file_id"],)).fetchone()
        if text is None:  # cannot happen (only accepted files are confirmed); not a reason to stop a night
            continue
        out[row["agency"]] = ConfirmedPlan(
            agency=row["agency"],
            version=row["version"],
            file_id=row["file_id"],
            sha256=row["sha256"],
            confirmed_at=datetime.fromisoformat(row["confirmed_at"]),
            note=row["note"],
            submission=parse_submission(text[0], sources=sources),
        )
    return out


def confirmed_files(conn: sqlite3.Connection) -> dict[str, int]:
    """Agency code → the ledger row of its plan in force: what tells a change request apart, without parsing a
    submission (at 10,000 agencies `confirmed_plans` is seconds and some 200 MB)."""
    return {row["agency"]: row["file_id"] for row in conn.execute(_LATEST).fetchall()}


def confirm(conn: sqlite3.Connection, agency: str, file_id: int, sha256: str, at: datetime, note: str) -> int:
    """Record a confirmation of `file_id` as the agency's plan; its version (the next one). One transaction."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        last = conn.execute("SELECT MAX(version) FROM plans WHERE agency = ?", (agency,)).fetchone()[0] or 0
        conn.execute(
            "INSERT INTO plans (agency, version, file_id, sha256, confirmed_at, note) VALUES (?, ?, ?, ?, ?, ?)",
            (agency, last + 1, file_id, sha256, at.isoformat(), note),
        )
    return last + 1
