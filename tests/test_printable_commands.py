"""`pipeline status` and `pipeline validate` print what came in a submission (file names, cell text in finding
messages, agency names) through `core.printable`: nothing a terminal acts on comes out, one line stays one line
(issue 15 item 5, the two commands it had left)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from test_batch import NOW, OLD, goals, make_home, run, workbook
from test_printable import ACTIVE, CASES
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.commands.status import status_command
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

CELL = "1\u202e\n\x9b31m2"  # a number cell holding a newline, a bidi override and a C1 CSI (openpyxl refuses C0)
CELL_SHOWN = "1\\u202e\\n\\x9b31m2"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    return make_home(tmp_path / "home")


def _hostile_workbook(home: Path, name: str, agency: str, bad: bool) -> Path:
    rows = goals()
    if bad:
        rows[0] = {**rows[0], "target": CELL}
    path = workbook(home, "f.xlsx", agency=agency, rows=rows)
    target = path.with_name(name)
    os.rename(path, target)
    os.utime(target, (OLD, OLD))
    return target


def _clean(text: str) -> bool:
    return not ACTIVE.search(text.replace("\n", ""))


RUN_CASES = [c for c in CASES if c.id != "lone surrogate"]
"""A name with undecodable bytes stops the run itself (its log line cannot be encoded): a bug of the run, reported,
not of `status`."""


@pytest.mark.parametrize(("name", "shown"), RUN_CASES)
def test_status_prints_file_names_and_messages_escaped(
    home: Path, capsys: pytest.CaptureFixture[str], name: str, shown: str
) -> None:
    _hostile_workbook(home, name, "GMRT", bad=False)  # accepted: its name is in the file column
    _hostile_workbook(home, name.replace(".xlsx", " 2.xlsx"), "GGCA", bad=True)  # rejected: its message quotes the cell
    run(home, capsys)
    out = io.StringIO()
    assert status_command(load_config(home), "ko", out=out) == 0
    text = out.getvalue()
    assert _clean(text)
    assert " ".join(shown.split())[:20] in text  # the name, escaped, its spaces folded (clipped to the column)
    assert CELL_SHOWN in text
    lines = text.splitlines()
    gmrt = [line for line in lines if line.startswith("GMRT ")]
    ggca = [line for line in lines if line.startswith("GGCA ")]
    assert (
        len(gmrt) == 2 and len(ggca) == 2
    )  # one line per agency in each table (submissions, by phase): nothing forged


@pytest.mark.parametrize(("name", "shown"), CASES)
def test_validate_prints_the_path_and_the_messages_escaped(home: Path, name: str, shown: str) -> None:
    path = _hostile_workbook(home, name, "GMRT", bad=True)
    result = CliRunner().invoke(app, ["validate", "--home", str(home), str(path)])
    assert result.exit_code == 65
    assert _clean(result.stdout)
    first = result.stdout.splitlines()[0]
    assert shown in first and first.endswith(")")  # `<path>: 오류 있음 (오류 1건, 경고 0건)` on one line
    assert CELL_SHOWN in result.stdout


@pytest.mark.parametrize(("name", "shown"), CASES)
def test_validate_json_escapes_what_a_terminal_acts_on(home: Path, name: str, shown: str) -> None:
    """`--json` is read by people too (in a terminal, a log): C1 controls, bidi marks and line separators come out
    as JSON escapes; the parsed value is still the name as it was."""
    import json

    path = _hostile_workbook(home, name, "GMRT", bad=True)
    result = CliRunner().invoke(app, ["validate", "--json", "--home", str(home), str(path)])
    assert result.exit_code == 65
    assert _clean(result.stdout)
    assert json.loads(result.stdout)[0]["file"] == str(path)
