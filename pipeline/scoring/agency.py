"""One agency's result from its own submission: goals scored, total = Σ shown scores + Σ adjustments kept within
[0, 100 + max_bonus], and the grade. Unranked: ranks need the whole city (`scoring.city`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pipeline.core.model import STATUS_ACCEPTED, AdjustmentApplied, AgencyResult, GoalResult, Submission
from pipeline.core.rounding import CENTS, exponent
from pipeline.scoring.goal import score_goal
from pipeline.scoring.rule import HUNDRED, ScoringError
from pipeline.settings.schema import Agency, Scoring

__all__ = ["grade_for", "score_agency", "totals"]


def grade_for(total: Decimal, scoring: Scoring) -> str:
    """The first grade whose threshold the total reaches (thresholds run highest first; the last starts at 0)."""
    for name, threshold in scoring.grades:
        if total >= threshold:
            return name
    return scoring.grades[-1][0]


def _upper_bound(scoring: Scoring) -> Decimal:
    return HUNDRED + scoring.max_bonus


def totals(
    goals: Sequence[GoalResult], adjustments: Sequence[AdjustmentApplied], scoring: Scoring
) -> tuple[Decimal, Decimal]:
    """Σ shown scores, and the total: that sum + Σ adjustments, kept within [0, 100 + max_bonus]."""
    score_sum = sum((g.score for g in goals if g.score is not None), Decimal(0))
    score_sum = score_sum.quantize(CENTS)  # exact: every score has 2 decimals; keeps "0.00" rather than "0"
    raw = score_sum + sum((a.points for a in adjustments), Decimal(0))
    total = min(max(raw, Decimal(0)), _upper_bound(scoring))
    if exponent(total) > -2:
        total = total.quantize(CENTS)  # a clamped bound: same value, shown like the scores
    return score_sum, total


def score_agency(agency: Agency, submission: Submission, scoring: Scoring, lang: str) -> AgencyResult:
    """Goals scored, total = Σ shown scores + Σ adjustments kept within [0, 100 + max_bonus]; unranked yet."""
    if submission.agency.code != agency.code:
        raise ScoringError(
            f"agency {agency.code}: the submission is for agency {submission.agency.code!r}, not {agency.code!r}"
        )
    weights = sum((g.weight for g in submission.goals), Decimal(0))
    if weights != HUNDRED:
        raise ScoringError(f"agency {agency.code}: goal weights add up to {weights}, not 100")
    try:
        goals = tuple(score_goal(g, scoring, lang) for g in submission.goals)
    except ScoringError as exc:
        raise ScoringError(f"agency {agency.code}: {exc}") from exc
    adjustments = tuple(
        AdjustmentApplied(points=a.points, reason=a.reason) for a in scoring.adjustments if a.agency == agency.code
    )
    score_sum, total = totals(goals, adjustments, scoring)
    return AgencyResult(
        code=agency.code,
        name=agency.name,
        group=agency.group,
        supervising_dept=agency.supervising_dept,
        status=STATUS_ACCEPTED,
        goals=goals,
        score_sum=score_sum,
        adjustments=adjustments,
        total=total,
        grade=grade_for(total, scoring),
        provisional=any(g.pending for g in goals),
    )
