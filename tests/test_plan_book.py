"""The year-start plan book (성과창출계획): the summary (agencies, goals, weights by method, major programmes),
every confirmed goal by agency, and the 계획변경 sheet from the plan diff, goal by goal and field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from pipeline.core.model import AgencyInfo, Goal, Submission
from pipeline.report.midyear_book import render_book
from pipeline.report.plan_book_sheet import ChangeSet, ConfirmedEntry, plan_book
from pipeline.settings.schema import Agency
from pipeline.validate.plan_diff import plan_changes

NOW = datetime(2026, 2, 20, 10, 0)
AGENCIES = (
    Agency("A1", "가기관", "공사·공단", "교통과", "a1@x.kr"),
    Agency("A2", "나기관", "출자·출연기관", "복지과", "a2@x.kr"),
    Agency("A3", "다기관", "출자·출연기관", "문화과", "a3@x.kr"),
)


def plan(code: str, *goals: Goal) -> Submission:
    return Submission(AgencyInfo(code, code, "g", 2026), goals, kind="plan")


G1 = Goal("1", "공급 확대", "공급 호수", "ratio", Decimal(60), "higher", unit="호", major=True, target=Decimal(1200))
G2 = Goal("2", "만족도 제고", "고객만족도", "range", Decimal(40), "higher", top=Decimal(90), floor=Decimal(80))
G3 = Goal("1", "인증 취득", "ISO 인증", "milestone", Decimal(100))
PLANS = {
    "A1": ConfirmedEntry(2, NOW, plan("A1", G1, G2)),
    "A3": ConfirmedEntry(1, NOW, plan("A3", G3)),
}


def test_summary_counts_and_weights_by_method() -> None:
    book = plan_book(AGENCIES, PLANS, (), year=2026, generated_at=NOW, lang="ko")
    overview, by_method = book.sections[0].table, book.sections[1].table
    assert overview is not None and by_method is not None
    assert overview.rows == ((3, 2, 3, 1, 0),)  # agencies, confirmed, goals, major goals, requests pending
    rows = {r[0]: r[1:] for r in by_method.rows}
    assert rows["목표대비"] == (1, Decimal(60), Decimal("0.3"))
    assert rows["목표부여"] == (1, Decimal(40), Decimal("0.2"))
    assert rows["달성여부"] == (1, Decimal(100), Decimal("0.5"))
    assert rows["계"] == (3, Decimal(200), Decimal(1))
    assert book.sections[2].text == "나기관"  # no confirmed plan
    assert book.sections[3].text == "가기관: 공급 확대"


def test_every_confirmed_goal_by_agency_in_the_goals_table() -> None:
    book = plan_book(AGENCIES, PLANS, (), year=2026, generated_at=NOW, lang="ko")
    agencies, goals, majors, changes = book.tables
    assert [(r[1], r[3]) for r in agencies.rows] == [("가기관", 2), ("나기관", None), ("다기관", 1)]
    assert [(r[0], r[2], r[6]) for r in goals.rows] == [
        ("A1", "1", "목표대비"),
        ("A1", "2", "목표부여"),
        ("A3", "1", "달성여부"),
    ]
    assert [r[2] for r in majors.rows] == ["1"]
    assert changes.rows == ()


def test_the_change_sheet_lists_the_plan_diff_field_by_field() -> None:
    new = plan("A1", replace(G1, target=Decimal(1300)), Goal("3", "신규", "신규 지표", "milestone", Decimal(40)))
    diff = plan_changes(PLANS["A1"].submission, new)
    sets = (ChangeSet("A1", 2, None, diff),)
    book = plan_book(AGENCIES, PLANS, sets, year=2026, generated_at=NOW, lang="ko")
    rows = book.tables[3].rows
    assert ("A1", "가기관", "변경요청", "2 → ?", "1", "변경", "목표치", "1200", "1300") in rows
    assert any(r[4:6] == ("2", "삭제") for r in rows)
    assert any(r[4:6] == ("3", "추가") for r in rows)
    assert book.sections[0].table is not None and book.sections[0].table.rows[0][4] == 1
    english = plan_book(AGENCIES, PLANS, sets, year=2026, generated_at=NOW, lang="en").tables[3].rows
    assert ("A1", "가기관", "requested", "2 → ?", "1", "changed", "Target", "1200", "1300") in english


def test_the_book_prints_a4_one_page_wide(tmp_path: Path) -> None:
    book = plan_book(AGENCIES, PLANS, (), year=2026, generated_at=NOW, lang="ko")
    render_book(book, tmp_path / "p.xlsx")
    wb = load_workbook(tmp_path / "p.xlsx")
    assert wb.sheetnames == ["요약", "기관별", "성과목표", "주요사업", "계획변경"]
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth in (None, 1)
        assert ws.page_setup.orientation == "landscape"
    assert wb["성과목표"].print_title_rows == "$1:$1"
    assert wb["요약"]["A1"].value == "2026년 공공기관 성과창출계획"
