"""A committee workbook (정성평가 평정표) → raw rows, every value with the cell it came from.

`is_committee_workbook` is the night's router: a workbook whose custom document property `PipelineKind` says
`committee-sheet` is the committee's, not an agency's submission. The file is small (one row per qualitative
goal), so it is read with openpyxl after the same sniffing and caps as a submission. Only the shape is judged
here (sheets, headings); the values are judged by `validate.committee`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.committee_layout import (
    ADJUSTMENT_COLUMNS,
    COMMITTEE_KIND,
    FINGERPRINT_COLUMN,
    FINGERPRINT_PROPERTY,
    GRADE_COLUMNS,
    KIND_PROPERTY,
    SHEET_ADJUSTMENTS,
    SHEET_GRADES,
    YEAR_PROPERTY,
)
from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Bilingual
from pipeline.core.layout import Column
from pipeline.core.model import Source
from pipeline.core.refs import column_letter
from pipeline.read.workbook import RawCell, canon
from pipeline.xlsx.package import sniff
from pipeline.xlsx.xmltext import UnsafeXML, iter_elements

__all__ = ["RawAdjustment", "RawCommittee", "RawGradeRow", "is_committee_workbook", "read_committee"]

HEADER_SCAN_ROWS = 10
MAX_ROWS = 20000


@dataclass(frozen=True, slots=True)
class RawGradeRow:
    row: int
    cells: dict[str, RawCell]  # GRADE_COLUMNS keys and "fingerprint"
    grades: tuple[tuple[str, RawCell], ...]  # (member, cell) in column order


@dataclass(frozen=True, slots=True)
class RawAdjustment:
    row: int
    cells: dict[str, RawCell]  # ADJUSTMENT_COLUMNS keys


@dataclass(frozen=True, slots=True)
class RawCommittee:
    path: Path
    year: str | None = None
    fingerprint: str = ""
    members: tuple[str, ...] = ()
    grades: tuple[RawGradeRow, ...] = ()
    adjustments: tuple[RawAdjustment, ...] = ()
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def properties(path: Path) -> dict[str, str]:
    """The workbook's custom document properties (Excel and LibreOffice both keep them); {} for any other file."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "docProps/custom.xml" not in zf.NameToInfo or zf.getinfo("docProps/custom.xml").file_size > 1 << 20:
                return {}
            with zf.open("docProps/custom.xml") as fh:
                out = {}
                for el in iter_elements(fh, "property"):
                    text = next((child.text.strip() for child in el if child.text), "")
                    out[el.get("name") or ""] = text
                return out
    except (OSError, zipfile.BadZipFile, UnsafeXML, ValueError, KeyError):
        return {}


def is_committee_workbook(path: Path) -> bool:
    return properties(path).get(KIND_PROPERTY) == COMMITTEE_KIND


