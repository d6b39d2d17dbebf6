"""The shape of the year's books (the 중간점검 workbook, the plan book): a front sheet of titled sections, then table
sheets. Plain values made by the content modules and laid out by `midyear_book`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipeline.report.shapes import Table

__all__ = ["Book", "Section"]


@dataclass(frozen=True)
class Section:
    """One part of the front sheet: a heading and either a table or a line of text."""

    heading: str
    table: Table | None = None
    text: str = ""


@dataclass(frozen=True)
class Book:
    title: str
    as_of: str
    front_sheet: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    footer: str
    generated_at: datetime
    landscape: bool = True
