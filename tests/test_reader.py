"""The reader: source map, sheet/heading discovery, what real spreadsheets store, and files that are not workbooks."""

from __future__ import annotations

import os
import subprocess
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import factory
import pytest

from pipeline.core.layout import TEMPLATE_VERSION
from pipeline.read.workbook import RawWorkbook, canon, read_workbook
from pipeline.template.workbook import CellValue
from pipeline.validate.check import CheckResult, check_file
from pipeline.xlsx.styles import format_kind

CONFIG = factory.config()


def check(path: Path) -> CheckResult:
    return check_file(path, CONFIG)


def refs(result: CheckResult) -> list[tuple[str, str]]:
    return [(f.code, f.ref) for f in result.findings]


def only_finding(path: Path) -> Any:
    result = check(path)
    assert len(result.findings) == 1, refs(result)
    assert result.unreadable and result.submission is None and not result.ok
    found = result.findings[0]
    assert "Traceback" not in found.message() and found.message("en")
    return found


# --- source map ----------------------------------------------------------------------------------------------
def test_every_value_keeps_its_cell_and_heading(tmp_path: Path) -> None:
    raw = read_workbook(factory.write(tmp_path / "s.xlsx"))
    assert isinstance(raw, RawWorkbook) and not raw.findings
    target = raw.goals[0].cells["target"]
    assert (target.source.ref, target.source.field, target.value) == ("성과목표!K5", "목표치", 3500.0)
    assert raw.agency["year"].source.ref == "기관정보!B8"
    assert raw.past[0].cells["result"].source.ref == "과거실적!C5"


