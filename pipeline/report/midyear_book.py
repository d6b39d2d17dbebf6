"""The year's books other than the consolidated workbook (the 중간점검 workbook, the plan book 성과창출계획), laid
out with xlsxwriter in the consolidated workbook's look: a front sheet of titled sections (a table or a line of
text each), then table sheets written by `xlsx_table.write_table` (header, filter, frozen header, colours).

The content (`Book`) is plain values made by pure modules (`midyear_sheet`, `plan_book_sheet`); this module only
lays them out. Printing (A4, heading rows repeated, one page wide, widths fitted to stay at 8 pt or more) is
`print_setup`, the one place every workbook of the city gets it from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.report.midyear_shapes import Book, Section
from pipeline.report.print_setup import fit_widths, print_setup
from pipeline.report.widths import column_widths
from pipeline.report.xlsx_cells import SECTION_COLOR, Styles, fresh_options, write_text, write_value
from pipeline.report.xlsx_summary import merged_height, write_title
from pipeline.report.xlsx_table import column_rules, write_table

__all__ = ["render_book"]


def _front_widths(sections: tuple[Section, ...], landscape: bool) -> list[float]:
    """Each column as wide as the widest of the front sheet's tables needs it, the wrapped ones (long text in
    any table) then fitted to the page."""
    widths: list[float] = []
    wrapped: list[bool] = []
    for s in sections:
        if s.table is None:
            continue
        for i, (w, column) in enumerate(zip(column_widths(s.table), s.table.columns, strict=True)):
            if i < len(widths):
                widths[i] = max(widths[i], w)
                wrapped[i] = wrapped[i] or column.kind == "longtext"
            else:
                widths.append(w)
                wrapped.append(column.kind == "longtext")
    if not widths:
        return [60.0]
    return list(fit_widths(widths, wrapped, landscape))


def _write_front(workbook: Any, styles: Styles, book: Book) -> None:
    ws = workbook.add_worksheet(book.front_sheet)
    widths = _front_widths(book.sections, book.landscape)
    last_col = len(widths) - 1
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    write_title(ws, styles, book.title, book.as_of, last_col)
    section = styles.get(bold=True, font_size=11, font_color=SECTION_COLOR, bottom=2, bottom_color=SECTION_COLOR)
    block = styles.cell(text_wrap=True, valign="top")
    row = 3
    for s in book.sections:
        ws.merge_range(row, 0, row, last_col, "", section)
        write_text(ws, row, 0, s.heading, section)
        row += 1
        if s.table is None:
            ws.merge_range(row, 0, row, last_col, "", block)
            write_text(ws, row, 0, s.text, block)
            ws.set_row(row, merged_height(s.text, sum(widths), 1))
            row += 2
            continue
        ws.set_row(row, 22)
        for col, column in enumerate(s.table.columns):
            write_text(ws, row, col, column.label, styles.header())
        first = row + 1
        for values in s.table.rows:
            row += 1
            for col, value in enumerate(values):
                write_value(ws, styles, row, col, value, s.table.columns[col])
        column_rules(ws, styles, s.table, first, row)
        row += 2
    print_setup(
        ws,
        title=book.title,
        landscape=book.landscape,
        repeat_rows=None,
        last_row=max(row - 1, 1),
        last_col=last_col,
        footer=book.footer,
    )
    ws.hide_gridlines(2)
    ws.activate()


def render_book(book: Book, path: Path) -> None:
    """Write the whole book to `path` (the caller renames it into place)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), fresh_options())
    try:
        workbook.set_properties(
            {
                "title": book.title,
                "subject": book.as_of,
                "created": book.generated_at.replace(tzinfo=None),
                "comments": "agency-eval-pipeline",
            }
        )
        styles = Styles(workbook)
        _write_front(workbook, styles, book)
        for table in book.tables:
            write_table(workbook, styles, table, book.title, book.footer, fast_rows=False)  # its own print_setup
    finally:
        workbook.close()
