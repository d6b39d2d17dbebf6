"""Workbook factory: valid submissions built on the real template (`template.build_template`), and helpers that
break exactly one thing, so each test reads as "this cell wrong → this finding on this cell".
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pipeline.core.layout import FIRST_DATA_ROW, GOAL_COLUMNS, GOAL_LETTERS
from pipeline.settings.load import parse_config
from pipeline.settings.schema import Config
from pipeline.system.atomic import save_workbook
from pipeline.template.workbook import build_template

YEAR = 2025
CODE = "GJ01"
NAME = "광주신용보증재단"
GROUP = "출자·출연기관"

CONFIG_TOML = f"""
[evaluation]
year = {YEAR}

[[agencies]]
code = "{CODE}"
name = "{NAME}"
group = "{GROUP}"
supervising_dept = "경제정책과"
email = "gj01@example.go.kr"

[[agencies]]
code = "GJ02"
name = "광주도시철도공사"
group = "공사·공단"
supervising_dept = "교통정책과"
email = "gj02@example.go.kr"
"""

INFO: dict[str, Any] = {
    "agency_code": CODE,
    "agency_name": NAME,
    "group": GROUP,
    "year": YEAR,
    "supervising_dept": "경제정책과",
    "contact": "홍길동",
    "phone": "062-000-0000",
    "email": "gj01@example.go.kr",
}

# Six goals, every method, weights 20+15+25+20+5+15 = 100 (the worked examples of docs/scoring.md §5).
GOALS: list[dict[str, Any]] = [
    {
        "number": "1",
        "strategy": "금융 지원 확대",
        "goal": "신용보증 공급 확대",
        "indicator": "보증 공급액",
        "method": "ratio",
        "direction": "higher",
        "unit": "억원",
        "major": "Y",
        "weight": 20,
        "target": 3500,
        "actual": 3902,
        "evidence": "보증공급 실적 보고서",
    },
    {
        "number": "2",
        "strategy": "금융 지원 확대",
        "goal": "소상공인 컨설팅",
        "indicator": "컨설팅 가구 수",
        "method": "ratio",
        "direction": "higher",
        "unit": "가구",
        "major": "N",
        "weight": 15,
        "target": 2500,
        "actual": 2300,
        "evidence": "컨설팅 대장",
    },
    {
        "number": "3",
        "strategy": "고객 만족",
        "goal": "고객만족도 향상",
        "indicator": "고객만족도 점수",
        "method": "range",
        "direction": "higher",
        "unit": "점",
        "major": "N",
        "weight": 25,
        "top": 110,
        "floor": 90,
        "actual": 104,
        "evidence": "만족도 조사 결과",
    },
    {
        "number": "4",
        "strategy": "시민 서비스",
        "goal": "상담 건수 확대",
        "indicator": "상담 건수",
        "method": "deviation",
        "direction": "higher",
        "unit": "건",
        "major": "N",
        "weight": 20,
        "actual": 145,
        "evidence": "상담 일지",
    },
    {
        "number": "5",
        "strategy": "경영 혁신",
        "goal": "국제 인증 획득",
        "indicator": "ISO 10002 인증",
        "method": "milestone",
        "weight": 5,
        "actual": "달성",
        "evidence": "인증서 사본",
    },
    {
        "number": "6",
        "strategy": "지역 발전",
        "goal": "도시철도 2호선 건설 지원",
        "indicator": "지원 실적(정성)",
        "method": "qualitative",
        "weight": 15,
        "evidence": "추진 경과 보고",
    },
]

PAST: list[list[Any]] = [["4", 2020, 100], ["4", 2021, 110], ["4", 2022, 120], ["4", 2023, 130], ["4", 2024, 140]]

NUMERIC_GOAL_CELLS: list[str] = [
    f"{GOAL_LETTERS[key]}{FIRST_DATA_ROW + i}"
    for i, goal in enumerate(GOALS)
    for key in ("weight", "baseline", "target", "top", "floor", "actual")
    if key in goal and isinstance(goal[key], int | float)
]
"""Every filled numeric cell of the valid submission's goal sheet (for the one-corrupted-cell property)."""


def config(tmp: Path | None = None, **evaluation: Any) -> Config:
    text = CONFIG_TOML
    if "year" in evaluation:
        text = text.replace(f"year = {YEAR}", f"year = {evaluation['year']}")
    return parse_config(text, home=tmp or Path("/tmp"))


def goals(**changes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The valid goals with some changed: `goals(g3={"top": 100, "floor": 100})` (g1 = first goal)."""
    out = copy.deepcopy(GOALS)
    for name, change in changes.items():
        row = out[int(name[1:]) - 1]
        for key, value in change.items():
            if value is None:
                row.pop(key, None)
            else:
                row[key] = value
    return out


def workbook(
    lang: str = "ko",
    goal_rows: list[dict[str, Any]] | None = None,
    past: list[list[Any]] | None = None,
    info: Mapping[str, Any] | None = None,
    edit: Callable[[Any], None] | None = None,
) -> Any:
    """The openpyxl Workbook of a (by default valid) submission; `edit(wb)` changes it before saving."""
    values = dict(INFO)
    values.update(info or {})
    wb = build_template(
        lang=lang,
        year=YEAR,
        goals=goal_rows if goal_rows is not None else GOALS,
        past=past if past is not None else PAST,
        info=values,
        groups=(GROUP,),
    )
    if edit is not None:
        edit(wb)
    return wb


def write(path: Path, **kwargs: Any) -> Path:
    """Save a submission workbook to `path` (see `workbook` for the options)."""
    return save_workbook(workbook(**kwargs), path)


def goal_sheet(wb: Any, lang: str = "ko") -> Any:
    return wb["Goals" if lang == "en" else "성과목표"]


def fitted_one_page_wide(wb: Any) -> None:
    """An `edit`: the goal sheet as last year's template printed it, fitted one page wide (about 3 pt)."""
    ws = goal_sheet(wb, "en" if "Goals" in wb.sheetnames else "ko")
    ws.page_setup.scale = ws.page_setup.pageOrder = None
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def set_cell(sheet: str, cell: str, value: Any, number_format: str | None = None) -> Callable[[Any], None]:
    """An `edit` that puts one value in one cell (corrupting exactly that cell)."""

    def edit(wb: Any) -> None:
        wb[sheet][cell] = value
        if number_format is not None:
            wb[sheet][cell].number_format = number_format

    return edit


def goal_cell(key: str, goal_index: int) -> str:
    """Cell of a goal field in the template: goal_cell("target", 1) == "K5"."""
    return f"{GOAL_LETTERS[key]}{FIRST_DATA_ROW + goal_index - 1}"


assert [c.key for c in GOAL_COLUMNS][:1] == ["number"]
