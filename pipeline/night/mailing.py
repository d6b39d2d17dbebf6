"""The night's mail: every message due is queued in the ledger first (one commit, keys make it idempotent), then
the outbox sends what is pending, including what earlier runs could not send.

Due tonight: feedback to the agency of each rejected file and a receipt for each accepted one, current or
already replaced by a later file (each file once: rows are marked notified in the same commit), the report to the office with this run's outcomes (when the state
it shows changed since the last report, or every run),
and reminders before the deadline to agencies without an accepted submission.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from pipeline.core.layout import KIND_PLAN, KIND_RESULTS
from pipeline.core.model import OUTCOME_ACCEPTED, OUTCOME_REJECTED, AgencyResult, ReportInput, Submission
from pipeline.exit_codes import Exit
from pipeline.feedback.names import feedback_file_name
from pipeline.intake import inbox as intake
from pipeline.mail import messages, outbox
from pipeline.mail.transports import make_transport
from pipeline.night.context import RunContext
from pipeline.night.ledger import FileRow
from pipeline.night.records import failed_record, finding_rows, submission_record
from pipeline.night.submission_text import parse_submission
from pipeline.settings.schema import Agency, Config
from pipeline.system import clock
from pipeline.system.child_job import Pending
from pipeline.template.files import template_file_name, template_workbook
from pipeline.validate.plan_diff import change_line, plan_changes


def mail(run: RunContext, data: ReportInput, today: date, report_state: Pending[str] | None) -> None:
    """Queue tonight's messages, then send every pending one (a dry run only counts what it would queue).
    `report_state`: the report's state digest, already being hashed in a forked child."""
    queued = queue_mail(run, data, today, report_state)
    summary = run.summary
    if run.dry_run:
        summary.mail = {"queued": queued}
        return
    transport = make_transport(run.config, run.paths.outbox / f"{today:%Y-%m-%d}" / "mail")
    result = outbox.send_pending(run.ledger.conn, transport, run.config.mail.retries, lang=run.lang)
    run.crash("mail_sent")
    summary.mail = {
        "queued": queued,
        "sent": result.sent,
        "temporary": result.temporary,
        "permanent": result.permanent,
    }
    summary.problems += result.problems
    run.log("mail", **summary.mail, problems=result.problems)
    if result.temporary:
        summary.exit_code = Exit.TEMPORARY


def queue_mail(run: RunContext, data: ReportInput, today: date, report_state: Pending[str] | None) -> int:
    """Record every message due in the ledger (keys make this idempotent) and mark the files notified, in one
    transaction: one commit for the night's messages, all of them durable before anything is sent."""
    with run.ledger.group():
        fresh = run.ledger.unnotified()  # the files no message has told of yet: this run's outcomes
        queued = _queue_file_messages(run, data, fresh)
        queued += _queue_report(run, data, report_state, fresh)
        queued += _queue_reminders(run, data, today)
    if queued:
        run.crash("mail_queued")
    return queued


def _queue_file_messages(run: RunContext, data: ReportInput, fresh: list[FileRow]) -> int:
    """Feedback for each rejected file, a receipt for each accepted one (`_receipt`); every file looked at is
    marked notified, so none is looked at twice."""
    config, conn = run.config, run.ledger.conn
    queued = 0
    by_code = {a.code: a for a in data.city.agencies}
    notified: list[int] = []
    for row in fresh:
        agency = config.agency(row.agency) if row.agency else None
        record = submission_record(row, run.lang)
        message = None
        if agency is not None and row.outcome == OUTCOME_REJECTED and row.feedback and row.feedback.is_file():
            message = messages.feedback_message(
                config,
                agency,
                record,
                finding_rows(row, run.lang),
                row.feedback.read_bytes(),
                _feedback_attachment_name(row),
                run.lang,
            )
            kind, key = "feedback", outbox.feedback_key(record)
        elif agency is not None and row.outcome == OUTCOME_ACCEPTED and config.mail.receipts:
            message = _receipt(run, agency, row, by_code.get(agency.code))
            kind, key = "receipt", outbox.receipt_key(record)
        if message is not None:
            key = key if row.duplicate_of is None else (*key, "sent again", row.id)  # not the earlier file's key
            outbox.enqueue(conn, key, message, run.run_id, kind, agency.code, now=clock.now())
            queued += 1
        notified.append(row.id)
    run.ledger.mark_notified(notified)
    return queued


