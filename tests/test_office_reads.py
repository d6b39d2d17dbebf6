"""What the office reads after a night, over several runs: the report mail tells this run's outcomes, the workbook's
Findings sheet the open problems of each agency's current state, the run summary when a file left waiting will be
taken; and no report goes out that says nothing new."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_batch import NOW, OLD, TODAY, drop, goals, make_home, run, workbook

from pipeline.commands.run import run_command
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

OFFICE = "evaluation@example.go.kr"
BAD = goals(weights=(60, 30))  # weights sum to 90: rejected


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    monkeypatch.delenv("PIPELINE_CRASH_AFTER", raising=False)
    return make_home(tmp_path / "home")


def reports(home: Path) -> dict[Path, email.message.EmailMessage]:
    """The reports to the office the file transport holds, by file."""
    out = {}
    for path in (home / "outbox" / TODAY / "mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if OFFICE in str(message["To"]):
            out[path] = message
    return out


def night(home: Path, capsys: pytest.CaptureFixture[str], lang: str = "ko") -> tuple[dict[str, Any], list[str]]:
    """One run: its JSON summary and the body of the report it sent (no lines when it sent none)."""
    before = set(reports(home))
    _, summary = run(home, capsys, lang=lang)
    new = [m for p, m in reports(home).items() if p not in before]
    assert len(new) <= 1
    return summary, new[0].get_body(("plain",)).get_content().splitlines() if new else []


def findings_sheet(summary: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The Findings sheet's rows under its header, as (file, code, agency, severity): found by their headings."""
    from pipeline.report.labels import L

    wb = openpyxl.load_workbook(summary["outputs"]["workbook"], read_only=True)
    sheet = next(ws for ws in wb.worksheets if ws.title in ("검토사항", "Findings"))  # by name: sheets were added
    header, *rows = [r for r in sheet.iter_rows(values_only=True) if r and any(v is not None for v in r)]
    wb.close()
    at = [next(i for i, h in enumerate(header) if h in L[key]) for key in ("file", "code", "agency", "severity")]
    return [tuple(r[i] for i in at) for r in rows]


# --- 14: stale rejections -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("same_name", [True, False], ids=["same-name", "new-name"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_after_the_rejected_resubmit_and_are_accepted_nothing_stale_is_shown(
    home: Path, capsys: pytest.CaptureFixture[str], same_name: bool, lang: str
) -> None:
    workbook(home, "gmrt.xlsx", rows=BAD)
    workbook(home, "ggca.xlsx", agency="GGCA", rows=BAD)
    summary, body = night(home, capsys, lang)
    assert summary["counts"]["rejected"] == 2
    assert any(line.endswith("(2):") for line in body)  # the first run's rejections, listed
    assert {r[3] for r in findings_sheet(summary)} == {"오류" if lang == "ko" else "error"}
    workbook(home, "gmrt.xlsx" if same_name else "gmrt v2.xlsx")
    workbook(home, "ggca.xlsx" if same_name else "ggca v2.xlsx", agency="GGCA")
    summary, body = night(home, capsys, lang)  # the same day: both accepted
    assert summary["counts"] == {**summary["counts"], "accepted": 2, "rejected": 0}
    assert body, "the state changed: a report goes out"
    none = "이번 실행에서 반려된 파일: 없음" if lang == "ko" else "Files rejected in this run: none"
    assert none in body and not any("gmrt" in line or "ggca" in line for line in body)
    errors = [r for r in findings_sheet(summary) if r[3] in ("오류", "error")]
    assert errors == []  # their history stays in the Submissions sheet


def test_a_rejected_file_after_an_accepted_one_stays_an_open_problem(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook(home, "good.xlsx")
    night(home, capsys)
    workbook(home, "bad.xlsx", rows=BAD)
    summary, body = night(home, capsys)
    assert "이번 실행에서 반려된 파일 (1):" in body and any(line.startswith("- bad.xlsx") for line in body)
    assert {r[0] for r in findings_sheet(summary) if r[3] == "오류"} == {"bad.xlsx"}
    workbook(home, "worse.xlsx", rows=goals(weights=(10, 10)))
    summary, body = night(home, capsys)
    assert {r[0] for r in findings_sheet(summary)} == {"worse.xlsx"}  # the latest attempt only
    assert [line for line in body if line.startswith("- ") and ".xlsx" in line] == [
        next(line for line in body if line.startswith("- worse.xlsx"))
    ]


# --- 15: the first try ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("age", "lang", "said"),
    [
        (10, "ko", "50초 후 다음 실행에서"),
        (59.5, "ko", "1초 후 다음 실행에서"),
        (0, "en", "ready in 60 s, taken at the next run"),
        (30, "en", "ready in 30 s, taken at the next run"),
    ],
)
def test_a_file_left_waiting_says_when_it_will_be_taken(
    home: Path, capsys: pytest.CaptureFixture[str], age: float, lang: str, said: str
) -> None:
    workbook(home, "막 넣은 파일.xlsx", mtime=datetime.fromisoformat(NOW).timestamp() - age)
    run_command(load_config(home), lang=lang)
    err = capsys.readouterr().err
    [line] = [line for line in err.splitlines() if "막 넣은 파일.xlsx" in line]
    assert said in line


@pytest.mark.parametrize("inbox", ["empty", "young files", "lock file"])
def test_no_report_goes_out_before_anything_was_received(
    home: Path, capsys: pytest.CaptureFixture[str], inbox: str
) -> None:
    young = datetime.fromisoformat(NOW).timestamp() - 5
    if inbox == "young files":
        paths = [workbook(home, f"{code}.xlsx", agency=code, mtime=young) for code in ("GMRT", "GGCA")]
    elif inbox == "lock file":
        paths = [drop(home, "~$GMRT.xlsx", b"lock")]
    summary, body = night(home, capsys)
    assert body == [] and summary["mail"].get("sent", 0) == 0  # not "제출 0/2"
    summary, body = night(home, capsys)
    assert body == []
    if inbox == "young files":
        for path in paths:
            os.utime(path, (OLD, OLD))
        summary, body = night(home, capsys)
        assert summary["counts"]["accepted"] == 2 and any("제출 현황" in line for line in body)
        summary, body = night(home, capsys)
        assert body == []  # nothing changed since the last report
