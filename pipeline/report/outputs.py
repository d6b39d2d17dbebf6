"""The night's report files: their names, and writing the consolidated workbook and results.json into the day's
output folder. The one module that brings content and writers together; nothing imports it back but the night."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.i18n import Text, tr
from pipeline.core.model import ReportInput
from pipeline.report.content import workbook_content
from pipeline.report.results_json import results_document, write_results
from pipeline.system.atomic import write_atomically
from pipeline.system.child_job import in_child

__all__ = ["ReportPaths", "output_names", "write_outputs"]

RESULTS_WORD: Text = ("결과", "results")
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
    """(workbook file name, ASCII-safe name for mail attachments). The name is the configured title's words
    joined by `_`, then "결과" (unless the title ends with it) and the date: `2026년_…_평가_결과_2026-12-01.xlsx`."""
    values = {"year": data.city.year, "date": f"{data.generated_at:%Y-%m-%d}"}
    return f"{title_stem(data.title, data.city.year, data.lang)}_{values['date']}.xlsx", ASCII_NAME.format(**values)


_NOT_IN_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]')
MAX_TITLE_BYTES = 150
"""Room for the date and `.xlsx` within the usual 255-byte limit of a file name."""


def title_stem(title: str, year: int, lang: str) -> str:
    """The title as a file name's stem: what a path, Windows or a terminal would take amiss gone, spaces as `_`."""
    words = _NOT_IN_NAME.sub(" ", unicodedata.normalize("NFC", title)).split()
    stem = "_".join(words).encode()[:MAX_TITLE_BYTES].decode("utf-8", errors="ignore").strip("._") or str(year)
    done = any(stem.lower().endswith(word) for word in RESULTS_WORD)  # "…평가 결과" run with --lang en too
    return stem if done else f"{stem}_{tr(RESULTS_WORD, lang)}"


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
