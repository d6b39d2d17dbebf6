"""The catalogue of findings: every problem we can report, with a stable code, a severity and texts in ko/en.

Like Frictionless's error classes, one entry per finding type keeps messages consistent, translatable and
documentable in one place (`docs/findings.md` is generated from `CATALOGUE`). A `Finding` instance only holds
the code, where it is, and the values that fill the templates; texts are rendered on demand in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.core.i18n import Text, tr

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class FindingType:
    code: str
    severity: str
    message: Text  # templates with {placeholders}; {value} is the value as typed
    hint: Text  # one line: how to fix it
    description: str = ""  # for the generated docs page (English)


CATALOGUE: dict[str, FindingType] = {}
MAX_SHOWN = 200
"""Longest value quoted in a finding."""


def define(code: str, severity: str, message: Text, hint: Text, description: str = "") -> FindingType:
    if code in CATALOGUE:
        raise ValueError(f"finding code {code!r} defined twice")
    kind = FindingType(code, severity, message, hint, description)
    CATALOGUE[code] = kind
    return kind


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one file, pinned to a cell where there is one."""

    code: str
    sheet: str = ""
    cell: str = ""  # "J7"; empty for file-level findings
    field: str = ""  # column heading, e.g. "기준치"
    value: str = ""  # the value as typed
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kind(self) -> FindingType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> str:
        return self.kind.severity

    @property
    def is_error(self) -> bool:
        return self.kind.severity == ERROR

    @property
    def ref(self) -> str:
        """`성과목표!J7`, or the sheet alone, or '' for the whole file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def _values(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "field": self.field, "value": self.value, **dict(self.params)}

    def message(self, lang: str = "ko") -> str:
        text = tr(self.kind.message, lang, **self._values())
        return f"{self.ref}: {text}" if self.ref else text

    def hint(self, lang: str = "ko") -> str:
        return tr(self.kind.hint, lang, **self._values())

    def to_dict(self, lang: str = "ko") -> dict[str, str]:
        """The shape of `pipeline validate --json` and of the report's findings sheet."""
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }

    def to_record(self) -> dict[str, Any]:
        """Language-free form kept in the ledger; `from_record` restores it."""
        return {
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "params": [list(p) for p in self.params],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Finding:
        return cls(
            code=record["code"],
            sheet=record.get("sheet", ""),
            cell=record.get("cell", ""),
            field=record.get("field", ""),
            value=record.get("value", ""),
            params=tuple((k, v) for k, v in record.get("params", [])),
        )


def finding(code: str, sheet: str = "", cell: str = "", field: str = "", value: Any = "", **params: Any) -> Finding:
    """Build a finding; unknown codes fail at once so that a typo never reaches a submitter."""
    if code not in CATALOGUE:
        raise KeyError(f"unknown finding code {code!r}")
    shown = "" if value is None else str(value)
    if len(shown) > MAX_SHOWN:  # a 200,000-character cell must not become a 200,000-character message
        shown = shown[: MAX_SHOWN - 1] + "…"
    return Finding(code, sheet, cell, field, shown, tuple(sorted(params.items())))


# --- the catalogue -------------------------------------------------------------------------------------------
# Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
# Messages name the value as typed ({value}) and the heading ({field}); the cell is prefixed by Finding.message.

# File-level problems: the file is not a workbook we can read (CheckResult.unreadable).
define(
    "file.empty",
    ERROR,
    ("빈 파일입니다(0바이트).", "The file is empty (0 bytes)."),
    ("작성한 엑셀 파일을 다시 저장해 제출하세요.", "Save the filled-in workbook again and resubmit it."),
    "The file has no content at all, usually an interrupted copy or upload.",
)
define(
    "file.not_xlsx",
    ERROR,
    ("엑셀 통합 문서(.xlsx)가 아닙니다 ({detail}).", "Not an Excel workbook (.xlsx) ({detail})."),
    (
        "표준 서식(.xlsx)에 작성해 엑셀 통합 문서로 저장한 뒤 다시 제출하세요.",
        "Fill in the standard template and save it as an Excel workbook (.xlsx).",
    ),
    "The file is not an Office Open XML workbook: another format (CSV, HTML, PDF, HWP, …) renamed.",
)
define(
    "file.old_format",
    ERROR,
    ("예전 엑셀 형식({detail})으로 저장된 파일입니다.", "The workbook is in an old Excel format ({detail})."),
    (
        "엑셀에서 [다른 이름으로 저장] → 'Excel 통합 문서(*.xlsx)'로 저장해 다시 제출하세요.",
        "In Excel use Save As → 'Excel Workbook (*.xlsx)' and resubmit.",
    ),
    "A .xls (BIFF, OLE2) or .xlsb (binary) workbook, possibly renamed to .xlsx.",
)
define(
    "file.encrypted",
    ERROR,
    (
        "암호가 걸린 파일입니다: 암호를 해제하고 다시 저장해 제출하세요.",
        "The file is password-protected: remove the password, save and submit again.",
    ),
    (
        "엑셀에서 [파일] → [정보] → [통합 문서 보호] → [암호 설정]에서 암호를 지우고 저장하세요.",
        "In Excel: File → Info → Protect Workbook → Encrypt with Password, clear it and save.",
    ),
    "An encrypted workbook (an OLE2 container) cannot be read without its password.",
)
define(
    "file.corrupt",
    ERROR,
    ("파일이 손상되어 열 수 없습니다 ({detail}).", "The file is damaged and cannot be opened ({detail})."),
    (
        "원본 파일을 엑셀에서 열어 다시 저장한 뒤 제출하세요. 전송 중 잘렸을 수 있습니다.",
        "Open the original in Excel, save it again and resubmit; it may have been cut off in transfer.",
    ),
    "A broken or truncated zip, or workbook XML that cannot be parsed.",
)
define(
    "file.too_large",
    ERROR,
    ("파일이 너무 큽니다 ({detail}).", "The file is too large ({detail})."),
    (
        "표준 서식의 시트만 남기고 그림·첨부 등을 지운 뒤 다시 저장해 제출하세요.",
        "Keep only the template's sheets, remove pictures or attachments, save and resubmit.",
    ),
    "The file, or what it inflates to, is over the limits set to keep the nightly run safe (a zip bomb is refused"
    " before any XML is parsed).",
)
define(
    "file.not_template",
    ERROR,
    (
        "표준 서식의 시트를 찾을 수 없습니다: '{expected}' 시트가 없습니다.",
        "The template's sheets are missing: no '{expected}' sheet.",
    ),
    (
        "배포된 표준 서식에 작성하고 시트 이름을 바꾸지 마세요.",
        "Use the standard template and do not rename its sheets.",
    ),
    "A workbook, but without the 기관정보 / 성과목표 sheets (by Korean or English name).",
)
define(
    "file.symlink",
    ERROR,
    (
        "바로 가기(심볼릭 링크)는 받지 않습니다: 링크가 가리키는 파일은 열지 않았습니다.",
        "Shortcuts (symbolic links) are not accepted: the file it points to was not opened.",
    ),
    (
        "바로 가기 대신 작성한 엑셀 파일 자체를 제출 폴더에 복사해 넣으세요.",
        "Copy the workbook itself into the submission folder, not a shortcut to it.",
    ),
    "A symbolic link in the inbox: never followed (it could point anywhere on the server); the link itself is"
    " moved to rejected/.",
)
define(
    "file.special",
    ERROR,
    (
        "일반 파일이 아닙니다(파이프·장치 등): 열지 않았습니다.",
        "Not a regular file (a pipe, socket or device): it was not opened.",
    ),
    (
        "작성한 엑셀 파일을 일반 파일로 복사해 넣으세요.",
        "Copy the workbook in as an ordinary file.",
    ),
    "A FIFO, socket or device node in the inbox: opening a FIFO would block the night, so it is never opened.",
)
define(
    "file.internal_error",
    ERROR,
    ("검사 중 내부 오류가 발생했습니다.", "An internal error occurred while checking the file."),
    (
        "파일 문제가 아닐 수 있습니다: 평가부서에 이 파일을 보내 문의하세요.",
        "This may not be the file's fault: send it to the evaluation office.",
    ),
    "A bug in the pipeline met this file; the traceback is in the log, the night goes on.",
)
define(
    "file.too_complex",
    ERROR,
    (
        "파일을 정해진 시간·메모리 안에 읽을 수 없었습니다 ({detail}).",
        "The file could not be read within the time and memory allowed ({detail}).",
    ),
    (
        "표준 서식에 목표만 적어 다시 저장하세요(붙여 넣은 표·그림·서식은 지우세요).",
        "Fill in the standard template with the goals only and save again (remove pasted tables, images, styles).",
    ),
    "Reading and checking one file is bounded (a time limit and a memory cap per file, in the worker pool):"
    " a file that exceeds them is refused with this finding and the worker is replaced; the night goes on.",
)

# Sheet structure (reader).
define(
    "sheet.header_missing",
    ERROR,
    (
        "제목 줄(목표번호, 성과목표, 평가방법, 가중치 …)을 찾을 수 없습니다.",
        "The heading row (Goal no., Goal, Method, Weight, …) cannot be found.",
    ),
    (
        "표준 서식의 제목 줄을 지우거나 바꾸지 말고, 그 아래에 목표를 적으세요.",
        "Keep the template's heading row as it is and write the goals below it.",
    ),
    "No row in the first rows of the sheet holds enough of the standard headings.",
)
define(
    "sheet.column_missing",
    ERROR,
    ("'{expected}' 열이 없습니다.", "The '{expected}' column is missing."),
    (
        "표준 서식의 제목 줄에 '{expected}' 열을 되살리세요(서식을 새로 받아 옮겨 적어도 됩니다).",
        "Restore the '{expected}' column in the heading row (or copy your rows into a fresh template).",
    ),
    "A required column heading is not in the heading row.",
)
define(
    "sheet.too_many_rows",
    ERROR,
    (
        "내용이 있는 행이나 열이 너무 많습니다: {limit}행, {columns}열까지만 읽었습니다.",
        "Too many rows or columns: only the first {limit} rows and {columns} columns were read.",
    ),
    (
        "목표가 아닌 행(빈 서식, 붙여 넣은 자료)을 지우고 다시 저장하세요.",
        "Delete rows that are not goals (blank formatting, pasted data) and save again.",
    ),
    "A sheet holds more rows or columns than any real submission; reading stops at a fixed limit.",
)
define(
    "sheet.too_many_entries",
    ERROR,
    (
        "입력된 행이 {count}개로, 이 시트에 둘 수 있는 {limit}개를 넘습니다.",
        "{count} rows are filled in, more than the {limit} this sheet can hold.",
    ),
    (
        "목표(또는 과거실적)만 한 줄씩 남기고, 붙여 넣은 표나 자료는 지운 뒤 다시 저장하세요.",
        "Keep one row per goal (or past result); delete pasted tables or data and save again.",
    ),
    "More goal rows (or past-result rows) than any real plan has: a pasted table. Refused with this one finding"
    " instead of one per row.",
)
define(
    "sheet.no_goals",
    ERROR,
    ("성과목표가 하나도 없습니다.", "There are no goals."),
    ("성과목표 시트의 제목 줄 아래에 목표를 한 줄씩 적으세요.", "Write one goal per row below the heading row."),
    "The goal sheet has a heading row but no goal rows.",
)
define(
    "file.template_version",
    WARNING,
    (
        "올해 표준 서식(버전 {expected})이 아닌 서식으로 작성된 파일입니다(버전: {found}).",
        "The file was not made from this year's template (version {expected}); its version: {found}.",
    ),
    (
        "올해 배포한 표준 서식을 받아 내용을 옮겨 적은 뒤 제출하면 목록·검증 규칙이 맞게 적용됩니다.",
        "Copy the contents into this year's template so that its lists and checks apply.",
    ),
    "The workbook lacks the template's `TemplateVersion` document property, or carries another version: "
    "an old or home-made template. Read as usual; a warning only.",
)
define(
    "column.unknown",
    WARNING,
    ("표준 서식에 없는 열 '{field}'은(는) 읽지 않습니다.", "Column '{field}' is not in the template and is ignored."),
    (
        "필요 없는 열이면 지우고, 내용이 필요하면 '비고' 열에 옮겨 적으세요.",
        "Delete the column, or move what matters into the 'Note' column.",
    ),
    "An extra column heading the reader does not know; its contents are ignored.",
)
define(
    "row.hidden",
    WARNING,
    (
        "숨겨진 행에 목표가 있습니다({row}행). 이 행도 평가에 포함됩니다.",
        "Row {row} is hidden but holds a goal; it counts.",
    ),
    (
        "행 숨기기를 해제해 내용을 확인하고, 필요 없는 목표라면 행을 지우세요.",
        "Unhide the row and check it; delete it if the goal should not count.",
    ),
    "Hidden rows are read like any other: a hidden goal still counts, so we point it out.",
)
define(
    "column.hidden",
    WARNING,
    (
        "'{field}' 열이 숨겨져 있습니다. 숨긴 열의 값도 평가에 그대로 쓰입니다.",
        "The column '{field}' is hidden; its values are used all the same.",
    ),
    (
        "열 숨기기를 해제해 값을 확인하세요.",
        "Unhide the column and check its values.",
    ),
    "A hidden column of the table is read like any other: what the submitter no longer sees still counts.",
)

# Cell values.
define(
    "cell.required",
    ERROR,
    ("'{field}' 칸이 비어 있습니다.", "'{field}' is blank."),
    ("'{field}' 칸을 채우세요.", "Fill in '{field}'."),
    "A cell that every submission (or every goal) must fill is blank.",
)
define(
    "cell.formula_uncached",
    ERROR,
    (
        "수식의 계산 결과가 저장되어 있지 않습니다(수식 {value}).",
        "The formula's result was never saved (formula {value}).",
    ),
    (
        "파일을 엑셀이나 LibreOffice에서 열어 [저장]한 뒤 다시 제출하세요(또는 수식 대신 값을 적으세요).",
        "Open the file in Excel or LibreOffice and save it, then resubmit (or type the value instead).",
    ),
    "A formula cell written by a program and never opened in a spreadsheet has no cached value to read.",
)
define(
    "cell.formula_error",
    ERROR,
    ("수식 결과가 오류값({value})입니다.", "The formula gives an error value ({value})."),
    ("수식을 고치거나 수식 대신 값을 적으세요.", "Fix the formula or type the value instead."),
    "A cached spreadsheet error such as #DIV/0! or #REF!.",
)
define(
    "cell.too_long",
    ERROR,
    ("내용이 너무 깁니다({length}자, 최대 {limit}자).", "The text is too long ({length} characters, at most {limit})."),
    ("내용을 줄이고 자세한 내용은 증빙자료로 제출하세요.", "Shorten it; send details as evidence."),
    "A text cell far longer than any real entry (also protects the reports).",
)
define(
    "value.not_number",
    ERROR,
    ("'{field}'에 숫자가 아닌 값 '{value}'이(가) 있습니다.", "'{field}' holds '{value}', which is not a number."),
    (
        "숫자만 적으세요(예: 1,234 또는 85%). 아직 정해지지 않았으면 확정된 값을 적어 다시 제출하세요.",
        "Type a number only (e.g. 1,234 or 85%). If it is not decided yet, resubmit once it is.",
    ),
    "Text that is not a number (e.g. 약 30, 미정): never guessed.",
)
define(
    "value.too_large",
    ERROR,
    ("'{field}'의 값 {value}이(가) 너무 큽니다.", "'{field}' value {value} is too large."),
    ("단위를 확인하고 올바른 값을 적으세요.", "Check the unit and type the right value."),
    "A number beyond ±10^15 (the template's own limit), almost certainly a slip.",
)
define(
    "value.date",
    ERROR,
    ("'{field}'에 숫자 대신 날짜({value})가 있습니다.", "'{field}' holds a date ({value}) instead of a number."),
    (
        "셀 서식을 '일반' 또는 '숫자'로 바꾸고 숫자를 다시 적으세요.",
        "Set the cell format to General or Number and type the number again.",
    ),
    "A cell formatted as a date where a number belongs (spreadsheets turn 3-5 into a date).",
)
define(
    "value.not_integer",
    ERROR,
    ("'{field}'은(는) 정수여야 합니다: '{value}'.", "'{field}' must be a whole number: '{value}'."),
    ("소수점 없이 적으세요(예: 2025).", "Type a whole number (e.g. 2025)."),
    "A year or other whole number with a fraction or text.",
)
define(
    "value.unknown_choice",
    ERROR,
    ("'{field}'의 값 '{value}'은(는) 목록에 없습니다.", "'{field}' value '{value}' is not in the list."),
    ("다음 중 하나를 고르세요: {choices_ko}.", "Pick one of: {choices_en}."),
    "A closed-list cell (평가방법, 지표방향, 평가등급, 주요사업) holds something else.",
)
define(
    "value.unit_mismatch",
    ERROR,
    (
        "'{field}'에 적은 단위 '{typed}'이(가) 단위 칸의 '{unit}'과(와) 다릅니다.",
        "'{field}' is typed in '{typed}' but the goal's unit is '{unit}'.",
    ),
    (
        "단위 칸의 단위({unit})로 환산한 숫자만 적으세요.",
        "Type the number in the goal's unit ({unit}), without a unit.",
    ),
    "A unit typed after the number differs from the goal's unit column: converting would be a guess.",
)
define(
    "value.percent_format",
    WARNING,
    (
        "셀이 백분율 서식이라 {value}(으)로 읽었지만 단위가 '%'가 아닙니다('{unit}').",
        "The cell is formatted as a percentage, read as {value}, but the unit is not '%' ('{unit}').",
    ),
    (
        "퍼센트 지표라면 단위를 %로 적고, 아니면 셀 서식을 '숫자'로 바꾸세요.",
        "If it is a percentage indicator set the unit to %; otherwise format the cell as a number.",
    ),
    "A percent-formatted number in a goal whose unit is not %: the stored fraction is used as is.",
)

# 기관정보 against pipeline.toml.
define(
    "agency.unknown",
    ERROR,
    ("기관코드 '{value}'은(는) 등록된 기관이 아닙니다.", "Agency code '{value}' is not registered."),
    ("평가부서에서 안내한 기관코드를 그대로 적으세요.", "Use the agency code given by the evaluation office."),
    "The agency code is not in pipeline.toml (checked only when a configuration is loaded).",
)
define(
    "agency.name_mismatch",
    ERROR,
    (
        "기관명 '{value}'이(가) 기관코드 {agency_code}의 등록된 기관명 '{expected}'과(와) 다릅니다.",
        "Agency name '{value}' differs from the registered name '{expected}' of code {agency_code}.",
    ),
    (
        "기관코드와 기관명이 맞는지 확인하세요(등록된 기관명: {expected}).",
        "Check the code and the name (registered name: {expected}).",
    ),
    "Guards against a workbook copied from another agency with only the code or the name changed.",
)
define(
    "agency.wrong_year",
    ERROR,
    (
        "평가연도 {value}이(가) 올해 평가연도 {expected}과(와) 다릅니다.",
        "Year {value} is not this evaluation's year {expected}.",
    ),
    (
        "올해 서식을 받아 평가연도를 {expected}(으)로 적으세요.",
        "Use this year's template and set the year to {expected}.",
    ),
    "Usually last year's workbook sent again.",
)

# 성과목표: one goal.
define(
    "goal.weight_range",
    ERROR,
    ("가중치 {value}은(는) 0보다 크고 100 이하여야 합니다.", "Weight {value} must be above 0 and at most 100."),
    ("목표별 배점을 0보다 큰 숫자로 적으세요(합계 100).", "Give each goal a positive weight (they add up to 100)."),
    "A weight outside (0, 100].",
)
define(
    "goal.weights_sum",
    ERROR,
    (
        "가중치 합계가 {total}입니다({cells}). 정확히 100이어야 합니다.",
        "The weights add up to {total} ({cells}); they must be exactly 100.",
    ),
    ("가중치 칸({cells})을 고쳐 합계를 100으로 맞추세요.", "Adjust the weights ({cells}) so that they add up to 100."),
    "An agency's goal weights must add up to exactly 100 (decimal arithmetic, no tolerance).",
)
define(
    "goal.duplicate_number",
    ERROR,
    ("목표번호 '{value}'이(가) 겹칩니다({other}에도 있음).", "Goal number '{value}' is used twice (also at {other})."),
    ("목표마다 다른 번호를 적으세요.", "Give every goal its own number."),
    "Goal numbers identify goals across sheets (과거실적) and years.",
)
define(
    "goal.direction_required",
    ERROR,
    (
        "정량 지표(평가방법 {method})는 지표방향이 필요합니다.",
        "A quantitative goal (method {method}) needs a direction.",
    ),
    (
        "클수록 좋으면 '상향', 작을수록 좋으면 '하향'을 고르세요.",
        "Pick 'higher' if more is better, 'lower' if less is better.",
    ),
    "목표대비, 목표부여 and 목표부여(편차) goals are scored by direction.",
)
define(
    "goal.actual_required",
    ERROR,
    ("실적치가 비어 있습니다(평가방법 {method}).", "The actual result is blank (method {method})."),
    (
        "올해 실적을 적으세요. 달성여부 방식은 '달성' 또는 '미달성'을 적습니다.",
        "Fill in the year's result; for milestones write 달성 or 미달성.",
    ),
    "Every goal except qualitative ones needs the year's result to be scored.",
)
define(
    "goal.achieved_value",
    ERROR,
    ("달성여부 방식의 실적치 '{value}'을(를) 알 수 없습니다.", "Milestone result '{value}' is not understood."),
    ("'달성' 또는 '미달성'을 적으세요(Y/N, O/X도 됩니다).", "Write 달성 or 미달성 (Y/N or O/X also work)."),
    "A milestone's result must be achieved or not: 달성/미달성, Y/N, O/X, 예/아니오, yes/no, true/false, 1/0.",
)
define(
    "goal.target_required",
    ERROR,
    ("목표대비 방식은 목표치가 필요합니다.", "The target-ratio method needs a target."),
    ("목표치 칸에 올해 목표를 숫자로 적으세요.", "Type this year's target."),
    "목표대비: achievement = actual ÷ target.",
)
define(
    "goal.target_positive",
    ERROR,
    (
        "상향 지표의 목표대비 방식은 목표치가 0보다 커야 합니다(현재 {value}).",
        "A higher-is-better target ratio needs a target above 0 (now {value}).",
    ),
    (
        "목표치를 0보다 크게 적거나, 평가방법을 '목표부여'로 바꾸세요.",
        "Use a target above 0, or switch the method to target setting (목표부여).",
    ),
    "actual ÷ target is meaningless for a target of 0 or less.",
)
define(
    "goal.target_negative",
    ERROR,
    (
        "하향 지표의 목표치는 0 이상이어야 합니다(현재 {value}).",
        "A lower-is-better target must be 0 or more (now {value}).",
    ),
    ("목표치를 0 이상으로 적으세요.", "Use a target of 0 or more."),
    "Lower-is-better ratios use (2T − A) ÷ T, or 0/1 for a zero target.",
)
define(
    "goal.range_bounds_required",
    ERROR,
    (
        "목표부여 방식은 최고목표와 최저목표를 모두 적거나 기준치를 적어야 합니다.",
        "Target setting needs both top and floor targets, or a baseline.",
    ),
    (
        "최고목표·최저목표를 모두 적거나, 0보다 큰 기준치를 적으세요(최고·최저가 자동 계산됩니다).",
        "Fill both top and floor, or a baseline above 0 (top/floor are then derived).",
    ),
    "목표부여 derives top/floor from the baseline only when both are blank.",
)
define(
    "goal.top_floor_pair",
    ERROR,
    (
        "'{field}'만 비어 있습니다: 최고목표와 최저목표는 함께 적어야 합니다.",
        "Only '{field}' is blank: top and floor go together.",
    ),
    (
        "'{field}'을(를) 채우거나, 기준치로 자동 계산하려면 최고·최저목표를 모두 비우세요.",
        "Fill '{field}', or clear both to derive them from the baseline.",
    ),
    "One of top/floor without the other would silently be ignored.",
)
define(
    "goal.baseline_positive",
    ERROR,
    (
        "기준치 {value}(으)로는 최고·최저목표를 계산할 수 없습니다: 0보다 커야 합니다.",
        "Baseline {value} cannot derive top/floor targets: it must be above 0.",
    ),
    ("최고목표·최저목표를 직접 적거나 0보다 큰 기준치를 적으세요.", "Fill top and floor, or use a baseline above 0."),
    "top/floor = baseline × (1 ± margin) needs a positive baseline.",
)
define(
    "goal.top_equals_floor",
    ERROR,
    ("최고목표와 최저목표가 같습니다({value}).", "Top and floor targets are equal ({value})."),
    ("최고목표와 최저목표를 다르게 적으세요.", "Make the top and floor targets differ."),
    "Points interpolate between floor and top: equal bounds divide by zero.",
)
define(
    "goal.top_floor_order",
    ERROR,
    (
        "지표방향 {direction}인데 최고목표 {top}와(과) 최저목표 {floor}의 크기가 거꾸로입니다.",
        "Direction {direction}, but top {top} and floor {floor} are the wrong way round.",
    ),
    (
        "상향이면 최고목표 > 최저목표, 하향이면 최고목표 < 최저목표가 되게 고치세요.",
        "Higher-is-better needs top > floor; lower-is-better needs top < floor.",
    ),
    "Top is the full-marks value: above the floor when more is better, below it when less is better.",
)
define(
    "goal.past_count",
    ERROR,
    (
        "목표부여(편차) 방식은 과거실적이 3~5년 필요한데 목표번호 {number}의 과거실적은 {count}개입니다.",
        "The deviation method needs 3 to 5 past results; goal {number} has {count}.",
    ),
    (
        "과거실적 시트에 최근 3~5년 실적을 적거나, 평가방법을 '목표부여'로 바꾸세요.",
        "Add 3 to 5 years on the past-results sheet, or switch the method to target setting (목표부여).",
    ),
    "σ of fewer than 3 values means little; more than 5 is beyond the rule's window.",
)
define(
    "goal.past_no_variation",
    ERROR,
    (
        "목표번호 {number}의 과거실적이 모두 같아 편차(σ)가 0입니다.",
        "Goal {number}'s past results are all equal, so σ is 0.",
    ),
    ("평가방법을 '목표부여'로 바꾸세요.", "Switch the method to target setting (목표부여)."),
    "With σ = 0 the deviation method has no range to score in.",
)
define(
    "goal.evidence_blank",
    WARNING,
    ("증빙자료가 비어 있습니다.", "Evidence is blank."),
    ("실적의 근거 자료(보고서, 인증서 등)를 적으세요.", "Name what backs the result (a report, a certificate, …)."),
    "Evaluators need the evidence behind each result; not blocking.",
)
define(
    "goal.rate_unusual",
    WARNING,
    (
        "달성률이 {rate}%입니다(200% 초과 또는 20% 미만). 단위를 잘못 적었을 수 있습니다.",
        "The achievement rate is {rate}% (over 200% or under 20%): perhaps a unit slip.",
    ),
    ("목표치와 실적치의 단위(건, 억원, % 등)가 같은지 확인하세요.", "Check that target and actual use the same unit."),
    "Usually a unit slip (천원 vs 억원, 0.85 vs 85); not blocking.",
)

# 과거실적.
define(
    "past.unknown_goal",
    WARNING,
    (
        "과거실적의 목표번호 '{value}'은(는) 성과목표 시트에 없습니다.",
        "Past-results goal number '{value}' is not on the goal sheet.",
    ),
    ("목표번호를 성과목표 시트와 같게 적으세요.", "Use the goal numbers of the goal sheet."),
    "Past results are matched to goals by goal number; an unmatched row is ignored.",
)
define(
    "past.duplicate_year",
    ERROR,
    (
        "목표번호 {number}의 {value}년 실적이 두 번 있습니다({other}에도 있음).",
        "Goal {number} has year {value} twice (also at {other}).",
    ),
    ("연도마다 한 줄만 남기세요.", "Keep one row per year."),
    "Two results for one year would distort σ.",
)


# --- docs ----------------------------------------------------------------------------------------------------
DOCS_PATH = "docs/findings.md"


def render_docs() -> str:
    """docs/findings.md, generated so the page can never drift from the catalogue (a test compares them).

    Other modules add their own codes (e.g. intake's) when imported: every module of the package is imported
    first, so the page lists them all whatever was imported before.
    """
    import importlib
    import pkgutil

    package = "pipeline"
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{package}.{module.name}")
    lines = [
        "# Findings catalogue",
        "",
        "Generated from `pipeline/core/findings.py` by `python -m pipeline.core.findings > docs/findings.md`; do not edit.",
        "Every finding names the cell (e.g. `성과목표!K6`) where there is one. Errors reject the submission;",
        "warnings are reported but do not block.",
        "",
        "| code | severity | message (ko) | how to fix (ko) | message (en) | description |",
        "|---|---|---|---|---|---|",
    ]
    for kind in CATALOGUE.values():
        cells = (f"`{kind.code}`", kind.severity, kind.message[0], kind.hint[0], kind.message[1], kind.description)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # run as a script this module is a copy: use the package's catalogue
    from pipeline.core.findings import render_docs as _render

    print(_render(), end="")
