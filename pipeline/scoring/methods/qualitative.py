"""정성평가 (qualitative): the evaluators' grade → points from `[scoring].qualitative_points`; no grade yet
leaves the goal pending (the agency's total provisional)."""

from __future__ import annotations

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import QUALITATIVE_GRADES
from pipeline.core.model import Goal
from pipeline.core.rounding import round_cents
from pipeline.scoring.explain import fmt
from pipeline.scoring.rule import MethodPoints, ScoringError, where
from pipeline.settings.schema import Scoring

__all__ = ["qualitative_points"]

_GRADED: Text = ("평가등급 {grade} → 평점 {points}", "evaluators' grade {grade} ({label}) → points {points}")
_PENDING: Text = (
    "평가등급 미입력 — 평가위원 등급 대기 중 (잠정), 가중치 {weight}",
    "no evaluators' grade yet — awaiting the evaluators' grade (provisional), weight {weight}",
)


def qualitative_points(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """정성평가: the evaluators' grade → points from [scoring].qualitative_points; no grade yet = pending."""
    if goal.grade is None:
        return MethodPoints(points=None, text=tr(_PENDING, lang, weight=fmt(goal.weight)))
    if goal.grade not in scoring.qualitative_points:
        known = ", ".join(scoring.qualitative_points)
        raise ScoringError(f"{where(goal)}: unknown evaluators' grade {goal.grade!r} (known: {known})")
    points = round_cents(scoring.qualitative_points[goal.grade])
    label = QUALITATIVE_GRADES.get(goal.grade, (goal.grade, goal.grade))[1]
    return MethodPoints(points=points, text=tr(_GRADED, lang, grade=goal.grade, label=label, points=fmt(points, 2)))
