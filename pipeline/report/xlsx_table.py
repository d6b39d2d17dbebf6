"""A table sheet of the consolidated workbook with xlsxwriter: header, rows (by `xlsxwriter_private.FastRows`
where verified, else cell by cell through the public API), filter, frozen panes, conditional colours, print
setup. Also the colour rules and print setup the summary sheet shares."""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.report.grades import GRADE_TONES
from pipeline.report.print_setup import fit_scale, fit_widths, print_setup
from pipeline.report.shapes import Table
from pipeline.report.widths import column_widths, wrapped_lines
from pipeline.report.xlsx_cells import (
    BAD_FILL,
    BAD_FONT,
    GOOD_FILL,
    GOOD_FONT,
    WARN_FILL,
    WARN_FONT,
    ColumnCells,
    Styles,
    write_text,
)
from pipeline.report.xlsxwriter_private import ColumnXml, FastRows

__all__ = ["column_rules", "printed_widths", "write_table"]

TONE_COLORS = {"good": (GOOD_FILL, GOOD_FONT), "warn": (WARN_FILL, WARN_FONT), "bad": (BAD_FILL, BAD_FONT)}
"""A grade's tone (`grades.GRADE_TONES`) → its (fill, font) colours."""


def grade_rules(ws: Any, styles: Styles, first_row: int, last_row: int, col: int) -> None:
    """S/A green, C amber, D red (`grades.GRADE_TONES`): the eye finds the good and the worrying at once."""
    for grade, tone in GRADE_TONES.items():
        fill, font = TONE_COLORS[tone]
        ws.conditional_format(
            first_row,
            col,
            last_row,
            col,
            {
                "type": "cell",
                "criteria": "equal to",
                "value": f'"{grade}"',
                "format": styles.workbook.add_format({"bg_color": fill, "font_color": font, "bold": True}),
            },
        )


def column_rules(ws: Any, styles: Styles, table: Table, first_row: int, last_row: int) -> None:
    """Grades in their tone; low numbers (`Column.warn_below`) and bad statuses (`Column.warn_text`) in red."""
    if last_row < first_row:
        return
    bad = styles.workbook.add_format({"bg_color": BAD_FILL, "font_color": BAD_FONT})
    for col, column in enumerate(table.columns):
        if column.kind == "grade":
            grade_rules(ws, styles, first_row, last_row, col)
        if column.warn_below is not None:
            ref = xl_rowcol_to_cell(first_row, col, row_abs=False, col_abs=True)
            ws.conditional_format(
                first_row,
                col,
                last_row,
                col,
                {"type": "formula", "criteria": f"=AND(ISNUMBER({ref}),{ref}<{column.warn_below})", "format": bad},
            )
        for text in column.warn_text:
            ws.conditional_format(
                first_row,
                col,
                last_row,
                col,
                {"type": "cell", "criteria": "equal to", "value": '"' + text.replace('"', '""') + '"', "format": bad},
            )


def printed_widths(table: Table, widths: tuple[float, ...]) -> tuple[tuple[float, ...], bool]:
    """The widths with the printed columns' wrapped ones fitted to the page, and whether the page is landscape:
    portrait when the printed columns fit it unshrunk."""
    printed = table.print_cols or len(table.columns)
    wrapped = [c.kind == "longtext" for c in table.columns[:printed]]
    landscape = fit_scale(widths[:printed], landscape=False) < 1
    return fit_widths(widths[:printed], wrapped, landscape) + widths[printed:], landscape


def write_table(workbook: Any, styles: Styles, table: Table, title: str, footer: str, fast_rows: bool = True) -> None:
    ws = workbook.add_worksheet(table.sheet)
    widths, landscape = printed_widths(table, column_widths(table))
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_row(0, 30)
    for col, column in enumerate(table.columns):
        write_text(ws, 0, col, column.label, styles.header())
    wrapped = [(i, widths[i]) for i, c in enumerate(table.columns) if c.kind == "longtext"]
    cells = [ColumnCells(ws, styles, column, col) for col, column in enumerate(table.columns)]
    fast = FastRows(ws, [ColumnXml(c) for c in cells]) if fast_rows and FastRows.usable(ws) else None
    last = len(table.rows)
    for r, row in enumerate(table.rows, start=1):
        if wrapped:
            lines = max([wrapped_lines(row[i], width) for i, width in wrapped])
            if lines > 1:  # LibreOffice does not grow rows for wrapped text on load; Excel not always either
                ws.set_row(r, lines * 13.5 + 3)
        if fast is None or r == last or not fast.write(r, row):  # the last row: see FastRows
            for col, value in enumerate(row):
                cells[col].write(r, col, value)
    ws.autofilter(0, 0, last, len(table.columns) - 1)
    ws.freeze_panes(1, table.freeze_cols)
    column_rules(ws, styles, table, 1, last)
    print_setup(
        ws,
        title=title,
        landscape=landscape,
        repeat_rows=(0, 0),
        last_row=last,
        last_col=(table.print_cols or len(table.columns)) - 1,
        footer=footer,
    )
