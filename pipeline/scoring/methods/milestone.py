"""달성여부 (milestone): 100 points when achieved, else 0."""

from __future__ import annotations

from decimal import Decimal

from pipeline.core.layout import ACHIEVED
from pipeline.core.model import Goal
from pipeline.core.rounding import round_cents
from pipeline.scoring.explain import points_text
from pipeline.scoring.rule import HUNDRED, MethodPoints, ScoringError, where
from pipeline.settings.schema import Scoring

__all__ = ["milestone_points"]


def milestone_points(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """달성여부: 100 or 0."""
    if goal.achieved is None:
        raise ScoringError(f"{where(goal)}: actual must be 달성 or 미달성, not blank")
    points = round_cents(HUNDRED if goal.achieved else Decimal(0))
    ko, en = ACHIEVED["achieved" if goal.achieved else "missed"]
    label = en if lang == "en" else ko
    return MethodPoints(points=points, text=f"{label} → {points_text(points, lang)}")
