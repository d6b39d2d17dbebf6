"""The thin xlsxwriter shell of the report: lays out `report.WorkbookContent` on sheets, nothing more.

No decision about *what* is shown is taken here (that is `report.py`); only *how*: fonts, borders, number formats,
print setup, the chart. Text goes through `write_text` only (`write_string`, with every string-guessing option of
xlsxwriter off), so that an agency's `=HYPERLINK(…)` or `<r>…</r>` stays the text it was typed as.
"""

from __future__ import annotations

import contextlib
import gc
import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.report.content import Column, SummaryContent, Table, Value, WorkbookContent, text_width, wrapped_lines

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

PX_PER_WIDTH = 7  # pixels per unit of column width (xlsxwriter's default font metrics)
PX_PER_POINT = 4 / 3


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


def write_text(ws: Any, row: int, col: int, text: str, fmt: Any) -> None:
    """`write_string`, except for a text xlsxwriter would take for ready-made rich-text XML (`<r>…</r>`), which
    it writes unescaped: an agency could name a goal `<r>&</r>` and make the night's workbook unreadable. Such a
    text is written as a rich string of three runs in the cell's format, which shows the same characters."""
    if _RICH_LOOKING(text):
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


# --- the big tables' cells -------------------------------------------------------------------------------------
FAST_ROWS_VERIFIED = frozenset({"3.3.1"})
"""xlsxwriter versions whose row XML `_FastRows` was checked against, byte for byte, by
tests/test_report_fastrows.py. With any other version the table sheets go through the public API (≈ 3× slower,
same workbook): `_FastRows` relies on private code that changes between releases (3.2.0 has no `row_info`). After
an upgrade, add the version here once those tests pass with it (until then they skip and say why)."""

_SPECIAL = r"&<>\x00-\x08\x0b-\x1f\ufffe\uffff"
_AS_IS = re.compile(rf"[^\s{_SPECIAL}](?:[^{_SPECIAL}]*[^\s{_SPECIAL}])?")
"""A text that xlsxwriter writes as it is, if it also holds no "_x": no character it escapes (XML specials,
control characters as `_xHHHH_`, and "_xHHHH_" itself), no `<r>…</r>` taken as rich text, and no leading or
trailing white space (xml:space="preserve"). `_ColumnCells.xml` leaves any other text to xlsxwriter's own code."""

_RICH_LOOKING = re.compile(r"<r>.*</r>\Z", re.DOTALL).match
_MAX_UNCUT = 32767 // 2
"""`write_string` cuts a text above 32,767 UTF-16 units, which only a text longer than this can be."""


def _captured(ws: Any, write: Any, *args: Any) -> str:
    """What an xlsxwriter method writes to the sheet's file, as a string instead."""
    buffer, kept = io.StringIO(), ws.fh
    ws.fh = buffer
    try:
        write(*args)
    finally:
        ws.fh = kept
    return buffer.getvalue()


class _ColumnCells:
    """`write_value` for one column of a big table, each format looked up once instead of once per cell (the
    Goals sheet has 20 cells a goal, ~194,000 goals at 10,000 agencies). Writes exactly what `write_value` writes,
    and makes a format only when a cell first needs it (no unused formats in the file): `write` through
    xlsxwriter's API, `xml` as the XML xlsxwriter would write for it (for `_FastRows`)."""

    def __init__(self, ws: Any, styles: Styles, column: Column, col: int) -> None:
        self.ws, self.styles, self.column, self.col = ws, styles, column, col
        self.formats: dict[Any, Any] = {}
        self.is_qty = column.kind == "qty"
        # for `xml` (see _FastRows); names, codes and labels repeat row after row, long texts seldom do
        self.head = f'<c r="{xl_col_to_name(col)}'
        self.styled: dict[Any, str] = {}
        self.tails: dict[str | Decimal | int, str] = {}
        self.remember = column.kind != "longtext"

    def _format(self, key: Any, value: Value) -> Any:
        """The format `write_value` would use for `value` (computed once per key by calling it on a probe)."""
        fmt = self.formats.get(key)
        if fmt is None:
            fmt = self.formats[key] = _probe_format(self.styles, value, self.column)
        return fmt

    def write(self, row: int, col: int, value: Value) -> None:
        ws = self.ws
        if value is None or value == "":
            ws.write_blank(row, col, None, self._format(0, value))
        elif isinstance(value, str):
            write_text(ws, row, col, value, self._format(1, value))
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self._format(2, value))
        elif isinstance(value, bool):
            write_text(ws, row, col, str(value), self._format(3, value))
        elif self.is_qty:
            ws.write_number(row, col, float(value), self._format(qty_format(Decimal(value)), value))
        else:
            ws.write_number(row, col, float(value), self._format(4, value))

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
                    if cls is not str or len(value) > _MAX_UNCUT or _RICH_LOOKING(value):
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

        return _captured(self.ws, self.ws._write_cell, row, self.col, CellStringTuple(value, self._format(1, value)))

    def _style(self, key: Any, value: Value) -> str:
        """The `s` attribute of a key's format (`styled` caches it). xlsxwriter numbers formats in the order
        `_get_xf_index` first sees them, and its flush asks cell by cell, row by row: the order cells come here."""
        styled = self.styled[key] = f'" s="{self._format(key, value)._get_xf_index()}"'
        return styled


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


