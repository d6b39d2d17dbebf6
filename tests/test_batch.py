"""The nightly run end to end: real workbooks in an inbox, `run_command`, then what is on disk and in the ledger."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.commands.report import report_command
from pipeline.commands.run import run_command
from pipeline.night.ledger import LEDGER_NAME
from pipeline.settings.home import init_home
from pipeline.settings.load import load_config
from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.settings.schema import Config
from pipeline.system import lock as runlock
from pipeline.system.clock import ENV_NOW

NOW = "2026-12-01T02:00:00+09:00"
TODAY = "2026-12-01"
OLD = datetime.fromisoformat(NOW).timestamp() - 3600  # dropped an hour before the run


# --- helpers shared with test_crash -----------------------------------------------------------------------------
def make_home(directory: Path, min_age: int = 60, extra: str = "", deadline: str = "2026-12-31") -> Path:
    """A working home with the two example agencies (GMRT, GGCA), evaluation year 2026."""
    text = render_config(EXAMPLE_AGENCIES, year=2026, deadline=deadline, min_file_age_seconds=min_age)
    init_home(directory, text=text + extra)
    return directory


def goals(actual: float = 3902, weights: tuple[int, int] = (60, 40)) -> list[dict[str, Any]]:
    return [
        {"number": "1", "strategy": "금융 지원", "goal": "신용보증 공급 확대", "indicator": "보증 공급액",
         "method": "ratio", "direction": "higher", "unit": "억원", "major": "Y", "weight": weights[0],
         "target": 3500, "actual": actual, "evidence": "보증공급 실적 보고서"},
        {"number": "2", "strategy": "경영 혁신", "goal": "국제 인증 획득", "indicator": "ISO 10002 인증",
         "method": "milestone", "weight": weights[1], "actual": "달성", "evidence": "인증서 사본"},
    ]  # fmt: skip


def workbook(
    home: Path,
    name: str,
    agency: str = "GMRT",
    rows: Iterable[Mapping[str, Any]] | None = None,
    year: int = 2026,
    mtime: float = OLD,
    info: Mapping[str, Any] | None = None,
) -> Path:
    """A filled standard template dropped in the inbox, `mtime` seconds since the epoch."""
    from pipeline.system.atomic import save_workbook
    from pipeline.template.workbook import build_template

    config = load_config(home)
    registered = config.agency(agency)
    wb = build_template(
        lang="ko", year=year, agency=registered, goals=list(goals() if rows is None else rows), info=info
    )
    if registered is None:
        wb = build_template(
            lang="ko",
            year=year,
            goals=list(goals() if rows is None else rows),
            info={"agency_code": agency, "agency_name": "없는 기관", "group": "공사·공단", **(info or {})},
        )
    path = save_workbook(wb, home / "inbox" / name)
    os.utime(path, (mtime, mtime))
    return path


def drop(home: Path, name: str, data: bytes, mtime: float = OLD) -> Path:
    path = home / "inbox" / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def tree(home: Path) -> dict[str, tuple[int, int]]:
    """Every path under the home (links not followed) with size and mtime: to prove a dry run changed nothing."""
    out = {}
    for folder, dirs, names in os.walk(home):
        for n in dirs + names:
            p = Path(folder) / n
            st = os.lstat(p)
            out[str(p.relative_to(home))] = (st.st_size if not p.is_dir() else 0, st.st_mtime_ns)
    return out


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def ledger_rows(home: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM files ORDER BY id").fetchall()
    finally:
        conn.close()


def results(home: Path) -> dict[str, Any]:
    doc = json.loads((home / "outbox" / TODAY / "results.json").read_text(encoding="utf-8"))
    doc.pop("generated_at")
    return doc


def agency_doc(home: Path, code: str) -> dict[str, Any]:
    return agency_doc_of(results(home), code)


def agency_doc_of(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(a for a in doc["agencies"] if a["code"] == code)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    monkeypatch.delenv("PIPELINE_CRASH_AFTER", raising=False)
    return make_home(tmp_path / "home")


def run(home: Path, capsys: pytest.CaptureFixture[str] | None = None, **kw: Any) -> tuple[int, dict[str, Any]]:
    config: Config = load_config(home)
    code = run_command(config, lang=kw.pop("lang", "ko"), as_json=True, **kw)
    summary = {}
    if capsys is not None:
        out = capsys.readouterr().out
        summary = json.loads(out) if out.strip() else {}
    return code, summary


# --- the happy path --------------------------------------------------------------------------------------------------
def test_a_valid_file_is_archived_scored_and_reported(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "광주도시철도공사 성과계획.xlsx")
    code, summary = run(home, capsys)
    assert code == 0
    assert files_under(home / "inbox") == []
    (archived,) = files_under(home / "archive")
    row = ledger_rows(home)[0]
    assert archived == f"GMRT/20261201T020000_{row['sha256'][:8]}_광주도시철도공사 성과계획.xlsx"
    assert (row["outcome"], row["agency"], row["state"]) == ("accepted", "GMRT", "done")
    gmrt = agency_doc(home, "GMRT")
    assert gmrt["status"] == "accepted" and gmrt["submission"]["sha256"] == row["sha256"]
    assert agency_doc(home, "GGCA")["status"] == "missing"
    assert summary["counts"]["accepted"] == 1
    assert summary["files"][0]["outcome"] == "accepted"
    assert Path(summary["outputs"]["workbook"]).is_file()
    log = Path(summary["log"])
    assert log.parent == home / "state" / "logs"
    events = [json.loads(line)["event"] for line in log.read_text(encoding="utf-8").splitlines()]
    assert events[0] == "start" and events[-1] == "end" and "moved" in events


def test_an_invalid_file_is_rejected_with_its_feedback_beside_it(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook(home, "틀린 파일.xlsx", rows=goals(weights=(60, 30)))
    code, summary = run(home, capsys)
    assert code == 0  # a rejection is normal business
    rejected = files_under(home / "rejected")
    assert len(rejected) == 2
    assert rejected[0].startswith(f"{TODAY}/20261201T020000_") and rejected[0].endswith("_틀린 파일.xlsx")
    assert rejected[1].endswith("_틀린 파일_feedback.xlsx")
    row = ledger_rows(home)[0]
    assert row["outcome"] == "rejected" and row["errors"] >= 1
    assert "goal.weights_sum" in row["findings"]
    assert (home / "outbox" / TODAY / Path(rejected[1]).name).is_file()  # the day's feedback in the outbox too
    assert agency_doc(home, "GMRT")["status"] == "rejected"
    assert summary["files"][0]["reason"]


def test_identical_bytes_again_are_a_duplicate_and_counted_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = workbook(home, "원본.xlsx")
    data = first.read_bytes()
    run(home, capsys)
    before = results(home)
    drop(home, "원본 - 복사본.xlsx", data)
    code, summary = run(home, capsys)
    assert code == 0 and summary["files"][0]["outcome"] == "duplicate"
    assert len(files_under(home / "archive" / "GMRT")) == 2
    rows = ledger_rows(home)
    assert [r["outcome"] for r in rows] == ["accepted", "duplicate"]
    assert rows[1]["duplicate_of"] == rows[0]["id"] and rows[0]["superseded_by"] is None
    assert results(home) == before


def test_a_later_accepted_submission_supersedes_the_earlier(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "v1.xlsx", rows=goals(actual=3000))
    run(home, capsys)
    workbook(home, "v2.xlsx", rows=goals(actual=3500))
    run(home, capsys)
    v1, v2 = ledger_rows(home)
    assert v1["superseded_by"] == v2["sha256"] and v2["superseded_by"] is None
    assert agency_doc(home, "GMRT")["submission"]["file"] == "v2.xlsx"
    assert len(files_under(home / "archive" / "GMRT")) == 2  # the earlier stays archived


def test_a_rejected_resubmission_leaves_the_earlier_one_current(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "good.xlsx")
    run(home, capsys)
    workbook(home, "bad.xlsx", rows=goals(weights=(10, 10)))
    run(home, capsys)
    good, bad = ledger_rows(home)
    assert (good["outcome"], bad["outcome"]) == ("accepted", "rejected")
    assert good["superseded_by"] is None
    assert agency_doc(home, "GMRT")["submission"]["file"] == "good.xlsx"


def test_two_files_for_one_agency_in_one_run_the_later_received_wins(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook(home, "z-older.xlsx", rows=goals(actual=3000), mtime=OLD - 600)
    workbook(home, "a-newer.xlsx", rows=goals(actual=3600), mtime=OLD)
    code, summary = run(home, capsys)
    assert [f["file"] for f in summary["files"]] == ["z-older.xlsx", "a-newer.xlsx"]
    older, newer = ledger_rows(home)
    assert older["superseded_by"] == newer["sha256"]
    assert agency_doc(home, "GMRT")["submission"]["file"] == "a-newer.xlsx"


def test_unknown_agency_and_other_year_are_rejected_with_that_reason(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook(home, "nobody.xlsx", agency="XXXX")
    workbook(home, "last-year.xlsx", agency="GGCA", year=2025)
    run(home, capsys)
    rows = {r["original_name"]: r for r in ledger_rows(home)}
    assert rows["nobody.xlsx"]["outcome"] == "rejected" and "agency.unknown" in rows["nobody.xlsx"]["findings"]
    assert rows["last-year.xlsx"]["outcome"] == "rejected"
    assert "agency.wrong_year" in rows["last-year.xlsx"]["findings"]
    assert files_under(home / "archive") == []


# --- picking files -------------------------------------------------------------------------------------------------
def test_the_inbox_keeps_only_what_is_deliberately_left(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(home)
    young_mtime = datetime.fromisoformat(NOW).timestamp() - 5
    workbook(home, "still copying.xlsx", mtime=young_mtime)
    drop(home, "~$보고서.xlsx", b"lock")
    drop(home, ".hidden.xlsx", b"hidden")
    drop(home, "tmpA1b2C3", b"temp")
    drop(home, "보고서.hwp", b"HWP Document File")
    drop(home, "scan.pdf", b"%PDF-1.4")
    drop(home, "big.xlsx", b"x" * (config.batch.max_file_size_bytes + 1))
    secret = home / "secret.xlsx"
    secret.write_bytes(b"outside the inbox")
    (home / "inbox" / "shortcut.xlsx").symlink_to(secret)
    os.utime(home / "inbox" / "shortcut.xlsx", (OLD, OLD), follow_symlinks=False)
    odd = 'it\'s "최종" (2) .xlsx'
    workbook(home, odd)
    code, summary = run(home, capsys)
    assert code == 0
    assert sorted(os.listdir(home / "inbox")) == sorted(
        ["still copying.xlsx", "~$보고서.xlsx", ".hidden.xlsx", "tmpA1b2C3"]
    )
    outcomes = {f["file"]: f["outcome"] for f in summary["files"]}
    assert outcomes == {
        "still copying.xlsx": "left",
        "~$보고서.xlsx": "ignored",
        ".hidden.xlsx": "ignored",
        "tmpA1b2C3": "ignored",
        "보고서.hwp": "rejected",
        "scan.pdf": "rejected",
        "big.xlsx": "rejected",
        "shortcut.xlsx": "rejected",
        odd: "accepted",
    }
    rows = {r["original_name"]: r for r in ledger_rows(home)}
    assert set(rows) == {"보고서.hwp", "scan.pdf", "big.xlsx", "shortcut.xlsx", odd}  # one row per received file
    assert "file.not_xlsx" in rows["scan.pdf"]["findings"]
    assert "file.too_large" in rows["big.xlsx"]["findings"]
    link = Path(rows["shortcut.xlsx"]["dest"])
    assert link.is_symlink() and link.parent.parent == home / "rejected"  # the link itself was moved
    assert secret.read_bytes() == b"outside the inbox"  # the target was never touched
    assert rows["shortcut.xlsx"]["sha256"] == ""
    assert Path(rows[odd]["dest"]).name.endswith(odd)


def test_ignored_files_are_logged_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop(home, "~$보고서.xlsx", b"lock")
    _, first = run(home, capsys)
    _, second = run(home, capsys)
    ignored = [
        [json.loads(x) for x in Path(s["log"]).read_text(encoding="utf-8").splitlines()] for s in (first, second)
    ]
    assert [e["event"] for e in ignored[0]].count("ignored") == 1
    assert [e["event"] for e in ignored[1]].count("ignored") == 0


# --- operating it ---------------------------------------------------------------------------------------------------
def test_dry_run_writes_moves_and_sends_nothing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "ok.xlsx")
    workbook(home, "bad.xlsx", agency="GGCA", rows=goals(weights=(1, 1)))
    drop(home, "x.pdf", b"%PDF")
    before = tree(home)
    code, summary = run(home, capsys, dry_run=True)
    assert code == 0
    assert tree(home) == before
    assert not (home / "state" / LEDGER_NAME).exists()
    assert {f["file"]: f["outcome"] for f in summary["files"]} == {
        "ok.xlsx": "accepted",
        "bad.xlsx": "rejected",
        "x.pdf": "rejected",
    }
    assert summary["dry_run"] is True and summary["outputs"]["dir"].endswith(TODAY)
    run(home, capsys)  # a real run afterwards still sees everything
    before = tree(home)
    workbook(home, "again.xlsx", agency="GGCA")
    before = tree(home)
    run(home, capsys, dry_run=True)
    assert tree(home) == before


def test_a_second_run_exits_75_naming_the_running_process(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(home)
    with runlock.acquire(config.paths.state, datetime.fromisoformat(NOW)):
        assert run_command(config, lang="ko") == 75
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert f"pid {os.getpid()}" in err and "2026-12-01T02:00:00+09:00" in err
        assert run_command(config, lang="ko", dry_run=True) == 75
        assert report_command(config, lang="ko") == 75  # a rebuild waits for the run as well
        assert "pid" in capsys.readouterr().err
    assert run_command(config, lang="ko") == 0


def test_a_state_folder_that_cannot_hold_the_lock_exits_78(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(home)
    (home / "state" / runlock.LOCK_NAME).mkdir(parents=True)  # the lock's name taken by a folder: open() fails
    assert run_command(config, lang="ko") == 78
    assert report_command(config, lang="ko") == 78
    err = capsys.readouterr().err
    assert err.count("실행 잠금을 만들 수 없습니다") == 2
    assert report_command(config, lang="en") == 78
    assert "cannot take the run lock" in capsys.readouterr().err


def test_a_stale_lock_from_a_dead_process_does_not_block(home: Path) -> None:
    lock = home / "state" / runlock.LOCK_NAME
    lock.write_text('{"pid": 999999, "host": "gone", "started_at": "2026-11-30T02:00:00+09:00"}\n')
    assert run_command(load_config(home), lang="ko") == 0
    assert lock.read_text() == ""  # released: nobody is running


def test_english_summary_and_report_rebuild(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "ok.xlsx")
    drop(home, "x.csv", b"a,b")
    code = run_command(load_config(home), lang="en")
    err = capsys.readouterr().err
    assert code == 0 and "accepted 1, rejected 1" in err and "Not an Excel workbook (.xlsx) (.csv)" in err
    before = results(home)
    (home / "outbox" / TODAY / "results.json").unlink()
    assert report_command(load_config(home), lang="en") == 0  # rebuilt from the ledger, the inbox untouched
    assert results(home) == before


def test_a_rebuild_scores_from_the_ledger_text_then_from_the_archived_file(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tonight's scores are made by the worker that read the file; a later `report` has only the ledger: it scores
    the text kept there, and for a row without one re-reads the archived file — the same numbers either way."""
    workbook(home, "ok.xlsx")
    workbook(home, "ggca.xlsx", agency="GGCA", rows=goals(actual=3100))
    assert run(home, capsys)[0] == 0
    before = results(home)
    assert {a["code"]: a["status"] for a in before["agencies"]} == {"GMRT": "accepted", "GGCA": "accepted"}
    assert report_command(load_config(home), lang="ko") == 0
    assert results(home) == before
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    with conn:
        conn.execute("DELETE FROM submissions WHERE file_id IN (SELECT id FROM files WHERE agency = 'GGCA')")
    conn.close()
    assert report_command(load_config(home), lang="ko") == 0
    assert results(home) == before
    (archived,) = (home / "archive" / "GGCA").iterdir()
    archived.write_bytes(b"not a workbook any more")
    capsys.readouterr()
    assert report_command(load_config(home), lang="ko") == 0
    assert "보관한 제출 파일이 이제는 검사를 통과하지 못해" in capsys.readouterr().err
    assert agency_doc(home, "GGCA")["status"] == "missing" and agency_doc(home, "GMRT") == agency_doc_of(before, "GMRT")


