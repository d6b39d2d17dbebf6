"""Findings about the workbook's shape, raised by the reader: sheets, heading rows, columns, hidden rows, version.

Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, WARNING, FileFinding, FindingType, SheetFinding

SHEET_FINDINGS: tuple[FindingType, ...] = (
    SheetFinding(
        "sheet.header_missing",
        ERROR,
        message=(
            "제목 줄(목표번호, 성과목표, 평가방법, 가중치 …)을 찾을 수 없습니다.",
            "The heading row (Goal no., Goal, Method, Weight, …) cannot be found.",
        ),
        hint=(
            "표준 서식의 제목 줄을 지우거나 바꾸지 말고, 그 아래에 목표를 적으세요.",
            "Keep the template's heading row as it is and write the goals below it.",
        ),
        description="No row in the first rows of the sheet holds enough of the standard headings.",
    ),
    SheetFinding(
        "sheet.column_missing",
        ERROR,
        message=("'{expected}' 열이 없습니다.", "The '{expected}' column is missing."),
        hint=(
            "표준 서식의 제목 줄에 '{expected}' 열을 되살리세요(서식을 새로 받아 옮겨 적어도 됩니다).",
            "Restore the '{expected}' column in the heading row (or copy your rows into a fresh template).",
        ),
        description="A required column heading is not in the heading row.",
        params={"expected": "가중치"},
    ),
    SheetFinding(
        "sheet.too_many_rows",
        ERROR,
        message=(
            "내용이 있는 행이나 열이 너무 많습니다: {limit}행, {columns}열까지만 읽었습니다.",
            "Too many rows or columns: only the first {limit} rows and {columns} columns were read.",
        ),
        hint=(
            "목표가 아닌 행(빈 서식, 붙여 넣은 자료)을 지우고 다시 저장하세요.",
            "Delete rows that are not goals (blank formatting, pasted data) and save again.",
        ),
        description="A sheet holds more rows or columns than any real submission; reading stops at a fixed limit.",
        params={"limit": 5000, "columns": 64},
    ),
    SheetFinding(
        "sheet.too_many_entries",
        ERROR,
        message=(
            "입력된 행이 {count}개로, 이 시트에 둘 수 있는 {limit}개를 넘습니다.",
            "{count} rows are filled in, more than the {limit} this sheet can hold.",
        ),
        hint=(
            "목표(또는 과거실적)만 한 줄씩 남기고, 붙여 넣은 표나 자료는 지운 뒤 다시 저장하세요.",
            "Keep one row per goal (or past result); delete pasted tables or data and save again.",
        ),
        description="More goal rows (or past-result rows) than any real plan has: a pasted table. Refused with this one finding"
        " instead of one per row.",
        params={"count": 3000, "limit": 200},
    ),
    SheetFinding(
        "sheet.no_goals",
        ERROR,
        message=("성과목표가 하나도 없습니다.", "There are no goals."),
        hint=(
            "성과목표 시트의 제목 줄 아래에 목표를 한 줄씩 적으세요.",
            "Write one goal per row below the heading row.",
        ),
        description="The goal sheet has a heading row but no goal rows.",
    ),
    FileFinding(
        "file.template_version",
        WARNING,
        message=(
            "올해 표준 서식(버전 {expected})이 아닌 서식으로 작성된 파일입니다(버전: {found}).",
            "The file was not made from this year's template (version {expected}); its version: {found}.",
        ),
        hint=(
            "올해 배포한 표준 서식을 받아 내용을 옮겨 적은 뒤 제출하면 목록·검증 규칙이 맞게 적용됩니다.",
            "Copy the contents into this year's template so that its lists and checks apply.",
        ),
        description="The workbook lacks the template's `TemplateVersion` document property, or carries another version: "
        "an old or home-made template. Read as usual; a warning only.",
        params={"expected": "2026.2", "found": "?"},
    ),
    SheetFinding(
        "column.unknown",
        WARNING,
        message=(
            "표준 서식에 없는 열 '{field}'은(는) 읽지 않습니다.",
            "Column '{field}' is not in the template and is ignored.",
        ),
        hint=(
            "필요 없는 열이면 지우고, 내용이 필요하면 '비고' 열에 옮겨 적으세요.",
            "Delete the column, or move what matters into the 'Note' column.",
        ),
        description="An extra column heading the reader does not know; its contents are ignored.",
    ),
    SheetFinding(
        "row.hidden",
        WARNING,
        message=(
            "숨겨진 행에 목표가 있습니다({row}행). 이 행도 평가에 포함됩니다.",
            "Row {row} is hidden but holds a goal; it counts.",
        ),
        hint=(
            "행 숨기기를 해제해 내용을 확인하고, 필요 없는 목표라면 행을 지우세요.",
            "Unhide the row and check it; delete it if the goal should not count.",
        ),
        description="Hidden rows are read like any other: a hidden goal still counts, so we point it out.",
        params={"row": 7},
    ),
    SheetFinding(
        "column.hidden",
        WARNING,
        message=(
            "'{field}' 열이 숨겨져 있습니다. 숨긴 열의 값도 평가에 그대로 쓰입니다.",
            "The column '{field}' is hidden; its values are used all the same.",
        ),
        hint=(
            "열 숨기기를 해제해 값을 확인하세요.",
            "Unhide the column and check its values.",
        ),
        description="A hidden column of the table is read like any other: what the submitter no longer sees still counts.",
    ),
    SheetFinding(
        "sheet.hidden",
        WARNING,
        message=(
            "'{sheet}' 시트가 숨겨져 있습니다(상태: {state}). 숨긴 시트의 내용도 평가에 그대로 쓰입니다.",
            "The sheet '{sheet}' is hidden (state: {state}); its contents are used all the same.",
        ),
        hint=(
            "시트 탭을 오른쪽 클릭해 '숨기기 취소'로 시트를 표시하고 내용을 확인하세요. 목록에 없으면(veryHidden) "
            "표준 서식을 새로 받아 내용을 옮겨 적으세요.",
            "Right-click a sheet tab and choose Unhide to show the sheet and check it. If it is not listed "
            "(veryHidden), copy your entries into a fresh template.",
        ),
        description="The agency, goal or past-result sheet is hidden (`hidden`) or very hidden (`veryHidden`, which "
        "Excel's Unhide does not list). It is read like any other: what the submitter no longer sees still counts.",
        params={"state": "veryHidden"},
    ),
)
