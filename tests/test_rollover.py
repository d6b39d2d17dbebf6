"""`pipeline rollover YEAR` through the CLI: the closed year kept read only under `years/<year>/`, the year raised
in pipeline.toml with its comments kept, next year's templates prefilled, and next year's reports beside last
year's. A kill at every step followed by a rerun ends in the same home as one uninterrupted rollover."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_batch import NOW, OLD, goals, make_home, workbook

from pipeline.commands.rollover import ENV_CRASH_AFTER, raise_year
from pipeline.exit_codes import Exit
from pipeline.night.ledger import LEDGER_NAME
from pipeline.settings.home import ROLLOVER_MARKER
from pipeline.system.clock import ENV_NOW

ROOT = Path(__file__).resolve().parent.parent
STAMP = re.compile(r"\d{8}T\d{6}_[0-9a-f]{8}|[0-9a-f]{64}")
"""The time and hash in an archived file's or a mail's name: each home's workbooks are made anew, so their bytes
differ."""
STEPS = 10
"""One past the rollover's durable steps (`commands.rollover._Steps`): the marker, results.json, the ledger
copy, the templates, the three folders, the live ledger removed, the year raised."""


def cli(home: Path, *args: str, crash_after: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_CRASH_AFTER}
    env[ENV_NOW] = NOW
    if crash_after is not None:
        env[ENV_CRASH_AFTER] = str(crash_after)
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args, "--home", str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def a_year(home: Path) -> Path:
    """Evaluation year 2026: GMRT accepted (total 100), GGCA rejected."""
    make_home(home, min_age=60)
    workbook(home, "GMRT.xlsx", rows=goals(actual=3902), mtime=OLD)
    workbook(home, "GGCA.xlsx", agency="GGCA", rows=goals(weights=(50, 10)), mtime=OLD)
    assert cli(home, "run").returncode == 0
    return home


def snapshot(home: Path) -> dict[str, object]:
    """What a rollover leaves: every file's path (times and run ids aside) and the facts that matter."""
    files = sorted(STAMP.sub("…", str(p.relative_to(home))) for p in home.rglob("*") if p.is_file())
    closed = home / "years" / "2026"
    agencies = json.loads((closed / "results.json").read_text(encoding="utf-8"))["agencies"]
    return {
        "files": [f for f in files if not f.startswith("state/")],
        "kept ledger": (closed / "state" / LEDGER_NAME).is_file(),
        "results": [{k: v for k, v in a.items() if k != "submission"} for a in agencies],  # own bytes, own hash
        "toml": (home / "pipeline.toml").read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    home = a_year(tmp_path_factory.mktemp("year") / "home")
    before = (home / "pipeline.toml").read_text(encoding="utf-8")
    done = cli(home, "rollover", "2026")
    assert done.returncode == 0, done.stderr
    assert before.replace("2026", "2027") == (home / "pipeline.toml").read_text(encoding="utf-8")
    return home, snapshot(home)


def test_the_closed_year_is_kept_read_only_and_the_next_opened(closed) -> None:
    home, _ = closed
    year = home / "years" / "2026"
    assert (year / "state" / LEDGER_NAME).is_file() and not (home / "state" / LEDGER_NAME).exists()
    assert [p.name for p in (year / "archive").iterdir()] and not list((home / "archive").iterdir())
    assert list((year / "rejected").iterdir()) and not list((home / "outbox").iterdir())
    assert not (year / ROLLOVER_MARKER).exists()
    assert all(not os.access(p, os.W_OK) or os.geteuid() == 0 for p in year.rglob("*") if p.is_file())
    assert all(p.stat().st_mode & 0o222 == 0 for p in year.rglob("*") if p.is_file())
    agencies = {a["code"]: a for a in json.loads((year / "results.json").read_text())["agencies"]}
    assert agencies["GMRT"]["total"] == 100 and agencies["GGCA"]["status"] == "rejected"


def test_the_year_is_raised_with_the_comments_kept(closed) -> None:
    home, _ = closed
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    assert "\nyear = 2027\n" in text and "results_deadline = 2027-12-31" in text and "# the year-end results" in text


def test_next_years_templates_hold_this_years_goals_as_a_draft(closed) -> None:
    home, _ = closed
    (gmrt,) = (home / "templates" / "2027").glob("GMRT_*.xlsx")
    wb = openpyxl.load_workbook(gmrt)
    rows = [r for r in wb["성과목표"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[:4] for r in rows] == [
        ("1", "금융 지원", "신용보증 공급 확대", "보증 공급액"),
        ("2", "경영 혁신", "국제 인증 획득", "ISO 10002 인증"),
    ]
    assert rows[0][9] == 3902 and rows[0][10] is None  # this year's actual is next year's baseline; no target
    info = {r[0]: r[1] for r in wb["기관정보"].iter_rows(values_only=True) if r[0]}
    assert info["평가연도"] == 2027
    assert len(list((home / "templates" / "2027").glob("*.xlsx"))) == 2  # GGCA too, its agency fields only


def test_a_rerun_says_it_is_done_and_a_wrong_year_is_refused(closed) -> None:
    home, before = closed
    again = cli(home, "rollover", "2026")
    assert again.returncode == 0 and "2026" in again.stdout
    assert snapshot(home) == before
    wrong = cli(home, "rollover", "2030", "--lang", "en")
    assert wrong.returncode == Exit.BAD_ARGUMENT and "pipeline rollover 2027" in wrong.stderr


def test_next_year_shows_last_year_beside_it(closed) -> None:
    home, _ = closed
    assert cli(home, "report").returncode == 0
    (results,) = (home / "outbox").glob("*/results.json")
    agencies = {a["code"]: a for a in json.loads(results.read_text())["agencies"]}
    assert agencies["GMRT"]["status"] == "missing"
    assert agencies["GMRT"]["previous"] == {"year": 2026, "total": 100, "grade": "S", "rank": 1}
    assert agencies["GGCA"]["previous"] is None  # rejected last year: no result to compare with


@pytest.mark.parametrize("n", range(1, STEPS))
def test_a_kill_at_any_step_then_a_rerun_ends_the_same(closed, tmp_path: Path, n: int) -> None:
    _, expected = closed
    home = a_year(tmp_path / "home")
    killed = cli(home, "rollover", "2026", crash_after=n)
    assert killed.returncode == Exit.KILLED, killed.stderr
    if (home / "years" / "2026" / ROLLOVER_MARKER).exists():
        refused = cli(home, "run")
        assert refused.returncode == Exit.TEMPORARY and "rollover 2026" in refused.stderr
    done = cli(home, "rollover", "2026")
    assert done.returncode == 0, done.stderr
    assert snapshot(home) == expected


def test_the_first_kill_point_past_the_end_is_no_kill(tmp_path: Path) -> None:
    """STEPS is the number of steps: a hook set past it lets the rollover finish (so the test above covers all)."""
    home = a_year(tmp_path / "home")
    assert cli(home, "rollover", "2026", crash_after=STEPS).returncode == 0


def test_raise_year_touches_the_evaluation_table_only() -> None:
    text = '[evaluation]\nyear = 2026   # the year\ntitle = "2026년 평가"\ndeadline = 2026-02-29\n\n[x]\nyear = 2026\n'
    assert raise_year(text, 2026) == (
        '[evaluation]\nyear = 2027   # the year\ntitle = "2027년 평가"\ndeadline = 2027-02-28\n\n[x]\nyear = 2026\n'
    )


def test_a_year_with_mail_still_to_send_is_not_closed(tmp_path: Path) -> None:
    home = make_home(tmp_path / "home", min_age=60)
    config = home / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('transport = "file"', 'transport = "smtp"').replace("port = 587", "port = 9")
    text = text.replace("retries = 3", "retries = 0")  # one attempt, no waiting between attempts
    config.write_text(text.replace('security = "starttls"', 'security = "none"'), encoding="utf-8")
    workbook(home, "GMRT.xlsx", rows=goals(actual=3902), mtime=OLD)
    assert cli(home, "run").returncode == Exit.TEMPORARY  # nobody listens on port 9: the receipt waits
    refused = cli(home, "rollover", "2026", "--lang", "en")
    assert refused.returncode == Exit.TEMPORARY and "still waiting to be sent" in refused.stderr
    assert not (home / "years").exists() and (home / "state" / LEDGER_NAME).is_file()


def test_report_agency_makes_one_page_through_the_cli(tmp_path: Path) -> None:
    home = a_year(tmp_path / "home")
    made = cli(home, "report", "--agency", "GMRT")
    assert made.returncode == 0, made.stderr
    page = Path(made.stdout.strip())
    assert page.parent.name == "기관별" and page.name == "GMRT_광주도시철도공사_결과.xlsx"
    values = [v for row in openpyxl.load_workbook(page).active.iter_rows(values_only=True) for v in row if v]
    assert 100 in values and "1 / 1" in values
    rejected = cli(home, "report", "--agency", "GGCA", "--lang", "en")
    assert rejected.returncode == Exit.BAD_ARGUMENT and "no scored result" in rejected.stderr
    unknown = cli(home, "report", "--agency", "NOPE", "--lang", "en")
    assert unknown.returncode == Exit.BAD_ARGUMENT and "unknown agency code 'NOPE'" in unknown.stderr
