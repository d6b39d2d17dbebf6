"""Scoring at the edges of the number space: very narrow ranges, tiny σ, bounds with many decimals. Every case ends
in a score whose line can be redone or in a ScoringError naming the goal, never a decimal exception."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

import pytest

from pipeline.core.model import Goal
from pipeline.core.rounding import plain, round_cents, round_places, round_rate, shown
from pipeline.scoring.goal import score_goal
from pipeline.scoring.methods.deviation import deviation_bounds
from pipeline.scoring.rule import ScoringError
from pipeline.settings.schema import Scoring

D = Decimal
SCORING = Scoring()


def goal(method: str, **kw: object) -> Goal:
    for key in ("baseline", "target", "top", "floor", "actual"):
        if key in kw:
            kw[key] = D(str(kw[key]))
    if "past" in kw:
        kw["past"] = tuple(D(str(v)) for v in kw["past"])  # type: ignore[union-attr]
    return Goal(number="4", goal="목표", indicator="지표", method=method, weight=D(100), **kw)  # type: ignore[arg-type]


def test_a_range_narrower_than_scoring_s_digits_scores_and_shows_the_raw_value() -> None:
    # (104 − 1) ÷ (1.000…001 − 1) = 1.03E+32: 35 digits before the point, more than the 34 the context holds.
    g = goal("range", direction="higher", top="1.000000000000000000000000000001", floor=1, actual=104)
    r = score_goal(g, SCORING)
    assert r.points == D("100.00")
    assert "= 8,240,000,000,000,000,000,000,000,000,000,020.00 → 평점 100.00" in r.explanation
    assert (r.top, r.floor) == (D("1.000000000000000000000000000001"), D(1))


def test_past_results_differing_at_1e_41_are_a_scoring_error_not_a_division_by_zero() -> None:
    g = goal("deviation", direction="higher", past=[1, "1.00000000000000000000000000000000000000001", 1], actual=1)
    with pytest.raises(ScoringError, match="too small next to the baseline 1"):
        score_goal(g, SCORING)


def test_a_sigma_too_small_for_the_baseline_is_a_scoring_error() -> None:
    past = ["0.00000100000000000001", "0.000001", "0.000001"]  # σ ≈ 5.8E-21; 1E+15 ± σ is 1E+15 in 34 digits
    g = goal("deviation", direction="lower", past=past, baseline="1E+15", actual=1)
    with pytest.raises(ScoringError, match="use the range method"):
        deviation_bounds(g, SCORING)


def test_bounds_from_the_template_are_shown_as_entered() -> None:
    r = score_goal(goal("range", direction="higher", top="110.123456", floor=90, actual=104), SCORING)
    assert "최저 90 → 최고 110.123456, 실적 104: 20 + 80 × (104 − 90) ÷ (110.123456 − 90) = 평점 75.66" in r.explanation
    assert r.top == D("110.123456")


def test_tiny_derived_bounds_keep_two_significant_digits() -> None:
    r = score_goal(goal("range", direction="higher", baseline="0.00000123", major=True, actual="0.0000012"), SCORING)
    # H = 0.000001476, L = 0.000000984: 4 decimals would show both as 0 (÷ (0 − 0)).
    assert "최저 0.00000098 → 최고 0.0000015, 실적 0.0000012" in r.explanation
    assert (r.top, r.floor) == (D("0.0000015"), D("0.00000098"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("15.81138830", "15.8114"), ("0.0012345", "0.0012"), ("0.000123456", "0.00012"), ("0.00000121", "0.0000012")],
)
def test_shown_keeps_four_decimals_and_two_significant_digits(value: str, expected: str) -> None:
    assert shown(D(value)) == D(expected)


def test_rounding_to_fixed_decimals_never_runs_out_of_digits() -> None:
    huge = D("12345678901234567890123456789012345678.125")  # 38 digits before the point
    with localcontext(Context(prec=34)):
        assert round_cents(huge) == D("12345678901234567890123456789012345678.13")
        assert round_places(huge, 1) == D("12345678901234567890123456789012345678.1")
        assert round_rate(huge) == huge
        assert plain(D("1.6E+40")) == D(16 * 10**39)
