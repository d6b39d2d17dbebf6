"""The XML-patched feedback workbook (`feedback_xml`) against the openpyxl one: what openpyxl reads from both is
the same, every part written is well-formed, every other part is the original's bytes, and unusual files are
declined (and still get their feedback from openpyxl)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import uuid
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.parsers import expat

import factory
import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from pipeline.core.findings import Finding, finding
from pipeline.feedback import xml_patch as feedback_xml
from pipeline.feedback.review import RED, YELLOW, marked_cells
from pipeline.feedback.write import write_feedback
from pipeline.validate.check import check_file

CONFIG = factory.config()
GOALS = "성과목표"


def _bad(path: Path, **kwargs: Any) -> Path:
    goals = factory.goals(g1={"target": "미정"}, g2={"evidence": None})
    return factory.write(path, goal_rows=goals, **kwargs)


def _openpyxl_feedback(original: Path, findings: Sequence[Finding], out: Path, lang: str = "ko") -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(feedback_xml, "write_fast", lambda *a, **k: None)
        return write_feedback(original, findings, out, lang)


def _fast_feedback(original: Path, findings: Sequence[Finding], out: Path, lang: str = "ko") -> Path:
    written = feedback_xml.write_fast(original, findings, out, lang, original.name)
    assert written == out, "the XML patcher declined"
    return out


def _lo_copy(original: Path, soffice: str, outdir: Path) -> Path:
    """`original` as LibreOffice saves it (what most agencies' files look like in the benchmark corpus)."""
    profile = f"/tmp/lo-{uuid.uuid4().hex}"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx", "--outdir",
         str(outdir), str(original)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": profile},
    )  # fmt: skip
    return outdir / original.name


def _cells(ws: Any) -> dict[str, Any]:
    """The cells the sheet holds (not the whole grid up to its last cell, which may be XFD1048576)."""
    return {c.coordinate: c for c in ws._cells.values() if type(c).__name__ == "Cell"}


def _look(cell: Any) -> tuple[Any, ...]:
    a = cell.alignment  # what it means: openpyxl writes wrapText=None where a saved xf 0 says False
    align = (a.horizontal or "general", a.vertical or "bottom", bool(a.wrap_text), bool(a.shrink_to_fit), a.indent)
    return (cell.number_format, repr(cell.font), repr(cell.border), align, repr(cell.protection))


def _fill(cell: Any) -> tuple[Any, ...]:
    return (cell.fill.fill_type, cell.fill.fgColor.rgb)


