"""The feedback workbook: a marked copy with a findings sheet first; the original untouched.

Every test runs twice: through the XML patcher (`feedback_xml`, the default path, asserted taken) and through the
openpyxl path (the patcher switched off), so both writers keep meeting the same expectations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import factory
import pytest
from openpyxl import load_workbook

from pipeline.feedback import xml_patch as feedback_xml
from pipeline.feedback.review import RED, YELLOW
from pipeline.feedback.write import write_feedback
from pipeline.validate.check import check_file

CONFIG = factory.config()


class Writer:
    """Which writer the test runs through, and what the XML patcher returned on each call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.results: list[Any] = []

    def check(self, fast_expected: bool = True) -> None:
        """The XML path (when it is this run's writer) wrote every workbook; the openpyxl run never used it."""
        assert self.results, "write_feedback did not go through feedback_xml.write_fast"
        if self.name == "xml" and fast_expected:
            assert all(r is not None for r in self.results), "the XML patcher declined"
        else:
            assert all(r is None for r in self.results)


@pytest.fixture(params=["xml", "openpyxl"])
def writer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Writer]:
    spy = Writer(request.param)
    real = feedback_xml.write_fast

    def write_fast(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs) if spy.name == "xml" else None
        spy.results.append(result)
        return result

    monkeypatch.setattr(feedback_xml, "write_fast", write_fast)
    yield spy


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bad(tmp_path: Path) -> Path:
    goals = factory.goals(g1={"target": "미정"}, g2={"evidence": None})
    return factory.write(tmp_path / "제출.xlsx", goal_rows=goals)


def test_feedback_lists_every_finding_and_marks_the_cells(tmp_path: Path, writer: Writer) -> None:
    original = _bad(tmp_path)
    before = _digest(original)
    result = check_file(original, CONFIG)
    assert [(f.code, f.ref) for f in result.findings] == [
        ("value.not_number", "성과목표!K5"),
        ("goal.evidence_blank", "성과목표!S6"),
    ]
    out = write_feedback(original, result.findings, tmp_path / "out" / "fb.xlsx")
    assert _digest(original) == before  # the original is never modified
    assert not list((tmp_path / "out").glob(".*tmp"))  # temp name renamed away

    wb = load_workbook(out)
    assert wb.sheetnames[0] == "검토결과"
    assert wb.sheetnames[1:] == ["안내", "기관정보", "성과목표", "과거실적"]
    review = wb["검토결과"]
    rows = [[c.value for c in row] for row in review.iter_rows(min_row=6, max_col=7)]
    assert rows[0][:4] == ["오류", "성과목표!K5", "목표치", "미정"]
    assert rows[0][4] == result.findings[0].message() and rows[0][5] == result.findings[0].hint()
    assert rows[0][6] == "value.not_number"
    assert rows[1][:2] == ["경고", "성과목표!S6"]
    assert review["B6"].hyperlink.location == "'성과목표'!K5"  # an internal link: a click goes to the cell
    assert "오류 1건, 경고 1건" in review["A3"].value

    goals = wb["성과목표"]
    assert goals["K5"].fill.fgColor.rgb.endswith(RED)
    assert goals["S6"].fill.fgColor.rgb.endswith(YELLOW)
    assert "숫자가 아닌 값" in goals["K5"].comment.text
    assert goals["K5"].value == "미정"  # the submitted values are kept
    writer.check()


def test_weights_sum_marks_every_weight_cell(tmp_path: Path, writer: Writer) -> None:
    original = factory.write(tmp_path / "s.xlsx", goal_rows=factory.goals(g2={"weight": 10}))
    result = check_file(original, CONFIG)
    wb = load_workbook(write_feedback(original, result.findings, tmp_path / "fb.xlsx"))
    for row in range(5, 11):
        assert wb["성과목표"][f"I{row}"].fill.fgColor.rgb.endswith(RED)
    writer.check()


def test_english_feedback(tmp_path: Path, writer: Writer) -> None:
    original = _bad(tmp_path)
    result = check_file(original, CONFIG)
    wb = load_workbook(write_feedback(original, result.findings, tmp_path / "fb.xlsx", lang="en"))
    assert wb.sheetnames[0] == "Review"
    assert wb["Review"]["A6"].value == "Error"
    assert "not a number" in wb["Review"]["E6"].value
    writer.check()


def test_unreadable_file_gets_a_findings_only_workbook(tmp_path: Path, writer: Writer) -> None:
    original = tmp_path / "data.xlsx"
    original.write_text("a,b\n1,2\n")
    result = check_file(original, CONFIG)
    wb = load_workbook(write_feedback(original, result.findings, tmp_path / "fb.xlsx"))
    assert wb.sheetnames == ["검토결과"]
    assert wb["검토결과"]["G6"].value == "file.not_xlsx"
    assert wb["검토결과"]["B6"].value in ("", None)
    assert original.read_text() == "a,b\n1,2\n"
    writer.check(fast_expected=False)  # no copy to patch: the findings-only workbook is openpyxl's


def test_clean_file_feedback_says_so(tmp_path: Path, writer: Writer) -> None:
    original = factory.write(tmp_path / "ok.xlsx")
    wb = load_workbook(write_feedback(original, (), tmp_path / "fb.xlsx"))
    assert wb["검토결과"]["A3"].value == "문제가 없습니다."
    writer.check()


def test_libreoffice_opens_the_feedback_workbook(tmp_path: Path, soffice: str, writer: Writer) -> None:
    """What a real client sees: the findings sheet first, the comment and the fill survive a LibreOffice save."""
    import os
    import subprocess
    import uuid

    original = _bad(tmp_path)
    fb = write_feedback(original, check_file(original, CONFIG).findings, tmp_path / "fb.xlsx")
    profile = f"/tmp/lo-{uuid.uuid4().hex}"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "lo"),
            str(fb),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": profile},
    )
    wb = load_workbook(tmp_path / "lo" / "fb.xlsx")
    assert wb.sheetnames[0] == "검토결과"
    assert wb["검토결과"]["G6"].value == "value.not_number"
    assert "숫자가 아닌 값" in wb["성과목표"]["K5"].comment.text
    assert wb["성과목표"]["K5"].fill.fgColor.rgb.endswith(RED) and wb["성과목표"]["S6"].fill.fgColor.rgb.endswith(
        YELLOW
    )
    assert wb.active.title == "검토결과"
    assert wb["검토결과"]["B6"].hyperlink.location == "'성과목표'!K5"
    writer.check()
