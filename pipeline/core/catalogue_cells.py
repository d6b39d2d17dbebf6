"""Findings about one cell's value (typing every cell), and 기관정보 checked against pipeline.toml.

Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
Messages name the value as typed ({value}) and the heading ({field}); the cell is prefixed by Finding.message.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, WARNING, CellFinding, FindingType

CELL_FINDINGS: tuple[FindingType, ...] = (
    CellFinding(
        "cell.required",
        ERROR,
        message=("'{field}' 칸이 비어 있습니다.", "'{field}' is blank."),
        hint=("'{field}' 칸을 채우세요.", "Fill in '{field}'."),
        description="A cell that every submission (or every goal) must fill is blank.",
    ),
    CellFinding(
        "cell.formula_uncached",
        ERROR,
        message=(
            "수식의 계산 결과가 저장되어 있지 않습니다(수식 {value}).",
            "The formula's result was never saved (formula {value}).",
        ),
        hint=(
            "파일을 엑셀이나 LibreOffice에서 열어 [저장]한 뒤 다시 제출하세요(또는 수식 대신 값을 적으세요).",
            "Open the file in Excel or LibreOffice and save it, then resubmit (or type the value instead).",
        ),
        description="A formula cell written by a program and never opened in a spreadsheet has no cached value to read.",
    ),
    CellFinding(
        "cell.formula_error",
        ERROR,
        message=("수식 결과가 오류값({value})입니다.", "The formula gives an error value ({value})."),
        hint=("수식을 고치거나 수식 대신 값을 적으세요.", "Fix the formula or type the value instead."),
        description="A cached spreadsheet error such as #DIV/0! or #REF!.",
    ),
    CellFinding(
        "cell.too_long",
        ERROR,
        message=(
            "내용이 너무 깁니다({length}자, 최대 {limit}자).",
            "The text is too long ({length} characters, at most {limit}).",
        ),
        hint=("내용을 줄이고 자세한 내용은 증빙자료로 제출하세요.", "Shorten it; send details as evidence."),
        description="A text cell far longer than any real entry (also protects the reports).",
        params={"length": 2500, "limit": 2000},
    ),
    CellFinding(
        "value.not_number",
        ERROR,
        message=(
            "'{field}'에 숫자가 아닌 값 '{value}'이(가) 있습니다.",
            "'{field}' holds '{value}', which is not a number.",
        ),
        hint=(
            "숫자만 적으세요(예: 1,234 또는 85%). 아직 정해지지 않았으면 확정된 값을 적어 다시 제출하세요.",
            "Type a number only (e.g. 1,234 or 85%). If it is not decided yet, resubmit once it is.",
        ),
        description="Text that is not a number (e.g. 약 30, 미정): never guessed.",
    ),
    CellFinding(
        "value.too_large",
        ERROR,
        message=("'{field}'의 값 {value}이(가) 너무 큽니다.", "'{field}' value {value} is too large."),
        hint=("단위를 확인하고 올바른 값을 적으세요.", "Check the unit and type the right value."),
        description="A number beyond ±10^15 (the template's own limit), almost certainly a slip.",
    ),
    CellFinding(
        "value.out_of_range",
        ERROR,
        message=(
            "'{field}'의 값 {value}은(는) 받을 수 있는 범위를 벗어났습니다: 0이거나, 절댓값 {low} 이상 {high} 이하이고 "
            "유효숫자 {digits}자리 이내여야 합니다.",
            "'{field}' value {value} is outside the accepted range: 0, or a magnitude from {low} to {high} with at "
            "most {digits} significant digits.",
        ),
        hint=(
            "반올림하거나 단위를 바꿔(예: 원 → 백만원) 범위 안의 숫자로 적으세요.",
            "Round it, or change the unit (e.g. 원 → 백만원), so that the number is within the range.",
        ),
        description="A number too close to 0 or with more digits than a spreadsheet cell holds (a formula's "
        "rounding residue, a pasted value): scoring's exact arithmetic is sized for the accepted range.",
        params={"low": "0.000001", "high": "1,000,000,000,000,000", "digits": 15},
    ),
    CellFinding(
        "value.date",
        ERROR,
        message=(
            "'{field}'에 숫자 대신 날짜({value})가 있습니다.",
            "'{field}' holds a date ({value}) instead of a number.",
        ),
        hint=(
            "셀 서식을 '일반' 또는 '숫자'로 바꾸고 숫자를 다시 적으세요.",
            "Set the cell format to General or Number and type the number again.",
        ),
        description="A cell formatted as a date where a number belongs (spreadsheets turn 3-5 into a date).",
    ),
    CellFinding(
        "value.not_integer",
        ERROR,
        message=("'{field}'은(는) 정수여야 합니다: '{value}'.", "'{field}' must be a whole number: '{value}'."),
        hint=("소수점 없이 적으세요(예: 2025).", "Type a whole number (e.g. 2025)."),
        description="A year or other whole number with a fraction or text.",
    ),
    CellFinding(
        "value.unknown_choice",
        ERROR,
        message=("'{field}'의 값 '{value}'은(는) 목록에 없습니다.", "'{field}' value '{value}' is not in the list."),
        hint=("다음 중 하나를 고르세요: {choices_ko}.", "Pick one of: {choices_en}."),
        description="A closed-list cell (평가방법, 지표방향, 평가등급, 주요사업) holds something else.",
        params={"choices_ko": "상향, 하향", "choices_en": "higher, lower"},
    ),
    CellFinding(
        "value.unit_mismatch",
        ERROR,
        message=(
            "'{field}'에 적은 단위 '{typed}'이(가) 단위 칸의 '{unit}'과(와) 다릅니다.",
            "'{field}' is typed in '{typed}' but the goal's unit is '{unit}'.",
        ),
        hint=(
            "단위 칸의 단위({unit})로 환산한 숫자만 적으세요.",
            "Type the number in the goal's unit ({unit}), without a unit.",
        ),
        description="A unit typed after the number differs from the goal's unit column: converting would be a guess.",
        params={"typed": "천원", "unit": "억원"},
    ),
    CellFinding(
        "value.percent_format",
        WARNING,
        message=(
            "셀이 백분율 서식이라 {value}(으)로 읽었지만 단위가 '%'가 아닙니다('{unit}').",
            "The cell is formatted as a percentage, read as {value}, but the unit is not '%' ('{unit}').",
        ),
        hint=(
            "퍼센트 지표라면 단위를 %로 적고, 아니면 셀 서식을 '숫자'로 바꾸세요.",
            "If it is a percentage indicator set the unit to %; otherwise format the cell as a number.",
        ),
        description="A percent-formatted number in a goal whose unit is not %: the stored fraction is used as is.",
        params={"unit": "건"},
    ),
    CellFinding(
        "agency.unknown",
        ERROR,
        message=("기관코드 '{value}'은(는) 등록된 기관이 아닙니다.", "Agency code '{value}' is not registered."),
        hint=("평가부서에서 안내한 기관코드를 그대로 적으세요.", "Use the agency code given by the evaluation office."),
        description="The agency code is not in pipeline.toml (checked only when a configuration is loaded).",
    ),
    CellFinding(
        "agency.name_mismatch",
        ERROR,
        message=(
            "기관명 '{value}'이(가) 기관코드 {agency_code}의 등록된 기관명 '{expected}'과(와) 다릅니다.",
            "Agency name '{value}' differs from the registered name '{expected}' of code {agency_code}.",
        ),
        hint=(
            "기관코드와 기관명이 맞는지 확인하세요(등록된 기관명: {expected}).",
            "Check the code and the name (registered name: {expected}).",
        ),
        description="Guards against a workbook copied from another agency with only the code or the name changed.",
        params={"agency_code": "GJ01", "expected": "광주신용보증재단"},
    ),
    CellFinding(
        "agency.wrong_year",
        ERROR,
        message=(
            "평가연도 {value}이(가) 올해 평가연도 {expected}과(와) 다릅니다.",
            "Year {value} is not this evaluation's year {expected}.",
        ),
        hint=(
            "올해 서식을 받아 평가연도를 {expected}(으)로 적으세요.",
            "Use this year's template and set the year to {expected}.",
        ),
        description="Usually last year's workbook sent again.",
        params={"expected": 2025},
    ),
    CellFinding(
        "agency.email_not_registered",
        WARNING,
        message=(
            "이메일 '{value}'은(는) 기관코드 {agency_code}의 등록된 주소가 아닙니다: 안내 메일은 등록된 주소로만 보냅니다.",
            "E-mail '{value}' is not the registered address of code {agency_code}: messages go to the registered "
            "address only.",
        ),
        hint=(
            "등록된 주소({expected})를 적으세요. 주소가 바뀌었으면 평가부서에 알려 등록을 고치세요.",
            "Write the registered address ({expected}); if it changed, ask the evaluation office to update it.",
        ),
        description="The workbook's e-mail differs from the agency's registered one (pipeline.toml). Mail never goes to"
        " the workbook's address; the warning shows a file that may come from someone else, or an address to update.",
        params={"agency_code": "GJ01", "expected": "eval@gj01.example.kr"},
    ),
)
