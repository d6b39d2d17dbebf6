"""The demo's evaluation committee: five members grade every qualitative goal in the committee sheet, and the
committee decides two adjustments (가점·감점) there.

Each goal's grade in `city.GOALS` is the committee's central grade: the five members give it, one grade above it
and one below (최고·최저 제외 then leaves exactly the central grade's points, so that `city.EXPECTED` can be worked by
hand). The goal whose central grade is None (`PENDING`) is graded by two members only in the first file — below
the quorum of three, so its agency stays provisional — and by all five, at `LATE_GRADE`, in the second file, which
the demo leaves in `<home>/committee/` for the user to drop into the inbox.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.core.committee_layout import FIRST_ROW, GRADE_COLUMNS
from pipeline.core.layout import QUALITATIVE_GRADES
from pipeline.demo import city
from pipeline.settings.schema import Member

__all__ = ["ADJUSTMENTS", "LATE_GRADE", "MEMBERS", "PENDING", "fill_sheet", "member_grades"]

MEMBERS: tuple[Member, ...] = tuple(
    Member(name, f"member{i}@committee.example.kr")
    for i, name in enumerate(
        ("김정호 교수", "이미경 회계사", "박성훈 연구위원", "최윤희 변호사", "정대현 전 국장"), start=1
    )
)
ADJUSTMENTS: tuple[tuple[str, Decimal, str, str], ...] = (
    ("GWFF", Decimal(1), "가족친화 인증 최우수기관 선정", "여성가족부 고시 제2026-15호"),
    ("GJCF", Decimal(-1), "회계 처리 부적정 (감사 지적)", "2026년 종합감사 결과"),
)
"""(agency, points, reason, basis): what the committee writes on the sheet's 가점·감점 page."""
PENDING: tuple[str, str] = ("KDJC", "4")
"""The goal graded by two members only in the first committee file (pending: below the quorum)."""
LATE_GRADE = "우수"
"""Its central grade in the second committee file."""

_ORDER = list(QUALITATIVE_GRADES)  # 탁월 … 아주미흡, best first


def member_grades(grade: str) -> list[str]:
    """Five members around a central grade: one above, three at it, one below (clamped at the ends)."""
    i = _ORDER.index(grade)
    above, below = _ORDER[max(i - 1, 0)], _ORDER[min(i + 1, len(_ORDER) - 1)]
    return [above, grade, grade, below, grade]


def _central(code: str, number: str) -> str | None:
    return next(g["grade"] for g in city.GOALS[code] if g["number"] == number)


def fill_sheet(
    sheet: Path,
    out: Path,
    complete: bool,
    decisions: tuple[tuple[str, Decimal, str, str], ...] = ADJUSTMENTS,
) -> Path:
    """The members' grades and the adjustments written into a copy of the committee sheet; `complete`: the
    second file, in which the pending goal is graded by all five (every goal graded: no agency provisional).
    `decisions`: the committee's 가점·감점 on that sheet (this year's by default; last year's had none)."""
    from openpyxl import load_workbook

    wb = load_workbook(sheet)
    grades, adjustments = wb.worksheets[0], wb.worksheets[1]
    first_member = len(GRADE_COLUMNS) + 1
    for row in range(FIRST_ROW, grades.max_row + 1):
        code, number = grades.cell(row, 1).value, str(grades.cell(row, 3).value)
        if code is None:
            continue
        given: list[Any]
        if (code, number) == PENDING:
            given = member_grades(LATE_GRADE) if complete else member_grades(LATE_GRADE)[:2]
        else:
            central = _central(code, number)
            given = member_grades(central) if central else []
        for i, grade in enumerate(given):
            grades.cell(row, first_member + i, grade)
    for r, (code, points, reason, basis) in enumerate(decisions, start=FIRST_ROW):
        for c, value in enumerate((code, float(points), reason, basis), start=1):
            adjustments.cell(r, c, value)
    wb.save(out)
    return out
