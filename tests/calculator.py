"""A person with a calculator: reads a goal's explanation line (ko) and redoes it from the numbers it shows, in a
200-digit context independent of scoring's. `redo(result)` fails with an AssertionError saying which step differs.

Inputs typed in the template are shown as entered, so they are taken from the line and compared with the goal;
derived numbers (σ, bounds from a baseline) are recomputed from the inputs and compared with what is shown.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from pipeline.core.model import Goal, GoalResult
from pipeline.core.rounding import shown

CALCULATOR = Context(prec=200, rounding=ROUND_HALF_UP)
NUM = r"\(?−?[\d,]+(?:\.\d+)?\)?"

_SCORE = re.compile(rf" × 가중치 (?P<w>{NUM}) ÷ 100 = 득점 (?P<s>{NUM})$")
_RATIO_HIGHER = re.compile(rf"^실적 (?P<a>{NUM}) ÷ 목표 (?P<t>{NUM}) = (?P<rate>{NUM})% → 평점 (?P<p>{NUM})$")
_RATIO_LOWER = re.compile(
    rf"^\(2 × 목표 (?P<t>{NUM}) − 실적 (?P<a>{NUM})\) ÷ 목표 (?P=t) = (?P<rate>{NUM})% → 평점 (?P<p>{NUM})$"
)
_RATIO_ZERO = re.compile(rf"^목표 0 \(하향\): 실적 0이면 100, 아니면 0; 실적 (?P<a>{NUM}) → 평점 (?P<p>{NUM})$")
_INTERPOLATE = re.compile(
    rf"최저 (?P<l>{NUM}) → 최고 (?P<h>{NUM}), 실적 (?P<a>{NUM}): "
    rf"20 \+ 80 × \((?P<a2>{NUM}) − (?P<l2>{NUM})\) ÷ \((?P<h2>{NUM}) − (?P=l2)\) = "
    rf"(?:(?P<raw>{NUM}) → )?평점 (?P<p>{NUM})$"
)
_MARGIN = re.compile(rf"^기준 (?P<b>{NUM}) ± (?P<m>{NUM})%(?: \(주요사업\))?: ")
_DEVIATION = re.compile(
    rf"^과거실적 (?P<past>.+)의 표준편차 σ (?P<sigma>{NUM}); 기준(?:\(최근 실적\))? (?P<b>{NUM}) ± (?P<k>{NUM}) × "
    rf"(?P=sigma)(?: \(주요사업\))?: "
)


def number(text: str) -> Decimal:
    """A number as the line writes it: thousands separators, the typographic minus, parentheses round negatives."""
    return Decimal(text.strip("()").replace(",", "").replace("−", "-"))


def cents(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CALCULATOR)


def clamp(value: Decimal, low: int, high: int) -> Decimal:
    return min(max(value, Decimal(low)), Decimal(high))


def redo(result: GoalResult) -> None:
    """Redo one scored goal's line; its points and score must come out as shown, and as stored."""
    goal, line = result.goal, result.explanation
    score = _SCORE.search(line)
    assert score, line
    body = line[: score.start()]
    with localcontext(CALCULATOR):
        points = _points(goal.method, goal, body)
        weight = number(score["w"])
        assert weight == goal.weight, line
        assert number(score["s"]) == cents(weight * points / 100) == result.score, line
    assert points == result.points, line


def _points(method: str, goal: Goal, body: str) -> Decimal:
    if method == "ratio":
        return _ratio(goal, body)
    if method == "range":
        return _range(goal, body)
    if method == "deviation":
        return _deviation(goal, body)
    found = re.search(rf"평점 ({NUM})$", body)
    assert found, body
    return number(found[1])


def _ratio(goal: Goal, body: str) -> Decimal:
    zero = _RATIO_ZERO.match(body)
    if zero:
        assert number(zero["a"]) == goal.actual, body
        expected = Decimal(100) if number(zero["a"]) == 0 else Decimal(0)
        assert number(zero["p"]) == cents(expected), body
        return number(zero["p"])
    found = _RATIO_HIGHER.match(body) or _RATIO_LOWER.match(body)
    assert found, body
    a, t = number(found["a"]), number(found["t"])
    assert (a, t) == (goal.actual, goal.target), body
    rate = a / t if goal.direction == "higher" else (2 * t - a) / t
    # The rate is kept to 0.01 % (GoalResult.rate, the reports) and shown from that: 2.893481 → 289.35 % → 289.4 %.
    stored = cents(rate, 4)
    assert number(found["rate"]) == cents(stored * 100, 2 if 0 <= stored <= 1 else 1), body
    assert number(found["p"]) == cents(100 * clamp(rate, 0, 1)), body
    return number(found["p"])


def _interpolate(body: str, top: Decimal, floor: Decimal, actual: Decimal, derived: bool = True) -> Decimal:
    """The shared formula, from the exact bounds; the line shows derived bounds rounded (`shown`), others as is."""
    found = _INTERPOLATE.search(body)
    assert found, body
    assert number(found["a"]) == number(found["a2"]) == actual, body
    assert number(found["l"]) == number(found["l2"]) == (shown(floor) if derived else floor), body
    assert number(found["h"]) == number(found["h2"]) == (shown(top) if derived else top), body
    raw = 20 + 80 * (actual - floor) / (top - floor)
    if found["raw"] is None:
        assert 20 <= cents(raw) <= 100, body
    else:  # the clamp shown: the raw value to 2 decimals (to 30 significant digits when it is that large)
        assert abs(number(found["raw"]) - raw) <= max(Decimal("0.005"), abs(raw) * Decimal("1E-30")), body
    assert number(found["p"]) == cents(clamp(raw, 20, 100)), body
    return number(found["p"])


def _range(goal: Goal, body: str) -> Decimal:
    margin = _MARGIN.match(body)
    assert goal.actual is not None
    if margin is None:  # bounds from the template, shown as entered
        assert goal.top is not None and goal.floor is not None
        return _interpolate(body, goal.top, goal.floor, goal.actual, derived=False)
    base, m = number(margin["b"]), number(margin["m"]) / 100
    assert base == goal.baseline, body
    up, down = base * (1 + m), base * (1 - m)
    top, floor = (up, down) if goal.direction == "higher" else (down, up)
    return _interpolate(body, top, floor, goal.actual)


def _deviation(goal: Goal, body: str) -> Decimal:
    found = _DEVIATION.match(body)
    assert found and goal.actual is not None, body
    past = [number(v) for v in found["past"].split(", ")]
    assert tuple(past) == goal.past, body
    mean = sum(past, Decimal(0)) / len(past)
    sigma = (sum(((v - mean) ** 2 for v in past), Decimal(0)) / (len(past) - 1)).sqrt()
    assert number(found["sigma"]) == shown(sigma), body
    base, k = number(found["b"]), number(found["k"])
    assert base == (past[-1] if goal.baseline is None else goal.baseline), body
    up, down = base + k * sigma, base - k * sigma
    top, floor = (up, down) if goal.direction == "higher" else (down, up)
    return _interpolate(body, top, floor, goal.actual)
