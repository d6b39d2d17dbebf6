"""The committee workbook (정성평가 평정표): one row per qualitative goal of every agency's current accepted
results, one grade column per member with the six grades as a dropdown, a 가점·감점 sheet (agency from a list,
points, reason required, basis) and a 안내 sheet. Its document properties say what it is (`PipelineKind`), the year
and a fingerprint of the submissions it was made from, so that the night recognises it in the inbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.committee_layout import (
    ADJUSTMENT_COLUMNS,
    ADJUSTMENT_ROWS,
    COMMITTEE_KIND,
    FINGERPRINT_COLUMN,
    FINGERPRINT_PROPERTY,
    FIRST_ROW,
    GRADE_COLUMNS,
    HEADER_ROW,
    KIND_PROPERTY,
    SHEET_ADJUSTMENTS,
    SHEET_GRADES,
    SHEET_GUIDE,
    YEAR_PROPERTY,
    label,
)
from pipeline.core.i18n import Text, tr
from pipeline.core.layout import QUALITATIVE_GRADES, Column
from pipeline.core.model import Goal
from pipeline.core.paper import BOTTOM, MARGIN, MIN_WRAPPED, PAGE_NUMBERS, TOP, fit_widths
from pipeline.core.refs import column_letter
from pipeline.scoring.committee import goal_fingerprint
from pipeline.system.atomic import save_workbook

__all__ = ["SheetRow", "build_committee_sheet", "write_committee_sheet"]

FONT_NAME = "맑은 고딕"
GUIDE_AGENCY_ROW = 12
"""First row of the agency list on the 안내 sheet (the 가점·감점 sheet's dropdown points at it)."""

TEXTS: dict[str, Text] = {
    "title": ("{year}년 정성평가 평정표", "{year} qualitative grades"),
    "hint": (
        "위원별 열에 목표마다 등급을 고르세요(탁월·우수·양호·보통·미흡·아주미흡). 빈 칸은 평정하지 않은 것으로 봅니다.",
        "Pick a grade per goal in your column (six grades). A blank cell means not graded.",
    ),
    "adj_title": ("가점·감점", "Bonuses and penalties"),
    "adj_hint": (
        "가점은 양수, 감점은 음수로 적고 사유를 꼭 적으세요.",
        "Type a bonus as a positive number and a penalty as a negative one; a reason is required.",
    ),
    "guide_title": ("정성평가 평정표 작성 안내", "How to fill in the committee sheet"),
    "agencies": ("기관 목록", "Agencies"),
    "pick": ("목록에서 고르세요.", "Pick a value from the list."),
    "number": ("숫자만 적으세요.", "Numbers only."),
}
GUIDE_LINES: tuple[Text, ...] = (
    (
        "1. '정성평가 평정표' 시트: 위원마다 자기 이름 열에 목표별 등급을 고릅니다.",
        "1. 'Qualitative grades': each member picks a grade per goal in the column headed by their name.",
    ),
    (
        "2. 목표별 평점은 위원 평점의 평균입니다. 5명 이상이면 최고·최저 1개씩 빼고 평균합니다.",
        "2. A goal's points are the mean of the members' points; from 5 members the highest and lowest are dropped.",
    ),
    (
        "3. '가점·감점' 시트: 기관을 고르고 점수(가점 +, 감점 −)와 사유를 적습니다. 근거는 선택입니다.",
        "3. 'Adjustments': pick the agency, type the points (+ bonus, − penalty) and the reason; the basis is optional.",
    ),
    (
        "4. 다 적으면 파일을 저장해 평가 담당 부서의 받은편지함(inbox)에 넣거나 'pipeline committee merge'로 "
        "반영합니다.",
        "4. Save the file and drop it into the office's inbox, or merge it with 'pipeline committee merge'.",
    ),
    (
        "5. 시트 이름, 제목 줄, 마지막 '확인값' 열은 바꾸지 마세요. 평정표를 만든 뒤 기관이 고친 목표는 반영되지 "
        "않습니다.",
        "5. Do not change sheet names, headings or the last 'Check value' column. Goals an agency changed after the "
        "sheet was made are not merged.",
    ),
)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One qualitative goal of an agency's current accepted submission."""

    agency: str
    agency_name: str
    goal: Goal


def build_committee_sheet(
    rows: Sequence[SheetRow],
    members: Sequence[str],
    agencies: Sequence[tuple[str, str]],
    year: int,
    fingerprint: str,
    lang: str = "ko",
) -> Any:
    """The openpyxl workbook (not saved): grades, adjustments and guide sheets, and the marking properties."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    wb = Workbook()
    grades = wb.active
    grades.title = label(SHEET_GRADES, lang)
    adjustments = wb.create_sheet(label(SHEET_ADJUSTMENTS, lang))
    guide = wb.create_sheet(label(SHEET_GUIDE, lang))
    _guide(guide, agencies, lang)
    _grades(grades, rows, members, year, lang)
    _adjustments(adjustments, len(agencies), lang)
    for name, value in (
        (KIND_PROPERTY, COMMITTEE_KIND),
        (YEAR_PROPERTY, str(year)),
        (FINGERPRINT_PROPERTY, fingerprint),
    ):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.title = tr(TEXTS["title"], lang, year=year)
    wb.properties.creator = "pipeline"
    return wb


def write_committee_sheet(path: Path, *args: Any, **kwargs: Any) -> Path:
    return save_workbook(build_committee_sheet(*args, **kwargs), path)


def _fonts() -> dict[str, Any]:
    from openpyxl.styles import Font, PatternFill

    return {
        "title": Font(name=FONT_NAME, size=14, bold=True),
        "hint": Font(name=FONT_NAME, size=10, color="595959"),  # 10 pt: at 8 pt or more on paper
        "header": Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF"),
        "body": Font(name=FONT_NAME, size=10),
        "fill": PatternFill("solid", fgColor="1F4E78"),
        "input": PatternFill("solid", fgColor="FFF9DB"),
    }


def _head(ws: Any, columns: Sequence[tuple[str, float]], style: dict[str, Any]) -> None:
    from openpyxl.styles import Alignment

    for i, (text, width) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=text)
        cell.font, cell.fill = style["header"], style["fill"]
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[column_letter(i)].width = width


def _title(ws: Any, title: str, hint: str, style: dict[str, Any]) -> None:
    ws["A1"], ws["A2"] = title, hint
    ws["A1"].font, ws["A2"].font = style["title"], style["hint"]


def _list(formula: str, lang: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True, error=tr(TEXTS["pick"], lang)
    )


def _grades(ws: Any, rows: Sequence[SheetRow], members: Sequence[str], year: int, lang: str) -> None:
    style = _fonts()
    _title(ws, tr(TEXTS["title"], lang, year=year), tr(TEXTS["hint"], lang), style)
    heads = [(c.label(lang), c.width) for c in GRADE_COLUMNS]
    heads += [(m, MEMBER_WIDTH) for m in members]
    printed = _fitted(heads, landscape=True)  # the members grade on paper: the fingerprint is not printed
    _head(ws, [*printed, (FINGERPRINT_COLUMN.label(lang), FINGERPRINT_COLUMN.width)], style)
    wrap = _wrap()
    for r, row in enumerate(rows, start=FIRST_ROW):
        g = row.goal
        values = [row.agency, row.agency_name, g.number, g.goal, g.indicator, float(g.weight), g.highlights, g.evidence]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.alignment = style["body"], wrap
        ws.row_dimensions[r].height = _height(values, [w for _, w in printed])
        for c in range(len(GRADE_COLUMNS) + 1, len(GRADE_COLUMNS) + len(members) + 1):
            ws.cell(row=r, column=c).fill = style["input"]
        ws.cell(row=r, column=len(GRADE_COLUMNS) + len(members) + 1, value=goal_fingerprint(row.agency, g))
    if members and rows:
        dv = _list('"' + ",".join(QUALITATIVE_GRADES) + '"', lang)
        ws.add_data_validation(dv)
        first, last = column_letter(len(GRADE_COLUMNS) + 1), column_letter(len(GRADE_COLUMNS) + len(members))
        dv.add(f"{first}{FIRST_ROW}:{last}{FIRST_ROW + len(rows) - 1}")
    ws.freeze_panes = f"{column_letter(len(GRADE_COLUMNS) + 1)}{FIRST_ROW}"
    _print(ws, tr(TEXTS["title"], lang, year=year), len(printed), FIRST_ROW + max(len(rows), 1) - 1, landscape=True)


def _adjustments(ws: Any, n_agencies: int, lang: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    style = _fonts()
    _title(ws, tr(TEXTS["adj_title"], lang), tr(TEXTS["adj_hint"], lang), style)
    _head(ws, _fitted([(c.label(lang), c.width) for c in ADJUSTMENT_COLUMNS], landscape=True), style)
    last = FIRST_ROW + ADJUSTMENT_ROWS - 1
    _print(ws, tr(TEXTS["adj_title"], lang), len(ADJUSTMENT_COLUMNS), last, landscape=True)
    guide = label(SHEET_GUIDE, lang)
    if n_agencies:
        dv = _list(f"'{guide}'!$A${GUIDE_AGENCY_ROW + 1}:$A${GUIDE_AGENCY_ROW + n_agencies}", lang)
        ws.add_data_validation(dv)
        dv.add(f"A{FIRST_ROW}:A{last}")
    number = DataValidation(
        type="decimal", operator="between", formula1="-100", formula2="100", allow_blank=True,
        showErrorMessage=True, error=tr(TEXTS["number"], lang),
    )  # fmt: skip
    ws.add_data_validation(number)
    number.add(f"B{FIRST_ROW}:B{last}")
    for r in range(FIRST_ROW, last + 1):
        for c in range(1, len(ADJUSTMENT_COLUMNS) + 1):
            ws.cell(row=r, column=c).fill = style["input"]


def _guide(ws: Any, agencies: Sequence[tuple[str, str]], lang: str) -> None:
    style = _fonts()
    ws["A1"] = tr(TEXTS["guide_title"], lang)
    ws["A1"].font = style["title"]
    for i, line in enumerate(GUIDE_LINES, start=3):  # across both printed columns, wrapped: none runs off the page
        cell = ws.cell(row=i, column=1, value=tr(line, lang))
        cell.font, cell.alignment = style["body"], _wrap()
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=2)
        ws.row_dimensions[i].height = _height([cell.value], [GUIDE_WIDTHS[0] + GUIDE_WIDTHS[1]])
    ws.cell(row=GUIDE_AGENCY_ROW - 1, column=1, value=tr(TEXTS["agencies"], lang)).font = style["title"]
    codes: tuple[Column, ...] = ADJUSTMENT_COLUMNS[:1]
    ws.cell(row=GUIDE_AGENCY_ROW, column=1, value=codes[0].label(lang)).font = style["header"]
    ws.cell(row=GUIDE_AGENCY_ROW, column=1).fill = style["fill"]
    for i, (code, name) in enumerate(agencies, start=GUIDE_AGENCY_ROW + 1):
        ws.cell(row=i, column=1, value=code).font = style["body"]
        ws.cell(row=i, column=2, value=name).font = style["body"]
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = GUIDE_WIDTHS
    _print(ws, tr(TEXTS["guide_title"], lang), 2, GUIDE_AGENCY_ROW + len(agencies), landscape=False, heading=False)


GUIDE_WIDTHS = (14, 30)
"""The guide's two columns: agency codes, their names (the guide's lines span both)."""
MEMBER_WIDTH = 7
"""A member's grade column: a grade (S, A, ... D) under the member's name."""
NARROW = frozenset({"agency", "number", "weight", "points"})
"""The fixed columns that keep their width on paper (codes and numbers); the others wrap."""


def _fitted(heads: Sequence[tuple[str, int]], landscape: bool) -> list[tuple[str, float]]:
    """The heads with the text columns narrowed so that the sheet prints one page wide at 8 pt or more."""
    keys = {c.label(lang): c.key for c in (*GRADE_COLUMNS, *ADJUSTMENT_COLUMNS) for lang in ("ko", "en")}
    wrapped = [h in keys and keys[h] not in NARROW for h, _ in heads]
    widths = fit_widths([w for _, w in heads], wrapped, landscape)
    return [(h, round(w, 1)) for (h, _), w in zip(heads, widths, strict=True)]


def _wrap() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


def _height(values: Sequence[Any], widths: Sequence[float]) -> float:
    """Enough lines for the longest wrapped value (a Hangul character is two digits wide): LibreOffice does not
    grow rows on load."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        text = "" if value is None else str(value)
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
        lines = max(lines, -(-units // max(int(width), int(MIN_WRAPPED))))
    return lines * 13.5 + 3


def _print(ws: Any, title: str, n_cols: int, last_row: int, landscape: bool, heading: bool = True) -> None:
    """A4, one page wide, the heading row on every page, page numbers: the sheet is a form members print."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = MARGIN
    ws.page_margins.top, ws.page_margins.bottom = TOP, BOTTOM
    ws.print_options.horizontalCentered = True
    ws.oddHeader.left.text = title.replace("&", "&&")[:120]
    ws.oddFooter.center.text = PAGE_NUMBERS.removeprefix("&C")
    ws.print_area = f"A1:{column_letter(n_cols)}{max(last_row, HEADER_ROW)}"
    if heading:
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
