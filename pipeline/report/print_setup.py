"""How a sheet of the city's workbooks prints (xlsxwriter): A4, its orientation, the heading rows on every page,
one page wide, the print area on the used range, the title in the header and page numbers in the footer.

A minimal version for the new sheets of issue 18 (우수사례, 감독부서별, 기관별 결과표); the print settings of every
sheet are issue 18's items 5–7, whose version of this module replaces this one (same signature)."""

from __future__ import annotations

from typing import Any

__all__ = ["print_setup"]

FOOTER = "&C&P / &N"
"""Page numbers in a form both languages read (the signature carries no language)."""
A4 = 9
"""xlsxwriter's paper code for A4."""


def print_setup(
    ws: Any,
    *,
    title: str,
    landscape: bool,
    repeat_rows: tuple[int, int] | None,
    last_row: int,
    last_col: int,
) -> None:
    """Print settings a person would choose for `ws`, whose used range is A1 to (`last_row`, `last_col`)."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, max(last_row, 0), max(last_col, 0))
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.center_horizontally()
    header = title.replace("&", "&&")[:200]
    ws.set_header(f"&L{header}")  # no font-size code: "&8" before "2026" would read as size 82026
    ws.set_footer(FOOTER)
