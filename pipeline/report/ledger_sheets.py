"""The ledger's sheets' content: Findings (the open problems: what the checks found in each agency's latest file)
and Submissions (every file received, the trail from a score back to the archived file)."""

from __future__ import annotations

from pipeline.core.committee_layout import SHEET_GRADES
from pipeline.core.i18n import tr
from pipeline.core.model import OUTCOME_REJECTED, ReportInput
from pipeline.core.vocabulary import ERROR, OUTCOME, SEVERITY, word
from pipeline.report.labels import SHEETS, L, outcome_label, severity_label
from pipeline.report.shapes import Column, Table, wall_time

__all__ = ["findings_table", "submissions_table"]

CODE_WIDTH = 14.0
"""The findings' catalogue code column: narrow, its dotted code wraps."""


def names_by_code(data: ReportInput) -> dict[str, str]:
    return {a.code: a.name for a in data.city.agencies}


def findings_table(data: ReportInput) -> Table:
    """Every finding of each agency's latest file (an accepted one has warnings only; errors of a file since
    replaced are history, in Submissions) and of today's files no agency could be named for, with cell and fix."""
    lang = data.lang
    names = names_by_code(data)
    committee = tr(SHEET_GRADES, lang)  # what a committee workbook's row says in place of an agency
    # the problem in words first; its catalogue code in the last printed column (what a mail to the office quotes);
    # the file and agency code on screen only
    cols = (
        ("agency", "text"),
        ("severity", "severity"),
        ("sheet", "text"),
        ("cell", "code"),
        ("field", "text"),
        ("value", "longtext"),
        ("message", "longtext"),
        ("hint", "longtext"),
        ("finding_code", "longtext"),
        ("file", "text"),
        ("code", "code"),
    )
    rows = tuple(
        (
            committee if f.committee else names.get(f.agency_code or "", ""),
            severity_label(f.severity, lang),
            f.sheet,
            f.cell,
            f.field,
            f.value,
            f.message,
            f.hint,
            f.code,
            f.file_name,
            f.agency_code or "",
        )
        for f in data.findings
    )
    error = (word(SEVERITY, ERROR, lang),)
    return Table(
        sheet=tr(SHEETS["findings"], lang),
        columns=tuple(
            Column(
                tr(L[key], lang),
                kind,
                width=CODE_WIDTH if key == "finding_code" else None,
                warn_text=error if key == "severity" else (),
            )
            for key, kind in cols
        ),
        rows=rows,
        freeze_cols=1,
        print_cols=9,
    )


def submissions_table(data: ReportInput) -> Table:
    """Every file received, newest first: the trail from a score back to the archived file."""
    lang = data.lang
    names = names_by_code(data)
    committee = tr(SHEET_GRADES, lang)
    # the hashes (a machine's trail from a score to the archived file) right of the print area
    cols = (
        ("received_at", "datetime"),
        ("file", "longtext"),
        ("code", "code"),
        ("agency", "text"),
        ("outcome", "status"),
        ("errors", "int"),
        ("warnings", "int"),
        ("reason", "longtext"),
        ("hash", "code"),
        ("superseded_by", "code"),
    )
    rows = tuple(
        (
            wall_time(r.received_at),
            r.file_name,
            r.agency_code or "",
            committee if r.committee else names.get(r.agency_code or "", ""),
            outcome_label(r.outcome, lang),
            r.errors,
            r.warnings,
            r.reason,
            r.sha256[:12],
            (r.superseded_by or "")[:12],
        )
        for r in sorted(data.history, key=lambda r: r.received_at, reverse=True)
    )
    rejected = (word(OUTCOME, OUTCOME_REJECTED, lang),)
    return Table(
        sheet=tr(SHEETS["submissions"], lang),
        columns=tuple(
            Column(tr(L[key], lang), kind, warn_text=rejected if key == "outcome" else ()) for key, kind in cols
        ),
        rows=rows,
        freeze_cols=1,
        print_cols=8,
    )
