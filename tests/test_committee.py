"""The committee's rules one by one: combining grades (SCORING.md), stale grades, the committee workbook's
findings, the settings, the 변경이력 sheet and the final marking."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import factory
import pytest
from openpyxl import load_workbook

from pipeline.core.committee_layout import FIRST_ROW, GRADE_COLUMNS
from pipeline.core.model import ChangeRecord, Goal
from pipeline.read.committee import is_committee_workbook, read_committee
from pipeline.scoring.agency import score_agency
from pipeline.scoring.committee import CommitteeData, GoalGrades, apply_committee, combine_grades, goal_fingerprint
from pipeline.settings.load import ConfigError, parse_config
from pipeline.settings.schema import Committee, Scoring
from pipeline.template.committee_sheet import SheetRow, write_committee_sheet
from pipeline.validate.check import check_file
from pipeline.validate.committee import check_committee

SCORING = Scoring()
W20 = Decimal(20)


DEFAULT = Committee()


def combine(*grades: str, committee: Committee = DEFAULT) -> Decimal | None:
    return combine_grades(list(grades), SCORING, committee, W20, "ko").points


# --- combining (docs/scoring.md "Combining the committee's grades") -------------------------------------------------
def test_the_spec_example_drops_the_highest_and_the_lowest() -> None:
    result = combine_grades(["탁월", "우수", "우수", "양호", "보통"], SCORING, Committee(), W20, "ko")
    assert result.points == Decimal("86.67")
    assert "100, 90, 90, 80, 70" in result.text and "최고 100·최저 70 제외" in result.text
    assert "(90 + 90 + 80) ÷ 3 = 86.6667 → 평점 86.67" in result.text


def test_below_trim_from_every_grade_counts() -> None:
    assert combine("탁월", "우수", "보통", "미흡") == Decimal("80.00")  # (100 + 90 + 70 + 60) ÷ 4
    assert combine("탁월", "우수", "우수") == Decimal("93.33")  # 280 ÷ 3 = 93.333… half-up


def test_below_the_quorum_the_goal_is_pending() -> None:
    assert combine("탁월", "우수") is None
    assert combine("탁월", committee=Committee(quorum=1)) == Decimal("100.00")


def test_trim_from_is_a_setting() -> None:
    assert combine("탁월", "우수", "보통", committee=Committee(trim_from=3)) == Decimal("90.00")


def test_the_explanation_in_english() -> None:
    text = combine_grades(["탁월", "우수", "우수", "양호", "보통"], SCORING, Committee(), W20, "en").text
    assert "members' points 100, 90, 90, 80, 70" in text and "highest 100 and lowest 70 dropped" in text


# --- applied to an agency ------------------------------------------------------------------------------------------
def gj01() -> tuple[Any, Any]:
    config = factory.config()
    result = check_file(factory.write(Path("/tmp") / f"gj01-{id(config)}.xlsx"), config)
    assert result.ok
    return config, score_agency(config.agencies[0], result.submission, config.scoring, "ko")


def grades_for(goal: Goal, grades: list[str], fingerprint: str | None = None) -> CommitteeData:
    fp = fingerprint or goal_fingerprint("GJ01", goal)
    members = tuple((f"m{i}", g) for i, g in enumerate(grades))
    return CommitteeData(grades={("GJ01", goal.number): GoalGrades("GJ01", goal.number, fp, members)})


def test_applied_grades_end_the_provisional_total() -> None:
    config, scored = gj01()
    assert scored.provisional
    goal = scored.goals[5].goal
    applied = apply_committee(
        scored, grades_for(goal, ["탁월", "우수", "우수", "양호", "보통"]), SCORING, Committee(), "ko"
    )
    assert not applied.provisional
    assert applied.goals[5].points == Decimal("86.67") and applied.goals[5].score == Decimal("13.00")  # 15 × 86.67
    assert applied.total == scored.total + Decimal("13.00")


def test_grades_of_a_goal_changed_since_do_not_apply() -> None:
    config, scored = gj01()
    goal = scored.goals[5].goal
    stale = grades_for(goal, ["탁월"] * 5, fingerprint="0" * 16)
    applied = apply_committee(scored, stale, SCORING, Committee(), "ko")
    assert applied.provisional and applied.goals[5].pending and "다시 평정" in applied.goals[5].explanation


def test_the_fingerprint_follows_what_the_members_read() -> None:
    goal = Goal("6", "목표", "지표", "qualitative", Decimal(15), highlights="성과", evidence="보고서")
    assert goal_fingerprint("A", goal) == goal_fingerprint("A", replace(goal, note="비고"))
    for change in ({"highlights": "다른 성과"}, {"evidence": "다른 보고서"}, {"weight": Decimal(10)}):
        assert goal_fingerprint("A", goal) != goal_fingerprint("A", replace(goal, **change))


# --- the committee workbook ----------------------------------------------------------------------------------------
def sheet(tmp_path: Path, config: Any, goal: Goal) -> Path:
    path = tmp_path / "sheet.xlsx"
    rows = [SheetRow("GJ01", "광주신용보증재단", goal)]
    agencies = [(a.code, a.name) for a in config.agencies]
    return write_committee_sheet(path, rows, ["가", "나", "다"], agencies, 2025, "fp", "ko")


def filled(path: Path, grades: list[Any], adjustments: list[tuple] = (), edit: Any = None) -> Path:
    wb = load_workbook(path)
    ws, adj = wb.worksheets[0], wb.worksheets[1]
    for i, g in enumerate(grades):
        ws.cell(FIRST_ROW, len(GRADE_COLUMNS) + 1 + i, g)
    for r, values in enumerate(adjustments, start=FIRST_ROW):
        for c, v in enumerate(values, start=1):
            adj.cell(r, c, v)
    if edit:
        edit(ws)
    out = path.with_name("filled.xlsx")
    wb.save(out)
    return out


def judged(tmp_path: Path, grades: list[Any], adjustments: list[tuple] = (), edit: Any = None) -> Any:
    config, scored = gj01()
    goal = scored.goals[5].goal
    path = filled(sheet(tmp_path, config, goal), grades, adjustments, edit)
    current = {"GJ01": {goal.number: goal_fingerprint("GJ01", goal)}}
    return check_committee(read_committee(path), current, config)


def codes(check: Any) -> list[tuple[str, str]]:
    return [(f.code, f.ref) for f in check.findings]


def test_the_sheet_is_recognised_by_its_kind(tmp_path: Path) -> None:
    config, scored = gj01()
    assert is_committee_workbook(sheet(tmp_path, config, scored.goals[5].goal))
    assert not is_committee_workbook(factory.write(tmp_path / "s.xlsx"))


def test_a_filled_sheet_merges_its_grades_and_adjustments(tmp_path: Path) -> None:
    check = judged(tmp_path, ["우수", "양호", "Excellent"], [("GJ01", -1.5, "안전사고", "감사 결과")])
    assert check.ok and check.findings == ()
    (graded,) = check.data.grades.values()
    assert graded.grades == (("가", "우수"), ("나", "양호"), ("다", "우수"))  # English labels read too
    (adjustment,) = check.data.adjustments
    assert (adjustment.points, adjustment.reason, adjustment.basis) == (Decimal("-1.5"), "안전사고", "감사 결과")


def test_a_grade_not_on_the_list_is_an_error_on_its_cell(tmp_path: Path) -> None:
    check = judged(tmp_path, ["우수", "최고"])
    assert not check.ok and codes(check) == [("committee.grade_unknown", "정성평가 평정표!J5")]


def test_unknown_agency_and_goal(tmp_path: Path) -> None:
    def other(ws: Any) -> None:
        ws.cell(FIRST_ROW + 1, 1, "XX99")
        ws.cell(FIRST_ROW + 1, 3, "1")
        ws.cell(FIRST_ROW + 2, 1, "GJ01")
        ws.cell(FIRST_ROW + 2, 3, "9")

    check = judged(tmp_path, ["우수"], edit=other)
    assert codes(check) == [
        ("committee.unknown_agency", "정성평가 평정표!A6"),
        ("committee.unknown_goal", "정성평가 평정표!C7"),
    ]


def test_a_stale_row_is_ignored_and_reported_the_rest_merged(tmp_path: Path) -> None:
    def stale(ws: Any) -> None:
        ws.cell(FIRST_ROW, len(GRADE_COLUMNS) + 4, "0000")

    check = judged(tmp_path, ["우수", "우수", "우수"], [("GJ01", 1, "포상", "")], edit=stale)
    assert check.ok and codes(check) == [("committee.stale_goal", "정성평가 평정표!C5")]
    assert check.data.grades == {} and len(check.data.adjustments) == 1


def test_an_adjustment_needs_a_reason_and_points(tmp_path: Path) -> None:
    check = judged(tmp_path, [], [("GJ01", 1, None, ""), ("GJ01", "많이", "사유", "")])
    assert codes(check) == [
        ("committee.reason_required", "가점·감점!C5"),
        ("committee.points_invalid", "가점·감점!B6"),
    ]


def test_bonuses_beyond_the_cap(tmp_path: Path) -> None:
    check = judged(tmp_path, [], [("GJ01", 2, "가", ""), ("GJ01", 1.5, "나", "")])
    assert codes(check) == [("committee.bonus_cap", "가점·감점!B5")]


def test_a_sheet_of_another_year_is_refused(tmp_path: Path) -> None:
    config, scored = gj01()
    path = write_committee_sheet(tmp_path / "old.xlsx", [], ["가"], [], 2024, "fp", "ko")
    check = check_committee(read_committee(path), {}, config)
    assert not check.ok and [f.code for f in check.findings] == ["committee.other_year"]


# --- settings ------------------------------------------------------------------------------------------------------
def test_committee_settings_load_and_check(tmp_path: Path) -> None:
    text = factory.CONFIG_TOML + '\n[committee]\nquorum = 2\n[[committee.members]]\nname = "가"\nemail = "a@x.kr"\n'
    config = parse_config(text, home=tmp_path)
    assert config.committee.quorum == 2 and config.committee.trim_from == 5
    assert [(m.name, m.email) for m in config.committee.members] == [("가", "a@x.kr")]
    with pytest.raises(ConfigError):
        parse_config(factory.CONFIG_TOML + "\n[committee]\nquorum = 0\n", home=tmp_path)
    twice = '\n[[committee.members]]\nname = "가"\n' * 2
    with pytest.raises(ConfigError):
        parse_config(factory.CONFIG_TOML + twice, home=tmp_path)


# --- the report: 변경이력 and 확정 ---------------------------------------------------------------------------------------
def test_the_changes_sheet_and_the_final_mark() -> None:
    from pipeline.core.model import CityResult, ReportInput
    from pipeline.report.content import workbook_content
    from pipeline.report.results_json import results_document

    change = ChangeRecord(
        datetime(2025, 12, 1, 9), "GJ01", Decimal("72.33"), Decimal("85.33"), "평가위원회 평정표 반영"
    )
    data = ReportInput(
        city=CityResult(2025, ()),
        title="평가",
        generated_at=datetime(2025, 12, 20),
        lang="ko",
        current={},
        changes=(change,),
        final=date(2025, 12, 20),
    )
    content = workbook_content(data)
    table = next(t for t in content.tables if t.sheet == "변경이력")
    assert table.rows == ((datetime(2025, 12, 1, 9), "GJ01", "", Decimal("72.33"), Decimal("85.33"), change.why),)
    assert "확정 2025-12-20" in content.summary.title
    doc = results_document(data)
    assert (doc["final"], doc["final_date"]) == (True, "2025-12-20")
    assert results_document(replace(data, final=None))["final"] is False