class _FastRows:
    """The data rows of a table sheet, written as XML straight into xlsxwriter's constant_memory row file.

    Why: xlsxwriter's public API costs ≈ 6 µs a cell (argument checks, a tuple stored per cell, then
    `_write_single_row`/`_write_cell` building attribute lists at the flush), ≈ 24 s for the ≈ 4 million cells of
    a 10,000-agency workbook. Here a row is one string from per-column templates (`_ColumnCells.xml`), in exactly
    the bytes xlsxwriter would write for it: checked against FAST_ROWS_VERIFIED only, else the public API is used.

    xlsxwriter keeps its bookkeeping: whatever row it holds is flushed by itself first, `set_row` is called as
    before and each distinct <row> tag is xlsxwriter's own (`_write_row`, captured once), the dimensions go
    through `_check_dimensions`, and `previous_row` is left as after its own flush. A row that `xml` declines
    goes through the public API, and xlsxwriter flushes it before the next row. The last row always does: with
    the public API it is flushed at close, after the summary sheet's formats are numbered, so a format first
    used there gets the same xf index as before.
    """

    def __init__(self, ws: Any, cells: list[_ColumnCells]) -> None:
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
            start = _captured(self.ws, self.ws._write_row, 0, None, info)
            assert start.startswith('<row r="1"'), start
            tag = self.tags[key] = start[len('<row r="1"') :]
        return tag


def grade_rules(ws: Any, styles: Styles, first_row: int, last_row: int, col: int) -> None:
    """S/A green, C amber, D red: the eye finds the good and the worrying at once."""
    for grades, fill, font in (
        (("S", "A"), GOOD_FILL, GOOD_FONT),
        (("C",), WARN_FILL, WARN_FONT),
        (("D",), BAD_FILL, BAD_FONT),
    ):
        for grade in grades:
            ws.conditional_format(
                first_row,
                col,
                last_row,
                col,
                {
                    "type": "cell",
                    "criteria": "equal to",
                    "value": f'"{grade}"',
                    "format": styles.workbook.add_format({"bg_color": fill, "font_color": font, "bold": True}),
                },
            )


def column_rules(ws: Any, styles: Styles, table: Table, first_row: int, last_row: int) -> None:
    if last_row < first_row:
        return
    from xlsxwriter.utility import xl_rowcol_to_cell

    bad = styles.workbook.add_format({"bg_color": BAD_FILL, "font_color": BAD_FONT})
    for col, column in enumerate(table.columns):
        if column.kind == "grade":
            grade_rules(ws, styles, first_row, last_row, col)
        if column.warn_below is not None:
            ref = xl_rowcol_to_cell(first_row, col, row_abs=False, col_abs=True)
            ws.conditional_format(
                first_row,
                col,
                last_row,
                col,
                {"type": "formula", "criteria": f"=AND(ISNUMBER({ref}),{ref}<{column.warn_below})", "format": bad},
            )
        for text in column.warn_text:
            ws.conditional_format(
                first_row,
                col,
                last_row,
                col,
                {"type": "cell", "criteria": "equal to", "value": '"' + text.replace('"', '""') + '"', "format": bad},
            )


