"""Plans confirmed, change requests, and results judged against the confirmed plan (issue 16), through the night
and the CLI, on a real home (real SQLite ledger, real workbooks)."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_batch import NOW, OLD, TODAY, agency_doc, goals, ledger_rows, make_home, run, workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.night.ledger import LEDGER_NAME, Ledger
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    return make_home(tmp_path / "home")


def plan_rows(target: float = 3500, baseline: float | None = None) -> list[dict[str, Any]]:
    """The two goals of `test_batch.goals` as a plan: no actuals, no evidence."""
    rows = copy.deepcopy(goals())
    for row in rows:
        row.pop("actual", None)
        row.pop("evidence", None)
    rows[0]["target"] = target
    if baseline is not None:
        rows[0]["baseline"] = baseline
    return rows


def results_rows(target: float = 3500) -> list[dict[str, Any]]:
    rows = goals()
    rows[0]["target"] = target
    return rows


def cli(home: Path, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--home", str(home)])


def receipts(home: Path) -> list[str]:
    import email
    import email.policy

    from test_batch import eml_files

    out = []
    for p in eml_files(home):
        m = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        if "제출 접수 확인" in str(m["Subject"]):
            out.append(m.get_body(("plain",)).get_content())
    return out


def findings_of(row: sqlite3.Row) -> list[str]:
    import json

    return [f["code"] for f in json.loads(row["findings"])]


def test_a_plan_is_accepted_stored_and_not_scored(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "plan.xlsx", rows=plan_rows(), info={"kind": "plan"})
    code, summary = run(home, capsys)
    assert code == 0
    (row,) = ledger_rows(home)
    assert (row["outcome"], row["submission_kind"]) == ("accepted", "plan"), findings_of(row)
    assert "goal.actual_required" not in findings_of(row) and "goal.evidence_blank" not in findings_of(row)
    ledger = Ledger.snapshot(home / "state")
    assert ledger.current() == {} and set(ledger.current("plan")) == {"GMRT"}  # results: none, so nothing scored
    (receipt,) = receipts(home)
    assert "계획 제출로 접수했습니다" in receipt and "총점" not in receipt and "변경요청" not in receipt


def test_plan_checks(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A target below the baseline (higher is better) is a warning naming both cells; a ratio target of 0 is an
    error even without an actual; weights must still add up to 100."""
    workbook(home, "easy.xlsx", rows=plan_rows(target=3000, baseline=3200), info={"kind": "plan"})
    run(home, capsys)
    easy = ledger_rows(home)[-1]
    assert easy["outcome"] == "accepted" and "plan.target_not_challenging" in findings_of(easy)
    result = cli(home, "validate", str(home / "archive" / "GMRT" / Path(easy["dest"]).name), "--lang", "en")
    assert "K5" in result.output and "J5" in result.output and "Not challenging" in result.output
    workbook(home, "zero.xlsx", rows=plan_rows(target=0), info={"kind": "plan"}, mtime=OLD + 1)
    rows = plan_rows()
    rows[1]["weight"] = 30
    workbook(home, "weights.xlsx", rows=rows, info={"kind": "plan"}, mtime=OLD + 2)
    run(home, capsys)
    zero, weights = ledger_rows(home)[-2:]
    assert zero["outcome"] == "rejected" and "goal.target_positive" in findings_of(zero)
    assert weights["outcome"] == "rejected" and "goal.weights_sum" in findings_of(weights)


