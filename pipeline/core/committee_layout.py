"""The committee workbook's shape (정성평가 평정표): sheets, headings and the document properties that mark it.

One place that the writer (`template.committee_sheet`), the reader (`read.committee`) and the night's routing read.
The member columns sit between the fixed columns and the fingerprint column, one per member, headed by the
member's name.
"""

from __future__ import annotations

from pipeline.core.layout import Column

KIND_PROPERTY = "PipelineKind"
"""Custom document property naming what a workbook is; the committee sheet says `COMMITTEE_KIND`."""
COMMITTEE_KIND = "committee-sheet"
YEAR_PROPERTY = "EvaluationYear"
FINGERPRINT_PROPERTY = "SubmissionsFingerprint"
"""A hash of the accepted submissions the sheet was made from (their sha256s)."""

SHEET_GRADES: tuple[str, str] = ("정성평가 평정표", "Qualitative grades")
SHEET_ADJUSTMENTS: tuple[str, str] = ("가점·감점", "Adjustments")
SHEET_GUIDE: tuple[str, str] = ("안내", "Guide")

HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
ADJUSTMENT_ROWS = 30

GRADE_COLUMNS: tuple[Column, ...] = (
    Column("agency", "기관코드", "Agency code", "text", True, 10),
    Column("agency_name", "기관명", "Agency name", "text", False, 22),
    Column("number", "목표번호", "Goal no.", "text", True, 9),
    Column("goal", "성과목표", "Goal", "text", False, 28),
    Column("indicator", "성과지표", "Indicator", "text", False, 24),
    Column("weight", "가중치", "Weight", "number", False, 8),
    Column("highlights", "주요성과", "Highlights", "text", False, 36),
    Column("evidence", "증빙자료", "Evidence", "text", False, 24),
)
"""The fixed columns, before the members' grade columns."""
FINGERPRINT_COLUMN = Column("fingerprint", "확인값", "Check value", "text", True, 18)
"""After the members' columns: the goal's fingerprint when the sheet was made (stale rows are found by it)."""

ADJUSTMENT_COLUMNS: tuple[Column, ...] = (
    Column("agency", "기관코드", "Agency code", "choice", True, 12),
    Column("points", "점수", "Points", "number", True, 9),
    Column("reason", "사유", "Reason", "text", True, 40),
    Column("basis", "근거", "Basis", "text", False, 30),
)


def label(names: tuple[str, str], lang: str) -> str:
    return names[1] if lang == "en" else names[0]
