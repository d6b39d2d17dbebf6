"""The feedback workbook written with openpyxl (load + save, ~60 ms a file): the files the XML patcher declines,
and the findings-only workbook for a file that cannot (or must not) be copied.

openpyxl gets a re-packed copy within caps and with values only (`values_package.values_copy`), never the file
itself: it would inflate parts and merged ranges the reader never had to open, without a bound, and keep formulas,
links and macros live. The original is never opened for writing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.core.findings import Finding
from pipeline.feedback.review import (
    COMMENT_SIZE,
    FROZEN_CELL,
    HEADER_FILL,
    HEADER_ROW,
    HEADER_TEXT,
    LINK_COLOR,
    LOCATION_COLUMN,
    PAGE_FOOTER,
    PAGE_HEADER,
    PRINT_MARGIN,
    RED,
    TITLE_FONT_SIZE,
    WIDTHS,
    YELLOW,
    comment_author,
    comment_text,
    mark_color,
    marked_cells,
    printed_rows,
    review,
    wants_copy,
)
from pipeline.feedback.values_package import values_copy
from pipeline.system.atomic import save_workbook
from pipeline.template.goal_print import GOAL_SHEETS, apply_goal_print

log = logging.getLogger(__name__)


def write_with_openpyxl(original: Path, findings: Sequence[Finding], out: Path, lang: str, file_name: str) -> Path:
    """Write the feedback workbook of `original` to `out` (atomically) and return `out`: the marked copy, or the
    findings sheet alone when the file cannot be copied."""
    wb = _copy_of(original, findings)
    if wb is None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
    else:
        _mark_cells(wb, findings, lang)
    _findings_sheet(wb, file_name, findings, lang)
    return save_workbook(wb, out)


def _copy_of(original: Path, findings: Sequence[Finding]) -> Any | None:
    """The submitted workbook loaded for editing, or None when it cannot (or must not) be loaded."""
    if not wants_copy(findings):
        return None
    source = values_copy(original)
    if source is None:
        log.info("feedback: no values-only copy of %s, writing the findings sheet alone", original)
        return None
    try:
        from openpyxl import load_workbook

        return load_workbook(source)
    except Exception:  # the reader coped with it, openpyxl did not: still give the findings back
        log.warning("feedback: cannot load %s with openpyxl, writing the findings sheet alone", original, exc_info=True)
        return None


def _mark_cells(wb: Any, findings: Sequence[Finding], lang: str) -> None:
    """Fill and comment each cell to mark; a cell openpyxl cannot mark (a merged range's hidden part, a bad
    reference) is skipped."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    rows: dict[str, set[int]] = {}
    for sheet, ref, found in marked_cells(findings, wb.sheetnames):
        try:
            cell = wb[sheet][ref]
            cell.fill = PatternFill("solid", fgColor=mark_color(found))
            comment = Comment(comment_text(found, lang), comment_author(lang))
            comment.width, comment.height = COMMENT_SIZE
            cell.comment = comment
            rows.setdefault(sheet, set()).add(cell.row)
        except (AttributeError, ValueError, KeyError, IndexError):  # a merged cell's hidden part, a bad ref
            continue
    for sheet, marked in rows.items():
        _print_marked_rows(wb[sheet], marked)


def _print_marked_rows(ws: Any, rows: set[int]) -> None:
    """A marked sheet prints its heading rows, the marked rows' span and the comments at the end
    (`review.printed_rows`); the goal sheet several pages wide at a readable scale (`template.goal_print`)."""
    titles = ws.print_title_rows or ""
    heading = int(titles.replace("$", "").split(":")[-1]) if titles.replace("$", "").split(":")[-1].isdigit() else 0
    span = printed_rows(rows, heading)
    if span is not None:
        from openpyxl.utils import get_column_letter

        ws.print_area = f"A{span[0]}:{get_column_letter(max(ws.max_column, 1))}{span[1]}"
    ws.page_setup.cellComments = "atEnd"
    if ws.title in GOAL_SHEETS:
        apply_goal_print(ws)


def _findings_sheet(wb: Any, file_name: str, findings: Sequence[Finding], lang: str) -> None:
    """The findings sheet, first and active, laid out as `xml_review` lays it out."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    content = review(file_name, findings, lang, wb.sheetnames)
    ws = wb.create_sheet(content.sheet, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws["A1"] = content.title
    ws["A1"].font = Font(size=TITLE_FONT_SIZE, bold=True)
    ws["A2"] = content.file_line
    ws["A3"] = content.summary
    for i, (label, width) in enumerate(zip(content.headings, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=label)
        cell.font = Font(bold=True, color=HEADER_TEXT)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.column_dimensions[cell.column_letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(content.rows, start=HEADER_ROW + 1):
        for c, value in enumerate(row.values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if cell.data_type == "f":  # a value typed as "=…" is shown, never evaluated
                cell.data_type = "s"
            cell.alignment = wrap
        ws.cell(row=r, column=1).fill = PatternFill("solid", fgColor=RED if row.is_error else YELLOW)
        if row.link:
            link = ws.cell(row=r, column=LOCATION_COLUMN)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=row.link)
            link.font = Font(color=LINK_COLOR, underline="single")
    ws.freeze_panes = FROZEN_CELL
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_margins.left = ws.page_margins.right = PRINT_MARGIN
    ws.oddHeader.left.text, ws.oddHeader.right.text = PAGE_HEADER.removeprefix("&L").split("&R")
    ws.oddFooter.center.text = PAGE_FOOTER.removeprefix("&C")
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if content.filter_ref:
        ws.auto_filter.ref = content.filter_ref
