"""Delivery guarantees against a real SMTP server on 127.0.0.1 and a real SQLite file: recorded before sending,
marked after, temporary failures retried, permanent ones recorded once, a crash costs at most one duplicate."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from mailserver import RecordingHandler, free_port, make_config, make_xlsx, smtp_server

from pipeline.core.model import AgencyResult, CityResult, SubmissionRecord
from pipeline.mail import outbox as delivery
from pipeline.mail.messages import feedback_message, reminder_message, report_message
from pipeline.mail.transports import FileTransport, SmtpTransport

RECORDS = [
    SubmissionRecord(datetime(2024, 12, 1, 9), "철도.xlsx", "11" * 32, "GMRT", "accepted"),
]


def city(total: str = "92.50") -> CityResult:
    return CityResult(
        year=2024,
        agencies=(
            AgencyResult("GMRT", "광주도시철도공사", "공사·공단", "교통정책과", "accepted",
                         total=Decimal(total), grade="S", rank=1, excellent=True),
            AgencyResult("GGCA", "광주그린카진흥원", "출자·출연기관", "미래차산업과", "missing"),
            AgencyResult("GCF", "광주문화재단", "출자·출연기관", "문화정책과", "missing"),
        ),
    )  # fmt: skip


def report(config, generated: str = "run 1"):
    """The report with a workbook whose bytes differ per run (like a real one stamped with its creation time)."""
    workbook = make_xlsx([("기관", "총점"), ("광주도시철도공사", 92.5), ("생성", generated)])
    return report_message(config, city(), [], workbook, "평가결과.xlsx", "results.xlsx", "ko")


def reminder(config, code: str = "GCF"):
    return reminder_message(config, config.agency(code), 3, make_xlsx([("기관코드", code)]), "서식.xlsx", "ko")


def row(db, key: str) -> dict:
    cur = db.execute("SELECT * FROM messages WHERE key = ?", (key,))
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    return dict(zip(names, found, strict=True)) if found else {}


def smtp(config, port: int) -> SmtpTransport:
    return SmtpTransport(make_config(config.home, port=port).mail.smtp)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# --- recording ------------------------------------------------------------------------------------------------
def test_schema_is_idempotent(db):
    delivery.ensure_schema(db)
    delivery.ensure_schema(db)
    assert delivery.status_counts(db) == {"pending": 0, "sent": 0, "failed": 0}


def test_enqueue_records_before_sending_and_is_idempotent(config, db, tmp_path):
    msg = reminder(config)
    key = delivery.enqueue(db, delivery.reminder_key(date(2024, 12, 17)), msg, "run-1", "reminder", "GCF")
    # committed: another connection (another process) sees the pending row before anything is sent
    other = sqlite3.connect(tmp_path / "ledger.sqlite")
    stored = other.execute("SELECT status, recipients, eml FROM messages WHERE key = ?", (key,)).fetchone()
    other.close()
    assert stored[0] == "pending" and stored[1] == '["eval@gjcf.example.kr"]'
    assert msg["Message-ID"] == f"<{key[:32]}.reminder@gwangju.example.go.kr>"
    again = delivery.enqueue(
        db, delivery.reminder_key(date(2024, 12, 17)), reminder(config), "run-2", "reminder", "GCF"
    )
    assert again == key
    assert db.execute("SELECT count(*), min(run_id) FROM messages").fetchone() == (1, "run-1")
    # what a transport gets is exactly what was recorded
    summary = delivery.send_pending(db, FileTransport(tmp_path / "mail"), retries=0)
    assert summary.sent == 1 and (tmp_path / "mail" / f"{key}.eml").read_bytes() == stored[2]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_the_state_digest_is_that_of_the_whole_repr_hashed_piece_by_piece(n):
    """Same digest as hashing `repr(city)` at once (what earlier versions stored), so an upgrade sends no
    extra report; the pieces just never hold the whole text."""
    whole = replace(city(), agencies=city().agencies[:n])
    files = sorted((r.sha256, r.outcome, r.agency_code or "", r.superseded_by or "") for r in RECORDS)
    text = repr(whole) + "\n" + json.dumps(files)
    assert delivery.state_digest(whole, RECORDS) == hashlib.sha256(text.encode()).hexdigest()


def test_same_report_for_an_unchanged_state_is_enqueued_once(config, db):
    state = delivery.state_digest(city(), RECORDS)
    first = delivery.enqueue(db, delivery.report_key(state), report(config, "run 1"), "run-1", "report", None)
    # next night: nothing new, the workbook is regenerated (other bytes) but the state is the same
    same = delivery.state_digest(city(), list(RECORDS))
    assert same == state
    second = delivery.enqueue(db, delivery.report_key(same), report(config, "run 2"), "run-2", "report", None)
    assert second == first
    # a new accepted file changes the state: a new report
    records = [*RECORDS, SubmissionRecord(datetime(2024, 12, 2), "문화.xlsx", "22" * 32, "GCF", "accepted")]
    changed = delivery.state_digest(city(), records)
    third = delivery.enqueue(db, delivery.report_key(changed), report(config, "run 3"), "run-3", "report", None)
    # so does a re-scored result
    rescored = delivery.state_digest(city("91.00"), records)
    assert len({state, changed, rescored}) == 3
    assert third != first
    # report = "always": one per run
    always = delivery.enqueue(db, delivery.report_key(changed, "run-4"), report(config), "run-4", "report", None)
    assert always not in (first, third)
    assert db.execute("SELECT count(*) FROM messages WHERE kind = 'report'").fetchone() == (3,)


def test_one_reminder_per_agency_per_day(config, db):
    day = date(2024, 12, 17)
    k1 = delivery.enqueue(db, delivery.reminder_key(day), reminder(config), "run-1", "reminder", "GCF")
    k2 = delivery.enqueue(db, delivery.reminder_key(day), reminder(config), "run-2", "reminder", "GCF")
    assert k1 == k2
    assert delivery.reminded_on(db, day) == {"GCF"}
    assert delivery.reminded_on(db, date(2024, 12, 18)) == set()
    k3 = delivery.enqueue(db, delivery.reminder_key(date(2024, 12, 18)), reminder(config), "run-3", "reminder", "GCF")
    assert k3 != k1


def test_unknown_kind_is_refused(config, db):
    with pytest.raises(ValueError, match="kind"):
        delivery.enqueue(db, ("x",), reminder(config), "run-1", "newsletter", "GCF")


# --- temporary failures ---------------------------------------------------------------------------------------
def test_451_then_250_is_retried_and_delivered_once(config, db):
    key = delivery.enqueue(db, ("t",), reminder(config), "run-1", "reminder", "GCF")
    handler = RecordingHandler(data_replies=["451 4.3.0 Temporary local problem, try again"])
    sleeps = Sleeps()
    with smtp_server(handler) as server:
        summary = delivery.send_pending(db, smtp(config, server.port), retries=3, backoff=lambda n: 7.0 * n,
                                        sleep=sleeps)  # fmt: skip
    assert (summary.sent, summary.temporary, summary.permanent) == (1, 0, 0)
    assert handler.data_commands == 2 and len(handler.received) == 1
    assert sleeps == [7.0]
    stored = row(db, key)
    assert stored["status"] == "sent" and stored["attempts"] == 2 and stored["last_error"] is None
    assert stored["sent_at"]


def test_temporary_failure_stays_pending_for_the_next_run(config, db):
    key = delivery.enqueue(db, ("t",), reminder(config), "run-1", "reminder", "GCF")
    handler = RecordingHandler(data_replies=["451 4.7.1 Greylisted"] * 3)
    sleeps = Sleeps()
    with smtp_server(handler) as server:
        summary = delivery.send_pending(db, smtp(config, server.port), retries=2, sleep=sleeps)
        assert (summary.sent, summary.temporary, summary.permanent) == (0, 1, 0)
        assert "451 4.7.1 Greylisted" in summary.problems[0] and "다음 실행" in summary.problems[0]
        assert sleeps == [5.0, 10.0], "default backoff, injected sleep"
        assert row(db, key)["status"] == "pending" and row(db, key)["attempts"] == 3
        # the next run
        summary = delivery.send_pending(db, smtp(config, server.port), retries=2, sleep=sleeps)
    assert summary.sent == 1 and len(handler.received) == 1


def test_server_down_leaves_everything_pending_and_stops_early(config, db):
    port = free_port()  # nobody listens here yet: connection refused
    keys = [delivery.enqueue(db, ("t",), reminder(config, code), "run-1", "reminder", code) for code in ("GCF", "GGCA")]
    sleeps = Sleeps()
    summary = delivery.send_pending(db, smtp(config, port), retries=2, backoff=lambda n: n, sleep=sleeps)
    assert (summary.sent, summary.temporary, summary.permanent) == (0, 2, 0)
    assert sleeps == [1, 2], "the first message is retried, the second is not tried against a dead server"
    assert "ConnectionRefusedError" in summary.problems[0]
    assert [row(db, k)["status"] for k in keys] == ["pending", "pending"]
    handler = RecordingHandler()
    with smtp_server(handler, port=port):
        summary = delivery.send_pending(db, smtp(config, port), retries=2, sleep=sleeps)
    assert summary.sent == 2 and sorted(r.rcpt_tos[0] for r in handler.received) == [
        "eval@gjcf.example.kr",
        "eval@greencar.example.kr",
    ]


# --- permanent failures ---------------------------------------------------------------------------------------
def test_550_is_recorded_failed_and_never_retried(config, db):
    record = SubmissionRecord(datetime(2024, 12, 10), "그린카.xlsx", "33" * 32, "GGCA", "rejected", errors=1)
    msg = feedback_message(config, config.agency("GGCA"), record, [], make_xlsx([("x",)]), "피드백.xlsx", "ko")
    key = delivery.enqueue(db, delivery.feedback_key(record), msg, "run-1", "feedback", "GGCA")
    handler = RecordingHandler(rcpt_replies=["550 5.1.1 <eval@greencar.example.kr>: Recipient address rejected"])
    sleeps = Sleeps()
    with smtp_server(handler) as server:
        summary = delivery.send_pending(db, smtp(config, server.port), retries=3, sleep=sleeps)
        assert (summary.sent, summary.temporary, summary.permanent) == (0, 0, 1)
        assert sleeps == [], "a permanent failure is not retried"
        assert "550 5.1.1" in summary.problems[0] and "eval@greencar.example.kr" in summary.problems[0]
        stored = row(db, key)
        assert stored["status"] == "failed" and "550" in stored["last_error"]
        # next run: not tried again, and re-enqueueing the same message does not revive it
        delivery.enqueue(db, delivery.feedback_key(record), msg, "run-2", "feedback", "GGCA")
        again = delivery.send_pending(db, smtp(config, server.port), retries=3, sleep=sleeps)
        assert (again.sent, again.temporary, again.permanent) == (0, 0, 0)
        assert handler.rcpt_commands == 1 and handler.received == []
    assert delivery.status_counts(db) == {"pending": 0, "sent": 0, "failed": 1}


def test_partly_refused_report_is_sent_once_and_the_refusal_reported(tmp_path, db):
    config = make_config(tmp_path, to=("office@gwangju.example.go.kr", "gone@gwangju.example.go.kr"))
    key = delivery.enqueue(db, ("state", "s"), report(config), "run-1", "report", None)
    handler = RecordingHandler(rcpt_replies=["250 OK", "550 5.1.1 no such user"])
    with smtp_server(handler) as server:
        summary = delivery.send_pending(db, smtp(config, server.port), retries=3, sleep=Sleeps())
        assert (summary.sent, summary.temporary, summary.permanent) == (1, 0, 1)
        assert "gone@gwangju.example.go.kr" in summary.problems[0]
        assert delivery.send_pending(db, smtp(config, server.port), retries=3).sent == 0
    assert [r.rcpt_tos for r in handler.received] == [["office@gwangju.example.go.kr"]]
    stored = row(db, key)
    assert stored["status"] == "sent" and "gone@gwangju.example.go.kr: 550" in stored["last_error"]


# --- crash between the server's acceptance and our record -----------------------------------------------------
def test_crash_after_acceptance_costs_at_most_one_duplicate(config, db, monkeypatch):
    key = delivery.enqueue(db, ("t",), reminder(config), "run-1", "reminder", "GCF")
    real_mark_sent = delivery._mark_sent
    crashes = []

    def crash_once(conn, key, refused):
        if not crashes:
            crashes.append(key)
            raise RuntimeError("power cut after 250 OK, before the commit")
        real_mark_sent(conn, key, refused)

    monkeypatch.setattr(delivery, "_mark_sent", crash_once)
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        with pytest.raises(RuntimeError, match="power cut"):
            delivery.send_pending(db, smtp(config, server.port), retries=3, sleep=Sleeps())
        assert len(handler.received) == 1 and row(db, key)["status"] == "pending", "not lost: still pending"
        # the next run sends it again (the one duplicate) and records it
        assert delivery.send_pending(db, smtp(config, server.port), retries=3, sleep=Sleeps()).sent == 1
        # and never again
        assert delivery.send_pending(db, smtp(config, server.port), retries=3, sleep=Sleeps()).sent == 0
    assert len(handler.received) == 2
    first, second = (r.data for r in handler.received)
    assert first == second, "the duplicate is byte-identical, same Message-ID, so clients can fold it"
    assert row(db, key)["status"] == "sent"


def test_pending_messages_from_earlier_runs_go_first(config, db, tmp_path):
    old = delivery.enqueue(db, ("t",), reminder(config, "GCF"), "run-1", "reminder", "GCF",
                           now=datetime(2024, 12, 16, 22))  # fmt: skip
    new = delivery.enqueue(db, ("t",), reminder(config, "GGCA"), "run-2", "reminder", "GGCA",
                           now=datetime(2024, 12, 17, 22))  # fmt: skip
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        assert delivery.send_pending(db, smtp(config, server.port), retries=0).sent == 2
    order = [r.rcpt_tos[0] for r in handler.received]
    assert order == ["eval@gjcf.example.kr", "eval@greencar.example.kr"]
    assert {row(db, old)["status"], row(db, new)["status"]} == {"sent"}
