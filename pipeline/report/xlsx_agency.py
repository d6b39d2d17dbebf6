"""The 기관별 결과표 with xlsxwriter: one agency's result as a workbook of one sheet that prints on one A4
portrait page: title, the facts in two label/value columns, the goals with their explanation lines, the
adjustments."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from pipeline.report.agency_result_sheet import AgencySheet
from pipeline.report.print_setup import fit_widths, print_setup
from pipeline.report.widths import wrapped_lines
from pipeline.report.xlsx_cells import HEADER_FILL, SECTION_COLOR, ColumnCells, Styles, fresh_options, write_text
from pipeline.report.xlsx_table import column_rules

__all__ = ["agency_workbook_bytes"]


def _facts(ws: Any, styles: Styles, page: AgencySheet, row: int, last_col: int) -> int:
    """The facts two by two: label | value | label | value, spread over the page's width."""
    label = styles.cell(bold=True, bg_color=HEADER_FILL)
    text = styles.cell(align="left")
    number = styles.cell(align="left", num_format="#,##0.00")
    half = (last_col + 1) // 2
    for i, (name, value) in enumerate(page.facts):
        r, c = row + i // 2, (i % 2) * half
        ws.merge_range(r, c, r, c + 1, "", label)  # the first column alone (goal numbers) is too narrow
        write_text(ws, r, c, name, label)
        if half > 3:
            ws.merge_range(r, c + 2, r, c + half - 1, "", text)
        if isinstance(value, Decimal):
            ws.write_number(r, c + 2, float(value), number)
        else:
            write_text(ws, r, c + 2, "" if value is None else str(value), text)
        ws.set_row(r, max(18, wrapped_lines(value, 12 * (half - 1)) * 13.5 + 3))
    return row + (len(page.facts) + 1) // 2


def _section(ws: Any, styles: Styles, row: int, text: str, last_col: int) -> None:
    section = styles.get(bold=True, font_size=11, font_color=SECTION_COLOR, bottom=2, bottom_color=SECTION_COLOR)
    ws.merge_range(row, 0, row, last_col, "", section)
    write_text(ws, row, 0, text, section)


def _goals(ws: Any, styles: Styles, page: AgencySheet, row: int, widths: tuple[float, ...]) -> int:
    table = page.goals
    for col, column in enumerate(table.columns):
        write_text(ws, row, col, column.label, styles.header())
    cells = [ColumnCells(ws, styles, column, col) for col, column in enumerate(table.columns)]
    for i, values in enumerate(table.rows, start=1):
        lines = max(wrapped_lines(v, w) for v, w in zip(values, widths, strict=True))
        ws.set_row(row + i, lines * 13.5 + 3)
        for col, value in enumerate(values):
            cells[col].write(row + i, col, value)
    column_rules(ws, styles, table, row + 1, row + len(table.rows))
    return row + len(table.rows)


def agency_workbook_bytes(page: AgencySheet) -> bytes:
    """The workbook's bytes (small: written in memory, so the mail can attach them and the night write them)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, fresh_options(in_memory=True))
    try:
        styles = Styles(workbook)
        ws = workbook.add_worksheet(page.sheet)
        columns = page.goals.columns
        last_col = len(columns) - 1
        # the wrapped columns (indicator, explanation) narrowed so that the page is printed at 8 pt or more
        widths = fit_widths([c.width or 10 for c in columns], [c.kind == "longtext" for c in columns], False)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        title = styles.get(bold=True, font_size=15, font_color=SECTION_COLOR, valign="vcenter", text_wrap=True)
        ws.set_row(0, 40)
        ws.merge_range(0, 0, 0, last_col, "", title)
        write_text(ws, 0, 0, page.title, title)
        write_text(ws, 1, 0, page.as_of, styles.get(font_color="#595959"))
        row = _facts(ws, styles, page, 3, last_col) + 1
        _section(ws, styles, row, page.goals_heading, last_col)
        row = _goals(ws, styles, page, row + 1, widths) + 2
        if page.adjustments:
            _section(ws, styles, row, page.adjustments_heading, last_col)
            for line in page.adjustments:
                row += 1
                ws.merge_range(row, 0, row, last_col, "", styles.get(text_wrap=True))
                write_text(ws, row, 0, line, styles.get(text_wrap=True))
        ws.hide_gridlines(2)
        print_setup(ws, title=page.title, landscape=False, repeat_rows=None, last_row=row, last_col=last_col)
        ws.fit_to_pages(1, 1)  # one page per agency, whatever its number of goals
        ws.activate()
    finally:
        workbook.close()
    return buffer.getvalue()
