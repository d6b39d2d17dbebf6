"""Print settings of an xlsxwriter worksheet, the one place every sheet of the city's workbooks gets them from: A4,
the orientation the sheet asks for, its heading rows on every page, one page wide, page numbers in the footer,
the title and the sheet's name in the header, the print area on the used range.

One page wide is what a reader wants, but a printer reaches it by shrinking: a sheet 2,000 px wide printed on
a landscape A4 page comes out at half size, 10 pt text at 5 pt. So the widths are fitted first
(`fit_widths`): wrapped columns are made narrower until the sheet fits at `MIN_SCALE`, which keeps the
workbook's 10 pt text at 8 pt or more on paper. A table that cannot fit even so prints only its first columns
(`Table.print_cols`): the rest (hashes, machine columns) stay on screen.
"""

from __future__ import annotations

from typing import Any

from pipeline.core.paper import (
    BASE_POINTS,
    BOTTOM,
    MARGIN,
    MIN_POINTS,
    MIN_SCALE,
    PAGE_NUMBERS,
    POINTS_PER_WIDTH,
    STORED_EXTRA,
    TOP,
    fit_scale,
    fit_widths,
    printable_points,
)

__all__ = [
    "BASE_POINTS",
    "MIN_POINTS",
    "MIN_SCALE",
    "PAGE_NUMBERS",
    "POINTS_PER_WIDTH",
    "STORED_EXTRA",
    "fit_scale",
    "fit_widths",
    "print_setup",
    "printable_points",
]

A4 = 9  # xlsxwriter's paper code


def _header_text(text: str) -> str:
    """A header or footer holds text literally only with `&` doubled; its size code would swallow digits after
    it ("&8" before "2026" reads as size 82026), so none is used."""
    return text.replace("&", "&&")[:120]


def print_setup(
    ws: Any,
    *,
    title: str,
    landscape: bool,
    repeat_rows: tuple[int, int] | None,
    last_row: int,
    last_col: int,
    first_row: int = 0,
    first_col: int = 0,
    footer: str = PAGE_NUMBERS,
    sheet_name: bool = True,
) -> None:
    """A4 in the given orientation, rows `repeat_rows` (first, last; 0-based) on every page, one page wide, the
    print area rows first_row..last_row × columns first_col..last_col (0-based, inclusive), `title` at the top
    left (and the sheet's name at the top right), page numbers at the bottom.

    Fit the columns first (`fit_widths`): this asks for one page wide, and a printer shrinks a wider sheet."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=MARGIN, right=MARGIN, top=TOP, bottom=BOTTOM)
    header = (f"&L{_header_text(title)}" if title else "") + ("&R&A" if sheet_name else "")
    ws.set_header(header, {"margin": 0.3})
    ws.set_footer(footer, {"margin": 0.3})
    ws.print_area(first_row, first_col, max(last_row, first_row), max(last_col, first_col))
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
