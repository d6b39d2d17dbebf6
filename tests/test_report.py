"""The consolidated workbook and results.json, read back the way people and programs will read them.

The input is built by hand with scores worked out by hand (not by the scoring module), so a report test fails
only for a report bug:

| agency | group | goals (method: inputs → points × weight = score) | total | grade | rank |
|---|---|---|---|---|---|
| A01 광주도시철도공사 | 공사·공단 | ratio 3,902/3,500 → 100 × 60 = 60.00; ratio 2,300/2,500 → 92 × 40 = 36.80; +1.00 | 97.80 | S | 1 |
| A02 광주도시공사 | 공사·공단 | milestone 달성 → 100 × 50 = 50.00; range 90–110, 104 → 76 × 50 = 38.00 | 88.00 | A | 2 |
| B01 광주그린카진흥원 | 출자·출연기관 | ratio lower 12/10 → 80 × 40 = 32.00; 우수 → 90 × 40 = 36.00; 달성 → 20.00 | 88.00 | A | 2 (tie) |
| B02 광주신용보증재단 | 출자·출연기관 | ratio 3,902/3,500 → 100 × 70 = 70.00; qualitative pending × 30 | 70.00 잠정 | B | 4 |
| B03 국제기후환경센터 | 출자·출연기관 | rejected | – | – | – |
| B04 광주문화재단 | 출자·출연기관 | missing | – | – | – |
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import printcheck
import pytest

from pipeline.core.model import (
    STATUS_ACCEPTED,
    STATUS_MISSING,
    STATUS_REJECTED,
    AdjustmentApplied,
    AgencyResult,
    CityResult,
    FindingRow,
    Goal,
    GoalResult,
    ReportInput,
    SubmissionRecord,
)
from pipeline.report.goals_sheet import goals_table
from pipeline.report.outputs import ReportPaths, output_names, write_outputs
from pipeline.report.results_json import results_document
from pipeline.report.summary_sheet import summary_content

D = Decimal
KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 29, 21, 5, tzinfo=KST)
TITLE = "2026년 공공기관 성과창출 평가 결과"
CORP, FUND = "공사·공단", "출자·출연기관"


def ratio(number: str, weight: int, target: int, actual: int, points: str, lower: bool = False, **text) -> GoalResult:
    goal = Goal(
        number,
        text.get("goal", f"목표 {number}"),
        text.get("indicator", "지표"),
        "ratio",
        D(weight),
        direction="lower" if lower else "higher",
        target=D(target),
        actual=D(actual),
        unit="건",
        strategy=text.get("strategy", ""),
        evidence=text.get("evidence", ""),
    )
    rate = (2 * D(target) - D(actual)) / D(target) if lower else D(actual) / D(target)
    score = (D(points) * weight / 100).quantize(D("0.01"))
    return GoalResult(goal, D(points), score, rate, None, None, None, text.get("explanation", f"득점 {score}"))


def milestone(number: str, weight: int) -> GoalResult:
    goal = Goal(number, "ISO 10002 인증", "인증 여부", "milestone", D(weight), achieved=True)
    return GoalResult(goal, D(100), D(weight), None, None, None, None, "달성 → 평점 100.00")


def qualitative(number: str, weight: int, grade: str | None, points: str | None) -> GoalResult:
    goal = Goal(number, "도시철도 2호선 건설 지원", "평가위원 정성평가", "qualitative", D(weight), grade=grade)
    score = None if points is None else (D(points) * weight / 100).quantize(D("0.01"))
    return GoalResult(goal, None if points is None else D(points), score, None, None, None, None, "정성평가")


def record(code: str, name: str, day: int, outcome: str = "accepted", errors: int = 0) -> SubmissionRecord:
    return SubmissionRecord(
        received_at=datetime(2026, 11, day, 10, 30, tzinfo=KST),
        file_name=f"{name}_성과실적.xlsx",
        sha256=(code.lower() * 32)[:64],
        agency_code=code,
        outcome=outcome,
        errors=errors,
    )


def city_input(lang: str = "ko") -> ReportInput:
    a01 = AgencyResult(
        "A01",
        "광주도시철도공사",
        CORP,
        "교통정책과",
        STATUS_ACCEPTED,
        goals=(ratio("1", 60, 3500, 3902, "100.00"), ratio("2", 40, 2500, 2300, "92.00")),
        score_sum=D("96.80"),
        adjustments=(AdjustmentApplied(D("1.00"), "ISO 10002 국내 최초 인증"),),
        total=D("97.80"),
        grade="S",
        rank=1,
        group_rank=1,
        excellent=True,
    )
    a02_range = GoalResult(
        Goal("2", "안전 점검", "점검 건수", "range", D(50), direction="higher", top=D(110), floor=D(90), actual=D(104)),
        D("76.00"),
        D("38.00"),
        None,
        D(110),
        D(90),
        None,
        "20 + 80 × (104 − 90) ÷ (110 − 90) = 평점 76.00",
    )
    a02 = AgencyResult(
        "A02",
        "광주도시공사",
        CORP,
        "도시공간국",
        STATUS_ACCEPTED,
        goals=(milestone("1", 50), a02_range),
        score_sum=D("88.00"),
        total=D("88.00"),
        grade="A",
        rank=2,
        group_rank=2,
        excellent=True,
    )
    b01 = AgencyResult(
        "B01",
        "광주그린카진흥원",
        FUND,
        "미래차산업과",
        STATUS_ACCEPTED,
        goals=(ratio("1", 40, 10, 12, "80.00", lower=True), qualitative("2", 40, "우수", "90.00"), milestone("3", 20)),
        score_sum=D("88.00"),
        total=D("88.00"),
        grade="A",
        rank=2,
        group_rank=1,
        excellent=True,
    )
    b02 = AgencyResult(
        "B02",
        "광주신용보증재단",
        FUND,
        "경제정책과",
        STATUS_ACCEPTED,
        goals=(ratio("1", 70, 3500, 3902, "100.00"), qualitative("2", 30, None, None)),
        score_sum=D("70.00"),
        total=D("70.00"),
        grade="B",
        rank=4,
        group_rank=2,
        provisional=True,
    )
    b03 = AgencyResult("B03", "국제기후환경센터", FUND, "기후환경국", STATUS_REJECTED)
    b04 = AgencyResult("B04", "광주문화재단", FUND, "문화정책과", STATUS_MISSING)
    current = {
        "A01": record("A01", "광주도시철도공사", 20),
        "A02": record("A02", "광주도시공사", 21),
        "B01": record("B01", "광주그린카진흥원", 22),
        "B02": record("B02", "광주신용보증재단", 23),
    }
    history = (*current.values(), record("B03", "국제기후환경센터", 24, "rejected", errors=2))
    findings = (
        FindingRow(
            "국제기후환경센터_성과실적.xlsx",
            "B03",
            "WEIGHT_SUM",
            "error",
            "성과목표",
            "I9",
            "가중치",
            "95",
            "가중치 합계가 95입니다 (100이어야 함)",
            "가중치를 고쳐 합계를 100으로 맞추세요",
        ),
    )
    return ReportInput(
        city=CityResult(2026, (a01, a02, b01, b02, b03, b04)),
        title=TITLE if lang == "ko" else "2026 public agency performance evaluation",
        generated_at=NOW,
        lang=lang,
        current=current,
        findings=findings,
        history=history,
    )


@pytest.fixture
def written(tmp_path: Path) -> ReportPaths:
    return write_outputs(city_input(), tmp_path)


def rows(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def table(ws, first_label: str) -> tuple[list[str], list[tuple]]:
    """The header and rows of the table whose header starts with `first_label` (rows up to the first blank)."""
    all_rows = rows(ws)
    start = next(i for i, r in enumerate(all_rows) if r and r[0] == first_label)
    body = []
    for r in all_rows[start + 1 :]:
        if r[0] is None:
            break
        body.append(r)
    return list(all_rows[start]), body


# --- names and files -------------------------------------------------------------------------------------------
def test_file_names_carry_year_and_date_and_an_ascii_name_for_mail(written: ReportPaths, tmp_path: Path) -> None:
    assert written.workbook == tmp_path / "2026년_공공기관_성과창출_평가_결과_2026-11-29.xlsx"
    assert written.workbook_ascii_name == "evaluation-2026-results-2026-11-29.xlsx"
    assert written.workbook_ascii_name.isascii()
    assert written.results_json == tmp_path / "results.json"
    assert output_names(city_input("en"))[0] == "2026_public_agency_performance_evaluation_results_2026-11-29.xlsx"


@pytest.mark.parametrize(
    ("title", "lang", "name"),
    [
        (
            "2026년 광주광역시 출자·출연기관 경영평가",
            "ko",
            "2026년_광주광역시_출자·출연기관_경영평가_결과_2026-11-29.xlsx",
        ),
        ("2026 Gwangju agency review", "en", "2026_Gwangju_agency_review_results_2026-11-29.xlsx"),
        ("2026년 평가 결과", "en", "2026년_평가_결과_2026-11-29.xlsx"),  # the title already says it
        ("../../etc/passwd", "ko", "etc_passwd_결과_2026-11-29.xlsx"),  # no folder of its own
        ('평가: "최종"? <1/2> | *', "ko", "평가_최종_1_2_결과_2026-11-29.xlsx"),  # nothing Windows refuses
        ("평가\n\u202e결과\t", "ko", "평가_결과_2026-11-29.xlsx"),  # nothing a terminal acts on
        ("///", "ko", "2026_결과_2026-11-29.xlsx"),
        ("가" * 100, "ko", "가" * 50 + "_결과_2026-11-29.xlsx"),  # 150 bytes of title at most
    ],
    ids=["ko", "en", "says-results", "path", "windows", "controls", "nothing-left", "long"],
)
def test_the_workbook_is_named_after_the_configured_title(title: str, lang: str, name: str) -> None:
    data = replace(city_input(lang), title=title)
    assert output_names(data) == (name, "evaluation-2026-results-2026-11-29.xlsx")


def test_a_second_run_on_the_same_day_replaces_the_files_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    first = write_outputs(city_input(), tmp_path)
    before = first.results_json.read_text(encoding="utf-8")
    data = city_input()
    later = replace(data, generated_at=NOW + timedelta(hours=1))
    second = write_outputs(later, tmp_path)
    assert second.workbook == first.workbook
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.workbook.name, "results.json"])
    assert (
        json.loads(second.results_json.read_text(encoding="utf-8"))["generated_at"]
        != json.loads(before)["generated_at"]
    )
    assert oct(first.workbook.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_importing_the_report_does_not_load_xlsxwriter() -> None:
    """The CLI answers --help at once: heavy libraries load only when a report is written."""
    code = "import sys, pipeline.report; assert 'xlsxwriter' not in sys.modules, 'xlsxwriter imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


# --- the workbook ---------------------------------------------------------------------------------------------------
def test_sheet_names_korean_by_default(written: ReportPaths) -> None:
    wb = openpyxl.load_workbook(written.workbook)
    assert wb.sheetnames == ["요약", "우수사례", "기관별", "감독부서별", "목표별", "검토사항", "제출이력", "변경이력"]


def test_sheet_names_in_english(tmp_path: Path) -> None:
    paths = write_outputs(city_input("en"), tmp_path)
    wb = openpyxl.load_workbook(paths.workbook)
    assert wb.sheetnames == [
        "Summary",
        "Best practices",
        "Agencies",
        "By department",
        "Goals",
        "Findings",
        "Submissions",
        "Changes",
    ]
    header, body = table(wb["Summary"], "Rank")
    assert header[:5] == ["Rank", "Agency", "Group", "Total", "Grade"]
    assert [r[1] for r in body][:1] == ["광주도시철도공사"]


def test_summary_shows_title_as_of_and_the_ranking_in_order_with_shared_ranks(written: ReportPaths) -> None:
    ws = openpyxl.load_workbook(written.workbook)["요약"]
    assert ws["A1"].value == TITLE
    assert ws["A2"].value == "기준일시 2026-11-29 21:05 · 평가연도 2026"
    header, body = table(ws, "순위")
    assert header == ["순위", "기관명", "기관유형", "총점", "등급", "우수기관", "잠정"] + [None] * (len(header) - 7)
    assert [(r[0], r[1], r[3], r[4], r[5], r[6]) for r in body] == [
        (1, "광주도시철도공사", 97.8, "S", "○", None),
        (2, "광주도시공사", 88.0, "A", "○", None),
        (2, "광주그린카진흥원", 88.0, "A", "○", None),
        (4, "광주신용보증재단", 70.0, "B", None, "잠정"),
    ]
    assert ws.print_title_rows == "$13:$13"  # the ranking header repeats on every printed page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # one page wide (1 is the default, so not written), any tall
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert "&P" in ws.oddFooter.center.text
    assert len(ws._charts) == 1


def test_summary_lists_excellent_and_not_submitted_agencies(written: ReportPaths) -> None:
    ws = openpyxl.load_workbook(written.workbook)["요약"]
    texts = [v for r in rows(ws) for v in r if isinstance(v, str)]
    assert "우수기관 (3개)" in texts
    assert "광주도시철도공사, 광주도시공사, 광주그린카진흥원" in texts
    assert "미제출·반려 기관 (2개)" in texts
    assert "국제기후환경센터(반려), 광주문화재단(미제출)" in texts


def test_summary_content_headline_counts_and_grade_distribution() -> None:
    s = summary_content(city_input())
    assert dict(s.headline) == {
        "대상 기관": 6,
        "제출 기관": 5,
        "정상 접수": 4,
        "채점 목표": 8,
        "우수기관": 3,
        "잠정 총점": 1,
    }
    assert s.grades == (("S", 1), ("A", 2), ("B", 1), ("C", 0), ("D", 0), ("계", 4))


def test_agencies_sheet_lists_every_agency_with_status_and_totals_equal_results_json(written: ReportPaths) -> None:
    ws = openpyxl.load_workbook(written.workbook)["기관별"]
    header, body = table(ws, "기관코드")
    col = {name: i for i, name in enumerate(header)}
    by_code = {r[0]: r for r in body}
    assert list(by_code) == ["A01", "A02", "B01", "B02", "B03", "B04"]
    assert [by_code[c][col["상태"]] for c in by_code] == ["제출", "제출", "제출", "제출", "반려", "미제출"]
    assert by_code["A01"][col["가감점"]] == 1.0
    assert by_code["A01"][col["가감점 사유"]] == "+1.00 ISO 10002 국내 최초 인증 (설정)"
    assert by_code["B03"][col["제출일시"]] == datetime(2026, 11, 24, 10, 30)  # its rejected file
    assert by_code["B04"][col["제출일시"]] is None
    assert by_code["B01"][col["유형내 순위"]] == 1
    doc = json.loads(written.results_json.read_text(encoding="utf-8"))
    totals = {a["code"]: a["total"] for a in doc["agencies"]}
    assert {c: r[col["총점"]] for c, r in by_code.items()} == totals
    assert totals == {"A01": 97.8, "A02": 88, "B01": 88, "B02": 70, "B03": None, "B04": None}
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}7"


def test_goals_sheet_has_filter_frozen_header_number_formats_and_shading(written: ReportPaths) -> None:
    ws = openpyxl.load_workbook(written.workbook)["목표별"]
    header, body = table(ws, "기관명")
    col = {name: i for i, name in enumerate(header)}
    assert len(body) == 9  # the goals of the four accepted submissions, none of the rejected one
    assert ws.auto_filter.ref is not None and ws.freeze_panes == "C2"
    first = 2  # A01 goal 1: 3,902 / 3,500
    letter = openpyxl.utils.get_column_letter
    assert ws[f"{letter(col['목표치'] + 1)}{first}"].number_format == "#,##0"
    assert ws[f"{letter(col['목표치'] + 1)}{first}"].value == 3500
    assert ws[f"{letter(col['달성률'] + 1)}{first}"].number_format == "0.0%"
    assert ws[f"{letter(col['달성률'] + 1)}{first}"].value == pytest.approx(1.1149)
    assert ws[f"{letter(col['평점'] + 1)}{first}"].number_format == "#,##0.00"
    pending = next(r for r in body if r[col["기관명"]] == "광주신용보증재단" and r[col["목표번호"]] == "2")
    assert pending[col["평점"]] == "평가대기" and pending[col["실적치"]] == "평가대기"
    milestone_row = next(r for r in body if r[col["기관명"]] == "광주도시공사" and r[col["목표번호"]] == "1")
    assert milestone_row[col["실적치"]] == "달성"
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert any(letter(col["달성률"] + 1) in r for r in ranges)
    assert any(letter(col["평점"] + 1) in r for r in ranges)
    assert ws.column_dimensions["D"].width >= 10  # Korean text columns are sized, not left at 8.43


def test_goals_table_pure_row_for_a_range_goal_shows_the_top_and_floor_used() -> None:
    t = goals_table(city_input())
    labels = [c.label for c in t.columns]
    row = next(r for r in t.rows if r[0] == "광주도시공사" and r[1] == "2")
    assert row[labels.index("최고목표")] == D(110) and row[labels.index("최저목표")] == D(90)
    assert row[labels.index("산출근거")] == "20 + 80 × (104 − 90) ÷ (110 − 90) = 평점 76.00"


def test_findings_and_submissions_sheets(written: ReportPaths) -> None:
    wb = openpyxl.load_workbook(written.workbook)
    header, body = table(wb["검토사항"], "기관명")
    assert body == [
        (
            "국제기후환경센터",
            "오류",
            "성과목표",
            "I9",
            "가중치",
            "95",
            "가중치 합계가 95입니다 (100이어야 함)",
            "가중치를 고쳐 합계를 100으로 맞추세요",
            "WEIGHT_SUM",  # the code last, after the words a person reads
            "국제기후환경센터_성과실적.xlsx",
            "B03",
        ),
    ]
    assert wb["검토사항"].print_area == "'검토사항'!$A$1:$I$2"  # the file name and agency code on screen only
    header, body = table(wb["제출이력"], "접수일시")
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["기관코드"]] for r in body] == ["B03", "B02", "B01", "A02", "A01"]  # newest first
    assert body[0][col["해시(앞 12자리)"]] == "b03b03b03b03" and body[0][col["처리결과"]] == "반려"
    assert body[0][col["오류 수"]] == 2
    # the hashes sit right of the print area
    assert wb["제출이력"].print_area == f"'제출이력'!$A$1:${openpyxl.utils.get_column_letter(col['사유'] + 1)}$6"
    assert col["해시(앞 12자리)"] > col["사유"] and col["대체한 제출(해시)"] > col["사유"]


def test_every_cell_is_a_value_not_a_formula(written: ReportPaths) -> None:
    """LibreOffice does not recalculate on load: a formula would show a stale or empty value."""
    assert _formulas(written.workbook) == []


# --- results.json -------------------------------------------------------------------------------------------------
def test_results_document_numbers_are_rounded_as_displayed() -> None:
    doc = results_document(city_input())
    assert doc["evaluation_year"] == 2026 and doc["generated_at"] == "2026-11-29T21:05:00+09:00"
    a01 = doc["agencies"][0]
    assert a01 | {"goals": None} == {
        "code": "A01",
        "name": "광주도시철도공사",
        "group": CORP,
        "supervising_dept": "교통정책과",
        "status": "accepted",
        "score_sum": 96.8,
        "adjustments": [{"points": 1, "reason": "ISO 10002 국내 최초 인증", "source": "settings"}],
        "total": 97.8,
        "grade": "S",
        "rank": 1,
        "group_rank": 1,
        "excellent": True,
        "provisional": False,
        "submission": {
            "file": "광주도시철도공사_성과실적.xlsx",
            "sha256": "a01" * 21 + "a",
            "received_at": "2026-11-20T10:30:00+09:00",
            "late": False,
        },
        "plan_version": None,
        "goals": None,
        "midyear": None,  # no mid-year check in this city
    }
    g1 = a01["goals"][0]
    assert (g1["id"], g1["method"], g1["direction"], g1["weight"], g1["target"], g1["actual"]) == (
        "A01/1",
        "ratio",
        "higher",
        60,
        3500,
        3902,
    )
    assert (g1["rate"], g1["points"], g1["score"], g1["pending"]) == (1.1149, 100, 60, False)
    pending = doc["agencies"][3]["goals"][1]
    assert (pending["points"], pending["score"], pending["pending"]) == (None, None, True)
    b03 = doc["agencies"][4]
    assert (b03["status"], b03["rank"], b03["submission"], b03["goals"]) == ("rejected", None, None, [])


def test_results_json_on_disk_is_utf8_json_with_korean_readable(written: ReportPaths) -> None:
    text = written.results_json.read_text(encoding="utf-8")
    assert "광주도시철도공사" in text and "\\u" not in text
    assert json.loads(text) == json.loads(json.dumps(results_document(city_input())))


# --- safety of text ---------------------------------------------------------------------------------------------
PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "{=1+1}",
    "-1+2",
    "\t=1+1",
    "\r=1+1",
    "http://evil.example/x",
    "0012",
    "<r>&</r>",  # xlsxwriter writes text shaped like this as ready-made rich-text XML, unescaped
    "<r><t>x</t></r>",
)


def hostile_input() -> ReportInput:
    """Every text that comes from a submission (or the ledger about one) holds a formula-looking payload."""
    base = city_input()
    agencies = []
    for i, a in enumerate(base.city.agencies):
        p = PAYLOADS[i % len(PAYLOADS)]
        goals = tuple(
            replace(
                r,
                goal=replace(
                    r.goal,
                    number=PAYLOADS[j % len(PAYLOADS)],
                    goal=p,
                    indicator=p,
                    strategy=p,
                    unit=p,
                    evidence=p,
                    highlights=p,
                    note=p,
                ),
                explanation=p,
            )
            for j, r in enumerate(a.goals)
        )
        adjustments = tuple(replace(x, reason=p) for x in a.adjustments)
        agencies.append(replace(a, name=f"{p}#{i}", group=p, supervising_dept=p, goals=goals, adjustments=adjustments))
    findings = tuple(FindingRow(p, "B03", p, "error", p, p, p, p, p, p) for p in PAYLOADS)
    current = {c: replace(r, file_name=PAYLOADS[0]) for c, r in base.current.items()}
    history = tuple(replace(r, file_name=p, reason=p) for r, p in zip(base.history, PAYLOADS, strict=False))
    return replace(base, city=CityResult(2026, tuple(agencies)), findings=findings, current=current, history=history)


def _formulas(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    found = [
        f"{ws.title}!{cell.coordinate}={cell.value!r}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    with zipfile.ZipFile(path) as z:  # and in the XML itself, in case a reader hides one
        found += [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]
        found += [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<hyperlink" in z.read(n)]
    return found


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    data = hostile_input()
    paths = write_outputs(data, tmp_path)
    assert _formulas(paths.workbook) == []
    wb = openpyxl.load_workbook(paths.workbook)
    texts = {
        cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)
    }
    for p in PAYLOADS:
        # Intact, including the leading tab / CR and the leading zeros. A CR is stored as the OOXML escape
        # _x000D_, which Excel and LibreOffice decode and openpyxl leaves as is.
        assert p.replace("\r", "_x000D_") in texts, p
    assert f"{PAYLOADS[0]}#0" in texts
    doc = json.loads(paths.results_json.read_text(encoding="utf-8"))
    assert doc["agencies"][0]["name"] == f"{PAYLOADS[0]}#0"


# --- the real client --------------------------------------------------------------------------------------------
convert_to_pdf = printcheck.convert  # LibreOffice headless with a private profile


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout


@pytest.mark.real_client
def test_libreoffice_opens_and_prints_the_workbook(soffice: str, written: ReportPaths, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    out.mkdir()
    text = pdf_text(convert_to_pdf(soffice, written.workbook, out))
    assert TITLE in text
    assert "광주도시철도공사" in text and "97.80" in text
    assert "국제기후환경센터(반려)" in text


@pytest.mark.real_client
def test_libreoffice_prints_hostile_text_as_text(soffice: str, tmp_path: Path) -> None:
    paths = write_outputs(hostile_input(), tmp_path)
    out = tmp_path / "pdf"
    out.mkdir()
    text = pdf_text(convert_to_pdf(soffice, paths.workbook, out))
    assert "@SUM(1)" in text and "{=1+1}" in text and "-1+2" in text


def test_the_evening_before_anyone_submitted_still_gives_a_workbook(tmp_path: Path) -> None:
    """No ranked agency, no findings, no history: every sheet is there with its header, and no chart."""
    base = city_input()
    nobody = tuple(
        AgencyResult(a.code, a.name, a.group, a.supervising_dept, STATUS_MISSING) for a in base.city.agencies
    )
    data = replace(base, city=CityResult(2026, nobody), current={}, findings=(), history=())
    paths = write_outputs(data, tmp_path)
    wb = openpyxl.load_workbook(paths.workbook)
    assert len(wb.sheetnames) == 8 and wb["요약"]._charts == []
    texts = [v for r in rows(wb["요약"]) for v in r if isinstance(v, str)]
    assert "우수기관 (0개)" in texts and "미제출·반려 기관 (6개)" in texts
    assert table(wb["목표별"], "기관명")[1] == []
    assert json.loads(paths.results_json.read_text(encoding="utf-8"))["agencies"][0]["status"] == "missing"


def test_column_width_counts_wide_characters_numbers_as_shown_and_stops_at_the_cap() -> None:
    from pipeline.report.widths import fit_width

    assert fit_width(["가나다"] * 1000, "text") == 6 + 3  # Hangul is two digit widths
    assert fit_width(["ab", Decimal("1234.5"), None], "qty") == len("1,234.50") + 3
    assert fit_width([Decimal("1.0"), Decimal("1.000")], "int") == len("1.000") + 3  # not its equal "1.0"
    assert fit_width(["x" * 50, "가" * 30], "text") == 40  # capped
    assert fit_width(["첫 줄\n" + "y" * 20], "longtext") == 20 + 3  # the widest line, not the whole text


def test_column_width_keeps_a_negative_zero_apart() -> None:
    from pipeline.report.widths import fit_width

    assert fit_width([Decimal("0"), Decimal("-0")], "score") == len("-0.00") + 3
    assert fit_width([Decimal("-0"), Decimal("0")], "score") == len("-0.00") + 3


def test_wrapped_lines_counts_rendered_widths_per_line() -> None:
    """Hangul renders ~1.75 digit widths, Latin ~0.8; a column 11 wide holds 10 units of text."""
    from pipeline.report.widths import wrapped_lines

    assert wrapped_lines("가" * 5, 11) == 1  # 8.75 units
    assert wrapped_lines("가" * 6, 11) == 2  # 10.5
    assert wrapped_lines("a" * 12, 11) == 1  # 9.6: longer than the quick bound, measured
    assert wrapped_lines("a" * 13, 11) == 2  # 10.4
    assert wrapped_lines("가\n" + "a" * 13, 11) == 3
    assert wrapped_lines("", 11) == wrapped_lines(None, 11) == 1
