"""`pipeline validate`: grouped human output, --json, exit codes 0/65/66, nothing written without --feedback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import factory
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.commands.validate import validate_command
from pipeline.exit_codes import Exit

CONFIG = factory.config()


def _files(tmp_path: Path) -> dict[str, Path]:
    return {
        "ok": factory.write(tmp_path / "ok.xlsx"),
        "bad": factory.write(tmp_path / "bad.xlsx", goal_rows=factory.goals(g1={"target": "미정"}, g2={"target": "?"})),
        "csv": _csv(tmp_path / "csv.xlsx"),
    }


def _csv(path: Path) -> Path:
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    return path


def run(files: list[Path], **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    code = validate_command(files, kwargs.pop("config", CONFIG), out=out, **kwargs)
    return code, out.getvalue()


def test_exit_codes(tmp_path: Path) -> None:
    f = _files(tmp_path)
    assert run([f["ok"]])[0] == 0
    assert run([f["ok"], f["bad"]])[0] == 65
    assert run([f["ok"], f["bad"], f["csv"]])[0] == 66


def test_human_output_grouped_by_finding_type(tmp_path: Path) -> None:
    code, text = run([_files(tmp_path)["bad"]])
    assert code == 65
    assert "[오류] value.not_number × 2" in text
    assert text.index("성과목표!K5") < text.index("성과목표!K6")
    assert text.count("고치는 방법") == 1  # one hint per group


def test_json_output(tmp_path: Path) -> None:
    f = _files(tmp_path)
    code, text = run([f["ok"], f["bad"]], as_json=True, lang="en")
    data = json.loads(text)
    assert code == 65
    assert [d["status"] for d in data] == ["valid", "invalid"]
    assert data[0] == {"file": str(f["ok"]), "status": "valid", "findings": []}
    first = data[1]["findings"][0]
    assert set(first) == {"code", "severity", "sheet", "cell", "field", "value", "message", "hint"}
    assert (first["code"], first["sheet"], first["cell"], first["value"]) == (
        "value.not_number",
        "성과목표",
        "K5",
        "미정",
    )
    assert "not a number" in first["message"]


def test_nothing_written_without_feedback(tmp_path: Path) -> None:
    f = _files(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    run(list(f.values()))
    assert sorted(tmp_path.rglob("*")) == before


def test_feedback_dir(tmp_path: Path) -> None:
    f = _files(tmp_path)
    code, text = run([f["bad"], f["csv"]], feedback_dir=tmp_path / "fb")
    assert code == 66
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == ["bad_feedback.xlsx", "csv_feedback.xlsx"]
    assert "검토 결과 파일" in text


def test_cli_end_to_end_in_a_home(tmp_path: Path) -> None:
    (tmp_path / "pipeline.toml").write_text(factory.CONFIG_TOML, encoding="utf-8")
    f = _files(tmp_path)
    wrong = factory.write(tmp_path / "wrong.xlsx", info={"agency_code": "ZZ99"})
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(f["ok"]), "--home", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    unknown = runner.invoke(app, ["validate", str(wrong), "--home", str(tmp_path), "--json"])
    assert unknown.exit_code == 65
    assert json.loads(unknown.stdout)[0]["findings"][0]["code"] == "agency.unknown"
    unreadable = runner.invoke(app, ["validate", str(f["csv"]), "--home", str(tmp_path)])
    assert unreadable.exit_code == 66
    assert "Traceback" not in unreadable.output


def test_cli_without_home_skips_registry_checks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PIPELINE_HOME", raising=False)
    wrong = factory.write(tmp_path / "wrong.xlsx", info={"agency_code": "ZZ99"})
    result = CliRunner().invoke(app, ["validate", str(wrong)])
    assert result.exit_code == 0, result.output


# --- a path that is not a file at all ------------------------------------------------------------------------------
NOT_FILES = {
    # case: (make the path under tmp, the Korean words, the English words)
    "missing file": (lambda tmp: tmp / "no" / "such.xlsx", "파일이 없습니다", "no such file"),
    "missing in a folder that exists": (lambda tmp: tmp / "such.xlsx", "파일이 없습니다", "no such file"),
    "dangling link": (lambda tmp: _link(tmp / "gone.xlsx"), "파일이 없습니다", "no such file"),
    "folder": (lambda tmp: _folder(tmp / "inbox.xlsx"), "폴더입니다", "is a folder"),
    "FIFO": (lambda tmp: _fifo(tmp / "pipe.xlsx"), "일반 파일이 아닙니다", "not a regular file"),
    "/dev/zero": (lambda tmp: Path("/dev/zero"), "일반 파일이 아닙니다", "not a regular file"),
    "/dev/null": (lambda tmp: Path("/dev/null"), "일반 파일이 아닙니다", "not a regular file"),
}


def _link(path: Path) -> Path:
    path.symlink_to(path.parent / "nowhere.xlsx")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)  # opening it to read would wait for a writer forever
    return path


@pytest.mark.parametrize("case", NOT_FILES)
def test_a_path_that_is_not_a_file_is_named_exit_66(tmp_path: Path, case: str) -> None:
    """Not "damaged, re-save it in Excel": the line says what the path is, and the other files are still checked."""
    make, ko, en = NOT_FILES[case]
    path, ok = make(tmp_path), factory.write(tmp_path / "ok.xlsx")
    for lang, words in (("ko", ko), ("en", en)):
        done = subprocess.run(  # a process of its own: a regression that opens the FIFO fails, not hangs
            [sys.executable, "-m", "pipeline", "validate", str(path), str(ok), "--lang", lang],
            cwd=tmp_path,
            env={**os.environ, "PIPELINE_HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == Exit.NO_INPUT == 66, done.stderr
        lines = [line for line in done.stderr.splitlines() if str(path) in line]
        assert len(lines) == 1 and lines[0].startswith(f"pipeline: {path}: ") and words in lines[0], done.stderr
        assert "Traceback" not in done.stderr and "0바이트" not in done.stderr + done.stdout
        assert "손상" not in done.stdout and "damaged" not in done.stdout and "Error]" not in done.stdout
        assert f"{ok}: " in done.stdout  # the good file is still checked and reported


def test_json_names_the_path_that_is_not_a_file(tmp_path: Path) -> None:
    code, text = run([tmp_path / "no.xlsx"], as_json=True, lang="en")
    assert code == 66
    assert json.loads(text) == [
        {
            "file": str(tmp_path / "no.xlsx"),
            "status": "unreadable",
            "message": f"{tmp_path / 'no.xlsx'}: no such file",
            "findings": [],
        }
    ]
