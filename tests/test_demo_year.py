"""The demo plays the whole year (issue 16, item 9): every plan confirmed, one change request confirmed in turn,
a mid-year check with 지연 and 부진 goals and their reasons, and a results file whose target was quietly lowered,
rejected with `plan.changed` while the agency's honest file stays the one scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.layout import GOAL_LETTERS
from pipeline.demo import city, year
from pipeline.night.ledger import Ledger
from pipeline.settings.load import load_config


# --- the data ---------------------------------------------------------------------------------------------------
def test_the_year_data_names_real_goals() -> None:
    for code, goals in year.BEHIND.items():
        numbers = {g["number"] for g in city.GOALS[code]}
        assert set(goals) <= numbers, code
        for progress, reason, _ in goals.values():
            assert progress in ("지연", "부진") and reason, code
    change = next(g for g in city.GOALS[year.CHANGE_AGENCY] if g["number"] == year.CHANGE_GOAL)
    assert change["method"] == "ratio" and change["target"] > year.FIRST_PLAN_TARGET  # the change raises it
    lowered = next(g for g in city.GOALS[year.LOWERED_AGENCY] if g["number"] == year.LOWERED_GOAL)
    assert lowered["direction"] == "higher" and lowered["target"] > year.LOWERED_TARGET  # quietly made easier
    assert not set(year.MIDYEAR_MISSING) & set(year.BEHIND)
    assert len(year.MIDYEAR_FILES) == len(city.AGENCIES) - len(year.MIDYEAR_MISSING)


# --- the demo run -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("year") / "demo"
    result = CliRunner().invoke(app, ["demo", str(home)])
    assert result.exit_code == 0, result.output
    return home


def only(home: Path, pattern: str) -> Path:
    (path,) = (home / "outbox").glob(f"*/{pattern}")
    return path


def test_every_plan_confirmed_and_the_change_in_force(home: Path) -> None:
    ledger = Ledger.open(load_config(home).paths.state)
    try:
        plans = ledger.confirmed_plans()
        assert {c: p.version for c, p in plans.items() if p.version != 1} == {year.CHANGE_AGENCY: 2}
        assert set(plans) == {a.code for a in city.AGENCIES}
        goal = next(g for g in plans[year.CHANGE_AGENCY].submission.goals if g.number == year.CHANGE_GOAL)
        assert goal.target == next(g["target"] for g in city.GOALS[year.CHANGE_AGENCY] if g["number"] == "1")
        assert ledger.plan_requests() == {}
    finally:
        ledger.close()


def test_the_plan_book_lists_the_confirmed_change(home: Path) -> None:
    wb = load_workbook(only(home, f"{city.YEAR}년_성과창출계획_*.xlsx"))
    changes = list(wb["계획변경"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[4], r[6], r[7], r[8]) for r in changes] == [
        (year.CHANGE_AGENCY, "확정", "1 → 2", year.CHANGE_GOAL, "목표치", "3000", "3500")
    ]
    goals = list(wb["성과목표"].iter_rows(min_row=2, values_only=True))
    assert len(goals) == sum(len(g) for g in city.GOALS.values())


def test_the_midyear_book_counts_and_reasons(home: Path) -> None:
    wb = load_workbook(only(home, f"{city.YEAR}년_중간점검_*.xlsx"))
    total = next(r for r in wb["중간점검"].iter_rows(values_only=True) if r[0] == "계")
    counts = year.progress_counts()
    assert total[4:8] == (counts["정상"], counts["지연"], counts["부진"], counts["완료"])
    behind = {(r[0], r[2]): (r[8], r[9]) for r in wb["지연·부진 목표"].iter_rows(min_row=2, values_only=True)}
    assert behind == {
        (code, n): (p, reason) for code, goals in year.BEHIND.items() for n, (p, reason, _) in goals.items()
    }
    missing = [r[0] for r in wb["미보고 기관"].iter_rows(min_row=2, values_only=True)]
    assert sorted(missing) == sorted(year.MIDYEAR_MISSING)


def test_the_lowered_target_is_rejected_and_the_honest_file_scored(home: Path) -> None:
    ledger = Ledger.open(load_config(home).paths.state)
    try:
        files = {r.original_name: r for r in ledger.received()}
        lowered = files[year.LOWERED_FILE.file_name]
        assert lowered.outcome == "rejected"
        row = 5 + [g["number"] for g in city.GOALS[year.LOWERED_AGENCY]].index(year.LOWERED_GOAL)
        assert [(f.code, f.ref) for f in lowered.findings if f.is_error] == [
            ("plan.changed", f"성과목표!{GOAL_LETTERS['target']}{row}")
        ]
        current = ledger.current()[year.LOWERED_AGENCY]
        assert current.original_name != year.LOWERED_FILE.file_name and current.plan_version == 1
    finally:
        ledger.close()
    results = json.loads(only(home, "results.json").read_text(encoding="utf-8"))
    agency = next(a for a in results["agencies"] if a["code"] == year.LOWERED_AGENCY)
    assert f"{agency['total']:.2f}" == city.EXPECTED[year.LOWERED_AGENCY].total
    assert agency["midyear"]["counts"] == {"normal": 1, "delayed": 1, "lagging": 1, "done": 0}
    assert all(a["midyear"] is None for a in results["agencies"] if a["code"] in year.MIDYEAR_MISSING)
