"""The Agencies sheet's content: every registered agency, also those that sent nothing: the office's checklist."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pipeline.core.i18n import tr
from pipeline.core.model import (
    STATUS_ACCEPTED,
    STATUS_MISSING,
    STATUS_REJECTED,
    AgencyResult,
    ReportInput,
    SubmissionRecord,
)
from pipeline.core.rounding import round_cents
from pipeline.core.vocabulary import LATE, STATUS, word
from pipeline.report.labels import SHEETS, L, status_label
from pipeline.report.order import in_sheet_order
from pipeline.report.previous import comparison_columns, comparison_values
from pipeline.report.shapes import Column, Table, wall_time

__all__ = ["agencies_table"]

PRINTED = 15
"""The Agencies sheet's printed columns: code … provisional. Group and department (on 감독부서별 and each agency's
page), last year's columns (on 요약 and each agency's page) and the time of the file are right of the print area:
the sheet has no more room on A4 at 8 pt."""


def signed(points: Decimal) -> str:
    """'+1.00' / '-0.50': the sign is the point of an adjustment."""
    return f"{round_cents(points):+.2f}"


def adjustments_text(agency: AgencyResult, lang: str = "ko") -> str:
    """Each adjustment signed, with its reason and where it came from (위원회: the committee sheet; 설정:
    `[[adjustments]]` of pipeline.toml)."""
    return "; ".join(f"{signed(a.points)} {a.reason} ({tr(L['source_' + a.source], lang)})" for a in agency.adjustments)


def adjustments_sum(agency: AgencyResult) -> Decimal | None:
    if not agency.adjustments:
        return None
    return round_cents(sum((a.points for a in agency.adjustments), Decimal(0)))


def latest_record(history: Sequence[SubmissionRecord], code: str) -> SubmissionRecord | None:
    """The most recent file received from an agency (used for a rejected agency, which has no current one)."""
    own = [r for r in history if r.agency_code == code]
    return max(own, key=lambda r: r.received_at) if own else None


def agencies_table(data: ReportInput) -> Table:
    """Every registered agency, also those that sent nothing: the office's checklist."""
    lang = data.lang
    # printed: code … provisional (PRINTED); the rest right of the print area
    cols = (
        ("code", "code"),
        ("agency", "longtext"),
        ("status", "status"),
        ("plan_version_col", "int"),
        ("late_col", "mark"),
        ("n_goals_col", "int"),
        ("score_sum", "score"),
        ("adjustment", "score"),
        ("adjustment_reasons", "longtext"),
        ("total", "score"),
        ("grade", "grade"),
        ("rank", "int"),
        ("group_rank", "int"),
        ("excellent_col", "mark"),
        ("provisional_col", "mark"),
        ("group", "longtext"),
        ("dept", "longtext"),
    )
    compared = data.previous is not None
    rows = []
    for a in in_sheet_order(data.city.agencies):
        record = data.current.get(a.code) if a.status == STATUS_ACCEPTED else latest_record(data.history, a.code)
        if a.status == STATUS_MISSING:
            record = None
        rows.append(
            (
                a.code,
                a.name,
                status_label(a.status, lang),
                record.plan_version if record and a.status == STATUS_ACCEPTED else None,
                tr(LATE, lang) if record and a.status == STATUS_ACCEPTED and record.late else "",
                len(a.goals) if a.status == STATUS_ACCEPTED else None,
                round_cents(a.score_sum),
                adjustments_sum(a),
                adjustments_text(a, lang),
                round_cents(a.total),
                a.grade or "",
                a.rank,
                a.group_rank,
                tr(L["mark_excellent"], lang) if a.excellent else "",
                tr(L["mark_provisional"], lang) if a.provisional else "",
                a.group,
                a.supervising_dept,
                *(comparison_values(data.previous, a) if compared else ()),
                wall_time(record.received_at) if record else None,
            )
        )
    bad = (word(STATUS, STATUS_REJECTED, lang), word(STATUS, STATUS_MISSING, lang))
    return Table(
        sheet=tr(SHEETS["agencies"], lang),
        columns=tuple(Column(tr(L[key], lang), kind, warn_text=bad if key == "status" else ()) for key, kind in cols)
        + (comparison_columns(lang) if compared else ())
        + (Column(tr(L["submitted_at"], lang), "datetime"),),
        rows=tuple(rows),
        freeze_cols=2,
        print_cols=PRINTED,
    )
