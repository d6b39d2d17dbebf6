"""Issue 18's sheets (items 1–4): the 우수사례 hand-out, the 기관별 결과표, 감독부서 and last year beside this year.

The input is `test_report.city_input` (scores worked by hand there); last year's results are written here by
hand as a results.json document, so a comparison is checked against numbers a person can see:

| agency | rank 2026 | last year (2025): total, grade, rank | shown |
|---|---|---|---|
| A01 광주도시철도공사 | 1 | 90.5, S, 3 | ▲2 |
| A02 광주도시공사 | 2 | 88, A, 2 | - |
| B01 광주그린카진흥원 | 2 | (missing in 2025: no result) | nothing |
| B02 광주신용보증재단 | 4 | 95.25, S, 1 | ▼3 |
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_report import city_input, convert_to_pdf, pdf_text, ratio

from pipeline.core.model import GoalResult
from pipeline.report.agency_results import agency_result_bytes, write_agency_results
from pipeline.report.best_practices_sheet import LINES_PER_AGENCY, best_practices, key_achievements, printed_lines
from pipeline.report.departments_sheet import departments_table
from pipeline.report.outputs import write_outputs
from pipeline.report.previous import previous_results, rank_change, read_previous, year_folder
from pipeline.report.results_json import results_document
from pipeline.report.summary_sheet import summary_content

D = Decimal

LAST_YEAR = {
    "format": "agency-eval-results",
    "version": 1,
    "evaluation_year": 2025,
    "agencies": [
        {
            "code": "A01",
            "total": 90.5,
            "grade": "S",
            "rank": 3,
            "goals": [
                {"number": "1", "indicator": "지표", "actual": 3100, "achieved": None, "evaluator_grade": None},
                {"number": "9", "indicator": "없어진 지표", "actual": 1, "achieved": None, "evaluator_grade": None},
            ],
        },
        {"code": "A02", "total": 88, "grade": "A", "rank": 2, "goals": []},
        {"code": "B02", "total": 95.25, "grade": "S", "rank": 1, "goals": []},
        {"code": "B01", "total": None, "grade": None, "rank": None, "status": "missing", "goals": []},
    ],
}


def with_highlights(result: GoalResult, text: str) -> GoalResult:
    return replace(result, goal=replace(result.goal, highlights=text))


def last_year_input(lang: str = "ko"):
    return replace(city_input(lang), previous=previous_results(LAST_YEAR))


# --- 우수사례 -------------------------------------------------------------------------------------------------------
def test_key_achievements_weightiest_first_and_empty_ones_skipped() -> None:
    agency = city_input().city.agencies[0]
    goals = (
        with_highlights(ratio("1", 20, 10, 10, "100.00"), "작은 성과"),  # score 20.00
        with_highlights(ratio("2", 60, 10, 10, "100.00"), "큰 성과"),  # score 60.00
        with_highlights(ratio("3", 20, 10, 9, "90.00"), "   "),  # score 18.00, nothing written
    )
    assert key_achievements(replace(agency, goals=goals), "ko") == ("큰 성과", "작은 성과")


def test_key_achievements_are_cut_to_half_a_page_and_the_rest_counted() -> None:
    agency = city_input().city.agencies[0]
    long = "지역 기업과 함께 만든 성과를 길게 적은 문장입니다 " * 3  # 2 printed lines each
    goals = tuple(with_highlights(ratio(str(i), 10, 10, 10, "100.00"), f"{i}. {long}") for i in range(1, 13))
    shown = key_achievements(replace(agency, goals=goals), "ko")
    assert shown[-1] == f"… 외 {12 - (len(shown) - 1)}건"
    assert sum(printed_lines(t) for t in shown) <= LINES_PER_AGENCY
    assert len(shown) - 1 == (LINES_PER_AGENCY - 1) // printed_lines(shown[0])


def test_one_achievement_longer_than_half_a_page_is_cut_not_dropped() -> None:
    agency = city_input().city.agencies[0]
    goals = (with_highlights(ratio("1", 100, 10, 10, "100.00"), "가" * 2000),)
    (shown,) = key_achievements(replace(agency, goals=goals), "ko")
    assert shown.endswith("…") and printed_lines(shown) <= LINES_PER_AGENCY


def test_best_practices_name_only_the_excellent_in_rank_order() -> None:
    best = best_practices(city_input())
    assert [e.heading for e in best.entries] == [
        "광주도시철도공사 · 총점 97.80 · S등급",
        "광주도시공사 · 총점 88.00 · A등급",
        "광주그린카진흥원 · 총점 88.00 · A등급",
    ]
    assert all(e.lines == () for e in best.entries)  # none wrote a 주요성과: no blank lines either


def test_the_hand_out_sheet_follows_the_summary(tmp_path: Path) -> None:
    data = city_input()
    a01 = data.city.agencies[0]
    a01 = replace(a01, goals=(with_highlights(a01.goals[0], "3무 달성"), a01.goals[1]))
    data = replace(data, city=replace(data.city, agencies=(a01, *data.city.agencies[1:])))
    wb = openpyxl.load_workbook(write_outputs(data, tmp_path).workbook)
    assert wb.sheetnames[:2] == ["요약", "우수사례"]
    cells = [v for row in wb["우수사례"].iter_rows(values_only=True) for v in row if v]
    assert cells[2:6] == ["광주도시철도공사 · 총점 97.80 · S등급", "•", "3무 달성", "광주도시공사 · 총점 88.00 · A등급"]
    assert wb["우수사례"].page_setup.orientation == "portrait" and wb["우수사례"].page_setup.paperSize == 9


# --- 감독부서별 ---------------------------------------------------------------------------------------------------
def test_departments_sheet_groups_agencies_in_the_configured_order_with_goals_to_watch() -> None:
    data = city_input()
    b01 = data.city.agencies[2]
    missed = replace(b01.goals[2], goal=replace(b01.goals[2].goal, achieved=False), points=D(0), score=D(0))
    low = replace(b01.goals[0], points=D("45.00"))
    b01 = replace(b01, goals=(low, b01.goals[1], missed))
    agencies = list(data.city.agencies)
    agencies[2] = b01
    data = replace(data, city=replace(data.city, agencies=tuple(agencies)), departments=("미래차산업과", "교통정책과"))
    table = departments_table(data)
    assert [r[0] for r in table.rows][:2] == ["미래차산업과", "교통정책과"]
    assert table.rows[0][1] == "광주그린카진흥원"
    assert table.rows[0][7] == "1 지표 (평점 45.00)\n3 인증 여부 (미달성)"
    assert table.rows[1][7] == "없음"
    rejected = next(r for r in table.rows if r[1] == "국제기후환경센터")
    assert rejected[3] == "반려" and rejected[7] == ""


# --- last year beside this year ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("before", "now", "shown"), [(3, 1, "▲2"), (1, 4, "▼3"), (2, 2, "-"), (None, 1, None)])
def test_rank_change_arrows(before, now, shown) -> None:
    assert rank_change(before, now) == shown


def test_the_first_year_shows_no_comparison_and_says_nothing(tmp_path: Path) -> None:
    data = city_input()
    assert read_previous(tmp_path, 2026, "ko") == (None, None)
    ranking = summary_content(data).ranking
    assert "전년 총점" not in [c.label for c in ranking.columns]
    assert all("previous" not in a for a in results_document(data)["agencies"])
    wb = openpyxl.load_workbook(write_outputs(data, tmp_path).workbook)
    words = {str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    assert not any("전년" in w or "▲" in w or "▼" in w for w in words)


def test_summary_and_agencies_show_last_years_total_grade_and_rank_change(tmp_path: Path) -> None:
    data = last_year_input()
    ranking = summary_content(data).ranking
    labels = [c.label for c in ranking.columns]
    by_name = {row[1]: dict(zip(labels, row, strict=True)) for row in ranking.rows}
    assert by_name["광주도시철도공사"]["전년 총점"] == D("90.50") and by_name["광주도시철도공사"]["순위 변화"] == "▲2"
    assert by_name["광주도시공사"]["전년 등급"] == "A" and by_name["광주도시공사"]["순위 변화"] == "-"
    assert by_name["광주신용보증재단"]["순위 변화"] == "▼3"
    assert by_name["광주그린카진흥원"]["전년 총점"] is None and by_name["광주그린카진흥원"]["순위 변화"] is None
    wb = openpyxl.load_workbook(write_outputs(data, tmp_path).workbook)
    header = [c.value for c in next(wb["기관별"].iter_rows(max_row=1))]
    assert header[-4:] == ["전년 총점", "전년 등급", "순위 변화", "제출일시"]  # on screen, right of the print area


def test_results_json_gives_each_agency_its_previous_result() -> None:
    agencies = {a["code"]: a for a in results_document(last_year_input())["agencies"]}
    assert agencies["A01"]["previous"] == {"year": 2025, "total": 90.5, "grade": "S", "rank": 3}
    assert agencies["B02"]["previous"] == {"year": 2025, "total": 95.25, "grade": "S", "rank": 1}
    assert agencies["B01"]["previous"] is None  # last year was closed, this agency had no result in it


def test_last_year_is_read_from_the_closed_years_results_json(tmp_path: Path) -> None:
    folder = year_folder(tmp_path, 2025)
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(LAST_YEAR), encoding="utf-8")
    previous, problem = read_previous(tmp_path, 2026, "en")
    assert problem is None and previous == previous_results(LAST_YEAR)
    (folder / "results.json").write_text("{not json", encoding="utf-8")
    previous, problem = read_previous(tmp_path, 2026, "en")
    assert previous is None and "last year's (2025) results" in problem


# --- 기관별 결과표 ----------------------------------------------------------------------------------------------------
def page_values(data, code: str) -> list:
    made = agency_result_bytes(data, code)
    assert made is not None
    wb = openpyxl.load_workbook(io.BytesIO(made[0]))
    return [v for row in wb.active.iter_rows(values_only=True) for v in row if v is not None] + [made[1]]


def test_agency_page_has_total_grade_ranks_goals_explanations_and_adjustments() -> None:
    values = page_values(city_input(), "A01")
    assert "A01_광주도시철도공사_결과.xlsx" in values
    assert 97.8 in values and "S" in values
    assert "1 / 4" in values  # overall: first of the four ranked agencies
    assert "공사·공단 내 순위" in values and values[values.index("공사·공단 내 순위") + 1] == "1 / 2"
    assert "득점 60.00" in values and "+1.00 ISO 10002 국내 최초 인증" in values
    assert not any("전년" in str(v) for v in values)


def test_agency_page_shows_last_year_and_last_years_actual_of_the_same_goal() -> None:
    values = page_values(last_year_input(), "A01")
    assert values[values.index("전년 총점") + 1] == 90.5 and values[values.index("순위 변화") + 1] == "▲2"
    assert 3100 in values  # goal 1, same number and indicator as last year
    assert 1 not in values  # goal 9 of last year no longer exists


def test_no_page_for_an_agency_without_a_scored_result(tmp_path: Path) -> None:
    assert agency_result_bytes(city_input(), "B03") is None
    written = write_agency_results(city_input(), tmp_path)
    assert sorted(p.name for p in written) == [
        "A01_광주도시철도공사_결과.xlsx",
        "A02_광주도시공사_결과.xlsx",
        "B01_광주그린카진흥원_결과.xlsx",
        "B02_광주신용보증재단_결과.xlsx",
    ]
    assert {p.parent.name for p in written} == {"기관별"}


@pytest.mark.real_client
def test_libreoffice_prints_an_agency_page_on_one_a4_portrait_page(soffice: str, tmp_path: Path) -> None:
    import subprocess

    (page,) = [p for p in write_agency_results(last_year_input(), tmp_path) if p.name.startswith("A01")]
    pdf = convert_to_pdf(soffice, page, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "(A4)" in info and "595" in info.split("Page size:")[1].split("x")[0]
    text = pdf_text(pdf)
    assert "광주도시철도공사" in text and "97.80" in text and "▲2" in text


# --- [[departments]] -----------------------------------------------------------------------------------------------
def departments_text(*departments) -> str:
    from pipeline.settings.render import EXAMPLE_AGENCIES, render_config

    return render_config(EXAMPLE_AGENCIES, year=2026, deadline=None, departments=departments)


def test_departments_are_read_and_matched_to_the_agencies(tmp_path: Path) -> None:
    from pipeline.settings.load import parse_config
    from pipeline.settings.schema import Department

    listed = (Department("교통정책과", "traffic@city.example.kr"), Department("미래차산업과", "car@city.example.kr"))
    config = parse_config(departments_text(*listed), home=tmp_path)
    assert config.departments == listed
    assert config.department(config.agency("GMRT").supervising_dept).email == "traffic@city.example.kr"
    assert parse_config(departments_text(), home=tmp_path).departments == ()  # none listed: nothing is checked


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_agency_naming_an_unlisted_department_is_a_configuration_error(tmp_path: Path, lang: str) -> None:
    from pipeline.settings.load import ConfigError, parse_config
    from pipeline.settings.schema import Department

    text = departments_text(Department("교통정책과", "traffic@city.example.kr"))
    with pytest.raises(ConfigError) as caught:
        parse_config(text, home=tmp_path, lang=lang)
    line = str(caught.value)
    assert line.startswith("pipeline.toml: [[agencies]] #2.supervising_dept") and "'미래차산업과'" in line
    assert ("[[departments]]에 없습니다" if lang == "ko" else "is not listed in [[departments]]") in line


def test_the_department_is_copied_on_its_agencys_receipt_with_a_result(tmp_path: Path) -> None:
    from pipeline.mail.messages import receipt_message
    from pipeline.mail.mime import envelope
    from pipeline.settings.load import parse_config
    from pipeline.settings.schema import Department

    listed = (Department("교통정책과", "traffic@city.example.kr"), Department("미래차산업과", "car@city.example.kr"))
    config = parse_config(departments_text(*listed), home=tmp_path)
    data = city_input()
    gmrt = config.agency("GMRT")
    with_result = receipt_message(config, gmrt, data.current["A01"], data.city.agencies[0], "ko")
    assert envelope(with_result)[1] == [gmrt.email, "traffic@city.example.kr"]
    assert with_result["Cc"].addresses[0].display_name == "교통정책과"
    replaced = receipt_message(config, gmrt, data.current["A01"], None, "ko")  # no result: nothing to copy
    assert replaced["Cc"] is None and envelope(replaced)[1] == [gmrt.email]


def test_goals_sheet_shows_last_years_actual_of_a_goal_that_existed_last_year() -> None:
    from pipeline.report.goals_sheet import goals_table

    assert "전년 실적" not in [c.label for c in goals_table(city_input()).columns]
    table = goals_table(last_year_input())
    assert table.columns[-1].label == "전년 실적"
    last = {(row[0], row[1]): row[-1] for row in table.rows}
    assert last[("광주도시철도공사", "1")] == D(3100)  # same number and indicator as last year
    assert last[("광주도시철도공사", "2")] is None and last[("광주도시공사", "1")] is None


def test_the_hand_out_never_splits_an_agency_across_pages(tmp_path: Path) -> None:
    """Twelve excellent agencies, each with half a page of achievements: two to a page, breaks between them."""
    data = city_input()
    a01 = data.city.agencies[0]
    long = "지역 기업과 함께 만든 성과를 길게 적은 문장입니다 " * 3
    goals = tuple(with_highlights(ratio(str(i), 10, 10, 10, "100.00"), f"{i}. {long}") for i in range(1, 13))
    many = tuple(replace(a01, code=f"X{i:02}", name=f"기관{i:02}", goals=goals) for i in range(12))
    data = replace(data, city=replace(data.city, agencies=many))
    wb = openpyxl.load_workbook(write_outputs(data, tmp_path).workbook)
    ws = wb["우수사례"]
    breaks = [b.id for b in ws.row_breaks.brk]
    headings = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("기관")]
    assert len(headings) == 12 and len(breaks) == 5  # 2 agencies a page: 6 pages
    assert [b + 1 for b in breaks] == headings[2::2]  # each page starts with an agency's heading


# --- both languages ------------------------------------------------------------------------------------------------
def _meeting_texts():
    import string

    from language import module_texts

    from pipeline.commands import rollover
    from pipeline.report import meeting_labels, previous

    for where, text in module_texts((meeting_labels, previous, rollover)):
        names = {field for template in text for _, field, _, _ in string.Formatter().parse(template) if field}
        yield where, text, names


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_text_of_the_meeting_book_and_the_rollover_is_in_one_language(lang: str) -> None:
    from language import english_sentences, hangul_outside_values

    from pipeline.core.i18n import tr

    texts = list(_meeting_texts())
    assert len(texts) > 30
    for where, text, names in texts:
        shown = tr(text, lang, **dict.fromkeys(names, 2))
        wrong = hangul_outside_values(shown) if lang == "en" else english_sentences(shown)
        assert not wrong, (where, shown)


def test_the_sheets_in_english(tmp_path: Path) -> None:
    data = last_year_input("en")
    assert best_practices(data).entries[0].heading == "광주도시철도공사 · total 97.80 · grade S"
    values = page_values(data, "A01")
    assert "A01_광주도시철도공사_results.xlsx" in values and "Rank in 공사·공단" in values
    assert "Last year's total" in values and "Rank change" in values
    assert [c.label for c in departments_table(data).columns][-1] == "Goals to watch"
