"""What each of the four messages says: the report to the office, feedback, a receipt and a reminder to an
agency, in the reader's language; and who is reminded when.

Builders take plain values and return an `EmailMessage`; they read no clock and touch no file, so a test can
check every header. Dates and Message-IDs are stamped by `outbox.enqueue`, which records the exact bytes that
the transports later send: what the ledger holds is what the server gets.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from pipeline.core.committee_layout import SHEET_GRADES
from pipeline.core.i18n import Text, tr
from pipeline.core.model import (
    OUTCOME_REJECTED,
    STATUS_ACCEPTED,
    STATUS_REJECTED,
    AgencyResult,
    CityResult,
    FindingRow,
    SubmissionRecord,
)
from pipeline.core.printable import printable
from pipeline.core.vocabulary import HOW_TO_FIX, KIND_WORDS, OUTCOME, SEVERITY, STATUS, word
from pipeline.mail.mime import address, ascii_fallback, clean_header, compose
from pipeline.settings.schema import Agency, Config

MAX_FINDINGS_IN_BODY = 40
"""Past this the body points to the attached workbook, which holds every finding next to its cell."""


# --- texts ----------------------------------------------------------------------------------------------------
T_FOOTER: Text = (
    "이 메일은 {title} 처리 시스템이 자동으로 보냈습니다. 문의는 평가 담당 부서로 해 주십시오.",
    "This message was sent automatically by the {title} system. Please direct questions to the evaluation office.",
)
T_REPORT_SUBJECT: Text = (
    "[{title}] 평가 결과 보고: 제출 {accepted}/{total}개 기관",
    "[{title}] Evaluation report: {accepted} of {total} {total:agency|agencies} submitted",
)
T_REPORT_INTRO: Text = (
    "평가 담당자님께,\n\n최신 통합 결과 파일을 첨부합니다.",
    "To the evaluation office,\n\nThe latest consolidated workbook is attached.",
)
T_REPORT_NOT_ATTACHED: Text = (
    "평가 담당자님께,\n\n최신 통합 결과 파일은 {size} MB로 메일 첨부 한도({limit} MB)보다 커서 첨부하지 않았습니다. "
    "다음 위치에서 여십시오:\n{path}",
    "To the evaluation office,\n\nThe latest consolidated workbook ({size} MB) is larger than the mail attachment "
    "limit ({limit} MB), so it is not attached. Open it here:\n{path}",
)
T_REPORT_COUNTS: Text = (
    "제출 현황: 전체 {total}개 기관 중 접수 {accepted}, 반려 {rejected}, 미제출 {missing}.",
    "Submissions: of {total} {total:agency|agencies}, {accepted} accepted, {rejected} rejected, {missing} not submitted.",
)
T_REPORT_PROVISIONAL: Text = (
    "정성평가 등 아직 평가되지 않은 목표가 있는 기관 {n}곳의 점수는 잠정입니다.",
    "{n} {n:agency has a provisional score|agencies have provisional scores}: some goals (e.g. qualitative) are "
    "not graded yet.",
)
T_EXCELLENT: Text = ("현재 우수기관 ({n}):", "Excellent agencies so far ({n}):")
T_EXCELLENT_NONE: Text = ("현재 우수기관: 없음", "Excellent agencies so far: none")
T_EXCELLENT_LINE: Text = ("- {name}: 총점 {total}점, {grade}등급", "- {name}: total {total}, grade {grade}")
T_NOT_SUBMITTED: Text = ("아직 접수되지 않은 기관 ({n}):", "Agencies without an accepted submission ({n}):")
T_NOT_SUBMITTED_NONE: Text = ("아직 접수되지 않은 기관: 없음", "Agencies without an accepted submission: none")
T_RUN_OUTCOMES: Text = ("이번 실행: {counts}", "This run: {counts}")
T_REJECTIONS: Text = ("이번 실행에서 반려된 파일 ({n}):", "Files rejected in this run ({n}):")
T_REJECTIONS_NONE: Text = ("이번 실행에서 반려된 파일: 없음", "Files rejected in this run: none")
T_REJECTION_LINE: Text = (
    "- {file} ({agency}): 오류 {errors}건, 경고 {warnings}건",
    "- {file} ({agency}): {errors} {errors:error|errors}, {warnings} {warnings:warning|warnings}",
)
T_UNKNOWN_AGENCY: Text = ("기관 미확인", "agency not identified")
T_STUCK: Text = (
    "받은 편지함(inbox)에서 옮기지 못한 파일 ({n}, 처리하지 않음):",
    "Files that could not be moved out of the inbox ({n}, not processed):",
)
T_STUCK_LINE: Text = ("- {file} ({agency}): {reason}", "- {file} ({agency}): {reason}")

T_FEEDBACK_SUBJECT: Text = (
    "[{title}] 제출 파일 반려 안내: {agency} ({file})",
    "[{title}] Submission returned: {agency} ({file})",
)
T_FEEDBACK_INTRO: Text = (
    "{agency} 담당자님께,\n\n{received}에 받은 파일 「{file}」을 검토한 결과 오류 {errors}건, 경고 {warnings}건이 있어 "
    "반려합니다.\n첨부한 파일에 문제가 있는 셀을 색과 메모로 표시했습니다. 고쳐서 다시 제출해 주십시오.",
    'To {agency},\n\nThe file "{file}" received on {received} has {errors} {errors:error|errors} and '
    "{warnings} {warnings:warning|warnings} and "
    "is returned.\nThe attached workbook marks each cell concerned with a colour and a comment. Please correct "
    "it and submit it again.",
)
T_DEADLINE: Text = ("제출 마감: {deadline}", "Deadline: {deadline}")
T_FINDINGS: Text = ("검토 결과:", "Findings:")
T_FINDING_LINE: Text = ("- {where} [{severity}] {message}", "- {where} [{severity}] {message}")
T_FINDINGS_MORE: Text = (
    "외 {n}건은 첨부 파일에서 확인해 주십시오.",
    "{n} more {n:is|are} listed in the attached workbook.",
)

T_RECEIPT_SUBJECT: Text = ("[{title}] 제출 접수 확인: {agency}", "[{title}] Submission received: {agency}")
T_RECEIPT_BODY: Text = (
    "{agency} 담당자님께,\n\n{received}에 받은 파일 「{file}」을 접수했습니다 (성과목표 {goals}개, 경고 {warnings}건).",
    'To {agency},\n\nThe file "{file}" received on {received} is accepted ({goals} {goals:goal|goals}, '
    "{warnings} {warnings:warning|warnings}).",
)
T_RECEIPT_SCORE: Text = (
    "잠정 총점: {total}점 ({grade}등급). 최종 결과는 평가위원회 검토 후 확정됩니다.",
    "Provisional total: {total} (grade {grade}). Final results are set after the committee's review.",
)
T_RECEIPT_PENDING: Text = (
    "정성평가 등 아직 평가되지 않은 목표가 있어 점수는 바뀔 수 있습니다.",
    "Some goals (e.g. qualitative) are not graded yet, so the score may change.",
)
T_RECEIPT_NO_SCORE: Text = ("점수는 평가가 끝난 뒤 알려 드립니다.", "The score follows once the goals are graded.")
T_RECEIPT_REPLACED_BODY: Text = (
    "{agency} 담당자님께,\n\n{received}에 받은 파일 「{file}」을 접수했습니다 (경고 {warnings}건).",
    'To {agency},\n\nThe file "{file}" received on {received} is accepted ({warnings} {warnings:warning|warnings}).',
)
T_RECEIPT_REPLACED: Text = (
    "그 뒤에 받은 파일이 이 파일을 대신하므로 이 파일의 점수는 반영되지 않습니다.",
    "A file received after it replaces it, so this file's score does not count.",
)
T_RECEIPT_SENT_AGAIN: Text = (
    "{at}에 받은 「{name}」과 같은 파일입니다. 가장 나중에 보낸 파일을 반영하므로 이 파일이 다시 현재 제출입니다.",
    'It is the same file as "{name}" received on {at}. The last file sent is the one that counts, so this file is '
    "your current submission again.",
)
T_RECEIPT_CHECKED_AGAIN: Text = (
    "{at}에 받은 「{name}」과 같은 파일로, 그때는 반려했지만 다시 검사해 접수했습니다.",
    'It is the same file as "{name}" received on {at}, returned then; it was checked again and is accepted now.',
)
T_RECEIPT_PHASE: Text = (
    "{kind} 제출로 접수했습니다. 점수는 연말 실적 제출에만 매깁니다.",
    "Accepted as the {kind}. Only the year-end results are scored.",
)
T_RECEIPT_CHANGE_REQUEST: Text = (
    "확정된 계획이 이미 있으므로 이 파일은 계획 변경요청입니다: 평가부서가 확정하기 전에는 적용되지 않습니다.",
    "A plan is already confirmed, so this file is a plan change request: it does not apply until the office"
    " confirms it.",
)
T_RECEIPT_NOT_YOU: Text = (
    "이 파일을 보내지 않으셨다면 평가 담당 부서에 바로 알려 주십시오.",
    "If you did not send this file, please tell the evaluation office at once.",
)

T_REMINDER_SUBJECT: Text = (
    "[{title}] 성과 {kind} 제출 마감 {days}일 전 안내: {agency}",
    "[{title}] {days} {days:day|days} left to submit: {agency}",
)
T_REMINDER_SUBJECT_TODAY: Text = (
    "[{title}] 성과 {kind} 제출 마감일 안내 (오늘 마감): {agency}",
    "[{title}] Submission deadline is today: {agency}",
)
T_REMINDER_BODY: Text = (
    "{agency} 담당자님께,\n\n{title}의 {kind} 제출 마감은 {deadline}입니다. 아직 접수된 제출 파일이 없습니다.\n"
    "기관 정보를 미리 채운 서식 「{file}」을 첨부합니다. 작성하여 마감일까지 제출해 주십시오.\n"
    "이미 제출하셨다면 검토 중이거나 반려된 것일 수 있으니 반려 안내 메일을 확인해 주십시오.",
    "To {agency},\n\nThe {kind} deadline for {title} is {deadline}, and no accepted submission has been received yet.\n"
    'The attached template "{file}" is prefilled with your agency\'s details. Please complete and submit it '
    "by the deadline.\nIf you have already submitted, please check for a message returning your file.",
)


def _num(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _when(record: SubmissionRecord) -> str:
    return record.received_at.strftime("%Y-%m-%d %H:%M")


def _title(config: Config) -> str:
    return clean_header(config.evaluation.title)


def _footer(config: Config, lang: str) -> str:
    return "\n\n-- \n" + tr(T_FOOTER, lang, title=_title(config))


def _one_line(text: str) -> str:
    """Values from a workbook or a file name go into the body on one line, whatever they hold: controls and
    direction marks shown as escapes (`printable`), runs of spaces as one."""
    return " ".join(printable(text).split())


def _owner(config: Config, r: SubmissionRecord, lang: str) -> str:
    """Whose file: its agency's name, 정성평가 평정표 for a committee workbook, else that no agency was named."""
    agency = config.agency(r.agency_code) if r.agency_code else None
    if agency is not None:
        return _one_line(agency.name)
    return tr(SHEET_GRADES, lang) if r.committee else _one_line(r.agency_code or tr(T_UNKNOWN_AGENCY, lang))


