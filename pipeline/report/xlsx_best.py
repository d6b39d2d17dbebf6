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
HEADING_HEIGHT = 22.0
BLANK_HEIGHT = 15.0
PAGE_POINTS = 680.0
"""Room for rows on an A4 portrait page within the margins, header and footer (842 pt tall), a little spared:
an agency that would not fit in what is left of a page starts the next one, so none is split across pages
(each fits half a page: `best_practices_sheet.LINES_PER_AGENCY`)."""
TITLE_POINTS = 30.0 + 2 * 15.0


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
    used = TITLE_POINTS
    if not best.entries:
        write_text(ws, row, 1, best.empty, text)
    for entry in best.entries:
        height = HEADING_HEIGHT + sum(printed_lines(line) * LINE_HEIGHT + 2 for line in entry.lines) + BLANK_HEIGHT
        if used + height > PAGE_POINTS:
            breaks.append(row)
            used = 0.0
        used += height
        ws.set_row(row, HEADING_HEIGHT)
        ws.merge_range(row, 0, row, 1, "", heading)
        write_text(ws, row, 0, entry.heading, heading)
        row += 1
        for line in entry.lines:
            write_text(ws, row, 0, "•", bullet)
            write_text(ws, row, 1, line, text)
            ws.set_row(row, printed_lines(line) * LINE_HEIGHT + 2)
            row += 1
        ws.set_row(row, BLANK_HEIGHT)
        row += 1  # a blank line between agencies
    if breaks:
        ws.set_h_pagebreaks(breaks)
    ws.hide_gridlines(2)
    print_setup(ws, title=best.title, landscape=False, repeat_rows=None, last_row=max(row - 1, 3), last_col=1)
