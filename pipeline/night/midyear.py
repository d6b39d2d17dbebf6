"""Tonight's mid-year checks (중간점검): each agency's current accepted mid-year file, read from the ledger's kept
submission (never the workbook again), and the 중간점검 workbook written beside the consolidated one when any exist.

A mid-year file is accepted and stored, never scored: it reaches the report as a `MidyearReport`.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.layout import KIND_MIDYEAR
from pipeline.core.model import OUTCOME_REJECTED, MidyearReport, ReportInput
from pipeline.night.ledger import FileRow, Ledger
from pipeline.night.records import submission_record
from pipeline.night.submission_text import parse_submission
from pipeline.report.midyear_outputs import write_midyear_book
from pipeline.settings.schema import Config

__all__ = ["midyear_reports", "write_midyear"]


def midyear_reports(ledger: Ledger, config: Config, lang: str) -> dict[str, MidyearReport]:
    """Agency code → its current accepted mid-year check (registered agencies only)."""
    out = {}
    for code, row in ledger.current(KIND_MIDYEAR).items():
        if config.agency(code) is None:
            continue
        text = ledger.submission_text(row.id)
        if text:
            out[code] = MidyearReport(submission_record(row, lang), parse_submission(text, sources=False))
    return out


def rejected_midyear(rows: list[FileRow], reports: dict[str, MidyearReport]) -> set[str]:
    """Agencies whose mid-year files were all rejected (반려 among those not reported)."""
    return {
        r.agency for r in rows if r.agency and r.outcome == OUTCOME_REJECTED and r.submission_kind == KIND_MIDYEAR
    } - set(reports)


def write_midyear(ledger: Ledger, config: Config, data: ReportInput, out_dir: Path) -> Path | None:
    """The 중간점검 workbook into `out_dir` when any agency has a mid-year check; its path, or None."""
    if not data.midyear:
        return None
    rejected = rejected_midyear(ledger.received(), data.midyear)
    return write_midyear_book(data, config.agencies, rejected, out_dir)
