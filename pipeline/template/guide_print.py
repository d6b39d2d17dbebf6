"""How the template's 안내 sheet prints: its numbered lines (rows `GUIDE_FIRST_ROW`…`end`, written in column A)
wrapped across the first columns, as wide as a landscape A4 page, on one page at 100 %."""

from __future__ import annotations

import math
from typing import Any

from pipeline.core.paper import printable_points, rendered_width
from pipeline.core.refs import column_letter

__all__ = ["GUIDE_FIRST_ROW", "print_guide"]

GUIDE_FIRST_ROW = 4
"""The guide's first numbered line (title and version above it)."""
LINE_POINTS = 15
"""A wrapped line of 10 pt text in a row's height."""
TEMPLATE_POINTS_PER_WIDTH = 7.7
"""Points on paper per unit of the template's column width at 100 % (its default font is openpyxl's, Calibri 11,
wider than the report's: measured 7.7 from the scale LibreOffice chose to fit 118 units on a landscape page)."""


def print_guide(ws: Any, n_columns: int, end: int) -> None:
    """The guide prints on one landscape page at 100 %: its numbered lines wrap across the first columns (as wide
    as the page), rows as high as their lines. The examples table under them (twenty columns, the goal sheet's)
    is for the screen: fitted on the page with the guide it would print at about 3 pt, so it is left out of the
    print area."""
    from openpyxl.styles import Alignment

    room = printable_points(True) / TEMPLATE_POINTS_PER_WIDTH
    widths = [ws.column_dimensions[column_letter(i)].width for i in range(1, n_columns + 1)]
    last = max(k for k in range(1, len(widths) + 1) if sum(widths[:k]) <= room)
    across = sum(widths[:last]) - 2  # the cell's own padding
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in range(GUIDE_FIRST_ROW, end + 1):
        text = ws.cell(row=row, column=1).value
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        ws.cell(row=row, column=1).alignment = wrap
        ws.row_dimensions[row].height = LINE_POINTS * max(1, math.ceil(rendered_width(text) / across))
    ws.print_area = f"A1:{column_letter(last)}{end}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"