def _receipt(run: RunContext, agency: Agency, row: FileRow, result: AgencyResult | None) -> EmailMessage | None:
    """The receipt of an accepted file: with the agency's score when it is current, without when a later file
    already replaced it (the agency still hears that a file was accepted in its name); naming the earlier file
    with the same bytes when it was sent again."""
    if row.submission_kind != KIND_RESULTS:  # a plan or mid-year file: acknowledged, never scored
        result = None
    elif row.current and result is None:
        return None  # no result for the current file (not scored tonight): nothing true to say about its score
    earlier = run.ledger.file(row.duplicate_of) if row.duplicate_of else None
    return messages.receipt_message(
        run.config,
        agency,
        submission_record(row, run.lang),
        result if row.current else None,
        run.lang,
        submission_record(earlier, run.lang) if earlier is not None else None,
        change_request=row.submission_kind == KIND_PLAN and row.agency in run.basis.plans,
    )


def _queue_report(run: RunContext, data: ReportInput, report_state: Pending[str] | None, fresh: list[FileRow]) -> int:
    """The report to the office, keyed by the state it shows (`report = "on-change"`) or also by the run
    (`"always"`); over `max_attachment_mb` the workbook is named, not attached. Before any file was received
    there is no news ("제출 0/3"): "on-change" waits for the first file, whatever was left in the inbox. Files
    whose move failed are open problems the office must solve: the report lists them, and a file failing (or
    moved at last) is news of its own."""
    config, conn = run.config, run.ledger.conn
    if config.mail.report == "never" or not config.mail.to:
        return 0
    stuck = run.ledger.failed()
    if config.mail.report == "on-change" and not data.history and not stuck:
        return 0
    state = report_state.result() if report_state else outbox.state_digest(data.city, data.history)
    if stuck:
        state = _with_stuck(state, stuck)
    key = outbox.report_key(state, run.run_id if config.mail.report == "always" else None)
    workbook = Path(run.summary.outputs.get("workbook", ""))
    if not (run.dry_run or workbook.is_file()):
        return 0
    attachment: bytes | Path = b""  # a dry run may have no workbook
    if workbook.is_file():
        too_big = workbook.stat().st_size > config.mail.max_attachment_mb * 1048576
        attachment = workbook if too_big else workbook.read_bytes()
    run_files = [submission_record(r, run.lang) for r in fresh]
    message = messages.report_message(
        config,
        data.city,
        run_files,
        attachment,
        workbook.name,
        run.summary.outputs.get("workbook_ascii_name", "report.xlsx"),
        run.lang,
        stuck=[failed_record(r, run.lang) for r in stuck],
        plan_requests=plan_request_lines(run, run.lang),
    )
    before = conn.total_changes
    outbox.enqueue(conn, key, message, run.run_id, "report", None, now=clock.now())
    return int(conn.total_changes != before)


def plan_request_lines(run: RunContext, lang: str) -> list[tuple[str, list[str]]]:
    """Each agency's pending plan change request as the lines of its changes (`validate.plan_diff`), against the
    plans the night already holds (`run.basis`), not a second read of them."""
    out = []
    for code, row in sorted(run.ledger.plan_requests().items()):
        agency, text, plan = run.config.agency(code), run.ledger.submission_text(row.id), run.basis.plans.get(code)
        if agency is None or text is None or plan is None:
            continue
        changes = plan_changes(plan[1], parse_submission(text, sources=False))
        out.append((agency.name, [change_line(c, lang) for c in changes]))
    return out


def _with_stuck(state: str, stuck: list[FileRow]) -> str:
    """The report's state with the files still waiting in the inbox, which the report lists too."""
    return hashlib.sha256(f"{state}\n{sorted(r.id for r in stuck)}".encode()).hexdigest()


def _queue_reminders(run: RunContext, data: ReportInput, today: date) -> int:
    """Before the deadline, the prefilled template to each agency without an accepted submission, once a day."""
    config, conn = run.config, run.ledger.conn
    phase = config.calendar.open_phase(today)  # the deadline reminded of, and the template attached, are its
    accepted = set(data.current) if phase == KIND_RESULTS else set(run.ledger.current(phase))
    due = messages.reminders_due(config, today, accepted, outbox.reminded_on(conn, today))
    for agency in due:
        body, name = _prefilled_template(config, agency, run.lang, phase, run.basis.plans.get(agency.code))
        days = messages.days_until_deadline(config, today)
        message = messages.reminder_message(config, agency, days, body, name, run.lang, today=today)
        outbox.enqueue(conn, outbox.reminder_key(today), message, run.run_id, "reminder", agency.code, now=clock.now())
    return len(due)


def _feedback_attachment_name(row: FileRow) -> str:
    return feedback_file_name(intake.safe_name(row.original_name))


def _prefilled_template(
    config: Config, agency: Agency, lang: str, kind: str = KIND_RESULTS, plan: tuple[int, Submission] | None = None
) -> tuple[bytes, str]:
    """The open phase's template for the agency, with its confirmed plan for the mid-year check and the results."""
    buf = io.BytesIO()
    template_workbook(lang, config, agency, kind, plan[1] if plan is not None and kind != KIND_PLAN else None).save(buf)
    return buf.getvalue(), template_file_name(lang, agency, kind)
