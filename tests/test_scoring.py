"""The scoring spec (docs/scoring.md), rule by rule, with the worked numbers in the tests."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext
from pathlib import Path

import pytest

from pipeline.core.layout import METHODS
from pipeline.core.model import STATUS_ACCEPTED, STATUS_MISSING, STATUS_REJECTED, AgencyInfo, Goal, Submission
from pipeline.scoring.agency import grade_for
from pipeline.scoring.city import competition_ranks, score_city
from pipeline.scoring.explain import explain_total
from pipeline.scoring.goal import score_goal
from pipeline.scoring.methods import POINTS_RULES
from pipeline.scoring.methods.deviation import deviation_bounds
from pipeline.scoring.methods.range import range_bounds
from pipeline.scoring.methods.ratio import ratio_rate
from pipeline.scoring.rule import ScoringError
from pipeline.settings.load import parse_config
from pipeline.settings.schema import Adjustment, Agency, Batch, Config, Evaluation, Excellence, Mail, Paths, Scoring

D = Decimal
SCORING = Scoring()


def goal(method: str, weight: int | str = 100, **kw: object) -> Goal:
    """A goal row as the validator hands it over; numbers may be given as int/str for readability."""
    for key in ("baseline", "target", "top", "floor", "actual"):
        if key in kw and kw[key] is not None:
            kw[key] = D(str(kw[key]))
    if "past" in kw:
        kw["past"] = tuple(D(str(v)) for v in kw["past"])  # type: ignore[union-attr]
    return Goal(number="1-1", goal="목표", indicator="지표", method=method, weight=D(str(weight)), **kw)  # type: ignore[arg-type]


# --- docs/scoring.md §5 worked examples, one test each ----------------------------------------------------------------
def test_ratio_higher_over_target_is_capped_at_100() -> None:
    r = score_goal(goal("ratio", 20, direction="higher", target=3500, actual=3902), SCORING)
    assert r.points == D("100.00")
    assert r.score == D("20.00")
    assert r.rate == D("1.1149")  # 3,902 ÷ 3,500 = 111.49%, shown as 111.5%
    assert r.explanation == "실적 3,902 ÷ 목표 3,500 = 111.5% → 평점 100.00 × 가중치 20 ÷ 100 = 득점 20.00"


def test_ratio_higher_under_target() -> None:
    r = score_goal(goal("ratio", 15, direction="higher", target=2500, actual=2300), SCORING)
    assert (r.points, r.score, r.rate) == (D("92.00"), D("13.80"), D("0.92"))
    assert r.explanation == "실적 2,300 ÷ 목표 2,500 = 92.00% → 평점 92.00 × 가중치 15 ÷ 100 = 득점 13.80"


def test_ratio_lower_is_better() -> None:
    r = score_goal(goal("ratio", 10, direction="lower", target=10, actual=12), SCORING)
    assert (r.points, r.score, r.rate) == (D("80.00"), D("8.00"), D("0.8"))  # (2×10 − 12) ÷ 10
    assert "(2 × 목표 10 − 실적 12) ÷ 목표 10 = 80.00%" in r.explanation


def test_ratio_lower_zero_target_met() -> None:
    r = score_goal(goal("ratio", 30, direction="lower", target=0, actual=0), SCORING)
    assert (r.points, r.score, r.rate) == (D("100.00"), D("30.00"), D(1))


def test_ratio_lower_zero_target_missed() -> None:
    r = score_goal(goal("ratio", 30, direction="lower", target=0, actual=1), SCORING)
    assert (r.points, r.score, r.rate) == (D("0.00"), D("0.00"), D(0))
    assert "실적 1 → 평점 0.00" in r.explanation


def test_range_given_top_and_floor() -> None:
    r = score_goal(goal("range", 25, direction="higher", top=110, floor=90, actual=104), SCORING)
    assert (r.points, r.score) == (D("76.00"), D("19.00"))
    assert (r.top, r.floor) == (D(110), D(90))
    assert r.explanation == (
        "최저 90 → 최고 110, 실적 104: 20 + 80 × (104 − 90) ÷ (110 − 90) = 평점 76.00 × 가중치 25 ÷ 100 = 득점 19.00"
    )


def test_range_derived_from_baseline_major() -> None:
    r = score_goal(goal("range", 10, direction="higher", baseline=100, major=True, actual=95), SCORING)
    assert (r.top, r.floor) == (D(120), D(80))
    assert (r.points, r.score) == (D("50.00"), D("5.00"))
    assert r.explanation.startswith("기준 100 ± 20% (주요사업): 최저 80 → 최고 120, 실적 95:")


def test_range_derived_lower_not_major() -> None:
    r = score_goal(goal("range", 10, direction="lower", baseline=50, actual=47), SCORING)
    assert (r.top, r.floor) == (D(45), D(55))
    assert (r.points, r.score) == (D("84.00"), D("8.40"))


def test_deviation_blank_baseline_uses_latest_past_result() -> None:
    g = goal("deviation", 20, direction="higher", past=[100, 110, 120, 130, 140], actual=145)
    r = score_goal(g, SCORING)
    assert r.sigma is not None and r.sigma.quantize(D("0.01")) == D("15.81")
    assert (r.top, r.floor) == (D("155.8114"), D("124.1886"))  # 140 ± 1 × σ
    assert (r.points, r.score) == (D("72.65"), D("14.53"))
    assert "기준(최근 실적) 140 ± 1 × 15.8114" in r.explanation
    assert "20 + 80 × (145 − 124.1886) ÷ (155.8114 − 124.1886) = 평점 72.65" in r.explanation


def test_milestone_achieved() -> None:
    r = score_goal(goal("milestone", 5, achieved=True), SCORING)
    assert (r.points, r.score, r.rate) == (D("100.00"), D("5.00"), None)
    assert r.explanation == "달성 → 평점 100.00 × 가중치 5 ÷ 100 = 득점 5.00"


def test_qualitative_graded() -> None:
    r = score_goal(goal("qualitative", 20, grade="양호"), SCORING)
    assert (r.points, r.score, r.rate) == (D("80.00"), D("16.00"), None)
    assert r.explanation == "평가등급 양호 → 평점 80.00 × 가중치 20 ÷ 100 = 득점 16.00"


# --- more of §1 and §2 -------------------------------------------------------------------------------------------
def test_every_method_has_exactly_one_rule() -> None:
    assert set(POINTS_RULES) == set(METHODS)


def test_ratio_lower_worse_than_double_target_scores_zero_with_negative_rate() -> None:
    r = score_goal(goal("ratio", 10, direction="lower", target=10, actual=25), SCORING)
    assert r.points == D("0.00") and r.rate == D("-0.5")
    assert "= −50.0% → 평점 0.00" in r.explanation


def test_points_round_half_up() -> None:
    # 12,345 ÷ 20,000 = 0.61725 → 61.725 → 61.73 (half-even would give 61.72)
    assert score_goal(goal("ratio", 100, direction="higher", target=20000, actual=12345), SCORING).points == D("61.73")


def test_score_rounds_half_up() -> None:
    # points 12.25 (49 ÷ 400) × weight 10 ÷ 100 = 1.225 → 1.23 (half-even would give 1.22)
    r = score_goal(goal("ratio", 10, direction="higher", target=400, actual=49), SCORING)
    assert (r.points, r.score) == (D("12.25"), D("1.23"))


def test_result_does_not_depend_on_callers_decimal_context() -> None:
    g = goal("deviation", 20, direction="higher", past=[100, 110, 120, 130, 140], actual=145)
    with localcontext() as ctx:
        ctx.prec, ctx.rounding = 3, ROUND_DOWN
        r = score_goal(g, SCORING)
    assert r == score_goal(g, SCORING)
    assert r.points == D("72.65")


def test_range_clamps_and_shows_the_raw_value() -> None:
    above = score_goal(goal("range", 25, direction="higher", top=110, floor=90, actual=130), SCORING)
    assert above.points == D("100.00")
    assert "= 180.00 → 평점 100.00" in above.explanation
    below = score_goal(goal("range", 25, direction="higher", top=110, floor=90, actual=80), SCORING)
    assert below.points == D("20.00")
    assert "= −20.00 → 평점 20.00" in below.explanation


def test_range_rate_uses_target_when_given() -> None:
    r = score_goal(goal("range", 25, direction="lower", top=40, floor=60, target=50, actual=45), SCORING)
    assert r.rate == D("1.1")  # (2 × 50 − 45) ÷ 50
    assert score_goal(goal("range", 25, direction="higher", top=110, floor=90, actual=104), SCORING).rate is None


def test_range_one_bound_given_derives_both_from_baseline() -> None:
    g = goal("range", 10, direction="higher", top=150, baseline=100, actual=100)
    assert range_bounds(g, SCORING) == (D(110), D(90))


def test_range_margins_come_from_config() -> None:
    scoring = Scoring(range_margin_other=D("0.25"))
    assert range_bounds(goal("range", direction="higher", baseline=200, actual=1), scoring) == (D(250), D(150))


def test_deviation_major_uses_k_2_and_given_baseline() -> None:
    g = goal("deviation", 20, direction="lower", major=True, baseline=130, past=[10, 20, 30], actual=120)
    top, floor, sigma = deviation_bounds(g, SCORING)
    assert sigma == D(10)
    assert (top, floor) == (D(110), D(150))  # lower is better: H = B − 2σ, L = B + 2σ
    r = score_goal(g, SCORING)
    assert r.points == D("80.00")  # 20 + 80 × (120 − 150) ÷ (110 − 150)
    assert "기준 130 ± 2 × 10 (주요사업)" in r.explanation


def test_milestone_missed() -> None:
    r = score_goal(goal("milestone", 5, achieved=False), SCORING)
    assert (r.points, r.score) == (D("0.00"), D("0.00"))
    assert r.explanation.startswith("미달성 → 평점 0.00")


def test_qualitative_points_come_from_config() -> None:
    scoring = Scoring(qualitative_points={**SCORING.qualitative_points, "우수": D(95)})
    assert score_goal(goal("qualitative", 10, grade="우수"), scoring).points == D("95.00")


def test_qualitative_without_grade_is_pending() -> None:
    r = score_goal(goal("qualitative", 20), SCORING)
    assert r.pending and r.points is None and r.score is None
    assert "평가등급 미입력" in r.explanation and "잠정" in r.explanation
    en = score_goal(goal("qualitative", 20), SCORING, lang="en")
    assert "awaiting the evaluators' grade" in en.explanation


def test_english_explanations() -> None:
    r = score_goal(goal("ratio", 20, direction="higher", target=3500, actual=3902), SCORING, lang="en")
    assert r.explanation == ("actual 3,902 ÷ target 3,500 = 111.5% → points 100.00 × weight 20 ÷ 100 = score 20.00")
    r = score_goal(goal("range", 10, direction="higher", baseline=100, major=True, actual=95), SCORING, "en")
    assert r.explanation == (
        "baseline 100 ± 20% (major programme): floor 80 → top 120, actual 95: "
        "20 + 80 × (95 − 80) ÷ (120 − 80) = points 50.00 × weight 10 ÷ 100 = score 5.00"
    )
    q = score_goal(goal("qualitative", 20, grade="양호"), SCORING, "en")
    assert q.explanation == "evaluators' grade 양호 (good) → points 80.00 × weight 20 ÷ 100 = score 16.00"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        score_goal(goal("milestone", achieved=True), SCORING, lang="fr")


# --- inputs the validator should have rejected ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("g", "message"),
    [
        (goal("ratio", direction="higher", target=0, actual=5), "target above 0"),
        (goal("ratio", direction="higher", target=-1, actual=5), "target above 0"),
        (goal("ratio", direction="lower", target=-1, actual=5), "0 or more"),
        (goal("ratio", direction="lower", target=0, actual=-1), "cannot be negative"),
        (goal("ratio", direction="higher", actual=5), "target"),
        (goal("ratio", direction="higher", target=5), "actual"),
        (goal("ratio", direction=None, target=5, actual=5), "direction"),
        (goal("range", direction="higher", top=100, floor=100, actual=5), "must differ"),
        (goal("range", direction="higher", top=90, floor=110, actual=5), "above the floor"),
        (goal("range", direction="lower", top=110, floor=90, actual=5), "below the floor"),
        (goal("range", direction="higher", baseline=0, actual=5), "baseline above 0"),
        (goal("range", direction="higher", baseline=-10, actual=5), "baseline above 0"),
        (goal("range", direction="higher", actual=5), "baseline"),
        (goal("deviation", direction="higher", past=[1, 2], actual=5), "use the range method"),
        (goal("deviation", direction="higher", past=[7, 7, 7], actual=5), "σ = 0"),
        (goal("milestone"), "달성"),
        (goal("qualitative", grade="최고"), "unknown evaluators' grade"),
        (goal("score-by-vibes"), "unknown method"),
    ],
)
def test_invalid_inputs_raise_scoring_error(g: Goal, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score_goal(g, SCORING)


def test_scoring_error_is_a_value_error_naming_the_goal() -> None:
    g = goal("ratio", direction="higher", target=0, actual=5, row=7)
    with pytest.raises(ValueError, match=r"goal 1-1 \(ratio, row 7\)"):
        ratio_rate(g)


def test_deviation_error_says_to_use_range() -> None:
    with pytest.raises(ScoringError, match="range"):
        deviation_bounds(goal("deviation", direction="higher", past=[5, 5, 5, 5], actual=5), SCORING)


# --- the city: totals, grades, ranks, excellence -----------------------------------------------------------------
HOME = Path("/nonexistent/pipeline-home")


def make_config(
    agencies: list[tuple[str, str]],
    *,
    excellence: Excellence | None = None,
    adjustments: tuple[Adjustment, ...] = (),
    max_bonus: Decimal = SCORING.max_bonus,
    lang: str = "ko",
) -> Config:
    """A Config built from dataclasses (no file): agencies as (code, group)."""
    paths = Paths(*(HOME / name for name in ("inbox", "outbox", "archive", "rejected", "state")))
    return Config(
        home=HOME,
        source=HOME / "pipeline.toml",
        evaluation=Evaluation(year=2026, title="평가", lang=lang),
        agencies=tuple(
            Agency(code, f"{code} 기관", group, "감독과", f"{code.lower()}@example.kr") for code, group in agencies
        ),
        scoring=Scoring(
            excellence=excellence or Excellence(),
            adjustments=adjustments,
            max_bonus=max_bonus,
        ),
        paths=paths,
        batch=Batch(),
        mail=Mail(),
    )


def submission(code: str, *goals: Goal) -> Submission:
    return Submission(agency=AgencyInfo(code=code, name=code, group="g", year=2026), goals=goals)


def worth(code: str, total: str, pending_weight: int = 0) -> Submission:
    """A submission whose score sum is exactly `total` (one ratio goal on target 100), optionally + a pending goal."""
    weight = 100 - pending_weight
    actual = D(total) * 100 / weight
    goals = [goal("ratio", weight, direction="higher", target=100, actual=actual)]
    if pending_weight:
        goals.append(goal("qualitative", pending_weight))
    return submission(code, *goals)


def by_code(city: object) -> dict:
    return {a.code: a for a in city.agencies}  # type: ignore[attr-defined]


def test_agency_total_is_sum_of_scores_and_matches_worked_examples() -> None:
    goals = (
        goal("ratio", 20, direction="higher", target=3500, actual=3902),
        goal("range", 25, direction="higher", top=110, floor=90, actual=104),
        goal("deviation", 20, direction="higher", past=[100, 110, 120, 130, 140], actual=145),
        goal("milestone", 15, achieved=True),
        goal("qualitative", 20, grade="양호"),
    )
    city = score_city(make_config([("A1", "공사")]), {"A1": submission("A1", *goals)})
    (a,) = city.agencies
    assert a.status == STATUS_ACCEPTED
    assert a.score_sum == a.total == D("20.00") + D("19.00") + D("14.53") + D("15.00") + D("16.00") == D("84.53")
    assert a.grade == "A" and a.rank == 1 and a.group_rank == 1 and not a.provisional
    assert a.name == "A1 기관" and a.group == "공사" and a.supervising_dept == "감독과"  # registered data
    assert explain_total(a) == "득점 합계 84.53 = 총점 84.53"


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "S"),
        ("90", "S"),
        ("89.99", "A"),
        ("80", "A"),
        ("79.99", "B"),
        ("70", "B"),
        ("60", "C"),
        ("59.99", "D"),
        ("0", "D"),
    ],
)
def test_grades_from_thresholds(total: str, grade: str) -> None:
    assert grade_for(D(total), SCORING) == grade
    city = score_city(make_config([("A1", "g")]), {"A1": worth("A1", total)})
    assert city.agencies[0].grade == grade


def test_grade_thresholds_are_configurable() -> None:
    scoring = Scoring(grades=(("우수", D(75)), ("보통", D(50)), ("미흡", D(0))))
    assert [grade_for(D(t), scoring) for t in ("75", "74.99", "50", "10")] == ["우수", "보통", "보통", "미흡"]


def test_competition_ranks_share_and_skip() -> None:
    assert competition_ranks([D(90), D(80), D(80), D(70)]) == [1, 2, 2, 4]
    assert competition_ranks([D(70), D(80), D(90), D(80)]) == [4, 2, 1, 2]
    assert competition_ranks([]) == []


def test_city_tie_ranks_1_2_2_4_and_order() -> None:
    config = make_config([("D", "g"), ("C", "g"), ("B", "g"), ("A", "g")])
    subs = {"A": worth("A", "70"), "B": worth("B", "80"), "C": worth("C", "80"), "D": worth("D", "90")}
    city = score_city(config, subs)
    assert [(a.code, a.rank) for a in city.agencies] == [("D", 1), ("B", 2), ("C", 2), ("A", 4)]


def test_group_ranks() -> None:
    config = make_config([("P1", "공사"), ("P2", "공사"), ("F1", "출연"), ("F2", "출연"), ("F3", "출연")])
    subs = {c: worth(c, t) for c, t in [("P1", "85"), ("P2", "60"), ("F1", "90"), ("F2", "70"), ("F3", "70")]}
    got = {a.code: (a.rank, a.group_rank) for a in score_city(config, subs).agencies}
    assert got == {"F1": (1, 1), "P1": (2, 1), "F2": (3, 2), "F3": (3, 2), "P2": (5, 2)}


def test_missing_and_rejected_are_unranked_and_listed_last_in_config_order() -> None:
    config = make_config([("Z", "g"), ("M", "g"), ("A", "g"), ("R", "g")])
    city = score_city(config, {"A": worth("A", "75")}, rejected={"R"})
    assert [(a.code, a.status) for a in city.agencies] == [
        ("A", STATUS_ACCEPTED),
        ("Z", STATUS_MISSING),
        ("M", STATUS_MISSING),
        ("R", STATUS_REJECTED),
    ]
    for a in city.agencies[1:]:
        assert (a.rank, a.group_rank, a.total, a.grade, a.excellent, a.goals) == (None, None, None, None, False, ())
    assert explain_total(city.agencies[1]) == "미제출"
    assert explain_total(city.agencies[3], "en") == "rejected (no accepted submission)"


def test_accepted_submission_wins_over_rejected_code() -> None:
    city = score_city(make_config([("A", "g")]), {"A": worth("A", "75")}, rejected=["A"])
    assert city.agencies[0].status == STATUS_ACCEPTED


def test_excellence_by_grades_default_s_and_a() -> None:
    config = make_config([("S1", "g"), ("A1", "g"), ("B1", "g")])
    city = score_city(config, {"S1": worth("S1", "95"), "A1": worth("A1", "80"), "B1": worth("B1", "79.99")})
    assert [a.code for a in city.excellent] == ["S1", "A1"]


def test_excellence_top_n_includes_ties_at_the_cut() -> None:
    config = make_config([("A", "g"), ("B", "g"), ("C", "g"), ("D", "g")], excellence=Excellence("top_n", n=2))
    subs = {"A": worth("A", "90"), "B": worth("B", "80"), "C": worth("C", "80"), "D": worth("D", "70")}
    assert [a.code for a in score_city(config, subs).excellent] == ["A", "B", "C"]


def test_excellence_top_n_per_group() -> None:
    config = make_config(
        [("P1", "공사"), ("P2", "공사"), ("F1", "출연"), ("F2", "출연"), ("F3", "출연")],
        excellence=Excellence("top_n_per_group", n=1),
    )
    subs = {c: worth(c, t) for c, t in [("P1", "65"), ("P2", "60"), ("F1", "90"), ("F2", "95"), ("F3", "70")]}
    assert [a.code for a in score_city(config, subs).excellent] == ["F2", "P1"]


def test_excellence_min_total() -> None:
    config = make_config([("A", "g"), ("B", "g")], excellence=Excellence("min_total", min_total=D("85")))
    city = score_city(config, {"A": worth("A", "85"), "B": worth("B", "84.99")})
    assert [a.code for a in city.excellent] == ["A"]


def test_excellence_rule_from_pipeline_toml(tmp_path: Path) -> None:
    text = """
