"""The whole demo city, end to end: 24 agencies through the real batch give a stable ranking.

The golden file holds what the meeting sees (status, total, grade, ranks, excellent, provisional, and each
goal's points and score). It changes only on purpose: regenerate with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden_city.py` and review the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.demo import city

GOLDEN = Path(__file__).parent / "golden" / "demo_city.json"


def standings(results: dict) -> dict:
    """What decides an agency's year, without timestamps, hashes or file names."""
    return {
        a["code"]: {
            "status": a["status"],
            "total": a["total"],
            "grade": a["grade"],
            "rank": a["rank"],
            "group_rank": a["group_rank"],
            "excellent": a["excellent"],
            "provisional": a["provisional"],
            "goals": {g["number"]: [g["points"], g["score"]] for g in a.get("goals", [])},
        }
        for a in results["agencies"]
    }


@pytest.fixture(scope="module")
def city_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("city") / "demo"
    result = CliRunner().invoke(app, ["demo", str(home)])
    assert result.exit_code == 0, result.output
    (results_json,) = (home / "outbox").glob("*/results.json")
    return json.loads(results_json.read_text(encoding="utf-8"))


def test_the_demo_city_matches_the_golden_standings(city_results: dict) -> None:
    got = standings(city_results)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        lines = (f"  {json.dumps(code)}: {json.dumps(entry, ensure_ascii=False)}" for code, entry in got.items())
        GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # one agency a line
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == want


def test_the_golden_standings_agree_with_the_hand_worked_expectations(city_results: dict) -> None:
    """A second, independent source: demo_city.EXPECTED was worked out by hand from docs/scoring.md."""
    got = standings(city_results)
    for code, expected in city.EXPECTED.items():
        assert got[code]["status"] == expected.status, code
        if expected.total is not None:
            assert f"{got[code]['total']:.2f}" == expected.total, code
            assert got[code]["grade"] == expected.grade, code
    excellent = sorted(code for code, a in got.items() if a["excellent"])
    assert len(excellent) == 11  # as in the article: 11 of 24 named excellent


def test_every_total_is_the_sum_of_its_shown_scores_and_adjustments(city_results: dict) -> None:
    for agency in city_results["agencies"]:
        if agency["total"] is None:
            continue
        scores = sum(round(g["score"] * 100) for g in agency["goals"] if not g["pending"])
        adjustments = sum(round(a["points"] * 100) for a in agency["adjustments"])
        assert round(agency["total"] * 100) == scores + adjustments, agency["code"]


def test_the_demo_mistakes_give_the_findings_an_officer_expects(tmp_path: Path) -> None:
    """Each typical mistake of the demo is rejected with one error, on the cell where it was made."""
    from pipeline.demo.build import build_demo
    from pipeline.settings.load import load_config
    from pipeline.validate.check import check_file

    plan = build_demo(tmp_path / "demo")
    config = load_config(plan.home)
    expected = {
        city.MISTAKE_WRONG_YEAR: ("agency.wrong_year", "기관정보!B8"),
        city.MISTAKE_WEIGHTS_95: ("goal.weights_sum", "성과목표!I5:I7"),
        city.MISTAKE_ACTUAL_UNDECIDED: ("value.not_number", "성과목표!Q5"),
    }
    seen = set()
    for path, sent in zip(plan.files, plan.submissions, strict=True):
        result = check_file(path, config)
        errors = [(f.code, f.ref) for f in result.findings if f.is_error]
        if sent.mistake is None:
            assert errors == [], path.name
        else:
            assert errors == [expected[sent.mistake]], path.name
            seen.add(sent.mistake)
    assert seen == set(expected)
