"""Korean by default, English on request, everywhere a person meets the `pipeline` command.

Every command's `--help` and every mistake the command line can hold are run in both languages: the Korean text
may hold no English sentence (three English words in a row outside code, paths and quoted values), the English
text no Hangul outside quoted values. The language is chosen by `--lang` before or after the command,
`$PIPELINE_LANG`, or the home's `[evaluation] lang`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import factory
import pytest
from language import english_sentences, hangul_outside_values
from typer.testing import CliRunner

from pipeline.cli import build_app, help_lang
from pipeline.settings.home import init_home
from pipeline.settings.render import render_config
from pipeline.settings.schema import Agency

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ["", "init", "template", "validate", "run", "status", "report", "demo", "rollover", "finalize", "plan"]
COMMANDS += ["plan confirm", "plan show", "plan book", "committee", "committee sheet", "committee merge"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
AGENCIES = (  # names a person reads in either language: the data is not what is being checked
    Agency("GMRT", "Metro", "Corporations", "Transport", "eval@grtc.example.kr"),
    Agency("GGCA", "Greencar", "Foundations", "Industry", "eval@greencar.example.kr"),
)


def assert_in_language(text: str, lang: str) -> None:
    assert text.strip(), "nothing was said"
    if lang == "ko":
        assert HANGUL.search(text), text
        assert english_sentences(text) == [], text
    else:
        assert hangul_outside_values(text) == [], text


def test_the_checks_themselves() -> None:
    assert english_sentences("pipeline.toml: [batch].x: must not be negative") == ["must not be negative"]
    assert english_sentences("pipeline: 'a b c d': 음수일 수 없습니다 (--lang ko 또는 en, FILE DIR COMMAND)") == []
    assert hangul_outside_values("unknown grade '최악' in /tmp/가/b.xlsx") == []
    assert hangul_outside_values("(파일을 읽을 수 없음)") == ["(파일을 읽을 수 없음)"]


# --- help ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("command", COMMANDS, ids=[c or "pipeline" for c in COMMANDS])
def test_every_help_page_is_in_one_language(lang: str, command: str) -> None:
    result = CliRunner().invoke(build_app(lang), [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert_in_language(result.stdout, lang)
    assert result.stdout.startswith("사용법: pipeline" if lang == "ko" else "Usage: pipeline")
    assert not re.search(r"\{\w+\}|<[\w\[\]]+>|list\[", result.stdout), result.stdout  # no {directory}, <list[Path]>
    assert "--no-" not in result.stdout  # a flag is a flag: no --no-force


# --- mistakes and refusals -------------------------------------------------------------------------------------
def _home(tmp: Path, edit: tuple[str, str] = ("", "")) -> Path:
    text = render_config(AGENCIES, year=2026, deadline="2026-12-15").replace(
        "2026년 공공기관 성과창출 평가 결과", "Evaluation 2026"
    )
    home = tmp / "home"
    init_home(home, text=text.replace(*edit))
    return home


def _file(path: Path) -> Path:
    path.write_bytes(b"x")
    return path


CASES: dict[str, Callable[[Path], list[str]]] = {
    "no command": lambda tmp: [],
    "no such command": lambda tmp: ["frob"],
    "no such option": lambda tmp: ["status", "--frob"],
    "missing argument": lambda tmp: ["validate"],
    "missing folder": lambda tmp: ["init"],
    "option without its value": lambda tmp: ["template", "--out"],
    "not a number": lambda tmp: ["demo", "--seed", "x"],
    "extra argument": lambda tmp: ["status", "extra", "--home", str(_home(tmp))],
    "no pipeline.toml (status)": lambda tmp: ["status", "--home", str(tmp)],
    "no pipeline.toml (run)": lambda tmp: ["run", "--home", str(tmp)],
    "no pipeline.toml (report)": lambda tmp: ["report", "--home", str(tmp)],
    "no pipeline.toml (template --all)": lambda tmp: ["template", "--all", "--home", str(tmp)],
    "pipeline.toml mistake": lambda tmp: ["status", "--home", str(_home(tmp, ("eval@grtc", "eval@@grtc")))],
    "pipeline.toml in CP949": lambda tmp: ["run", "--home", str(_cp949(_home(tmp)))],
    "init: exists": lambda tmp: ["init", str(_home(tmp))],
    "init: created": lambda tmp: ["init", str(tmp / "new")],
    "init: a file in the way": lambda tmp: ["init", str(_file(tmp / "f"))],
    "template: unknown agency": lambda tmp: ["template", "--home", str(_home(tmp)), "--agency", "NOPE"],
    "template: exists": lambda tmp: ["template", "--home", str(_home(tmp)), "--out", str(_file(tmp / "t.xlsx"))],
    "template: --all into a file": lambda tmp: [
        "template",
        "--all",
        "--home",
        str(_home(tmp)),
        "--out",
        str(_file(tmp / "t")),
    ],
    "validate: not files": lambda tmp: ["validate", str(tmp / "no.xlsx"), str(tmp), "/dev/null", "--home", str(tmp)],
    "validate: a good file, no home": lambda tmp: ["validate", str(factory.write(tmp / "ok.xlsx")), "--home", str(tmp)],
    "status of a fresh home": lambda tmp: ["status", "--home", str(_home(tmp))],
    "demo: a folder in use": lambda tmp: ["demo", str(_file(tmp / "mine").parent)],
}


def _cp949(home: Path) -> Path:
    config = home / "pipeline.toml"
    config.write_bytes(config.read_text(encoding="utf-8").encode("cp949"))
    return home


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("case", CASES)
def test_every_mistake_is_told_in_one_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, case: str
) -> None:
    """`--lang` before the command, as an officer types it; the help language is the same (`build_app`)."""
    monkeypatch.delenv("PIPELINE_LANG", raising=False)
    monkeypatch.delenv("PIPELINE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(build_app(lang), ["--lang", lang, *CASES[case](tmp_path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert_in_language(result.stdout + result.stderr, lang)


@pytest.mark.parametrize(
    ("argv", "env"),
    [(["status", "--lang", "jp"], {}), (["status"], {"PIPELINE_LANG": "jp"}), (["--lang", "fr", "status"], {})],
    ids=["after", "environment", "before"],
)
def test_an_unknown_language_is_refused_in_the_help_language(argv: list[str], env: dict[str, str]) -> None:
    for lang in ("ko", "en"):
        result = CliRunner().invoke(build_app(lang), argv, env=env)
        assert result.exit_code == 64, result.output
        assert result.stderr.count("\n") == 1 and ("'ko'" in result.stderr and "'en'" in result.stderr)
        assert_in_language(result.stderr, lang)


# --- where the language comes from -----------------------------------------------------------------------------
def run_pipeline(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A fresh `pipeline`, as a person starts it: the help language is chosen before the command is built."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PIPELINE_LANG", "PIPELINE_HOME")}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "--help"],
        ["--help", "--lang", "en"],
        ["--lang=en", "status", "--help"],
        ["status", "--help", "--lang", "en"],
    ],
)
def test_lang_before_or_after_the_command_picks_the_help(tmp_path: Path, argv: list[str]) -> None:
    done = run_pipeline(*argv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: pipeline") and hangul_outside_values(done.stdout) == []


def test_lang_before_or_after_the_command_picks_the_messages(tmp_path: Path) -> None:
    for argv in (["run", "--lang", "en"], ["--lang", "en", "run"]):
        done = run_pipeline(*argv, "--home", str(tmp_path), cwd=tmp_path)
        assert done.returncode == 78 and "not found (create one with `pipeline init" in done.stderr, done.stderr
    done = run_pipeline("run", "--home", str(tmp_path), cwd=tmp_path)
    assert "설정 파일이 없습니다" in done.stderr


def test_the_help_language_comes_from_the_environment_then_the_home(tmp_path: Path) -> None:
    assert help_lang([]) in ("ko", "en")
    home = _home(tmp_path)
    (home / "pipeline.toml").write_text(
        (home / "pipeline.toml").read_text(encoding="utf-8").replace('lang = "ko"', 'lang = "en"'), encoding="utf-8"
    )
    assert run_pipeline("--help", cwd=home).stdout.startswith("Usage: pipeline")  # the home asks for English
    assert run_pipeline("--help", cwd=tmp_path, env={"PIPELINE_HOME": str(home)}).stdout.startswith("Usage:")
    assert run_pipeline("--help", cwd=home, env={"PIPELINE_LANG": "ko"}).stdout.startswith("사용법:")
    assert run_pipeline("--help", "--lang", "ko", cwd=home).stdout.startswith("사용법:")
    assert run_pipeline("--help", cwd=tmp_path).stdout.startswith("사용법:")  # no home: Korean
    assert help_lang(["--home", str(home)]) == "en" and help_lang(["--home", str(tmp_path)]) == "ko"


def test_status_in_english_says_error_and_errors_as_english_does() -> None:
    from pipeline.core.i18n import tr

    text = ("", "{errors} {errors:error|errors}, {warnings} {warnings:warning|warnings}")
    assert tr(text, "en", errors=1, warnings=0) == "1 error, 0 warnings"
    assert tr(text, "en", errors=2, warnings=1) == "2 errors, 1 warning"
