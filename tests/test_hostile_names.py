"""A file name is whatever bytes the dropper chose (issue 15, B5): controls, bidi marks, line separators, and bytes
that are not UTF-8 at all. Every JSON the pipeline prints or writes (`pipeline run --json`, the run log,
results.json, the ledger's findings) shows them escaped, and a name whose bytes are not UTF-8 (a lone surrogate
once decoded) goes through a whole night, pool or not, and is shown readably (`\\xNN`) wherever it appears.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_batch import NOW, OLD, TODAY, goals, make_home, workbook
from test_printable import ACTIVE, HOSTILE

from pipeline.commands.report import report_command
from pipeline.commands.run import run_command
from pipeline.core.findings import finding
from pipeline.intake.inbox import display_name
from pipeline.night.ledger import LEDGER_NAME, findings_json
from pipeline.night.prefetch import POOL_MIN_FILES
from pipeline.night.runlog import Progress, RunLog
from pipeline.report.results_json import write_results
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

UNDECODABLE = {
    b"\xff\xfe\xc3 bad.xlsx": "rejected",  # Latin-1 or UTF-16 debris: lone surrogates once decoded
    b"caf\xe9 ok.xlsx": "accepted",  # a Latin-1 é, as an old Windows share writes it
    b"\xed\xa0\x80 cesu.xlsx": "rejected",  # an encoded surrogate (CESU-8), which UTF-8 forbids
    b"\x80\x1b[2J wipe.xlsx": "rejected",  # a stray byte and an escape sequence together
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    monkeypatch.delenv("PIPELINE_CRASH_AFTER", raising=False)
    return make_home(tmp_path / "home")


def clean(text: str) -> None:
    """Text a terminal may print: valid UTF-8, nothing active but its own line breaks."""
    text.encode("utf-8")
    assert not ACTIVE.search(text.replace("\n", "")), ACTIVE.findall(text.replace("\n", ""))


def read_clean(path: Path) -> str:
    text = path.read_bytes().decode("utf-8")  # strict: a lone surrogate could not have been written
    clean(text)
    return text


def drop_as(home: Path, raw: bytes, i: int, outcome: str, agency: str = "GMRT") -> None:
    """A workbook in the inbox under exactly these name bytes; distinct content for each (no duplicates)."""
    rows = goals(actual=3000 + i, weights=(60, 40) if outcome == "accepted" else (60, 30))
    made = workbook(home, f"made-{i}.xlsx", agency=agency, rows=rows, mtime=OLD + i)
    os.rename(made, os.fsencode(home / "inbox") + b"/" + raw)


def night(home: Path, capsys: pytest.CaptureFixture[str], lang: str = "ko") -> tuple[int, dict[str, Any], str]:
    code = run_command(load_config(home), lang=lang, as_json=True)
    out, err = capsys.readouterr()
    clean(out)
    clean(err)
    return code, json.loads(out), err


# --- B5: what `pipeline run --json` and the run log print -----------------------------------------------------------
def test_run_json_and_the_run_log_show_every_hostile_name_escaped(home: Path, capsys) -> None:
    """They were written with ensure_ascii=False: C1 controls (CSI, NEL), bidi overrides and isolates and U+2028/9
    from a file name came out raw on the terminal, in the journal and in `tail` of the log."""
    names = [name for name, _ in HOSTILE.values()]
    for i, name in enumerate(names):
        drop_as(home, os.fsencode(name), i, "rejected")
    code, summary, _ = night(home, capsys)
    assert code == 0
    shown = {display_name(os.fsencode(name)) for name in names}
    assert {f["file"] for f in summary["files"]} == shown  # escaped in the text, the same value once parsed
    log = read_clean(Path(summary["log"]))
    recorded = [json.loads(line) for line in log.splitlines()]
    assert {r["file"] for r in recorded if r["event"] == "recorded"} == shown
    read_clean(home / "outbox" / TODAY / "results.json")


def test_pipeline_report_prints_a_problem_naming_a_hostile_file_escaped(home: Path, capsys) -> None:
    """`pipeline report` printed its problems raw: a name's ESC sequence or newline went to the terminal."""
    name = "\x1b]0;owned\x07\n  접수  forged.xlsx"
    drop_as(home, os.fsencode(name), 0, "accepted")
    night(home, capsys)
    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    with conn:
        conn.execute("DELETE FROM submissions")  # an old row: scored again from its archived file…
        (dest,) = conn.execute("SELECT dest FROM files").fetchone()
    conn.close()
    Path(dest).write_bytes(b"no longer a workbook")  # …which no longer passes the checks: a problem naming it
    assert report_command(load_config(home), "ko") == 0
    err = capsys.readouterr().err
    clean(err)
    assert "\\x1b]0;owned\\x07\\n  접수  forged.xlsx" in err


