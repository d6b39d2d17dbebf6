"""pipeline.toml: a good file gives typed settings; every mistake gives one line naming the file and the key.

The officer who edits the file reads only that line, so each test checks the line itself: one line, starts with
the file name, names the key, says what is wrong, and never echoes a secret.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.exit_codes import Exit
from pipeline.settings.home import init_home, resolve_home
from pipeline.settings.load import ConfigError, load_config, parse_config
from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.settings.schema import Adjustment

ADJUSTMENT = Adjustment("GMRT", Decimal("1.5"), "국내 최초 ISO 10002 인증")


def good_text() -> str:
    """The file `pipeline init` writes, plus one committee adjustment so that [[adjustments]] is exercised."""
    return render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-15", adjustments=[ADJUSTMENT])


def parse(text: str, tmp_path: Path):
    return parse_config(text, home=tmp_path)


def edited(old: str, new: str) -> str:
    text = good_text()
    assert text.count(old) == 1, f"the edit must hit exactly one place: {old!r}"
    return text.replace(old, new)


# --- a good file ----------------------------------------------------------------------------------------------
def test_the_init_file_loads_with_the_scoring_defaults(tmp_path: Path) -> None:
    config = parse(good_text(), tmp_path)
    assert config.evaluation.year == 2026
    assert config.evaluation.lang == "ko"
    assert str(config.evaluation.deadline) == "2026-12-15"
    assert [a.code for a in config.agencies] == ["GMRT", "GGCA"]
    assert config.agency("GMRT").group == "공사·공단"
    assert config.scoring.grades == (
        ("S", Decimal(90)),
        ("A", Decimal(80)),
        ("B", Decimal(70)),
        ("C", Decimal(60)),
        ("D", Decimal(0)),
    )
    assert config.scoring.qualitative_points["양호"] == Decimal(80)
    assert config.scoring.max_bonus == Decimal(3)
    assert config.scoring.range_margin_major == Decimal("0.2")
    assert config.scoring.deviation_k_other == Decimal(1)
    assert config.scoring.excellence.rule == "grades"
    assert config.scoring.excellence.grades == ("S", "A")
    assert config.scoring.adjustments[0].points == Decimal("1.5")
    assert config.batch.min_file_age_seconds == 60
    assert config.mail.transport == "file"
    assert config.mail.smtp.password_env == "PIPELINE_SMTP_PASSWORD"


def test_paths_are_relative_to_the_home(tmp_path: Path) -> None:
    config = parse(good_text(), tmp_path)
    assert config.paths.inbox == (tmp_path / "inbox").resolve()
    assert config.paths.state == (tmp_path / "state").resolve()


def test_load_config_reads_the_file_in_the_home(tmp_path: Path) -> None:
    init_home(tmp_path, text=good_text())
    config = load_config(tmp_path)
    assert config.source == tmp_path / "pipeline.toml"
    assert config.home == tmp_path.resolve()


# --- one clear line per mistake -------------------------------------------------------------------------------
MISTAKES = [
    # (id, old text, new text, key the line must name, words the line must contain)
    ("missing key", "year = 2026\n", "", "[evaluation].year", "missing key"),
    ("wrong type", "year = 2026\n", 'year = "2026"\n', "[evaluation].year", "must be an integer"),
    ("wrong type nested", "max_file_size_mb = 20", 'max_file_size_mb = "big"', "[batch].max_file_size_mb", "must be"),
    (
        "unknown grade in excellence",
        'grades = ["S", "A"]',
        'grades = ["S", "X"]',
        "[scoring.excellence].grades",
        "unknown grade 'X'",
    ),
    (
        "unknown qualitative grade",
        '"아주미흡" = 50 }',
        '"최악" = 50 }',
        "[scoring].qualitative_points",
        "unknown grade '최악'",
    ),
    (
        "thresholds not decreasing",
        "grades = { S = 90, A = 80,",
        "grades = { S = 80, A = 90,",
        "[scoring].grades",
        "thresholds must decrease",
    ),
    ("last grade not at 0", "C = 60, D = 0 }", "C = 60, D = 10 }", "[scoring].grades", "must start at 0"),
    (
        "unknown agency in adjustments",
        'agency = "GMRT"',
        'agency = "NOPE"',
        "[[adjustments]] #1.agency",
        "unknown agency code 'NOPE'",
    ),
    ("bonuses over max_bonus", "points = 1.5", "points = 4", "[[adjustments]] #1.points", "over [scoring].max_bonus"),
    (
        "password in smtp",
        'password_env = "PIPELINE_SMTP_PASSWORD"',
        'password = "hunter2"',
        "[mail.smtp].password",
        "never put a password",
    ),
    (
        "unknown key",
        "max_file_size_mb = 20",
        "max_file_size_mb = 20\nmax_file_age = 3",
        "[batch]",
        "unknown key 'max_file_age'",
    ),
    ("unknown section", "[paths]", "[pathz]", "top level", "unknown key 'pathz'"),
    ("bad language", 'lang = "ko"', 'lang = "jp"', "[evaluation].lang", "'ko' or 'en'"),
    (
        "bad e-mail",
        'email = "eval@grtc.example.kr"',
        'email = "a@x.kr, b@x.kr"',
        "[[agencies]] #1.email",
        "not a single e-mail address",
    ),
    ("duplicate agency", 'code = "GGCA"', 'code = "GMRT"', "[[agencies]] #2.code", "duplicate agency code"),
    ("excellence rule", 'rule = "grades"', 'rule = "best"', "[scoring.excellence].rule", "unknown rule 'best'"),
    (
        "negative file age",
        "min_file_age_seconds = 60",
        "min_file_age_seconds = -1",
        "[batch].min_file_age_seconds",
        "must not be negative",
    ),
]


@pytest.mark.parametrize(("old", "new", "key", "words"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_mistake_gives_one_line_naming_file_and_key(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(edited(old, new), tmp_path)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"pipeline.toml: {key}"), line
    assert words in line


def test_a_password_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(edited('password_env = "PIPELINE_SMTP_PASSWORD"', 'password = "hunter2"'), tmp_path)
    assert "hunter2" not in str(caught.value)


def test_missing_agencies_says_how_to_list_them(tmp_path: Path) -> None:
    text = good_text()
    start, end = text.index("[[agencies]]"), text.index("[scoring]")
    with pytest.raises(ConfigError, match=r"^pipeline\.toml: \[\[agencies\]\]: missing"):
        parse(text[:start] + text[end:], tmp_path)


def test_not_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^pipeline\.toml: not valid TOML"):
        parse(good_text() + "\n[evaluation\n", tmp_path)


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "not found" in str(caught.value)
    assert f"pipeline init {tmp_path.resolve()}" in str(caught.value)


def test_exit_code_for_configuration_errors_is_78() -> None:
    assert Exit.CONFIG == 78  # EX_CONFIG of sysexits.h, what schedulers and monitoring expect


# --- where the home is ------------------------------------------------------------------------------------------
def test_home_is_the_option_then_the_environment_then_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    option, env, cwd = tmp_path / "option", tmp_path / "env", tmp_path / "cwd"
    for folder in (option, env, cwd):
        folder.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("PIPELINE_HOME", raising=False)
    assert resolve_home(None) == cwd.resolve()
    monkeypatch.setenv("PIPELINE_HOME", str(env))
    assert resolve_home(None) == env.resolve()
    assert resolve_home(option) == option.resolve()
    assert resolve_home(str(option)) == option.resolve()
