"""The demo's year (issue 16): the plans at the start of the year, one change request, the mid-year check, and a
results file whose target was quietly lowered.

Plain data and workbook builders only; `commands/demo_year.py` drops the files and runs the nights between them.
Every plan is the demo city's goals (`city.GOALS`) without results, so the results files of `city.DEMO_SUBMISSIONS`
match the confirmed plans, except where this module says otherwise:

- CHANGE_AGENCY's first plan had a lower target for one goal (FIRST_PLAN_TARGET); it asks for the change
  (a second plan file) after its first plan was confirmed, and the office confirms it again.
- LOWERED: after its honest results file was accepted, an agency sends another with a lower target (the
  goalposts moved): rejected with `plan.changed`, the first stays its current submission.
- BEHIND: the goals reported 지연 or 부진 at the mid-year check, with their reasons; every other goal is 정상
  (완료 for the milestones already reached). MIDYEAR_MISSING send no mid-year check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.core.layout import (
    FIRST_DATA_ROW,
    GOAL_LETTERS,
    KIND_MIDYEAR,
    KIND_PLAN,
    KIND_RESULTS,
    PHASE_FIELDS,
    PLAN_FIELDS,
)
from pipeline.demo import city
from pipeline.demo.build import demo_workbook
from pipeline.template.workbook import build_template

if TYPE_CHECKING:
    from openpyxl import Workbook


CHANGE_AGENCY = "GCGF"
"""광주신용보증재단: its first plan said 3,000억원 for goal 1; the change request raises it to 3,500억원."""
CHANGE_GOAL = "1"
FIRST_PLAN_TARGET = 3000

LOWERED_AGENCY = "GSJF"
"""광주상생일자리재단: 540 new jobs of 900 planned; its second results file says the target was 600."""
LOWERED_GOAL = "1"
LOWERED_TARGET = 600

BEHIND: dict[str, dict[str, tuple[str, str, float | None]]] = {
    "GMRT": {"4": ("지연", "2호선 1단계 궤도 공사 자재 수급 지연, 하반기 야간 작업 확대로 만회 예정", None)},
    "ICEC": {"1": ("지연", "시공사 부도로 2개 단지 착공 3개월 지연, 대체 시공사 선정 완료", 950)},
    "GJSS": {"2": ("부진", "돌봄 인력 채용 미달(목표 대비 60%), 처우 개선 예산 추경 요청", None)},
    "GSJF": {
        "1": ("지연", "참여 기업 투자 일정 순연으로 채용 시기 하반기로 이동", 210),
        "2": ("부진", "경기 둔화로 참여 사업장 모집 저조, 인센티브 확대 검토 중", 25),
    },
    "GBNL": {"3": ("지연", "전시 공간 리모델링 공사 지연", None)},
}
MIDYEAR_MISSING: tuple[str, ...] = ("GWRI", "GJFC", "GTOF")
"""Agencies that send no mid-year check: listed as 미보고 in the 중간점검 workbook."""


@dataclass(frozen=True)
class YearFile:
    """One workbook of the year's phases, in the order officers sent them."""

    phase: str  # plan | midyear | results
    file_name: str
    agency: str
    expected: str = "accepted"  # what the night decides
    note: str = ""


def _name(code: str) -> str:
    return next(a.name for a in city.AGENCIES if a.code == code)


PLAN_FILES: tuple[YearFile, ...] = tuple(
    YearFile(KIND_PLAN, f"{_name(a.code)}_{city.YEAR}_성과창출계획.xlsx", a.code) for a in city.AGENCIES
)
CHANGE_FILE = YearFile(KIND_PLAN, f"{_name(CHANGE_AGENCY)}_{city.YEAR}_성과창출계획_변경요청.xlsx", CHANGE_AGENCY)
MIDYEAR_FILES: tuple[YearFile, ...] = tuple(
    YearFile(KIND_MIDYEAR, f"{_name(a.code)}_{city.YEAR}_중간점검.xlsx", a.code)
    for a in city.AGENCIES
    if a.code not in MIDYEAR_MISSING
)
LOWERED_FILE = YearFile(
    KIND_RESULTS,
    f"(재제출){_name(LOWERED_AGENCY)}_성과창출계획_{city.YEAR}.xlsx",
    LOWERED_AGENCY,
    expected="rejected",
    note="plan.changed",
)


