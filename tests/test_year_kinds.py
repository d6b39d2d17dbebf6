"""The submission kinds of the year's cycle as the template writes them and the reader reads them (issue 16)."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import factory

from pipeline.core.layout import GOAL_LETTERS, SUBMISSION_KINDS, TEMPLATE_VERSION
from pipeline.validate.check import check_file

CONFIG = factory.config()
ON_TRACK = [{**g, "progress": "정상"} for g in factory.GOALS]


def refs(result) -> list[tuple[str, str]]:
    return [(f.code, f.ref) for f in result.findings]


def _agency_row(wb, key: str) -> int:
    ws = wb["기관정보"]
    label = {"kind": "제출구분"}[key]
    return next(r for r in range(1, 30) if ws.cell(r, 1).value == label)


def test_the_template_writes_the_kind_and_the_reader_reads_it(tmp_path: Path) -> None:
    for kind in SUBMISSION_KINDS:
        rows = ON_TRACK if kind == "midyear" else None  # a mid-year check says how every goal is going
        result = check_file(factory.write(tmp_path / f"{kind}.xlsx", info={"kind": kind}, goal_rows=rows), CONFIG)
        assert result.submission is not None, refs(result)
        assert result.submission.kind == kind
    wb = factory.workbook()
    assert wb["기관정보"].cell(_agency_row(wb, "kind"), 2).value == "실적"  # the factory's files are results


def test_the_kind_is_required_and_from_the_list(tmp_path: Path) -> None:
    def blank(wb) -> None:
        wb["기관정보"].cell(_agency_row(wb, "kind"), 2).value = None

    def unknown(wb) -> None:
        wb["기관정보"].cell(_agency_row(wb, "kind"), 2).value = "연말"

    missing = check_file(factory.write(tmp_path / "m.xlsx", edit=blank), CONFIG)
    assert ("cell.required", "기관정보!B9") in refs(missing)
    wrong = check_file(factory.write(tmp_path / "w.xlsx", edit=unknown), CONFIG)
    (found,) = [f for f in wrong.findings if f.code == "value.unknown_choice"]
    assert found.ref == "기관정보!B9" and "계획, 중간점검, 실적" in found.hint()
    english = check_file(
        factory.write(tmp_path / "e.xlsx", info={"kind": "mid-year check"}, goal_rows=ON_TRACK), CONFIG
    )
    assert english.submission is not None and english.submission.kind == "midyear"


def test_the_midyear_columns_are_read(tmp_path: Path) -> None:
    goals = factory.goals(g1={"progress": "지연", "midyear_actual": 1700, "reason": "예산 집행 지연"})
    result = check_file(factory.write(tmp_path / "s.xlsx", goal_rows=goals), CONFIG)
    first = result.submission.goals[0]
    assert (first.progress, first.midyear_actual, first.reason) == ("delayed", Decimal(1700), "예산 집행 지연")
    assert result.submission.goals[1].progress is None
    bad = check_file(factory.write(tmp_path / "b.xlsx", goal_rows=factory.goals(g1={"progress": "양호"})), CONFIG)
    assert ("value.unknown_choice", f"성과목표!{GOAL_LETTERS['progress']}5") in refs(bad)


def test_the_old_template_is_told_apart(tmp_path: Path) -> None:
    """A 2026.1 workbook (no 제출구분 row) gets one clear error naming the old and the new version."""

    def old(wb) -> None:
        ws = wb["기관정보"]
        row = _agency_row(wb, "kind")
        ws.delete_rows(row)
        wb.custom_doc_props.props[0].value = "2026.1"

    path = factory.write(tmp_path / "old.xlsx", edit=old)
    with zipfile.ZipFile(path) as zf:
        assert b"2026.1" in zf.read("docProps/custom.xml")
    result = check_file(path, CONFIG)
    assert refs(result) == [("file.template_old", "")]
    message = result.findings[0].message("en")
    assert "2026.1" in message and TEMPLATE_VERSION in message
    assert "pipeline template" in result.findings[0].hint()


def test_plan_changes_goal_by_goal_and_field_by_field() -> None:
    from dataclasses import replace

    from pipeline.core.model import AgencyInfo, Goal, Submission
    from pipeline.validate.plan_diff import PlanChange, change_line, plan_changes

    info = AgencyInfo("A", "a", "g", 2026)
    one = Goal("1", "보증 확대", "공급액", "ratio", Decimal(60), "higher", target=Decimal(3500))
    two = Goal("2", "상담", "건수", "deviation", Decimal(40), "higher", past=(Decimal(1), Decimal(2), Decimal(3)))
    old = Submission(info, (one, two), kind="plan")
    same = Submission(info, (replace(one, goal=" 보증  확대", target=Decimal("3500.0")), two))
    assert plan_changes(old, same) == ()  # spacing and 3500 vs 3500.0 are no change
    new = Submission(
        info,
        (
            replace(one, target=Decimal(3000), method="range"),
            replace(two, number="3", past=(Decimal(1), Decimal(2))),
        ),
    )
    changes = plan_changes(old, new)
    assert changes == (
        PlanChange("1", "changed", "method", "ratio", "range"),
        PlanChange("1", "changed", "target", "3500", "3000"),
        PlanChange("3", "added", None, "", "상담"),
        PlanChange("2", "removed", None, "상담", ""),
    )
    assert change_line(changes[0], "ko") == "목표 1 평가방법: 목표대비 → 목표부여"
    assert change_line(changes[2], "en") == "goal 3 added: 상담"
    past = plan_changes(old, Submission(info, (one, replace(two, past=(Decimal(1), Decimal(2), Decimal(4))))))
    assert past == (PlanChange("2", "changed", "past", "1, 2, 3", "1, 2, 4"),)
