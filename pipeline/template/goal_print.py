"""How the 성과목표 sheet prints: one source for the blank template (`workbook._goal_sheet`) and for the marked goal
rows of the feedback copy, which both of its writers print the same way (`feedback.openpyxl_writer`,
`feedback.xml_cells` with `feedback.xml_patch`).

The sheet is twenty columns wide (`core.layout.GOAL_COLUMNS`, about 330 units of width): fitted one A4 page wide
it prints at about 3 pt. So it is printed at a fixed scale instead, several pages wide: landscape, the goal's
number and name (목표번호 … 성과목표, A:C) repeated at the left of every page as print-title columns beside the
heading row, and the pages ordered over then down, so that a goal's pages follow each other.
"""

from __future__ import annotations

import math
from typing import Any

from pipeline.core.layout import GOAL_LETTERS, SHEET_GOALS, SHEET_NAMES
from pipeline.core.paper import BOTTOM, MARGIN, MIN_POINTS, TOP

__all__ = [
    "GOAL_SHEETS",
    "HINT_POINTS",
    "MARGINS",
    "PAGE_SETUP",
    "SCALE",
    "TITLE_COLUMNS",
    "apply_goal_print",
    "print_titles",
]

GOAL_SHEETS = frozenset(SHEET_NAMES[SHEET_GOALS])
"""The goal sheet's names, in either language of the template."""
HINT_POINTS = 9
"""The sheet's smallest text: the hint under its title (`workbook._Styles.hint`); the body is 10 pt."""
SCALE = 5 * math.ceil(100 * MIN_POINTS / HINT_POINTS / 5)
"""Print scale in per cent (90): the smallest whole 5 % at which the 9 pt hint prints at 8 pt or more (8.1 pt;
the 10 pt body at 9 pt). About 138 units of width a landscape page, 4–5 pages a row."""
TITLE_COLUMNS = f"{GOAL_LETTERS['number']}:{GOAL_LETTERS['goal']}"
"""The columns repeated at the left of every printed page: 목표번호, 전략목표, 성과목표 (A:C; print titles are one
block of columns)."""
PAGE_SETUP = {"paperSize": "9", "orientation": "landscape", "scale": str(SCALE), "pageOrder": "overThenDown"}
"""The `<pageSetup>` attributes (9 = A4), with `fitToPage` off in the sheet's `<pageSetUpPr>`: the scale holds."""
MARGINS = {"left": MARGIN, "right": MARGIN, "top": TOP, "bottom": BOTTOM, "header": 0.3, "footer": 0.3}
"""The page margins in inches (`<pageMargins>`), the report's (`core.paper`): with 0.3 in at the sides a landscape
page holds five or six more columns beside the repeated ones, four pages a row instead of six."""


def print_titles(sheet_ref: str, rows: str | None) -> str:
    """The `_xlnm.Print_Titles` defined name's value for a goal sheet (`'성과목표'`, quoted as a reference) with its
    heading `rows` ("$4:$4", or None): rows first, then the columns, as openpyxl writes it."""
    first, last = TITLE_COLUMNS.split(":")
    columns = f"{sheet_ref}!${first}:${last}"
    return f"{sheet_ref}!{rows},{columns}" if rows else columns


def apply_goal_print(ws: Any) -> None:
    """Give an openpyxl goal sheet these print settings (its heading rows and print area are left as they are)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = PAGE_SETUP["orientation"]
    ws.page_setup.scale = SCALE
    ws.page_setup.pageOrder = PAGE_SETUP["pageOrder"]
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_title_cols = TITLE_COLUMNS
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