def _with_custom_props(source: Path, target: Path, custom: bytes | None) -> Path:
    """A copy of `source` whose docProps/custom.xml is replaced (or dropped when `custom` is None)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "docProps/custom.xml":
                zout.writestr(item, zin.read(item.filename))
        if custom is not None:
            zout.writestr("docProps/custom.xml", custom)
    return target


def test_a_workbook_not_made_from_this_years_template_is_warned(tmp_path: Path) -> None:
    made = factory.write(tmp_path / "s.xlsx")
    home_made = check(_with_custom_props(made, tmp_path / "home_made.xlsx", None))
    assert refs(home_made) == [("file.template_version", "")]
    assert home_made.ok  # a warning: the contents are read and checked as usual
    old = (
        b'<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="TemplateVersion">'
        b"<vt:lpwstr>2025.1</vt:lpwstr></property></Properties>"
    )
    last_year = check(_with_custom_props(made, tmp_path / "last_year.xlsx", old))
    (found,) = last_year.findings
    assert (found.code, found.value) == ("file.template_version", "2025.1")
    assert "2025.1" in found.message() and TEMPLATE_VERSION in found.message()


def test_headings_tolerate_line_breaks_spaces_and_full_width() -> None:
    assert canon("가중치\n(배점)") == canon(" 가 중 치 ") == canon("가중치")
    assert canon("ｗｅｉｇｈｔ*") == canon("Weight")


def test_number_format_kinds() -> None:
    assert format_kind("0%") == (True, False)
    assert format_kind("0.0%") == (True, False)
    assert format_kind('#,##0"%p"') == (False, False)  # a quoted % is text, not a percentage
    assert format_kind("yyyy-mm-dd") == (False, True)
    assert format_kind("#,##0.##") == (False, False)
    assert format_kind("General") == (False, False)


# --- what spreadsheets store ------------------------------------------------------------------------------------
def test_percent_formatted_cell_means_percent_when_the_unit_is_percent(tmp_path: Path) -> None:
    goals = factory.goals(g2={"unit": "%", "target": CellValue(0.85, "0%"), "actual": CellValue(0.8, "0.0%")})
    result = check(factory.write(tmp_path / "s.xlsx", goal_rows=goals))
    assert result.ok, refs(result)
    goal = result.submission.goals[1]
    assert (goal.target, goal.actual) == (Decimal(85), Decimal(80))


def test_percent_typed_as_text_with_percent_unit(tmp_path: Path) -> None:
    goals = factory.goals(g2={"unit": "%", "target": "85%", "actual": 80})
    result = check(factory.write(tmp_path / "s.xlsx", goal_rows=goals))
    assert result.ok, refs(result)
    assert result.submission.goals[1].target == Decimal(85)


def test_percent_decided_by_format_not_by_size(tmp_path: Path) -> None:
    # 0.85 typed into a plain cell of a % goal stays 0.85 (someone really may mean 0.85 %)
    goals = factory.goals(g2={"unit": "%", "target": 0.85, "actual": 0.8})
    result = check(factory.write(tmp_path / "s.xlsx", goal_rows=goals))
    assert result.submission.goals[1].target == Decimal("0.85")


def test_formula_without_cached_value_is_an_error(tmp_path: Path) -> None:
    path = factory.write(tmp_path / "s.xlsx", edit=factory.set_cell("성과목표", "Q6", "=K6*0.92"))
    result = check(path)
    assert [(f.code, f.ref) for f in result.findings if f.is_error] == [("cell.formula_uncached", "성과목표!Q6")]
    assert "LibreOffice" in result.findings[0].hint() and "=K6*0.92" in result.findings[0].message()


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    """A cached value (what Excel/LibreOffice store on save) is used; the formula itself is not re-evaluated."""
    path = factory.write(tmp_path / "s.xlsx", edit=factory.set_cell("성과목표", "Q6", "=K6*0.92"))
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/") and b"K6*0.92" in parts[n])
    parts[sheet] = (
        parts[sheet]
        .replace(b"<f>K6*0.92</f><v></v>", b"<f>K6*0.92</f><v>2300</v>")
        .replace(b"<f>K6*0.92</f><v />", b"<f>K6*0.92</f><v>2300</v>")
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    result = check(path)
    assert result.ok, refs(result)
    assert result.submission.goals[1].actual == Decimal(2300)


def test_merged_cells_take_the_top_left_value(tmp_path: Path) -> None:
    def merge(wb: Any) -> None:
        ws = wb["성과목표"]
        ws["B6"] = None
        ws.merge_cells("B5:B6")

    result = check(factory.write(tmp_path / "s.xlsx", edit=merge))
    assert result.ok, refs(result)
    goals = result.submission.goals
    assert goals[0].strategy == goals[1].strategy == "금융 지원 확대"
    assert goals[1].sources["strategy"].ref == "성과목표!B5"  # the cell to fix is the top-left one


def test_hidden_row_counts_and_warns(tmp_path: Path) -> None:
    def hide(wb: Any) -> None:
        wb["성과목표"].row_dimensions[7].hidden = True

    result = check(factory.write(tmp_path / "s.xlsx", edit=hide))
    assert refs(result) == [("row.hidden", "성과목표!A7")]
    assert result.ok and len(result.submission.goals) == 6


@pytest.mark.parametrize("streamed", [False, True])  # a sheet parsed as one tree, or event by event (large parts)
def test_hidden_column_counts_and_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool) -> None:
    from pipeline.xlsx import worksheet

    def hide(wb: Any) -> None:
        wb["성과목표"].column_dimensions["K"].hidden = True  # 목표치
        wb["성과목표"].column_dimensions["X"].hidden = True  # outside the table: nothing to say

    if streamed:
        monkeypatch.setattr(worksheet, "FAST_PARSE_BYTES", 0)
    result = check(factory.write(tmp_path / "s.xlsx", edit=hide))
    assert refs(result) == [("column.hidden", "성과목표!K4")]
    assert result.ok and result.submission.goals[1].target == Decimal(2500)  # still read
    assert "숨겨져" in result.findings[0].message("ko") and "'목표치'" in result.findings[0].message("ko")


def test_blank_rows_between_goals_and_trailing_rows(tmp_path: Path) -> None:
    goals = factory.goals()
    spaced = [goals[0], {}, goals[1], goals[2], {}, {}, goals[3], goals[4], goals[5]]
    result = check(factory.write(tmp_path / "s.xlsx", goal_rows=spaced))
    assert result.ok, refs(result)
    assert [g.row for g in result.submission.goals] == [5, 7, 8, 11, 12, 13]


def test_header_moved_down(tmp_path: Path) -> None:
    def move(wb: Any) -> None:
        wb["성과목표"].insert_rows(1, 20)

    path = factory.write(tmp_path / "s.xlsx", edit=move)
    result = check(path)
    assert result.ok, refs(result)
    assert result.submission.goals[0].sources["target"].ref == "성과목표!K25"
    bad = factory.write(tmp_path / "b.xlsx", edit=lambda wb: (move(wb), wb["성과목표"].__setitem__("K25", "미정")))
    assert ("value.not_number", "성과목표!K25") in refs(check(bad))


def test_columns_in_another_order(tmp_path: Path) -> None:
    def swap(wb: Any) -> None:
        ws = wb["성과목표"]
        for row in range(4, 11):
            ws[f"K{row}"].value, ws[f"N{row}"].value = ws[f"N{row}"].value, ws[f"K{row}"].value

    result = check(factory.write(tmp_path / "s.xlsx", edit=swap))
    assert result.ok, refs(result)
    assert result.submission.goals[0].target == Decimal(3500)
    assert result.submission.goals[0].sources["target"].ref == "성과목표!N5"


def test_unknown_extra_column_warns(tmp_path: Path) -> None:
    def extra(wb: Any) -> None:
        wb["성과목표"]["U4"] = "담당팀"
        wb["성과목표"]["U5"] = "보증팀"

    result = check(factory.write(tmp_path / "s.xlsx", edit=extra))
    assert refs(result) == [("column.unknown", "성과목표!U4")]
    assert result.ok


def test_missing_required_column(tmp_path: Path) -> None:
    result = check(factory.write(tmp_path / "s.xlsx", edit=factory.set_cell("성과목표", "I4", None)))
    assert ("sheet.column_missing", "성과목표!A4") in refs(result)
    assert not result.ok


def test_english_template(tmp_path: Path) -> None:
    en = check(factory.write(tmp_path / "en.xlsx", lang="en"))
    ko = check(factory.write(tmp_path / "ko.xlsx"))
    assert en.ok, refs(en)
    assert en.submission == ko.submission
    assert en.submission.goals[0].sources["target"].ref == "Goals!K5"


def test_english_sheet_names_name_the_cell(tmp_path: Path) -> None:
    goals = factory.goals(g1={"target": "TBD"})
    result = check(factory.write(tmp_path / "en.xlsx", lang="en", goal_rows=goals))
    assert ("value.not_number", "Goals!K5") in refs(result)


def test_sheets_renamed_is_not_the_template(tmp_path: Path) -> None:
    def rename(wb: Any) -> None:
        for i, ws in enumerate(wb.worksheets):
            ws.title = f"Sheet{i + 1}"

    result = check(factory.write(tmp_path / "s.xlsx", edit=rename))
    assert [f.code for f in result.findings] == ["file.not_template"]


def test_no_goals(tmp_path: Path) -> None:
    result = check(factory.write(tmp_path / "s.xlsx", goal_rows=[], past=[]))
    assert "sheet.no_goals" in [f.code for f in result.findings]


# --- files that are not workbooks -------------------------------------------------------------------------------
def _ole2(*streams: str) -> bytes:
    """Enough of a compound file for the sniffer: the magic and directory entries' UTF-16 names."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"".join(s.encode("utf-16-le") + b"\0" * 8 for s in streams)
    )