def print_setup(ws: Any, title: str, footer: str, repeat_row: int) -> None:
    """A4 landscape, one page wide, header row on every page, page numbers: what the office prints."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(repeat_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    header = title.replace("&", "&&")[:200]
    ws.set_header(f"&L{header}&R&A")  # no font-size code: "&8" before "2026" would read as size 82026
    ws.set_footer(footer)


def write_table(workbook: Any, styles: Styles, table: Table, title: str, footer: str, fast_rows: bool = True) -> None:
    ws = workbook.add_worksheet(table.sheet)
    widths = table.widths()
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_row(0, 30)
    for col, column in enumerate(table.columns):
        write_text(ws, 0, col, column.label, styles.header())
    wrapped = [(i, widths[i]) for i, c in enumerate(table.columns) if c.kind == "longtext"]
    cells = [_ColumnCells(ws, styles, column, col) for col, column in enumerate(table.columns)]
    fast = _FastRows(ws, cells) if fast_rows and _FastRows.usable(ws) else None
    last = len(table.rows)
    for r, row in enumerate(table.rows, start=1):
        if wrapped:
            lines = max([wrapped_lines(row[i], width) for i, width in wrapped])
            if lines > 1:  # LibreOffice does not grow rows for wrapped text on load; Excel not always either
                ws.set_row(r, lines * 13.5 + 3)
        if fast is None or r == last or not fast.write(r, row):  # the last row: see _FastRows
            for col, value in enumerate(row):
                cells[col].write(r, col, value)
    ws.autofilter(0, 0, last, len(table.columns) - 1)
    ws.freeze_panes(1, table.freeze_cols)
    column_rules(ws, styles, table, 1, last)
    print_setup(ws, title, footer, 0)


def merged_height(text: str, width_units: float, rows: int) -> float:
    """Row height (points) for wrapped text in a merged block: merged cells never grow by themselves."""
    lines = max(1, math.ceil(text_width(text) * 1.1 / max(width_units, 1)))
    return max(16.0, lines * 15.0 / rows + 2)


def write_summary(workbook: Any, styles: Styles, s: SummaryContent) -> None:
    ws = workbook.add_worksheet(s.sheet)
    ranking = s.ranking
    left = len(ranking.columns)  # columns A.. of the ranking table
    gap = left
    panel = max(6, len(s.grades), len(s.headline))
    first_panel, last_col = gap + 1, gap + panel
    left_widths = [c.width or 10 for c in ranking.columns]
    panel_width = 12.0
    for col, width in enumerate(left_widths):
        ws.set_column(col, col, width)
    ws.set_column(gap, gap, 2)
    ws.set_column(first_panel, last_col, panel_width)
    left_units = sum(left_widths)

    title = styles.get(bold=True, font_size=18, font_color=SECTION_COLOR, valign="vcenter")
    ws.set_row(0, 34)
    ws.merge_range(0, 0, 0, last_col, "", title)
    write_text(ws, 0, 0, s.title, title)
    sub = styles.get(font_color="#595959", valign="vcenter")
    ws.merge_range(1, 0, 1, last_col, "", sub)
    write_text(ws, 1, 0, s.as_of, sub)
    ws.set_row(2, 8)

    section = styles.get(bold=True, font_size=11, font_color=SECTION_COLOR, bottom=2, bottom_color=SECTION_COLOR)
    block = styles.cell(text_wrap=True, valign="top")

    def heading(row: int, first: int, last: int, text: str) -> None:
        ws.merge_range(row, first, row, last, "", section)
        write_text(ws, row, first, text, section)

    def text_block(row: int, text: str) -> None:
        ws.merge_range(row, 0, row + 1, left - 1, "", block)
        write_text(ws, row, 0, text, block)
        height = merged_height(text, left_units, 2)
        ws.set_row(row, height)
        ws.set_row(row + 1, height)

    def strip(row: int, items: tuple[tuple[str, int], ...], big: bool) -> None:
        label = styles.cell(bold=True, bg_color=HEADER_FILL, align="center")
        value = styles.cell(align="center", num_format="#,##0", bold=big, font_size=14 if big else 11)
        for i, (name, count) in enumerate(items):
            write_text(ws, row, first_panel + i, name, label)
            ws.write_number(row + 1, first_panel + i, count, value)

    heading(3, 0, left - 1, s.excellent_heading)
    heading(3, first_panel, last_col, s.headline_heading)
    text_block(4, s.excellent)
    strip(4, s.headline, big=True)
    ws.set_row(6, 8)
    heading(7, 0, left - 1, s.missing_heading)
    heading(7, first_panel, last_col, s.grades_heading)
    text_block(8, s.missing)
    strip(8, s.grades, big=False)
    ws.set_row(10, 8)
    heading(11, 0, left - 1, s.ranking_heading)
    heading(11, first_panel, last_col, s.chart_title)

    header_row = 12
    ws.set_row(header_row, 22)
    for col, column in enumerate(ranking.columns):
        write_text(ws, header_row, col, column.label, styles.header())
    shade = {"bg_color": EXCELLENT_FILL}
    for i, row in enumerate(ranking.rows):
        r = header_row + 1 + i
        extra = shade if i < len(ranking.highlight) and ranking.highlight[i] else {}
        for col, value in enumerate(row):
            write_value(ws, styles, r, col, value, ranking.columns[col], **extra)
    last_row = header_row + len(ranking.rows)
    column_rules(ws, styles, ranking, header_row + 1, last_row)

    if ranking.rows:
        chart = bar_chart(workbook, s, header_row, last_row)
        width_px = int(panel * panel_width * PX_PER_WIDTH + 5 * panel)
        height_px = int((len(ranking.rows) + 1) * 15 * PX_PER_POINT) + 4
        chart.set_size({"width": width_px, "height": max(height_px, 220)})
        ws.insert_chart(header_row, first_panel, chart, {"object_position": 1})

    note = styles.get(font_color="#595959", font_size=9)
    chart_rows = max(len(ranking.rows) + 1, 12)  # the chart's minimum height, in rows
    row = max(last_row, header_row + chart_rows) + 2
    for text in s.notes:
        write_text(ws, row, 0, "※ " + text, note)
        row += 1

    ws.print_area(0, 0, row - 1, last_col)
    print_setup(ws, s.title, s.footer, header_row)
    ws.set_header("")
    ws.hide_gridlines(2)
    ws.activate()


def bar_chart(workbook: Any, s: SummaryContent, header_row: int, last_row: int) -> Any:
    """Totals by agency, best at the top, excellent agencies in a darker blue, each bar labelled with its total."""
    chart = workbook.add_chart({"type": "bar"})
    highlight = s.ranking.highlight
    totals = [row[s.chart_value_col] for row in s.ranking.rows]
    font = {"name": FONT, "size": 8}
    chart.add_series(
        {
            "name": s.chart_title,
            "categories": [s.sheet, header_row + 1, s.chart_name_col, last_row, s.chart_name_col],
            "values": [s.sheet, header_row + 1, s.chart_value_col, last_row, s.chart_value_col],
            "fill": {"color": BAR_COLOR},
            "border": {"none": True},
            "gap": 40,
            "points": [{"fill": {"color": BAR_EXCELLENT if h else BAR_COLOR}} for h in highlight],
            "data_labels": {"value": True, "num_format": "0.00", "font": font, "position": "outside_end"},
        }
    )
    top = max((float(t) for t in totals if isinstance(t, Decimal)), default=100.0)
    chart.set_x_axis(
        {
            "min": 0,
            "max": 100 if top <= 100 else math.ceil(top),
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
            "num_font": font,
            "num_format": "0",
        }
    )
    chart.set_y_axis({"reverse": True, "num_font": {"name": FONT, "size": 8}, "major_tick_mark": "none"})
    chart.set_legend({"none": True})
    chart.set_title({"none": True})  # the section heading above names it; a title would cover the top bars
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    chart.set_plotarea({"layout": {"x": 0.30, "y": 0.02, "width": 0.66, "height": 0.95}})
    return chart


@contextmanager
def _no_automatic_gc() -> Iterator[None]:
    """Writing a 10,000-agency workbook allocates some 300,000 short-lived containers (cache keys, lists), none
    in a cycle, and each 700 of them set off a collection, some of them over all the report's live objects
    (0.3–0.7 s at 10,000 agencies, measured). The few cycles xlsxwriter makes are collected after, as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_no_automatic_gc()
