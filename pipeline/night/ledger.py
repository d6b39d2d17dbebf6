"""The ledger: SQLite in `state/`, the source of truth for what was received and where it went.

Every file taken from the inbox gets one row, written *before* the file is moved (state `moving`) and completed
after (state `done`). A run killed between the two leaves a row that says exactly what to finish, which is how a
re-run makes every file accounted for exactly once. Reports are rebuilt from these rows, never from folder
listings. WAL mode lets `pipeline status` read while a run writes. The tables and their migrations are in
`ledger_schema`. The mail outbox's table lives in the same database (one commit covers a file and its message):
`mail.outbox` owns it, and opening the ledger creates it.

A file the run could not move out of the inbox (another user's file in a shared drop folder) is `failed`, with the
reason: the night goes on without it, and every later run tries the move again before it looks at the inbox.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.core.findings import Finding
from pipeline.core.layout import KIND_PLAN, KIND_RESULTS
from pipeline.core.model import OUTCOME_ACCEPTED
from pipeline.core.printable import printable_json
from pipeline.mail import outbox
from pipeline.night import ledger_plans
from pipeline.night.ledger_plans import ConfirmedPlan  # noqa: F401 (re-exported: `Ledger.confirmed_plans()`' type)
from pipeline.night.ledger_schema import migrate

LEDGER_NAME = "ledger.sqlite3"


STATE_DONE = "done"  # the file is in place; before, `moving`: intent recorded, the move (and feedback) may not have
#                      happened yet; `vanished`: the file left the inbox between intent and move (not by us)
STATE_FAILED = "failed"  # the move failed (`failure` says why); the file is still in the inbox, tried again next run
BUSY_SECONDS = 30.0
"""How long a write waits for another connection's write transaction on the ledger before the run gives up (75)."""


@dataclass(frozen=True)
class FileRow:
    id: int
    run_id: str
    received_at: datetime
    original_name: str
    source_raw: bytes
    kind: str
    size: int
    mtime_ns: int
    sha256: str
    agency: str | None
    year: int | None
    outcome: str
    findings: tuple[Finding, ...]
    errors: int
    warnings: int
    duplicate_of: int | None
    dest: Path
    feedback: Path | None
    superseded_by: str | None
    state: str
    notified: bool
    failure: str | None = None  # state failed: why the move failed
    submission_kind: str = KIND_RESULTS  # 제출구분: plan | midyear | results (layout.SUBMISSION_KINDS)
    late: bool = False  # received after its phase's deadline ([calendar])
    plan_version: int | None = None  # results/mid-year: the version of the confirmed plan it was judged against
    committee: bool = False  # a committee workbook (정성평가 평정표) or a duplicate of one: no agency's file

    @property
    def current(self) -> bool:
        return self.outcome == OUTCOME_ACCEPTED and self.superseded_by is None and self.state == STATE_DONE


@dataclass(frozen=True)
class NewFile:
    """What a run decided about one file, before it is moved."""

    run_id: str
    received_at: datetime
    original_name: str
    source_raw: bytes
    kind: str
    size: int
    mtime_ns: int
    sha256: str
    agency: str | None
    year: int | None
    outcome: str
    findings: Sequence[Finding]
    dest: Path
    feedback: Path | None = None
    duplicate_of: int | None = None
    submission_json: str | None = None  # `submission_text.submission_json(sub)` of an accepted file
    submission_kind: str = KIND_RESULTS  # 제출구분 as read (results when it could not be read)
    late: bool = False
    plan_version: int | None = None


@dataclass(frozen=True)
class RunRow:
    id: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    counts: dict[str, Any]
    pid: int | None
    host: str | None


def findings_json(findings: Iterable[Finding]) -> str:
    return printable_json(json.dumps([f.to_record() for f in findings], ensure_ascii=False, default=str))


def _findings(text: str) -> tuple[Finding, ...]:
    return tuple(Finding.from_record(r) for r in json.loads(text or "[]"))


def _file(row: sqlite3.Row, committee: frozenset[int] = frozenset()) -> FileRow:
    """A file row; `committee`: the ids of the committee workbooks (`committee_ledger.mark_received`)."""
    findings = _findings(row["findings"])
    return FileRow(
        id=row["id"],
        run_id=row["run_id"],
        received_at=datetime.fromisoformat(row["received_at"]),
        original_name=row["original_name"],
        source_raw=bytes(row["source_raw"]),
        kind=row["kind"],
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        sha256=row["sha256"],
        agency=row["agency"],
        year=row["year"],
        outcome=row["outcome"],
        findings=findings,
        errors=row["errors"],
        warnings=row["warnings"],
        duplicate_of=row["duplicate_of"],
        dest=Path(row["dest"]),
        feedback=Path(row["feedback"]) if row["feedback"] else None,
        superseded_by=row["superseded_by"],
        state=row["state"],
        notified=bool(row["notified"]),
        failure=row["failure"],
        submission_kind=row["submission_kind"],
        late=bool(row["late"]),
        plan_version=row["plan_version"],
        committee=row["id"] in committee or row["duplicate_of"] in committee,
    )