@pytest.mark.parametrize(
    ("content", "code", "detail"),
    [
        (b"", "file.empty", None),
        (_ole2("EncryptionInfo", "EncryptedPackage"), "file.encrypted", None),
        (_ole2("Workbook", "SummaryInformation"), "file.old_format", ".xls"),
        (_ole2("FileHeader", "HwpSummaryInformation"), "file.not_xlsx", "HWP"),
        ("기관코드,기관명\nGJ01,광주\n".encode(), "file.not_xlsx", "CSV/text"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "file.not_xlsx", "HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "file.not_xlsx", "PDF"),
        (b"PK\x03\x04" + b"\0" * 40, "file.corrupt", None),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, content: bytes, code: str, detail: str | None) -> None:
    path = tmp_path / "제출.xlsx"
    path.write_bytes(content)
    found = only_finding(path)
    assert found.code == code
    if detail:
        assert str(dict(found.params)["detail"]) == detail  # a detail in words: its English


def test_encrypted_message_is_plain_korean(tmp_path: Path) -> None:
    path = tmp_path / "암호.xlsx"
    path.write_bytes(_ole2("EncryptionInfo", "EncryptedPackage"))
    assert only_finding(path).message() == "암호가 걸린 파일입니다: 암호를 해제하고 다시 저장해 제출하세요."


def test_truncated_workbook(tmp_path: Path) -> None:
    data = factory.write(tmp_path / "ok.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert only_finding(path).code == "file.corrupt"


def test_zip_without_workbook(tmp_path: Path) -> None:
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert only_finding(path).code == "file.not_xlsx"


def test_xlsb_renamed(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\0\1")
    assert only_finding(path).code == "file.old_format"


def test_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):  # 200 MB of zeros → ~200 kB on disk
                fh.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert only_finding(path).code == "file.too_large"


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    path = factory.write(tmp_path / "s.xlsx")
    raw = read_workbook(path, max_bytes=1000)
    assert raw.unreadable and raw.findings[0].code == "file.too_large"


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = factory.write(tmp_path / "s.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    parts["xl/workbook.xml"] = laughs + parts["xl/workbook.xml"].split(b"?>", 1)[-1]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert only_finding(path).code == "file.corrupt"


# --- a real client: LibreOffice --------------------------------------------------------------------------------
def _convert(soffice: str, source: Path, outdir: Path, target: str = "xlsx") -> Path:
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(profile)},
    )
    return outdir / f"{source.stem}.{target}"


@pytest.mark.real_client
def test_libreoffice_saved_copy_reads_identically(tmp_path: Path, soffice: str) -> None:
    # a formula for the last weight: LibreOffice computes and caches it on save
    original = factory.write(tmp_path / "orig.xlsx", edit=factory.set_cell("성과목표", "I10", "=100-SUM(I5:I9)"))
    plain = check(factory.write(tmp_path / "plain.xlsx"))
    assert ("cell.formula_uncached", "성과목표!I10") in refs(check(original))
    converted = _convert(soffice, original, tmp_path / "lo")
    result = check(converted)
    assert result.findings == (), refs(result)
    assert result.submission == plain.submission
    assert [g.sources for g in result.submission.goals] == [g.sources for g in plain.submission.goals]


@pytest.mark.real_client
def test_real_xls_from_libreoffice_is_refused(tmp_path: Path, soffice: str) -> None:
    xls = _convert(soffice, factory.write(tmp_path / "s.xlsx"), tmp_path / "lo", "xls")
    renamed = xls.rename(tmp_path / "renamed.xlsx")
    found = only_finding(renamed)
    assert (found.code, dict(found.params)["detail"]) == ("file.old_format", ".xls")
