"""Files a run decided about but could not finish (issue 15, A2 and D12): a file whose move out of the inbox failed
(ledger state `failed`) and a file gone before its move (`vanished`). Whoever reads the night must see them: the run
summary counts every file it lists (headline and `counts`, in both languages) and lists them; the office's report
mail and `pipeline status` list each file still stuck in the inbox with why, until it is moved.

The failed move is made here by refusing the rename (as the kernel does for another user's file in a sticky drop
folder; `test_faults.py` does it for real as `nobody`), so these tests run anywhere.
"""

from __future__ import annotations

import errno
import io
import re
from pathlib import Path
from typing import Any

import pytest
from test_batch import NOW, OLD, drop, goals, make_home, workbook
from test_machine_faults import _meddle_before_the_move
from test_office_reads import reports

from pipeline.commands.run import run_command
from pipeline.commands.status import status_command
from pipeline.intake import inbox as intake
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

HEADLINE_NUMBERS = re.compile(r"(?<![\w-])(\d+)(?=,|$)")
"""The counts of a headline ("… 접수 1, 반려 0, …"), not the digits of its run id."""
SAID = {
    "ko": {"failed": "옮기지 못함", "vanished": "사라짐", "stuck": "옮기지 못한 파일 ("},
    "en": {"failed": "could not move", "vanished": "gone", "stuck": "moved out of the inbox ("},
}
LABEL = {"ko": {"failed": "옮기지 못함", "vanished": "사라짐"}, "en": {"failed": "not moved", "vanished": "gone"}}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    monkeypatch.delenv("PIPELINE_CRASH_AFTER", raising=False)
    return make_home(tmp_path / "home")


def refuse_moving(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """The rename of these inbox files fails with EPERM, as for another user's file in a sticky folder."""
    real = intake.move

    def move(src: Path, dest: Path) -> None:
        if src.name in names:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(src))
        real(src, dest)

    monkeypatch.setattr(intake, "move", move)


def night(home: Path, capsys: pytest.CaptureFixture[str], lang: str) -> tuple[dict[str, Any], list[str], str]:
    """One `pipeline run --json`: its summary, the lines it printed for the operator, and the office's new report
    (empty when none went out)."""
    import json

    before = set(reports(home))
    run_command(load_config(home), lang=lang, as_json=True)
    out, err = capsys.readouterr()
    new = [m for p, m in reports(home).items() if p not in before]
    body = new[0].get_body(("plain",)).get_content() if new else ""
    return json.loads(out), err.splitlines(), body


def status_text(home: Path, lang: str) -> str:
    out = io.StringIO()
    status_command(load_config(home), lang=lang, out=out)
    return out.getvalue()