def test_a_config_error_exits_78(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    (home / "pipeline.toml").write_text("[evaluation]\nyear = 'x'\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--home", str(home)])
    assert result.exit_code == 78


def test_status_shows_agencies_missing_ones_and_runs(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.commands.status import status_command

    workbook(home, "ok.xlsx")
    workbook(home, "bad.xlsx", agency="GGCA", rows=goals(weights=(1, 1)))
    run(home, capsys)
    assert status_command(load_config(home), lang="ko") == 0
    out = capsys.readouterr().out
    assert "광주도시철도공사" in out and "ok.xlsx" in out and "제출" in out
    assert "반려 후 재제출 대기 (1): 광주그린카진흥원" in out
    assert "최근 실행" in out and "완료" in out
    assert status_command(load_config(home), lang="en") == 0
    out = capsys.readouterr().out
    assert "Rejected, waiting for a new file (1)" in out and "Last runs" in out


# --- mail ------------------------------------------------------------------------------------------------------------
def eml_files(home: Path) -> list[Path]:
    return sorted((home / "outbox" / TODAY / "mail").glob("*.eml"))


def test_feedback_and_report_go_out_once_per_state(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import email
    import email.policy

    workbook(home, "ok.xlsx")
    workbook(home, "bad.xlsx", agency="GGCA", rows=goals(weights=(1, 1)))
    code, summary = run(home, capsys)
    assert code == 0 and summary["mail"]["sent"] == 3
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in eml_files(home)]
    to = sorted(str(m["To"]) for m in messages)
    assert any("eval@greencar.example.kr" in t for t in to)  # feedback to the registered address
    assert any("eval@grtc.example.kr" in t for t in to)  # a receipt to the registered address (on by default)
    assert any("evaluation@example.go.kr" in t for t in to)  # the report to the office
    code, summary = run(home, capsys)  # nothing new: no second report
    assert summary["mail"]["sent"] == 0 and len(eml_files(home)) == 3


def test_a_report_over_the_attachment_limit_gives_the_workbooks_path_instead(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mail servers refuse big messages (Postfix: 10 MB by default): the office gets the path, not a bounce."""
    import email
    import email.policy

    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    assert "max_attachment_mb = 7" in text  # the default the home is made with
    (home / "pipeline.toml").write_text(text.replace("max_attachment_mb = 7", "max_attachment_mb = 0.001"), "utf-8")
    workbook(home, "ok.xlsx")
    code, summary = run(home, capsys)
    assert code == 0 and summary["mail"]["sent"] == 2  # the report and the agency's receipt
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in eml_files(home)]
    [report] = [m for m in messages if "evaluation@example.go.kr" in str(m["To"])]
    assert list(report.iter_attachments()) == []
    body = report.get_body(("plain",)).get_content()
    assert "메일 첨부 한도(0.001 MB)보다 커서 첨부하지 않았습니다" in body
    assert summary["outputs"]["workbook"] in body and Path(summary["outputs"]["workbook"]).is_file()


def test_mail_server_down_exits_75_with_outputs_written(tmp_path: Path, monkeypatch, capsys) -> None:
    import socket

    monkeypatch.setenv(ENV_NOW, NOW)
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = make_home(tmp_path / "home")
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    text = text.replace('transport = "file"', 'transport = "smtp"').replace("retries = 3", "retries = 0")
    text = text.replace('port = 587\nsecurity = "starttls"', f'port = {port}\nsecurity = "none"')
    (home / "pipeline.toml").write_text(text, encoding="utf-8")
    workbook(home, "ok.xlsx")
    code, summary = run(home, capsys)
    assert code == 75
    assert (home / "outbox" / TODAY / "results.json").is_file()
    assert summary["mail"]["temporary"] >= 1


def test_an_unexpected_failure_exits_1_and_loses_nothing(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.night.outputs

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("scoring bug")

    workbook(home, "ok.xlsx")
    monkeypatch.setattr(pipeline.night.outputs, "rank_city", broken)
    code, summary = run(home, capsys)
    assert code == 1 and "scoring bug" in summary["problems"][0]
    assert ledger_rows(home)[0]["state"] == "done" and files_under(home / "inbox") == []
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    assert conn.execute("SELECT outcome FROM runs").fetchone()[0] == "failed"
    conn.close()
    monkeypatch.undo()
    monkeypatch.setenv(ENV_NOW, NOW)
    assert run(home, capsys)[0] == 0  # the next night completes the outputs
    assert agency_doc(home, "GMRT")["status"] == "accepted"


def test_status_before_any_run_writes_nothing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.commands.status import status_command

    before = tree(home)
    assert status_command(load_config(home), lang="ko") == 0
    out = capsys.readouterr().out
    assert "미제출 기관 (2): 광주도시철도공사, 광주그린카진흥원" in out and "아직 실행한 적이 없습니다." in out
    assert tree(home) == before
