"""The plain values a writer lays out: a table sheet (`Table` of `Column`s), the meeting page (`SummaryContent`)
and the whole workbook (`WorkbookContent`). What is shown is decided by the sheet modules; how, by a writer.

Every value of a table cell is one of: `str` (written with `write_string`, never interpreted), `int`, `Decimal`
(already rounded the way it is shown, `core.rounding`), `datetime` (naive wall time) or `None` (an empty,
bordered cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pipeline.report.meeting_shapes import BestPractices

__all__ = ["Column", "SummaryContent", "Table", "Value", "WorkbookContent", "wall_time"]

Value = str | int | Decimal | datetime | None


@dataclass(frozen=True)
class Column:
    """One column of a table sheet.

    `kind` tells the shell how to show a value (number format, alignment, conditional colours) so that the
    content layer never mentions xlsxwriter: text | longtext | code | int | qty | score | pct | datetime | grade |
    mark | status | severity.
    """

    label: str
    kind: str = "text"
    width: float | None = None  # None: fitted to the header and the values
    warn_below: Decimal | None = None  # numbers below this are shaded red (low achievement, low points)
    warn_text: tuple[str, ...] = ()  # texts shaded red (반려, 미제출, 오류)


@dataclass(frozen=True)
class Table:
    """A sheet of one header row and data rows, ready to filter and print."""

    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    freeze_cols: int = 0
    highlight: tuple[bool, ...] = ()  # rows to shade (e.g. excellent agencies in the ranking)
    print_cols: int | None = None  # only the first columns print (None: all); the rest (hashes...) on screen only


@dataclass(frozen=True)
class SummaryContent:
    """The meeting page: what it says, in reading order. Placement is the shell's job."""

    sheet: str
    title: str
    as_of: str
    headline_heading: str
    headline: tuple[tuple[str, int], ...]
    excellent_heading: str
    excellent: str
    missing_heading: str
    missing: str
    grades_heading: str
    grades: tuple[tuple[str, int], ...]  # (grade, count) ..., then (total label, count)
    ranking_heading: str
    ranking: Table
    chart_title: str
    chart_name_col: int
    chart_value_col: int
    notes: tuple[str, ...]
    footer: str


@dataclass(frozen=True)
class WorkbookContent:
    title: str
    lang: str
    generated_at: datetime
    summary: SummaryContent
    tables: tuple[Table, ...] = field(default_factory=tuple)
    best: BestPractices | None = None  # the 우수사례 hand-out, right after the summary


def wall_time(moment: datetime | None) -> datetime | None:
    """Spreadsheets have no time zones: show the wall time the ledger recorded."""
    return None if moment is None else moment.replace(tzinfo=None)
