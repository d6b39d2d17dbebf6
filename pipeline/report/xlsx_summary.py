"""The Summary sheet, the meeting page, with xlsxwriter: title, the excellent agencies beside the headline
counts, who is missing beside the grade distribution, then the ranking beside its bar chart, notes, print setup."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.report.print_setup import MIN_SCALE, POINTS_PER_WIDTH, STORED_EXTRA, print_setup, printable_points
from pipeline.report.shapes import SummaryContent, Table
from pipeline.report.widths import text_width
from pipeline.report.xlsx_cells import (
    BAR_COLOR,
    BAR_EXCELLENT,
    BORDER_COLOR,
    EXCELLENT_FILL,
    FONT,
    HEADER_FILL,
    SECTION_COLOR,
    Styles,
    write_text,
    write_value,
)
from pipeline.report.xlsx_table import column_rules

__all__ = ["write_summary"]

PX_PER_WIDTH = 7  # pixels per unit of column width (xlsxwriter's default font metrics)
PX_PER_POINT = 4 / 3
PANEL_WIDTH = 10.0  # six panels and the ranking fit an A4 page at 8 pt or more
GAP_WIDTH = 2.0  # between the ranking and the panels


def panel_width(left_units: float, left_columns: int, panels: int) -> float:
    """PANEL_WIDTH, or less when a wider ranking (last year beside this year) leaves less of a landscape A4 page
    at MIN_SCALE: the page stays one page wide at 8 pt or more."""
    budget = printable_points(landscape=True) / MIN_SCALE / POINTS_PER_WIDTH
    budget -= STORED_EXTRA * (left_columns + 1 + panels) + left_units + GAP_WIDTH
    return min(PANEL_WIDTH, math.floor(budget / panels * 10) / 10)


HEADER_ROW = 12
"""The ranking's header row; the panels above it take rows 0–11."""


@dataclass(frozen=True)
class _Grid:
    """Where the parts go: the ranking table in columns A.., a narrow gap, then the panel columns."""

    left: int  # the ranking table's columns (the text blocks span them too)
    first_panel: int
    last_col: int
    panel: int  # how many panel columns
    left_units: float  # the ranking table's width, in column-width units
    width: float = PANEL_WIDTH  # each panel column's width


def merged_height(text: str, width_units: float, rows: int) -> float:
    """Row height (points) for wrapped text in a merged block: merged cells never grow by themselves."""
    lines = max(1, math.ceil(text_width(text) * 1.1 / max(width_units, 1)))
    return max(16.0, lines * 15.0 / rows + 2)


def _grid(ws: Any, s: SummaryContent) -> _Grid:
    """The columns' widths, and where each part goes."""
    ranking = s.ranking
    left = len(ranking.columns)  # columns A.. of the ranking table
    gap = left
    panel = max(6, len(s.grades), len(s.headline))
    first_panel, last_col = gap + 1, gap + panel
    left_widths = [c.width or 10 for c in ranking.columns]
    for col, width in enumerate(left_widths):
        ws.set_column(col, col, width)
    ws.set_column(gap, gap, GAP_WIDTH)
    width = panel_width(sum(left_widths), left, panel)
    ws.set_column(first_panel, last_col, width)
    return _Grid(
        left=left, first_panel=first_panel, last_col=last_col, panel=panel, left_units=sum(left_widths), width=width
    )


def write_title(ws: Any, styles: Styles, title_text: str, as_of: str, last_col: int) -> None:
    """A front sheet's two top rows across `last_col + 1` columns: the title, and the date line under it (요약
    and the books' front sheets)."""
    title = styles.get(bold=True, font_size=18, font_color=SECTION_COLOR, valign="vcenter")
    ws.set_row(0, 34)
    ws.merge_range(0, 0, 0, last_col, "", title)
    write_text(ws, 0, 0, title_text, title)
    sub = styles.get(font_color="#595959", valign="vcenter")
    ws.merge_range(1, 0, 1, last_col, "", sub)
    write_text(ws, 1, 0, as_of, sub)


