"""The table sheets' rows written as XML straight into xlsxwriter's row file, through xlsxwriter's PRIVATE API,
and the switch of the table sheets to constant_memory, also private.

Verified with xlsxwriter 3.3.1 only (FAST_ROWS_VERIFIED), the version pinned in pyproject.toml: with any other
version the rows go through the public API (`xlsx_cells.ColumnCells`, ≈ 3× slower, same workbook), and the tests
that compare both paths byte for byte (tests/test_report_fastrows.py) skip and say why. After an upgrade, add the
version here and to the pin once those tests pass with it.

Private API used (xlsxwriter 3.3.1): `Workbook.constant_memory` (read by `add_worksheet`) and
`Worksheet.row_data_fh_closed`; on a worksheet `fh`, `previous_row`, `row_info`, `constant_memory`,
`nan_inf_to_errors`, `_write_single_row`, `_write_row`, `_write_cell`, `_check_dimensions`, `_convert_date_time`;
`Format._get_xf_index`; `xlsxwriter.worksheet.CellStringTuple`.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.report.shapes import Value
from pipeline.report.xlsx_cells import RICH_LOOKING, ColumnCells, qty_format
from pipeline.xlsx.xmltext import xml_chars

__all__ = ["FAST_ROWS_VERIFIED", "ColumnXml", "FastRows", "captured", "table_sheets_in_constant_memory"]

FAST_ROWS_VERIFIED = frozenset({"3.3.1"})
"""xlsxwriter versions whose row XML `FastRows` was checked against, byte for byte, by
tests/test_report_fastrows.py. With any other version the table sheets go through the public API (≈ 3× slower,
same workbook): `FastRows` relies on private code that changes between releases (3.2.0 has no `row_info`)."""

_SPECIAL = r"&<>\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff"
_AS_IS = re.compile(rf"[^\s{_SPECIAL}](?:[^{_SPECIAL}]*[^\s{_SPECIAL}])?")
"""A text that xlsxwriter writes as it is, if it also holds no "_x": no character it escapes (XML specials,
control characters as `_xHHHH_`, and "_xHHHH_" itself), no `<r>…</r>` taken as rich text, and no leading or
trailing white space (xml:space="preserve"). `ColumnXml.xml` leaves any other text to xlsxwriter's own code."""

_RICH_LOOKING = re.compile(r"<r>.*</r>\Z", re.DOTALL).match
_MAX_UNCUT = 32767 // 2
"""`write_string` cuts a text above 32,767 UTF-16 units, which only a text longer than this can be."""


def captured(ws: Any, write: Any, *args: Any) -> str:
    """What an xlsxwriter method writes to the sheet's file, as a string instead."""
    buffer, kept = io.StringIO(), ws.fh
    ws.fh = buffer
    try:
        write(*args)
    finally:
        ws.fh = kept
    return buffer.getvalue()


def table_sheets_in_constant_memory(workbook: Any) -> None:
    """Sheets added from now on go out row by row as they are written (xlsxwriter's constant_memory, text as
    inline strings) instead of keeping every cell until close: the Goals sheet alone is 20 cells a goal. The
    sheets added before (the summary, not written in row order) stay in normal mode: xlsxwriter takes the mode per
    sheet when adding it. At close the workbook closes every sheet's row file when the mode is set, so the
    earlier sheets, which have none, are marked closed."""
    for ws in workbook.worksheets():
        ws.row_data_fh_closed = True
    workbook.constant_memory = True