def plan_rows(code: str, first: bool = False) -> tuple[list[dict[str, Any]], list[tuple[str, int, Any]]]:
    """The goal rows of an agency's plan (plan fields only) and its past results; `first`: the change agency's
    first plan, before its change request."""
    rows, past = [], []
    for goal in city.GOALS[code]:
        row = {k: goal[k] for k in PLAN_FIELDS if k in goal}
        if first and code == CHANGE_AGENCY and goal["number"] == CHANGE_GOAL:
            row["target"] = FIRST_PLAN_TARGET
        rows.append(row)
        past.extend((goal["number"], year, value) for year, value in goal["past"])
    return rows, past


def _agency(code: str) -> Any:
    return next(a for a in city.AGENCIES if a.code == code)


def _info(code: str, year: int = city.YEAR) -> dict[str, Any]:
    contact, phone = city.CONTACTS[code]
    return {"contact": contact, "phone": phone, "year": year}


def plan_workbook(file: YearFile, lang: str = "ko") -> Workbook:
    rows, past = plan_rows(file.agency, first=file is not CHANGE_FILE)
    return build_template(
        lang=lang,
        year=city.YEAR,
        agency=_agency(file.agency),
        groups=sorted({a.group for a in city.AGENCIES}),
        goals=rows,
        past=past,
        info=_info(file.agency),
        kind=KIND_PLAN,
    )


def midyear_rows(code: str) -> list[dict[str, Any]]:
    """The confirmed plan's rows with 추진상황, 중간실적 and 사유 filled in as the agency reports them."""
    rows, _ = plan_rows(code)
    behind = BEHIND.get(code, {})
    for row, goal in zip(rows, city.GOALS[code], strict=True):
        progress, reason, actual = behind.get(row["number"], ("정상", "", None))
        if progress == "정상" and goal["method"] == "milestone" and goal["actual"] == "달성":
            progress = "완료"
        row.update(progress=progress, reason=reason or None, midyear_actual=actual)
    return rows


def midyear_workbook(file: YearFile, lang: str = "ko") -> Workbook:
    _, past = plan_rows(file.agency)
    return build_template(
        lang=lang,
        year=city.YEAR,
        agency=_agency(file.agency),
        groups=sorted({a.group for a in city.AGENCIES}),
        goals=midyear_rows(file.agency),
        past=past,
        info=_info(file.agency),
        kind=KIND_MIDYEAR,
        open_fields=PHASE_FIELDS[KIND_MIDYEAR],
    )


def lowered_workbook(seed: int, lang: str = "ko") -> Workbook:
    """The agency's results workbook again, the target of one goal quietly lowered."""
    honest = next(f for f in city.DEMO_SUBMISSIONS if f.agency == LOWERED_AGENCY)
    wb = demo_workbook(honest, seed, lang)
    ws = wb.worksheets[2]  # 성과목표
    numbers = [g["number"] for g in city.GOALS[LOWERED_AGENCY]]
    row = FIRST_DATA_ROW + numbers.index(LOWERED_GOAL)
    ws[f"{GOAL_LETTERS['target']}{row}"] = LOWERED_TARGET
    return wb


def workbook_for(file: YearFile, seed: int, lang: str = "ko") -> Workbook:
    if file.phase == KIND_PLAN:
        return plan_workbook(file, lang)
    if file.phase == KIND_MIDYEAR:
        return midyear_workbook(file, lang)
    return lowered_workbook(seed, lang)


def progress_counts() -> Mapping[str, int]:
    """What the 중간점검 workbook should count over the whole city (for the tests and the README)."""
    counts = {"정상": 0, "지연": 0, "부진": 0, "완료": 0}
    for f in MIDYEAR_FILES:
        for row in midyear_rows(f.agency):
            counts[row["progress"]] += 1
    return counts


def results_workbooks(seed: int, lang: str = "ko") -> list[tuple[str, Workbook]]:
    """The year-end files: the demo's results submissions, then the results file with the lowered target."""
    named = [(f.file_name, demo_workbook(f, seed, lang)) for f in city.DEMO_SUBMISSIONS]
    return [*named, (LOWERED_FILE.file_name, lowered_workbook(seed, lang))]