def assert_equivalent(original: Path, fast: Path, slow: Path, findings: Sequence[Finding]) -> None:
    """What openpyxl reads from both feedback workbooks is the same; the submitted cells keep their formats."""
    wf, ws_, wo = load_workbook(fast), load_workbook(slow), load_workbook(original)
    assert wf.sheetnames == ws_.sheetnames == [ws_.sheetnames[0], *wo.sheetnames]
    assert wf.active.title == ws_.active.title == ws_.sheetnames[0]
    marked = {(s, ref) for s, ref, _ in marked_cells(findings, wo.sheetnames)}
    for name in wf.sheetnames:
        f, s = wf[name], ws_[name]
        fc, sc = _cells(f), _cells(s)
        values = {k: c.value for k, c in fc.items() if c.value is not None}
        assert values == {k: c.value for k, c in sc.items() if c.value is not None}, name
        assert {k: (c.comment.text, c.comment.author) for k, c in fc.items() if c.comment} == {
            k: (c.comment.text, c.comment.author) for k, c in sc.items() if c.comment
        }, name
        assert {k: _fill(c) for k, c in fc.items() if c.fill.fill_type} == {
            k: _fill(c) for k, c in sc.items() if c.fill.fill_type
        }, name
        assert {k: c.hyperlink.location for k, c in fc.items() if c.hyperlink} == {
            k: c.hyperlink.location for k, c in sc.items() if c.hyperlink
        }, name
        assert f.print_title_rows == s.print_title_rows, name
        assert {k: d.attr_text for k, d in f.defined_names.items()} == {
            k: d.attr_text for k, d in s.defined_names.items()
        }, name
        assert f.freeze_panes == s.freeze_panes and f.auto_filter.ref == s.auto_filter.ref, name
        # the findings sheet is the selected tab (openpyxl leaves it to activeTab), no other one is
        assert bool(f.sheet_view.tabSelected) == (name == wf.sheetnames[0]), name
        assert not (name != wf.sheetnames[0] and s.sheet_view.tabSelected), name
        if name in wo.sheetnames:
            o = wo[name]
            for k, c in _cells(o).items():
                assert _look(f[k]) == _look(c), (name, k)  # fonts, number formats... of every submitted cell
                if (name, k) not in marked:
                    assert _fill(f[k]) == _fill(c), (name, k)
            assert [(d.type, str(d.sqref)) for d in f.data_validations.dataValidation] == [
                (d.type, str(d.sqref)) for d in o.data_validations.dataValidation
            ], name
            assert f.protection.sheet == o.protection.sheet, name
            # printed alike: the marked rows, the goal sheet several pages wide (`template.goal_print`)
            setup = ("paperSize", "orientation", "scale", "pageOrder", "fitToWidth", "fitToHeight")
            assert [getattr(f.page_setup, a) for a in setup] == [getattr(s.page_setup, a) for a in setup], name
            rows = [re.sub(r"\$[A-Z]+\$", "$", a or "") for a in (f.print_area, s.print_area)]  # last column: dimension
            assert (rows[0], f.print_title_cols) == (rows[1], s.print_title_cols), name
            margins = ("left", "right", "top", "bottom", "header", "footer")
            assert [getattr(f.page_margins, a) for a in margins] == [getattr(s.page_margins, a) for a in margins]
            fit, slow_fit = f.sheet_properties.pageSetUpPr, s.sheet_properties.pageSetUpPr
            assert bool(fit and fit.fitToPage) == bool(slow_fit and slow_fit.fitToPage), name
        else:  # the findings sheet: same layout, fonts and fills
            assert {k: (_look(c), _fill(c)) for k, c in fc.items()} == {k: (_look(c), _fill(c)) for k, c in sc.items()}
            assert {k: d.width for k, d in f.column_dimensions.items()} == {
                k: d.width for k, d in s.column_dimensions.items()
            }
            setup = ("paperSize", "orientation", "fitToWidth", "fitToHeight")
            assert [getattr(f.page_setup, a) for a in setup] == [getattr(s.page_setup, a) for a in setup]
            assert f.sheet_properties.pageSetUpPr.fitToPage and s.sheet_properties.pageSetUpPr.fitToPage
    assert {k: d.attr_text for k, d in wf.defined_names.items()} == {
        k: d.attr_text for k, d in ws_.defined_names.items()
    }


def assert_sound_package(original: Path, fast: Path, before: str) -> None:
    """Every XML part of the output is well-formed; the parts not meant to change are the original's bytes."""
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before
    with zipfile.ZipFile(original) as zo, zipfile.ZipFile(fast) as zf:
        old = {i.filename: zo.read(i) for i in zo.infolist()}
        new = {i.filename: zf.read(i) for i in zf.infolist()}
    assert zf.namelist()[: len(old)] == list(old)  # the original order, new parts after
    for name, data in new.items():
        if name.endswith((".xml", ".rels", ".vml")):
            expat.ParserCreate().Parse(data, True)
    _notes_sit_on_their_cells(new)
    edited = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
    for name, data in old.items():
        if name not in edited and not name.startswith("xl/worksheets/"):
            assert new[name] == data, name


def _notes_sit_on_their_cells(parts: dict[str, bytes]) -> None:
    """Excel places a comment's box from its VML shape (openpyxl does not read it): each sheet's shapes, in
    order, anchor the cells of its comments part, with shape ids unique across the workbook."""
    from openpyxl.utils import coordinate_to_tuple

    comments = sorted(n for n in parts if re.fullmatch(r"xl/comments\d+\.xml", n))
    drawings = sorted(n for n in parts if n.endswith(".vml"))
    assert len(comments) == len(drawings)
    ids: list[str] = []
    for c, v in zip(comments, drawings, strict=True):
        refs = re.findall(r'<comment ref="([A-Z]+[0-9]+)"', parts[c].decode())
        vml = parts[v].decode()
        anchors = re.findall(r"<x:Row>(\d+)</x:Row><x:Column>(\d+)</x:Column>", vml)
        assert [(int(r) + 1, int(col) + 1) for r, col in anchors] == [coordinate_to_tuple(ref) for ref in refs]
        ids += re.findall(r'<v:shape id="(_x0000_s\d+)"', vml)
    assert len(ids) == len(set(ids))