def test_confirm_show_change_request_and_results_against_the_plan(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # no plan anywhere yet: results are judged as submitted, as before the year's cycle
    assert cli(home, "plan", "confirm", "GMRT").exit_code == 65  # nothing to confirm
    workbook(home, "plan.xlsx", rows=plan_rows(), info={"kind": "plan"})
    run(home, capsys)
    done = cli(home, "plan", "confirm", "GMRT", "--note", "연초 보고회")
    assert done.exit_code == 0 and "제1차" in done.output, done.output
    assert cli(home, "plan", "confirm", "GMRT").output.count("이미 확정") == 1  # nothing new: no version 2
    assert cli(home, "plan", "confirm", "NOPE").exit_code == 64
    shown = cli(home, "plan", "show", "GMRT", "--lang", "en")
    assert shown.exit_code == 0 and "version 1" in shown.output and "연초 보고회" in shown.output
    assert "3500" in shown.output and "target ratio" in shown.output

    # a change request: stored, not applied; the diff is shown
    workbook(home, "plan v2.xlsx", rows=plan_rows(target=3000), info={"kind": "plan"}, mtime=OLD + 1)
    run(home, capsys)
    ledger = Ledger.snapshot(home / "state")
    assert set(ledger.plan_requests()) == {"GMRT"}
    assert ledger.confirmed_plans()["GMRT"].submission.goals[0].target == 3500  # not applied
    shown = cli(home, "plan", "show", "GMRT")
    assert "목표 1 목표치: 3500 → 3000" in shown.output
    (v2,) = [r for r in receipts(home) if "plan v2.xlsx" in r]
    assert "계획 변경요청입니다" in v2  # the agency hears that its change waits for the office

    # results with the confirmed target are accepted, judged against version 1; a lowered target is refused
    workbook(home, "results low.xlsx", rows=results_rows(target=3000), mtime=OLD + 2)
    workbook(home, "results.xlsx", rows=results_rows(), mtime=OLD + 3)
    run(home, capsys)
    low, good = ledger_rows(home)[-2:]
    assert low["outcome"] == "rejected" and findings_of(low) == ["plan.changed"]
    assert good["outcome"] == "accepted" and good["plan_version"] == 1, findings_of(good)
    assert agency_doc(home, "GMRT")["plan_version"] == 1  # results.json says which plan judged the results
    books = [load_workbook(p, read_only=True) for p in (home / "outbox" / TODAY).glob("*.xlsx")]
    sheet = next(b for b in books if "기관별" in b.sheetnames)["기관별"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    heading = next(r for r in rows if "확정계획 차수" in r)
    gmrt = next(r for r in rows if r[0] == "GMRT")
    assert gmrt[heading.index("확정계획 차수")] == 1
    message = cli(home, "validate", str(Path(low["dest"])), "--lang", "en").output
    assert "성과목표!K5" in message and "confirmed '3500', submitted '3000'" in message
    # validate without a ledger's plans would accept it; with the home's ledger it is judged against the plan

    # the change confirmed: version 2; the lowered results now match it
    assert "제2차" in cli(home, "plan", "confirm", "--all").output
    assert Ledger.snapshot(home / "state").plan_requests() == {}
    workbook(home, "results low again.xlsx", rows=results_rows(target=3000), mtime=OLD + 4)
    run(home, capsys)
    again = ledger_rows(home)[-1]
    assert again["outcome"] == "accepted" and again["plan_version"] == 2, findings_of(again)


def test_goals_added_or_removed_and_past_values_are_plan_changes(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook(home, "plan.xlsx", rows=plan_rows(), info={"kind": "plan"})
    run(home, capsys)
    cli(home, "plan", "confirm", "GMRT")
    extra = results_rows()
    extra[1]["weight"] = 20
    extra.append({**extra[1], "number": "3", "goal": "새 목표", "weight": 20})
    workbook(home, "added.xlsx", rows=extra, mtime=OLD + 1)
    workbook(home, "removed.xlsx", rows=[{**results_rows()[0], "weight": 100}], mtime=OLD + 2)
    run(home, capsys)
    added, removed = ledger_rows(home)[-2:]
    assert added["outcome"] == removed["outcome"] == "rejected"
    assert "plan.changed" in findings_of(added) and "plan.changed" in findings_of(removed)


def test_no_confirmed_plan_is_a_warning_or_an_error_when_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    workbook(home, "plan.xlsx", rows=plan_rows(), info={"kind": "plan"})
    run(home, capsys)
    cli(home, "plan", "confirm", "GMRT")  # the cycle is in use: another agency's results get plan.none
    workbook(home, "ggca.xlsx", agency="GGCA", mtime=OLD + 1)
    run(home, capsys)
    row = ledger_rows(home)[-1]
    assert row["outcome"] == "accepted" and "plan.none" in findings_of(row) and row["plan_version"] is None

    strict = make_home(tmp_path / "strict", extra="")
    text = (strict / "pipeline.toml").read_text(encoding="utf-8")
    (strict / "pipeline.toml").write_text(
        text.replace("require_confirmed_plan = false", "require_confirmed_plan = true")
    )
    workbook(strict, "ggca.xlsx", agency="GGCA")
    run(strict, capsys)
    row = ledger_rows(strict)[-1]
    assert row["outcome"] == "rejected" and findings_of(row) == ["plan.required"]


def test_the_ledger_migration_keeps_old_files_as_results(tmp_path: Path) -> None:
    from pipeline.night.ledger_schema import MIGRATIONS

    state = tmp_path / "state"
    state.mkdir()
    conn = sqlite3.connect(state / LEDGER_NAME)
    for i, step in enumerate(MIGRATIONS[:-1]):
        conn.executescript(f"BEGIN; {step}; PRAGMA user_version = {i + 1}; COMMIT;")
    conn.execute(
        """INSERT INTO files (run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256, agency,
           outcome, dest, state) VALUES ('r', '2026-12-01T02:00:00+09:00', 'a.xlsx', x'', 'file', 1, 1, 'ab',
           'GMRT', 'accepted', '/x/a.xlsx', 'done')"""
    )
    conn.commit()
    conn.close()
    ledger = Ledger.open(state)
    assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    (row,) = ledger.files()
    assert (row.submission_kind, row.late, row.plan_version) == ("results", False, None)
    assert set(ledger.current()) == {"GMRT"} and ledger.current("plan") == {} and ledger.confirmed_plans() == {}


def test_templates_of_each_kind_carry_the_confirmed_plan(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.core.layout import GOAL_LETTERS, PHASE_FIELDS, PLAN_FIELDS

    workbook(home, "plan.xlsx", rows=plan_rows(), info={"kind": "plan"})
    run(home, capsys)
    cli(home, "plan", "confirm", "GMRT")
    out = home / "t"
    out.mkdir()
    for kind in ("plan", "midyear", "results"):
        made = cli(home, "template", "--kind", kind, "--agency", "GMRT", "--out", f"{out}/")
        assert made.exit_code == 0, made.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "GMRT_성과창출계획_표준서식.xlsx",
        "GMRT_성과창출계획_표준서식_계획.xlsx",
        "GMRT_성과창출계획_표준서식_중간점검.xlsx",
    ]
    for name, kind in (("_계획", "계획"), ("_중간점검", "중간점검"), ("", "실적")):
        wb = load_workbook(out / f"GMRT_성과창출계획_표준서식{name}.xlsx")
        agency = wb["기관정보"]
        assert any(agency.cell(r, 2).value == kind for r in range(5, 15)), kind
        goals_ws = wb["성과목표"]
        assert goals_ws.protection.sheet and not goals_ws.protection.password  # a guide, not a wall
        phase = {"_계획": "plan", "_중간점검": "midyear", "": "results"}[name]
        for key, letter in GOAL_LETTERS.items():
            locked = goals_ws[f"{letter}5"].protection.locked
            if phase == "plan":
                assert not locked, key  # the plan template: as before, everything open
            else:
                assert locked == (key not in PHASE_FIELDS[phase]), (phase, key)
        if phase != "plan":
            assert goals_ws[f"{GOAL_LETTERS['target']}5"].value == 3500
            assert all(goals_ws[f"{GOAL_LETTERS[k]}5"].value is not None for k in ("number", "goal", "weight"))
            assert set(PLAN_FIELDS) <= set(GOAL_LETTERS)

    # the results template filled in where it is open comes back accepted, judged against the plan
    wb = load_workbook(out / "GMRT_성과창출계획_표준서식.xlsx")
    ws = wb["성과목표"]
    ws[f"{GOAL_LETTERS['actual']}5"] = 3902
    ws[f"{GOAL_LETTERS['evidence']}5"] = "보고서"
    ws[f"{GOAL_LETTERS['actual']}6"] = "달성"
    ws[f"{GOAL_LETTERS['evidence']}6"] = "인증서"
    path = home / "inbox" / "filled.xlsx"
    wb.save(path)
    import os

    os.utime(path, (OLD + 5, OLD + 5))
    run(home, capsys)
    row = ledger_rows(home)[-1]
    assert (row["outcome"], row["submission_kind"], row["plan_version"]) == ("accepted", "results", 1), findings_of(row)


def test_the_template_kind_defaults_to_the_phase_open_today(home: Path) -> None:
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    made = cli(home, "template", "--out", str(home / "a.xlsx"))
    assert made.exit_code == 0 and _kind_of(load_workbook(home / "a.xlsx")) == "실적"  # 12-01, results due 12-31
    (home / "pipeline.toml").write_text(
        text.replace("[calendar]\n", "[calendar]\nplan_deadline = 2026-03-31\nmidyear_deadline = 2026-12-10\n"),
        encoding="utf-8",
    )
    cli(home, "template", "--out", str(home / "b.xlsx"))
    assert _kind_of(load_workbook(home / "b.xlsx")) == "중간점검"
    assert cli(home, "template", "--kind", "yearly", "--out", str(home / "c.xlsx")).exit_code == 2


def _kind_of(wb: Any) -> str:
    ws = wb["기관정보"]
    return next(ws.cell(r, 2).value for r in range(5, 15) if ws.cell(r, 1).value == "제출구분")


def test_status_by_phase_table_and_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    workbook(home, "plan.xlsx", rows=plan_rows(), info={"kind": "plan"})
    workbook(home, "ggca plan.xlsx", agency="GGCA", rows=plan_rows(), info={"kind": "plan"}, mtime=OLD + 1)
    run(home, capsys)
    cli(home, "plan", "confirm", "GMRT")
    workbook(home, "plan v2.xlsx", rows=plan_rows(target=3000), info={"kind": "plan"}, mtime=OLD + 2)
    on_track = [{**r, "progress": "정상"} for r in plan_rows()]  # a mid-year check says how every goal is going
    workbook(home, "mid.xlsx", rows=on_track, info={"kind": "midyear"}, mtime=OLD + 3)
    workbook(home, "results.xlsx", rows=results_rows(), mtime=OLD + 4)
    run(home, capsys)
    doc = json.loads(cli(home, "status", "--json", "--lang", "en").stdout)
    gmrt, ggca = (next(a for a in doc["agencies"] if a["code"] == c) for c in ("GMRT", "GGCA"))
    assert (gmrt["plan"]["status"], gmrt["plan"]["label"], gmrt["plan"]["version"]) == (
        "change_requested",
        "change requested",
        1,
    )
    (change,) = gmrt["plan"]["changes"]
    assert (change["field"], change["old"], change["new"]) == ("target", "3500", "3000")
    assert gmrt["midyear"]["status"] == "submitted" and gmrt["results"]["status"] == "accepted"
    assert gmrt["results"]["plan_version"] == 1 and gmrt["results"]["late"] is False
    assert (ggca["plan"]["status"], ggca["midyear"]["status"], ggca["results"]["status"]) == (
        "submitted",
        "missing",
        "missing",
    )
    table = cli(home, "status").stdout
    assert "변경요청 (제1차)" in table and "목표 1 목표치: 3500 → 3000" in table and "중간점검" in table
    import email
    import email.policy

    from test_batch import eml_files

    bodies = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
        for p in eml_files(home)
    ]
    office = [b for b in bodies if "계획 변경요청 (1개 기관)" in b]  # the office's report mail lists the request
    assert office and "목표 1 목표치: 3500 → 3000" in office[-1]


@pytest.mark.parametrize("policy", ["flag", "reject", "accept"])
def test_a_file_after_its_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: str, capsys) -> None:
    import json

    monkeypatch.setenv(ENV_NOW, NOW)  # 2026-12-01
    home = make_home(tmp_path / "home", deadline="2026-11-30")
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    (home / "pipeline.toml").write_text(text.replace('late = "flag"', f'late = "{policy}"'), encoding="utf-8")
    workbook(home, "late.xlsx")
    run(home, capsys)
    row = ledger_rows(home)[-1]
    doc = json.loads(cli(home, "status", "--json").stdout)
    gmrt = next(a for a in doc["agencies"] if a["code"] == "GMRT")
    if policy == "flag":
        assert row["outcome"] == "accepted" and row["late"] == 1 and "submission.late" in findings_of(row)
        assert gmrt["results"]["late"] is True and "기한 후" in cli(home, "status").stdout
        assert agency_doc(home, "GMRT")["submission"]["late"] is True
    elif policy == "reject":
        assert row["outcome"] == "rejected" and findings_of(row)[0] == "submission.late_rejected"
    else:
        assert row["outcome"] == "accepted" and row["late"] == 0 and "submission.late" not in findings_of(row)


def test_the_old_deadline_key_still_works_with_a_note(tmp_path: Path) -> None:
    home = make_home(tmp_path / "home")
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    text = text.replace("results_deadline = 2026-12-31", "").replace(
        "[evaluation]\n", "[evaluation]\ndeadline = 2026-12-20\n"
    )
    (home / "pipeline.toml").write_text(text, encoding="utf-8")
    assert load_config(home).calendar.results_deadline.isoformat() == "2026-12-20"
    done = cli(home, "status", "--lang", "en")
    assert done.exit_code == 0 and "[evaluation] deadline is now [calendar] results_deadline" in done.stderr


def test_reminders_follow_the_open_phase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """3 days before the plan deadline the reminder is about the plan, with the plan template attached, and only to
    the agencies without an accepted plan (results accepted do not count)."""
    import email
    import email.policy

    from test_batch import eml_files

    monkeypatch.setenv(ENV_NOW, NOW)  # 2026-12-01
    home = make_home(tmp_path / "home")
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    (home / "pipeline.toml").write_text(text.replace("[calendar]\n", "[calendar]\nplan_deadline = 2026-12-04\n"))
    workbook(home, "results.xlsx", agency="GGCA")  # results: not what is due now
    run(home, capsys)
    reminders = []
    for p in eml_files(home):
        m = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        if "마감" in str(m["Subject"]):
            reminders.append(m)
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in reminders) == sorted(
        a.email for a in load_config(home).agencies
    )
    m = reminders[0]
    assert "성과 계획 제출 마감 3일 전" in str(m["Subject"])
    assert "2026-12-04" in m.get_body(("plain",)).get_content()
    [part] = m.iter_attachments()
    assert part.get_filename().endswith("_계획.xlsx")
