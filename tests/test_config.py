"""pipeline.toml: a good file gives typed settings; every mistake gives one line naming the file and the key.

The officer who edits the file reads only that line, so each test checks the line itself: one line, starts with
the file name, names the key, says what is wrong, and never echoes a secret.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from language import english_sentences, hangul_outside_values

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
    # (id, old text, new text, key the line must name, English words, Korean words)
    ("missing key", "year = 2026\n", "", "[evaluation].year", "missing key", "항목이 없습니다"),
    ("wrong type", "year = 2026\n", 'year = "2026"\n', "[evaluation].year", "must be an integer", "정수로 써야"),
    (
        "wrong type nested",
        "max_file_size_mb = 20",
        'max_file_size_mb = "big"',
        "[batch].max_file_size_mb",
        "must be",
        "써야 합니다",
    ),
    (
        "unknown grade in excellence",
        'grades = ["S", "A"]',
        'grades = ["S", "X"]',
        "[scoring.excellence].grades",
        "unknown grade 'X'",
        "알 수 없는 등급 'X'",
    ),
    (
        "unknown qualitative grade",
        '"아주미흡" = 50 }',
        '"최악" = 50 }',
        "[scoring].qualitative_points",
        "unknown grade '최악'",
        "알 수 없는 등급 '최악'",
    ),
    (
        "thresholds not decreasing",
        "grades = { S = 90, A = 80,",
        "grades = { S = 80, A = 90,",
        "[scoring].grades",
        "thresholds must decrease",
        "작아져야",
    ),
    ("last grade not at 0", "C = 60, D = 0 }", "C = 60, D = 10 }", "[scoring].grades", "must start at 0", "0점에서"),
    (
        "unknown agency in adjustments",
        'agency = "GMRT"',
        'agency = "NOPE"',
        "[[adjustments]] #1.agency",
        "unknown agency code 'NOPE'",
        "등록되지 않은 기관코드 'NOPE'",
    ),
    (
        "bonuses over max_bonus",
        "points = 1.5",
        "points = 4",
        "[[adjustments]] #1.points",
        "over [scoring].max_bonus",
        "[scoring].max_bonus 3점을 넘습니다",
    ),
    (
        "password in smtp",
        'password_env = "PIPELINE_SMTP_PASSWORD"',
        'password = "hunter2"',
        "[mail.smtp].password",
        "never put a password",
        "비밀번호는 파일에 쓰지 마세요",
    ),
    (
        "unknown key",
        "max_file_size_mb = 20",
        "max_file_size_mb = 20\nmax_file_age = 3",
        "[batch]",
        "unknown key 'max_file_age'",
        "알 수 없는 항목 'max_file_age'",
    ),
    (
        "unknown section",
        "[paths]",
        "[pathz]",
        "",
        "top level: unknown key 'pathz'",
        "파일 맨 위: 알 수 없는 항목 'pathz'",
    ),
    ("bad language", 'lang = "ko"', 'lang = "jp"', "[evaluation].lang", "'ko' or 'en'", "'ko', 'en' 중 하나"),
    (
        "two e-mails in one",
        'email = "eval@grtc.example.kr"',
        'email = "a@x.kr, b@x.kr"',
        "[[agencies]] #1.email",
        "one e-mail address",
        "전자우편 주소 하나",
    ),
    (
        "duplicate agency",
        'code = "GGCA"',
        'code = "GMRT"',
        "[[agencies]] #2.code",
        "duplicate agency code 'GMRT' (also in [[agencies]] #1)",
        "기관코드 'GMRT'가 [[agencies]] #1에도 있습니다",
    ),
    (
        "excellence rule",
        'rule = "grades"',
        'rule = "best"',
        "[scoring.excellence].rule",
        "unknown rule 'best'",
        "알 수 없는 규칙 'best'",
    ),
    (
        "negative file age",
        "min_file_age_seconds = 60",
        "min_file_age_seconds = -1",
        "[batch].min_file_age_seconds",
        "must not be negative",
        "음수일 수 없습니다",
    ),
]
"""Every mistake the reader catches: the line names the key and says what is wrong, in either language."""


def mistake_line(text: str, tmp_path: Path, lang: str | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, home=tmp_path, lang=lang)
    return str(caught.value)


def assert_one_line(line: str, key: str, words: str, lang: str) -> None:
    """One line, the file and the key first, the words of the mistake, and nothing in the other language."""
    assert "\n" not in line
    assert line.startswith(f"pipeline.toml: {key}"), line
    assert words in line, line
    if lang == "ko":
        assert english_sentences(line) == [], line
    else:
        assert hangul_outside_values(line) == [], line


@pytest.mark.parametrize(("old", "new", "key", "en", "ko"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_mistake_gives_one_line_naming_file_and_key(
    tmp_path: Path, old: str, new: str, key: str, en: str, ko: str
) -> None:
    text = edited(old, new)
    assert_one_line(mistake_line(text, tmp_path), key, ko, "ko")  # Korean unless asked otherwise
    assert_one_line(mistake_line(text, tmp_path, lang="en"), key, en, "en")  # `--lang en`
    if "lang" not in old:  # a file that asks for English gets its mistakes told in English
        english_file = text.replace('lang = "ko"', 'lang = "en"')
        assert_one_line(mistake_line(english_file, tmp_path), key, en, "en")


SILENT_MISTAKES = [
    # (id, old text, new text, key, English words, Korean words): mistakes that used to pass without a word
    *(
        (f"e-mail {bad!r}", 'email = "eval@grtc.example.kr"', f'email = "{bad}"', "[[agencies]] #1.email", bad, bad)
        for bad in ("plan@@x.kr", "plan@x", "plan", "@x.kr", "plan@x..kr", "plan@.x.kr", "pl an@x.kr", "plan@x.kr.")
    ),
    ("office e-mail", "to = [", 'to = ["office@x",', "[mail].to", "office@x", "office@x"),
    (
        "sender e-mail",
        'from = "evaluation@example.go.kr"',
        'from = "evaluation"',
        "[mail].from",
        "'evaluation'",
        "'evaluation'",
    ),
    *(
        (f"code {bad!r}", 'code = "GMRT"', f'code = "{bad}"', "[[agencies]] #1.code", "letters, digits", "글자, 숫자")
        for bad in ("HB/SS", "HB\\\\SS", "..", "GM RT", "HB:SS", "-x", "A" * 41, "GM*", "결과?")
    ),
    (
        "codes equal ignoring case",
        'code = "GGCA"',
        'code = "gmrt"',
        "[[agencies]] #2.code",
        "differs from 'GMRT' in [[agencies]] #1 only in case",
        "'GMRT'와 대소문자만 다릅니다",
    ),
    *(
        (
            f"duplicate name {name!r}",
            'name = "광주그린카진흥원"',
            f'name = "{name}"',
            "[[agencies]] #2.name",
            "duplicate agency name",
            "기관명",
        )
        for name in ("광주도시철도공사", "광주 도시철도공사", " 광주도시철도공사 ")
    ),
    *(
        (
            f"deadline {day}",
            "results_deadline = 2026-12-15",
            f"results_deadline = {day}",
            "[calendar].results_deadline",
            "not in the evaluation year 2026",
            "평가연도 2026년 안에 있지 않습니다",
        )
        for day in ("2025-12-15", "2027-01-10", "2062-12-15")
    ),
    *(
        (
            f"deadline {value}",
            "results_deadline = 2026-12-15",
            f"results_deadline = {value}",
            "[calendar].results_deadline",
            "without",
            "없이",
        )
        for value in ('"12월 15일"', '"2026/12/15"', "20261215", "2026-12-15T18:00:00", "true")
    ),
]
"""Each class of mistake with several examples: the check is of the class, not of the one example in the issue."""


@pytest.mark.parametrize(
    ("old", "new", "key", "en", "ko"), [m[1:] for m in SILENT_MISTAKES], ids=[m[0] for m in SILENT_MISTAKES]
)
def test_mistakes_that_used_to_pass_are_caught(tmp_path: Path, old: str, new: str, key: str, en: str, ko: str) -> None:
    text = edited(old, new)
    assert_one_line(mistake_line(text, tmp_path), key, ko, "ko")
    assert_one_line(mistake_line(text, tmp_path, lang="en"), key, en, "en")


def test_good_codes_names_and_addresses_still_load(tmp_path: Path) -> None:
    text = edited('code = "GGCA"', 'code = "GJ-01_철도"').replace(
        '"eval@greencar.example.kr"', '"plan.team+2026@gj.go.kr"'
    )
    config = parse(text, tmp_path)
    assert config.agencies[1].code == "GJ-01_철도"
    assert config.agencies[1].email == "plan.team+2026@gj.go.kr"


def test_a_quoted_date_is_taken_as_the_date(tmp_path: Path) -> None:
    config = parse(edited("deadline = 2026-12-15", 'deadline = "2026-12-15"'), tmp_path)
    assert config.evaluation.deadline == date(2026, 12, 15)


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""], ids=["Notepad's BOM", "no BOM"])
def test_utf8_with_or_without_bom_loads(tmp_path: Path, bom: bytes) -> None:
    init_home(tmp_path, text=good_text())
    (tmp_path / "pipeline.toml").write_bytes(bom + good_text().encode("utf-8"))
    assert load_config(tmp_path).agencies[0].name == "광주도시철도공사"


ENCODINGS = [
    # (encoding Notepad or Excel may save in, English words, Korean words)
    ("cp949", "CP949/EUC-KR", "CP949/EUC-KR"),
    ("euc-kr", "CP949/EUC-KR", "CP949/EUC-KR"),
    ("utf-16", "UTF-16", "UTF-16"),
    ("utf-16-le", "UTF-16", "UTF-16"),
    ("utf-16-be", "UTF-16", "UTF-16"),
]


@pytest.mark.parametrize(("encoding", "en", "ko"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_a_file_not_in_utf8_is_named_with_how_to_fix_it(tmp_path: Path, encoding: str, en: str, ko: str) -> None:
    init_home(tmp_path, text=good_text())
    (tmp_path / "pipeline.toml").write_bytes(good_text().encode(encoding))
    for lang, words in (("ko", ko), ("en", en)):
        with pytest.raises(ConfigError) as caught:
            load_config(tmp_path, lang=lang)
        line = str(caught.value)
        assert line.startswith("pipeline.toml: ") and words in line and "UTF-8" in line, line
        assert "\n" not in line and "codec" not in line
        assert (english_sentences if lang == "ko" else hangul_outside_values)(line) == [], line


def test_a_file_with_stray_bytes_says_which_line(tmp_path: Path) -> None:
    init_home(tmp_path, text=good_text())
    (tmp_path / "pipeline.toml").write_bytes(b"# ok\n# \xff\xfe\xfd broken\n" + good_text().encode())
    with pytest.raises(ConfigError, match=r"^pipeline\.toml: 2번째 줄이 UTF-8 글자가 아닙니다"):
        load_config(tmp_path)


def test_a_password_is_never_echoed(tmp_path: Path) -> None:
    text = edited('password_env = "PIPELINE_SMTP_PASSWORD"', 'password = "hunter2"')
    for lang in ("ko", "en"):
        assert "hunter2" not in mistake_line(text, tmp_path, lang)
    assert "hunter2" not in mistake_line(text.replace('password = "hunter2"', "password = hunter2"), tmp_path)


def test_missing_agencies_says_how_to_list_them(tmp_path: Path) -> None:
    text = good_text()
    start, end = text.index("[[agencies]]"), text.index("[scoring]")
    line = mistake_line(text[:start] + text[end:], tmp_path)
    assert line.startswith("pipeline.toml: [[agencies]]: 기관이 없습니다")


def test_not_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    text = good_text() + "\n[evaluation\n"
    line = mistake_line(text, tmp_path)
    assert line.startswith(f"pipeline.toml: {text.count(chr(10))}번째 줄"), line
    assert english_sentences(line) == []
    assert mistake_line(text, tmp_path, lang="en").startswith("pipeline.toml: not valid TOML")


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    for lang, words in (("ko", "설정 파일이 없습니다"), ("en", "not found")):
        with pytest.raises(ConfigError) as caught:
            load_config(tmp_path, lang=lang)
        assert words in str(caught.value)
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