def _run_lines(config: Config, run_files: list[SubmissionRecord], lang: str) -> list[str]:
    """This run's outcomes: how many files of each, then every rejected one with its errors and first reason."""
    counts = ", ".join(f"{word(OUTCOME, k, lang)} {sum(r.outcome == k for r in run_files)}" for k in OUTCOME)
    lines = [tr(T_RUN_OUTCOMES, lang, counts=counts)]
    rejections = [r for r in run_files if r.outcome == OUTCOME_REJECTED]
    if not rejections:
        return [*lines, tr(T_REJECTIONS_NONE, lang)]
    lines.append(tr(T_REJECTIONS, lang, n=len(rejections)))
    for r in rejections:
        name = _owner(config, r, lang)
        reason = f": {_one_line(r.reason)}" if r.reason else ""
        line = tr(
            T_REJECTION_LINE, lang, file=_one_line(r.file_name), agency=name, errors=r.errors, warnings=r.warnings
        )
        lines.append(line + reason)
    return lines


def _stuck_lines(config: Config, stuck: list[SubmissionRecord], lang: str) -> list[str]:
    """Files still in the inbox because their move failed, each with why (an open problem for the office)."""
    if not stuck:
        return []
    lines = ["", tr(T_STUCK, lang, n=len(stuck))]
    for r in stuck:
        name = _owner(config, r, lang)
        lines.append(tr(T_STUCK_LINE, lang, file=_one_line(r.file_name), agency=name, reason=_one_line(r.reason)))
    return lines