def _run(row: sqlite3.Row) -> RunRow:
    return RunRow(
        id=row["id"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
        outcome=row["outcome"],
        counts=json.loads(row["counts"] or "{}"),
        pid=row["pid"],
        host=row["host"],
    )


class Ledger:
    """Thin typed access to the database; every write is its own short transaction, except intents and
    completions inside `group()`, which share one."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row
        self.conn = conn
        self.grouped = False  # inside `group()`: intents and completions join its one transaction

    @contextlib.contextmanager
    def group(self) -> Iterator[None]:
        """One transaction for several `record_intent` (or several `mark_done`) calls: one commit instead of one
        per file. Nothing of the group is durable until it commits, and nothing may be acted on before that:
        the caller records the intents of a group, then acts on each file, then marks the group done, so the
        rule "decide, record, act, record done" holds for every file of the group. Reads on this connection see
        the group's uncommitted rows (duplicates and destinations within a group are found as before)."""
        if self.grouped:
            raise RuntimeError("ledger groups do not nest")
        self.conn.execute("BEGIN IMMEDIATE")
        self.grouped = True
        try:
            yield
        except BaseException:
            self.grouped = False
            if self.conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                self.conn.execute("ROLLBACK")
            raise
        self.grouped = False
        self.conn.execute("COMMIT")

    def _write(self) -> contextlib.AbstractContextManager[Any]:
        """The transaction of one write: its own, or the open group's."""
        return contextlib.nullcontext() if self.grouped else self.conn

    # --- opening ---------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, state_dir: Path) -> Ledger:
        state_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(state_dir / LEDGER_NAME, isolation_level=None, timeout=BUSY_SECONDS)
        conn.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=FULL: a commit is on disk when COMMIT returns, so even a power cut cannot lose an
        # intent whose file was then moved (a file in archive/ with no ledger row would never be reported). The
        # batch commits intents and completions for groups of files, so this costs two fsyncs per group, not per
        # file (docs/performance.md, "Durability").
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
        outbox.ensure_schema(conn)
        return cls(conn)

    @classmethod
    def snapshot(cls, state_dir: Path) -> Ledger:
        """An in-memory copy for `--dry-run` and `status`: the run works on it as usual and nothing touches disk."""
        mem = sqlite3.connect(":memory:", isolation_level=None)
        path = state_dir / LEDGER_NAME
        if path.is_file():
            # A read-only open of a WAL database creates -wal/-shm files when they are missing; then the main file
            # holds every commit (the last writer checkpointed on close), so it is read as immutable instead.
            wal = path.with_name(path.name + "-wal")
            mode = "mode=ro" if wal.exists() else "immutable=1"
            src = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None)
            try:
                src.backup(mem)
            finally:
                src.close()
        migrate(mem)
        outbox.ensure_schema(mem)
        return cls(mem)

    def close(self) -> None:
        self.conn.close()

    # --- runs ------------------------------------------------------------------------------------------------
    def start_run(self, run_id: str, started_at: datetime, pid: int, host: str) -> list[str]:
        """Record the run; earlier runs still marked running were killed (we hold the lock): say so."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            stale = [r[0] for r in self.conn.execute("SELECT id FROM runs WHERE outcome = 'running'")]
            self.conn.execute("UPDATE runs SET outcome = 'interrupted' WHERE outcome = 'running'")
            self.conn.execute(
                "INSERT INTO runs (id, started_at, outcome, pid, host) VALUES (?, ?, 'running', ?, ?)",
                (run_id, started_at.isoformat(), pid, host),
            )
        return stale

    def finish_run(self, run_id: str, ended_at: datetime, outcome: str, counts: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE runs SET ended_at = ?, outcome = ?, counts = ? WHERE id = ?",
                (ended_at.isoformat(), outcome, json.dumps(counts, ensure_ascii=False), run_id),
            )

    def last_runs(self, n: int = 5) -> list[RunRow]:
        rows = self.conn.execute("SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?", (n,))
        return [_run(r) for r in rows]

    # --- files -----------------------------------------------------------------------------------------------
    def record_intent(self, f: NewFile) -> FileRow:
        """Step 1 of taking a file: what we decided and where it will go, committed before anything moves."""
        findings = list(f.findings)
        with self._write():
            cur = self.conn.execute(
                """INSERT INTO files (run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256,
                       agency, year, outcome, findings, errors, warnings, duplicate_of, dest, feedback,
                       submission_kind, late, plan_version, state)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'moving')""",
                (
                    f.run_id,
                    f.received_at.isoformat(),
                    f.original_name,
                    f.source_raw,
                    f.kind,
                    f.size,
                    f.mtime_ns,
                    f.sha256,
                    f.agency,
                    f.year,
                    f.outcome,
                    findings_json(findings),
                    sum(1 for x in findings if x.is_error),
                    sum(1 for x in findings if not x.is_error),
                    f.duplicate_of,
                    str(f.dest),
                    str(f.feedback) if f.feedback else None,
                    f.submission_kind,
                    int(f.late),
                    f.plan_version,
                ),
            )
            row_id = cur.lastrowid
            if f.submission_json is not None:
                self.conn.execute("INSERT INTO submissions (file_id, json) VALUES (?, ?)", (row_id, f.submission_json))
        return self.file(row_id)

    def mark_done(self, row: FileRow) -> None:
        """Step 3: the file is in place. An accepted file supersedes the agency's earlier current one in the same
        commit (or is superseded by a later one, when its move had failed and succeeds only now), so the agency
        always has exactly one current submission."""
        with self._write():
            if not self.grouped:
                self.conn.execute("BEGIN IMMEDIATE")
            if row.outcome == OUTCOME_ACCEPTED and row.agency:
                kind = row.submission_kind  # a plan never supersedes results, nor results a plan
                self.conn.execute(
                    """UPDATE files SET superseded_by = ? WHERE agency = ? AND submission_kind = ?
                       AND outcome = 'accepted' AND state = 'done' AND superseded_by IS NULL AND id < ?""",
                    (row.sha256, row.agency, kind, row.id),
                )
                self.conn.execute(  # done late (its move had failed) after a later one of its agency: that one wins
                    """UPDATE files SET superseded_by = (SELECT sha256 FROM files WHERE agency = ?
                           AND submission_kind = ? AND outcome = 'accepted' AND state = 'done' AND id > ?
                           ORDER BY id LIMIT 1)
                       WHERE id = ? AND state IN ('moving', 'failed')""",
                    (row.agency, kind, row.id, row.id),
                )
            self.conn.execute(
                "UPDATE files SET state = 'done', failure = NULL WHERE id = ? AND state IN ('moving', 'failed')",
                (row.id,),
            )

    def mark_failed(self, row: FileRow, failure: str) -> FileRow:
        """The move failed: the file stays in the inbox, the night goes on, the next run tries again."""
        with self._write():
            self.conn.execute("UPDATE files SET state = 'failed', failure = ? WHERE id = ?", (failure, row.id))
        return self.file(row.id)

    def mark_vanished(self, row: FileRow) -> None:
        with self.conn:
            self.conn.execute("UPDATE files SET state = 'vanished' WHERE id = ?", (row.id,))

    def clear_feedback(self, row: FileRow) -> FileRow:
        """The feedback workbook could not be written: record that there is none rather than retry forever."""
        with self.conn:
            self.conn.execute("UPDATE files SET feedback = NULL WHERE id = ?", (row.id,))
        return self.file(row.id)

    def mark_notified(self, row_ids: Iterable[int]) -> None:
        """One commit for many rows (or the open group's): a message is queued under a key before its row is
        marked, so a run killed before this commit only looks at those rows again and queues nothing twice."""
        with self._write():
            self.conn.executemany("UPDATE files SET notified = 1 WHERE id = ?", ((i,) for i in row_ids))

    def file(self, row_id: int) -> FileRow:
        row = self.conn.execute("SELECT * FROM files WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise KeyError(row_id)
        return _file(row, self.committee_ids())

    def files(self, where: str = "1", params: Sequence[Any] = ()) -> list[FileRow]:
        """Rows without their submission text (`submission_text` reads one): every row of a large ledger can be
        kept in memory."""
        committee = self.committee_ids()  # a handful of ids: cheaper than a subquery per row (20,000 rows: +25%)
        return [
            _file(r, committee) for r in self.conn.execute(f"SELECT * FROM files WHERE {where} ORDER BY id", params)
        ]

    def committee_ids(self) -> frozenset[int]:
        """The files judged as committee workbooks (`committee_ledger.mark_received`)."""
        return frozenset(r[0] for r in self.conn.execute("SELECT file_id FROM committee_received"))

    def pending(self) -> list[FileRow]:
        """Rows to finish before the inbox is looked at: a killed run's (`moving`), then those whose move failed."""
        return self.files("state = 'moving'") + self.failed()

    def failed(self) -> list[FileRow]:
        """Files decided but still in the inbox: the move failed (`failure` says why)."""
        return self.files("state = 'failed'")

    def received(self) -> list[FileRow]:
        """Every file that counts: in place, or being moved (vanished intents never arrived; a failed move is
        not in place, see `failed`)."""
        return self.files("state NOT IN ('vanished', 'failed')")

    def last_with_sha(self, sha256: str) -> FileRow | None:
        """The latest decision about these bytes: the last non-duplicate row with them (`night.resend` says
        whether bytes sent again are a duplicate of it or are checked again)."""
        if not sha256:
            return None
        rows = self.files("sha256 = ? AND outcome != 'duplicate' AND state NOT IN ('vanished', 'failed')", (sha256,))
        return rows[-1] if rows else None

    def last_accepted(self, agency: str | None, kind: str = KIND_RESULTS) -> FileRow | None:
        """The agency's last accepted file of a kind, done or still moving: its current one once the group is done."""
        rows = self.files(
            "agency = ? AND submission_kind = ? AND outcome = 'accepted' AND state NOT IN ('vanished', 'failed')",
            (agency, kind),
        )
        return rows[-1] if rows else None

    def current(self, kind: str = KIND_RESULTS) -> dict[str, FileRow]:
        """Agency code → its current accepted submission of a kind (results: what is scored; the row, its text is
        read with `submission_text`)."""
        rows = self.files(
            "outcome = 'accepted' AND superseded_by IS NULL AND state = 'done' AND submission_kind = ?", (kind,)
        )
        return {r.agency: r for r in rows if r.agency}

    # --- plans (issue 16: `ledger_plans`) ----------------------------------------------------------------------
    def confirmed_plans(self, sources: bool = False) -> dict[str, ConfirmedPlan]:
        """Agency code → its plan in force (the last confirmation), with the confirmed submission (`sources`: with
        each goal's cells, for `plan show`)."""
        return ledger_plans.confirmed_plans(self.conn, sources)

    def plan_requests(self) -> dict[str, FileRow]:
        """Agency code → its current accepted plan file when it is newer than the confirmed one: a change request,
        stored and not applied until confirmed (agencies with nothing confirmed yet are not in it)."""
        confirmed = ledger_plans.confirmed_files(self.conn)
        return {code: row for code, row in self.current(KIND_PLAN).items() if row.id > confirmed.get(code, row.id)}

    def confirm_plan(self, row: FileRow, at: datetime, note: str) -> int:
        """Freeze `row` (a current accepted plan file) as its agency's plan; the new version."""
        assert row.agency is not None and row.submission_kind == KIND_PLAN
        return ledger_plans.confirm(self.conn, row.agency, row.id, row.sha256, at, note)

    def submission_text(self, row_id: int) -> str | None:
        """The JSON of an accepted file's submission as judged on arrival (`submission_json`), None for others."""
        row = self.conn.execute("SELECT json FROM submissions WHERE file_id = ?", (row_id,)).fetchone()
        return row[0] if row is not None else None

    def dest_taken(self, dest: Path) -> bool:
        return self.conn.execute("SELECT 1 FROM files WHERE dest = ?", (str(dest),)).fetchone() is not None

    def unnotified(self) -> list[FileRow]:
        return self.files("state = 'done' AND notified = 0")

    # --- notices ---------------------------------------------------------------------------------------------
    def notice_once(self, key: str, run_id: str, seen_at: datetime) -> bool:
        """True the first time `key` is seen: lock files and hidden files are logged once, not every night."""
        with self.conn:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO notices (key, run_id, seen_at) VALUES (?, ?, ?)",
                (key, run_id, seen_at.isoformat()),
            )
        return cur.rowcount == 1

    # --- standings -------------------------------------------------------------------------------------------
    def save_standings(self, rows: Iterable[dict[str, Any]], as_of: datetime) -> None:
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("DELETE FROM standings")
            self.conn.executemany(
                """INSERT INTO standings (agency, status, total, grade, rank, excellent, provisional, qualitative,
                       pending, as_of)
                   VALUES (:agency, :status, :total, :grade, :rank, :excellent, :provisional, :qualitative, :pending,
                       :as_of)""",
                [{"qualitative": None, "pending": None, **r, "as_of": as_of.isoformat()} for r in rows],
            )

    def standings(self) -> dict[str, sqlite3.Row]:
        return {r["agency"]: r for r in self.conn.execute("SELECT * FROM standings")}