def read_committee(path: Path, max_bytes: int | None = None) -> RawCommittee:
    """Read a committee workbook; never raises for a bad file (the reason becomes a finding)."""
    sniffed = sniff(path) if max_bytes is None else sniff(path, max_bytes)
    if sniffed.finding is not None:
        return RawCommittee(path, findings=(sniffed.finding,))
    props = properties(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken package: one finding says so
        return RawCommittee(
            path,
            findings=(
                finding("file.corrupt", detail=Bilingual("통합 문서를 열 수 없음", "the workbook cannot be opened")),
            ),
        )
    try:
        sheets = {canon(ws.title): ws for ws in wb.worksheets}
        found: list[Finding] = []
        grades_ws = next((sheets[canon(n)] for n in SHEET_GRADES if canon(n) in sheets), None)
        adjust_ws = next((sheets[canon(n)] for n in SHEET_ADJUSTMENTS if canon(n) in sheets), None)
        if grades_ws is None:
            return RawCommittee(path, findings=(finding("file.not_template", expected=SHEET_GRADES[0]),))
        members, grade_rows = _grades(grades_ws, found)
        adjustments = _adjustments(adjust_ws, found) if adjust_ws is not None else ()
    finally:
        wb.close()
    return RawCommittee(
        path,
        year=props.get(YEAR_PROPERTY),
        fingerprint=props.get(FINGERPRINT_PROPERTY, ""),
        members=members,
        grades=grade_rows,
        adjustments=adjustments,
        findings=tuple(found),
    )


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    rows = []
    for i, row in enumerate(ws.iter_rows(values_only=True)):
        if i >= MAX_ROWS:
            break
        rows.append(row)
    return rows


def _header(rows: list[tuple[Any, ...]], columns: tuple[Column, ...]) -> tuple[int, dict[int, str]] | None:
    """(heading row number, column index → heading text) of the row that names the first column."""
    first = {canon(columns[0].ko), canon(columns[0].en)}
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        if row and canon(row[0] or "") in first:
            return r, {c: str(v).strip() for c, v in enumerate(row, start=1) if v is not None and str(v).strip()}
    return None


def _cell(sheet: str, r: int, c: int, heading: str, value: Any) -> RawCell:
    return RawCell(value, Source(sheet, f"{column_letter(c)}{r}", heading))


def _keys(columns: tuple[Column, ...]) -> dict[str, str]:
    return {canon(text): col.key for col in columns for text in (col.ko, col.en)}


def _grades(ws: Any, found: list[Finding]) -> tuple[tuple[str, ...], tuple[RawGradeRow, ...]]:
    rows = _rows(ws)
    head = _header(rows, GRADE_COLUMNS)
    if head is None:
        found.append(finding("sheet.header_missing", sheet=ws.title, cell="A1"))
        return (), ()
    header_row, headings = head
    fixed = _keys((*GRADE_COLUMNS, FINGERPRINT_COLUMN))
    by_key = {fixed[canon(t)]: c for c, t in headings.items() if canon(t) in fixed}
    member_cols = [(c, t) for c, t in headings.items() if canon(t) not in fixed]
    for col in (*GRADE_COLUMNS, FINGERPRINT_COLUMN):
        if col.required and col.key not in by_key:
            found.append(finding("sheet.column_missing", sheet=ws.title, cell=f"A{header_row}", expected=col.ko))
    out = []
    for r, row in enumerate(rows[header_row:], start=header_row + 1):

        def at(c: int, heading: str, r: int = r, row: tuple[Any, ...] = row) -> RawCell:
            return _cell(ws.title, r, c, heading, row[c - 1] if c - 1 < len(row) else None)

        if not any(v is not None and str(v).strip() for v in row):
            continue
        cells = {key: at(c, headings[c]) for key, c in by_key.items()}
        grades = tuple((name, at(c, name)) for c, name in member_cols)
        out.append(RawGradeRow(r, cells, grades))
    return tuple(name for _, name in member_cols), tuple(out)


def _adjustments(ws: Any, found: list[Finding]) -> tuple[RawAdjustment, ...]:
    rows = _rows(ws)
    head = _header(rows, ADJUSTMENT_COLUMNS)
    if head is None:
        found.append(finding("sheet.header_missing", sheet=ws.title, cell="A1"))
        return ()
    header_row, headings = head
    keys = _keys(ADJUSTMENT_COLUMNS)
    by_key = {keys[canon(t)]: c for c, t in headings.items() if canon(t) in keys}
    out = []
    for r, row in enumerate(rows[header_row:], start=header_row + 1):
        if not any(v is not None and str(v).strip() for v in row):
            continue
        cells = {
            col.key: _cell(ws.title, r, by_key.get(col.key, 0) or 1, col.label("ko"), _value(row, by_key.get(col.key)))
            for col in ADJUSTMENT_COLUMNS
        }
        out.append(RawAdjustment(r, cells))
    return tuple(out)


def _value(row: tuple[Any, ...], col: int | None) -> Any:
    return row[col - 1] if col is not None and col - 1 < len(row) else None