# --- the four messages ----------------------------------------------------------------------------------------
T_PLAN_REQUESTS: Text = (
    "계획 변경요청 ({n}개 기관): 확정(`pipeline plan confirm`) 전에는 적용되지 않습니다.",
    "Plan change requests ({n} {n:agency|agencies}), not applied until confirmed (`pipeline plan confirm`):",
)


def _plan_request_lines(requests: list[tuple[str, list[str]]], lang: str) -> list[str]:
    """Plan files accepted after their agency's confirmation: each agency with what would change."""
    if not requests:
        return []
    lines = ["", tr(T_PLAN_REQUESTS, lang, n=len(requests))]
    for name, changes in requests:
        lines.append(f"- {_one_line(name)}")
        lines += [f"  {_one_line(c)}" for c in changes]
    return lines


def report_message(
    config: Config,
    city: CityResult,
    run_files: list[SubmissionRecord],
    attachment: bytes | Path,
    attachment_name: str,
    ascii_name: str,
    lang: str,
    stuck: list[SubmissionRecord] | None = None,
    plan_requests: list[tuple[str, list[str]]] | None = None,
) -> EmailMessage:
    """The consolidated workbook to the evaluation office, with what changed summed up in the body: where the
    city stands, then `run_files`, the files this run told of first (each file is in one report only, so an
    earlier run's rejections never come back in a report after they were resubmitted and accepted), then `stuck`,
    the files still in the inbox because their move failed, with why (until they are moved), then
    `plan_requests`: (agency name, its change lines) of plan files accepted after a confirmation, not applied.

    `attachment` is the workbook's bytes, or the path of a workbook over `[mail].max_attachment_mb`: servers
    refuse large messages (Postfix's default limit is 10 MB, and base64 makes an attachment a third larger), so
    a big one is not attached and the body says where it is."""
    if not config.mail.to:
        raise ValueError("[mail].to is empty: nobody to send the report to")
    by_status = {s: [a for a in city.agencies if a.status == s] for s in (STATUS_ACCEPTED, STATUS_REJECTED)}
    accepted, rejected = len(by_status[STATUS_ACCEPTED]), len(by_status[STATUS_REJECTED])
    total = len(city.agencies)
    missing = total - accepted - rejected
    title = _title(config)
    if isinstance(attachment, Path):
        size = f"{attachment.stat().st_size / 1048576:.1f}"
        limit = f"{config.mail.max_attachment_mb:g}"
        intro, attached = tr(T_REPORT_NOT_ATTACHED, lang, size=size, limit=limit, path=attachment), None
    else:
        intro, attached = tr(T_REPORT_INTRO, lang), (attachment, attachment_name, ascii_name)
    lines = [
        intro,
        "",
        tr(T_REPORT_COUNTS, lang, total=total, accepted=accepted, rejected=rejected, missing=missing),
    ]
    provisional = sum(1 for a in city.agencies if a.provisional)
    if provisional:
        lines.append(tr(T_REPORT_PROVISIONAL, lang, n=provisional))
    lines.append("")
    excellent = city.excellent
    if excellent:
        lines.append(tr(T_EXCELLENT, lang, n=len(excellent)))
        lines += [
            tr(T_EXCELLENT_LINE, lang, name=_one_line(a.name), total=_num(a.total), grade=a.grade or "-")
            for a in excellent
        ]
    else:
        lines.append(tr(T_EXCELLENT_NONE, lang))
    lines.append("")
    waiting = [a for a in city.agencies if a.status != STATUS_ACCEPTED]
    if waiting:
        lines.append(tr(T_NOT_SUBMITTED, lang, n=len(waiting)))
        for a in waiting:
            label = STATUS[a.status]
            lines.append(f"- {_one_line(a.name)} ({tr(label, lang)})")
    else:
        lines.append(tr(T_NOT_SUBMITTED_NONE, lang))
    lines.append("")
    lines += _run_lines(config, run_files, lang)
    lines += _stuck_lines(config, stuck or [], lang)
    lines += _plan_request_lines(plan_requests or [], lang)
    to = [address(*parseaddr(a)) for a in config.mail.to]
    subject = tr(T_REPORT_SUBJECT, lang, title=title, accepted=accepted, total=total)
    body = "\n".join(lines) + _footer(config, lang)
    return compose(config.mail.sender, to, subject, body, attached)


