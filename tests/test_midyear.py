"""The mid-year check (중간점검): per goal 추진상황 required, 사유 required when 지연 or 부진, 중간실적 optional;
the 중간점검 workbook (counts per agency, the goals behind with their reasons, who has not reported) and the
results.json `midyear` block."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import factory
from openpyxl import load_workbook

from pipeline.core.layout import GOAL_LETTERS
from pipeline.core.model import AgencyInfo, Goal, MidyearReport, Submission, SubmissionRecord
from pipeline.report.midyear_book import render_book
from pipeline.report.midyear_sheet import midyear_book, progress_counts
from pipeline.report.results_json import midyear_document
from pipeline.settings.schema import Agency
from pipeline.validate.check import check_file

MIDYEAR_INFO = {"kind": "중간점검"}
NOW = datetime(2026, 7, 10, 9, 30)


def midyear_rows(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The factory's goals as a mid-year check: every goal 정상, no actuals; `changes` as in factory.goals."""
    rows = factory.goals()
    for row in rows:
        row.pop("actual", None)
        row.pop("grade", None)
        row["progress"] = "정상"
    for name, change in changes.items():
        row = rows[int(name[1:]) - 1]
        for key, value in change.items():
            if value is None:
                row.pop(key, None)
            else:
                row[key] = value
    return rows


def check_midyear(tmp: Path, **changes: dict[str, Any]) -> list[tuple[str, str]]:
    path = factory.write(tmp / "m.xlsx", goal_rows=midyear_rows(**changes), info=MIDYEAR_INFO)
    result = check_file(path, factory.config(tmp))
    return [(f.code, f.ref) for f in result.findings]


def cell(key: str, goal: int) -> str:
    return f"성과목표!{GOAL_LETTERS[key]}{4 + goal}"


# --- the checks ------------------------------------------------------------------------------------------------
def test_a_complete_midyear_check_has_no_finding(tmp_path: Path) -> None:
    found = check_midyear(tmp_path, g2={"progress": "지연", "reason": "하반기 집중 추진"}, g3={"midyear_actual": 40})
    assert found == []


def test_progress_is_required_in_a_midyear_check(tmp_path: Path) -> None:
    found = check_midyear(tmp_path, g2={"progress": None})
    assert found == [("midyear.progress_required", cell("progress", 2))]


def test_delayed_or_lagging_needs_a_reason_named_at_the_reason_cell(tmp_path: Path) -> None:
    found = check_midyear(tmp_path, g1={"progress": "지연"}, g3={"progress": "부진", "reason": "예산 삭감"})
    assert found == [("midyear.reason_required", cell("reason", 1))]
    path = factory.write(tmp_path / "m.xlsx", goal_rows=midyear_rows(g1={"progress": "부진"}), info=MIDYEAR_INFO)
    f = check_file(path, factory.config(tmp_path)).findings[0]
    assert "부진" in f.message("ko") and "lagging" in f.message("en")


def test_an_unknown_progress_is_an_unknown_choice(tmp_path: Path) -> None:
    found = check_midyear(tmp_path, g1={"progress": "보통"})
    assert found == [("value.unknown_choice", cell("progress", 1))]


def test_a_midyear_actual_on_a_milestone_goal_is_a_warning(tmp_path: Path) -> None:
    milestone = next(i for i, g in enumerate(factory.GOALS, start=1) if g["method"] == "milestone")
    found = check_midyear(tmp_path, **{f"g{milestone}": {"midyear_actual": 1}})
    assert found == [("midyear.actual_unused", cell("midyear_actual", milestone))]


def test_a_results_file_needs_no_progress(tmp_path: Path) -> None:
    result = check_file(factory.write(tmp_path / "r.xlsx"), factory.config(tmp_path))
    assert not [f for f in result.findings if f.code.startswith("midyear.")]