@pytest.mark.parametrize(("name", "shown"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_progress_line_shows_a_hostile_name_escaped(name: str, shown: str, capsys) -> None:
    """The counter a person watching a run sees on a terminal printed each name raw."""
    progress = Progress(1)
    progress.on = True  # as on a terminal
    progress.step(name)
    err = capsys.readouterr().err
    clean(err.replace("\r", ""))
    assert shown[:40] in err


def test_every_json_we_write_escapes_active_characters_and_takes_a_lone_surrogate(tmp_path: Path) -> None:
    """A cell text cannot hold a lone surrogate (XML cannot), but a name or an exception's text can: the JSON
    writers must neither crash on one (UnicodeEncodeError) nor print the active characters raw."""
    value = "x\udcff\x85\x9b2J\u202e\u2066\u2028\x7fy 가"
    write_results({"name": value, "list": [value]}, tmp_path / "results.json")
    assert json.loads(read_clean(tmp_path / "results.json")) == {"name": value, "list": [value]}
    log = RunLog(tmp_path / "log.jsonl")
    log("event", file=value)
    log.close()
    assert log.error is None and json.loads(read_clean(tmp_path / "log.jsonl"))["file"] == value
    stored = findings_json([finding("file.corrupt", detail=value)])
    clean(stored)
    assert json.loads(stored)[0]["params"] == [["detail", value]]


# --- a name whose bytes are not UTF-8, through a whole night --------------------------------------------------------
@pytest.mark.parametrize("others", [0, POOL_MIN_FILES], ids=["checked_by_the_batch", "checked_in_the_pool"])
def test_a_name_that_is_not_utf8_goes_through_the_night_and_is_shown_readably(
    home: Path, capsys: pytest.CaptureFixture[str], others: int
) -> None:
    """The run log wrote the name's lone surrogates and the run stopped (UnicodeEncodeError, exit 1, nothing moved,
    no outputs, no mail): every later night the same."""
    for i, (raw, outcome) in enumerate(UNDECODABLE.items()):
        drop_as(home, raw, i, outcome, agency="GGCA" if outcome == "accepted" else "GMRT")
    for i in range(others):  # enough files for the worker pool
        drop_as(home, f"other-{i:02d}.xlsx".encode(), 100 + i, "rejected")
    code, summary, err = night(home, capsys)
    assert code == 0 and list((home / "inbox").iterdir()) == []
    shown = {display_name(raw): outcome for raw, outcome in UNDECODABLE.items()}
    assert "\\xff\\xfe\\xc3 bad.xlsx" in shown and "caf\\xe9 ok.xlsx" in shown  # readable: \xNN for each byte
    outcomes = {f["file"]: f["outcome"] for f in summary["files"]}
    assert {name: outcomes[name] for name in shown} == shown
    assert "\\\\xff\\\\xfe\\\\xc3 bad.xlsx" not in err and "\\xff\\xfe\\xc3 bad.xlsx" in err
    read_clean(Path(summary["log"]))

    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    names = {r[0] for r in conn.execute("SELECT original_name FROM files")}
    conn.close()
    assert set(shown) <= names
    results = json.loads(read_clean(home / "outbox" / TODAY / "results.json"))
    ggca = next(a for a in results["agencies"] if a["code"] == "GGCA")
    assert ggca["status"] == "accepted" and ggca["submission"]["file"] == "caf\\xe9 ok.xlsx"
    wb = openpyxl.load_workbook(summary["outputs"]["workbook"], read_only=True)
    cells = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    wb.close()
    assert {re.sub("[\x00-\x1f]", "\ufffd", name) for name in shown} <= cells  # XML cannot hold C0: U+FFFD
    bodies = []
    for path in (home / "outbox" / TODAY / "mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        bodies.append(str(message["Subject"]) + message.get_body(("plain",)).get_content())
    mailed = "\n".join(bodies)
    clean(mailed.replace("\r", ""))
    for name, outcome in shown.items():
        if outcome == "rejected":  # its feedback mail names it, escaped as the summary shows it
            assert " ".join(name.replace("\x1b", "\\x1b").split()) in mailed
