"""`pipeline status` shows the committee and the freeze (the gap issue 17 left), through the CLI on a real home
with a real ledger: before any committee sheet; after a partial merge through the inbox (the committee file in
force, how many members graded in it, per agency the qualitative goals graded and still pending, who is
provisional) with a rejected committee workbook listed as a committee file; after `finalize` (확정 and its date);
after a merge with `--reopen` (재개 and when). The text and `--json` say the same facts."""

from __future__ import annotations

import email
import json
import sqlite3
from email import policy
from pathlib import Path
from typing import Any

import factory
import pytest
from mailserver import RecordingHandler, smtp_server
from openpyxl import load_workbook
from test_committee_cli import GJ02, GJ02_GOALS, agency, cli, drop, fill, home_with_committee, results
from test_unfinished_files import refuse_moving

from pipeline.commands import committee_status
from pipeline.night.ledger import Ledger
from pipeline.night.ledger_schema import MIGRATIONS

OFFICE = "office@gwangju.example.go.kr"
# GJ01 with two qualitative goals (5 and 6), so that one can be graded and the other still pending
TWO_QUALITATIVE = factory.goals(g5={"method": "qualitative", "actual": None, "indicator": "인증 추진 실적(정성)"})


def status(home: Path, lang: str = "ko") -> str:
    result = cli("status", "--home", str(home), "--lang", lang)
    assert result.exit_code == 0, result.output
    return result.output


