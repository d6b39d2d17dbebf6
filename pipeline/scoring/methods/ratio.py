"""목표대비 (target ratio): points = 100 × achievement rate, clamped to 0–100; and the rate the other
quantitative methods show when a target is filled."""

from __future__ import annotations

from decimal import Decimal

from pipeline.core.i18n import Text, tr
from pipeline.core.model import Goal
from pipeline.core.rounding import plain, round_cents, round_rate
from pipeline.scoring.explain import ACTUAL, MINUS, TARGET, fmt, operand, percent, points_text
from pipeline.scoring.rule import HUNDRED, MethodPoints, ScoringError, direction, exact, need, where
from pipeline.settings.schema import Scoring

__all__ = ["ratio_points", "ratio_rate", "target_rate"]

_ZERO_TARGET: Text = (
    "목표 0 (하향): 실적 0이면 100, 아니면 0; 실적 {actual} → 평점 {points}",
    "target 0 (lower is better): 100 if the actual is 0, else 0; actual {actual} → points {points}",
)


@exact
def ratio_rate(goal: Goal) -> Decimal:
    """Unclamped rate of the target-ratio method: A ÷ T, (2T − A) ÷ T when lower is better, 1/0 for a zero target.

    Raises ScoringError when higher-is-better has T ≤ 0, lower-is-better has T < 0 (no meaningful ratio), or a
    zero target has a negative actual (the spec's "1 if A = 0 else 0" would punish a better-than-zero result).
    """
    way = direction(goal)
    target = need(goal, goal.target, "target (목표치)")
    actual = need(goal, goal.actual, "actual (실적치)")
    if way == "higher":
        if target <= 0:
            raise ScoringError(
                f"{where(goal)}: higher-is-better needs a target above 0, not {target}; "
                "use the range method (목표부여) for such indicators"
            )
        return actual / target
    if target < 0:
        raise ScoringError(f"{where(goal)}: lower-is-better needs a target of 0 or more, not {target}")
    if target == 0:
        if actual < 0:  # "1 if A = 0 else 0" would score a better-than-zero result 0: not a count, refuse
            raise ScoringError(
                f"{where(goal)}: a zero target (lower is better) counts occurrences; the actual cannot be "
                f"negative ({actual}); use the range method (목표부여) for such indicators"
            )
        return Decimal(1) if actual == 0 else Decimal(0)
    return (2 * target - actual) / target


def stored_rate(rate: Decimal) -> Decimal:
    """The rate kept in GoalResult: 4 decimals (0.01%), where 100 × rate equals the unclamped points exactly."""
    return plain(round_rate(rate))


def target_rate(goal: Goal) -> Decimal | None:
    """Rate shown for range/deviation: the ratio method's rate when a usable target is given, else None.

    Direction-aware (lower: (2T − A) ÷ T) so that beating a lower-is-better target never shows as under 100%.
    """
    try:
        return stored_rate(ratio_rate(goal))
    except ScoringError:
        return None


def ratio_points(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """목표대비: points = 100 × rate, clamped to 0–100."""
    exact_rate = ratio_rate(goal)
    points = round_cents(HUNDRED * min(max(exact_rate, Decimal(0)), Decimal(1)))
    rate = stored_rate(exact_rate)  # shown and stored; the points above used the exact rate
    target, actual = goal.target, goal.actual
    assert target is not None and actual is not None  # checked by ratio_rate
    a, t = tr(ACTUAL, lang), tr(TARGET, lang)
    if goal.direction == "lower" and target == 0:
        text = tr(_ZERO_TARGET, lang, actual=fmt(actual), points=fmt(points, 2))
    elif goal.direction == "lower":
        text = (
            f"(2 × {t} {fmt(target)} {MINUS} {a} {operand(actual)}) ÷ {t} {fmt(target)} = "
            f"{percent(rate)} → {points_text(points, lang)}"
        )
    else:
        text = f"{a} {fmt(actual)} ÷ {t} {fmt(target)} = {percent(rate)} → {points_text(points, lang)}"
    return MethodPoints(points=points, text=text, rate=rate)
