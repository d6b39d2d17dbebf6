"""Every page prints: each sheet of the demo's workbooks through LibreOffice to PDF, checked on the PDF
(`printcheck`: A4, no column cut at the right edge, no text under 8 pt); and the check itself fails on sheets that
do not print."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import xlsxwriter
from books import consolidated

from pipeline.report.print_setup import fit_scale, fit_widths, print_setup
from tests.printcheck import assert_prints_on_a4, convert, print_sheet, problems, squeeze

pytestmark = pytest.mark.real_client


@pytest.fixture(scope="module", params=["ko", "en"])
def demo_outbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.commands.demo import demo_command

    home = tmp_path_factory.mktemp("print") / "demo"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        demo_command(home, lang=request.param)
    (day,) = (home / "outbox").iterdir()
    return day


def test_every_sheet_of_the_consolidated_workbook_prints_on_a4(soffice: str, demo_outbox: Path, tmp_path: Path) -> None:
    from pipeline.report.labels import SHEETS, L

    printed = assert_prints_on_a4(soffice, consolidated(demo_outbox), tmp_path)
    by_name = {p.sheet: p for p in printed}
    order = ("summary", "best", "agencies", "departments", "goals", "findings", "submissions", "changes")
    words = SHEETS
    assert list(by_name) in ([words[k][0] for k in order], [words[k][1] for k in order])
    lang = 0 if "요약" in by_name else 1
    tables = [by_name[words[k][lang]] for k in order if k not in ("summary", "best")]
    assert all(p.headings for p in tables)  # every table sheet repeats its heading row: the column check ran
    goals = by_name[words["goals"][lang]]
    assert len(goals.sizes) > 1 and set(L["explanation"]) & set(goals.headings)  # many pages, every column on each
    submissions = by_name[words["submissions"][lang]]
    hashes = set(L["hash"]) | set(L["superseded_by"])
    assert not hashes & set(submissions.headings)  # the hashes are not printed
    assert not any(h in text for text in submissions.texts for h in hashes)


# --- the check can fail -----------------------------------------------------------------------------------------
def wide_sheet(path: Path, *, fit: bool, paper: int = 9) -> None:
    """Twenty columns 30 wide of 10 pt text with a repeated heading row: the old Goals sheet's shape."""
    wb = xlsxwriter.Workbook(str(path), {"default_format_properties": {"font_size": 10}})
    ws = wb.add_worksheet("넓은표")
    ws.set_column(0, 19, 30)
    for col in range(20):
        ws.write_string(0, col, f"제목{col}")
        for row in range(1, 40):
            ws.write_string(row, col, f"값 {row}-{col}")
    ws.set_paper(paper)
    ws.set_landscape()
    ws.repeat_rows(0)
    if fit:
        ws.fit_to_pages(1, 0)
    wb.close()


def test_the_check_finds_text_shrunk_under_8_points(soffice: str, tmp_path: Path) -> None:
    wide_sheet(tmp_path / "shrunk.xlsx", fit=True)
    found = problems(print_sheet(soffice, tmp_path / "shrunk.xlsx", "넓은표", tmp_path / "out"))
    assert found and all("under 8 pt" in line for line in found)


def test_the_check_finds_columns_cut_at_the_right_edge(soffice: str, tmp_path: Path) -> None:
    wide_sheet(tmp_path / "spilled.xlsx", fit=False)
    found = problems(print_sheet(soffice, tmp_path / "spilled.xlsx", "넓은표", tmp_path / "out"))
    assert found and any("headings not on the page" in line and "제목19" in line for line in found)
    assert not any("under 8 pt" in line for line in found)


def test_the_check_finds_a_page_that_is_not_a4(soffice: str, tmp_path: Path) -> None:
    wide_sheet(tmp_path / "letter.xlsx", fit=True, paper=1)  # US Letter
    found = problems(print_sheet(soffice, tmp_path / "letter.xlsx", "넓은표", tmp_path / "out"))
    assert any("is not A4" in line for line in found)


def test_the_same_wide_sheet_fitted_by_print_setup_prints(soffice: str, tmp_path: Path) -> None:
    """The remedy for the shrunk sheet: narrowed wrapped columns and print_setup, then the check passes."""
    path = tmp_path / "fitted.xlsx"
    widths = fit_widths([30.0] * 12, [True] * 12, landscape=True)
    assert fit_scale(widths, landscape=True) >= 0.84
    wb = xlsxwriter.Workbook(str(path), {"default_format_properties": {"font_size": 10}})
    ws = wb.add_worksheet("맞춘표")
    wrap = wb.add_format({"text_wrap": True, "font_size": 10})
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
        ws.write_string(0, col, f"제목{col}", wrap)
        for row in range(1, 40):
            ws.write_string(row, col, f"값 {row}-{col}", wrap)
    print_setup(ws, title="시험", landscape=True, repeat_rows=(0, 0), last_row=39, last_col=len(widths) - 1)
    wb.close()
    assert_prints_on_a4(soffice, path, tmp_path / "out")