def _panels(ws: Any, styles: Styles, s: SummaryContent, grid: _Grid) -> None:
    """Rows 3–11: excellent agencies | headline counts, missing agencies | grades, the two headings below."""
    left, first_panel, last_col = grid.left, grid.first_panel, grid.last_col
    section = styles.get(bold=True, font_size=11, font_color=SECTION_COLOR, bottom=2, bottom_color=SECTION_COLOR)
    block = styles.cell(text_wrap=True, valign="top")

    def heading(row: int, first: int, last: int, text: str) -> None:
        ws.merge_range(row, first, row, last, "", section)
        write_text(ws, row, first, text, section)

    def text_block(row: int, text: str) -> None:
        ws.merge_range(row, 0, row + 1, left - 1, "", block)
        write_text(ws, row, 0, text, block)
        height = merged_height(text, grid.left_units, 2)
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


def _ranking(ws: Any, styles: Styles, ranking: Table) -> int:
    """The ranking table under HEADER_ROW, excellent agencies shaded; returns its last row."""
    ws.set_row(HEADER_ROW, 22)
    for col, column in enumerate(ranking.columns):
        write_text(ws, HEADER_ROW, col, column.label, styles.header())
    shade = {"bg_color": EXCELLENT_FILL}
    for i, row in enumerate(ranking.rows):
        r = HEADER_ROW + 1 + i
        extra = shade if i < len(ranking.highlight) and ranking.highlight[i] else {}
        for col, value in enumerate(row):
            write_value(ws, styles, r, col, value, ranking.columns[col], **extra)
    last_row = HEADER_ROW + len(ranking.rows)
    column_rules(ws, styles, ranking, HEADER_ROW + 1, last_row)
    return last_row


def write_summary(workbook: Any, styles: Styles, s: SummaryContent) -> None:
    ws = workbook.add_worksheet(s.sheet)
    ranking = s.ranking
    grid = _grid(ws, s)
    write_title(ws, styles, s.title, s.as_of, grid.last_col)
    ws.set_row(2, 8)
    _panels(ws, styles, s, grid)
    last_row = _ranking(ws, styles, ranking)

    if ranking.rows:
        chart = bar_chart(workbook, s, HEADER_ROW, last_row)
        width_px = int(grid.panel * grid.width * PX_PER_WIDTH + 5 * grid.panel)
        height_px = int((len(ranking.rows) + 1) * 15 * PX_PER_POINT) + 4
        chart.set_size({"width": width_px, "height": max(height_px, 220)})
        ws.insert_chart(HEADER_ROW, grid.first_panel, chart, {"object_position": 1})

    note = styles.get(font_color="#595959", font_size=10)  # printed at MIN_SCALE still 8 pt
    chart_rows = max(len(ranking.rows) + 1, 12)  # the chart's minimum height, in rows
    row = max(last_row, HEADER_ROW + chart_rows) + 2
    for text in s.notes:
        write_text(ws, row, 0, "※ " + text, note)
        row += 1

    # the title is on the page itself: no header line
    print_setup(
        ws,
        title="",
        landscape=True,
        repeat_rows=(HEADER_ROW, HEADER_ROW),
        last_row=row - 1,
        last_col=grid.last_col,
        footer=s.footer,
        sheet_name=False,
    )
    ws.hide_gridlines(2)
    ws.activate()


def bar_chart(workbook: Any, s: SummaryContent, header_row: int, last_row: int) -> Any:
    """Totals by agency, best at the top, excellent agencies in a darker blue, each bar labelled with its total."""
    chart = workbook.add_chart({"type": "bar"})
    highlight = s.ranking.highlight
    totals = [row[s.chart_value_col] for row in s.ranking.rows]
    font = {"name": FONT, "size": 10}  # printed at MIN_SCALE still 8 pt
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
    chart.set_y_axis({"reverse": True, "num_font": font, "major_tick_mark": "none"})
    chart.set_legend({"none": True})
    chart.set_title({"none": True})  # the section heading above names it; a title would cover the top bars
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    chart.set_plotarea({"layout": {"x": 0.30, "y": 0.02, "width": 0.66, "height": 0.95}})
    return chart