def feedback_message(
    config: Config,
    agency: Agency,
    record: SubmissionRecord,
    findings: list[FindingRow],
    attachment: bytes,
    attachment_name: str,
    lang: str,
    ascii_name: str | None = None,
) -> EmailMessage:
    """The marked-up workbook back to the agency's registered address, with the findings in the body.

    The address is `agency.email` from pipeline.toml, never the one written in the workbook: a submitted file
    must not be able to redirect feedback (or anything else) to an address of its choosing.
    """
    title = _title(config)
    name = _one_line(agency.name)
    lines = [
        tr(
            T_FEEDBACK_INTRO,
            lang,
            agency=name,
            file=_one_line(record.file_name),
            received=_when(record),
            errors=record.errors,
            warnings=record.warnings,
        )
    ]
    if config.evaluation.deadline:
        lines.append(tr(T_DEADLINE, lang, deadline=config.evaluation.deadline.isoformat()))
    if findings:
        ordered = sorted(findings, key=lambda f: f.severity != "error")  # errors first, stable otherwise
        lines += ["", tr(T_FINDINGS, lang)]
        for f in ordered[:MAX_FINDINGS_IN_BODY]:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or f.code)
            severity = word(SEVERITY, f.severity, lang)
            message = f.message.removeprefix(f"{where}: ")  # the message names its place too; say it once
            lines.append(
                tr(T_FINDING_LINE, lang, where=_one_line(where), severity=severity, message=_one_line(message))
            )
            if f.hint:
                lines.append(f"  {tr(HOW_TO_FIX, lang)}: {_one_line(f.hint)}")
        if len(ordered) > MAX_FINDINGS_IN_BODY:
            lines.append(tr(T_FINDINGS_MORE, lang, n=len(ordered) - MAX_FINDINGS_IN_BODY))
    subject = tr(T_FEEDBACK_SUBJECT, lang, title=title, agency=name, file=_one_line(record.file_name))
    fallback = ascii_name or f"{ascii_fallback(agency.code, 'agency')}-feedback.xlsx"
    body = "\n".join(lines) + _footer(config, lang)
    return compose(
        config.mail.sender, [address(agency.name, agency.email)], subject, body, (attachment, attachment_name, fallback)
    )


