"""The words that more than one stage shows people, in Korean and English: one table, imported everywhere.

A status (where an agency stands), an outcome (what the night did with a file), a severity (how bad a finding is)
and the headings that several outputs share. The report, the mails, the run summary, `pipeline status`,
`pipeline validate` and the feedback workbook all take their words from here, so they cannot drift apart (the
mail once said "returned" where the rest said "rejected"; the feedback said 고치는 방법 where the report said
조치 방법).
"""

from __future__ import annotations

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import SUBMISSION_KINDS
from pipeline.core.model import (
    OUTCOME_ACCEPTED,
    OUTCOME_DUPLICATE,
    OUTCOME_REJECTED,
    STATUS_ACCEPTED,
    STATUS_MISSING,
    STATUS_REJECTED,
)

ERROR = "error"
WARNING = "warning"

STATUS: dict[str, Text] = {
    STATUS_ACCEPTED: ("제출", "submitted"),
    STATUS_REJECTED: ("반려", "rejected"),
    STATUS_MISSING: ("미제출", "not submitted"),
}
"""Where an agency stands: its current submission accepted, only rejected files, or nothing received."""

OUTCOME: dict[str, Text] = {
    OUTCOME_ACCEPTED: ("접수", "accepted"),
    OUTCOME_REJECTED: ("반려", "rejected"),
    OUTCOME_DUPLICATE: ("중복", "duplicate"),
}
"""What the night did with one file."""

SEVERITY: dict[str, Text] = {
    ERROR: ("오류", "error"),
    WARNING: ("경고", "warning"),
}
"""How bad a finding is: an error rejects the file, a warning does not."""

HOW_TO_FIX: Text = ("고치는 방법", "How to fix")


def word(table: dict[str, Text], key: str, lang: str) -> str:
    """The word for `key` in `lang`; an unknown key is shown as it is (never a KeyError in a night's output)."""
    text = table.get(key)
    return tr(text, lang) if text is not None else key


PLAN_STATUS: dict[str, Text] = {
    "missing": ("미제출", "not submitted"),
    "submitted": ("제출", "submitted"),
    "confirmed": ("확정", "confirmed"),
    "change_requested": ("변경요청", "change requested"),
}
"""Where an agency's plan stands: nothing accepted, accepted but not confirmed, confirmed, or a newer plan file
accepted after the confirmation (a change request, not applied until confirmed)."""

PHASE_STATUS: dict[str, Text] = {
    "missing": ("미제출", "not submitted"),
    "submitted": ("제출", "submitted"),
}
"""Where an agency's mid-year check stands."""

KIND_WORDS: dict[str, Text] = SUBMISSION_KINDS
"""What a file is (제출구분): the template's own list, by another name for the readers of this table."""

LATE: Text = ("기한 후", "late")
"""A file received after its phase's deadline (`submission.late`)."""

CHANGE_KIND: dict[str, Text] = {
    "added": ("추가", "added"),
    "removed": ("삭제", "removed"),
    "changed": ("변경", "changed"),
}
"""What a plan change did to a goal (`validate.plan_diff.PlanChange.kind`)."""
