"""Characters XML cannot hold (C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE and
U+FFFF) in a file name or a text we write: every workbook we write stays well-formed, and shows U+FFFD where the
character was (issue 15, item 6). Every XML part written is parsed with expat, which refuses such characters."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path
from xml.parsers import expat

import factory
import openpyxl
import pytest
import xlsxwriter
from test_report import city_input

from pipeline.core.findings import finding
from pipeline.core.model import CityResult, FindingRow
from pipeline.feedback import xml_patch
from pipeline.feedback.openpyxl_writer import write_with_openpyxl
from pipeline.report.content import workbook_content
from pipeline.report.xlsx_writer import render_workbook
from pipeline.report.xlsxwriter_private import FAST_ROWS_VERIFIED
from pipeline.xlsx.xmltext import allowed_char, escape_text, xml_chars

NOT_XML = {
    "nul": "\x00",
    "bel": "\x07",
    "backspace": "\x08",
    "vertical_tab": "\x0b",
    "form_feed": "\x0c",
    "shift_out": "\x0e",
    "escape": "\x1b",
    "unit_separator": "\x1f",
    "high_surrogate": "\ud800",
    "low_surrogate": "\udfff",
    "undecodable_byte": b"\xff".decode("utf-8", "surrogateescape"),  # what a file name's bad byte becomes
    "fffe": "\ufffe",
    "ffff": "\uffff",
}
"""One or more of each class of character XML 1.0 cannot hold."""
CLASSES = pytest.mark.parametrize("char", list(NOT_XML.values()), ids=list(NOT_XML))


def test_xml_chars_replaces_exactly_what_xml_cannot_hold() -> None:
    everything = "".join(map(chr, range(0x110000)))
    cleaned = xml_chars(everything)
    assert len(cleaned) == len(everything)
    replaced = [i for i, (a, b) in enumerate(zip(everything, cleaned, strict=True)) if a != b]
    assert replaced == [i for i in range(0x110000) if not allowed_char(i)]
    assert {cleaned[i] for i in replaced} == {"\ufffd"}
    assert escape_text("a\x01<b\ufffe") == "a\ufffd&lt;b\ufffd"


def _well_formed(path: Path) -> dict[str, bytes]:
    """Every XML part of a written workbook, each parsed by expat (which refuses what XML cannot hold)."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name, data in parts.items():
        if name.endswith((".xml", ".rels", ".vml")):
            expat.ParserCreate().Parse(data, True)
    return parts


def _texts(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    cells = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    notes = {c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment}
    return cells | notes


# --- the feedback workbook ---------------------------------------------------------------------------------------
def _feedback(writer: str, original: Path, findings: list, out: Path, file_name: str) -> Path:
    if writer == "xml":
        written = xml_patch.write_fast(original, findings, out, "ko", file_name)
        assert written == out, "the XML patcher declined"
        return out
    return write_with_openpyxl(original, findings, out, "ko", file_name)


@CLASSES
@pytest.mark.parametrize("writer", ["xml", "openpyxl"])
def test_feedback_with_such_characters_in_the_file_name_and_the_findings(
    tmp_path: Path, char: str, writer: str
) -> None:
    original = factory.write(tmp_path / "s.xlsx")
    text = f"앞{char}뒤"
    findings = [
        finding("value.not_number", sheet="성과목표", cell="K5", field=f"목표{char}치", value=text),
        finding("column.unknown", sheet="성과목표", cell="S4", field=text, value=text),
    ]
    out = _feedback(writer, original, findings, tmp_path / "fb.xlsx", f"제출{char}파일.xlsx")
    _well_formed(out)
    texts = _texts(out)
    assert "파일: 제출\ufffd파일.xlsx" in texts
    assert "앞\ufffd뒤" in texts and "목표\ufffd치" in texts
    assert any("앞\ufffd뒤" in t for t in texts if t.startswith("[오류]"))  # the marked cell's comment
    assert not any(char in t for t in texts)


@CLASSES
def test_findings_only_workbook_with_such_a_file_name(tmp_path: Path, char: str) -> None:
    original = tmp_path / "data.xlsx"
    original.write_text("a,b\n1,2\n")
    findings = [finding("file.corrupt", detail=f"xl/파트{char}.xml: 지원하지 않는 압축 방식 12")]  # a zip member's name
    out = write_with_openpyxl(original, findings, tmp_path / "fb.xlsx", "ko", f"자료{char}.xlsx")
    _well_formed(out)
    texts = _texts(out)
    assert "파일: 자료\ufffd.xlsx" in texts and any("xl/파트\ufffd.xml" in t for t in texts)
    assert not any(char in t for t in texts)


# --- the consolidated workbook -----------------------------------------------------------------------------------
def _with_text(text: str):
    """The report's input with every text that comes from a submission (or the ledger about one) set to `text`."""
    base = city_input()
    agencies = []
    for i, a in enumerate(base.city.agencies):
        goals = tuple(replace(r, goal=replace(r.goal, goal=text, indicator=text), explanation=text) for r in a.goals)
        agencies.append(replace(a, name=f"{text}#{i}", supervising_dept=text, goals=goals))
    findings = (FindingRow(text, "B03", text, "error", text, "I9", text, text, text, text),)
    current = {c: replace(r, file_name=text) for c, r in base.current.items()}
    history = tuple(replace(r, file_name=text) for r in base.history)
    return replace(base, city=CityResult(2026, tuple(agencies)), findings=findings, current=current, history=history)


@CLASSES
@pytest.mark.parametrize("fast_rows", [True, False], ids=["fast_rows", "public_api"])
def test_consolidated_workbook_with_such_characters(tmp_path: Path, char: str, fast_rows: bool) -> None:
    if fast_rows and xlsxwriter.__version__ not in FAST_ROWS_VERIFIED:
        pytest.skip(f"xlsxwriter {xlsxwriter.__version__}: the fast rows are not used with it")
    for i, text in enumerate((f"앞{char}뒤", char, f"<r>{char}</r>")):  # plain, alone, shaped like rich-text XML
        path = tmp_path / f"report{i}.xlsx"
        render_workbook(workbook_content(_with_text(text)), path, fast_rows=fast_rows)
        _well_formed(path)
        texts = _texts(path)
        shown = xml_chars(text)
        assert shown in texts and f"{shown}#0" in texts
        assert not any(char in t for t in texts)