# --- the template and the feedback workbook -----------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_templates_goal_sheet_prints_several_pages_wide_a_goals_pages_together(
    soffice: str, tmp_path: Path, lang: str
) -> None:
    """The blank template's twenty-column goal sheet: A4 at 8 pt or more, the goal's columns on every page, and the
    pages over then down (the title rows' band first, all of its pages together)."""
    from pipeline.core.layout import SHEET_GOALS, sheet_name
    from pipeline.template.files import write_template
    from pipeline.template.workbook import TEXTS

    path = write_template(tmp_path / "template.xlsx", lang=lang)
    (goals,) = assert_prints_on_a4(soffice, path, tmp_path / "out", [sheet_name(SHEET_GOALS, lang)])
    assert len(goals.sizes) > 2 and goals.repeated and set(goals.repeated) < set(goals.headings)
    title = squeeze(TEXTS["title_goals"][0 if lang == "ko" else 1])
    band = [title in squeeze(text) for text in goals.texts]  # the sheet's title row prints on its first band only
    first = band.index(False)
    assert first > 1 and not any(band[first:])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_templates_other_sheets_print_the_guide_whole_on_one_page(soffice: str, tmp_path: Path, lang: str) -> None:
    """안내, 기관정보 and 과거실적 of the blank template: A4 at 8 pt or more; the guide's numbered lines wrap on one
    page, every word of them printed (the examples table under them is left to the screen)."""
    from openpyxl import load_workbook

    from pipeline.core.i18n import tr
    from pipeline.core.layout import SHEET_GOALS, sheet_name
    from pipeline.template.files import write_template
    from pipeline.template.workbook import GUIDE_LINES

    path = write_template(tmp_path / "template.xlsx", lang=lang)
    others = [ws.title for ws in load_workbook(path).worksheets if ws.title != sheet_name(SHEET_GOALS, lang)]
    guide, *_ = assert_prints_on_a4(soffice, path, tmp_path / "out", others)
    assert len(guide.sizes) == 1
    printed = squeeze("".join(guide.texts))
    assert all(squeeze(tr(line, lang)) in printed for line in GUIDE_LINES)


# --- the feedback workbook -----------------------------------------------------------------------------------------
@pytest.fixture(params=["xml", "openpyxl"])
def feedback_writer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both writers of the feedback copy: the XML patcher, or openpyxl when the patcher declines."""
    from pipeline.feedback import xml_patch

    real = xml_patch.write_fast
    monkeypatch.setattr(xml_patch, "write_fast", lambda *a, **k: real(*a, **k) if request.param == "xml" else None)
    return request.param


@pytest.mark.parametrize("saved_by", ["template", "libreoffice"])
def test_the_feedback_copy_prints_its_findings_and_the_marked_rows_with_the_comments_at_the_end(
    soffice: str, tmp_path: Path, feedback_writer: str, saved_by: str
) -> None:
    """The findings sheet and the goal sheet's marked rows print on A4 at 8 pt or more, the goal sheet several pages
    wide with the goal's columns on each; from the template as agencies get it, and from a file LibreOffice saved
    (the XML patcher's usual input) that still has last year's goal sheet fitted one page wide."""
    import factory
    from openpyxl import load_workbook

    from pipeline.core.layout import GOAL_COLUMNS
    from pipeline.core.refs import column_letter
    from pipeline.feedback import xml_patch
    from pipeline.feedback.write import write_feedback
    from pipeline.validate.check import check_file

    goals = factory.goals(g1={"target": "미정"}, g2={"evidence": None})
    original = factory.write(tmp_path / "제출.xlsx", goal_rows=goals)
    if saved_by == "libreoffice":
        old = factory.write(tmp_path / "old" / "제출.xlsx", goal_rows=goals, edit=factory.fitted_one_page_wide)
        original = convert(soffice, old, tmp_path / "lo", to="xlsx")
    findings = check_file(original, factory.config()).findings
    if feedback_writer == "xml":  # the patcher takes this file: the XML path is the one printed
        assert xml_patch.write_fast(original, findings, tmp_path / "patched.xlsx", "ko", original.name)
    feedback = write_feedback(original, findings, tmp_path / "fb.xlsx")
    wb = load_workbook(feedback)
    goals_sheet = wb["성과목표"]
    # the two marked goal rows (5 and 6) under the repeated heading row, not the template's sixty rows
    last = column_letter(len(GOAL_COLUMNS))
    assert goals_sheet.print_area == f"'성과목표'!$A$5:${last}$6" and goals_sheet.print_title_rows == "$4:$4"
    assert goals_sheet.page_setup.cellComments == "atEnd"
    review, goal_rows = assert_prints_on_a4(soffice, feedback, tmp_path / "out", sheets=["검토결과", "성과목표"])
    words = set("".join(review.texts).split())  # wrapped cells side by side interleave their lines
    for f in findings:  # each comment's text, as end notes of the findings sheet
        assert set(f.message("ko").split()) <= words and set(f.hint("ko").split()) <= words
    # several pages wide, each with the goal's number and name: a goal's pages follow each other
    assert len(goal_rows.sizes) > 1 and goal_rows.repeated and set(goal_rows.repeated) < set(goal_rows.headings)
    names = [squeeze(goal["goal"]) for goal in goals[:2]]
    assert all(all(name in squeeze(text) for name in names) for text in goal_rows.texts)
