"""E-mail: build the four messages (pure) and hand bytes to a transport (file or SMTP).

Builders take plain values and return an `EmailMessage`; they read no clock and touch no file, so a test can
check every header. Dates and Message-IDs are stamped by `delivery.enqueue`, which records the exact bytes that
the transports later send: what the ledger holds is what the server gets.

Serialisation is 7-bit clean (RFC 2047 headers, base64 bodies) so that no relay needs 8BITMIME or SMTPUTF8.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from pipeline.core.i18n import Text, tr
from pipeline.core.model import STATUS_ACCEPTED, STATUS_REJECTED, AgencyResult, CityResult, FindingRow, SubmissionRecord
from pipeline.settings.schema import Agency, Config, Smtp
from pipeline.system.atomic import write_bytes_atomically

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

POLICY = email.policy.SMTP
"""CRLF line ends and 78-column folding: the form that goes on the wire, and into .eml files unchanged."""

MAX_FINDINGS_IN_BODY = 40
"""Past this the body points to the attached workbook, which holds every finding next to its cell."""

Refused = dict[str, tuple[int, bytes]]
"""Recipients the server refused while accepting the message for the others (smtplib's shape)."""


class TransportSetupError(Exception):
    """The session cannot be set up as configured (TLS, login): no message is tried, all stay pending."""


class StartTLSRequired(TransportSetupError):
    """`security = "starttls"` but the server does not offer it: we refuse to log in or send in clear text."""


# --- header hygiene -------------------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_header(value: str) -> str:
    """One line, no control characters: text from agency data cannot start a header of its own.

    CR and LF are what header injection needs; the other control characters are removed too because no
    client shows them usefully and some mangle the line around them.
    """
    return " ".join(_CONTROL.sub(" ", value).split())


MAX_DISPLAY_NAME = 40


def _address(name: str, addr_spec: str) -> str:
    """`Name <addr>` as header text whose every line fits in 78 columns.

    A Korean name becomes RFC 2047 words folded by `email.header.Header`. Short lines matter beyond looks: when
    a line is too long the library refolds the header itself, and CPython 3.11 then writes a decoded display
    name back *unencoded*, so a name holding `Bcc: x@evil` turns into a group with that address (found by the
    injection test). An ASCII name is quoted by `formataddr`, and dropped if it would not fit.
    """
    name = clean_header(name)[:MAX_DISPLAY_NAME]
    addr = clean_header(addr_spec)
    if not name:
        return addr
    if name.isascii():
        text = formataddr((name, addr))
        return text if len(text) <= 70 else addr
    return f"{Header(name, 'utf-8', header_name='To').encode(linesep=chr(13) + chr(10))}\r\n <{addr}>"


def encode_header(name: str, value: str) -> str:
    """RFC 2047 encoded words, folded under 78 columns, with every space inside a word.

    Why not let `EmailMessage` fold: CPython 3.11's folder drops the space between two encoded words at a fold
    (`평가] 평가` arrives as `평가]평가`, found by the SMTP test). The legacy `email.header.Header` encoder keeps
    the spaces inside the encoded words, where decoders must keep them.
    """
    text = clean_header(value)
    if text.isascii() and len(name) + 2 + len(text) <= 78 and "=?" not in text:  # "=?" would read as a word
        return text
    return Header(text, "utf-8", header_name=name).encode(linesep="\r\n")


def ascii_fallback(name: str, default: str) -> str:
    """A file name every client shows: ASCII letters, digits, `._-` only; `default` when little is left.

    Hangul has no ASCII decomposition, so a Korean name usually falls back to `default` entirely (built from
    the agency code), which reads better than a name with its Korean parts stripped out.
    """
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    flat = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    flat = re.sub(r"[^A-Za-z0-9._-]+", "_", flat).strip("._-")
    if sum(ch.isalnum() for ch in flat) < max(3, len(stem) // 2):
        return default
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:8]
    return f"{flat[:60]}.{ext}" if ext else flat[:60]


def _rfc2231_sections(name: str, width: int = 60) -> list[str]:
    """The RFC 2231 extended value of `name`, cut into continuation sections at character boundaries.

    Cutting between characters (never inside a UTF-8 sequence) keeps each section decodable on its own, which
    some clients rely on; `width` keeps each header line under 78 columns.
    """
    sections: list[str] = []
    current = "utf-8''"
    for ch in name:
        piece = quote(ch, safe="!#$&+-.^_`|~")
        if len(current) + len(piece) > width and current not in ("", "utf-8''"):
            sections.append(current)
            current = ""
        current += piece
    sections.append(current)
    return sections


def attachment_part(data: bytes, name: str, ascii_name: str) -> EmailMessage:
    """An .xlsx attachment whose Korean name survives in every client.

    Content-Disposition carries two parameters:
    - `filename*` (RFC 2231, UTF-8, continued as `filename*0*`, `filename*1*`, … when long), which
      Thunderbird, Apple Mail, Gmail, Outlook 2010+ and Python's own parser show as the Korean name;
    - `filename="<ASCII>"`, which a client ignoring RFC 2231 shows instead: it skips the unknown `filename*`
      parameter and finds a plain name that displays correctly everywhere.
    `filename*` comes first because parsers that keep only the first of two same-named parameters (Python's
    header registry among them) then keep the Korean one, while RFC 2231-ignorant parsers are unaffected by
    the order. Content-Type's legacy `name` gets the ASCII name for the same clients.

    We did not use an RFC 2047 encoded word inside `filename="=?utf-8?b?…?="`: RFC 2047 §5 forbids it inside a
    quoted string, and clients that follow the rule show the raw `=?utf-8?b?…` text, which is worse than ASCII.

    The stdlib header model keeps one value per parameter name, so it cannot write both parameters; the
    header text is written here (folded under 78 columns, hence emitted verbatim) and parsed into the part.
    """
    fallback = clean_header(ascii_name).replace('"', "").replace("\\", "")
    if not fallback or not fallback.isascii():
        raise ValueError(f"the fallback file name must be plain ASCII, not {ascii_name!r}")
    if len(fallback) > 60:  # a longer line would be refolded by the library, which drops one of the two names
        stem, dot, ext = fallback.rpartition(".")
        fallback = f"{stem[: 59 - len(ext)]}.{ext}" if dot and len(ext) <= 8 else fallback[:60]
    sections = _rfc2231_sections(clean_header(name) or fallback)
    if len(sections) == 1:
        extended = [f"filename*={sections[0]}"]
    else:
        extended = [f"filename*{i}*={s}" for i, s in enumerate(sections)]
    disposition = ";\r\n ".join(["attachment", *extended, f'filename="{fallback}"'])
    head = (
        f'Content-Type: {XLSX_TYPE}; name="{fallback}"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: {disposition}\r\n\r\n"
    )
    part = email.message_from_bytes(head.encode("ascii"), policy=POLICY)
    assert isinstance(part, EmailMessage)
    # The base64 text is set as the payload, not parsed with the headers: a 10,000-agency report is a 23 MB
    # attachment, whose 400,000 lines the parser would copy and split (seconds, and ~100 MB) only to give them
    # back; serialising writes each line with CRLF either way.
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part


def _message(
    config: Config, to: Sequence[str], subject: str, body: str, attachment: tuple[bytes, str, str] | None
) -> EmailMessage:
    """From, To and Subject are written as text and parsed, so the library keeps them verbatim (see
    `encode_header`); everything else is the library's."""
    sender = _address(*parseaddr(clean_header(config.mail.sender)))
    head = [("From", sender), ("To", ",\r\n ".join(to)), ("Subject", encode_header("Subject", subject))]
    text = "".join(f"{name}: {value}\r\n" for name, value in head) + "\r\n"
    if any(len(line) > 78 for line in text.split("\r\n")):  # would be refolded by the library: see `_address`
        raise ValueError(f"header line too long to keep verbatim: {text!r}")
    msg = email.message_from_bytes(text.encode("ascii"), policy=POLICY)
    assert isinstance(msg, EmailMessage)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders should not answer a batch
    msg.set_content(body, charset="utf-8", cte="base64")
    if attachment is not None:
        data, name, ascii_name = attachment
        msg.make_mixed()
        msg.attach(attachment_part(data, name, ascii_name))
    return msg


def serialize(message: EmailMessage) -> bytes:
    """The bytes recorded in the ledger and sent unchanged (CRLF, folded, 7-bit)."""
    return message.as_bytes(policy=POLICY)


def envelope(message: EmailMessage) -> tuple[str, list[str]]:
    """(MAIL FROM, RCPT TO) taken from the headers the builders set, so the two can never disagree."""
    sender = message["From"].addresses[0].addr_spec
    recipients: list[str] = []
    for field in ("To", "Cc", "Bcc"):
        header = message[field]
        if header is not None:
            recipients.extend(a.addr_spec for a in header.addresses if a.addr_spec not in recipients)
    return sender, recipients


# --- texts ----------------------------------------------------------------------------------------------------
T_FOOTER: Text = (
    "이 메일은 {title} 처리 시스템이 자동으로 보냈습니다. 문의는 평가 담당 부서로 해 주십시오.",
    "This message was sent automatically by the {title} system. Please direct questions to the evaluation office.",
)
T_REPORT_SUBJECT: Text = (
    "[{title}] 평가 결과 보고: 제출 {accepted}/{total}개 기관",
    "[{title}] Evaluation report: {accepted} of {total} agencies submitted",
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
    "Submissions: of {total} agencies, {accepted} accepted, {rejected} returned, {missing} not submitted.",
)
T_REPORT_PROVISIONAL: Text = (
    "정성평가 등 아직 평가되지 않은 목표가 있는 기관 {n}곳의 점수는 잠정입니다.",
    "Scores of {n} agencies are provisional: some goals (e.g. qualitative) are not graded yet.",
)
T_EXCELLENT: Text = ("현재 우수기관 ({n}):", "Excellent agencies so far ({n}):")
T_EXCELLENT_NONE: Text = ("현재 우수기관: 없음", "Excellent agencies so far: none")
T_EXCELLENT_LINE: Text = ("- {name}: 총점 {total}점, {grade}등급", "- {name}: total {total}, grade {grade}")
T_NOT_SUBMITTED: Text = ("아직 접수되지 않은 기관 ({n}):", "Agencies without an accepted submission ({n}):")
T_NOT_SUBMITTED_NONE: Text = ("아직 접수되지 않은 기관: 없음", "Agencies without an accepted submission: none")
T_STATUS_MISSING: Text = ("미제출", "not submitted")
T_STATUS_REJECTED: Text = ("반려", "returned")
T_REJECTIONS: Text = ("이번 실행에서 반려된 파일 ({n}):", "Files returned in this run ({n}):")
T_REJECTIONS_NONE: Text = ("이번 실행에서 반려된 파일: 없음", "Files returned in this run: none")
T_REJECTION_LINE: Text = (
    "- {file} ({agency}): 오류 {errors}건, 경고 {warnings}건{reason}",
    "- {file} ({agency}): {errors} errors, {warnings} warnings{reason}",
)
T_UNKNOWN_AGENCY: Text = ("기관 미확인", "agency not identified")

T_FEEDBACK_SUBJECT: Text = (
    "[{title}] 제출 파일 반려 안내: {agency} ({file})",
    "[{title}] Submission returned: {agency} ({file})",
)
T_FEEDBACK_INTRO: Text = (
    "{agency} 담당자님께,\n\n{received}에 받은 파일 「{file}」을 검토한 결과 오류 {errors}건, 경고 {warnings}건이 있어 "
    "반려합니다.\n첨부한 파일에 문제가 있는 셀을 색과 메모로 표시했습니다. 고쳐서 다시 제출해 주십시오.",
    'To {agency},\n\nThe file "{file}" received on {received} has {errors} errors and {warnings} warnings and '
    "is returned.\nThe attached workbook marks each cell concerned with a colour and a comment. Please correct "
    "it and submit it again.",
)
T_DEADLINE: Text = ("제출 마감: {deadline}", "Deadline: {deadline}")
T_FINDINGS: Text = ("검토 결과:", "Findings:")
T_FINDING_LINE: Text = ("- {where} [{severity}] {message}", "- {where} [{severity}] {message}")
T_FINDING_HINT: Text = ("  고치는 방법: {hint}", "  How to fix: {hint}")
T_FINDINGS_MORE: Text = (
    "외 {n}건은 첨부 파일에서 확인해 주십시오.",
    "{n} more are listed in the attached workbook.",
)
T_SEVERITY: dict[str, Text] = {"error": ("오류", "error"), "warning": ("경고", "warning")}

T_RECEIPT_SUBJECT: Text = ("[{title}] 제출 접수 확인: {agency}", "[{title}] Submission received: {agency}")
T_RECEIPT_BODY: Text = (
    "{agency} 담당자님께,\n\n{received}에 받은 파일 「{file}」을 접수했습니다 (성과목표 {goals}개, 경고 {warnings}건).",
    'To {agency},\n\nThe file "{file}" received on {received} is accepted ({goals} goals, {warnings} warnings).',
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

T_REMINDER_SUBJECT: Text = (
    "[{title}] 성과 실적 제출 마감 {days}일 전 안내: {agency}",
    "[{title}] {days} days left to submit: {agency}",
)
T_REMINDER_SUBJECT_TODAY: Text = (
    "[{title}] 성과 실적 제출 마감일 안내 (오늘 마감): {agency}",
    "[{title}] Submission deadline is today: {agency}",
)
T_REMINDER_BODY: Text = (
    "{agency} 담당자님께,\n\n{title}의 실적 제출 마감은 {deadline}입니다. 아직 접수된 제출 파일이 없습니다.\n"
    "기관 정보를 미리 채운 서식 「{file}」을 첨부합니다. 작성하여 마감일까지 제출해 주십시오.\n"
    "이미 제출하셨다면 검토 중이거나 반려된 것일 수 있으니 반려 안내 메일을 확인해 주십시오.",
    "To {agency},\n\nThe deadline for {title} is {deadline}, and no accepted submission has been received yet.\n"
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
    """Values from a workbook go into the body one per line, whatever they hold."""
    return clean_header(text)


# --- the four messages ----------------------------------------------------------------------------------------
def report_message(
    config: Config,
    city: CityResult,
    run_rejections: list[SubmissionRecord],
    attachment: bytes | Path,
    attachment_name: str,
    ascii_name: str,
    lang: str,
) -> EmailMessage:
    """The consolidated workbook to the evaluation office, with what changed summed up in the body.

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
            label = T_STATUS_REJECTED if a.status == STATUS_REJECTED else T_STATUS_MISSING
            lines.append(f"- {_one_line(a.name)} ({tr(label, lang)})")
    else:
        lines.append(tr(T_NOT_SUBMITTED_NONE, lang))
    lines.append("")
    if run_rejections:
        lines.append(tr(T_REJECTIONS, lang, n=len(run_rejections)))
        for r in run_rejections:
            agency = config.agency(r.agency_code) if r.agency_code else None
            lines.append(
                tr(
                    T_REJECTION_LINE,
                    lang,
                    file=_one_line(r.file_name),
                    agency=_one_line(agency.name) if agency else (r.agency_code or tr(T_UNKNOWN_AGENCY, lang)),
                    errors=r.errors,
                    warnings=r.warnings,
                    reason=f": {_one_line(r.reason)}" if r.reason else "",
                )
            )
    else:
        lines.append(tr(T_REJECTIONS_NONE, lang))
    to = [_address(*parseaddr(a)) for a in config.mail.to]
    subject = tr(T_REPORT_SUBJECT, lang, title=title, accepted=accepted, total=total)
    body = "\n".join(lines) + _footer(config, lang)
    return _message(config, to, subject, body, attached)


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
            severity = tr(T_SEVERITY.get(f.severity, (f.severity, f.severity)), lang)
            lines.append(
                tr(T_FINDING_LINE, lang, where=_one_line(where), severity=severity, message=_one_line(f.message))
            )
            if f.hint:
                lines.append(tr(T_FINDING_HINT, lang, hint=_one_line(f.hint)))
        if len(ordered) > MAX_FINDINGS_IN_BODY:
            lines.append(tr(T_FINDINGS_MORE, lang, n=len(ordered) - MAX_FINDINGS_IN_BODY))
    subject = tr(T_FEEDBACK_SUBJECT, lang, title=title, agency=name, file=_one_line(record.file_name))
    fallback = ascii_name or f"{ascii_fallback(agency.code, 'agency')}-feedback.xlsx"
    body = "\n".join(lines) + _footer(config, lang)
    return _message(
        config, [_address(agency.name, agency.email)], subject, body, (attachment, attachment_name, fallback)
    )


def receipt_message(
    config: Config, agency: Agency, record: SubmissionRecord, agency_result: AgencyResult, lang: str
) -> EmailMessage:
    """A short acknowledgement with the provisional score, so an agency knows its file arrived and counted."""
    name = _one_line(agency.name)
    lines = [
        tr(
            T_RECEIPT_BODY,
            lang,
            agency=name,
            file=_one_line(record.file_name),
            received=_when(record),
            goals=len(agency_result.goals),
            warnings=record.warnings,
        ),
        "",
    ]
    if agency_result.total is not None:
        lines.append(tr(T_RECEIPT_SCORE, lang, total=_num(agency_result.total), grade=agency_result.grade or "-"))
        if agency_result.provisional:
            lines.append(tr(T_RECEIPT_PENDING, lang))
    else:
        lines.append(tr(T_RECEIPT_NO_SCORE, lang))
    subject = tr(T_RECEIPT_SUBJECT, lang, title=_title(config), agency=name)
    return _message(
        config, [_address(agency.name, agency.email)], subject, "\n".join(lines) + _footer(config, lang), None
    )


def reminder_message(
    config: Config,
    agency: Agency,
    days_left: int,
    attachment: bytes,
    attachment_name: str,
    lang: str,
    ascii_name: str | None = None,
) -> EmailMessage:
    """Before the deadline, the prefilled template to an agency that has no accepted submission yet."""
    name = _one_line(agency.name)
    title = _title(config)
    template = T_REMINDER_SUBJECT_TODAY if days_left <= 0 else T_REMINDER_SUBJECT
    subject = tr(template, lang, title=title, days=days_left, agency=name)
    deadline = config.evaluation.deadline.isoformat() if config.evaluation.deadline else "-"
    body = tr(T_REMINDER_BODY, lang, agency=name, title=title, deadline=deadline, file=_one_line(attachment_name))
    fallback = ascii_name or f"{ascii_fallback(agency.code, 'agency')}-template.xlsx"
    return _message(
        config,
        [_address(agency.name, agency.email)],
        subject,
        body + _footer(config, lang),
        (attachment, attachment_name, fallback),
    )


# --- reminders: who, when --------------------------------------------------------------------------------------
def days_until_deadline(config: Config, today: date) -> int | None:
    deadline = config.evaluation.deadline
    return None if deadline is None else (deadline - today).days


def reminders_due(
    config: Config, today: date, accepted_codes: set[str], already_reminded_today: set[str]
) -> list[Agency]:
    """Agencies to remind today: within `remind_days_before` days of the deadline (both ends inclusive),
    without an accepted submission, not reminded yet today.

    After the deadline nobody is reminded: late files are the office's call, not the batch's. The ledger key of a
    reminder includes the date, so even a second run on the same day cannot send a second one.
    """
    left = days_until_deadline(config, today)
    if left is None or not 0 <= left <= config.mail.remind_days_before:
        return []
    skip = accepted_codes | already_reminded_today
    return [a for a in config.agencies if a.code not in skip]


# --- transports -----------------------------------------------------------------------------------------------
class Transport(Protocol):
    def send(self, key: str, sender: str, recipients: Sequence[str], data: bytes) -> Refused:
        """Deliver `data`; return the refused recipients (empty when all accepted); raise when none accepted."""
        ...

    def close(self) -> None: ...


class FileTransport:
    """Writes each message as `<key>.eml`: the default, so a demo or a test needs no server.

    Written to a temporary file and renamed, so a reader (or a crash) never sees half a message; the same key
    overwrites the same file, so a resend after a crash leaves one file, not two.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, key: str, sender: str, recipients: Sequence[str], data: bytes) -> Refused:
        write_bytes_atomically(self.folder / f"{key}.eml", data)
        return {}

    def close(self) -> None:
        pass


class SmtpTransport:
    """SMTP submission with STARTTLS (required when configured), implicit TLS, or none.

    One session is opened lazily and reused for the following messages; any error closes it so that the next
    attempt starts from a clean connection. The password comes from the environment variable named in
    `password_env`; the TOML never holds it.
    """

    def __init__(
        self,
        settings: Smtp,
        env: Mapping[str, str] = os.environ,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if settings.security not in ("starttls", "ssl", "none"):
            raise ValueError(f"unknown security {settings.security!r}")
        self.settings = settings
        self.env = env
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _password(self) -> str:
        s = self.settings
        if not s.password_env:
            raise TransportSetupError("[mail.smtp].username is set but password_env names no environment variable")
        password = self.env.get(s.password_env, "")
        if not password:
            raise TransportSetupError(f"environment variable {s.password_env} (the SMTP password) is not set")
        return password

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.port}"
        if s.username and s.security == "none":
            raise TransportSetupError(
                f'{where}: refusing to send the password over an unencrypted connection (security = "none"); '
                'use "starttls" or "ssl"'
            )
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, local_hostname=self.local_hostname, timeout=s.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, local_hostname=self.local_hostname, timeout=s.timeout)
        except ssl.SSLCertVerificationError as exc:
            raise TransportSetupError(f"{where}: server certificate not trusted: {exc.verify_message}") from exc
        except smtplib.SMTPConnectError as exc:
            if exc.smtp_code >= 500:
                raise TransportSetupError(f"{where}: server refuses connections: {_reply(exc)}") from exc
            raise
        try:
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise StartTLSRequired(
                        f"{where} does not offer STARTTLS, which [mail.smtp].security requires: "
                        "nothing was sent and no password was given"
                    )
                try:
                    smtp.starttls(context=self._context())
                except ssl.SSLCertVerificationError as exc:
                    raise TransportSetupError(f"{where}: server certificate not trusted: {exc.verify_message}") from exc
                smtp.ehlo()
            if s.username:
                password = self._password()
                if not smtp.has_extn("auth"):
                    raise TransportSetupError(f"{where} does not offer AUTH, but a username is configured")
                try:
                    smtp.login(s.username, password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise TransportSetupError(f"{where}: login as {s.username} refused: {_reply(exc)}") from exc
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _session(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                self._smtp.noop()
            except (smtplib.SMTPException, OSError):
                self._drop()
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def send(self, key: str, sender: str, recipients: Sequence[str], data: bytes) -> Refused:
        """`sendmail` with the recorded bytes: `send_message` would serialise again and might differ.

        A 5xx to MAIL FROM (sender not allowed, "530 authentication required") is about our settings, not this
        message: it is raised as a setup error so that the messages stay pending instead of all failing.
        """
        try:
            return self._session().sendmail(sender, list(recipients), data)
        except smtplib.SMTPSenderRefused as exc:
            self._drop()
            if exc.smtp_code >= 500:
                raise TransportSetupError(f"sender {sender} refused: {_reply(exc)}") from exc
            raise
        except BaseException:
            self._drop()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}"


def make_transport(config: Config, mail_dir: Path, env: Mapping[str, str] = os.environ) -> Transport:
    """`[mail].transport`: "file" writes .eml files into `mail_dir`, "smtp" talks to `[mail.smtp]`."""
    if config.mail.transport == "smtp":
        return SmtpTransport(config.mail.smtp, env=env)
    return FileTransport(mail_dir)
