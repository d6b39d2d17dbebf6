"""The Goals sheet's content: every goal of every accepted submission, each with the line that explains its
score; low achievement and low points shaded."""

from __future__ import annotations

from decimal import Decimal

from pipeline.core.i18n import tr
from pipeline.core.layout import ACHIEVED, QUANTITATIVE_METHODS, choice_label
from pipeline.core.model import STATUS_ACCEPTED, GoalResult, ReportInput
from pipeline.core.rounding import round_cents, round_rate
from pipeline.report.labels import SHEETS, L
from pipeline.report.meeting_labels import M
from pipeline.report.order import in_sheet_order
from pipeline.report.previous import previous_actual
from pipeline.report.shapes import Column, Table, Value

__all__ = ["goals_table"]

PRINTED = 12
"""The Goals sheet's printed columns: agency … explanation (`goals_table`)."""

LOW_RATE = Decimal("0.8")
"""Achievement below 80 % of the target is shaded on the Goals sheet (below 100 % is too common to stand out)."""
LOW_POINTS = Decimal(60)
"""Points below this (a D-level goal) are shaded on the Goals sheet."""


def goal_actual(result: GoalResult, lang: str) -> Value:
    """The actual as the submitter meant it: a number, 달성/미달성, or the evaluators' grade."""
    goal = result.goal
    if goal.method == "milestone":
        if goal.achieved is None:
            return None
        return tr(ACHIEVED["achieved" if goal.achieved else "missed"], lang)
    if goal.method == "qualitative":
        if goal.grade:
            return choice_label("grade", goal.grade, lang)
        return tr(L["pending"] if result.pending else L["committee_graded"], lang)
    return goal.actual


def goals_table(data: ReportInput) -> Table:
    """Every goal of every accepted submission, each with the line that explains its score."""
    lang = data.lang
    # what a printed page needs first (PRINTED columns: the explanation line shows the baseline, top and floor
    # it used); the rest stays on screen, right of the print area
    cols = (
        ("agency", "longtext"),
        ("number", "code"),
        ("indicator", "longtext"),
        ("method", "longtext"),
        ("unit", "code"),
        ("weight", "qty"),
        ("target", "qty"),
        ("actual", "qty"),
        ("rate", "pct"),
        ("points", "score"),
        ("score", "score"),
        ("explanation", "longtext"),
        ("goal", "longtext"),
        ("strategy", "longtext"),
        ("direction", "code"),
        ("major", "code"),
        ("baseline", "qty"),
        ("top", "qty"),
        ("floor", "qty"),
        ("evidence", "longtext"),
    )
    pending = tr(L["pending"], lang)
    rows = []
    for a in in_sheet_order(data.city.agencies):
        if a.status != STATUS_ACCEPTED:
            continue
        for r in a.goals:
            g = r.goal
            quantitative = g.method in QUANTITATIVE_METHODS
            rows.append(
                (
                    a.name,
                    g.number,
                    g.indicator,
                    choice_label("method", g.method, lang),
                    g.unit,
                    g.weight,
                    g.target,
                    goal_actual(r, lang),
                    round_rate(r.rate),
                    pending if r.pending else round_cents(r.points),
                    pending if r.pending else round_cents(r.score),
                    r.explanation,
                    g.goal,
                    g.strategy,
                    choice_label("direction", g.direction, lang) if quantitative else "",
                    choice_label("major", "Y" if g.major else "N", lang),
                    g.baseline,
                    r.top if r.top is not None else g.top,
                    r.floor if r.floor is not None else g.floor,
                    g.evidence,
                    *([previous_actual(data.previous, a.code, g, lang)] if data.previous is not None else []),
                )
            )
    warn = {"rate": LOW_RATE, "points": LOW_POINTS}
    return Table(
        sheet=tr(SHEETS["goals"], lang),
        columns=tuple(Column(tr(L[key], lang), kind, warn_below=warn.get(key)) for key, kind in cols)
        + ((Column(tr(M["prev_actual"], lang), "qty"),) if data.previous is not None else ()),  # same number, indicator
        rows=tuple(rows),
        freeze_cols=2,
        print_cols=PRINTED,
    )
