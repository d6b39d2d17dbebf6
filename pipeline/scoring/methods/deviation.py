"""목표부여(편차) (deviation): top and floor = baseline ± k × the sample σ of the past results, then the range
method's formula."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pipeline.core.i18n import Text, tr
from pipeline.core.model import Goal
from pipeline.core.rounding import shown
from pipeline.scoring.explain import BASELINE, BASELINE_LATEST, fmt, major_note
from pipeline.scoring.methods.range import interpolate
from pipeline.scoring.methods.ratio import target_rate
from pipeline.scoring.rule import MethodPoints, ScoringError, direction, exact, need, where
from pipeline.settings.schema import Scoring

__all__ = ["deviation_bounds", "deviation_points", "sample_sigma"]

_PAST: Text = ("과거실적 {values}의 표준편차 σ {sigma}", "past results {values}: sample σ {sigma}")


@exact
def sample_sigma(values: Sequence[Decimal]) -> Decimal:
    """Sample standard deviation (n − 1), exact to 34 digits. Needs at least two values."""
    n = len(values)
    if n < 2:
        raise ScoringError(f"a standard deviation needs at least 2 values, not {n}")
    mean = sum(values, Decimal(0)) / n
    variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)
    return variance.sqrt()


@exact
def deviation_bounds(goal: Goal, scoring: Scoring) -> tuple[Decimal, Decimal, Decimal]:
    """(H, L, σ) for 목표부여(편차): B ± kσ, B = 기준치 or, when blank, the most recent past result.

    Raises ScoringError (saying to use `range` instead) for fewer than 3 past results, σ = 0, or a σ so small next
    to B that B ± kσ are equal at 34 digits. More than five past results are all used: limiting them is the
    template's and the validator's business.
    """
    way = direction(goal)
    past = goal.past
    if len(past) < 3:
        raise ScoringError(
            f"{where(goal)}: the deviation method needs 3 to 5 past results (과거실적), not {len(past)}; "
            "use the range method (목표부여) instead"
        )
    for value in past:
        need(goal, value, "a past result (과거실적)")
    sigma = sample_sigma(past)
    if sigma == 0:
        raise ScoringError(
            f"{where(goal)}: the past results do not vary (σ = 0); use the range method (목표부여) instead"
        )
    base = past[-1] if goal.baseline is None else need(goal, goal.baseline, "baseline (기준치)")
    k = scoring.deviation_k_major if goal.major else scoring.deviation_k_other
    up, down = base + k * sigma, base - k * sigma
    if up == down:
        raise ScoringError(
            f"{where(goal)}: σ {sigma} is too small next to the baseline {base} to set a top and a floor; "
            "use the range method (목표부여) instead"
        )
    top, floor = (up, down) if way == "higher" else (down, up)
    return top, floor, sigma


def deviation_points(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """목표부여(편차): top/floor = B ± kσ from the past results, then the shared formula."""
    top, floor, sigma = deviation_bounds(goal, scoring)
    points, text = interpolate(goal, top, floor, lang)
    k = scoring.deviation_k_major if goal.major else scoring.deviation_k_other
    base_label = BASELINE_LATEST if goal.baseline is None else BASELINE
    base = goal.past[-1] if goal.baseline is None else goal.baseline
    sigma = shown(sigma)
    past = tr(_PAST, lang, values=", ".join(fmt(v) for v in goal.past), sigma=fmt(sigma))
    major = major_note(lang) if goal.major else ""
    text = f"{past}; {tr(base_label, lang)} {fmt(base)} ± {fmt(k)} × {fmt(sigma)}{major}: {text}"
    return MethodPoints(
        points=points,
        text=text,
        rate=target_rate(goal),
        top=shown(top),
        floor=shown(floor),
        sigma=sigma,
    )
