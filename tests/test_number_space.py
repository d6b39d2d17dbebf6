"""Properties over the number space, through real workbooks (tests/factory.py), `check_file` and scoring: every
input ends in findings or in a score whose explanation line redoes with a calculator (tests/calculator.py), never
in an exception or `file.internal_error`; every number outside the accepted range is named on its cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import calculator
import factory
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.core.layout import FIRST_DATA_ROW
from pipeline.read import normalize as nz
from pipeline.scoring.city import score_city
from pipeline.validate.check import CheckResult, check_file

CONFIG = factory.config()
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- numbers, as a person or a program might put them in a cell -----------------------------------------------------
@st.composite
def anywhere(draw: st.DrawFn) -> Decimal:
    """Any magnitude from 1E-25 to 1E+17 with 1 to 18 significant digits (the accepted range is inside)."""
    digits = draw(st.integers(1, 18))
    coefficient = draw(st.integers(10 ** (digits - 1), 10**digits - 1))
    magnitude = draw(st.integers(-25, 17))
    value = Decimal(coefficient).scaleb(magnitude - digits + 1)
    return -value if draw(st.integers(0, 2)) == 0 else value


everyday = st.decimals(min_value=-5000, max_value=5000, places=2)
numbers = st.one_of(everyday, everyday, anywhere(), st.just(Decimal(0)))


@st.composite
def cells(draw: st.DrawFn, positive: bool = False) -> Any:
    """A number as a cell holds it: a float (15 digits at most survive the spreadsheet) or typed text."""
    value = abs(draw(numbers)) if positive else draw(numbers)
    if len(value.normalize().as_tuple().digits) <= 15 and draw(st.booleans()):
        return float(value)
    return nz.plain(value)


def read_as(cell: Any) -> Decimal:
    """What the reader makes of the cell: a float as the spreadsheet shows it, text as typed."""
    return nz.excel_number(cell) if isinstance(cell, float) else Decimal(cell)


def in_range(value: Decimal) -> bool:
    """The accepted range, restated: 0, or 0.000001 ≤ |v| ≤ 10^15 with at most 15 significant digits."""
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    return value == 0 or (Decimal("1E-6") <= abs(value) <= Decimal("1E15") and len(digits) <= 15)


# --- the property ------------------------------------------------------------------------------------------------------
def check_and_score(tmp_path: Path, typed: dict[str, Any], **kwargs: Any) -> CheckResult:
    """Validate the workbook, then hold it to the property; `typed` maps each drawn cell's ref to its value."""
    result = check_file(factory.write(tmp_path / "s.xlsx", **kwargs), CONFIG)
    codes = {(f.code, f.ref) for f in result.findings}
    assert not any(code == "file.internal_error" for code, _ in codes), codes
    for f in result.findings:
        assert f.message("ko") and f.message("en") and f.hint("ko") and f.hint("en")
    for ref, cell in typed.items():
        value = read_as(cell)
        expected = "value.too_large" if abs(value) > nz.MAX_ABS else None if in_range(value) else "value.out_of_range"
        found = {code for code, where in codes if where == ref and code in ("value.too_large", "value.out_of_range")}
        assert found == ({expected} if expected else set()), (ref, cell, codes)
    if result.submission is None:
        assert result.errors, codes
        event("refused: " + ",".join(sorted({f.code for f in result.findings if f.is_error})))
        return result
    event("scored")
    agency = score_city(CONFIG, {factory.CODE: result.submission}).agencies[0]
    for goal in agency.goals:
        if goal.points is not None:
            calculator.redo(goal)
    assert agency.score_sum == sum((g.score for g in agency.goals if g.score is not None), Decimal(0))
    return result


def ref(key: str, goal_index: int) -> str:
    return f"성과목표!{factory.goal_cell(key, goal_index)}"


# --- each method's numbers -------------------------------------------------------------------------------------------
@PROPERTY
@given(target=cells(), actual=cells(), direction=st.sampled_from(["higher", "lower"]))
def test_ratio_goal_across_the_number_space(tmp_path: Path, target: Any, actual: Any, direction: str) -> None:
    goals = factory.goals(g2={"target": target, "actual": actual, "direction": direction})
    check_and_score(tmp_path, {ref("target", 2): target, ref("actual", 2): actual}, goal_rows=goals)


