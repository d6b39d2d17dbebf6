"""Ledger rows as the records the report and the mail show: each submission with the reason for its outcome in
the reader's language (the ledger keeps only codes and values), and each finding with its file and agency."""

from __future__ import annotations

import dataclasses
import errno

from pipeline.core.i18n import Text, tr
from pipeline.core.model import OUTCOME_ACCEPTED, OUTCOME_DUPLICATE, OUTCOME_REJECTED, FindingRow, SubmissionRecord
from pipeline.night.ledger import FileRow

T_DUPLICATE_OF: Text = ("{name} ({at} 접수)와 같은 파일 (중복)", "same file as {name} received {at} (duplicate)")
T_SENT_AGAIN: Text = (
    "{name} ({at} 접수)와 같은 파일을 다시 보내 다시 현재 제출이 됨",
    "same file as {name} received {at}, sent again and made current again",
)
T_CHECKED_AGAIN: Text = (
    "{name} ({at} 접수, 반려)와 같은 파일: 다시 검사해 접수",
    "same file as {name} received {at} (rejected then): checked again and accepted",
)
T_MOVE_FAILED: Text = (
    "받은 편지함(inbox)에서 옮기지 못해 그대로 두었습니다({error}): 파일 소유자와 폴더 권한을 확인하세요. 다음 "
    "실행이 다시 옮겨 봅니다.",
    "could not be moved out of the inbox and was left there ({error}): check the file's owner and the folder's "
    "permissions; the next run tries again.",
)
T_VANISHED: Text = (
    "기록한 뒤 옮기기 전에 받은 편지함에서 사라졌습니다(다른 사람이 옮기거나 지움).",
    "left the inbox after it was recorded, before it was moved (moved or deleted by someone else).",
)


def failure_of(error: OSError) -> str:
    """What the ledger keeps of a failed move: the error's name and text (shown with `failure_text`)."""
    name = errno.errorcode.get(error.errno or 0, type(error).__name__)
    return f"{name}: {error.strerror or error}"


def failure_text(row: FileRow, lang: str) -> str:
    """Why a file is still in the inbox, in the reader's language."""
    return tr(T_MOVE_FAILED, lang, error=row.failure or "?")


def vanished_text(lang: str) -> str:
    return tr(T_VANISHED, lang)


def reason_text(row: FileRow, lang: str, original: FileRow | None = None) -> str:
    """Why a file got its outcome, in the reader's language (the ledger keeps only codes and values)."""
    if row.outcome == OUTCOME_DUPLICATE:
        name = original.original_name if original else "?"
        at = f"{original.received_at:%Y-%m-%d %H:%M}" if original else "?"
        return tr(T_DUPLICATE_OF, lang, name=name, at=at)
    if row.outcome == OUTCOME_ACCEPTED and original is not None:  # sent again (`night.resend`): say so
        text = T_SENT_AGAIN if original.outcome == OUTCOME_ACCEPTED else T_CHECKED_AGAIN
        return tr(text, lang, name=original.original_name, at=f"{original.received_at:%Y-%m-%d %H:%M}")
    if row.outcome == OUTCOME_REJECTED:
        first = next((f for f in row.findings if f.is_error), None)
        return first.message(lang) if first else ""
    return ""


def submission_record(row: FileRow, lang: str, original: FileRow | None = None) -> SubmissionRecord:
    return SubmissionRecord(
        received_at=row.received_at,
        file_name=row.original_name,
        sha256=row.sha256,
        agency_code=row.agency,
        outcome=row.outcome,
        errors=row.errors,
        warnings=row.warnings,
        superseded_by=row.superseded_by,
        reason=reason_text(row, lang, original),
        kind=row.submission_kind,
        late=row.late,
        plan_version=row.plan_version,
        committee=row.committee,
    )


def failed_record(row: FileRow, lang: str) -> SubmissionRecord:
    """A file whose move failed, as the office's report lists it: why it is still in the inbox."""
    return dataclasses.replace(submission_record(row, lang), reason=failure_text(row, lang))


def finding_rows(row: FileRow, lang: str) -> list[FindingRow]:
    out = []
    for f in row.findings:
        d = f.to_dict(lang)
        out.append(FindingRow(file_name=row.original_name, agency_code=row.agency, **d, committee=row.committee))
    return out
