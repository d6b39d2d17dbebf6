"""The city's scoring rules (../shared/SCORING.md) as a pure core: goals and settings in, explained results out.

No I/O, no clock, no randomness: the same submissions and `[scoring]` settings always give the same CityResult,
so a printed sheet can be checked with a calculator and a re-run never changes a published number.

Public API
----------
- `score_goal(goal, scoring, lang="ko") -> GoalResult`: points, score, rate and a one-line explanation.
- `score_city(config, submissions, rejected=(), lang=None) -> CityResult`: totals, grades, ranks, 우수기관.
  It is `score_agency` for each submission, then `rank_city`: an agency's own score never depends on the others,
  so the batch scores each submission as it is accepted (in the worker that read it) and keeps only the result.
- `explain_total(agency, lang="ko") -> str`: the line that reproduces an agency's total from its shown scores and
  adjustments (the report prints it under the goal rows).

Helpers the validator may reuse (so that a rule lives in one place); each raises `ScoringError` with a message
that names the goal and says what to fill in instead:
- `ratio_rate(goal) -> Decimal`: the unclamped achievement rate of the target-ratio method.
- `range_bounds(goal, scoring) -> (H, L)`: top and floor used by `range` (given, or derived from the baseline).
- `deviation_bounds(goal, scoring) -> (H, L, sigma)`: top, floor and sample σ used by `deviation`.
- `sample_sigma(values) -> Decimal`: sample standard deviation (n − 1).
- `grade_for(total, scoring) -> str` and `competition_ranks(totals) -> list[int]` (1, 2, 2, 4).

Adding a method means writing one `(goal, scoring, lang) -> MethodPoints` function and adding it to
`POINTS_RULES`; everything after points (score, totals, ranks, explanations' tail) is shared.

Arithmetic: `decimal.Decimal` in a private context (34 digits), independent of the caller's global context.
Rounding happens only where the spec names it, half-up: points to 2 decimals, then score = weight × points ÷ 100
to 2 decimals. σ and derived top/floor are kept at full precision for the points; they are shown (and stored in
GoalResult) rounded to 4 decimals, which is enough to redo the sum with a calculator. The achievement rate is
stored rounded to 4 decimals (0.01%): inside 0–100% that is exactly points ÷ 100, so the two never disagree.

Achievement rate (GoalResult.rate, unclamped, for people): ratio as the spec says; range and deviation use the
same direction-aware formula when a usable target (목표치) is filled, else None; milestone and qualitative None.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import wraps
from typing import ParamSpec, TypeVar

from pipeline.core.i18n import Text, check_lang, tr
from pipeline.core.layout import ACHIEVED, QUALITATIVE_GRADES
from pipeline.core.model import (
    STATUS_ACCEPTED,
    STATUS_MISSING,
    STATUS_REJECTED,
    AdjustmentApplied,
    AgencyResult,
    CityResult,
    Goal,
    GoalResult,
    Submission,
)
from pipeline.settings.schema import EXCELLENCE_RULES, Agency, Config, Excellence, Scoring

__all__ = [
    "POINTS_RULES",
    "MethodPoints",
    "PointsRule",
    "ScoringError",
    "competition_ranks",
    "deviation_bounds",
    "explain_total",
    "grade_for",
    "range_bounds",
    "ratio_rate",
    "sample_sigma",
    "rank_city",
    "score_agency",
    "score_city",
    "score_goal",
]


class ScoringError(ValueError):
    """An input the validator should have rejected: scoring refuses to guess a number that decides a year."""


# --- exact arithmetic --------------------------------------------------------------------------------------------
_CTX = Context(prec=34, rounding=ROUND_HALF_UP)
_CENT = Decimal("0.01")
_SHOWN = Decimal("0.0001")  # σ and derived bounds are shown and stored to 4 decimals
_HUNDRED = Decimal(100)
_RANGE_FLOOR_POINTS = Decimal(20)
_RANGE_SPAN_POINTS = Decimal(80)
_MINUS = "\u2212"  # the typographic minus the spec's examples use

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _exact(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run in our own decimal context so a caller's global precision or rounding never changes a score."""

    @wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_CTX):
            return func(*args, **kwargs)

    return wrapper


