"""Every page of the books other issues added prints (issue 18, item 5): the plan book, the 중간점검 workbook, the
committee sheet (정성평가 평정표, a form the members grade on paper) and a 기관별 결과표, each sheet through
LibreOffice to PDF and checked on the PDF (`printcheck`: A4, no text under 8 pt, no heading cut at the right edge).
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.printcheck import assert_prints_on_a4

pytestmark = pytest.mark.real_client


@pytest.fixture(scope="module", params=["ko", "en"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, int]:
    """(the demo's home, its day folder in outbox, the language, the evaluation year)."""
    from pipeline.commands.demo import demo_command

    home = tmp_path_factory.mktemp("books") / "demo"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        demo_command(home, lang=request.param)
    (day,) = (home / "outbox").iterdir()
    year = json.loads((day / "results.json").read_text(encoding="utf-8"))["evaluation_year"]
    return home, day, request.param, int(year)


def _repeats_headings(printed: list, names: list[str]) -> None:
    """Every table sheet (all but the front sheet) repeats its heading row, so the right-edge check ran."""
    assert [p.sheet for p in printed] == names
    assert all(p.headings for p in printed[1:])


def test_the_plan_book_prints_on_a4(soffice: str, demo: tuple[Path, Path, str, int], tmp_path: Path) -> None:
    from pipeline.report.plan_book_sheet import plan_book_file_name

    _, day, lang, year = demo
    book = day / plan_book_file_name(year, datetime.fromisoformat(day.name), lang)
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    printed = assert_prints_on_a4(soffice, book, tmp_path)
    _repeats_headings(printed, names)
    assert len(names) >= 4  # front, agencies, goals, majors (and changes)


def test_the_midyear_workbook_prints_on_a4(soffice: str, demo: tuple[Path, Path, str, int], tmp_path: Path) -> None:
    from pipeline.report.midyear_sheet import midyear_file_name

    _, day, lang, year = demo
    book = day / midyear_file_name(year, datetime.fromisoformat(day.name), lang)
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    printed = assert_prints_on_a4(soffice, book, tmp_path)
    _repeats_headings(printed, names)


def test_the_committee_sheet_prints_on_a4(soffice: str, demo: tuple[Path, Path, str, int], tmp_path: Path) -> None:
    from pipeline.core.committee_layout import FINGERPRINT_COLUMN, GRADE_COLUMNS, SHEET_GRADES, SHEET_GUIDE, label
    from pipeline.core.i18n import tr
    from pipeline.template.committee_sheet import GUIDE_LINES

    home, _, lang, _ = demo
    sheets = sorted((home / "committee").glob("*.xlsx"))
    assert sheets
    printed = assert_prints_on_a4(soffice, sheets[0], tmp_path)
    grades = next(p for p in printed if p.sheet == label(SHEET_GRADES, lang))
    assert {c.label(lang) for c in GRADE_COLUMNS} <= set(grades.headings)  # every graded column on each page
    assert FINGERPRINT_COLUMN.label(lang) not in grades.headings  # the machine column is not printed
    assert grades.sizes[0][0] > grades.sizes[0][1]  # landscape: the members grade on it
    guide = next(p for p in printed if p.sheet == label(SHEET_GUIDE, lang))
    printed_text = "".join("".join(text.split()) for text in guide.texts)
    for line in GUIDE_LINES:  # each line of the guide prints whole: none runs off the right edge
        assert "".join(tr(line, lang).split()) in printed_text, tr(line, lang)


def test_an_agency_result_page_prints_on_a4(soffice: str, demo: tuple[Path, Path, str, int], tmp_path: Path) -> None:
    from pipeline.report.labels import SHEETS

    _, day, lang, _ = demo
    pages = sorted((day / SHEETS["agencies"][0 if lang == "ko" else 1]).glob("*.xlsx"))
    assert pages
    (printed,) = assert_prints_on_a4(soffice, pages[0], tmp_path)
    assert len(printed.sizes) == 1  # one page per agency
