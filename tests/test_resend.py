"""Bytes sent again (issue 15 C 8): sending a file again never loses it.

- The last file an agency drops wins: version A, then B, then A again makes A current again, with the earlier A
  named in the ledger (`duplicate_of`), the run summary and the receipt. A again while A is current is a duplicate.
- Bytes rejected for a reason that can change (`night.resend.TRANSIENT`) are checked again when sent again; bytes
  rejected for what they say stay a duplicate of their rejection.
"""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest
from test_batch import NOW, OLD, agency_doc, drop, eml_files, goals, ledger_rows, make_home, run, workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.findings import CATALOGUE, finding
from pipeline.system.clock import ENV_NOW
from pipeline.validate.check import CheckResult


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    return make_home(tmp_path / "home")


def receipts(home: Path) -> list[str]:
    out = []
    for p in eml_files(home):
        m = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        if "제출 접수 확인" in str(m["Subject"]):
            out.append(m.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    return out


# --- the last file an agency drops wins -------------------------------------------------------------------------
NIGHTS = {
    # case: the nights, each the versions dropped in it (in the order received)
    "A, B, A in three nights": [["A"], ["B"], ["A"]],
    "A, B, A in one night": [["A", "B", "A"]],
    "A, then B and A in one night": [["A"], ["B", "A"]],
    "A, B, C, A": [["A"], ["B"], ["C"], ["A"]],
}


@pytest.mark.parametrize("nights", list(NIGHTS.values()), ids=list(NIGHTS))
def test_an_earlier_version_sent_again_is_current_again(
    home: Path, capsys: pytest.CaptureFixture[str], nights: list[list[str]]
) -> None:
    versions = {"A": 3000, "B": 3500, "C": 3700}
    data = {v: workbook(home, f"{v}.xlsx", rows=goals(actual=a)).read_bytes() for v, a in versions.items()}
    for p in (home / "inbox").iterdir():
        p.unlink()
    n = 0
    for night in nights:
        for v in night:
            n += 1
            drop(home, f"{v} ({n}).xlsx", data[v], mtime=OLD + n)
        code, summary = run(home, capsys)
        assert code == 0
    rows = ledger_rows(home)
    assert [r["outcome"] for r in rows] == ["accepted"] * n  # nothing filed away as a duplicate
    last = rows[-1]
    assert agency_doc(home, "GMRT")["submission"]["file"] == last["original_name"]  # the agency's last word
    first_a = next(r for r in rows if r["original_name"].startswith("A"))
    assert last["duplicate_of"] == first_a["id"] and last["superseded_by"] is None
    assert [r["superseded_by"] is None for r in rows] == [False] * (n - 1) + [True]
    line = next(f for f in summary["files"] if f["file"] == last["original_name"])
    assert line["reason"].startswith(f"{first_a['original_name']} (") and "다시 현재 제출" in line["reason"]
    assert any("다시 현재 제출입니다" in body for body in receipts(home))  # the receipt says so


def test_the_current_version_sent_again_is_a_duplicate(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = workbook(home, "A.xlsx", rows=goals(actual=3000)).read_bytes()
    run(home, capsys)
    workbook(home, "B.xlsx", rows=goals(actual=3500))
    run(home, capsys)
    drop(home, "A again.xlsx", a)
    run(home, capsys)
    drop(home, "A once more.xlsx", a)
    code, summary = run(home, capsys)
    assert [r["outcome"] for r in ledger_rows(home)] == ["accepted", "accepted", "accepted", "duplicate"]
    assert summary["files"][0]["reason"].startswith("A again.xlsx (")  # names the current one, not the first A
    assert agency_doc(home, "GMRT")["submission"]["file"] == "A again.xlsx"
    assert len(receipts(home)) == 3  # a duplicate changes nothing and says nothing


# --- a rejection that could have changed is not repeated ---------------------------------------------------------
def _register_unknown(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`agency.unknown`: the office registers the agency between the two nights."""
    config = home / "pipeline.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[agencies]]\ncode = "XXXX"\nname = "없는 기관"\ngroup = "공사·공단"\nemail = "x@example.kr"\n',
        encoding="utf-8",
    )


def _checked_as(result: Any) -> Any:
    """A first night on which the check itself gives `result` (a bug, an overloaded worker); fixed the next."""

    def fake(path: Path, config: Any, lang: str = "ko") -> CheckResult:
        if isinstance(result, Exception):
            raise result
        return CheckResult(Path(path), (result,), None, None, None, unreadable=True)

    return fake


REJECTIONS = {
    # case: (the agency the workbook claims, what happens before the first night, before the second, accepted then)
    "agency.unknown": ("XXXX", None, _register_unknown, True),
    "file.internal_error": ("GMRT", RuntimeError("a bug"), None, True),
    "file.too_complex": ("GMRT", finding("file.too_complex", detail="> 30 s"), None, True),
    "goal.weights_sum (what the bytes say)": ("GMRT", "weights", None, False),
}


@pytest.mark.parametrize(("claims", "first", "between", "accepted"), list(REJECTIONS.values()), ids=list(REJECTIONS))
def test_bytes_rejected_for_a_reason_that_can_change_are_checked_again(
    home: Path, capsys, monkeypatch: pytest.MonkeyPatch, claims: str, first: Any, between: Any, accepted: bool
) -> None:
    rows = goals(weights=(60, 30)) if first == "weights" else goals()
    data = workbook(home, "f.xlsx", agency=claims, rows=rows).read_bytes()
    with monkeypatch.context() as patch:
        if first not in (None, "weights"):
            patch.setattr("pipeline.night.batch.check_file", _checked_as(first))
        run(home, capsys)
    [rejected] = ledger_rows(home)
    assert rejected["outcome"] == "rejected"
    if between is not None:
        between(home, monkeypatch)
    drop(home, "f (again).xlsx", data)
    code, summary = run(home, capsys)
    again = ledger_rows(home)[-1]
    if accepted:
        assert again["outcome"] == "accepted" and again["duplicate_of"] == rejected["id"]
        assert agency_doc(home, claims)["status"] == "accepted"
        assert "다시 검사해 접수" in summary["files"][0]["reason"]
        assert any("다시 검사해 접수했습니다" in body for body in receipts(home))
    else:
        assert again["outcome"] == "duplicate" and again["duplicate_of"] == rejected["id"]


def test_bytes_rejected_in_the_wrong_agency_folder_are_checked_again_in_the_right_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(ENV_NOW, NOW)
    home = tmp_path / "home"
    assert CliRunner().invoke(app, ["init", str(home), "--agency-folders"]).exit_code == 0
    data = workbook(home, "GGCA/gmrt.xlsx", agency="GMRT").read_bytes()
    run(home, capsys, lang="en")
    drop(home, "GMRT/gmrt.xlsx", data)
    run(home, capsys)
    wrong, right = ledger_rows(home)
    assert (wrong["outcome"], wrong["agency"], right["outcome"], right["agency"]) == (
        "rejected",
        "GGCA",
        "accepted",
        "GMRT",
    )


def test_every_transient_code_is_a_rejection_in_the_catalogue() -> None:
    from pipeline.night import resend

    assert resend.TRANSIENT <= set(CATALOGUE)
    assert all(CATALOGUE[code].severity == "error" for code in resend.TRANSIENT)
