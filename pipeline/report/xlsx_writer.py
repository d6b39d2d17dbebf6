"""The consolidated workbook with xlsxwriter: lays out a `WorkbookContent` (what is shown is decided by the
content modules; how, here and in xlsx_cells, xlsx_table, xlsx_summary): the summary sheet, then the tables."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter

from pipeline.report.shapes import WorkbookContent
from pipeline.report.xlsx_best import write_best
from pipeline.report.xlsx_cells import Styles, fresh_options
from pipeline.report.xlsx_summary import write_summary
from pipeline.report.xlsx_table import write_table
from pipeline.report.xlsxwriter_private import table_sheets_in_constant_memory

__all__ = ["render_workbook"]


@contextmanager
def _no_automatic_gc() -> Iterator[None]:
    """Writing a 10,000-agency workbook allocates some 300,000 short-lived containers (cache keys, lists), none
    in a cycle, and each 700 of them set off a collection, some of them over all the report's live objects
    (0.3–0.7 s at 10,000 agencies, measured). The few cycles xlsxwriter makes are collected after, as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_no_automatic_gc()
def render_workbook(content: WorkbookContent, path: Path, fast_rows: bool = True) -> None:
    """Write the whole workbook to `path` (the caller renames it into place). `fast_rows=False` writes the table
    sheets through xlsxwriter's public API only (the reference `FastRows` is tested against)."""
    workbook = xlsxwriter.Workbook(str(path), fresh_options())
    try:
        workbook.set_properties(
            {
                "title": content.title,
                "subject": content.summary.as_of,
                "created": content.generated_at.replace(tzinfo=None),
                "comments": "agency-eval-pipeline",
            }
        )
        styles = Styles(workbook)
        write_summary(workbook, styles, content.summary)
        if content.best is not None:
            write_best(workbook, styles, content.best)
        # The table sheets are written strictly row by row, so each goes out row by row as it is written; the
        # summary sheet is not written in row order (its panels are filled side by side), so it stays in normal
        # mode.
        table_sheets_in_constant_memory(workbook)
        for table in content.tables:
            write_table(workbook, styles, table, content.title, content.summary.footer, fast_rows)
    finally:
        workbook.close()
