"""The submitter's workbook handed back with its problems marked: the CoVE users' wish, done.

A copy of the submitted file with a first sheet (`검토결과` / `Review`) listing every finding, each cell reference
a clickable link to the cell, and every offending cell filled (red = error, yellow = warning) with a comment
holding the message. The original is never opened for writing. A file we cannot open as a workbook (or one too
large to load safely) gets a fresh workbook holding only the findings sheet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .findings import Finding
from .i18n import tr

log = logging.getLogger(__name__)

SHEET_TITLE = ("검토결과", "Review")
TEXTS = {
    "title": ("제출 파일 검토 결과", "Review of the submitted file"),
    "summary": (
        "오류 {errors}건, 경고 {warnings}건. 오류를 모두 고쳐 다시 제출하세요. 위치를 누르면 해당 칸으로 이동합니다.",
        "{errors} error(s), {warnings} warning(s). Fix every error and resubmit. Click a location to go to the cell.",
    ),
    "clean": ("문제가 없습니다.", "No problems found."),
    "file": ("파일", "File"),
    "error": ("오류", "Error"),
    "warning": ("경고", "Warning"),
    "author": ("성과평가 검토", "Evaluation review"),
}
HEADINGS = (
    ("구분", "Severity"),
    ("위치", "Location"),
    ("항목", "Field"),
    ("입력값", "Value"),
    ("내용", "Message"),
    ("고치는 방법", "How to fix"),
    ("코드", "Code"),
)
WIDTHS = (8, 18, 14, 18, 60, 50, 24)
RED = "FFC7CE"
YELLOW = "FFEB9C"
NO_COPY_CODES = frozenset({"sheet.too_many_rows", "sheet.too_many_entries"})
"""Besides every `file.*` finding: files too big to load whole with openpyxl get a fresh workbook."""
MAX_MARKED_CELLS = 2000


def write_feedback(
    original: Path, findings: Sequence[Finding], out: Path, lang: str = "ko", display_name: str | None = None
) -> Path:
    """Write the feedback workbook to `out` (temp name, then rename) and return `out`.

    `display_name` is the file name as the submitter sent it (the batch archives files under a longer name).
    """
    from .template import save_workbook

    if Path(out).resolve() == Path(original).resolve():
        raise ValueError("the feedback workbook must not overwrite the submitted file")
    wb = _copy_of(Path(original), findings)
    if wb is None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
    else:
        _mark_cells(wb, findings, lang)
    _findings_sheet(wb, display_name or Path(original).name, findings, lang)
    return save_workbook(wb, Path(out))


def _copy_of(original: Path, findings: Sequence[Finding]) -> Any | None:
    """The submitted workbook loaded for editing, or None when it cannot (or must not) be loaded.

    openpyxl gets a re-packed copy within caps (`sniff.openpyxl_copy`), never the file itself: it would inflate
    parts and merged ranges the reader never had to open, without a bound."""
    from .sniff import openpyxl_copy

    if any(f.code.startswith("file.") or f.code in NO_COPY_CODES for f in findings):
        return None
    source = openpyxl_copy(original)
    if source is None:
        return None
    try:
        from openpyxl import load_workbook

        return load_workbook(source)
    except Exception:  # the reader coped with it, openpyxl did not: still give the findings back
        log.warning("feedback: cannot load %s with openpyxl, writing the findings sheet alone", original, exc_info=True)
        return None


def _cells(finding: Finding) -> Iterator[str]:
    """The cells a finding marks: its `cells` list (weights sum), a range, or its one cell."""
    listed = dict(finding.params).get("cells")
    if listed:
        yield from (c.strip() for c in str(listed).split(",") if c.strip())
    elif finding.cell:
        yield finding.cell.split(":", 1)[0]


def _mark_cells(wb: Any, findings: Sequence[Finding], lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    marks: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in wb.sheetnames:
            for cell in _cells(f):
                marks.setdefault((f.sheet, cell), []).append(f)
    for (sheet, ref), found in list(marks.items())[:MAX_MARKED_CELLS]:
        try:
            cell = wb[sheet][ref]
            color = RED if any(f.is_error for f in found) else YELLOW
            cell.fill = PatternFill("solid", fgColor=color)
            text = "\n".join(f"[{tr(TEXTS[f.severity], lang)}] {f.message(lang)}\n→ {f.hint(lang)}" for f in found)
            comment = Comment(text, tr(TEXTS["author"], lang))
            comment.width, comment.height = 320, 160
            cell.comment = comment
        except (AttributeError, ValueError, KeyError, IndexError):  # a merged cell's hidden part, a bad ref
            continue


def _findings_sheet(wb: Any, file_name: str, findings: Sequence[Finding], lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    title = tr(SHEET_TITLE, lang)
    name = title
    n = 2
    while name in wb.sheetnames:
        name, n = f"{title} ({n})", n + 1
    ws = wb.create_sheet(name, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws["A1"] = tr(TEXTS["title"], lang)
    ws["A1"].font = Font(size=14, bold=True)
    ws["A2"] = f"{tr(TEXTS['file'], lang)}: {file_name}"
    errors = sum(1 for f in findings if f.is_error)
    ws["A3"] = (
        tr(TEXTS["summary"], lang, errors=errors, warnings=len(findings) - errors)
        if findings
        else tr(TEXTS["clean"], lang)
    )
    header_row = 5
    for i, (label, width) in enumerate(zip(HEADINGS, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=header_row, column=i, value=tr(label, lang))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        ws.column_dimensions[cell.column_letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, f in enumerate(findings, start=header_row + 1):
        row = (tr(TEXTS[f.severity], lang), f.ref, f.field, f.value, f.message(lang), f.hint(lang), f.code)
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=_safe(value))
            if cell.data_type == "f":  # a value typed as "=…" is shown, never evaluated
                cell.data_type = "s"
            cell.alignment = wrap
        ws.cell(row=r, column=1).fill = PatternFill("solid", fgColor=RED if f.is_error else YELLOW)
        if f.sheet in wb.sheetnames and f.cell:
            link = ws.cell(row=r, column=2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{_quote(f.sheet)}!{f.cell.split(':', 1)[0]}")
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = f"A{header_row + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    if findings:
        ws.auto_filter.ref = f"A{header_row}:G{header_row + len(findings)}"


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _safe(value: str) -> str:
    """Text a cell can hold: no control characters (openpyxl refuses them)."""
    return "".join(ch for ch in str(value) if ch in "\t\n" or ord(ch) >= 32)