@PROPERTY
@given(top=cells(), floor=cells(), actual=cells(), direction=st.sampled_from(["higher", "lower"]))
def test_range_goal_with_bounds_across_the_number_space(
    tmp_path: Path, top: Any, floor: Any, actual: Any, direction: str
) -> None:
    if (
        direction == "lower"
        and read_as(top) > read_as(floor)
        or direction == "higher"
        and read_as(top) < read_as(floor)
    ):
        top, floor = floor, top  # the right way round more often than not, so that most examples are scored
    goals = factory.goals(g3={"top": top, "floor": floor, "actual": actual, "direction": direction})
    typed = {ref("top", 3): top, ref("floor", 3): floor, ref("actual", 3): actual}
    check_and_score(tmp_path, typed, goal_rows=goals)


@PROPERTY
@given(
    baseline=cells(positive=True), actual=cells(), direction=st.sampled_from(["higher", "lower"]), major=st.booleans()
)
def test_range_goal_from_a_baseline_across_the_number_space(
    tmp_path: Path, baseline: Any, actual: Any, direction: str, major: bool
) -> None:
    change = {"top": None, "floor": None, "baseline": baseline, "actual": actual, "direction": direction}
    goals = factory.goals(g3={**change, "major": "Y" if major else "N"})
    check_and_score(tmp_path, {ref("baseline", 3): baseline, ref("actual", 3): actual}, goal_rows=goals)


@PROPERTY
@given(
    past=st.lists(cells(), min_size=3, max_size=5),
    baseline=st.one_of(st.none(), cells()),
    actual=cells(),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_deviation_goal_across_the_number_space(
    tmp_path: Path, past: list[Any], baseline: Any, actual: Any, direction: str
) -> None:
    rows = [["4", 2024 - len(past) + i, value] for i, value in enumerate(past, start=1)]
    goals = factory.goals(g4={"baseline": baseline, "actual": actual, "direction": direction})
    typed = {f"과거실적!C{FIRST_DATA_ROW + i}": value for i, value in enumerate(past)}
    typed[ref("actual", 4)] = actual
    if baseline is not None:
        typed[ref("baseline", 4)] = baseline
    check_and_score(tmp_path, typed, goal_rows=goals, past=rows)


small_weights = st.decimals(min_value=Decimal("0.000001"), max_value=19, places=6).map(nz.plain)


@PROPERTY
@given(weights=st.lists(st.one_of(small_weights, small_weights, cells()), min_size=5, max_size=5), actual=cells())
def test_weights_across_the_number_space(tmp_path: Path, weights: list[Any], actual: Any) -> None:
    """Five weights drawn, the sixth what makes 100 (so the sum holds whenever the five are usable)."""
    read = [read_as(w) for w in weights]
    last = nz.plain(100 - sum(read, Decimal(0))) if all(in_range(w) for w in read) else "1"
    all_weights = [*weights, last]
    changes = {f"g{i}": {"weight": w} for i, w in enumerate(all_weights, start=1)}
    goals = factory.goals(**(changes | {"g1": {"weight": weights[0], "actual": actual}}))
    typed = {ref("weight", i): w for i, w in enumerate(all_weights, start=1)} | {ref("actual", 1): actual}
    result = check_and_score(tmp_path, typed, goal_rows=goals)
    if result.submission is not None:
        assert sum(g.weight for g in result.submission.goals) == 100


# --- text where a number belongs, in every goal's number cells ---------------------------------------------------------
words = st.one_of(
    st.sampled_from(["탁월", "달성", "미정", "약 30", "N/A", "-", "1E-25", "1,2,3", "(5)", "△3", "30%", "∞", "nan"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


@PROPERTY
@given(
    goal_index=st.integers(1, len(factory.GOALS)),
    key=st.sampled_from(["weight", "baseline", "target", "top", "floor", "actual"]),
    value=st.one_of(words, cells()),
)
def test_text_or_a_number_in_any_goal_s_number_cell(tmp_path: Path, goal_index: int, key: str, value: Any) -> None:
    """A qualitative goal's 실적치 '탁월' once crashed the schemas: every method, every number cell, any value."""
    result = check_file(
        factory.write(tmp_path / "s.xlsx", goal_rows=factory.goals(**{f"g{goal_index}": {key: value}})), CONFIG
    )
    codes = {(f.code, f.ref) for f in result.findings}
    assert not any(code == "file.internal_error" for code, _ in codes), codes
    if result.submission is not None:
        agency = score_city(CONFIG, {factory.CODE: result.submission}).agencies[0]
        for goal in agency.goals:
            if goal.points is not None:
                calculator.redo(goal)
