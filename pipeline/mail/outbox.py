"""The durable outbox: every message is recorded in the ledger before it is sent and marked sent after.

Why this order: if the process dies between the server's "250 OK" and our commit, the message is still pending
and goes again at the next run: at most one duplicate, never a lost message. The duplicate carries the same
Message-ID (derived from the key), so mail clients that de-duplicate by Message-ID show it once.

The key scheme (see `message_key`): sha256 over kind, agency, the sorted envelope recipients and `key_parts`,
a tuple the caller chooses to name *what the message is about*:

| kind     | key_parts                        | so that                                                      |
|----------|----------------------------------|--------------------------------------------------------------|
| report   | `report_key(state_digest(...))`  | an unchanged state is never reported twice, whatever the run |
| feedback | `feedback_key(record)`           | one feedback per rejected file (its sha256)                  |
| receipt  | `receipt_key(record)`            | one receipt per accepted file                                |
| reminder | `reminder_key(today)`            | one reminder per agency per day                              |

The run id is stored with the row but is not part of the key (except `report_key(state, run_id)` for
`report = "always"`): a key of the run would resend the same report every night. The attachment's sha256 is
stored for audit but is not part of the key either: workbook writers stamp the creation time into the file, so
the bytes of a regenerated, identical report differ from run to run; the key names the attachment's *source*
(the state, the submitted file's sha256) instead. Recipients are in the key, so correcting a registered
address gives a new message rather than a silently skipped one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import smtplib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from pipeline.core.i18n import Text, tr
from pipeline.core.model import CityResult, SubmissionRecord
from pipeline.mail.mime import envelope, serialize
from pipeline.mail.transports import Transport, TransportSetupError

KINDS = ("report", "feedback", "receipt", "reminder")
PENDING, SENT, FAILED = "pending", "sent", "failed"

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    key               TEXT PRIMARY KEY,   -- message_key(): sha256 hex
    run_id            TEXT NOT NULL,      -- the run that recorded it
    kind              TEXT NOT NULL CHECK (kind IN ('report', 'feedback', 'receipt', 'reminder')),
    agency            TEXT,               -- agency code; NULL for the report
    key_parts         TEXT NOT NULL,      -- JSON of the caller's key_parts, to find e.g. today's reminders
    sender            TEXT NOT NULL,      -- envelope MAIL FROM
    recipients        TEXT NOT NULL,      -- JSON list, envelope RCPT TO
    subject           TEXT NOT NULL,
    attachment_sha256 TEXT,               -- audit only, not part of the key
    eml               BLOB NOT NULL,      -- the exact bytes sent
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    sent_at           TEXT
);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status, created_at);
CREATE INDEX IF NOT EXISTS messages_kind_agency ON messages (kind, agency);
"""


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the outbox table; the ledger opens the database (WAL) and calls this once per connection."""
    conn.executescript(SCHEMA)


# --- keys -----------------------------------------------------------------------------------------------------
def message_key(kind: str, agency: str | None, recipients: Iterable[str], key_parts: tuple) -> str:
    """Deterministic: the same message about the same thing to the same people always has the same key."""
    payload = {
        "kind": kind,
        "agency": agency or "",
        "to": sorted({r.strip().lower() for r in recipients}),
        "parts": [str(p) for p in key_parts],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def state_digest(city: CityResult, records: Iterable[SubmissionRecord]) -> str:
    """A digest of what the report shows: the scored result and every file the ledger knows with its outcome.

    A new accepted or rejected file, a changed adjustment or a re-scored goal changes it; a run that found
    nothing new does not. `repr` of the frozen result dataclasses is deterministic for equal values.
    """
    files = sorted((r.sha256, r.outcome, r.agency_code or "", r.superseded_by or "") for r in records)
    digest = hashlib.sha256()
    for piece in _repr_pieces(city):
        digest.update(piece.encode())
    digest.update(("\n" + json.dumps(files)).encode())
    return digest.hexdigest()


def _repr_pieces(city: CityResult) -> Iterator[str]:
    """`repr(city)` piece by piece (one agency at a time), the same characters: at 10,000 agencies the whole
    text would be hundreds of MB held at once only to be hashed."""
    agencies = city.agencies
    yield f"CityResult(year={city.year!r}, agencies=("
    for i, agency in enumerate(agencies):
        yield (", " if i else "") + repr(agency)
    yield ",))" if len(agencies) == 1 else "))"


def report_key(state: str, run_id: str | None = None) -> tuple:
    """`report = "on-change"`: pass only the state; `"always"`: pass the run too, so every run sends one."""
    return ("state", state) if run_id is None else ("state", state, "run", run_id)


def feedback_key(record: SubmissionRecord) -> tuple:
    return ("submission", record.sha256)


def receipt_key(record: SubmissionRecord) -> tuple:
    return ("submission", record.sha256)


def reminder_key(day: date) -> tuple:
    return ("day", day.isoformat())


# --- recording ------------------------------------------------------------------------------------------------
def _now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


def _attachments_sha256(message: EmailMessage) -> str | None:
    digests = []
    for part in message.iter_attachments():
        data = part.get_content()
        if isinstance(data, str):
            data = data.encode()
        digests.append(hashlib.sha256(data).hexdigest())
    return ",".join(digests) or None


def enqueue(
    conn: sqlite3.Connection,
    key_parts: tuple,
    message: EmailMessage,
    run_id: str,
    kind: str,
    agency: str | None,
    *,
    now: datetime | None = None,
) -> str:
    """Record `message` as pending and return its key; a second call with the same key changes nothing.

    Stamps Date and a Message-ID derived from the key (on `message` itself) just before serialising, then
    commits (or leaves the commit to the caller's open transaction), so the row exists before any transport sees
    the message. A row already sent or failed stays as it
    is: a permanent failure is not retried by re-enqueueing.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r} (known: {', '.join(KINDS)})")
    sender, recipients = envelope(message)
    if not recipients:
        raise ValueError(f"{kind} message has no recipients")
    key = message_key(kind, agency, recipients, key_parts)
    if conn.execute("SELECT 1 FROM messages WHERE key = ?", (key,)).fetchone():
        return key
    stamp = now or datetime.now(UTC)
    if message["Date"] is None:
        message["Date"] = format_datetime(stamp.astimezone())
    if message["Message-ID"] is None:
        domain = sender.rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<{key[:32]}.{kind}@{domain}>"
    # Inside the caller's transaction (the batch queues a night's messages in one), else in its own: either way
    # committed before any transport sees the message.
    with contextlib.nullcontext() if conn.in_transaction else conn:
        conn.execute(
            "INSERT OR IGNORE INTO messages (key, run_id, kind, agency, key_parts, sender, recipients, subject,"
            " attachment_sha256, eml, status, attempts, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            (
                key,
                run_id,
                kind,
                agency,
                json.dumps([str(p) for p in key_parts], ensure_ascii=False),
                sender,
                json.dumps(recipients),
                str(message["Subject"] or ""),
                _attachments_sha256(message),
                serialize(message),
                _now_text(stamp),
                _now_text(stamp),
            ),
        )
    return key