def test_the_midyear_values_reach_the_submission(tmp_path: Path) -> None:
    rows = midyear_rows(g2={"progress": "지연", "reason": "착공 지연", "midyear_actual": 1200})
    path = factory.write(tmp_path / "m.xlsx", goal_rows=rows, info=MIDYEAR_INFO)
    sub = check_file(path, factory.config(tmp_path)).submission
    assert sub is not None and sub.kind == "midyear"
    assert (sub.goals[1].progress, sub.goals[1].reason, sub.goals[1].midyear_actual) == (
        "delayed",
        "착공 지연",
        Decimal(1200),
    )


# --- the workbook and results.json ----------------------------------------------------------------------------------
AGENCIES = (
    Agency("A1", "가기관", "공사·공단", "교통과", "a1@x.kr"),
    Agency("A2", "나기관", "출자·출연기관", "복지과", "a2@x.kr"),
    Agency("A3", "다기관", "출자·출연기관", "문화과", "a3@x.kr"),
)


def report(code: str, *progress: tuple[str, str]) -> MidyearReport:
    goals = tuple(
        Goal(str(i), f"목표{i}", f"지표{i}", "ratio", Decimal(25), "higher", target=Decimal(100), progress=p, reason=r)
        for i, (p, r) in enumerate(progress, start=1)
    )
    info = AgencyInfo(code, code, "g", 2026)
    record = SubmissionRecord(NOW, f"{code}_중간점검.xlsx", "ab" * 32, code, "accepted")
    return MidyearReport(record, Submission(info, goals, kind="midyear"))


REPORTS = {
    "A1": report("A1", ("normal", ""), ("delayed", "부지 보상 지연"), ("done", ""), ("normal", "")),
    "A3": report("A3", ("lagging", "예산 삭감"), ("normal", "")),
}


def test_counts_per_agency_add_up() -> None:
    assert progress_counts(REPORTS["A1"]) == {"normal": 2, "delayed": 1, "lagging": 0, "done": 1}
    book = midyear_book(AGENCIES, REPORTS, rejected={"A2"}, year=2026, generated_at=NOW, lang="ko")
    counts = book.sections[0].table
    assert counts is not None
    assert [r[0] for r in counts.rows] == ["가기관", "다기관", "계"]
    assert counts.rows[-1][3:] == (6, 3, 1, 1, 1)  # goals, 정상, 지연, 부진, 완료
    behind, every, missing = book.tables
    assert [(r[1], r[2], r[8], r[9]) for r in behind.rows] == [
        ("가기관", "2", "지연", "부지 보상 지연"),
        ("다기관", "1", "부진", "예산 삭감"),
    ]
    assert len(every.rows) == 6
    assert [(r[1], r[4]) for r in missing.rows] == [("나기관", "반려")]
    assert book.sections[2].text == "나기관(반려)"


def test_the_book_in_english() -> None:
    book = midyear_book(AGENCIES, REPORTS, rejected=(), year=2026, generated_at=NOW, lang="en")
    assert book.tables[0].rows[0][8] == "delayed"
    assert book.sections[2].text == "나기관(not submitted)"


def test_the_workbook_prints_a4_one_page_wide_with_its_heading_rows(tmp_path: Path) -> None:
    book = midyear_book(AGENCIES, REPORTS, rejected=(), year=2026, generated_at=NOW, lang="ko")
    path = tmp_path / "m.xlsx"
    render_book(book, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["중간점검", "지연·부진 목표", "목표별 추진상황", "미보고 기관"]
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb["지연·부진 목표"].print_title_rows == "$1:$1"
    assert wb["지연·부진 목표"]["J2"].value == "부지 보상 지연"
    front = wb["중간점검"]
    assert front["A1"].value == "2026년 성과창출 목표 중간점검"


def test_results_json_midyear_block() -> None:
    doc = midyear_document(REPORTS["A3"])
    assert doc is not None
    assert doc["counts"] == {"normal": 1, "delayed": 0, "lagging": 1, "done": 0}
    assert doc["goals"][0] == {"number": "1", "progress": "lagging", "midyear_actual": None, "reason": "예산 삭감"}
    assert doc["submission"]["file"] == "A3_중간점검.xlsx"
    assert midyear_document(None) is None