def receipt_message(
    config: Config,
    agency: Agency,
    record: SubmissionRecord,
    agency_result: AgencyResult | None,
    lang: str,
    earlier: SubmissionRecord | None = None,
    change_request: bool = False,
) -> EmailMessage:
    """A short acknowledgement with the provisional score, so an agency knows its file arrived and counted, and
    hears of a file accepted in its name that it did not send (it goes to the registered address only).

    `agency_result`: the agency's result from this file; None when a file received later replaces it.
    `earlier`: the same bytes received before (`night.resend`): the receipt says this file counts again.
    A plan or mid-year file (`record.kind`) gets no score; a plan after a confirmation (`change_request`) is told
    that it waits for the office."""
    name = _one_line(agency.name)
    values = {
        "agency": name,
        "file": _one_line(record.file_name),
        "received": _when(record),
        "warnings": record.warnings,
    }
    if agency_result is None or record.kind != "results":
        lines = [tr(T_RECEIPT_REPLACED_BODY, lang, **values)]
    else:
        lines = [tr(T_RECEIPT_BODY, lang, goals=len(agency_result.goals), **values)]
    if earlier is not None:
        again = T_RECEIPT_SENT_AGAIN if earlier.outcome != OUTCOME_REJECTED else T_RECEIPT_CHECKED_AGAIN
        lines.append(tr(again, lang, name=_one_line(earlier.file_name), at=_when(earlier)))
    lines.append("")
    if record.kind != "results":
        lines.append(tr(T_RECEIPT_PHASE, lang, kind=word(KIND_WORDS, record.kind, lang)))
        if change_request:
            lines.append(tr(T_RECEIPT_CHANGE_REQUEST, lang))
    elif agency_result is None:
        lines.append(tr(T_RECEIPT_REPLACED, lang))
    elif agency_result.total is not None:
        lines.append(tr(T_RECEIPT_SCORE, lang, total=_num(agency_result.total), grade=agency_result.grade or "-"))
        if agency_result.provisional:
            lines.append(tr(T_RECEIPT_PENDING, lang))
    else:
        lines.append(tr(T_RECEIPT_NO_SCORE, lang))
    lines += ["", tr(T_RECEIPT_NOT_YOU, lang)]
    subject = tr(T_RECEIPT_SUBJECT, lang, title=_title(config), agency=name)
    return compose(
        config.mail.sender,
        [address(agency.name, agency.email)],
        subject,
        "\n".join(lines) + _footer(config, lang),
        None,
        cc=department_cc(config, agency) if agency_result is not None else (),
    )