def reminded_on(conn: sqlite3.Connection, day: date) -> set[str]:
    """Agency codes that have a reminder recorded for `day` (the batch's `already_reminded_today`)."""
    parts = json.dumps(list(reminder_key(day)), ensure_ascii=False)
    rows = conn.execute(
        "SELECT agency FROM messages WHERE kind = 'reminder' AND key_parts = ? AND agency IS NOT NULL", (parts,)
    )
    return {row[0] for row in rows}


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """pending / sent / failed totals, for `pipeline status`."""
    counts = {PENDING: 0, SENT: 0, FAILED: 0}
    for status, n in conn.execute("SELECT status, count(*) FROM messages GROUP BY status"):
        counts[status] = n
    return counts


# --- sending --------------------------------------------------------------------------------------------------
@dataclass
class DeliverySummary:
    """What one `send_pending` did. `temporary` > 0 → exit code 75 (try again later); `permanent` > 0 → the
    run summary names the messages that will not arrive.

    A message accepted for some recipients and refused for others counts in `sent` (it is not resent, which
    would duplicate it for the others) and in `permanent` (the refused ones will not get it).
    """

    sent: int = 0
    temporary: int = 0
    permanent: int = 0
    problems: list[str] = field(default_factory=list)


T_KIND: dict[str, Text] = {
    "report": ("결과 보고", "report"),
    "feedback": ("반려 안내", "feedback"),
    "receipt": ("접수 확인", "receipt"),
    "reminder": ("제출 안내", "reminder"),
}
T_TEMPORARY: Text = (
    "메일({kind}) → {to}: 일시적 오류로 보내지 못함, 다음 실행 때 다시 보냄 ({error})",
    "mail ({kind}) to {to}: temporary failure, will retry at the next run ({error})",
)
T_PERMANENT: Text = (
    "메일({kind}) → {to}: 영구 오류로 보내지 못함, 다시 보내지 않음 ({error})",
    "mail ({kind}) to {to}: permanent failure, not retried ({error})",
)
T_PARTIAL: Text = (
    "메일({kind}): 일부 수신자가 거부함, 다시 보내지 않음 ({error})",
    "mail ({kind}): some recipients refused it, not retried ({error})",
)
T_SETUP: Text = (
    "메일 서버 연결 설정 문제로 {n}건을 보내지 못함, 다음 실행 때 다시 보냄 ({error})",
    "{n} {n:message|messages} not sent because the mail server session could not be set up; will retry next run ({error})",
)
T_STOPPED: Text = (
    "메일 서버에 연결할 수 없어 나머지 {n}건은 다음 실행 때 보냄",
    "mail server unreachable: the remaining {n} {n:message waits|messages wait} for the next run",
)


