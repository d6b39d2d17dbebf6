"""The standard template workbook that agencies fill in (openpyxl).

Closed lists become dropdowns, numeric cells get number validation, input cells are unlocked and the sheets'
structure protected (no password) so that headings the reader relies on stay where they are. The template
carries its version as a custom document property (`TemplateVersion`) so that an old template is recognised.
`build_template` is also used by the demo and the tests to fill workbooks, so that every generated submission
starts from exactly what agencies receive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.core.i18n import tr
from pipeline.core.layout import (
    ACHIEVED,
    AGENCY_FIELDS,
    CHOICES,
    FIRST_DATA_ROW,
    GOAL_COLUMNS,
    HEADER_ROW,
    METHODS,
    PAST_COLUMNS,
    PROGRESS,
    SHEET_AGENCY,
    SHEET_GOALS,
    SHEET_GUIDE,
    SHEET_PAST,
    SUBMISSION_KINDS,
    TEMPLATE_VERSION,
    VERSION_PROPERTY,
    Column,
    choice_label,
    sheet_name,
)
from pipeline.core.refs import column_letter
from pipeline.template.goal_print import HINT_POINTS, apply_goal_print
from pipeline.template.guide_print import GUIDE_FIRST_ROW, print_guide

if TYPE_CHECKING:
    from openpyxl import Workbook

    from pipeline.settings.schema import Agency

GOAL_ROWS = 60  # input rows prepared on 성과목표 (more can be added by inserting rows is not needed: 60 ≫ 10)
PAST_ROWS = 100
FONT_NAME = "맑은 고딕"
TEMPLATE_FILE = "성과창출계획_표준서식.xlsx"
TEMPLATE_FILE_EN = "performance_plan_template.xlsx"

TEXTS = {
    "title_goals": ("성과목표 및 실적", "Goals and results"),
    "title_agency": ("기관정보", "Agency information"),
    "title_past": ("과거실적 (목표부여(편차) 방식의 목표만 작성)", "Past results (deviation-method goals only)"),
    "hint_goals": (
        "한 줄에 성과목표 하나씩 작성합니다. 가중치 합계는 100이어야 합니다. 작성 방법과 예시는 '안내' 시트를 보세요.",
        "One goal per row. Weights must add up to 100. See the 'Guide' sheet for how to fill it in, with examples.",
    ),
    "hint_agency": (
        "노란 칸을 채워 주세요. 기관코드는 평가부서에서 안내한 코드를 그대로 적습니다.",
        "Fill in the yellow cells. Use the agency code given by the evaluation office.",
    ),
    "hint_past": (
        "목표부여(편차) 방식 목표의 최근 3~5년 실적을 연도별로 한 줄씩 적습니다.",
        "For deviation-method goals, one row per year of the last 3 to 5 years' results.",
    ),
    "item": ("항목", "Item"),
    "content": ("내용", "Value"),
    "guide_title": ("성과창출계획 표준서식 작성 안내", "How to fill in the performance plan template"),
    "examples": (
        "평가방법별 작성 예시 (예시는 이 시트에만 있습니다)",
        "One example per method (examples live here only)",
    ),
    "version": ("서식 버전", "Template version"),
}

GUIDE_LINES = (
    (
        "1. '기관정보' 시트에 기관코드, 기관명, 기관유형, 평가연도를 적습니다.",
        "1. On 'Agency', fill in the agency code, name, group and evaluation year.",
    ),
    (
        "2. '성과목표' 시트에 목표마다 한 줄씩 적습니다. 목표번호는 기관 안에서 겹치지 않게 합니다.",
        "2. On 'Goals', one row per goal; goal numbers must be unique within the agency.",
    ),
    (
        "3. 평가방법: 목표대비(실적÷목표), 목표부여(최고·최저목표 또는 기준치), 목표부여(편차)(과거실적 3~5년),"
        " 달성여부(달성/미달성), 정성평가(평가위원이 등급 부여).",
        "3. Method: target ratio (actual ÷ target), target setting (top/floor or baseline), deviation (3-5 past"
        " results), milestone (achieved / not achieved), qualitative (graded by evaluators).",
    ),
    (
        "4. 지표방향: 클수록 좋으면 상향, 작을수록 좋으면(사고 건수 등) 하향. 주요사업이면 Y.",
        "4. Direction: higher if more is better, lower if less is better (e.g. accidents). Major programme: Y.",
    ),
    (
        "5. 가중치는 목표별 배점이며 합계가 정확히 100이어야 합니다.",
        "5. Weight is the goal's points; the weights must add up to exactly 100.",
    ),
    (
        "6. 숫자 칸에는 숫자만 적습니다(단위는 '단위' 칸에). 퍼센트 지표는 단위를 %로 하고 85 또는 85%로 적습니다.",
        "6. Numeric cells hold numbers only (units go in 'Unit'). For % indicators use unit % and type 85 or 85%.",
    ),
    (
        "7. 정성평가 목표의 등급은 평가위원회가 따로 매깁니다. 등급 칸을 만들지 마세요.",
        "7. The committee grades qualitative goals in its own workbook: do not add a grade column.",
    ),
    (
        "8. 실적의 근거(증빙자료)를 꼭 적어 주세요. 시트 이름과 제목 줄은 바꾸지 마세요.",
        "8. Always name the evidence. Do not rename sheets or headings.",
    ),
    (
        "9. 제출구분: 연초 계획은 '계획', 중간점검은 '중간점검', 연말 실적은 '실적'. 중간점검에서는 추진상황(정상·지연·부진·완료)과"
        " 중간실적을 적고, 지연·부진이면 사유를 적습니다.",
        "9. Submission kind: 'plan' at the start of the year, 'mid-year check' in the middle, 'results' at the end."
        " At the mid-year check fill in Progress (on track, delayed, lagging, completed) and the mid-year actual,"
        " and a reason when delayed or lagging.",
    ),
)

# One worked example per method (docs/scoring.md §5): shown on the guide sheet only.
GUIDE_EXAMPLES: tuple[dict[str, Any], ...] = (
    {
        "number": "예1",
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
        "number": "예2",
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
        "number": "예3",
        "strategy": "시민 서비스",
        "goal": "상담 건수 확대",
        "indicator": "상담 건수",
        "method": "deviation",
        "direction": "higher",
        "unit": "건",
        "major": "N",
        "weight": 20,
        "actual": 145,
        "note": "과거실적 시트에 5년 실적 작성",
    },
    {
        "number": "예4",
        "strategy": "경영 혁신",
        "goal": "국제 인증 획득",
        "indicator": "ISO 10002 인증",
        "method": "milestone",
        "weight": 5,
        "actual": "달성",
        "evidence": "인증서 사본",
    },
    {
        "number": "예5",
        "strategy": "지역 발전",
        "goal": "도시철도 2호선 건설 지원",
        "indicator": "지원 실적(정성)",
        "method": "qualitative",
        "weight": 20,
        "evidence": "추진 경과 보고",
        "note": "평가등급은 평가위원 작성",
    },
)


def _display(field: str, value: Any, lang: str) -> Any:
    """Closed-list codes ("ratio", "higher") become the labels people pick in the dropdowns."""
    if field in CHOICES and isinstance(value, str) and value in CHOICES[field]:
        return choice_label(field, value, lang)
    return value


@dataclass(frozen=True)
class CellValue:
    """A value to put in a cell with a number format (e.g. 0.85 formatted as a percentage)."""

    value: Any
    number_format: str


def build_template(
    lang: str = "ko",
    year: int | None = None,
    agency: Agency | None = None,
    groups: Sequence[str] = (),
    goals: Iterable[Mapping[str, Any]] = (),
    past: Iterable[Sequence[Any]] = (),
    info: Mapping[str, Any] | None = None,
    kind: str = "results",
    open_fields: frozenset[str] | None = None,
) -> Workbook:
    """The template as an openpyxl Workbook, optionally prefilled.

    `goals` rows map goal column keys to cell values (plain values or `CellValue`); closed-list codes such as
    "ratio" are written as the labels of the chosen language. `info` overrides agency fields by key. `kind` is the
    submission kind written into 제출구분 (a layout.SUBMISSION_KINDS key). `open_fields`: only these goal columns
    are unlocked (the others, prefilled from the confirmed plan, are locked; past results too); None = all open.
    """
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    wb = Workbook()
    wb.remove(wb.active)
    styles = _Styles()
    _guide_sheet(wb.create_sheet(sheet_name(SHEET_GUIDE, lang)), lang, styles)
    values = {"year": year, "group": "", "kind": kind}
    if agency is not None:
        values.update(
            agency_code=agency.code,
            agency_name=agency.name,
            group=agency.group,
            supervising_dept=agency.supervising_dept,
            email=agency.email,
        )
    values.update(info or {})
    _agency_sheet(wb.create_sheet(sheet_name(SHEET_AGENCY, lang)), lang, styles, values, groups)
    _goal_sheet(wb.create_sheet(sheet_name(SHEET_GOALS, lang)), lang, styles, list(goals), open_fields)
    _past_sheet(wb.create_sheet(sheet_name(SHEET_PAST, lang)), lang, styles, list(past), open_fields is None)
    wb.active = 2 if agency is not None else 0
    wb.custom_doc_props.append(StringProperty(name=VERSION_PROPERTY, value=TEMPLATE_VERSION))
    wb.properties.title = tr(TEXTS["guide_title"], lang)
    wb.properties.keywords = f"{VERSION_PROPERTY}={TEMPLATE_VERSION}"
    wb.properties.creator = "pipeline"
    wb.security.lockStructure = True
    return wb


class _Styles:
    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="A6A6A6")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name=FONT_NAME, size=14, bold=True)
        self.hint = Font(name=FONT_NAME, size=HINT_POINTS, color="595959")
        self.header = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
        self.body = Font(name=FONT_NAME, size=10)
        self.header_fill = PatternFill("solid", fgColor="1F4E78")
        self.input_fill = PatternFill("solid", fgColor="FFF9DB")
        self.example_fill = PatternFill("solid", fgColor="EDEDED")
        self.locked_fill = PatternFill("solid", fgColor="F2F2F2")  # plan cells of a mid-year/results template
        self.wrap = Alignment(wrap_text=True, vertical="center")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.unlocked = Protection(locked=False)


def _title(ws, title: str, hint: str, styles: _Styles) -> None:
    ws["A1"] = title
    ws["A1"].font = styles.title
    ws["A2"] = hint
    ws["A2"].font = styles.hint
    ws.row_dimensions[1].height = 24


def _header(ws, columns: Sequence[Column], lang: str, styles: _Styles, row: int = HEADER_ROW) -> None:
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=i, value=col.label(lang))
        cell.font = styles.header
        cell.fill = styles.header_fill
        cell.alignment = styles.center
        cell.border = styles.border
        ws.column_dimensions[column_letter(i)].width = col.width * (1.0 if lang == "ko" else 1.1)
    ws.row_dimensions[row].height = 30


def _print_setup(ws, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "&P / &N"


def _protect(ws) -> None:
    """Structure protected, no password: people type in the unlocked cells but cannot move the headings."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _put(cell, value: Any) -> None:
    if isinstance(value, CellValue):
        cell.value = value.value
        cell.number_format = value.number_format
    else:
        cell.value = value


