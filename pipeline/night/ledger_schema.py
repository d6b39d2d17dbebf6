"""The ledger's schema: the tables as migrations, one per schema version (`PRAGMA user_version`).

`MIGRATIONS[i]` brings version i to i+1, each in one transaction; a ledger newer than this program is refused.
Migrations only add: a column, a table, or a table rebuilt with a wider constraint (SQLite cannot change a CHECK
in place), its rows copied as they are.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        id            INTEGER PRIMARY KEY,
        run_id        TEXT NOT NULL,
        received_at   TEXT NOT NULL,            -- ISO 8601 with offset
        original_name TEXT NOT NULL,            -- as a person reads it (undecodable bytes escaped)
        source_raw    BLOB NOT NULL,            -- the exact inbox name, to finish an interrupted move
        kind          TEXT NOT NULL,            -- file | symlink | special
        size          INTEGER NOT NULL,
        mtime_ns      INTEGER NOT NULL,
        sha256        TEXT NOT NULL,            -- '' when the content was not read (symlink, special file)
        agency        TEXT,
        year          INTEGER,
        outcome       TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'duplicate')),
        findings      TEXT NOT NULL DEFAULT '[]',   -- JSON list of Finding.to_record()
        submission    TEXT,                     -- (unused since migration 2: see the submissions table)
        errors        INTEGER NOT NULL DEFAULT 0,
        warnings      INTEGER NOT NULL DEFAULT 0,
        duplicate_of  INTEGER REFERENCES files(id),
        dest          TEXT NOT NULL UNIQUE,     -- archive/... or rejected/... (absolute)
        feedback      TEXT,                     -- the feedback workbook beside a rejected file
        superseded_by TEXT,                     -- sha256 of the later accepted submission of the agency
        state         TEXT NOT NULL CHECK (state IN ('moving', 'done', 'vanished')),
        notified      INTEGER NOT NULL DEFAULT 0 -- its feedback/receipt message is queued
    );
    CREATE INDEX files_sha ON files(sha256);
    CREATE INDEX files_agency ON files(agency, outcome);
    CREATE TABLE runs (
        id         TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at   TEXT,
        outcome    TEXT NOT NULL,               -- running | ok | tempfail | failed | interrupted
        counts     TEXT NOT NULL DEFAULT '{}',
        pid        INTEGER,
        host       TEXT
    );
    CREATE TABLE notices (                       -- things logged once only (lock files, hidden files)
        key        TEXT PRIMARY KEY,
        run_id     TEXT NOT NULL,
        seen_at    TEXT NOT NULL
    );
    CREATE TABLE standings (                     -- the last run's scores, for `pipeline status`
        agency      TEXT PRIMARY KEY,
        status      TEXT NOT NULL,
        total       TEXT,
        grade       TEXT,
        rank        INTEGER,
        excellent   INTEGER NOT NULL DEFAULT 0,
        provisional INTEGER NOT NULL DEFAULT 0,
        as_of       TEXT NOT NULL
    );
    """,
    # 2: the submission texts (≈ 20 KB each) in their own table. In `files` every update of a row (done, superseded,
    # notified) rewrote its text too, and every `SELECT *` read it: at 10,000 files a night, hundreds of MB each.
    # The old column stays, always NULL (dropping a column needs SQLite 3.35).
    """
    CREATE TABLE submissions (
        file_id INTEGER PRIMARY KEY REFERENCES files(id),
        json    TEXT NOT NULL                    -- JSON of the accepted Submission (what scoring reads)
    );
    INSERT INTO submissions (file_id, json) SELECT id, submission FROM files WHERE submission IS NOT NULL;
    UPDATE files SET submission = NULL WHERE submission IS NOT NULL;
    """,
    # 3: state `failed` (the file could not be moved out of the inbox, e.g. another user's file in a shared drop
    # folder with the sticky bit) and its reason, `failure`. Before, such a row stayed `moving` and every later run
    # stopped on it. SQLite cannot widen a CHECK in place: the table is rebuilt and its rows copied as they are.
    """
    CREATE TABLE files_v3 (
        id            INTEGER PRIMARY KEY,
        run_id        TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        original_name TEXT NOT NULL,
        source_raw    BLOB NOT NULL,
        kind          TEXT NOT NULL,
        size          INTEGER NOT NULL,
        mtime_ns      INTEGER NOT NULL,
        sha256        TEXT NOT NULL,
        agency        TEXT,
        year          INTEGER,
        outcome       TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'duplicate')),
        findings      TEXT NOT NULL DEFAULT '[]',
        submission    TEXT,
        errors        INTEGER NOT NULL DEFAULT 0,
        warnings      INTEGER NOT NULL DEFAULT 0,
        duplicate_of  INTEGER REFERENCES files(id),
        dest          TEXT NOT NULL UNIQUE,
        feedback      TEXT,
        superseded_by TEXT,
        state         TEXT NOT NULL CHECK (state IN ('moving', 'done', 'vanished', 'failed')),
        notified      INTEGER NOT NULL DEFAULT 0,
        failure       TEXT                      -- state failed: why the move failed (`errno name: text`)
    );
    INSERT INTO files_v3 (id, run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256, agency,
        year, outcome, findings, submission, errors, warnings, duplicate_of, dest, feedback, superseded_by, state,
        notified)
    SELECT id, run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256, agency, year, outcome,
        findings, submission, errors, warnings, duplicate_of, dest, feedback, superseded_by, state, notified
    FROM files;
    DROP TABLE files;
    ALTER TABLE files_v3 RENAME TO files;
    CREATE INDEX files_sha ON files(sha256);
    CREATE INDEX files_agency ON files(agency, outcome);
    """,
    # 4: the year's cycle (issue 16). Each file knows its kind (제출구분: plan | midyear | results; files before this
    # were all results) and whether it came after its phase's deadline; an agency has one current accepted file
    # per kind. `plans` keeps every confirmation of an agency's plan: the file confirmed, its bytes' sha256, when,
    # and the office's note; the highest version is the plan in force.
    """
    ALTER TABLE files ADD COLUMN submission_kind TEXT NOT NULL DEFAULT 'results';
    ALTER TABLE files ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE files ADD COLUMN plan_version INTEGER;  -- results/mid-year: the confirmed plan judged against
    CREATE INDEX files_agency_kind ON files(agency, submission_kind, outcome);
    CREATE TABLE plans (
        agency       TEXT NOT NULL,
        version      INTEGER NOT NULL,
        file_id      INTEGER NOT NULL REFERENCES files(id),
        sha256       TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        note         TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (agency, version)
    );
    """,
    # 5: the evaluation committee (issue 17): a committee workbook is a row of `files` (archived and hashed like a
    # submission, agency NULL) with what it merged; the latest accepted one wins. The year's finalization (and any
    # reopening), and the 변경이력: every change of an agency's total, old → new, with why.
    """
    CREATE TABLE committee_files (
        file_id     INTEGER PRIMARY KEY REFERENCES files(id),
        year        INTEGER NOT NULL,
        fingerprint TEXT NOT NULL               -- of the submissions the sheet was made from
    );
    CREATE TABLE committee_grades (
        file_id     INTEGER NOT NULL REFERENCES files(id),
        agency      TEXT NOT NULL,
        goal        TEXT NOT NULL,              -- goal number
        member      TEXT NOT NULL,
        position    INTEGER NOT NULL,           -- the member's column in the sheet
        grade       TEXT NOT NULL,
        fingerprint TEXT NOT NULL,              -- of the goal as graded (scoring.committee.goal_fingerprint)
        PRIMARY KEY (file_id, agency, goal, member)
    );
    CREATE TABLE committee_adjustments (
        id          INTEGER PRIMARY KEY,
        file_id     INTEGER NOT NULL REFERENCES files(id),
        agency      TEXT NOT NULL,
        points      TEXT NOT NULL,              -- Decimal as text
        reason      TEXT NOT NULL,
        basis       TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE finalizations (
        id          INTEGER PRIMARY KEY,
        year        INTEGER NOT NULL,
        action      TEXT NOT NULL CHECK (action IN ('finalize', 'reopen')),
        final_date  TEXT,                       -- finalize: the date the results say
        at          TEXT NOT NULL
    );
    CREATE TABLE changes (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        agency      TEXT NOT NULL,
        old_total   TEXT,
        new_total   TEXT,
        why         TEXT NOT NULL
    );
    """,
    # 6: what `pipeline status` shows of the committee: every file the night judged as a committee workbook, whatever
    # its outcome (a rejected one has no committee_files row and no agency, and would otherwise look like a file no
    # agency could be named for), and per agency the last run's count of qualitative goals and of those still
    # pending (graded by fewer members than the quorum, or changed since they were graded).
    """
    CREATE TABLE committee_received (
        file_id     INTEGER PRIMARY KEY REFERENCES files(id)
    );
    INSERT INTO committee_received (file_id) SELECT file_id FROM committee_files;
    ALTER TABLE standings ADD COLUMN qualitative INTEGER;   -- NULL: scored before this migration
    ALTER TABLE standings ADD COLUMN pending INTEGER;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class LedgerError(Exception):
    """The ledger is newer than this program, or unreadable."""


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the ledger to `SCHEMA_VERSION`. Foreign keys are off while a table is rebuilt (dropping the old table
    would otherwise delete through the references to it) and checked before they are on again."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LedgerError(f"ledger schema version {version} is newer than this program ({SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return
    keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for i in range(version, SCHEMA_VERSION):
            with conn:
                conn.executescript(f"BEGIN; {MIGRATIONS[i]}; PRAGMA user_version = {i + 1}; COMMIT;")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise LedgerError(f"ledger references broken after migration: {broken[:3]}")
    finally:
        conn.execute(f"PRAGMA foreign_keys={'ON' if keys else 'OFF'}")
