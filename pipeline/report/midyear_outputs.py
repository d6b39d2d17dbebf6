"""Writing the year's books into the day's output folder: the 중간점검 workbook (the night, when mid-year checks
exist) and the plan book (`pipeline plan book`). Each is written to a temporary name and renamed into place."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from pipeline.core.model import ReportInput
from pipeline.report.midyear_sheet import midyear_book, midyear_file_name
from pipeline.report.plan_book_sheet import ChangeSet, ConfirmedEntry, plan_book, plan_book_file_name
from pipeline.settings.schema import Agency
from pipeline.system.atomic import write_atomically

__all__ = ["write_midyear_book", "write_plan_book"]


def write_midyear_book(
    data: ReportInput, agencies: Sequence[Agency], rejected: Collection[str], out_dir: Path
) -> Path | None:
    """The 중간점검 workbook of tonight's mid-year checks; None (nothing written) when no agency has sent one."""
    from pipeline.report.midyear_book import render_book  # xlsxwriter is loaded only when a book is written

    if not data.midyear:
        return None
    book = midyear_book(agencies, data.midyear, rejected, data.city.year, data.generated_at, data.lang)
    path = Path(out_dir) / midyear_file_name(data.city.year, data.generated_at, data.lang)
    write_atomically(path, lambda p: render_book(book, p))
    return path


def write_plan_book(
    agencies: Sequence[Agency],
    plans: Mapping[str, ConfirmedEntry],
    changes: Sequence[ChangeSet],
    year: int,
    generated_at: datetime,
    lang: str,
    out_dir: Path,
) -> Path:
    """The year-start plan book (성과창출계획) of the confirmed plans and the plan changes."""
    from pipeline.report.midyear_book import render_book

    book = plan_book(agencies, plans, changes, year, generated_at, lang)
    path = Path(out_dir) / plan_book_file_name(year, generated_at, lang)
    write_atomically(path, lambda p: render_book(book, p))
    return path