def _check_both(original: Path, findings: Sequence[Finding], tmp_path: Path, lang: str = "ko") -> Any:
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    fast = _fast_feedback(original, findings, tmp_path / "fast.xlsx", lang)
    slow = _openpyxl_feedback(original, findings, tmp_path / "slow.xlsx", lang)
    assert_equivalent(original, fast, slow, findings)
    assert_sound_package(original, fast, before)
    return load_workbook(fast)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_factory_workbook_same_as_openpyxl(tmp_path: Path, lang: str) -> None:
    original = _bad(tmp_path / "s.xlsx", lang=lang)
    findings = check_file(original, CONFIG).findings
    assert findings
    wb = _check_both(original, findings, tmp_path, lang)
    goals = wb["Goals" if lang == "en" else GOALS]
    assert goals["K5"].fill.fgColor.rgb.endswith(RED) and goals["S6"].fill.fgColor.rgb.endswith(YELLOW)


def test_many_marked_cells_on_two_sheets_same_as_openpyxl(tmp_path: Path) -> None:
    original = factory.write(tmp_path / "w.xlsx", goal_rows=factory.goals(g2={"weight": 10}, g3={"unit": "@@"}))
    findings = [*check_file(original, CONFIG).findings, finding("value.not_number", sheet="기관정보", cell="B5")]
    assert len({ref for _, ref, _ in marked_cells(findings, [GOALS])}) >= 6
    wb = _check_both(original, findings, tmp_path)
    assert wb["기관정보"]["B5"].comment is not None
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as zf:
        assert len([n for n in zf.namelist() if n.endswith(".vml")]) == 2


def test_clean_file_same_as_openpyxl(tmp_path: Path) -> None:
    original = factory.write(tmp_path / "ok.xlsx")
    wb = _check_both(original, (), tmp_path)
    assert wb["검토결과"]["A3"].value == "문제가 없습니다."
    assert wb["검토결과"].auto_filter.ref is None


def test_libreoffice_saved_workbook_same_as_openpyxl(tmp_path: Path, soffice: str) -> None:
    """LibreOffice writes other prefixes, `tabSelected="true"`, shared strings, omitted cells and rows."""
    lo = _lo_copy(_bad(tmp_path / "lo.xlsx"), soffice, tmp_path / "lo")
    findings = list(check_file(lo, CONFIG).findings)
    assert [f.code for f in findings] == ["value.not_number", "goal.evidence_blank"]
    findings += [
        finding("value.not_number", sheet=GOALS, cell="B3", value="x"),  # a row LibreOffice did not write
        finding("value.not_number", sheet=GOALS, cell="X5", value="x"),  # a cell beyond the written ones
        finding("value.not_number", sheet=GOALS, cell="C2", value="=1+1"),  # a formula-looking value stays text
    ]
    with zipfile.ZipFile(lo) as zf:
        sheet, first = zf.read("xl/worksheets/sheet3.xml"), zf.read("xl/worksheets/sheet1.xml")
    assert b'<row r="3"' not in sheet and b'r="X5"' not in sheet and b'tabSelected="true"' in first
    wb = _check_both(lo, findings, tmp_path)
    goals = wb[GOALS]
    assert goals["B3"].fill.fgColor.rgb.endswith(RED) and goals["X5"].comment.text.startswith("[오류]")
    assert wb["검토결과"]["D10"].value == "=1+1" and wb["검토결과"]["D10"].data_type == "s"
    assert goals.protection.sheet and not goals["K5"].protection.locked  # still editable where it must be fixed
    # and LibreOffice opens the patched file and saves it back with the findings sheet, notes and fills
    again = load_workbook(_lo_copy(tmp_path / "fast.xlsx", soffice, tmp_path / "again"))
    assert again.sheetnames[0] == "검토결과" and again.active.title == "검토결과"
    assert again["검토결과"]["G6"].value == "value.not_number"
    assert "숫자가 아닌 값" in again[GOALS]["K5"].comment.text and again[GOALS]["B3"].comment is not None
    assert again[GOALS]["K5"].fill.fgColor.rgb.endswith(RED) and again[GOALS]["S6"].fill.fgColor.rgb.endswith(YELLOW)