[evaluation]
year = 2026

[[agencies]]
code = "A"
name = "가기관"
group = "공사·공단"
email = "a@example.kr"

[[agencies]]
code = "B"
name = "나기관"
group = "공사·공단"
email = "b@example.kr"

[scoring.excellence]
rule = "top_n"
n = 1

[[adjustments]]
agency = "B"
points = 2
reason = "국내 최초 ISO 10002 인증"
"""
    config = parse_config(text, home=tmp_path)
    city = score_city(config, {"A": worth("A", "81"), "B": worth("B", "80")})
    assert [(a.code, a.total, a.rank, a.excellent) for a in city.agencies] == [
        ("B", D("82.00"), 1, True),
        ("A", D("81.00"), 2, False),
    ]


@pytest.mark.parametrize(
    "excellence",
    [
        Excellence(),
        Excellence("top_n", n=5),
        Excellence("top_n_per_group", n=5),
        Excellence("min_total", min_total=D(1)),
    ],
)
def test_provisional_is_ranked_and_marked_but_never_excellent(excellence: Excellence) -> None:
    config = make_config([("P", "g"), ("Q", "g")], excellence=excellence)
    city = score_city(config, {"P": worth("P", "79", pending_weight=20), "Q": worth("Q", "85")})
    p, q = by_code(city)["P"], by_code(city)["Q"]
    assert p.provisional and p.rank == 2 and p.total == D("79.00") and p.grade == "B"
    assert not p.excellent
    assert q.excellent and not q.provisional
    assert p.goals[1].pending
    assert explain_total(p).endswith("잠정 (정성평가 등급 대기)")


def test_provisional_in_top_n_keeps_its_place() -> None:
    config = make_config([("P", "g"), ("Q", "g"), ("R", "g")], excellence=Excellence("top_n", n=1))
    subs = {"P": worth("P", "79", pending_weight=20), "Q": worth("Q", "70"), "R": worth("R", "60")}
    assert score_city(config, subs).excellent == ()


def test_adjustments_bonus_and_penalty_are_shown_and_added() -> None:
    adjustments = (
        Adjustment("A", D("1.5"), "국내 최초 ISO 10002 인증"),
        Adjustment("A", D("-1"), "안전사고 발생"),
        Adjustment("B", D("2"), "다른 기관"),
    )
    config = make_config([("A", "g"), ("B", "g")], adjustments=adjustments)
    a = by_code(score_city(config, {"A": worth("A", "84.53"), "B": worth("B", "50")}))["A"]
    assert [(x.points, x.reason) for x in a.adjustments] == [
        (D("1.5"), "국내 최초 ISO 10002 인증"),
        (D(-1), "안전사고 발생"),
    ]
    assert a.score_sum == D("84.53")
    assert a.total == D("85.03")
    assert (
        explain_total(a)
        == "득점 합계 84.53 + 가점 1.5 (국내 최초 ISO 10002 인증) − 감점 1 (안전사고 발생) = 총점 85.03"
    )
    assert explain_total(a, "en") == (
        "sum of scores 84.53 + bonus 1.5 (국내 최초 ISO 10002 인증) − penalty 1 (안전사고 발생) = total 85.03"
    )


def test_total_is_kept_within_zero_and_100_plus_max_bonus() -> None:
    adjustments = (Adjustment("TOP", D(3), "가점"), Adjustment("LOW", D(-5), "감점"))
    config = make_config([("TOP", "g"), ("LOW", "g")], adjustments=adjustments, max_bonus=D(2))
    city = by_code(score_city(config, {"TOP": worth("TOP", "100"), "LOW": worth("LOW", "3")}))
    assert city["TOP"].score_sum == D("100.00") and city["TOP"].total == D("102.00")
    assert explain_total(city["TOP"]) == "득점 합계 100.00 + 가점 3 (가점) = 103.00 → 총점 102.00 (상한 102)"
    assert city["LOW"].total == D("0.00") and city["LOW"].grade == "D"
    assert (
        explain_total(city["LOW"], "en") == "sum of scores 3.00 − penalty 5 (감점) = −2.00 → total 0.00 (floored at 0)"
    )


def test_city_lang_defaults_to_config_and_can_be_overridden() -> None:
    config = make_config([("A", "g")], lang="en")
    assert score_city(config, {"A": worth("A", "80")}).agencies[0].goals[0].explanation.startswith("actual ")
    ko = score_city(config, {"A": worth("A", "80")}, lang="ko")
    assert ko.agencies[0].goals[0].explanation.startswith("실적 ")
    assert ko.year == 2026


def test_city_refuses_unknown_agency_wrong_code_and_bad_weights() -> None:
    config = make_config([("A", "g")])
    with pytest.raises(ScoringError, match="not in pipeline.toml: X"):
        score_city(config, {"X": worth("X", "80")})
    with pytest.raises(ScoringError, match="for agency 'B'"):
        score_city(config, {"A": worth("B", "80")})
    with pytest.raises(ScoringError, match="add up to 90"):
        score_city(config, {"A": submission("A", goal("milestone", 90, achieved=True))})
