"""Last year beside this year: the closed year's results read back (its `results.json`, the documented machine
format, rather than its ledger, whose schema and scoring settings belong to that year), and the comparisons the
sheets show. `previous_results` is pure; `read_previous` is the one read of the file, done once per report.

A closed year lives under the home in `years/<year>/` (`pipeline rollover`); its results.json is the final one of
that year."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import ACHIEVED, choice_label
from pipeline.core.model import AgencyResult, Goal, PreviousAgency, PreviousGoal
from pipeline.core.rounding import round_cents
from pipeline.report.meeting_labels import M
from pipeline.report.shapes import Column, Value
from pipeline.settings.home import year_folder

__all__ = [
    "RESULTS_NAME",
    "comparison_columns",
    "comparison_values",
    "previous_actual",
    "previous_results",
    "rank_change",
    "read_previous",
    "year_folder",
]

RESULTS_NAME = "results.json"
UP, DOWN, SAME = "▲", "▼", "-"

T_UNREADABLE: Text = (
    "지난해({year}) 결과 {path}를 읽지 못해 전년 비교 없이 만들었습니다: {error}",
    "last year's ({year}) results {path} could not be read, so there is no comparison with last year: {error}",
)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def previous_results(document: dict[str, Any]) -> dict[str, PreviousAgency]:
    """Agency code → its result in a results.json document (`docs/results-json.md`); an agency without a total
    that year (미제출, 반려) had no result to compare with, and is left out."""
    year = int(document["evaluation_year"])
    out = {}
    for a in document["agencies"]:
        if a.get("total") is None:
            continue
        goals = {
            (str(g["number"]), str(g["indicator"])): PreviousGoal(
                actual=_decimal(g.get("actual")), achieved=g.get("achieved"), grade=g.get("evaluator_grade")
            )
            for g in a.get("goals") or ()
        }
        rank = a.get("rank")
        out[str(a["code"])] = PreviousAgency(
            year=year,
            total=_decimal(a.get("total")),
            grade=a.get("grade"),
            rank=rank if isinstance(rank, int) and not isinstance(rank, bool) else None,
            goals=goals,
        )
    return out


def read_previous(home: Path, year: int, lang: str) -> tuple[dict[str, PreviousAgency] | None, str | None]:
    """(last year's results, a problem to tell): (None, None) when the year before `year` was never closed here
    (the first year says nothing about it); (None, problem) when it was but its results cannot be read."""
    path = year_folder(home, year - 1) / RESULTS_NAME
    if not path.is_file():
        return None, None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        found = previous_results(document)
        if int(document["evaluation_year"]) != year - 1:
            raise ValueError(f"evaluation_year {document['evaluation_year']}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, tr(T_UNREADABLE, lang, year=year - 1, path=str(path), error=str(exc) or type(exc).__name__)
    return found, None


def rank_change(before: int | None, now: int | None) -> str | None:
    """`▲2` (up two places), `▼1`, `-` (same place); None when either year has no rank."""
    if before is None or now is None:
        return None
    if before == now:
        return SAME
    return f"{UP}{before - now}" if now < before else f"{DOWN}{now - before}"


def comparison_columns(lang: str) -> tuple[Column, ...]:
    """전년 총점, 전년 등급, 순위 변화: the columns a sheet adds when last year's results exist."""
    return (
        Column(tr(M["prev_total"], lang), "score"),
        Column(tr(M["prev_grade"], lang), "grade"),
        Column(tr(M["rank_change"], lang), "code"),
    )


def comparison_values(previous: dict[str, PreviousAgency], agency: AgencyResult) -> tuple[Value, Value, Value]:
    """Last year's total and grade and the change of rank, for one agency (empty when it had no result)."""
    before = previous.get(agency.code)
    if before is None:
        return None, "", None
    return round_cents(before.total), before.grade or "", rank_change(before.rank, agency.rank)


def previous_actual(previous: dict[str, PreviousAgency] | None, code: str, goal: Goal, lang: str) -> Value:
    """Last year's actual of a goal that existed last year (same number and indicator), as this year's is shown."""
    before = (previous or {}).get(code)
    past = before.goals.get((goal.number, goal.indicator)) if before else None
    if past is None:
        return None
    if past.achieved is not None:
        return tr(ACHIEVED["achieved" if past.achieved else "missed"], lang)
    if past.grade:
        return choice_label("grade", past.grade, lang)
    return past.actual
