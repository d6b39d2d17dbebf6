"""Ledger rows as the records the report and the mail show: each submission with the reason for its outcome in
the reader's language (the ledger keeps only codes and values), and each finding with its file and agency."""

from __future__ import annotations

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
    )


def finding_rows(row: FileRow, lang: str) -> list[FindingRow]:
    out = []
    for f in row.findings:
        d = f.to_dict(lang)
        out.append(FindingRow(file_name=row.original_name, agency_code=row.agency, **d))
    return out
