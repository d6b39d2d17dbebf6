"""The night's report files: their names, and writing the consolidated workbook and results.json into the day's
output folder. The one module that brings content and writers together; nothing imports it back but the night."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.i18n import Text, tr
from pipeline.core.model import ReportInput
from pipeline.report.content import workbook_content
from pipeline.report.results_json import results_document, write_results
from pipeline.system.atomic import write_atomically
from pipeline.system.child_job import in_child

__all__ = ["ReportPaths", "output_names", "write_outputs"]

FILE_NAME: Text = ("{year}년_공공기관_성과평가_결과_{date}.xlsx", "{year}_agency_evaluation_results_{date}.xlsx")
ASCII_NAME = "evaluation-{year}-results-{date}.xlsx"
RESULTS_JSON = "results.json"


@dataclass(frozen=True)
class ReportPaths:
    """Where write_outputs put things; `workbook_ascii_name` is the attachment name for mail clients that
    mangle non-ASCII file names."""

    workbook: Path
    workbook_ascii_name: str
    results_json: Path


def output_names(data: ReportInput) -> tuple[str, str]:
    """(workbook file name in the output language, ASCII-safe name for mail attachments)."""
    values = {"year": data.city.year, "date": f"{data.generated_at:%Y-%m-%d}"}
    return tr(FILE_NAME, data.lang, **values), ASCII_NAME.format(**values)


def write_outputs(data: ReportInput, out_dir: Path) -> ReportPaths:
    """Write the consolidated workbook and results.json into `out_dir` (which the caller creates)."""
    from pipeline.report.xlsx_writer import render_workbook  # xlsxwriter is loaded only when a report is written

    out_dir = Path(out_dir)
    workbook_name, ascii_name = output_names(data)
    workbook = out_dir / workbook_name
    results = out_dir / RESULTS_JSON
    # results.json is made in a forked child (`child_job.in_child`) while this process renders the workbook: the
    # second core is otherwise idle here. Each file is renamed into place whole; both are a pure function of the
    # ledger, so a failure between them is repaired by the next run. The workbook's content is rendered and
    # dropped (at 10,000 agencies it is hundreds of MB).
    results_written = in_child(lambda: write_atomically(results, lambda p: write_results(results_document(data), p)))
    try:
        content = [workbook_content(data)]
        write_atomically(workbook, lambda p: render_workbook(content[0], p))
        content.clear()
    finally:
        results_written.result()
    return ReportPaths(workbook=workbook, workbook_ascii_name=ascii_name, results_json=results)