def _guide_sheet(ws, lang: str, styles: _Styles) -> None:
    _title(ws, tr(TEXTS["guide_title"], lang), f"{tr(TEXTS['version'], lang)}: {TEMPLATE_VERSION}", styles)
    row = GUIDE_FIRST_ROW
    for line in GUIDE_LINES:
        ws.cell(row=row, column=1, value=tr(line, lang)).font = styles.body
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=tr(TEXTS["examples"], lang)).font = styles.title
    row += 1
    _header(ws, GOAL_COLUMNS, lang, styles, row=row)
    print_guide(ws, len(GOAL_COLUMNS), GUIDE_FIRST_ROW + len(GUIDE_LINES) - 1)
    for example in GUIDE_EXAMPLES:
        row += 1
        for i, col in enumerate(GOAL_COLUMNS, start=1):
            value = _display(col.key, example.get(col.key), lang)
            if col.key == "actual" and value == "달성" and lang == "en":
                value = ACHIEVED["achieved"][1]
            cell = ws.cell(row=row, column=i, value=value)
            cell.font = styles.body
            cell.fill = styles.example_fill
            cell.border = styles.border
            if col.kind == "number" and isinstance(value, int | float):
                cell.number_format = "#,##0.##"
    ws.protection.sheet = True


def _agency_sheet(ws, lang: str, styles: _Styles, values: Mapping[str, Any], groups: Sequence[str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    _title(ws, tr(TEXTS["title_agency"], lang), tr(TEXTS["hint_agency"], lang), styles)
    for i, label in enumerate((TEXTS["item"], TEXTS["content"]), start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=tr(label, lang))
        cell.font, cell.fill, cell.alignment, cell.border = (
            styles.header,
            styles.header_fill,
            styles.center,
            styles.border,
        )
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    for offset, col in enumerate(AGENCY_FIELDS):
        row = FIRST_DATA_ROW + offset
        label = ws.cell(row=row, column=1, value=col.label(lang))
        label.font, label.border = styles.body, styles.border
        cell = ws.cell(row=row, column=2, value=_display(col.key, values.get(col.key), lang) or None)
        cell.font, cell.border, cell.fill, cell.protection = (
            styles.body,
            styles.border,
            styles.input_fill,
            styles.unlocked,
        )
        if col.key == "year":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1="2000",
                formula2="2100",
                showErrorMessage=True,
                error=tr(("연도를 숫자로 적으세요.", "Type the year."), lang),
            )
            ws.add_data_validation(dv)
            dv.add(cell)
        if col.key == "kind":
            kinds = [choice_label("kind", k, lang) for k in SUBMISSION_KINDS]
            dv = DataValidation(type="list", formula1=_list_formula(kinds), showErrorMessage=True)
            ws.add_data_validation(dv)
            dv.add(cell)
        if col.key == "group" and groups:
            dv = DataValidation(type="list", formula1=_list_formula(groups), showErrorMessage=True)
            ws.add_data_validation(dv)
            dv.add(cell)
    _print_setup(ws, landscape=False)
    _protect(ws)


def _list_formula(items: Iterable[str]) -> str:
    return '"' + ",".join(items) + '"'


def _goal_sheet(
    ws, lang: str, styles: _Styles, goals: list[Mapping[str, Any]], open_fields: frozenset[str] | None = None
) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    _title(ws, tr(TEXTS["title_goals"], lang), tr(TEXTS["hint_goals"], lang), styles)
    _header(ws, GOAL_COLUMNS, lang, styles)
    last = FIRST_DATA_ROW + max(GOAL_ROWS, len(goals)) - 1
    lists = {
        "method": [choice_label("method", m, lang) for m in METHODS],
        "direction": [choice_label("direction", d, lang) for d in ("higher", "lower")],
        "major": ["Y", "N"],
        "progress": [choice_label("progress", p, lang) for p in PROGRESS],
    }
    for i, col in enumerate(GOAL_COLUMNS, start=1):
        letter = column_letter(i)
        area = f"{letter}{FIRST_DATA_ROW}:{letter}{last}"
        if col.key in lists:
            dv = DataValidation(
                type="list",
                formula1=_list_formula(lists[col.key]),
                allow_blank=True,
                showErrorMessage=True,
                error=tr(("목록에서 고르세요.", "Pick a value from the list."), lang),
            )
        elif col.kind == "number" and col.key != "actual":  # actual may be 달성/미달성 for milestones
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1="-1E+15",
                formula2="1E+15",
                allow_blank=True,
                showErrorMessage=True,
                error=tr(("숫자만 적으세요.", "Numbers only."), lang),
            )
        else:
            dv = None
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(area)
    for offset in range(last - FIRST_DATA_ROW + 1):
        row = FIRST_DATA_ROW + offset
        goal = goals[offset] if offset < len(goals) else {}
        for i, col in enumerate(GOAL_COLUMNS, start=1):
            cell = ws.cell(row=row, column=i)
            if col.key in goal:
                _put(cell, _display(col.key, goal[col.key], lang))
            cell.font, cell.border = styles.body, styles.border
            if open_fields is None or col.key in open_fields:
                cell.protection = styles.unlocked
            else:
                cell.fill = styles.locked_fill
            if col.kind == "number" and not cell.number_format.endswith("%"):
                cell.number_format = "#,##0.##"
            if col.kind == "text":
                cell.alignment = styles.wrap
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    _print_setup(ws)
    apply_goal_print(ws)  # several pages wide at a readable scale, not one page at 3 pt
    _protect(ws)


def _past_sheet(ws, lang: str, styles: _Styles, past: list[Sequence[Any]], editable: bool = True) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    _title(ws, tr(TEXTS["title_past"], lang), tr(TEXTS["hint_past"], lang), styles)
    _header(ws, PAST_COLUMNS, lang, styles)
    last = FIRST_DATA_ROW + max(PAST_ROWS, len(past)) - 1
    year_dv = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True)
    ws.add_data_validation(year_dv)
    year_dv.add(f"B{FIRST_DATA_ROW}:B{last}")
    for offset in range(last - FIRST_DATA_ROW + 1):
        row = FIRST_DATA_ROW + offset
        values = past[offset] if offset < len(past) else ()
        for i in range(1, len(PAST_COLUMNS) + 1):
            cell = ws.cell(row=row, column=i)
            if i <= len(values):
                _put(cell, values[i - 1])
            cell.font, cell.border = styles.body, styles.border
            if editable:
                cell.protection = styles.unlocked
            else:
                cell.fill = styles.locked_fill
        ws.cell(row=row, column=3).number_format = "#,##0.##"
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    _print_setup(ws, landscape=False)
    _protect(ws)
