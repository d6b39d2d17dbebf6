"""목표부여 (target setting): top and floor given, or derived from the baseline ± a margin, then the shared
formula 20 + 80 × (A − L) ÷ (H − L) that the deviation method uses as well."""

from __future__ import annotations

from decimal import Decimal

from pipeline.core.i18n import tr
from pipeline.core.model import Goal
from pipeline.core.rounding import round_cents, shown
from pipeline.scoring.explain import ACTUAL, BASELINE, FLOOR, MINUS, TOP, fmt, major_note, operand, points_text
from pipeline.scoring.methods.ratio import target_rate
from pipeline.scoring.rule import HUNDRED, MethodPoints, ScoringError, direction, exact, need, where
from pipeline.settings.schema import Scoring

__all__ = ["interpolate", "range_bounds", "range_points"]

_RANGE_FLOOR_POINTS = Decimal(20)
_RANGE_SPAN_POINTS = Decimal(80)


def _margin(goal: Goal, scoring: Scoring) -> Decimal:
    return scoring.range_margin_major if goal.major else scoring.range_margin_other


@exact
def range_bounds(goal: Goal, scoring: Scoring) -> tuple[Decimal, Decimal]:
    """(H, L) for 목표부여: the template's 최고/최저목표 when both are filled, else derived from the baseline.

    Raises ScoringError when neither is possible (no baseline, baseline ≤ 0), when H = L, or when H and L are the
    wrong way round for the direction (higher-is-better needs H > L, lower-is-better H < L).
    """
    way = direction(goal)
    if goal.top is not None and goal.floor is not None:
        top, floor = need(goal, goal.top, "top target (최고목표)"), need(goal, goal.floor, "floor (최저목표)")
    else:
        if goal.baseline is None:
            raise ScoringError(
                f"{where(goal)}: fill both top (최고목표) and floor (최저목표), or a baseline (기준치) to derive them"
            )
        base = need(goal, goal.baseline, "baseline (기준치)")
        if base <= 0:
            raise ScoringError(
                f"{where(goal)}: deriving top/floor needs a baseline above 0, not {base}; "
                "fill 최고목표 and 최저목표 instead"
            )
        m = _margin(goal, scoring)
        up, down = base * (1 + m), base * (1 - m)
        top, floor = (up, down) if way == "higher" else (down, up)
    if top == floor:
        raise ScoringError(f"{where(goal)}: top and floor are both {top}; they must differ")
    if (way == "higher") != (top > floor):
        relation = "above" if way == "higher" else "below"
        raise ScoringError(f"{where(goal)}: {way}-is-better needs the top ({top}) {relation} the floor ({floor})")
    return top, floor


def interpolate(goal: Goal, top: Decimal, floor: Decimal, lang: str, derived: bool = True) -> tuple[Decimal, str]:
    """The shared 목표부여 formula 20 + 80 × (A − L) ÷ (H − L), kept within 20–100, with its text.

    Derived bounds are shown rounded (`shown`), bounds from the template as entered. Raises ScoringError when H and
    L are equal at scoring's precision (a σ or margin too small for the baseline's digits): no range to score in.
    """
    actual = need(goal, goal.actual, "actual (실적치)")
    if top == floor:
        raise ScoringError(f"{where(goal)}: top and floor are both {top}; they must differ")
    raw = _RANGE_FLOOR_POINTS + _RANGE_SPAN_POINTS * (actual - floor) / (top - floor)
    points = round_cents(min(max(raw, _RANGE_FLOOR_POINTS), HUNDRED))
    if derived:
        top, floor = shown(top), shown(floor)  # the points above used full precision
    a, h, low = operand(actual), operand(top), operand(floor)
    formula = f"20 + 80 × ({a} {MINUS} {low}) ÷ ({h} {MINUS} {low}) = "
    if raw < _RANGE_FLOOR_POINTS or raw > HUNDRED:
        formula += f"{fmt(raw, 2)} → "  # show the raw value so the clamp is visible
    text = (
        f"{tr(FLOOR, lang)} {fmt(floor)} → {tr(TOP, lang)} {fmt(top)}, {tr(ACTUAL, lang)} {fmt(actual)}: "
        f"{formula}{points_text(points, lang)}"
    )
    return points, text


def range_points(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """목표부여: top/floor given or derived from the baseline (± margin), then the shared formula."""
    top, floor = range_bounds(goal, scoring)
    derived = goal.top is None or goal.floor is None
    points, text = interpolate(goal, top, floor, lang, derived)
    if derived:  # show where H and L came from
        assert goal.baseline is not None
        margin = fmt(_margin(goal, scoring) * HUNDRED)
        major = major_note(lang) if goal.major else ""
        text = f"{tr(BASELINE, lang)} {fmt(goal.baseline)} ± {margin}%{major}: {text}"
    if derived:
        top, floor = shown(top), shown(floor)
    return MethodPoints(points=points, text=text, rate=target_rate(goal), top=top, floor=floor)
