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

from collections.abc import Sequence
from typing import Any

__all__ = [
    "BASE_POINTS",
    "MIN_POINTS",
    "MIN_SCALE",
    "PAGE_NUMBERS",
    "fit_scale",
    "fit_widths",
    "print_setup",
    "printable_points",
]

A4 = 9  # xlsxwriter's paper code
A4_POINTS = (595.3, 841.9)
MARGIN = 0.3  # inches, left and right
TOP, BOTTOM = 0.7, 0.6  # inches: room for the header and footer lines
POINTS_PER_WIDTH = 6.4
"""Points on paper per unit of column width at 100 %, as LibreOffice prints our workbooks (measured: 6.35; its
unit is the digit of the default font, 맑은 고딕 10 pt or the Hangul font that stands in for it). Excel's unit
is narrower, so a sheet fitted with this one fits there too."""
BASE_POINTS = 10.0
"""The workbooks' body text (`xlsx_cells.SAFE_OPTIONS`)."""
MIN_POINTS = 8.0
"""The smallest text a reader should find on paper."""
MIN_SCALE = 0.85
"""The smallest print scale aimed at: 10 pt × 0.85 = 8.5 pt; LibreOffice lands a few per cent under the scale
computed here (whole per cents, its own rounding of widths), still at 8 pt or more."""
STORED_EXTRA = 0.71
"""What xlsxwriter adds to a column width it stores (the cell padding); the printer sees the stored width."""
PAGE_NUMBERS = "&C&P / &N"
"""The footer: "3 / 7", the same in every language."""
MIN_WRAPPED = 8.0
"""The narrowest a wrapped column is made (about three Hangul characters a line)."""


def printable_points(landscape: bool) -> float:
    """The width inside the margins of an A4 page, in points."""
    short, long = A4_POINTS
    return (long if landscape else short) - 2 * MARGIN * 72


def fit_scale(widths: Sequence[float], landscape: bool) -> float:
    """The scale (≤ 1) at which these columns fit one page wide."""
    total = sum(w + STORED_EXTRA for w in widths) * POINTS_PER_WIDTH
    return 1.0 if total <= 0 else min(1.0, printable_points(landscape) / total)


def fit_widths(widths: Sequence[float], wrapped: Sequence[bool], landscape: bool) -> tuple[float, ...]:
    """The widths with the wrapped columns narrowed (the widest first, never under MIN_WRAPPED) until the
    columns fit one page wide at MIN_SCALE or none can give more; the others are left as they are."""
    fitted = list(widths)
    budget = printable_points(landscape) / MIN_SCALE / POINTS_PER_WIDTH - STORED_EXTRA * len(fitted)
    while sum(fitted) > budget + 0.01:
        wide = [i for i, w in enumerate(fitted) if wrapped[i] and w > MIN_WRAPPED]
        if not wide:
            break
        widest = max(wide, key=lambda i: fitted[i])
        others = max([fitted[i] for i in wide if i != widest] + [MIN_WRAPPED])
        # down to the next widest (so the wrapped columns end up even), or by what is still too much
        cut = min(sum(fitted) - budget, max(fitted[widest] - others, 0.5))
        fitted[widest] = max(MIN_WRAPPED, fitted[widest] - cut)
    return tuple(fitted)


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
