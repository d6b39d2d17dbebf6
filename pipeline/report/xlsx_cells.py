"""How one cell of the consolidated workbook looks and is written with xlsxwriter's public API: the workbook
options, the colours, cached formats (`Styles`), number formats and `write_value`/`ColumnCells`.

Text goes through `write_text` only (`write_string`, with every string-guessing option of xlsxwriter off), so that
an agency's `=HYPERLINK(…)` or `<r>…</r>` stays the text it was typed as.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from pipeline.report.shapes import Column, Value
from pipeline.xlsx.xmltext import xml_chars

__all__ = ["ColumnCells", "Styles", "fresh_options", "qty_format", "write_text", "write_value"]

FONT = "맑은 고딕"
"""The Korean office font; LibreOffice without it falls back to a Hangul font (e.g. Nanum) on its own."""

SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
    "default_format_properties": {"font_name": FONT, "font_size": 10},
}


def fresh_options(**more: Any) -> dict[str, Any]:
    """SAFE_OPTIONS for one workbook. A copy: xlsxwriter adds its theme font name to the default_format_properties
    it is given, so a second workbook made from the same dict in one process got another default font."""
    return {**SAFE_OPTIONS, "default_format_properties": dict(SAFE_OPTIONS["default_format_properties"]), **more}


HEADER_FILL = "#DCE6F1"
SECTION_COLOR = "#1F3864"
BORDER_COLOR = "#A6A6A6"
BAR_COLOR = "#8EA9DB"
BAR_EXCELLENT = "#2F5597"
EXCELLENT_FILL = "#EAF1DD"
GOOD_FILL, GOOD_FONT = "#C6EFCE", "#006100"
WARN_FILL, WARN_FONT = "#FFEB9C", "#9C5700"
BAD_FILL, BAD_FONT = "#FFC7CE", "#9C0006"


class Styles:
    """Formats made on demand and cached: xlsxwriter wants one Format object per distinct look."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.cache: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.workbook.add_format({"font_name": FONT, **props})
        return self.cache[key]

    def cell(self, **props: Any) -> Any:
        return self.get(**{"border": 1, "border_color": BORDER_COLOR, "valign": "vcenter", **props})

    def header(self) -> Any:
        return self.cell(bold=True, bg_color=HEADER_FILL, align="center", text_wrap=True)


def qty_format(value: Decimal) -> str:
    """Thousands separators and exactly the decimals that were submitted (3,902 / 12.5 / 0.125)."""
    exponent = value.normalize().as_tuple().exponent
    places = min(-exponent, 6) if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


NUM_FORMATS = {"int": "#,##0", "score": "#,##0.00", "pct": "0.0%"}
CENTERED = {"code", "grade", "mark", "status", "severity", "int"}

RICH_LOOKING = re.compile(r"<r>.*</r>\Z", re.DOTALL).match
"""A text xlsxwriter's `write_string` would take for ready-made rich-text XML and write unescaped."""


def write_text(ws: Any, row: int, col: int, text: str, fmt: Any) -> None:
    """`write_string`, except for a text xlsxwriter would take for ready-made rich-text XML (`<r>…</r>`), which
    it writes unescaped: an agency could name a goal `<r>&</r>` and make the night's workbook unreadable. Such a
    text is written as a rich string of three runs in the cell's format, which shows the same characters.
    Characters XML cannot hold (U+FFFE in a file name, a lone surrogate) are shown as U+FFFD (`xml_chars`)."""
    text = xml_chars(text)
    if RICH_LOOKING(text):
        ws.write_rich_string(row, col, fmt, text[:1], fmt, text[1:3], fmt, text[3:], fmt)
    else:
        ws.write_string(row, col, text, fmt)


def write_value(ws: Any, styles: Styles, row: int, col: int, value: Value, column: Column, **extra: Any) -> None:
    """One cell: text as text (never a formula), numbers as numbers with the column's format."""
    kind = column.kind
    if value is None or value == "":  # an empty text is an empty cell, not a zero-length string
        ws.write_blank(row, col, None, styles.cell(**extra))
    elif isinstance(value, str):
        align = "center" if kind in CENTERED or kind in ("qty", "score", "pct") else "left"
        wrap = {"text_wrap": True} if kind == "longtext" else {}
        write_text(ws, row, col, value, styles.cell(align=align, **wrap, **extra))
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, styles.cell(num_format="yyyy-mm-dd hh:mm", align="center", **extra))
    elif isinstance(value, bool):  # a bool is an int; never expected, but never a formula either
        write_text(ws, row, col, str(value), styles.cell(**extra))
    else:
        fmt = qty_format(Decimal(value)) if kind == "qty" else NUM_FORMATS.get(kind, "General")
        align = {"align": "center"} if kind in CENTERED else {}
        ws.write_number(row, col, float(value), styles.cell(num_format=fmt, **align, **extra))


class ColumnCells:
    """`write_value` for one column of a big table, each format looked up once instead of once per cell (the
    Goals sheet has 20 cells a goal, ~194,000 goals at 10,000 agencies). Writes exactly what `write_value` writes,
    and makes a format only when a cell first needs it (no unused formats in the file)."""

    def __init__(self, ws: Any, styles: Styles, column: Column, col: int) -> None:
        self.ws, self.styles, self.column, self.col = ws, styles, column, col
        self.formats: dict[Any, Any] = {}
        self.is_qty = column.kind == "qty"

    def format_for(self, key: Any, value: Value) -> Any:
        """The format `write_value` would use for `value` (computed once per key by calling it on a probe)."""
        fmt = self.formats.get(key)
        if fmt is None:
            fmt = self.formats[key] = _probe_format(self.styles, value, self.column)
        return fmt

    def write(self, row: int, col: int, value: Value) -> None:
        ws = self.ws
        if value is None or value == "":
            ws.write_blank(row, col, None, self.format_for(0, value))
        elif isinstance(value, str):
            write_text(ws, row, col, value, self.format_for(1, value))
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.format_for(2, value))
        elif isinstance(value, bool):
            write_text(ws, row, col, str(value), self.format_for(3, value))
        elif self.is_qty:
            ws.write_number(row, col, float(value), self.format_for(qty_format(Decimal(value)), value))
        else:
            ws.write_number(row, col, float(value), self.format_for(4, value))


class _Probe:
    """Records the format `write_value` passes to the worksheet instead of writing anything."""

    fmt: Any = None

    def _keep(self, row: int, col: int, value: Any, fmt: Any) -> None:
        self.fmt = fmt

    write_blank = write_string = write_datetime = write_number = _keep

    def write_rich_string(self, row: int, col: int, *runs: Any) -> None:
        self.fmt = runs[-1]  # the cell's format comes last


def _probe_format(styles: Styles, value: Value, column: Column) -> Any:
    probe = _Probe()
    write_value(probe, styles, 0, 0, value, column)
    return probe.fmt
