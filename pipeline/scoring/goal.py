"""One goal's result: its method's points, then the score every method shares (득점 = weight × points ÷ 100)."""

from __future__ import annotations

from decimal import Decimal

from pipeline.core.i18n import check_lang
from pipeline.core.model import Goal, GoalResult
from pipeline.core.rounding import round_cents
from pipeline.scoring.explain import score_text
from pipeline.scoring.methods import POINTS_RULES
from pipeline.scoring.rule import HUNDRED, ScoringError, exact, need, where
from pipeline.settings.schema import Scoring

__all__ = ["score_goal"]


@exact
def score_goal(goal: Goal, scoring: Scoring, lang: str = "ko") -> GoalResult:
    """Points, score (득점 = round(weight × points ÷ 100, 2)), rate and a one-line explanation of one goal."""
    check_lang(lang)
    rule = POINTS_RULES.get(goal.method)
    if rule is None:
        raise ScoringError(f"{where(goal)}: unknown method {goal.method!r} (known: {', '.join(POINTS_RULES)})")
    weight = need(goal, goal.weight, "weight (가중치)")
    result = rule(goal, scoring, lang)
    score: Decimal | None = None
    text = result.text
    if result.points is not None:
        score = round_cents(weight * result.points / HUNDRED)
        text += score_text(weight, score, lang)
    return GoalResult(
        goal=goal,
        points=result.points,
        score=score,
        rate=result.rate,
        top=result.top,
        floor=result.floor,
        sigma=result.sigma,
        explanation=text,
    )
