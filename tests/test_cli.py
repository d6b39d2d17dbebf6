"""The `pipeline` command as an operator and a scheduler meet it: help, init, the home, exit codes."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.exit_codes import Exit
from pipeline.settings.home import FOLDERS, init_home
from pipeline.settings.load import load_config
from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.template.workbook import TEMPLATE_FILE

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pandera", "openpyxl", "xlsxwriter", "numpy")
# `pipeline run` imports the batch before it reads the config; the batch is written by another issue.


def run_python(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A fresh interpreter, as cron would start it."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- help and start-up ------------------------------------------------------------------------------------------
def test_help_lists_the_commands() -> None:
    done = run_python("-m", "pipeline", "--help")
    assert done.returncode == 0, done.stderr
    for command in ("init", "template", "validate", "run", "status", "demo"):
        assert command in done.stdout


def test_start_up_does_not_import_the_heavy_libraries() -> None:
    """`pipeline --help` must answer at once: pandas, pandera and openpyxl load only inside the commands."""
    code = f"import sys, pipeline.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = run_python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


# --- init -------------------------------------------------------------------------------------------------------
def test_init_creates_a_home_that_loads(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(app, ["init", str(home)])
    assert result.exit_code == 0, result.output
    assert (home / "pipeline.toml").is_file()
    for name in FOLDERS:
        assert (home / name).is_dir(), name
    config = load_config(home)
    assert config.agencies and config.paths.inbox == (home / "inbox").resolve()
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    assert text.count("#") > 20  # commented: every setting explained where it is


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    config = tmp_path / "pipeline.toml"
    config.write_text("# mine\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 73
    assert "이미 있습니다" in result.stderr and "--force" in result.stderr
    assert config.read_text(encoding="utf-8") == "# mine\n"
    result = CliRunner().invoke(app, ["init", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 73 and "already exists (use --force to overwrite)" in result.stderr
    result = CliRunner().invoke(app, ["init", str(tmp_path), "--force"])
    assert result.exit_code == 0
    load_config(tmp_path)


# --- where the home is --------------------------------------------------------------------------------------------
@pytest.fixture()
def two_homes(tmp_path: Path) -> tuple[Path, Path]:
    homes = []
    for name, agencies in (("env", EXAMPLE_AGENCIES[:1]), ("option", EXAMPLE_AGENCIES[1:])):
        home = tmp_path / name
        init_home(home, text=render_config(agencies, year=2026, deadline="2026-12-15"))
        homes.append(home)
    return homes[0], homes[1]


def test_pipeline_home_is_used_without_home_option(two_homes: tuple[Path, Path], tmp_path: Path) -> None:
    env_home, _ = two_homes
    result = CliRunner().invoke(
        app, ["template", "--agency", EXAMPLE_AGENCIES[0].code], env={"PIPELINE_HOME": str(env_home)}
    )
    assert result.exit_code == 0, result.output
    assert (env_home / "templates" / f"{EXAMPLE_AGENCIES[0].code}_{TEMPLATE_FILE}").is_file()


def test_home_option_wins_over_pipeline_home(two_homes: tuple[Path, Path]) -> None:
    env_home, option_home = two_homes
    code = EXAMPLE_AGENCIES[1].code  # only registered in the option's home
    result = CliRunner().invoke(
        app, ["template", "--home", str(option_home), "--agency", code], env={"PIPELINE_HOME": str(env_home)}
    )
    assert result.exit_code == 0, result.output
    assert (option_home / "templates" / f"{code}_{TEMPLATE_FILE}").is_file()
    assert not (env_home / "templates").exists()


def test_the_current_folder_is_the_home_by_default(two_homes: tuple[Path, Path]) -> None:
    env_home, _ = two_homes
    done = run_python(
        "-m", "pipeline", "template", "--agency", EXAMPLE_AGENCIES[0].code, cwd=env_home, env={"PIPELINE_HOME": ""}
    )
    assert done.returncode == 0, done.stderr
    assert (env_home / "templates" / f"{EXAMPLE_AGENCIES[0].code}_{TEMPLATE_FILE}").is_file()


# --- exit codes -------------------------------------------------------------------------------------------------
BAD_CONFIGS = [
    # (id, old text, new text, the line in Korean, the line with --lang en)
    ("missing key", "year = 2026\n", "", "[evaluation].year: 항목이 없습니다", "[evaluation].year: missing key"),
    (
        "wrong type",
        "year = 2026\n",
        'year = "2026"\n',
        "[evaluation].year: 정수로",
        "[evaluation].year: must be an integer",
    ),
    (
        "unknown grade",
        'grades = ["S", "A"]',
        'grades = ["S", "X"]',
        "[scoring.excellence].grades: 알 수 없는 등급",
        "[scoring.excellence].grades: unknown grade",
    ),
    (
        "password",
        'password_env = "PIPELINE_SMTP_PASSWORD"',
        'password = "hunter2"',
        "[mail.smtp].password",
        "[mail.smtp].password",
    ),
]
CASES = {
    "argnames": ("old", "new", "ko", "en"),
    "argvalues": [b[1:] for b in BAD_CONFIGS],
    "ids": [b[0] for b in BAD_CONFIGS],
}


def bad_home(tmp_path: Path, old: str, new: str) -> Path:
    text = render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-15")
    assert text.count(old) == 1
    init_home(tmp_path, text=text.replace(old, new))
    return tmp_path


@pytest.mark.parametrize(**CASES)
def test_a_config_error_is_one_line_and_exit_78(tmp_path: Path, old: str, new: str, ko: str, en: str) -> None:
    home = bad_home(tmp_path, old, new)
    for lang, line in (("ko", ko), ("en", en)):
        result = CliRunner().invoke(app, ["template", "--home", str(home), "--agency", "GMRT", "--lang", lang])
        assert result.exit_code == Exit.CONFIG == 78
        assert result.stderr.startswith(f"pipeline: pipeline.toml: {line}")
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.output and "hunter2" not in result.output


@pytest.mark.parametrize(**CASES)
def test_the_nightly_run_exits_78_on_a_config_error(tmp_path: Path, old: str, new: str, ko: str, en: str) -> None:
    """What cron sees: `python -m pipeline run --home DIR`, exit 78, one line on stderr, no traceback."""
    done = run_python("-m", "pipeline", "run", "--home", str(bad_home(tmp_path, old, new)))
    assert done.returncode == 78, done.stderr
    assert done.stderr.startswith(f"pipeline: pipeline.toml: {ko}")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_missing_config_is_exit_78_and_says_how_to_create_one(tmp_path: Path) -> None:
    done = run_python("-m", "pipeline", "run", "--home", str(tmp_path))
    assert done.returncode == 78
    assert "pipeline init" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", "--lang", "jp", "--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 64
    assert "--lang" in result.stderr


# --- a reader that leaves early (`pipeline status | head -1`) -----------------------------------------------------
CLOSED_PIPE_CASES = {
    # case: (arguments, given the home and a scratch folder; the exit code with an open pipe)
    "--help": (lambda home, tmp: ["--help"], 0),
    "status": (lambda home, tmp: ["status", "--home", str(home)], 0),
    "status --lang en": (lambda home, tmp: ["--lang", "en", "status", "--home", str(home)], 0),
    "validate": (lambda home, tmp: ["validate", str(home / "no.xlsx"), "--home", str(home)], 66),
    "validate --json": (lambda home, tmp: ["validate", "--json", str(home / "no.xlsx"), "--home", str(home)], 66),
    "template": (lambda home, tmp: ["template", "--all", "--home", str(home), "--out", str(tmp / "t")], 0),
    "init": (lambda home, tmp: ["init", str(tmp / "new")], 0),
    "usage error": (lambda home, tmp: ["status", "--frob"], 2),
}


@pytest.mark.parametrize("case", CLOSED_PIPE_CASES)
def test_a_closed_pipe_ends_quietly_with_the_commands_own_code(
    two_homes: tuple[Path, Path], tmp_path: Path, case: str
) -> None:
    """stdout is a pipe whose reader has gone: the command still does its work and exits with its own code."""
    argv, code = CLOSED_PIPE_CASES[case]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left before the first line: every write meets a broken pipe
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", *argv(two_homes[0], tmp_path)],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "PIPELINE_LANG": ""},
        )
    finally:
        os.close(write_end)
    assert done.returncode == code, done.stderr
    assert "BrokenPipe" not in done.stderr and "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    if case == "init":
        assert (tmp_path / "new" / "pipeline.toml").is_file()  # the work was done all the same
    if case == "template":
        assert len(list((tmp_path / "t").glob("*.xlsx"))) == len(EXAMPLE_AGENCIES[:1])


# --- the README: exit codes, getting `pipeline`, the scoring rules -------------------------------------------------
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_every_exit_code() -> None:
    line = " ".join(README[README.index("Exit codes") :].split("\n\n")[0].split())
    listed = [int(n) for n in re.findall(r"(?:^|[:,])\s*(\d+) ", line.split(":", 1)[1])]
    assert listed == [int(code) for code in Exit], line


def test_the_readme_says_how_to_get_pipeline_and_where_the_scoring_rules_are() -> None:
    assert ". .venv/bin/activate" in README and "python3 dev.py pipeline" in README
    assert "../shared" not in README and "(docs/scoring.md)" in README
    scoring = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for worked in ("| 100.00 (rate 111.5%) | 20 | 20.00 |", "| 72.65 | 20 | 14.53 |", "**84.53**", "86.67"):
        assert worked in scoring


def test_dev_py_passes_pipeline_through(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    calls: list[tuple[list[str], dict]] = []
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev.subprocess, "call", lambda argv, **kw: calls.append((argv, kw)) or 7)
    assert dev.main(["pipeline", "status", "--home", "demo"]) == 7
    assert calls == [([str(dev.BIN / "pipeline"), "status", "--home", "demo"], {})]  # in the caller's folder