def _round2(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros (104.0 → 104) without exponent notation or a negative zero."""
    if value == 0:
        return Decimal(0)
    value = value.normalize()
    return value.quantize(Decimal(1)) if _exponent(value) > 0 else value


def _shown(value: Decimal) -> Decimal:
    """A computed full-precision value (σ, a bound) as people see it: at most 4 decimals, no trailing zeros."""
    if _exponent(value) < -4:
        value = value.quantize(_SHOWN, rounding=ROUND_HALF_UP)
    return _plain(value)


def _fmt(value: Decimal, places: int | None = None) -> str:
    """Thousands separators; fixed decimals when `places` is given (points, scores), else as entered."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if value == 0:
            value = abs(value)
    else:
        value = _plain(value)
    return format(value, ",f").replace("-", _MINUS)


def _operand(value: Decimal) -> str:
    """A number inside a formula: negatives in parentheses so `(5 − (−3))` reads unambiguously."""
    text = _fmt(value)
    return f"({text})" if value < 0 else text


def _rate4(rate: Decimal) -> Decimal:
    """The rate kept in GoalResult: 4 decimals (0.01%), where 100 × rate equals the unclamped points exactly."""
    return _plain(rate.quantize(_SHOWN, rounding=ROUND_HALF_UP))


def _percent(rate: Decimal) -> str:
    """111.5% when capped (the spec's example); 92.44% inside 0–100%, where it equals the points exactly."""
    places = 2 if 0 <= rate <= 1 else 1
    return _fmt(rate * _HUNDRED, places) + "%"


# --- labels ----------------------------------------------------------------------------------------------------
_ACTUAL: Text = ("실적", "actual")
_TARGET: Text = ("목표", "target")
_BASELINE: Text = ("기준", "baseline")
_BASELINE_LATEST: Text = ("기준(최근 실적)", "baseline (latest result)")
_TOP: Text = ("최고", "top")
_FLOOR: Text = ("최저", "floor")
_POINTS: Text = ("평점", "points")
_WEIGHT: Text = ("가중치", "weight")
_SCORE: Text = ("득점", "score")
_MAJOR: Text = (" (주요사업)", " (major programme)")
_ZERO_TARGET: Text = (
    "목표 0 (하향): 실적 0이면 100, 아니면 0; 실적 {actual} → 평점 {points}",
    "target 0 (lower is better): 100 if the actual is 0, else 0; actual {actual} → points {points}",
)
_PAST: Text = ("과거실적 {values}의 표준편차 σ {sigma}", "past results {values}: sample σ {sigma}")
_GRADED: Text = ("평가등급 {grade} → 평점 {points}", "evaluators' grade {grade} ({label}) → points {points}")
_PENDING: Text = (
    "평가등급 미입력 — 평가위원 등급 대기 중 (잠정), 가중치 {weight}",
    "no evaluators' grade yet — awaiting the evaluators' grade (provisional), weight {weight}",
)
_SUM: Text = ("득점 합계 {sum}", "sum of scores {sum}")
_BONUS: Text = ("가점 {points} ({reason})", "bonus {points} ({reason})")
_PENALTY: Text = ("감점 {points} ({reason})", "penalty {points} ({reason})")
_TOTAL: Text = ("총점", "total")
_CAPPED: Text = ("(상한 {bound})", "(capped at {bound})")
_FLOORED: Text = ("(하한 0)", "(floored at 0)")
_PROVISIONAL: Text = (" — 잠정 (정성평가 등급 대기)", " — provisional (qualitative grade pending)")
_UNRANKED: dict[str, Text] = {
    STATUS_MISSING: ("미제출", "not submitted"),
    STATUS_REJECTED: ("반려 (승인된 제출 없음)", "rejected (no accepted submission)"),
}


def _points_text(points: Decimal, lang: str) -> str:
    return f"{tr(_POINTS, lang)} {_fmt(points, 2)}"


# --- one goal's points, by method ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MethodPoints:
    """What a method rule returns: points (2 decimals, None while pending), the numbers used, and the text.

    `text` is the explanation up to and including `평점 …`; `score_goal` appends the weight and score.
    """

    points: Decimal | None
    text: str
    rate: Decimal | None = None
    top: Decimal | None = None
    floor: Decimal | None = None
    sigma: Decimal | None = None


PointsRule = Callable[[Goal, Scoring, str], MethodPoints]


def _where(goal: Goal) -> str:
    row = f", row {goal.row}" if goal.row else ""
    return f"goal {goal.number or '?'} ({goal.method}{row})"


def _direction(goal: Goal) -> str:
    direction = goal.direction
    if direction == "higher" or direction == "lower":
        return direction
    raise ScoringError(f"{_where(goal)}: direction must be 'higher' or 'lower', not {direction!r}")


def _need(goal: Goal, value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise ScoringError(f"{_where(goal)}: {name} is blank")
    if not value.is_finite():
        raise ScoringError(f"{_where(goal)}: {name} must be a finite number, not {value}")
    return value


@_exact
def ratio_rate(goal: Goal) -> Decimal:
    """Unclamped rate of the target-ratio method: A ÷ T, (2T − A) ÷ T when lower is better, 1/0 for a zero target.

    Raises ScoringError when higher-is-better has T ≤ 0, lower-is-better has T < 0 (no meaningful ratio), or a
    zero target has a negative actual (the spec's "1 if A = 0 else 0" would punish a better-than-zero result).
    """
    direction = _direction(goal)
    target = _need(goal, goal.target, "target (목표치)")
    actual = _need(goal, goal.actual, "actual (실적치)")
    if direction == "higher":
        if target <= 0:
            raise ScoringError(
                f"{_where(goal)}: higher-is-better needs a target above 0, not {target}; "
                "use the range method (목표부여) for such indicators"
            )
        return actual / target
    if target < 0:
        raise ScoringError(f"{_where(goal)}: lower-is-better needs a target of 0 or more, not {target}")
    if target == 0:
        if actual < 0:  # "1 if A = 0 else 0" would score a better-than-zero result 0: not a count, refuse
            raise ScoringError(
                f"{_where(goal)}: a zero target (lower is better) counts occurrences; the actual cannot be "
                f"negative ({actual}); use the range method (목표부여) for such indicators"
            )
        return Decimal(1) if actual == 0 else Decimal(0)
    return (2 * target - actual) / target


def _ratio(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """목표대비: points = 100 × rate, clamped to 0–100."""
    exact = ratio_rate(goal)
    points = _round2(_HUNDRED * min(max(exact, Decimal(0)), Decimal(1)))
    rate = _rate4(exact)  # shown and stored; the points above used the exact rate
    target, actual = goal.target, goal.actual
    assert target is not None and actual is not None  # checked by ratio_rate
    a, t = tr(_ACTUAL, lang), tr(_TARGET, lang)
    if goal.direction == "lower" and target == 0:
        text = tr(_ZERO_TARGET, lang, actual=_fmt(actual), points=_fmt(points, 2))
    elif goal.direction == "lower":
        text = (
            f"(2 × {t} {_fmt(target)} {_MINUS} {a} {_operand(actual)}) ÷ {t} {_fmt(target)} = "
            f"{_percent(rate)} → {_points_text(points, lang)}"
        )
    else:
        text = f"{a} {_fmt(actual)} ÷ {t} {_fmt(target)} = {_percent(rate)} → {_points_text(points, lang)}"
    return MethodPoints(points=points, text=text, rate=rate)


def _margin(goal: Goal, scoring: Scoring) -> Decimal:
    return scoring.range_margin_major if goal.major else scoring.range_margin_other


@_exact
def range_bounds(goal: Goal, scoring: Scoring) -> tuple[Decimal, Decimal]:
    """(H, L) for 목표부여: the template's 최고/최저목표 when both are filled, else derived from the baseline.

    Raises ScoringError when neither is possible (no baseline, baseline ≤ 0), when H = L, or when H and L are the
    wrong way round for the direction (higher-is-better needs H > L, lower-is-better H < L).
    """
    direction = _direction(goal)
    if goal.top is not None and goal.floor is not None:
        top, floor = _need(goal, goal.top, "top target (최고목표)"), _need(goal, goal.floor, "floor (최저목표)")
    else:
        if goal.baseline is None:
            raise ScoringError(
                f"{_where(goal)}: fill both top (최고목표) and floor (최저목표), or a baseline (기준치) to derive them"
            )
        base = _need(goal, goal.baseline, "baseline (기준치)")
        if base <= 0:
            raise ScoringError(
                f"{_where(goal)}: deriving top/floor needs a baseline above 0, not {base}; "
                "fill 최고목표 and 최저목표 instead"
            )
        m = _margin(goal, scoring)
        up, down = base * (1 + m), base * (1 - m)
        top, floor = (up, down) if direction == "higher" else (down, up)
    if top == floor:
        raise ScoringError(f"{_where(goal)}: top and floor are both {top}; they must differ")
    if (direction == "higher") != (top > floor):
        relation = "above" if direction == "higher" else "below"
        raise ScoringError(
            f"{_where(goal)}: {direction}-is-better needs the top ({top}) {relation} the floor ({floor})"
        )
    return top, floor


@_exact
def sample_sigma(values: Sequence[Decimal]) -> Decimal:
    """Sample standard deviation (n − 1), exact to 34 digits. Needs at least two values."""
    n = len(values)
    if n < 2:
        raise ScoringError(f"a standard deviation needs at least 2 values, not {n}")
    mean = sum(values, Decimal(0)) / n
    variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)
    return variance.sqrt()


@_exact
def deviation_bounds(goal: Goal, scoring: Scoring) -> tuple[Decimal, Decimal, Decimal]:
    """(H, L, σ) for 목표부여(편차): B ± kσ, B = 기준치 or, when blank, the most recent past result.

    Raises ScoringError (saying to use `range` instead) for fewer than 3 past results or σ = 0. More than five
    past results are all used: limiting them is the template's and the validator's business.
    """
    direction = _direction(goal)
    past = goal.past
    if len(past) < 3:
        raise ScoringError(
            f"{_where(goal)}: the deviation method needs 3 to 5 past results (과거실적), not {len(past)}; "
            "use the range method (목표부여) instead"
        )
    for value in past:
        _need(goal, value, "a past result (과거실적)")
    sigma = sample_sigma(past)
    if sigma == 0:
        raise ScoringError(
            f"{_where(goal)}: the past results do not vary (σ = 0); use the range method (목표부여) instead"
        )
    base = past[-1] if goal.baseline is None else _need(goal, goal.baseline, "baseline (기준치)")
    k = scoring.deviation_k_major if goal.major else scoring.deviation_k_other
    up, down = base + k * sigma, base - k * sigma
    top, floor = (up, down) if direction == "higher" else (down, up)
    return top, floor, sigma


def _target_rate(goal: Goal) -> Decimal | None:
    """Rate shown for range/deviation: the ratio method's rate when a usable target is given, else None.

    Direction-aware (lower: (2T − A) ÷ T) so that beating a lower-is-better target never shows as under 100%.
    """
    try:
        return _rate4(ratio_rate(goal))
    except ScoringError:
        return None


def _interpolate(goal: Goal, top: Decimal, floor: Decimal, lang: str) -> tuple[Decimal, str]:
    """The shared 목표부여 formula 20 + 80 × (A − L) ÷ (H − L), kept within 20–100, with its text."""
    actual = _need(goal, goal.actual, "actual (실적치)")
    raw = _RANGE_FLOOR_POINTS + _RANGE_SPAN_POINTS * (actual - floor) / (top - floor)
    points = _round2(min(max(raw, _RANGE_FLOOR_POINTS), _HUNDRED))
    top, floor = _shown(top), _shown(floor)  # shown to 4 decimals; the points above used full precision
    a, h, low = _operand(actual), _operand(top), _operand(floor)
    formula = f"20 + 80 × ({a} {_MINUS} {low}) ÷ ({h} {_MINUS} {low}) = "
    if raw < _RANGE_FLOOR_POINTS or raw > _HUNDRED:
        formula += f"{_fmt(raw, 2)} → "  # show the raw value so the clamp is visible
    text = (
        f"{tr(_FLOOR, lang)} {_fmt(floor)} → {tr(_TOP, lang)} {_fmt(top)}, {tr(_ACTUAL, lang)} {_fmt(actual)}: "
        f"{formula}{_points_text(points, lang)}"
    )
    return points, text


def _range(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """목표부여: top/floor given or derived from the baseline (± margin), then the shared formula."""
    top, floor = range_bounds(goal, scoring)
    points, text = _interpolate(goal, top, floor, lang)
    if goal.top is None or goal.floor is None:  # derived: show where H and L came from
        assert goal.baseline is not None
        margin = _fmt(_margin(goal, scoring) * _HUNDRED)
        major = tr(_MAJOR, lang) if goal.major else ""
        text = f"{tr(_BASELINE, lang)} {_fmt(goal.baseline)} ± {margin}%{major}: {text}"
    return MethodPoints(points=points, text=text, rate=_target_rate(goal), top=_shown(top), floor=_shown(floor))


def _deviation(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """목표부여(편차): top/floor = B ± kσ from the past results, then the shared formula."""
    top, floor, sigma = deviation_bounds(goal, scoring)
    points, text = _interpolate(goal, top, floor, lang)
    k = scoring.deviation_k_major if goal.major else scoring.deviation_k_other
    base_label = _BASELINE_LATEST if goal.baseline is None else _BASELINE
    base = goal.past[-1] if goal.baseline is None else goal.baseline
    sigma = _shown(sigma)
    past = tr(_PAST, lang, values=", ".join(_fmt(v) for v in goal.past), sigma=_fmt(sigma))
    major = tr(_MAJOR, lang) if goal.major else ""
    text = f"{past}; {tr(base_label, lang)} {_fmt(base)} ± {_fmt(k)} × {_fmt(sigma)}{major}: {text}"
    return MethodPoints(
        points=points,
        text=text,
        rate=_target_rate(goal),
        top=_shown(top),
        floor=_shown(floor),
        sigma=sigma,
    )


def _milestone(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """달성여부: 100 or 0."""
    if goal.achieved is None:
        raise ScoringError(f"{_where(goal)}: actual must be 달성 or 미달성, not blank")
    points = _HUNDRED if goal.achieved else Decimal(0)
    ko, en = ACHIEVED["achieved" if goal.achieved else "missed"]
    label = en if lang == "en" else ko
    return MethodPoints(points=_round2(points), text=f"{label} → {_points_text(_round2(points), lang)}")


def _qualitative(goal: Goal, scoring: Scoring, lang: str) -> MethodPoints:
    """정성평가: the evaluators' grade → points from [scoring].qualitative_points; no grade yet = pending."""
    if goal.grade is None:
        return MethodPoints(points=None, text=tr(_PENDING, lang, weight=_fmt(goal.weight)))
    if goal.grade not in scoring.qualitative_points:
        known = ", ".join(scoring.qualitative_points)
        raise ScoringError(f"{_where(goal)}: unknown evaluators' grade {goal.grade!r} (known: {known})")
    points = _round2(scoring.qualitative_points[goal.grade])
    label = QUALITATIVE_GRADES.get(goal.grade, (goal.grade, goal.grade))[1]
    return MethodPoints(points=points, text=tr(_GRADED, lang, grade=goal.grade, label=label, points=_fmt(points, 2)))


POINTS_RULES: dict[str, PointsRule] = {
    "ratio": _ratio,
    "range": _range,
    "deviation": _deviation,
    "milestone": _milestone,
    "qualitative": _qualitative,
}
"""Method code (layout.METHODS) → its points rule. A new method is one function and one entry here."""


@_exact
def score_goal(goal: Goal, scoring: Scoring, lang: str = "ko") -> GoalResult:
    """Points, score (득점 = round(weight × points ÷ 100, 2)), rate and a one-line explanation of one goal."""
    check_lang(lang)
    rule = POINTS_RULES.get(goal.method)
    if rule is None:
        raise ScoringError(f"{_where(goal)}: unknown method {goal.method!r} (known: {', '.join(POINTS_RULES)})")
    weight = _need(goal, goal.weight, "weight (가중치)")
    result = rule(goal, scoring, lang)
    score: Decimal | None = None
    text = result.text
    if result.points is not None:
        score = _round2(weight * result.points / _HUNDRED)
        text += f" × {tr(_WEIGHT, lang)} {_fmt(weight)} ÷ 100 = {tr(_SCORE, lang)} {_fmt(score, 2)}"
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


# --- an agency's total, grade -----------------------------------------------------------------------------------
def grade_for(total: Decimal, scoring: Scoring) -> str:
    """The first grade whose threshold the total reaches (thresholds run highest first; the last starts at 0)."""
    for name, threshold in scoring.grades:
        if total >= threshold:
            return name
    return scoring.grades[-1][0]


def _upper_bound(scoring: Scoring) -> Decimal:
    return _HUNDRED + scoring.max_bonus


def score_agency(agency: Agency, submission: Submission, scoring: Scoring, lang: str) -> AgencyResult:
    """Goals scored, total = Σ shown scores + Σ adjustments kept within [0, 100 + max_bonus]; unranked yet."""
    if submission.agency.code != agency.code:
        raise ScoringError(
            f"agency {agency.code}: the submission is for agency {submission.agency.code!r}, not {agency.code!r}"
        )
    weights = sum((g.weight for g in submission.goals), Decimal(0))
    if weights != _HUNDRED:
        raise ScoringError(f"agency {agency.code}: goal weights add up to {weights}, not 100")
    try:
        goals = tuple(score_goal(g, scoring, lang) for g in submission.goals)
    except ScoringError as exc:
        raise ScoringError(f"agency {agency.code}: {exc}") from exc
    score_sum = sum((g.score for g in goals if g.score is not None), Decimal(0))
    score_sum = score_sum.quantize(_CENT)  # exact: every score has 2 decimals; keeps "0.00" rather than "0"
    adjustments = tuple(
        AdjustmentApplied(points=a.points, reason=a.reason) for a in scoring.adjustments if a.agency == agency.code
    )
    raw = score_sum + sum((a.points for a in adjustments), Decimal(0))
    total = min(max(raw, Decimal(0)), _upper_bound(scoring))
    if _exponent(total) > -2:
        total = total.quantize(_CENT)  # a clamped bound: same value, shown like the scores
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


# --- ranks, excellence, the city ---------------------------------------------------------------------------------
def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Rank of each total, highest first; ties share a rank and skip the next ones (1, 2, 2, 4)."""
    ordered = sorted(totals, reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[t] for t in totals]


def _with_ranks(results: list[AgencyResult]) -> list[AgencyResult]:
    """Overall and in-group ranks for the accepted agencies; others stay unranked."""
    totals = {r.code: r.total for r in results if r.status == STATUS_ACCEPTED and r.total is not None}

    def ranks_of(codes: list[str]) -> dict[str, int]:
        return dict(zip(codes, competition_ranks([totals[c] for c in codes]), strict=True))

    overall = ranks_of(list(totals))
    in_group: dict[str, int] = {}
    for group in {r.group for r in results if r.code in totals}:
        in_group.update(ranks_of([r.code for r in results if r.code in totals and r.group == group]))
    return [replace(r, rank=overall[r.code], group_rank=in_group[r.code]) if r.code in overall else r for r in results]


def _is_excellent(result: AgencyResult, rule: Excellence) -> bool:
    """One agency against the configured rule. Provisional and unranked agencies are never excellent.

    - "grades": the agency's grade is one of `rule.grades` (default S and A).
    - "top_n": overall rank ≤ n. With shared ranks this includes every agency tied at the cut (ranks 1, 2, 2
      with n = 2 names three agencies). A provisional agency inside the top n keeps its place: the place is not
      handed down to the next agency, so a pending grade never promotes someone who could later drop out.
    - "top_n_per_group": the same within the agency's group.
    - "min_total": total ≥ `rule.min_total`.
    """
    if result.provisional or result.rank is None or result.total is None:
        return False
    if rule.rule == "grades":
        return result.grade in rule.grades
    if rule.rule == "top_n":
        return result.rank <= rule.n
    if rule.rule == "top_n_per_group":
        return result.group_rank is not None and result.group_rank <= rule.n
    if rule.rule == "min_total":
        return result.total >= rule.min_total
    raise ScoringError(f"[scoring.excellence].rule: unknown rule {rule.rule!r}")


@_exact
def score_city(
    config: Config,
    submissions: Mapping[str, Submission],
    rejected: Collection[str] = (),
    lang: str | None = None,
) -> CityResult:
    """Every registered agency's result: scored, graded, ranked, excellent or not.

    `submissions` maps agency code → current accepted submission (its status: accepted). Codes in `rejected`
    without an accepted submission are 반려 (rejected); every other agency without one is 미제출 (missing).
    An accepted submission wins over a rejected code. Raises ScoringError, naming the agency and goal, for an
    input the validator should have rejected, rather than publish a number nobody can defend.
    """
    lang = check_lang(lang or config.evaluation.lang)
    _known_codes(config, submissions)
    by_code = config.agencies_by_code
    scored = {code: score_agency(by_code[code], sub, config.scoring, lang) for code, sub in submissions.items()}
    return rank_city(config, scored, rejected)


def rank_city(config: Config, scored: Mapping[str, AgencyResult], rejected: Collection[str] = ()) -> CityResult:
    """The city from each agency's own result (`score_agency`): grades stay, ranks and 우수기관 are decided here.

    Agencies without a result are 반려 when their code is in `rejected`, else 미제출. Order: ranked agencies by
    rank then code, then the unranked in config order. Excellence follows `[scoring.excellence]`; "top_n" and
    "top_n_per_group" include every agency tied at the cut (see `_is_excellent`)."""
    _known_codes(config, scored)
    scoring = config.scoring
    if scoring.excellence.rule not in EXCELLENCE_RULES:
        raise ScoringError(f"[scoring.excellence].rule: unknown rule {scoring.excellence.rule!r}")
    results: list[AgencyResult] = []
    for agency in config.agencies:
        result = scored.get(agency.code)
        if result is not None:
            results.append(result)
        else:
            status = STATUS_REJECTED if agency.code in rejected else STATUS_MISSING
            results.append(
                AgencyResult(
                    code=agency.code,
                    name=agency.name,
                    group=agency.group,
                    supervising_dept=agency.supervising_dept,
                    status=status,
                )
            )
    results = [replace(r, excellent=_is_excellent(r, scoring.excellence)) for r in _with_ranks(results)]
    ranked = sorted((r for r in results if r.ranked), key=lambda r: (r.rank, r.code))
    unranked = [r for r in results if not r.ranked]
    return CityResult(year=config.evaluation.year, agencies=tuple(ranked + unranked))


def _known_codes(config: Config, by_code: Mapping[str, object]) -> None:
    unknown = sorted(set(by_code) - {a.code for a in config.agencies})
    if unknown:
        raise ScoringError(f"submissions for agencies not in pipeline.toml: {', '.join(unknown)}")


def _signed_terms(adjustments: Iterable[AdjustmentApplied], lang: str) -> str:
    parts = []
    for adj in adjustments:
        if adj.points >= 0:
            parts.append(" + " + tr(_BONUS, lang, points=_fmt(adj.points), reason=adj.reason))
        else:
            parts.append(f" {_MINUS} " + tr(_PENALTY, lang, points=_fmt(-adj.points), reason=adj.reason))
    return "".join(parts)


def explain_total(agency: AgencyResult, lang: str = "ko") -> str:
    """The line that redoes the total: `득점 합계 85.30 + 가점 1.5 (사유) = 총점 86.80`; a clamp is shown."""
    check_lang(lang)
    if agency.total is None or agency.score_sum is None:
        return tr(_UNRANKED.get(agency.status, _UNRANKED[STATUS_MISSING]), lang)
    with localcontext(_CTX):
        raw = agency.score_sum + sum((a.points for a in agency.adjustments), Decimal(0))
    text = tr(_SUM, lang, sum=_fmt(agency.score_sum, 2)) + _signed_terms(agency.adjustments, lang)
    total_label = f"{tr(_TOTAL, lang)} {_fmt(agency.total, 2)}"
    if raw == agency.total:
        text += f" = {total_label}"
    else:
        if raw < 0:
            note = tr(_FLOORED, lang)
        else:
            note = tr(_CAPPED, lang, bound=_fmt(agency.total))  # a capped total is the cap itself
        text += f" = {_fmt(raw, 2)} → {total_label} {note}"
    if agency.provisional:
        text += tr(_PROVISIONAL, lang)
    return text