def file_line(lines: list[str], name: str) -> str:
    (line,) = [line for line in lines[1:] if f"  {name}" in line]
    return line


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_file_the_summary_lists_is_counted_in_its_headline(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """The class: a summary whose files do not add up to its counts. A failed move and a vanished file were listed
    (or not) but counted nowhere: `counts` had no key for them and the headline left them out."""
    first = workbook(home, "accepted.xlsx", mtime=OLD - 60)
    workbook(home, "rejected.xlsx", agency="GGCA", rows=goals(weights=(60, 30)), mtime=OLD - 50)
    drop(home, "duplicate.xlsx", first.read_bytes(), mtime=OLD - 40)
    workbook(home, "stuck.xlsx", agency="GGCA", rows=goals(actual=3100), mtime=OLD - 30)
    workbook(home, "gone.xlsx", rows=goals(actual=3200), mtime=OLD - 20)
    drop(home, "young.xlsx", b"PK", mtime=datetime_now())
    drop(home, ".hidden.xlsx", b"x")
    refuse_moving(monkeypatch, "stuck.xlsx")
    _meddle_before_the_move(monkeypatch, "gone.xlsx", lambda path: path.unlink())
    summary, lines, _ = night(home, capsys, lang)
    outcomes = [f["outcome"] for f in summary["files"]]
    assert sorted(set(outcomes)) == sorted(
        ["accepted", "rejected", "duplicate", "failed", "vanished", "left", "ignored"]
    )
    counts = {k: v for k, v in summary["counts"].items() if k != "resumed"}
    assert counts == {k: outcomes.count(k) for k in counts} and sum(counts.values()) == len(outcomes)
    headline = lines[0]
    assert sum(int(n) for n in HEADLINE_NUMBERS.findall(headline)) == len(outcomes), headline
    assert f"{SAID[lang]['failed']} 1" in headline and f"{SAID[lang]['vanished']} 1" in headline
    for name, outcome in (("stuck.xlsx", "failed"), ("gone.xlsx", "vanished")):
        assert file_line(lines, name).lstrip().startswith(LABEL[lang][outcome])
    reason = next(f["reason"] for f in summary["files"] if f["file"] == "stuck.xlsx")
    assert "EPERM" in reason and sum(line.count(reason) for line in lines) == 1  # listed once, not twice


def datetime_now() -> float:
    from datetime import datetime

    return datetime.fromisoformat(NOW).timestamp()


def test_a_usual_night_keeps_its_usual_headline(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook(home, "accepted.xlsx")
    _, lines, _ = night(home, capsys, "ko")
    assert lines[0].endswith("접수 1, 반려 0, 중복 0, 다음 실행으로 미룸 0, 무시 0")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_file_that_could_not_be_moved_is_an_open_problem_for_the_office(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """Its reason reached the run summary only: the office's mail and `status` did not say it, so the file waited
    in the inbox, unprocessed, with nobody told (issue item A2: "status and the office's mail say so")."""
    workbook(home, "mine.xlsx", mtime=OLD - 60)
    workbook(home, "theirs.xlsx", agency="GGCA", mtime=OLD - 30)
    refuse_moving(monkeypatch, "theirs.xlsx")
    summary, _, body = night(home, capsys, lang)
    reason = next(f["reason"] for f in summary["files"] if f["file"] == "theirs.xlsx")
    (line,) = [line for line in body.splitlines() if "theirs.xlsx" in line]
    assert SAID[lang]["stuck"] in body and "EPERM" in line and reason in line
    status = status_text(home, lang)
    (line,) = [line for line in status.splitlines() if "theirs.xlsx" in line]
    assert SAID[lang]["stuck"] in status and reason in line and "[GGCA]" in line

    _, _, body = night(home, capsys, lang)  # still stuck, nothing else new: no second report
    assert body == ""
    monkeypatch.undo()  # the office fixes the owner: the next run moves it, which is news
    monkeypatch.setenv(ENV_NOW, NOW)
    summary, _, body = night(home, capsys, lang)
    assert [f["outcome"] for f in summary["files"]] == ["accepted"]
    assert body and SAID[lang]["stuck"] not in body
    assert SAID[lang]["stuck"] not in status_text(home, lang)


def test_a_first_file_that_could_not_be_moved_is_reported_though_nothing_was_received(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`on-change` waits for the first received file; a file stuck in the inbox is news before that."""
    workbook(home, "theirs.xlsx", agency="GGCA")
    refuse_moving(monkeypatch, "theirs.xlsx")
    _, _, body = night(home, capsys, "ko")
    assert "theirs.xlsx" in body and "EPERM" in body


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_status_last_runs_count_every_file_of_a_run(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """The class: the last-runs table of `status` added up accepted, rejected, duplicate and left only, so a run
    whose file could not be moved or vanished read as if it had handled fewer files."""
    workbook(home, "accepted.xlsx", mtime=OLD - 60)
    workbook(home, "stuck.xlsx", agency="GGCA", mtime=OLD - 30)
    workbook(home, "gone.xlsx", agency="GGCA", rows=goals(actual=3200), mtime=OLD - 20)
    refuse_moving(monkeypatch, "stuck.xlsx")
    _meddle_before_the_move(monkeypatch, "gone.xlsx", lambda path: path.unlink())
    night(home, capsys, lang)
    (row,) = [line for line in status_text(home, lang).splitlines() if SAID[lang]["failed"] in line]
    assert f"{SAID[lang]['failed']} 1" in row and f"{SAID[lang]['vanished']} 1" in row