class ColumnXml:
    """A column's cells as the XML xlsxwriter's flush would write for what `ColumnCells.write` stores (for
    `FastRows`); formats are the column's own (`ColumnCells.format_for`), made when a cell first needs them."""

    def __init__(self, cells: ColumnCells) -> None:
        self.cells, self.ws, self.col, self.is_qty = cells, cells.ws, cells.col, cells.is_qty
        # names, codes and labels repeat row after row, long texts seldom do
        self.head = f'<c r="{xl_col_to_name(cells.col)}'
        self.styled: dict[Any, str] = {}
        self.tails: dict[str | Decimal | int, str] = {}
        self.remember = cells.column.kind != "longtext"

    def xml(self, row: int, n: str, value: Value) -> str | None:
        """The cell's XML as xlsxwriter's flush would write what `write` stores (`n`: the row number as shown), or
        None for a value left to `write`: anything but a str, int, finite Decimal, datetime or None, and a text so
        long that `write_string` may cut it. What follows the row number is remembered for repeated values."""
        cls = value.__class__
        if value and (cls is str or cls is int or (cls is Decimal and value.is_finite())):
            tail = self.tails.get(value)
            if tail is None:
                tail = self._tail(value)
                if tail is None:
                    if cls is not str or len(value) > _MAX_UNCUT or RICH_LOOKING(value):
                        return None  # left to `write` (a text like rich-text XML: see `write_text`)
                    return self._by_xlsxwriter(row, value)
                if self.remember:
                    if len(self.tails) >= 4096:
                        self.tails.clear()
                    self.tails[value] = tail
            return f"{self.head}{n}{tail}"
        if value is None or cls is str:
            return f"{self.head}{n}{self.styled.get(0) or self._style(0, value)}/>"
        if cls is Decimal or cls is int:  # zero (0 and -0 are equal, not written alike) or not finite: not remembered
            tail = self._tail(value)
            return None if tail is None else f"{self.head}{n}{tail}"
        if cls is datetime:
            style = self.styled.get(2) or self._style(2, value)
            return f"{self.head}{n}{style}><v>{self.ws._convert_date_time(value):.16G}</v></c>"
        return None

    def _tail(self, value: str | Decimal | int) -> str | None:
        """The cell after its row number for a non-empty str or a number, or None for a text xlsxwriter changes
        (escapes) and a number it refuses. Equal values give the same tail (12.5 and 12.50, 1 and Decimal 1),
        except 0 and -0."""
        if value.__class__ is str:
            if len(value) > _MAX_UNCUT or _AS_IS.fullmatch(value) is None or "_x" in value:
                return None
            return f'{self.styled.get(1) or self._style(1, value)} t="inlineStr"><is><t>{value}</t></is></c>'
        number = float(value)
        if not math.isfinite(number):  # `write_number` refuses it: let it say so
            return None
        key = qty_format(Decimal(value)) if self.is_qty else 4
        return f"{self.styled.get(key) or self._style(key, value)}><v>{number:.16G}</v></c>"

    def _by_xlsxwriter(self, row: int, value: str) -> str:
        """A text with escapes or `xml:space`: xlsxwriter's own `_write_cell` writes it."""
        from xlsxwriter.worksheet import CellStringTuple  # private, so only imported where the version is verified

        text = xml_chars(value)  # as `write_text` writes it
        return captured(
            self.ws, self.ws._write_cell, row, self.col, CellStringTuple(text, self.cells.format_for(1, value))
        )

    def _style(self, key: Any, value: Value) -> str:
        """The `s` attribute of a key's format (`styled` caches it). xlsxwriter numbers formats in the order
        `_get_xf_index` first sees them, and its flush asks cell by cell, row by row: the order cells come here."""
        styled = self.styled[key] = f'" s="{self.cells.format_for(key, value)._get_xf_index()}"'
        return styled


class FastRows:
    """The data rows of a table sheet, written as XML straight into xlsxwriter's constant_memory row file.

    Why: xlsxwriter's public API costs ≈ 6 µs a cell (argument checks, a tuple stored per cell, then
    `_write_single_row`/`_write_cell` building attribute lists at the flush), ≈ 24 s for the ≈ 4 million cells of
    a 10,000-agency workbook. Here a row is one string from per-column templates (`ColumnXml.xml`), in exactly
    the bytes xlsxwriter would write for it: checked against FAST_ROWS_VERIFIED only, else the public API is used.

    xlsxwriter keeps its bookkeeping: whatever row it holds is flushed by itself first, `set_row` is called as
    before and each distinct <row> tag is xlsxwriter's own (`_write_row`, captured once), the dimensions go
    through `_check_dimensions`, and `previous_row` is left as after its own flush. A row that `xml` declines
    goes through the public API, and xlsxwriter flushes it before the next row. The last row always does: with
    the public API it is flushed at close, after the summary sheet's formats are numbered, so a format first
    used there gets the same xf index as before.
    """

    def __init__(self, ws: Any, cells: list[ColumnXml]) -> None:
        self.ws = ws
        self.cells = [column.xml for column in cells]
        self.tags: dict[Any, str] = {}

    @staticmethod
    def usable(ws: Any) -> bool:
        """A verified xlsxwriter, a constant_memory sheet, and NaN refused (as SAFE_OPTIONS has it)."""
        return xlsxwriter.__version__ in FAST_ROWS_VERIFIED and ws.constant_memory and not ws.nan_inf_to_errors

    def write(self, r: int, row: tuple[Value, ...]) -> bool:
        """Row `r` into the row file, or False (nothing written) if a value must go through the public API."""
        ws = self.ws
        if not row or len(row) > len(self.cells):
            return False
        if ws.previous_row < r:  # the header, or a row written through the public API
            ws._write_single_row(r)
        n = str(r + 1)
        cells = [xml(r, n, value) for xml, value in zip(self.cells, row, strict=False)]
        if None in cells:
            return False
        ws._check_dimensions(r, 0)
        ws._check_dimensions(r, len(row) - 1)
        ws.fh.write(f'<row r="{n}"{self._tag(ws.row_info.get(r))}{"".join(cells)}</row>')
        ws.previous_row = r + 1  # as if xlsxwriter had flushed row r itself
        return True

    def _tag(self, info: Any) -> str:
        """The rest of xlsxwriter's <row> start tag for these row properties (height), after the row number."""
        key = None if info is None else tuple(vars(info).values())
        tag = self.tags.get(key)
        if tag is None:
            start = captured(self.ws, self.ws._write_row, 0, None, info)
            assert start.startswith('<row r="1"'), start
            tag = self.tags[key] = start[len('<row r="1"') :]
        return tag
