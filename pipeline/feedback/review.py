"""The submitter's workbook handed back with its problems marked: the CoVE users' wish, done.

A copy of the submitted file with a first sheet (`검토결과` / `Review`) listing every finding, each cell reference
a clickable link to the cell, and every offending cell filled (red = error, yellow = warning) with a comment
holding the message. The original is never opened for writing. A file we cannot open as a workbook (or one too
large to load safely) gets a fresh workbook holding only the findings sheet.

Two writers make the copy: `feedback_xml` patches the submitted file's XML parts as text (~4 ms a file) and is
tried first; it declines anything unusual, and the openpyxl path here (load + save, ~60 ms) does those files and
the findings-only workbook. What the findings sheet says, which cells are marked and the comment texts come from
the helpers below (`review`, `marked_cells`, `comment_text`), used by both writers, so the two cannot drift.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.findings import Finding
from pipeline.core.i18n import tr

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
HEADER_FILL = "1F4E78"  # the findings sheet's heading row (white bold text)
LINK_COLOR = "0563C1"  # a location that links to its cell
NO_COPY_CODES = frozenset({"sheet.too_many_rows", "sheet.too_many_entries"})
"""Besides every `file.*` finding: files too big to load whole with openpyxl get a fresh workbook."""
MAX_MARKED_CELLS = 2000
HEADER_ROW = 5
"""Row of the findings sheet's headings; findings follow from the next row (frozen pane, print titles)."""


def write_feedback(
    original: Path, findings: Sequence[Finding], out: Path, lang: str = "ko", display_name: str | None = None
) -> Path:
    """Write the feedback workbook to `out` (temp name, then rename) and return `out`.

    `display_name` is the file name as the submitter sent it (the batch archives files under a longer name).
    The XML patcher (`feedback_xml`) is tried first; when it declines (or fails), openpyxl writes the same
    workbook, so a file the patcher does not understand still gets its feedback.
    """
    from pipeline.feedback import xml_patch as feedback_xml
    from pipeline.system.atomic import save_workbook

    if Path(out).resolve() == Path(original).resolve():
        raise ValueError("the feedback workbook must not overwrite the submitted file")
    file_name = display_name or Path(original).name
    try:
        written = feedback_xml.write_fast(Path(original), findings, Path(out), lang, file_name)
    except Exception:  # a bug in the patcher must cost speed, never the submitter's feedback
        log.warning("feedback: XML patch of %s failed, using openpyxl", original, exc_info=True)
        written = None
    if written is not None:
        return written
    wb = _copy_of(Path(original), findings)
    if wb is None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
    else:
        _mark_cells(wb, findings, lang)
    _findings_sheet(wb, file_name, findings, lang)
    return save_workbook(wb, Path(out))


def wants_copy(findings: Sequence[Finding]) -> bool:
    """False when the file must not be copied: unreadable (`file.*`) or too big to load (NO_COPY_CODES)."""
    return not any(f.code.startswith("file.") or f.code in NO_COPY_CODES for f in findings)


def _copy_of(original: Path, findings: Sequence[Finding]) -> Any | None:
    """The submitted workbook loaded for editing, or None when it cannot (or must not) be loaded.

    openpyxl gets a re-packed copy within caps (`sniff.openpyxl_copy`), never the file itself: it would inflate
    parts and merged ranges the reader never had to open, without a bound."""
    from pipeline.xlsx.package import openpyxl_copy

    if not wants_copy(findings):
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


# --- what both writers write ---------------------------------------------------------------------------------


def _cells(finding: Finding) -> Iterator[str]:
    """The cells a finding marks: its `cells` list (weights sum), a range, or its one cell."""
    listed = dict(finding.params).get("cells")
    if listed:
        yield from (c.strip() for c in str(listed).split(",") if c.strip())
    elif finding.cell:
        yield finding.cell.split(":", 1)[0]


def marked_cells(findings: Sequence[Finding], sheetnames: Iterable[str]) -> list[tuple[str, str, list[Finding]]]:
    """(sheet, cell reference as the finding names it, its findings) for the cells to mark, first
    `MAX_MARKED_CELLS` only, in finding order. A writer skips a reference it cannot mark (a merged range's
    hidden cell, a bad reference) without taking another in its place."""
    names = set(sheetnames)
    marks: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in names:
            for cell in _cells(f):
                marks.setdefault((f.sheet, cell), []).append(f)
    return [(sheet, ref, found) for (sheet, ref), found in list(marks.items())[:MAX_MARKED_CELLS]]


