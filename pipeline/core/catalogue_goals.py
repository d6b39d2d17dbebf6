"""Findings about one goal of 성과목표 (the scoring rules' preconditions) and about 과거실적's rows.

Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
Messages name the value as typed ({value}) and the heading ({field}); the cell is prefixed by Finding.message.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, WARNING, CellFinding, FindingType

GOAL_FINDINGS: tuple[FindingType, ...] = (
    CellFinding(
        "goal.weight_range",
        ERROR,
        message=(
            "가중치 {value}은(는) 0보다 크고 100 이하여야 합니다.",
            "Weight {value} must be above 0 and at most 100.",
        ),
        hint=(
            "목표별 배점을 0보다 큰 숫자로 적으세요(합계 100).",
            "Give each goal a positive weight (they add up to 100).",
        ),
        description="A weight outside (0, 100].",
    ),
    CellFinding(
        "goal.weights_sum",
        ERROR,
        message=(
            "가중치 합계가 {total}입니다({cells}). 정확히 100이어야 합니다.",
            "The weights add up to {total} ({cells}); they must be exactly 100.",
        ),
        hint=(
            "가중치 칸({cells})을 고쳐 합계를 100으로 맞추세요.",
            "Adjust the weights ({cells}) so that they add up to 100.",
        ),
        description="An agency's goal weights must add up to exactly 100 (decimal arithmetic, no tolerance).",
        params={"total": "95", "cells": "I5, I6, I7, I8, I9, I10"},
    ),
    CellFinding(
        "goal.duplicate_number",
        ERROR,
        message=(
            "목표번호 '{value}'이(가) 겹칩니다({other}에도 있음).",
            "Goal number '{value}' is used twice (also at {other}).",
        ),
        hint=("목표마다 다른 번호를 적으세요.", "Give every goal its own number."),
        description="Goal numbers identify goals across sheets (과거실적) and years.",
        params={"other": "성과목표!A5"},
    ),
    CellFinding(
        "goal.direction_required",
        ERROR,
        message=(
            "정량 지표(평가방법 {method})는 지표방향이 필요합니다.",
            "A quantitative goal (method {method}) needs a direction.",
        ),
        hint=(
            "클수록 좋으면 '상향', 작을수록 좋으면 '하향'을 고르세요.",
            "Pick 'higher' if more is better, 'lower' if less is better.",
        ),
        description="목표대비, 목표부여 and 목표부여(편차) goals are scored by direction.",
        params={"method": "목표대비"},
    ),
    CellFinding(
        "goal.actual_required",
        ERROR,
        message=("실적치가 비어 있습니다(평가방법 {method}).", "The actual result is blank (method {method})."),
        hint=(
            "올해 실적을 적으세요. 달성여부 방식은 '달성' 또는 '미달성'을 적습니다.",
            "Fill in the year's result; for milestones write 달성 or 미달성.",
        ),
        description="Every goal except qualitative ones needs the year's result to be scored.",
        params={"method": "목표대비"},
    ),
    CellFinding(
        "goal.achieved_value",
        ERROR,
        message=(
            "달성여부 방식의 실적치 '{value}'을(를) 알 수 없습니다.",
            "Milestone result '{value}' is not understood.",
        ),
        hint=("'달성' 또는 '미달성'을 적으세요(Y/N, O/X도 됩니다).", "Write 달성 or 미달성 (Y/N or O/X also work)."),
        description="A milestone's result must be achieved or not: 달성/미달성, Y/N, O/X, 예/아니오, yes/no, true/false, 1/0.",
    ),
    CellFinding(
        "goal.target_required",
        ERROR,
        message=("목표대비 방식은 목표치가 필요합니다.", "The target-ratio method needs a target."),
        hint=("목표치 칸에 올해 목표를 숫자로 적으세요.", "Type this year's target."),
        description="목표대비: achievement = actual ÷ target.",
    ),
    CellFinding(
        "goal.target_positive",
        ERROR,
        message=(
            "상향 지표의 목표대비 방식은 목표치가 0보다 커야 합니다(현재 {value}).",
            "A higher-is-better target ratio needs a target above 0 (now {value}).",
        ),
        hint=(
            "목표치를 0보다 크게 적거나, 평가방법을 '목표부여'로 바꾸세요.",
            "Use a target above 0, or switch the method to target setting (목표부여).",
        ),
        description="actual ÷ target is meaningless for a target of 0 or less.",
    ),
    CellFinding(
        "goal.target_negative",
        ERROR,
        message=(
            "하향 지표의 목표치는 0 이상이어야 합니다(현재 {value}).",
            "A lower-is-better target must be 0 or more (now {value}).",
        ),
        hint=("목표치를 0 이상으로 적으세요.", "Use a target of 0 or more."),
        description="Lower-is-better ratios use (2T − A) ÷ T, or 0/1 for a zero target.",
    ),
    CellFinding(
        "goal.range_bounds_required",
        ERROR,
        message=(
            "목표부여 방식은 최고목표와 최저목표를 모두 적거나 기준치를 적어야 합니다.",
            "Target setting needs both top and floor targets, or a baseline.",
        ),
        hint=(
            "최고목표·최저목표를 모두 적거나, 0보다 큰 기준치를 적으세요(최고·최저가 자동 계산됩니다).",
            "Fill both top and floor, or a baseline above 0 (top/floor are then derived).",
        ),
        description="목표부여 derives top/floor from the baseline only when both are blank.",
    ),
    CellFinding(
        "goal.top_floor_pair",
        ERROR,
        message=(
            "'{field}'만 비어 있습니다: 최고목표와 최저목표는 함께 적어야 합니다.",
            "Only '{field}' is blank: top and floor go together.",
        ),
        hint=(
            "'{field}'을(를) 채우거나, 기준치로 자동 계산하려면 최고·최저목표를 모두 비우세요.",
            "Fill '{field}', or clear both to derive them from the baseline.",
        ),
        description="One of top/floor without the other would silently be ignored.",
    ),
    CellFinding(
        "goal.baseline_positive",
        ERROR,
        message=(
            "기준치 {value}(으)로는 최고·최저목표를 계산할 수 없습니다: 0보다 커야 합니다.",
            "Baseline {value} cannot derive top/floor targets: it must be above 0.",
        ),
        hint=(
            "최고목표·최저목표를 직접 적거나 0보다 큰 기준치를 적으세요.",
            "Fill top and floor, or use a baseline above 0.",
        ),
        description="top/floor = baseline × (1 ± margin) needs a positive baseline.",
    ),
    CellFinding(
        "goal.top_equals_floor",
        ERROR,
        message=("최고목표와 최저목표가 같습니다({value}).", "Top and floor targets are equal ({value})."),
        hint=("최고목표와 최저목표를 다르게 적으세요.", "Make the top and floor targets differ."),
        description="Points interpolate between floor and top: equal bounds divide by zero.",
    ),
    CellFinding(
        "goal.top_floor_order",
        ERROR,
        message=(
            "지표방향 {direction}인데 최고목표 {top}와(과) 최저목표 {floor}의 크기가 거꾸로입니다.",
            "Direction {direction}, but top {top} and floor {floor} are the wrong way round.",
        ),
        hint=(
            "상향이면 최고목표 > 최저목표, 하향이면 최고목표 < 최저목표가 되게 고치세요.",
            "Higher-is-better needs top > floor; lower-is-better needs top < floor.",
        ),
        description="Top is the full-marks value: above the floor when more is better, below it when less is better.",
        params={"direction": "상향", "top": "90", "floor": "110"},
    ),
    CellFinding(
        "goal.past_count",
        ERROR,
        message=(
            "목표부여(편차) 방식은 과거실적이 3~5년 필요한데 목표번호 {number}의 과거실적은 {count}개입니다.",
            "The deviation method needs 3 to 5 past results; goal {number} has {count}.",
        ),
        hint=(
            "과거실적 시트에 최근 3~5년 실적을 적거나, 평가방법을 '목표부여'로 바꾸세요.",
            "Add 3 to 5 years on the past-results sheet, or switch the method to target setting (목표부여).",
        ),
        description="σ of fewer than 3 values means little; more than 5 is beyond the rule's window.",
        params={"number": "4", "count": 2},
    ),
    CellFinding(
        "goal.past_no_variation",
        ERROR,
        message=(
            "목표번호 {number}의 과거실적이 모두 같아 편차(σ)가 0입니다.",
            "Goal {number}'s past results are all equal, so σ is 0.",
        ),
        hint=("평가방법을 '목표부여'로 바꾸세요.", "Switch the method to target setting (목표부여)."),
        description="With σ = 0 the deviation method has no range to score in.",
        params={"number": "4"},
    ),
    CellFinding(
        "goal.past_spread_too_small",
        ERROR,
        message=(
            "목표번호 {number}의 과거실적 편차(σ {sigma})가 기준 {baseline}에 비해 너무 작아 최고·최저목표를 정할 수 "
            "없습니다.",
            "Goal {number}'s past results vary too little (σ {sigma}) next to the baseline {baseline} to set a top and a "
            "floor.",
        ),
        hint=(
            "과거실적과 기준치의 단위를 확인하거나, 평가방법을 '목표부여'로 바꾸세요.",
            "Check the units of the past results and the baseline, or switch the method to target setting (목표부여).",
        ),
        description="B ± kσ must differ at scoring's 34 digits: a σ some 10^30 times smaller than the baseline "
        "leaves no range to score in.",
        params={"number": "4", "sigma": "0.000000000000000000012", "baseline": "1000000000000000"},
    ),
    CellFinding(
        "goal.evidence_blank",
        WARNING,
        message=("증빙자료가 비어 있습니다.", "Evidence is blank."),
        hint=(
            "실적의 근거 자료(보고서, 인증서 등)를 적으세요.",
            "Name what backs the result (a report, a certificate, …).",
        ),
        description="Evaluators need the evidence behind each result; not blocking.",
    ),
    CellFinding(
        "goal.rate_unusual",
        WARNING,
        message=(
            "달성률이 {rate}%입니다(200% 초과 또는 20% 미만). 단위를 잘못 적었을 수 있습니다.",
            "The achievement rate is {rate}% (over 200% or under 20%): perhaps a unit slip.",
        ),
        hint=(
            "목표치와 실적치의 단위(건, 억원, % 등)가 같은지 확인하세요.",
            "Check that target and actual use the same unit.",
        ),
        description="Usually a unit slip (천원 vs 억원, 0.85 vs 85); not blocking.",
        params={"rate": "250"},
    ),
    CellFinding(
        "past.unknown_goal",
        WARNING,
        message=(
            "과거실적의 목표번호 '{value}'은(는) 성과목표 시트에 없습니다.",
            "Past-results goal number '{value}' is not on the goal sheet.",
        ),
        hint=("목표번호를 성과목표 시트와 같게 적으세요.", "Use the goal numbers of the goal sheet."),
        description="Past results are matched to goals by goal number; an unmatched row is ignored.",
    ),
    CellFinding(
        "past.duplicate_year",
        ERROR,
        message=(
            "목표번호 {number}의 {value}년 실적이 두 번 있습니다({other}에도 있음).",
            "Goal {number} has year {value} twice (also at {other}).",
        ),
        hint=("연도마다 한 줄만 남기세요.", "Keep one row per year."),
        description="Two results for one year would distort σ.",
        params={"number": "4", "other": "과거실적!B6"},
    ),
)
