"""Which workbook of a day's outbox folder is which: the consolidated one is told by its 검토사항 (Findings) sheet,
which neither the plan book nor the 중간점검 workbook nor a feedback copy has."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from pipeline.report.labels import SHEETS


def consolidated(day: Path) -> Path:
    """The night's consolidated workbook in `day` (outbox/<date>/)."""
    found = []
    for path in sorted(day.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            if set(SHEETS["findings"]) & set(wb.sheetnames) and not path.stem.endswith("_feedback"):
                found.append(path)
        finally:
            wb.close()
    (book,) = found
    return book
