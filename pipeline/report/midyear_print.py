"""How the year's books print (the 중간점검 workbook and the plan book): A4, the heading row on every page, one
page wide, page numbers. One function, so that it can be replaced by the shared print setup in one place."""

from __future__ import annotations

from typing import Any

__all__ = ["print_a4"]

A4 = 9
"""xlsxwriter's paper code for A4."""


def print_a4(ws: Any, title: str, footer: str, repeat_rows: int | None, landscape: bool = True) -> None:
    """A4, one page wide and as many pages long as needed, `repeat_rows` (the heading row) on every page."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    if repeat_rows is not None:
        ws.repeat_rows(repeat_rows)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_header("&L" + title.replace("&", "&&")[:200] + "&R&A")
    ws.set_footer(footer)
