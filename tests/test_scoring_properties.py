"""Properties the scoring rules must keep for any input the validator lets through (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.core.model import AgencyInfo, Goal, Submission
from pipeline.scoring.city import score_city
from pipeline.scoring.goal import score_goal
from pipeline.settings.schema import Adjustment, Agency, Batch, Config, Evaluation, Mail, Paths, Scoring

D = Decimal
SCORING = Scoring()
HUNDRED = D(100)
HOME = Path("/nonexistent/pipeline-home")

amounts = st.decimals(min_value=-100_000, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.01"), max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
directions = st.sampled_from(["higher", "lower"])


def goal(method: str, weight: Decimal = HUNDRED, **kw: object) -> Goal:
    return Goal(number="1", goal="목표", indicator="지표", method=method, weight=weight, **kw)  # type: ignore[arg-type]


@st.composite
def quantitative_goals(draw: st.DrawFn, method: str | None = None) -> Goal:
    """A valid ratio, range or deviation goal without its actual (the tests vary the actual)."""
    method = method or draw(st.sampled_from(["ratio", "range", "deviation"]))
    direction = draw(directions)
    major = draw(st.booleans())
    if method == "ratio":
        target = draw(positive) if direction == "higher" else draw(st.one_of(st.just(D(0)), positive))
        return goal(method, direction=direction, target=target, major=major)
    if method == "range":
        if draw(st.booleans()):
            a, b = draw(amounts), draw(amounts)
            assume(a != b)
            top, floor = (max(a, b), min(a, b)) if direction == "higher" else (min(a, b), max(a, b))
            return goal(method, direction=direction, top=top, floor=floor, major=major)
        return goal(method, direction=direction, baseline=draw(positive), major=major)
    past = tuple(draw(st.lists(amounts, min_size=3, max_size=5)))
    assume(len(set(past)) > 1)
    baseline = draw(st.one_of(st.none(), amounts))
    return goal(method, direction=direction, past=past, baseline=baseline, major=major)


def with_actual(g: Goal, actual: Decimal) -> Goal:
    """The goal with this actual; a zero target counts occurrences, so its actual is never negative."""
    if g.method == "ratio" and g.target == 0:
        actual = abs(actual)
    return replace(g, actual=actual)


# --- points ------------------------------------------------------------------------------------------------------
@given(quantitative_goals(), amounts)
def test_points_within_bounds(g: Goal, actual: Decimal) -> None:
    r = score_goal(with_actual(g, actual), SCORING)
    assert r.points is not None and r.score is not None
    low = D(0) if g.method == "ratio" else D(20)
    assert low <= r.points <= 100
    assert r.points == r.points.quantize(D("0.01"))
    assert r.score == (g.weight * r.points / 100).quantize(D("0.01"))


@given(quantitative_goals(), amounts, amounts)
def test_points_monotone_in_actual(g: Goal, a1: Decimal, a2: Decimal) -> None:
    if g.method == "ratio" and g.target == 0:
        a1, a2 = abs(a1), abs(a2)
    low, high = min(a1, a2), max(a1, a2)
    p_low = score_goal(with_actual(g, low), SCORING).points
    p_high = score_goal(with_actual(g, high), SCORING).points
    assert p_low is not None and p_high is not None
    if g.direction == "higher":
        assert p_low <= p_high
    else:
        assert p_low >= p_high


@given(st.sampled_from(["milestone", "qualitative"]), st.data())
def test_non_quantitative_points_within_bounds(method: str, data: st.DataObject) -> None:
    if method == "milestone":
        g = goal(method, achieved=data.draw(st.booleans()))
    else:
        g = goal(method, grade=data.draw(st.sampled_from(sorted(SCORING.qualitative_points))))
    r = score_goal(g, SCORING)
    assert r.points is not None and 0 <= r.points <= 100


# --- the city ------------------------------------------------------------------------------------------------------
def make_config(agencies: list[tuple[str, str]], adjustments: tuple[Adjustment, ...] = ()) -> Config:
    paths = Paths(*(HOME / name for name in ("inbox", "outbox", "archive", "rejected", "state")))
    return Config(
        home=HOME,
        source=HOME / "pipeline.toml",
        evaluation=Evaluation(year=2026, title="평가"),
        agencies=tuple(Agency(code, code, group, "", f"{code}@example.kr") for code, group in agencies),
        scoring=Scoring(adjustments=adjustments),
        paths=paths,
        batch=Batch(),
        mail=Mail(),
    )


@st.composite
def weights(draw: st.DrawFn) -> list[Decimal]:
    """Positive weights (some with one decimal) that add up to exactly 100."""
    n = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(1, 999), min_size=n - 1, max_size=n - 1, unique=True)))
    edges = [0, *cuts, 1000]
    return [D(b - a) / 10 for a, b in zip(edges, edges[1:], strict=False)]


@st.composite
def submissions(draw: st.DrawFn, code: str) -> Submission:
    goals = []
    for w in draw(weights()):
        g = draw(quantitative_goals())
        goals.append(with_actual(replace(g, weight=w), draw(amounts)))
    return Submission(AgencyInfo(code=code, name=code, group="g", year=2026), tuple(goals))


adjustment_points = st.decimals(min_value=-10, max_value=1, places=1).filter(lambda d: d != 0)


@settings(deadline=None)
@given(submissions("A"), st.lists(adjustment_points, max_size=3))
def test_total_is_sum_of_shown_scores_plus_adjustments(sub: Submission, adj: list[Decimal]) -> None:
    config = make_config([("A", "g")], tuple(Adjustment("A", p, f"사유 {i}") for i, p in enumerate(adj)))
    a = score_city(config, {"A": sub}).agencies[0]
    assert a.score_sum == sum((g.score for g in a.goals), D(0))
    raw = a.score_sum + sum((x.points for x in a.adjustments), D(0))
    assert a.total == min(max(raw, D(0)), D(103))
    if 0 <= raw <= 103:
        assert a.total == raw  # exactly: nothing rounded after the scores


def ratio_submission(code: str, total: Decimal) -> Submission:
    """An agency whose total is `total` (one ratio goal, target 100, weight 100)."""
    g = goal("ratio", direction="higher", target=D(100), actual=total)
    return Submission(AgencyInfo(code=code, name=code, group="g", year=2026), (g,))


totals = st.decimals(min_value=0, max_value=100, places=1)
cities = st.lists(st.tuples(totals, st.sampled_from(["공사", "출연"])), min_size=1, max_size=10)


def ranks(config: Config, subs: dict[str, Submission]) -> dict[str, tuple[int | None, int | None]]:
    return {a.code: (a.rank, a.group_rank) for a in score_city(config, subs).agencies}


@given(cities, st.randoms(use_true_random=False))
def test_permuting_agencies_does_not_change_ranks(city: list[tuple[Decimal, str]], rnd: object) -> None:
    agencies = [(f"A{i:02d}", group) for i, (_, group) in enumerate(city)]
    subs = {code: ratio_submission(code, total) for (code, _), (total, _) in zip(agencies, city, strict=True)}
    before = ranks(make_config(agencies), subs)
    shuffled_agencies, shuffled_codes = list(agencies), list(subs)
    rnd.shuffle(shuffled_agencies)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled_codes)  # type: ignore[attr-defined]
    after = ranks(make_config(shuffled_agencies), {c: subs[c] for c in shuffled_codes})
    assert after == before


@given(cities, st.sampled_from(["공사", "출연"]))
def test_adding_an_agency_below_everyone_leaves_ranks_unchanged(city: list[tuple[Decimal, str]], group: str) -> None:
    lowest = min(total for total, _ in city)
    assume(lowest > 0)
    agencies = [(f"A{i:02d}", g) for i, (_, g) in enumerate(city)]
    subs = {code: ratio_submission(code, total) for (code, _), (total, _) in zip(agencies, city, strict=True)}
    before = ranks(make_config(agencies), subs)
    after = ranks(make_config([*agencies, ("LAST", group)]), {**subs, "LAST": ratio_submission("LAST", lowest / 2)})
    assert after.pop("LAST")[0] == len(city) + 1
    assert after == before
