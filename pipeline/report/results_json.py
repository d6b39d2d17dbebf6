"""results.json: the same results as the workbook, for machines (see docs/results-json.md).

Pure: `results_document` turns a ReportInput into plain JSON-ready values; `write_results` writes them, indented
(`json_private.indented_json`). Numbers are rounded exactly as the workbook shows them (`core.rounding`: points,
scores, totals to 2 decimals; rates to 4 decimals of the fraction, i.e. 0.01 %), so a total read from the JSON
equals the total printed for the meeting. Codes (status, method, direction) are the canonical English codes, not
labels, so that a consumer does not depend on --lang.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from pipeline.core.model import (
    STATUS_ACCEPTED,
    AgencyResult,
    GoalResult,
    MidyearReport,
    ReportInput,
    SubmissionRecord,
)
from pipeline.core.printable import printable_json
from pipeline.core.rounding import round_cents, round_rate
from pipeline.report.json_private import indented_json
from pipeline.report.midyear_sheet import progress_counts

__all__ = ["results_document", "write_results"]

FORMAT = "agency-eval-results"
FORMAT_VERSION = 1


def number(value: Decimal | int | None, rounded: Callable[[Decimal], Decimal] | None = None) -> int | float | None:
    """A Decimal as a JSON number, rounded as the workbook shows it when `rounded` is given.

    An integral value becomes an int (20, not 20.0); otherwise a float, whose shortest repr is the decimal text
    itself for the ≤ 15 significant digits these values have (13.8 stays 13.8).
    """
    if value is None:
        return None
    d = Decimal(value)
    if rounded is not None:
        d = rounded(d)
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def submission_document(record: SubmissionRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "file": record.file_name,
        "sha256": record.sha256,
        "received_at": timestamp(record.received_at),
        "late": record.late,
    }


def goal_document(code: str, result: GoalResult) -> dict[str, Any]:
    g = result.goal
    return {
        "id": f"{code}/{g.number}",
        "number": g.number,
        "goal": g.goal,
        "indicator": g.indicator,
        "method": g.method,
        "direction": g.direction,
        "major": g.major,
        "unit": g.unit,
        "weight": number(g.weight),
        "baseline": number(g.baseline),
        "target": number(g.target),
        "top": number(result.top if result.top is not None else g.top),
        "floor": number(result.floor if result.floor is not None else g.floor),
        "actual": number(g.actual),
        "achieved": g.achieved,
        "evaluator_grade": g.grade,
        "rate": number(result.rate, round_rate),
        "points": number(result.points, round_cents),
        "score": number(result.score, round_cents),
        "pending": result.pending,
        "explanation": result.explanation,
    }


def midyear_document(report: MidyearReport | None) -> dict[str, Any] | None:
    """The agency's current mid-year check (codes, not labels), or None when it has none accepted."""
    if report is None:
        return None
    return {
        "submission": submission_document(report.record),
        "counts": progress_counts(report),
        "goals": [
            {"number": g.number, "progress": g.progress, "midyear_actual": number(g.midyear_actual), "reason": g.reason}
            for g in report.submission.goals
        ],
    }


def agency_document(
    agency: AgencyResult, record: SubmissionRecord | None, midyear: MidyearReport | None = None
) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "group": agency.group,
        "supervising_dept": agency.supervising_dept,
        "status": agency.status,
        "score_sum": number(agency.score_sum, round_cents),
        "adjustments": [
            {"points": number(a.points, round_cents), "reason": a.reason, "source": a.source}
            for a in agency.adjustments
        ],
        "total": number(agency.total, round_cents),
        "grade": agency.grade,
        "rank": agency.rank,
        "group_rank": agency.group_rank,
        "excellent": agency.excellent,
        "provisional": agency.provisional,
        "submission": submission_document(record),
        "plan_version": record.plan_version if record is not None else None,
        "goals": [goal_document(agency.code, r) for r in agency.goals] if agency.status == STATUS_ACCEPTED else [],
        "midyear": midyear_document(midyear),
    }


def previous_document(data: ReportInput, code: str) -> dict[str, Any] | None:
    """`previous`: the agency's result of the closed year before (null when it had none that year)."""
    before = (data.previous or {}).get(code)
    if before is None:
        return None
    return {"year": before.year, "total": number(before.total, round_cents), "grade": before.grade, "rank": before.rank}


def results_document(data: ReportInput) -> dict[str, Any]:
    """The JSON content: ranked agencies first (by rank, then code), then the unranked by code, as in the
    workbook's Agencies sheet."""
    agencies = sorted(data.city.agencies, key=lambda a: (a.rank is None, a.rank if a.rank is not None else 0, a.code))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "evaluation_year": data.city.year,
        "title": data.title,
        "generated_at": timestamp(data.generated_at),
        "lang": data.lang,
        "final": data.final is not None,
        "final_date": data.final.isoformat() if data.final else None,
        "agencies": [
            agency_document(
                a, data.current.get(a.code) if a.status == STATUS_ACCEPTED else None, data.midyear.get(a.code)
            )
            | ({"previous": previous_document(data, a.code)} if data.previous is not None else {})
            for a in agencies
        ],
    }


def write_results(document: dict[str, Any], path: Any) -> None:
    """UTF-8 text with Korean kept readable (\\uXXXX escapes only for what a terminal acts on and for lone
    surrogates: `printable_json`), one key per line for diffs; written piece by piece, without the whole text in
    memory at once."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(map(printable_json, indented_json(document)))
        fh.write("\n")