def test_merged_cells_rows_and_cells_absent(tmp_path: Path) -> None:
    """A merged range's hidden cell is skipped as openpyxl skips it; its top-left cell is marked; absent rows
    (before, between and after the written ones) and absent cells are inserted in order."""

    def merge(wb: Any) -> None:
        wb[GOALS].merge_cells("B20:D21")
        wb[GOALS]["F90"] = "x"

    original = factory.write(tmp_path / "m.xlsx", edit=merge)
    findings = [
        finding("value.not_number", sheet=GOALS, cell=cell, value="x")
        for cell in ("C20", "B20", "D21", "A3", "X7", "F85", "A200", "XFD1048576")
    ]
    with zipfile.ZipFile(original) as zf:
        sheet = zf.read("xl/worksheets/sheet3.xml")
    assert b'<row r="3"' not in sheet and b'<row r="85"' not in sheet and b'r="X7"' not in sheet
    wb = _check_both(original, findings, tmp_path)
    goals = wb[GOALS]
    assert goals["B20"].comment is not None and goals["B20"].fill.fgColor.rgb.endswith(RED)
    for cell in ("A3", "X7", "F85", "A200", "XFD1048576"):
        assert goals[cell].comment is not None and goals[cell].fill.fgColor.rgb.endswith(RED), cell
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as zf:
        marked = zf.read("xl/worksheets/sheet3.xml").decode()
    hidden = re.compile(r'<c r="(?:C20|D21)"[^>]*>')
    assert hidden.findall(marked) == hidden.findall(sheet.decode())  # the hidden cells are left alone
    rows = [int(r) for r in re.findall(r'<row r="(\d+)"', marked)]
    assert rows == sorted(rows) and len(rows) == len(set(rows))


def _without_print_settings(name: str, data: bytes) -> bytes:
    """The goal sheet (sheet3) with no `<pageSetup>`, `<pageMargins>` or `<pageSetUpPr>` and no print titles."""
    if name == "xl/worksheets/sheet3.xml":
        return re.sub(rb"<page(?:Setup|Margins|SetUpPr)\b[^>]*/>", b"", data)
    if name == "xl/workbook.xml":
        return re.sub(rb'<definedName name="_xlnm.Print_Titles" localSheetId="2">[^<]*</definedName>', b"", data)
    return data


@pytest.mark.parametrize("settings", ["last_years", "none"])
def test_the_goal_sheet_prints_several_pages_wide_from_either_writer(tmp_path: Path, settings: str) -> None:
    """A goal sheet fitted one page wide (last year's template: 3 pt) or with no print settings at all gets the
    template's: landscape A4 at a fixed scale, the goal's columns repeated, over then down, comments at the end."""
    from pipeline.core.paper import MARGIN
    from pipeline.template.goal_print import SCALE

    source = _bad(tmp_path / "src.xlsx", edit=factory.fitted_one_page_wide)
    original = (
        source if settings == "last_years" else _repacked(source, tmp_path / "bare.xlsx", _without_print_settings)
    )
    with zipfile.ZipFile(original) as zf:
        sheet = zf.read("xl/worksheets/sheet3.xml")
    assert (b'fitToPage="1"' in sheet) == (settings == "last_years") and (b"<pageMargins" in sheet) == (
        settings == "last_years"
    )
    findings = check_file(original, CONFIG).findings
    goals = _check_both(original, findings, tmp_path)[GOALS]
    setup = goals.page_setup
    assert (str(setup.paperSize), setup.orientation, setup.scale, setup.pageOrder, setup.cellComments) == (
        "9",
        "landscape",
        SCALE,
        "overThenDown",
        "atEnd",
    )
    assert not goals.sheet_properties.pageSetUpPr.fitToPage and goals.print_title_cols == "$A:$C"
    assert (goals.page_margins.left, goals.page_margins.right) == (MARGIN, MARGIN)
    assert goals.print_title_rows == ("$4:$4" if settings == "last_years" else None)


