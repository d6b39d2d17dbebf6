"""Text from a submission cannot write to the operator's terminal: file names and cell text reach the run summary
(which cron mails), the mails and the logs with every control, separator and direction mark shown as an escape."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from test_batch import NOW, goals, make_home, workbook

from pipeline.commands.run import run_command
from pipeline.core.model import FindingRow, SubmissionRecord
from pipeline.core.printable import printable
from pipeline.mail.messages import feedback_message
from pipeline.night.summary import LEFT, FileReport, RunSummary
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
"""What a terminal, a mail client or a bidi renderer acts on; nothing of it may come out of a printer."""

HOSTILE = {
    "forged line": ("\n  접수  forged.xlsx [GJ01]: all good.xlsx", "\\n  접수  forged.xlsx"),
    "carriage return": ("ok.xlsx\r  접수  other.xlsx", "ok.xlsx\\r"),
    "ESC clear screen": ("\x1b[2J\x1b[Hwiped.xlsx", "\\x1b[2J\\x1b[H"),
    "OSC window title": ("\x1b]0;owned\x07title.xlsx", "\\x1b]0;owned\\x07"),
    "C1 CSI": ("\x9b31mred.xlsx", "\\x9b31m"),
    "NEL": ("a\x85b.xlsx", "a\\x85b"),
    "DEL and backspace": ("ab\x08\x08\x7fcd.xlsx", "ab\\x08\\x08\\x7fcd"),
    "right-to-left override": ("성과\u202excod.xlsx", "성과\\u202excod"),
    "bidi isolate": ("a\u2066b\u2069.xlsx", "a\\u2066b\\u2069"),
    "line separator": ("a\u2028b\u2029c.xlsx", "a\\u2028b\\u2029c"),
    "tab": ("a\tb.xlsx", "a\\tb"),
    "lone surrogate": ("\udcff\udcfe.xlsx", "\\udcff\\udcfe"),
}
CASES = [pytest.param(name, shown, id=key) for key, (name, shown) in HOSTILE.items()]


@pytest.mark.parametrize(("name", "shown"), CASES)
def test_printable_shows_every_active_character_as_an_escape(name: str, shown: str) -> None:
    out = printable(name)
    assert not ACTIVE.search(out) and shown in out
    assert out.encode("utf-8")  # a lone surrogate would raise here, on a UTF-8 terminal
    assert printable("광주도시철도공사 '최종' (2).xlsx") == "광주도시철도공사 '최종' (2).xlsx"  # the usual is untouched


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("name", "shown"), CASES)
def test_the_run_summary_has_one_line_per_file_whatever_its_name(name: str, shown: str, lang: str) -> None:
    summary = RunSummary("20261201T020000", datetime.fromisoformat(NOW), dry_run=False)
    summary.files = [
        FileReport(name, "rejected", agency="GJ01", reason=f"성과목표!J7: '{name}' is not a number"),
        FileReport(name, LEFT, reason="just arrived"),
    ]
    summary.problems = [f"{name}: feedback workbook failed"]
    text = summary.human(lang)
    assert not ACTIVE.search(text.replace("\n", ""))
    assert len(text.splitlines()) == 1 + 2 + 1  # the headline, two files, one problem: nothing forged
    assert text.count(shown) == 4


@pytest.mark.parametrize(("name", "shown"), CASES[:6])
def test_a_real_run_prints_a_hostile_name_escaped(
    name: str, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    workbook(home, name, rows=goals(weights=(60, 30)))  # rejected, so its line is printed
    run_command(load_config(home), lang="ko")
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0].startswith("실행 ") and "반려 1" in lines[0]
    assert not [line for line in lines[1:] if line.lstrip().startswith("접수")]  # no forged "accepted" line
    assert shown in err and not ACTIVE.search(err.replace("\n", ""))


@pytest.mark.parametrize(("name", "shown"), CASES)
def test_the_feedback_mail_shows_names_and_cell_text_escaped(name: str, shown: str) -> None:
    import factory

    config = factory.config()
    agency = config.agencies[0]
    record = SubmissionRecord(datetime.fromisoformat(NOW), name, "a" * 64, agency.code, "rejected", 1, 0)
    finding = FindingRow(name, agency.code, "cell.x", "error", "성과목표", "J7", "실적", name, f"'{name}'", "")
    message = feedback_message(config, agency, record, [finding], b"xlsx", "x.xlsx", "ko")
    body = message.get_body(("plain",)).get_content()
    assert not ACTIVE.search(body.replace("\r\n", ""))
    assert body.count(" ".join(shown.split())) == 2  # the file name in the intro, the cell text in the finding