def mark_color(found: Sequence[Finding]) -> str:
    return RED if any(f.is_error for f in found) else YELLOW


def comment_text(found: Sequence[Finding], lang: str) -> str:
    """The comment on a marked cell: each finding's severity, message and how to fix it."""
    return _safe("\n".join(f"[{tr(TEXTS[f.severity], lang)}] {f.message(lang)}\n→ {f.hint(lang)}" for f in found))


def comment_author(lang: str) -> str:
    return tr(TEXTS["author"], lang)


def review_title(lang: str, sheetnames: Iterable[str]) -> str:
    """The findings sheet's name: `검토결과`, or `검토결과 (2)`… when the workbook has one already (sheet names
    compare case-insensitively in Excel)."""
    taken = {n.casefold() for n in sheetnames}
    title = name = tr(SHEET_TITLE, lang)
    n = 2
    while name.casefold() in taken:
        name, n = f"{title} ({n})", n + 1
    return name


@dataclass(frozen=True, slots=True)
class ReviewRow:
    values: tuple[str, ...]  # the seven columns of HEADINGS, as cell text (`_safe`)
    is_error: bool
    link: str | None  # internal location of the finding's cell ("'성과목표'!K5"), None without one


@dataclass(frozen=True, slots=True)
class Review:
    """Everything the findings sheet shows; both writers lay it out the same way (A1 title, A2 file, A3 summary,
    headings on HEADER_ROW, one finding a row below)."""

    sheet: str
    title: str
    file_line: str
    summary: str
    headings: tuple[str, ...]
    rows: tuple[ReviewRow, ...]

    @property
    def filter_ref(self) -> str | None:
        return f"A{HEADER_ROW}:G{HEADER_ROW + len(self.rows)}" if self.rows else None


def review(file_name: str, findings: Sequence[Finding], lang: str, sheetnames: Sequence[str]) -> Review:
    """The findings sheet of a workbook whose sheets are `sheetnames` (none for the findings-only workbook)."""
    sheet = review_title(lang, sheetnames)
    names = {*sheetnames, sheet}
    errors = sum(1 for f in findings if f.is_error)
    summary = (
        tr(TEXTS["summary"], lang, errors=errors, warnings=len(findings) - errors)
        if findings
        else tr(TEXTS["clean"], lang)
    )
    rows = tuple(
        ReviewRow(
            tuple(
                _safe(v)
                for v in (tr(TEXTS[f.severity], lang), f.ref, f.field, f.value, f.message(lang), f.hint(lang), f.code)
            ),
            f.is_error,
            f"{quote_sheet(f.sheet)}!{f.cell.split(':', 1)[0]}" if f.sheet in names and f.cell else None,
        )
        for f in findings
    )
    return Review(
        sheet,
        tr(TEXTS["title"], lang),
        _safe(f"{tr(TEXTS['file'], lang)}: {file_name}"),
        summary,
        tuple(tr(label, lang) for label in HEADINGS),
        rows,
    )


# --- the openpyxl writer -------------------------------------------------------------------------------------


def _mark_cells(wb: Any, findings: Sequence[Finding], lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    for sheet, ref, found in marked_cells(findings, wb.sheetnames):
        try:
            cell = wb[sheet][ref]
            cell.fill = PatternFill("solid", fgColor=mark_color(found))
            comment = Comment(comment_text(found, lang), comment_author(lang))
            comment.width, comment.height = 320, 160
            cell.comment = comment
        except (AttributeError, ValueError, KeyError, IndexError):  # a merged cell's hidden part, a bad ref
            continue


def _findings_sheet(wb: Any, file_name: str, findings: Sequence[Finding], lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    content = review(file_name, findings, lang, wb.sheetnames)
    ws = wb.create_sheet(content.sheet, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws["A1"] = content.title
    ws["A1"].font = Font(size=14, bold=True)
    ws["A2"] = content.file_line
    ws["A3"] = content.summary
    for i, (label, width) in enumerate(zip(content.headings, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=label)
        cell.font = Font(bold=True, color="FFFFFF")
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
            link = ws.cell(row=r, column=2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=row.link)
            link.font = Font(color=LINK_COLOR, underline="single")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if content.filter_ref:
        ws.auto_filter.ref = content.filter_ref


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _safe(value: str) -> str:
    """Text a cell can hold: no control characters (openpyxl refuses them)."""
    return "".join(ch for ch in str(value) if ch in "\t\n" or ord(ch) >= 32)
