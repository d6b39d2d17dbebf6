"""What the workbook part says about every sheet: a hidden sheet is read and warned about, and a workbook in the
1904 date system shows the dates its cells show (issue 15, items 10 and 11)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import factory
import pytest
from openpyxl import load_workbook

from pipeline.feedback.write import write_feedback
from pipeline.validate.check import CheckResult, check_file

CONFIG = factory.config()
WORKBOOK = "xl/workbook.xml"


def _check(path: Path) -> CheckResult:
    return check_file(path, CONFIG)


def _rewritten(path: Path, part: str, edit: Any) -> Path:
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts[part] = edit(parts[part])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


# --- item 11: a hidden sheet ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sheet", ["기관정보", "성과목표", "과거실적"])
@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_read_and_warned(tmp_path: Path, sheet: str, state: str) -> None:
    def hide(wb: Any) -> None:
        wb[sheet].sheet_state = state

    result = _check(factory.write(tmp_path / "s.xlsx", edit=hide))
    assert [(f.code, f.sheet, dict(f.params)) for f in result.findings] == [("sheet.hidden", sheet, {"state": state})]
    assert result.ok and len(result.submission.goals) == 6  # a warning: read like any other sheet
    found = result.findings[0]
    assert f"'{sheet}'" in found.message("ko") and state in found.message("ko")
    assert f"'{sheet}'" in found.message("en") and "hidden" in found.message("en") and found.hint("en")


@pytest.mark.parametrize("state", ['state="visible"', ""])
def test_a_visible_sheet_says_nothing(tmp_path: Path, state: str) -> None:
    path = _rewritten(
        factory.write(tmp_path / "s.xlsx"), WORKBOOK, lambda xml: xml.replace(b'state="visible"', state.encode())
    )
    assert _check(path).findings == ()


def test_a_hidden_sheet_the_reader_does_not_read_says_nothing(tmp_path: Path) -> None:
    def hide(wb: Any) -> None:
        wb.create_sheet("메모").sheet_state = "veryHidden"

    assert _check(factory.write(tmp_path / "s.xlsx", edit=hide)).findings == ()


# --- item 10: the 1904 date system ------------------------------------------------------------------------------
SERIALS = [(45000, "2023-03-15", "2027-03-16"), (1, "1899-12-31", "1904-01-02"), (40000.75, "2009-07-06", "2013-07-07")]
"""(serial, the date it shows in a 1900-system workbook, the date it shows in a 1904-system workbook)."""
PLACES = [("성과목표", "K5"), ("기관정보", "B8"), ("과거실적", "C5")]
"""A goal's target, the agency's year, a past result: each a number field of its sheet."""
SYSTEMS = [('date1904="1"', True), ('date1904="true"', True), ('date1904="0"', False), ('date1904="false"', False),
           ("", False)]  # fmt: skip


def _dated(tmp_path: Path, sheet: str, cell: str, serial: float, system: str) -> Path:
    path = factory.write(tmp_path / "d.xlsx", edit=factory.set_cell(sheet, cell, serial, "yyyy-mm-dd"))
    return _rewritten(path, WORKBOOK, lambda xml: xml.replace(b"<workbookPr />", f"<workbookPr {system} />".encode()))


@pytest.mark.parametrize(("serial", "in_1900", "in_1904"), SERIALS)
@pytest.mark.parametrize(("sheet", "cell"), PLACES)
@pytest.mark.parametrize(("system", "is_1904"), SYSTEMS)
def test_a_date_shows_as_the_workbook_shows_it(
    tmp_path: Path, serial: float, in_1900: str, in_1904: str, sheet: str, cell: str, system: str, is_1904: bool
) -> None:
    path = _dated(tmp_path, sheet, cell, serial, system)
    assert (b"date1904" in zipfile.ZipFile(path).read(WORKBOOK)) == bool(system)
    found = [f for f in _check(path).findings if f.code == "value.date"]
    assert [(f.ref, f.value) for f in found] == [(f"{sheet}!{cell}", in_1904 if is_1904 else in_1900)]


def test_the_feedback_shows_the_1904_date(tmp_path: Path) -> None:
    path = _dated(tmp_path, "성과목표", "K5", 45000, 'date1904="1"')
    findings = _check(path).findings
    wb = load_workbook(write_feedback(path, findings, tmp_path / "fb.xlsx"))
    review = wb.worksheets[0]
    row = next(r for r in review.iter_rows(min_row=6, values_only=True) if r[6] == "value.date")
    assert row[1] == "성과목표!K5" and row[3] == "2027-03-16" and "2027-03-16" in row[4]
    assert "2023-03-15" not in str(row)


def test_a_merged_date_moves_once(tmp_path: Path) -> None:
    """Every cell of a merged range reads the one top-left value: it is moved to the 1900 system once."""

    def merge(wb: Any) -> None:
        ws = wb["성과목표"]
        ws["K5"].value, ws["K5"].number_format = 45000, "yyyy-mm-dd"
        ws["K6"] = None
        ws.merge_cells("K5:K6")

    path = _rewritten(
        factory.write(tmp_path / "m.xlsx", edit=merge),
        WORKBOOK,
        lambda xml: xml.replace(b"<workbookPr />", b'<workbookPr date1904="1" />'),
    )
    found = {(f.ref, f.value) for f in _check(path).findings if f.code == "value.date"}
    assert found == {("성과목표!K5", "2027-03-16")}  # K6 reads K5's value, moved once (not 2031-03-17)
