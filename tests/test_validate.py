"""One test per rule: the finding code AND the cell it names (the workbooks come from tests/factory.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import factory
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.findings import CATALOGUE
from pipeline.core.findings_page import COMMAND, render_docs
from pipeline.read.workbook import read_workbook
from pipeline.template.workbook import CellValue
from pipeline.validate.check import CheckResult, check_file, validate_many

CONFIG = factory.config()


def check(tmp_path: Path, config: Any = CONFIG, name: str = "s.xlsx", **kwargs: Any) -> CheckResult:
    return check_file(factory.write(tmp_path / name, **kwargs), config)


def refs(result: CheckResult) -> list[tuple[str, str]]:
    for f in result.findings:  # every finding renders in both languages (no missing template value)
        for lang in ("ko", "en"):
            assert f.message(lang) and f.hint(lang)
    return [(f.code, f.ref) for f in result.findings]


def assert_finding(result: CheckResult, code: str, ref: str) -> None:
    assert (code, ref) in refs(result), refs(result)


def assert_only(result: CheckResult, code: str, ref: str) -> None:
    """Exactly this one error, and no submission."""
    errors = [(f.code, f.ref) for f in result.findings if f.is_error]
    assert errors == [(code, ref)], refs(result)
    assert result.submission is None


# --- the valid submission ------------------------------------------------------------------------------------
def test_valid_submission_reads_as_typed_goals(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert result.findings == ()
    assert result.ok and not result.unreadable
    assert (result.agency_code, result.year) == (factory.CODE, factory.YEAR)
    sub = result.submission
    assert sub is not None
    assert sub.agency.name == factory.NAME
    assert [g.method for g in sub.goals] == ["ratio", "ratio", "range", "deviation", "milestone", "qualitative"]
    assert sum(g.weight for g in sub.goals) == 100
    first = sub.goals[0]
    assert (first.direction, first.target, first.actual, first.major) == ("higher", Decimal(3500), Decimal(3902), True)
    assert first.sources["target"].ref == "성과목표!K5"
    assert sub.goals[3].past == tuple(Decimal(v) for v in (100, 110, 120, 130, 140))
    assert sub.goals[4].achieved is True and sub.goals[4].direction is None
    assert sub.goals[5].grade is None


def test_validate_many_runs_many_submissions_in_one_pass(tmp_path: Path) -> None:
    good = read_workbook(factory.write(tmp_path / "a.xlsx"))
    bad = read_workbook(factory.write(tmp_path / "b.xlsx", goal_rows=factory.goals(g1={"target": "미정"})))
    results = validate_many([good, bad, good], CONFIG)
    assert [r.ok for r in results] == [True, False, True]
    assert ("value.not_number", "성과목표!K5") in refs(results[1])


# --- 기관정보 ---------------------------------------------------------------------------------------------------
def test_agency_unknown(tmp_path: Path) -> None:
    result = check(tmp_path, info={"agency_code": "ZZ99"})
    assert_only(result, "agency.unknown", "기관정보!B5")
    assert result.agency_code == "ZZ99"  # still routed by what was typed


def test_agency_name_mismatch(tmp_path: Path) -> None:
    assert_only(check(tmp_path, info={"agency_name": "광주도시공사"}), "agency.name_mismatch", "기관정보!B6")


def test_agency_name_spacing_is_not_a_mismatch(tmp_path: Path) -> None:
    assert check(tmp_path, info={"agency_name": " 광주 신용보증재단 "}).ok


def test_agency_wrong_year(tmp_path: Path) -> None:
    assert_only(check(tmp_path, info={"year": 2024}), "agency.wrong_year", "기관정보!B8")


def test_year_not_integer(tmp_path: Path) -> None:
    assert_only(check(tmp_path, info={"year": "2025.5"}), "value.not_integer", "기관정보!B8")


def test_agency_code_required(tmp_path: Path) -> None:
    result = check(tmp_path, info={"agency_code": None})
    assert_only(result, "cell.required", "기관정보!B5")
    assert result.agency_code is None


def test_without_config_the_registry_checks_are_skipped(tmp_path: Path) -> None:
    result = check(tmp_path, config=None, info={"agency_code": "ZZ99", "year": 2019})
    assert result.ok, refs(result)
    assert result.year == 2019


# --- 성과목표: cells -------------------------------------------------------------------------------------------
def test_required_goal_cell(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g2={"indicator": None})), "cell.required", "성과목표!D6")


def test_weights_must_sum_to_100_and_name_the_weight_cells(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g2={"weight": 10}))
    assert_only(result, "goal.weights_sum", "성과목표!I5:I10")
    found = result.findings[0]
    assert dict(found.params)["cells"] == "I5, I6, I7, I8, I9, I10"
    assert "95" in found.message()


def test_weight_of_100_0000001_is_not_100(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g6={"weight": "15.0000001"}))
    assert_only(result, "goal.weights_sum", "성과목표!I5:I10")


@pytest.mark.parametrize("weight", [0, -5, 150])
def test_weight_range(tmp_path: Path, weight: int) -> None:
    assert_finding(check(tmp_path, goal_rows=factory.goals(g6={"weight": weight})), "goal.weight_range", "성과목표!I10")


def test_duplicate_goal_number(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g2={"number": "1"}))
    assert_only(result, "goal.duplicate_number", "성과목표!A6")
    assert "성과목표!A5" in result.findings[0].message()


def test_unknown_method(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g1={"method": "기타"}))
    assert_only(result, "value.unknown_choice", "성과목표!E5")
    assert "목표대비" in result.findings[0].hint()


def test_unknown_direction(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g1={"direction": "위"})), "value.unknown_choice", "성과목표!F5")


def test_direction_required_for_quantitative(tmp_path: Path) -> None:
    assert_only(
        check(tmp_path, goal_rows=factory.goals(g1={"direction": None})), "goal.direction_required", "성과목표!F5"
    )


def test_target_required_for_ratio(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g1={"target": None})), "goal.target_required", "성과목표!K5")


def test_target_positive_for_higher_ratio(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g1={"target": 0})), "goal.target_positive", "성과목표!K5")


def test_target_not_negative_for_lower_ratio(tmp_path: Path) -> None:
    goals = factory.goals(g1={"direction": "lower", "target": -5})
    assert_only(check(tmp_path, goal_rows=goals), "goal.target_negative", "성과목표!K5")


def test_zero_target_lower_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, goal_rows=factory.goals(g1={"direction": "lower", "target": 0, "actual": 0})).ok


def test_actual_required(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g2={"actual": None})), "goal.actual_required", "성과목표!Q6")


def test_not_a_number(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g2={"target": "약 30"}))
    assert_only(result, "value.not_number", "성과목표!K6")
    assert result.findings[0].value == "약 30"


def test_too_large(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g2={"target": 1e20})), "value.too_large", "성과목표!K6")


def test_a_target_of_1e_minus_25_is_out_of_range_naming_the_cell_and_the_range(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g1={"target": 1e-25}))
    assert_only(result, "value.out_of_range", "성과목표!K5")
    found = result.findings[0]
    assert found.value == "0.0000000000000000000000001"
    assert "절댓값 0.000001 이상 1,000,000,000,000,000 이하이고 유효숫자 15자리 이내" in found.message("ko")
    english = found.message("en")
    assert "a magnitude from 0.000001 to 1,000,000,000,000,000 with at most 15 significant digits" in english


@pytest.mark.parametrize(
    ("goals", "past", "ref"),
    [
        ({"g3": {"top": "1.000000000000000000000000000001", "floor": 1, "actual": 1}}, None, "성과목표!L7"),
        ({}, [["4", 2020, 1], ["4", 2021, "1." + "0" * 40 + "1"], ["4", 2022, 1]], "과거실적!C6"),  # 1 + 1E-41
        ({"g2": {"actual": "2,300.0000000000001"}}, None, "성과목표!Q6"),  # 17 significant digits
        ({"g4": {"baseline": -0.0000009}}, None, "성과목표!J8"),
    ],
)
def test_numbers_beyond_the_digits_scoring_holds_are_out_of_range(
    tmp_path: Path, goals: dict[str, dict[str, Any]], past: list[list[Any]] | None, ref: str
) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(**goals), past=past), "value.out_of_range", ref)


def test_the_edges_of_the_accepted_range_are_accepted(tmp_path: Path) -> None:
    goals = factory.goals(
        g1={"target": "999,999,999,999,999", "actual": "123,456,789.012345"},  # 15 significant digits each
        g3={"top": "0.000002", "floor": "-0.000001", "actual": 0},
    )
    result = check(tmp_path, goal_rows=goals)
    assert not [f for f in result.findings if f.is_error], refs(result)
    assert result.submission.goals[2].floor == Decimal("-0.000001")


def test_past_results_too_close_together_for_the_baseline(tmp_path: Path) -> None:
    past = [["4", 2022, 0.000001], ["4", 2023, 1.00000000000001e-6], ["4", 2024, 0.000001]]
    result = check(tmp_path, goal_rows=factory.goals(g4={"baseline": 1e15}), past=past)
    assert_only(result, "goal.past_spread_too_small", "성과목표!E8")
    assert result.findings[0].message("en") == (
        "성과목표!E8: Goal 4's past results vary too little (σ 0.0000000000000000000058) next to the baseline "
        "1000000000000000 to set a top and a floor."
    )


def test_a_qualitative_goal_s_text_in_actual_is_kept_and_unused(tmp_path: Path) -> None:
    """SCORING.md: a qualitative goal's points come from the committee's grades; its 실적치 plays no part."""
    result = check(tmp_path, goal_rows=factory.goals(g6={"actual": "탁월"}))
    assert result.ok, refs(result)
    qualitative = result.submission.goals[5]
    assert (qualitative.actual, qualitative.grade) == (None, None)


def test_a_milestone_s_word_in_actual_is_no_number_for_the_schemas(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g5={"actual": "달성", "target": "미정"}))
    assert_only(result, "value.not_number", "성과목표!K9")


def test_date_where_a_number_belongs(tmp_path: Path) -> None:
    result = check(tmp_path, edit=factory.set_cell("성과목표", "K6", date(2025, 3, 5), "yyyy-mm-dd"))
    assert_only(result, "value.date", "성과목표!K6")
    assert result.findings[0].value == "2025-03-05"


def test_unit_typed_differs_from_goal_unit(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g1={"actual": "3,902백만원"}))
    assert_only(result, "value.unit_mismatch", "성과목표!Q5")


def test_unit_typed_matching_goal_unit_is_read(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g1={"actual": "3,902억원", "target": "3,500 억원"}))
    assert result.ok, refs(result)
    assert result.submission.goals[0].actual == Decimal(3902)


# --- methods -------------------------------------------------------------------------------------------------
def test_range_needs_top_and_floor_or_baseline(tmp_path: Path) -> None:
    goals = factory.goals(g3={"top": None, "floor": None})
    assert_only(check(tmp_path, goal_rows=goals), "goal.range_bounds_required", "성과목표!L7")


def test_range_from_positive_baseline_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, goal_rows=factory.goals(g3={"top": None, "floor": None, "baseline": 100})).ok


def test_range_baseline_must_be_positive(tmp_path: Path) -> None:
    goals = factory.goals(g3={"top": None, "floor": None, "baseline": 0})
    assert_only(check(tmp_path, goal_rows=goals), "goal.baseline_positive", "성과목표!J7")


def test_range_top_and_floor_go_together(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g3={"floor": None})), "goal.top_floor_pair", "성과목표!M7")


def test_top_equals_floor(tmp_path: Path) -> None:
    goals = factory.goals(g3={"top": 100, "floor": 100})
    assert_only(check(tmp_path, goal_rows=goals), "goal.top_equals_floor", "성과목표!L7")


def test_top_floor_wrong_way_round(tmp_path: Path) -> None:
    goals = factory.goals(g3={"top": 90, "floor": 110})
    assert_only(check(tmp_path, goal_rows=goals), "goal.top_floor_order", "성과목표!L7")


def test_deviation_needs_three_to_five_past_results(tmp_path: Path) -> None:
    result = check(tmp_path, past=factory.PAST[:2])
    assert_only(result, "goal.past_count", "성과목표!E8")
    assert "2" in result.findings[0].message()


def test_deviation_needs_variation(tmp_path: Path) -> None:
    past = [["4", year, 100] for year in range(2020, 2025)]
    assert_only(check(tmp_path, past=past), "goal.past_no_variation", "성과목표!E8")


def test_milestone_needs_achieved_or_not(tmp_path: Path) -> None:
    assert_only(check(tmp_path, goal_rows=factory.goals(g5={"actual": "진행중"})), "goal.achieved_value", "성과목표!Q9")


def test_milestone_accepts_o_x(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g5={"actual": "X"}))
    assert result.ok and result.submission.goals[4].achieved is False


def test_a_grade_column_added_by_hand_is_an_agency_grading_itself(tmp_path: Path) -> None:
    """Issue 17: only the committee grades; a 평가등급 column typed into the agency's workbook names its cell."""

    def add_grade(wb: Any) -> None:
        ws = factory.goal_sheet(wb)
        ws["U4"], ws["U10"] = "평가등급", "탁월"

    assert_only(check(tmp_path, edit=add_grade), "grade.self_assigned", "성과목표!U10")