def test_marked_sheet_with_comments_is_declined_and_openpyxl_writes_it(tmp_path: Path) -> None:
    def note(wb: Any) -> None:
        wb[GOALS]["A1"].comment = Comment("기존 메모", "담당자")

    original = _bad(tmp_path / "c.xlsx", edit=note)
    findings = check_file(original, CONFIG).findings
    assert feedback_xml.write_fast(original, findings, tmp_path / "x.xlsx", "ko", "c.xlsx") is None
    assert not (tmp_path / "x.xlsx").exists()
    wb = load_workbook(write_feedback(original, findings, tmp_path / "fb.xlsx"))
    assert wb.sheetnames[0] == "검토결과" and wb[GOALS]["A1"].comment.text == "기존 메모"
    assert "숫자가 아닌 값" in wb[GOALS]["K5"].comment.text


def _repacked(original: Path, out: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(original) as zf, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zf.infolist():
            zo.writestr(info.filename, edit(info.filename, zf.read(info)))
    out.write_bytes(buf.getvalue())
    return out


@pytest.mark.parametrize(
    ("case", "edit"),
    [
        (
            "dtd_in_styles",
            lambda n, d: (
                b'<?xml version="1.0"?><!DOCTYPE styleSheet [<!ENTITY x "y">]>' + d if n == "xl/styles.xml" else d
            ),
        ),
        (
            "macro_enabled",
            lambda n, d: (
                d.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml") if n == "[Content_Types].xml" else d
            ),
        ),
        (
            "strict",
            lambda n, d: (
                d.replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
                if n == "xl/styles.xml"
                else d
            ),
        ),
        (
            "moved_workbook",
            lambda n, d: d.replace(b"xl/workbook.xml", b"xl/book.xml") if n == "_rels/.rels" else d,
        ),
    ],
)
def test_unusual_files_are_declined_and_still_get_feedback(
    tmp_path: Path, case: str, edit: Callable[[str, bytes], bytes]
) -> None:
    source = _bad(tmp_path / "src.xlsx")
    findings = check_file(source, CONFIG).findings
    original = _repacked(source, tmp_path / f"{case}.xlsx", edit)
    assert feedback_xml.write_fast(original, findings, tmp_path / "x.xlsx", "ko", original.name) is None
    wb = load_workbook(write_feedback(original, findings, tmp_path / "fb.xlsx"))
    assert wb.sheetnames[0] == "검토결과"
    assert wb["검토결과"]["G6"].value == "value.not_number"


def test_no_copy_findings_are_left_to_openpyxl(tmp_path: Path) -> None:
    original = _bad(tmp_path / "s.xlsx")
    findings = [finding("sheet.too_many_entries", sheet=GOALS, count=3000, limit=500)]
    assert feedback_xml.write_fast(original, findings, tmp_path / "x.xlsx", "ko", "s.xlsx") is None


def test_review_sheet_name_is_made_unique(tmp_path: Path) -> None:
    def review_sheet(wb: Any) -> None:
        wb.create_sheet("검토결과")

    original = _bad(tmp_path / "r.xlsx", edit=review_sheet)
    findings = check_file(original, CONFIG).findings
    wb = _check_both(original, findings, tmp_path)
    assert wb.sheetnames[0] == "검토결과 (2)"


def test_numeric_cell_without_a_number_is_declined(tmp_path: Path) -> None:
    """`<v>NaN</v>` in a numeric cell: a copy would not open (openpyxl writes the findings-only workbook);
    the same text in a formula's string result is fine."""
    source = factory.write(tmp_path / "n.xlsx", edit=factory.set_cell(GOALS, "K5", 987654))
    findings = [finding("value.not_number", sheet=GOALS, cell="K5", value="NaN")]
    nan = _repacked(source, tmp_path / "nan.xlsx", lambda n, d: d.replace(b"<v>987654</v>", b"<v>NaN</v>"))
    assert feedback_xml.write_fast(nan, findings, tmp_path / "x.xlsx", "ko", "nan.xlsx") is None
    text = _repacked(
        source,
        tmp_path / "str.xlsx",
        lambda n, d: d.replace(
            b'<c r="K5" s="11" t="n"><v>987654</v>', b'<c r="K5" s="11" t="str"><f>"NaN"</f><v>NaN</v>'
        ),
    )
    assert b't="str"' in zipfile.ZipFile(text).read("xl/worksheets/sheet3.xml")
    assert feedback_xml.write_fast(text, findings, tmp_path / "y.xlsx", "ko", "str.xlsx") is not None