def status_json(home: Path) -> dict[str, Any]:
    result = cli("status", "--home", str(home), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def qualitative(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(a for a in doc["agencies"] if a["code"] == code)["qualitative"]


def line_of(text: str, *parts: str) -> str:
    """The one line of the text that holds every part."""
    (line,) = [line for line in text.splitlines() if all(p in line for p in parts)]
    return line


def received_at(home: Path, name: str) -> list[str]:
    with sqlite3.connect(home / "state" / "ledger.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT received_at FROM files WHERE original_name = ? ORDER BY id", (name,))]


def pending_in_results(home: Path, code: str) -> int:
    """The qualitative goals the night's results.json scored as pending (no points yet)."""
    goals = agency(results(home), code)["goals"]
    return sum(1 for g in goals if g["method"] == "qualitative" and g["points"] is None)


def test_status_follows_the_committee_and_the_freeze(tmp_path: Path) -> None:
    home = home_with_committee(tmp_path)
    drop(home, factory.write(tmp_path / "gj01.xlsx", goal_rows=TWO_QUALITATIVE), "gj01.xlsx")
    drop(home, factory.write(tmp_path / "gj02.xlsx", info={**factory.INFO, **GJ02}, goal_rows=GJ02_GOALS), "gj02.xlsx")
    assert cli("run", "--home", str(home)).exit_code == 0

    # 1. before any committee sheet: open, no committee file, every qualitative goal pending
    doc = status_json(home)
    assert set(doc) == {"title", "final", "committee", "agencies"}
    assert doc["final"] == {"state": "open", "date": None, "at": None, "label": "미확정"}
    assert doc["committee"] == {"sheet": None, "quorum": 3, "provisional": ["GJ01", "GJ02"], "files": []}
    assert qualitative(doc, "GJ01") == {"goals": 2, "graded": 0, "pending": 2, "provisional": True}
    assert qualitative(doc, "GJ02") == {"goals": 1, "graded": 0, "pending": 1, "provisional": True}
    text = status(home)
    assert "평가 결과: 미확정" in text and "정성평가 평정표: 반영된 파일 없음 (정족수 3명)" in text
    assert "평정 0 · 대기 2" in line_of(text, "GJ01", "gj01.xlsx")

    # 2. a partial merge through the inbox: GJ01's goal 6 by five members, its goal 5 by two (below the quorum of
    # three), GJ02's goal 6 by three; then a committee workbook with a grade not on the list, rejected
    sheet = tmp_path / "sheet.xlsx"
    assert cli("committee", "sheet", "--home", str(home), "--out", str(sheet)).exit_code == 0
    grades = {("GJ01", "6"): ["탁월", "우수", "우수", "양호", "보통"], ("GJ01", "5"): ["우수", "우수"]}
    drop(home, fill(sheet, tmp_path / "filled.xlsx", {**grades, ("GJ02", "6"): ["우수"] * 3}, []), "filled.xlsx")
    assert cli("run", "--home", str(home)).exit_code == 0
    drop(home, fill(sheet, tmp_path / "bad.xlsx", {("GJ02", "6"): ["최고"]}, []), "bad.xlsx")
    assert cli("run", "--home", str(home)).exit_code == 0

    doc = status_json(home)
    (filled_at,) = received_at(home, "filled.xlsx")
    assert doc["committee"]["sheet"] == {"file": "filled.xlsx", "received_at": filled_at, "members": 5}
    assert qualitative(doc, "GJ01") == {"goals": 2, "graded": 1, "pending": 1, "provisional": True}
    assert qualitative(doc, "GJ02") == {"goals": 1, "graded": 1, "pending": 0, "provisional": False}
    for code in ("GJ01", "GJ02"):  # what the night scored, not a count of its own
        assert qualitative(doc, code)["pending"] == pending_in_results(home, code)
        assert qualitative(doc, code)["provisional"] == agency(results(home), code)["provisional"]
    assert doc["committee"]["provisional"] == ["GJ01"]
    files = doc["committee"]["files"]  # newest first, each a committee file (no agency), not an agency's file
    assert [(f["file"], f["outcome"], f["label"], f["in_force"]) for f in files] == [
        ("bad.xlsx", "rejected", "반려", False),
        ("filled.xlsx", "accepted", "접수", True),
    ]
    assert "'최고'" in files[0]["reason"] and files[0]["errors"] == 1

    text = status(home)
    assert "정성평가 평정표: filled.xlsx (" in text and "위원 5명, 정족수 3명)" in text
    assert "정성평가 대기(잠정): GJ01 광주신용보증재단" in text
    assert "평정 1 · 대기 1" in line_of(text, "GJ01", "gj01.xlsx")
    assert "평정 1 · 대기 0" in line_of(text, "GJ02", "gj02.xlsx")
    assert "받은 정성평가 평정표 파일 (2)" in text
    assert "반려: " in line_of(text, "bad.xlsx") and "'최고'" in line_of(text, "bad.xlsx")
    assert "접수 · 반영 중" in line_of(text, "filled.xlsx", "반영 중")
    english = status(home, "en")
    assert "Results: not final" in english and "5 members, quorum 3)" in english
    assert "graded 1 · pending 1" in line_of(english, "GJ01", "gj01.xlsx")
    assert "Committee sheet in force: filled.xlsx (merged " in english
    assert "Committee sheets received (2)" in english
    assert "accepted · in force" in line_of(english, "filled.xlsx", "accepted")

    # 3. finalize (GJ01 still provisional: --force): 확정 with the date the results say
    assert cli("finalize", "--home", str(home), "--date", "2025-12-20", "--force").exit_code == 0
    doc = status_json(home)
    final = doc["final"]
    assert (final["state"], final["label"], final["date"]) == ("final", "확정", "2025-12-20") and final["at"]
    assert "평가 결과: 확정 (2025-12-20)" in status(home)
    assert "Results: final (2025-12-20)" in status(home, "en")

    # 4. a merge refused while final, then with --reopen: 재개 and when; the new file in force, nobody provisional
    regraded = {("GJ01", "5"): ["양호"] * 3, ("GJ01", "6"): ["우수"] * 3, ("GJ02", "6"): ["우수"] * 3}
    again = fill(sheet, tmp_path / "again.xlsx", regraded, [])  # the latest file wins: it grades every goal
    assert cli("committee", "merge", str(again), "--home", str(home)).exit_code == 65
    assert cli("committee", "merge", str(again), "--home", str(home), "--reopen").exit_code == 0
    doc = status_json(home)
    reopened = doc["final"]
    assert (reopened["state"], reopened["label"], reopened["date"]) == ("reopened", "재개", "2025-12-20")
    assert reopened["at"] >= final["at"]
    refused_at, merged_at = received_at(home, "again.xlsx")
    assert doc["committee"]["sheet"] == {"file": "again.xlsx", "received_at": merged_at, "members": 3}
    assert doc["committee"]["provisional"] == []
    assert qualitative(doc, "GJ01") == {"goals": 2, "graded": 2, "pending": 0, "provisional": False}
    files = doc["committee"]["files"]
    assert [(f["file"], f["received_at"], f["outcome"], f["in_force"]) for f in files[:2]] == [
        ("again.xlsx", merged_at, "accepted", True),
        ("again.xlsx", refused_at, "rejected", False),
    ]
    assert "2025-12-20" in files[1]["reason"]  # evaluation.closed says since when
    assert [f["in_force"] for f in files].count(True) == 1
    text = status(home)
    at = reopened["at"][:16].replace("T", " ")
    assert f"평가 결과: 재개 ({at}, 2025-12-20 확정 후)" in text
    assert "정성평가 대기(잠정)" not in text and "평정 2 · 대기 0" in line_of(text, "GJ01", "gj01.xlsx")
    assert f"Results: reopened ({at}, after the confirmation of 2025-12-20)" in status(home, "en")


def test_a_ledger_from_before_the_status_migration_shows_its_committee_file(tmp_path: Path) -> None:
    """The migration marks the committee workbooks merged before it (their committee_files rows); standings scored
    before it have no qualitative counts, and status shows none rather than a wrong zero."""
    home = home_with_committee(tmp_path)
    step = next(i for i, m in enumerate(MIGRATIONS) if "committee_received" in m)
    (home / "state").mkdir()
    with sqlite3.connect(home / "state" / "ledger.sqlite3") as old:
        for i, migration in enumerate(MIGRATIONS[:step]):
            old.executescript(f"BEGIN; {migration}; PRAGMA user_version = {i + 1}; COMMIT;")
        old.execute(
            """INSERT INTO files (id, run_id, received_at, original_name, source_raw, kind, size, mtime_ns, sha256,
                   outcome, dest, state)
               VALUES (7, 'r', '2025-12-01T09:00:00+09:00', 'old.xlsx', x'', 'file', 1, 0, 'ab', 'accepted',
                   '/x/archive/committee/old.xlsx', 'done')"""
        )
        old.execute("INSERT INTO committee_files (file_id, year, fingerprint) VALUES (7, 2025, 'f')")
        old.execute("INSERT INTO standings (agency, status, provisional, as_of) VALUES ('GJ01', 'accepted', 1, 'x')")
    doc = status_json(home)
    assert doc["committee"]["sheet"] == {"file": "old.xlsx", "received_at": "2025-12-01T09:00:00+09:00", "members": 0}
    assert [(f["file"], f["in_force"]) for f in doc["committee"]["files"]] == [("old.xlsx", True)]
    assert doc["committee"]["provisional"] == ["GJ01"]
    ledger = Ledger.open(home / "state")
    try:  # the standings row as migrated: no counts, and none made up
        standing = ledger.standings()["GJ01"]
    finally:
        ledger.close()
    assert committee_status.qualitative(standing, True) == {
        "goals": None,
        "graded": None,
        "pending": None,
        "provisional": True,
    }
    assert committee_status.qualitative_cell(standing, "ko") == ""


def test_a_rejected_committee_workbook_is_named_as_one_in_the_office_mail_and_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "기관 미확인" (a file no agency could be named for): the office's mail and the workbook's 검토사항 and
    제출이력 say 정성평가 평정표 where an agency's file says its agency; so do the mail and `status` of a committee
    workbook stuck in the inbox (its move refused)."""
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        home = home_with_committee(tmp_path)
        mail = (
            f'\n[mail]\ntransport = "smtp"\nto = ["{OFFICE}"]\n'
            f'[mail.smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n'
        )
        with (home / "pipeline.toml").open("a", encoding="utf-8") as toml:
            toml.write(mail)
        drop(home, factory.write(tmp_path / "gj01.xlsx"), "gj01.xlsx")
        assert cli("run", "--home", str(home)).exit_code == 0
        sheet = tmp_path / "sheet.xlsx"
        assert cli("committee", "sheet", "--home", str(home), "--out", str(sheet)).exit_code == 0
        drop(home, fill(sheet, tmp_path / "bad.xlsx", {("GJ01", "6"): ["최고"]}, []), "bad.xlsx")
        drop(home, fill(sheet, tmp_path / "stuck.xlsx", {("GJ01", "6"): ["우수"] * 3}, []), "stuck.xlsx")
        refuse_moving(monkeypatch, "stuck.xlsx")
        handler.received.clear()
        cli("run", "--home", str(home))  # 75: a file could not be moved
    (office,) = [m for m in handler.received if m.rcpt_tos == [OFFICE]]
    message = email.message_from_bytes(office.data, policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    assert line_of(body, "bad.xlsx").startswith("- bad.xlsx (정성평가 평정표): 오류 1건")
    assert line_of(body, "stuck.xlsx").startswith("- stuck.xlsx (정성평가 평정표): ")
    assert "[정성평가 평정표]" in line_of(status(home), "stuck.xlsx", "EPERM")
    (path,) = sorted((home / "outbox").glob("*/*결과_*.xlsx"))
    book = load_workbook(path, read_only=True)
    for sheet_name in ("검토사항", "제출이력"):  # the 기관명 column of the workbook's rows
        rows = list(book[sheet_name].iter_rows(values_only=True))
        column = next(row for row in rows if "기관명" in row).index("기관명")
        named = [row[column] for row in rows if "bad.xlsx" in row]
        assert named and set(named) == {"정성평가 평정표"}, (sheet_name, named)