def render_workbook(content: WorkbookContent, path: Path, fast_rows: bool = True) -> None:
    """Write the whole workbook to `path` (the caller renames it into place). `fast_rows=False` writes the table
    sheets through xlsxwriter's public API only (the reference `_FastRows` is tested against)."""
    workbook = xlsxwriter.Workbook(str(path), fresh_options())
    try:
        workbook.set_properties(
            {
                "title": content.title,
                "subject": content.summary.as_of,
                "created": content.generated_at.replace(tzinfo=None),
                "comments": "agency-eval-pipeline",
            }
        )
        styles = Styles(workbook)
        write_summary(workbook, styles, content.summary)
        # The table sheets are written strictly row by row, so each goes out row by row as it is written
        # (xlsxwriter's constant_memory, text as inline strings) instead of keeping every cell until close: the
        # Goals sheet alone is 20 cells a goal. The summary sheet is not written in row order (its panels are
        # filled side by side), so it stays in normal mode: xlsxwriter takes the mode per sheet when adding it.
        # (xlsxwriter 3.x internals: `Workbook.constant_memory` is read by `add_worksheet`; at close the workbook
        # closes every sheet's row file when it is set, so the summary, which has none, is marked closed.)
        for ws in workbook.worksheets():
            ws.row_data_fh_closed = True
        workbook.constant_memory = True
        for table in content.tables:
            write_table(workbook, styles, table, content.title, content.summary.footer, fast_rows)
    finally:
        with _zipping(fast_rows):
            workbook.close()


def _zipping(fast_rows: bool) -> Any:
    """Large parts deflated on every core (`parallel_zip`), for the xlsxwriter versions verified for `_FastRows`
    (it swaps a name in xlsxwriter's workbook module); else xlsxwriter's own zipping."""
    if fast_rows and xlsxwriter.__version__ in FAST_ROWS_VERIFIED:
        from pipeline.report.parallel_zip import xlsxwriter_zips_in_parallel

        return xlsxwriter_zips_in_parallel()
    return contextlib.nullcontext()
