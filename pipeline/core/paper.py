"""The paper every workbook of the city is printed on (A4) and how wide a sheet's columns may be to print one
page wide with its 10 pt text at 8 pt or more: pure numbers and functions, shared by the report's xlsxwriter
sheets (`report/print_setup.py`) and the template's openpyxl sheets (the committee sheet, the feedback copies).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = [
    "A4_POINTS",
    "BASE_POINTS",
    "BOTTOM",
    "MARGIN",
    "MIN_POINTS",
    "MIN_SCALE",
    "MIN_WRAPPED",
    "NARROW_CHAR",
    "PAGE_NUMBERS",
    "POINTS_PER_WIDTH",
    "STORED_EXTRA",
    "TOP",
    "WIDE_CHAR",
    "fit_scale",
    "fit_widths",
    "printable_points",
    "rendered_width",
]

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


WIDE_CHAR, NARROW_CHAR = 1.75, 0.8
"""How wide a Hangul (or other wide) character and a Latin one print in 10 pt text, in units of column width:
narrower than the digit widths (2 and 1) a column is sized in."""


@lru_cache(maxsize=1 << 16)
def rendered_width(line: str) -> float:
    """How wide one line of 10 pt text prints, in units of column width."""
    return sum(WIDE_CHAR if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW_CHAR for ch in line)
