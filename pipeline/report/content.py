"""What the consolidated workbook shows, sheet by sheet, as plain values (pure: no file system, no clock, no
xlsxwriter). A wrong figure or label is found by a test on plain data; a writer only lays the values out."""

from __future__ import annotations

from pipeline.core.model import ReportInput
from pipeline.report.agencies_sheet import agencies_table
from pipeline.report.best_practices_sheet import best_practices
from pipeline.report.changes_sheet import changes_table, final_summary
from pipeline.report.departments_sheet import departments_table
from pipeline.report.goals_sheet import goals_table
from pipeline.report.ledger_sheets import findings_table, submissions_table
from pipeline.report.shapes import WorkbookContent
from pipeline.report.summary_sheet import summary_content

__all__ = ["workbook_content"]


def workbook_content(data: ReportInput) -> WorkbookContent:
    """Everything the consolidated workbook shows, sheet by sheet."""
    return WorkbookContent(
        title=data.title,
        lang=data.lang,
        generated_at=data.generated_at,
        summary=final_summary(summary_content(data), data),
        tables=(
            agencies_table(data),
            departments_table(data),
            goals_table(data),
            findings_table(data),
            submissions_table(data),
            changes_table(data),
        ),
        best=best_practices(data),
    )