# --- 과거실적 ---------------------------------------------------------------------------------------------------
def test_past_duplicate_year(tmp_path: Path) -> None:
    past = [*factory.PAST[:4], ["4", 2023, 135]]
    assert_finding(check(tmp_path, past=past), "past.duplicate_year", "과거실적!B9")


def test_past_unknown_goal_is_a_warning(tmp_path: Path) -> None:
    result = check(tmp_path, past=[*factory.PAST, ["99", 2024, 1]])
    assert_finding(result, "past.unknown_goal", "과거실적!A10")
    assert result.ok


# --- warnings ------------------------------------------------------------------------------------------------
def test_blank_evidence_warns(tmp_path: Path) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g2={"evidence": None}))
    assert refs(result) == [("goal.evidence_blank", "성과목표!S6")]
    assert result.ok and result.submission is not None


@pytest.mark.parametrize("actual", [23000, 300])
def test_unusual_rate_warns(tmp_path: Path, actual: int) -> None:
    result = check(tmp_path, goal_rows=factory.goals(g2={"actual": actual}))
    assert refs(result) == [("goal.rate_unusual", "성과목표!Q6")]
    assert result.ok


def test_percent_format_on_a_non_percent_unit_warns(tmp_path: Path) -> None:
    goals = factory.goals(g3={"actual": CellValue(1.04, "0%")})
    assert refs(check(tmp_path, goal_rows=goals)) == [("value.percent_format", "성과목표!Q7")]