def default_backoff(attempt: int) -> float:
    """5 s, 10 s, 20 s, … capped at 5 minutes: long enough for a greylisting or restarting server."""
    return min(300.0, 5.0 * 2 ** (attempt - 1))


def classify(exc: BaseException) -> str | None:
    """'temporary', 'permanent', or None for an error that is ours (a bug): that one propagates.

    4xx replies, dropped connections, refusals and timeouts are temporary; 5xx replies are permanent. Refused
    recipients are temporary if any of them got a 4xx, since a resend may then still reach them.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return "temporary" if any(400 <= c < 500 for c in codes) or not codes else "permanent"
    if isinstance(exc, smtplib.SMTPResponseException):
        return "permanent" if exc.smtp_code >= 500 else "temporary"
    if isinstance(exc, smtplib.SMTPException | OSError):
        return "temporary"
    return None


def _unreachable(exc: BaseException) -> bool:
    """The server itself is out of reach: trying the other messages now would only wait out more timeouts."""
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {_reply_text(code, msg)}" for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_text(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _reply_text(code: int, msg: bytes | str) -> str:
    text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    return f"{code} {' '.join(text.split())}"


def _record_attempt(conn: sqlite3.Connection, key: str, error: str) -> None:
    with conn:
        conn.execute(
            "UPDATE messages SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE key = ?",
            (error, _now_text(), key),
        )


def _mark_sent(conn: sqlite3.Connection, key: str, refused: str | None) -> None:
    """The step after the server's acceptance; if the process dies before this commits, the message goes again."""
    now = _now_text()
    with conn:
        conn.execute(
            "UPDATE messages SET status = 'sent', attempts = attempts + 1, last_error = ?, sent_at = ?,"
            " updated_at = ? WHERE key = ?",
            (refused, now, now, key),
        )


def _mark_failed(conn: sqlite3.Connection, key: str, error: str) -> None:
    with conn:
        conn.execute(
            "UPDATE messages SET status = 'failed', attempts = attempts + 1, last_error = ?, updated_at = ?"
            " WHERE key = ?",
            (error, _now_text(), key),
        )


def send_pending(
    conn: sqlite3.Connection,
    transport: Transport,
    retries: int,
    backoff: Callable[[int], float] | None = None,
    sleep: Callable[[float], object] = time.sleep,
    *,
    lang: str = "ko",
) -> DeliverySummary:
    """Send every pending message, oldest first, including those left by earlier runs.

    Each message gets up to `retries` further attempts within this run, waiting `backoff(n)` before the n-th;
    a temporary failure then stays pending for the next run, a permanent one is marked failed and never tried
    again. When the server is unreachable or the session cannot be set up (STARTTLS missing, login refused),
    the remaining messages are left pending without trying them. The transport is closed at the end.
    """
    wait = backoff or default_backoff
    summary = DeliverySummary()
    rows = conn.execute(
        "SELECT key, kind, sender, recipients FROM messages WHERE status = 'pending' ORDER BY created_at, key"
    ).fetchall()
    try:
        for index, (key, kind, sender, recipients_json) in enumerate(rows):
            recipients = json.loads(recipients_json)
            eml = conn.execute("SELECT eml FROM messages WHERE key = ?", (key,)).fetchone()[0]  # one at a time
            label = tr(T_KIND.get(kind, (kind, kind)), lang)
            to = ", ".join(recipients)
            for attempt in range(retries + 1):
                if attempt:
                    sleep(wait(attempt))
                try:
                    refused = transport.send(key, sender, recipients, bytes(eml))
                except TransportSetupError as exc:
                    _record_attempt(conn, key, str(exc))
                    left = len(rows) - index
                    summary.temporary += left
                    summary.problems.append(tr(T_SETUP, lang, n=left, error=exc))
                    return summary
                except Exception as exc:
                    verdict = classify(exc)
                    if verdict is None:
                        raise
                    error = describe(exc)
                    if verdict == "permanent":
                        _mark_failed(conn, key, error)
                        summary.permanent += 1
                        summary.problems.append(tr(T_PERMANENT, lang, kind=label, to=to, error=error))
                        break
                    _record_attempt(conn, key, error)
                    if attempt < retries:
                        continue
                    summary.temporary += 1
                    summary.problems.append(tr(T_TEMPORARY, lang, kind=label, to=to, error=error))
                    if _unreachable(exc) and index + 1 < len(rows):
                        left = len(rows) - index - 1
                        summary.temporary += left
                        summary.problems.append(tr(T_STOPPED, lang, n=left))
                        return summary
                    break
                else:
                    refused_text = (
                        "; ".join(f"{a}: {_reply_text(c, m)}" for a, (c, m) in refused.items()) if refused else None
                    )
                    _mark_sent(conn, key, refused_text)
                    summary.sent += 1
                    if refused_text:
                        summary.permanent += 1
                        summary.problems.append(tr(T_PARTIAL, lang, kind=label, error=refused_text))
                    break
        return summary
    finally:
        transport.close()