def department_cc(config: Config, agency: Agency) -> list[str]:
    """The agency's supervising department (`[[departments]]`), copied on a mail that carries its result: the
    city's own address from the settings, never one from a submitted file."""
    department = config.department(agency.supervising_dept)
    return [] if department is None else [address(department.name, department.email)]


def reminder_message(
    config: Config,
    agency: Agency,
    days_left: int,
    attachment: bytes,
    attachment_name: str,
    lang: str,
    ascii_name: str | None = None,
    today: date | None = None,
) -> EmailMessage:
    """Before the deadline of the phase open `today` (`[calendar]`), the prefilled template to an agency that has
    no accepted submission of that phase yet."""
    name = _one_line(agency.name)
    title = _title(config)
    phase = config.calendar.open_phase(today) if today is not None else "results"
    kind = word(KIND_WORDS, phase, lang)
    template = T_REMINDER_SUBJECT_TODAY if days_left <= 0 else T_REMINDER_SUBJECT
    subject = tr(template, lang, title=title, days=days_left, agency=name, kind=kind)
    day = config.calendar.deadline(phase)
    deadline = day.isoformat() if day else "-"
    file = _one_line(attachment_name)
    body = tr(T_REMINDER_BODY, lang, agency=name, title=title, deadline=deadline, file=file, kind=kind)
    fallback = ascii_name or f"{ascii_fallback(agency.code, 'agency')}-template.xlsx"
    return compose(
        config.mail.sender,
        [address(agency.name, agency.email)],
        subject,
        body + _footer(config, lang),
        (attachment, attachment_name, fallback),
    )


# --- reminders: who, when --------------------------------------------------------------------------------------
def days_until_deadline(config: Config, today: date) -> int | None:
    """Days left until the deadline of the phase open today (`[calendar]`); None without one."""
    deadline = config.calendar.deadline(config.calendar.open_phase(today))
    return None if deadline is None else (deadline - today).days


def reminders_due(
    config: Config, today: date, accepted_codes: set[str], already_reminded_today: set[str]
) -> list[Agency]:
    """Agencies to remind today: within `remind_days_before` days of the open phase's deadline (both ends
    inclusive), without an accepted submission of that phase (`accepted_codes`), not reminded yet today.

    After the deadline nobody is reminded: late files are the office's call, not the batch's. The ledger key of a
    reminder includes the date, so even a second run on the same day cannot send a second one.
    """
    left = days_until_deadline(config, today)
    if left is None or not 0 <= left <= config.mail.remind_days_before:
        return []
    skip = accepted_codes | already_reminded_today
    return [a for a in config.agencies if a.code not in skip]
