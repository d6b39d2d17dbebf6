"""The 우수사례 sheet with xlsxwriter: the meeting's hand-out, A4 portrait, two excellent agencies to a page,
each a heading band and its achievements as bullet lines."""

from __future__ import annotations

from typing import Any

from pipeline.report.best_practices_sheet import LINE_UNITS, printed_lines
from pipeline.report.meeting_shapes import BestPractices
from pipeline.report.print_setup import print_setup
from pipeline.report.xlsx_cells import EXCELLENT_FILL, SECTION_COLOR, Styles, write_text

__all__ = ["write_best"]

LINE_HEIGHT = 15.0
PER_PAGE = 2
"""Agencies per printed page: each gets half a page (`best_practices_sheet.LINES_PER_AGENCY`)."""


def write_best(workbook: Any, styles: Styles, best: BestPractices) -> None:
    ws = workbook.add_worksheet(best.sheet)
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, LINE_UNITS + 2)
    title = styles.get(bold=True, font_size=16, font_color=SECTION_COLOR, valign="vcenter")
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, 1, "", title)
    write_text(ws, 0, 0, best.title, title)
    sub = styles.get(font_color="#595959")
    write_text(ws, 1, 0, best.as_of, sub)
    heading = styles.get(bold=True, font_size=12, bg_color=EXCELLENT_FILL, bottom=2, bottom_color=SECTION_COLOR)
    bullet = styles.get(align="right", valign="top")
    text = styles.get(text_wrap=True, valign="top")
    row = 3
    breaks = []
    if not best.entries:
        write_text(ws, row, 1, best.empty, text)
    for i, entry in enumerate(best.entries):
        if i and i % PER_PAGE == 0:
            breaks.append(row)
        ws.set_row(row, 22)
        ws.merge_range(row, 0, row, 1, "", heading)
        write_text(ws, row, 0, entry.heading, heading)
        row += 1
        for line in entry.lines:
            write_text(ws, row, 0, "•", bullet)
            write_text(ws, row, 1, line, text)
            ws.set_row(row, printed_lines(line) * LINE_HEIGHT + 2)
            row += 1
        row += 1  # a blank line between agencies
    if breaks:
        ws.set_h_pagebreaks(breaks)
    ws.hide_gridlines(2)
    print_setup(ws, title=best.title, landscape=False, repeat_rows=None, last_row=max(row - 1, 3), last_col=1)