# --- the whole catalogue is documented ---------------------------------------------------------------------------
def test_docs_page_is_current() -> None:
    page = Path(__file__).resolve().parents[1] / "docs" / "findings.md"
    assert page.read_text(encoding="utf-8") == render_docs(), f"run: {COMMAND}"


def test_every_code_has_both_languages_and_a_hint() -> None:
    for kind in CATALOGUE.values():
        assert all(kind.message) and all(kind.hint) and kind.description, kind.code


# --- one corrupted cell → a finding naming exactly that cell --------------------------------------------------
CORRUPTIBLE = (
    [("성과목표", cell) for cell in factory.NUMERIC_GOAL_CELLS]
    + [("과거실적", f"C{row}") for row in range(5, 5 + len(factory.PAST))]
    + [("기관정보", "B8")]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.sampled_from(CORRUPTIBLE), text=st.sampled_from(["미정", "약 30", "N/A", "30여건", "??", "1,23", "TBD"])
)
def test_one_corrupted_numeric_cell_is_named_exactly(tmp_path: Path, where: tuple[str, str], text: str) -> None:
    sheet, cell = where
    result = check(tmp_path, edit=factory.set_cell(sheet, cell, text))
    errors = {f.ref for f in result.findings if f.is_error}
    assert errors == {f"{sheet}!{cell}"}, refs(result)
    assert result.submission is None
