"""What the feedback workbook shows, for both of its writers: the findings sheet's content and look, which cells are
marked, their colours and comment texts.

The feedback workbook is a copy of the submitted file with a first sheet (`검토결과` / `Review`) listing every
finding, each cell reference a clickable link to the cell, and every offending cell filled (red = error, yellow =
warning) with a comment holding the message. Two writers make it (`write.write_feedback`): the XML patcher and
openpyxl. Everything either of them shows comes from here, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.core.findings import Finding
from pipeline.core.i18n import tr
from pipeline.core.refs import column_letter, first_cell
from pipeline.core.vocabulary import HOW_TO_FIX, SEVERITY, word
from pipeline.xlsx.xmltext import xml_chars

SHEET_TITLE = ("검토결과", "Review")
TEXTS = {
    "title": ("제출 파일 검토 결과", "Review of the submitted file"),
    "summary": (
        "오류 {errors}건, 경고 {warnings}건. 오류를 모두 고쳐 다시 제출하세요. 위치를 누르면 해당 칸으로 이동합니다.",
        "{errors} {errors:error|errors}, {warnings} {warnings:warning|warnings}. Fix every error and resubmit. Click a location to go to the cell.",
    ),
    "clean": ("문제가 없습니다.", "No problems found."),
    "file": ("파일", "File"),
    "author": ("성과평가 검토", "Evaluation review"),
}


def severity(f: Finding, lang: str) -> str:
    """The finding's severity word (`core.vocabulary`), capitalised as a table cell of its own reads in English."""
    return word(SEVERITY, f.severity, lang).capitalize()


HEADINGS = (
    ("구분", "Severity"),
    ("위치", "Location"),
    ("항목", "Field"),
    ("입력값", "Value"),
    ("내용", "Message"),
    HOW_TO_FIX,
    ("코드", "Code"),
)
WIDTHS = (8, 12, 12, 14, 38, 32, 22)
"""Column widths of the findings sheet, one per heading: together one landscape A4 page wide at 90 % or more
(LibreOffice prints a unit of width as about 6.4 pt), so its 11 pt text prints at 8 pt or more."""
PRINT_MARGIN = 0.3
"""Left and right page margins of the printed findings and marked rows, in inches."""
PAGE_FOOTER = "&C&P / &N"
"""Page numbers at the foot of every printed page: "2 / 3"."""
PAGE_HEADER = "&L&F&R&A"
"""The workbook's file name and the sheet's at the top of every printed page."""
LAST_COLUMN = column_letter(len(HEADINGS))
"""The findings sheet's last column (G)."""
LOCATION_COLUMN = 2
"""The findings sheet's column holding each finding's location, a link to its cell."""
RED = "FFC7CE"
YELLOW = "FFEB9C"
HEADER_FILL = "1F4E78"  # the findings sheet's heading row
HEADER_TEXT = "FFFFFF"  # its bold text
LINK_COLOR = "0563C1"  # a location that links to its cell
TITLE_FONT_SIZE = 14
"""The findings sheet's title (A1), bold."""
COMMENT_SIZE = (320, 160)
"""Width and height, in pixels, of the comment box on a marked cell."""
NO_COPY_CODES = frozenset({"sheet.too_many_rows", "sheet.too_many_entries"})
"""Besides every `file.*` finding: files too big to load whole with openpyxl get a fresh workbook."""
MAX_MARKED_CELLS = 2000
HEADER_ROW = 5
"""Row of the findings sheet's headings; findings follow from the next row (frozen pane, print titles)."""
FROZEN_CELL = f"A{HEADER_ROW + 1}"
"""The top-left cell below the findings sheet's frozen rows."""


def wants_copy(findings: Sequence[Finding]) -> bool:
    """False when the file must not be copied: unreadable (`file.*`) or too big to load (NO_COPY_CODES)."""
    return not any(f.code.startswith("file.") or f.code in NO_COPY_CODES for f in findings)


# --- what both writers write ---------------------------------------------------------------------------------


def _cells(finding: Finding) -> Iterator[str]:
    """The cells a finding marks: its `cells` list (weights sum), a range, or its one cell."""
    listed = dict(finding.params).get("cells")
    if listed:
        yield from (c.strip() for c in str(listed).split(",") if c.strip())
    elif finding.cell:
        yield first_cell(finding.cell)


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


def printed_rows(rows: Iterable[int], heading_row: int) -> tuple[int, int] | None:
    """(first, last) 1-based rows of a marked sheet that print: from the first marked row below the heading rows
    to the last one, so an agency's copy prints what was found and not its sixty empty goal rows. None when no
    marked row is below the headings (the sheet prints as it did)."""
    below = [r for r in rows if r > heading_row]
    return (min(below), max(below)) if below else None


def mark_color(found: Sequence[Finding]) -> str:
    return RED if any(f.is_error for f in found) else YELLOW


def comment_text(found: Sequence[Finding], lang: str) -> str:
    """The comment on a marked cell: each finding's severity, message and how to fix it."""
    return xml_chars("\n".join(f"[{severity(f, lang)}] {f.message(lang)}\n→ {f.hint(lang)}" for f in found))


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
    values: tuple[str, ...]  # the seven columns of HEADINGS, as cell text (`xml_chars`)
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
        return f"A{HEADER_ROW}:{LAST_COLUMN}{HEADER_ROW + len(self.rows)}" if self.rows else None


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
                xml_chars(v)
                for v in (severity(f, lang), f.ref, f.field, f.value, f.message(lang), f.hint(lang), f.code)
            ),
            f.is_error,
            f"{quote_sheet(f.sheet)}!{first_cell(f.cell)}" if f.sheet in names and f.cell else None,
        )
        for f in findings
    )
    return Review(
        sheet,
        tr(TEXTS["title"], lang),
        xml_chars(f"{tr(TEXTS['file'], lang)}: {file_name}"),
        summary,
        tuple(tr(label, lang) for label in HEADINGS),
        rows,
    )


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
