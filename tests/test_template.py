"""The standard template as a spreadsheet program sees it: sheets, headings, dropdowns, protection, print setup.

Workbooks are read back with openpyxl, i.e. from the saved file, not from the objects that wrote it.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.layout import (
    AGENCY_FIELDS,
    CHOICES,
    FIRST_DATA_ROW,
    GOAL_COLUMNS,
    GOAL_LETTERS,
    HEADER_ROW,
    PAST_COLUMNS,
    SHEET_NAMES,
    TEMPLATE_VERSION,
    choice_label,
)
from pipeline.settings.home import init_home
from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.system.atomic import save_workbook
from pipeline.template.files import write_template
from pipeline.template.workbook import (
    GOAL_ROWS,
    TEMPLATE_FILE,
    VERSION_PROPERTY,
    CellValue,
    build_template,
)

ROOT = Path(__file__).resolve().parent.parent
CLOSED_LISTS = ("method", "direction", "major")  # no grade: the committee grades (issue 17)


@pytest.fixture(scope="module", params=["ko", "en"])
def blank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    lang = request.param
    path = write_template(tmp_path_factory.mktemp(f"template_{lang}") / "t.xlsx", lang=lang)
    return lang, load_workbook(path)


def sheets(lang: str) -> list[str]:
    return [(en if lang == "en" else ko) for ko, en in SHEET_NAMES.values()]


def goals_sheet(wb, lang: str):
    return wb[SHEET_NAMES["goals"][1 if lang == "en" else 0]]


def validations_on(ws, letter: str, row: int = FIRST_DATA_ROW) -> list:
    """Data validations covering one cell, e.g. E5."""
    return [dv for dv in ws.data_validations.dataValidation if f"{letter}{row}" in dv.sqref]


def list_items(dv) -> list[str]:
    assert dv.formula1.startswith('"') and dv.formula1.endswith('"')
    return dv.formula1[1:-1].split(",")


# --- shape ------------------------------------------------------------------------------------------------------
def test_every_sheet_in_order(blank) -> None:
    lang, wb = blank
    assert wb.sheetnames == sheets(lang)


def test_every_heading_in_row_4(blank) -> None:
    lang, wb = blank
    ws = goals_sheet(wb, lang)
    assert [ws.cell(HEADER_ROW, i).value for i in range(1, len(GOAL_COLUMNS) + 1)] == [
        c.label(lang) for c in GOAL_COLUMNS
    ]
    past = wb[sheets(lang)[3]]
    assert [past.cell(HEADER_ROW, i).value for i in range(1, len(PAST_COLUMNS) + 1)] == [
        c.label(lang) for c in PAST_COLUMNS
    ]
    agency = wb[sheets(lang)[1]]
    labels = [agency.cell(FIRST_DATA_ROW + i, 1).value for i in range(len(AGENCY_FIELDS))]
    assert labels == [c.label(lang) for c in AGENCY_FIELDS]


def test_korean_headings_are_the_standard() -> None:
    assert [c.ko for c in GOAL_COLUMNS] == [
        "목표번호",
        "전략목표",
        "성과목표",
        "성과지표",
        "평가방법",
        "지표방향",
        "단위",
        "주요사업",
        "가중치",
        "기준치",
        "목표치",
        "최고목표",
        "최저목표",
        "추진상황",
        "중간실적",
        "사유",
        "실적치",
        "주요성과",
        "증빙자료",
        "비고",
    ]
    assert [c.ko for c in AGENCY_FIELDS] == [
        "기관코드",
        "기관명",
        "기관유형",
        "평가연도",
        "제출구분",
        "감독부서",
        "담당자",
        "연락처",
        "이메일",
    ]
    assert sheets("ko") == ["안내", "기관정보", "성과목표", "과거실적"]


def test_english_template_has_english_sheets_and_headings(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "en.xlsx", lang="en"))
    assert wb.sheetnames == ["Guide", "Agency", "Goals", "Past results"]
    assert wb["Goals"]["E4"].value == "Method"
    headings = [str(cell.value) for cell in wb["Goals"][HEADER_ROW]]
    assert not any("가" <= ch <= "힣" for text in headings for ch in text)


# --- dropdowns and number validation -----------------------------------------------------------------------------
@pytest.mark.parametrize("field", CLOSED_LISTS)
def test_a_dropdown_on_every_closed_list_with_exactly_the_allowed_labels(blank, field: str) -> None:
    lang, wb = blank
    ws = goals_sheet(wb, lang)
    letter = GOAL_LETTERS[field]
    for row in (FIRST_DATA_ROW, FIRST_DATA_ROW + GOAL_ROWS - 1):
        found = [dv for dv in validations_on(ws, letter, row) if dv.type == "list"]
        assert len(found) == 1, f"{field}: one dropdown on {letter}{row}"
        assert list_items(found[0]) == [choice_label(field, code, lang) for code in CHOICES[field]]
        assert found[0].showErrorMessage


def test_korean_dropdown_labels() -> None:
    assert [choice_label("method", m) for m in CHOICES["method"]] == [
        "목표대비",
        "목표부여",
        "목표부여(편차)",
        "달성여부",
        "정성평가",
    ]
    assert [choice_label("direction", d) for d in CHOICES["direction"]] == ["상향", "하향"]
    assert [choice_label("grade", g) for g in CHOICES["grade"]] == ["탁월", "우수", "양호", "보통", "미흡", "아주미흡"]


@pytest.mark.parametrize("field", [c.key for c in GOAL_COLUMNS if c.kind == "number" and c.key != "actual"])
def test_numeric_cells_accept_numbers_only(blank, field: str) -> None:
    lang, wb = blank
    found = [dv for dv in validations_on(goals_sheet(wb, lang), GOAL_LETTERS[field]) if dv.type == "decimal"]
    assert len(found) == 1 and found[0].showErrorMessage


def test_actual_has_no_number_validation_because_milestones_type_words(blank) -> None:
    lang, wb = blank
    assert validations_on(goals_sheet(wb, lang), GOAL_LETTERS["actual"]) == []


def test_year_cells_accept_whole_years(blank) -> None:
    lang, wb = blank
    agency = wb[sheets(lang)[1]]
    year_row = FIRST_DATA_ROW + [c.key for c in AGENCY_FIELDS].index("year")
    assert [dv.type for dv in validations_on(agency, "B", year_row)] == ["whole"]
    assert [dv.type for dv in validations_on(wb[sheets(lang)[3]], "B")] == ["whole"]


# --- version, protection, layout ----------------------------------------------------------------------------------
def test_the_template_carries_its_version(blank) -> None:
    _, wb = blank
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[VERSION_PROPERTY] == TEMPLATE_VERSION


def test_input_cells_unlocked_and_every_sheet_protected(blank) -> None:
    lang, wb = blank
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    assert wb.security.lockStructure  # sheets cannot be renamed, moved or deleted
    goals = goals_sheet(wb, lang)
    for letter in GOAL_LETTERS.values():
        assert goals[f"{letter}{FIRST_DATA_ROW}"].protection.locked is False
        assert goals[f"{letter}{FIRST_DATA_ROW + GOAL_ROWS - 1}"].protection.locked is False
        assert goals[f"{letter}{HEADER_ROW}"].protection.locked is True
    agency = wb[sheets(lang)[1]]
    assert agency[f"B{FIRST_DATA_ROW}"].protection.locked is False
    assert agency[f"A{FIRST_DATA_ROW}"].protection.locked is True
    past = wb[sheets(lang)[3]]
    assert past[f"C{FIRST_DATA_ROW}"].protection.locked is False


def test_header_frozen_and_printed_on_a4(blank) -> None:
    lang, wb = blank
    for name in (sheets(lang)[2], sheets(lang)[3]):
        assert wb[name].freeze_panes == f"A{FIRST_DATA_ROW}"
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == "9", ws.title  # 9 = A4
    assert goals_sheet(wb, lang).page_setup.orientation == "landscape"


def test_korean_font_and_wide_columns(blank) -> None:
    lang, wb = blank
    ws = goals_sheet(wb, lang)
    assert ws[f"C{FIRST_DATA_ROW}"].font.name == "맑은 고딕"
    assert ws.column_dimensions[GOAL_LETTERS["goal"]].width >= 30


def test_the_guide_has_one_example_per_method(blank) -> None:
    lang, wb = blank
    guide = wb[sheets(lang)[0]]
    methods = {choice_label("method", m, lang) for m in CHOICES["method"]}
    seen = {cell.value for row in guide.iter_rows() for cell in row if cell.value in methods}
    assert seen == methods
    assert goals_sheet(wb, lang)[f"A{FIRST_DATA_ROW}"].value is None  # examples live on the guide only


# --- filling ------------------------------------------------------------------------------------------------------
def test_goals_are_written_with_the_labels_people_pick(tmp_path: Path) -> None:
    goal = {
        "number": "1",
        "goal": "분양률 제고",
        "indicator": "분양률",
        "method": "range",
        "direction": "higher",
        "unit": "%",
        "major": "Y",
        "weight": 25,
        "baseline": 88,
        "actual": CellValue(0.915, "0.0%"),
        "grade": "양호",
    }
    wb = load_workbook(save_workbook(build_template(goals=[goal], past=[("1", 2025, 88)]), tmp_path / "f.xlsx"))
    ws = wb["성과목표"]
    row = FIRST_DATA_ROW
    assert ws[f"{GOAL_LETTERS['method']}{row}"].value == "목표부여"
    assert ws[f"{GOAL_LETTERS['direction']}{row}"].value == "상향"
    assert "grade" not in GOAL_LETTERS  # agencies never grade themselves (issue 17): the key is not written
    actual = ws[f"{GOAL_LETTERS['actual']}{row}"]
    assert (actual.value, actual.number_format) == (0.915, "0.0%")
    assert ws[f"{GOAL_LETTERS['weight']}{row}"].number_format == "#,##0.##"
    assert [c.value for c in wb["과거실적"][FIRST_DATA_ROW]] == ["1", 2025, 88]


# --- the command --------------------------------------------------------------------------------------------------
@pytest.fixture()
def home(tmp_path: Path) -> Path:
    init_home(tmp_path, text=render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-15"))
    return tmp_path


def agency_values(path: Path) -> dict[str, object]:
    ws = load_workbook(path)["기관정보"]
    return {c.key: ws.cell(FIRST_DATA_ROW + i, 2).value for i, c in enumerate(AGENCY_FIELDS)}


def test_agency_option_prefills_the_agency_block_from_the_config(home: Path) -> None:
    out = home / "gmrt.xlsx"
    result = CliRunner().invoke(app, ["template", "--home", str(home), "--agency", "GMRT", "--out", str(out)])
    assert result.exit_code == 0, result.output
    values = agency_values(out)
    assert values["agency_code"] == "GMRT"
    assert values["agency_name"] == "광주도시철도공사"
    assert values["group"] == "공사·공단"
    assert values["year"] == 2026
    assert values["supervising_dept"] == "교통정책과"
    assert values["email"] == "eval@grtc.example.kr"
    assert values["contact"] is None  # the officer fills that in
    wb = load_workbook(out)
    assert wb.active.title == "성과목표"  # opens where the officer types
    group_row = FIRST_DATA_ROW + [c.key for c in AGENCY_FIELDS].index("group")
    dvs = [dv for dv in validations_on(wb["기관정보"], "B", group_row) if dv.type == "list"]
    assert list_items(dvs[0]) == ["공사·공단", "출자·출연기관"]


def test_agency_option_writes_into_the_home_templates_folder_by_default(home: Path) -> None:
    result = CliRunner().invoke(app, ["template", "--home", str(home), "--agency", "GGCA"])
    assert result.exit_code == 0, result.output
    assert (home / "templates" / f"GGCA_{TEMPLATE_FILE}").is_file()


def test_all_writes_one_prefilled_template_per_agency(home: Path) -> None:
    out = home / "all"
    result = CliRunner().invoke(app, ["template", "--home", str(home), "--all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.xlsx"))
    assert [f.name for f in files] == sorted(f"{a.code}_{TEMPLATE_FILE}" for a in EXAMPLE_AGENCIES)
    assert {agency_values(f)["agency_code"] for f in files} == {a.code for a in EXAMPLE_AGENCIES}


def test_an_unknown_agency_code_is_a_clear_error(home: Path) -> None:
    result = CliRunner().invoke(app, ["template", "--home", str(home), "--agency", "NOPE"])
    assert result.exit_code == 64
    assert result.stderr.count("\n") == 1
    assert "등록되지 않은 기관코드 'NOPE'" in result.stderr and "'GMRT'" in result.stderr
    assert "Traceback" not in result.output
    assert not (home / "templates").exists()


def test_english_option_writes_the_english_template(home: Path) -> None:
    out = home / "en.xlsx"
    result = CliRunner().invoke(app, ["template", "--home", str(home), "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames == ["Guide", "Agency", "Goals", "Past results"]


def content_fingerprint(path: Path) -> str:
    """Hash of the workbook's parts except the save timestamp, to tell a stale committed template."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if name == "docProps/core.xml":
                continue
            digest.update(name.encode())
            digest.update(zf.read(name))
    return digest.hexdigest()


def test_the_committed_template_is_current(tmp_path: Path) -> None:
    """`pipeline template --force` at the repository root regenerates templates/; if this fails, run it and commit."""
    committed = ROOT / "templates" / TEMPLATE_FILE
    assert committed.is_file(), "run `pipeline template` at the repository root"
    fresh = tmp_path / TEMPLATE_FILE
    result = CliRunner().invoke(app, ["template", "--home", str(ROOT), "--out", str(fresh)])
    assert result.exit_code == 0, result.output
    assert content_fingerprint(fresh) == content_fingerprint(committed), (
        "templates/ is stale: run `.venv/bin/pipeline template --force` at the repository root and commit the file"
    )


def test_the_fingerprint_ignores_the_save_time(tmp_path: Path) -> None:
    a = write_template(tmp_path / "a.xlsx")
    b = write_template(tmp_path / "b.xlsx")
    assert content_fingerprint(a) == content_fingerprint(b)
    c = save_workbook(build_template(year=2030), tmp_path / "c.xlsx")
    assert content_fingerprint(c) != content_fingerprint(a)
