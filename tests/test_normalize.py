"""What people type → typed values, or the reason it cannot be (never a guess)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.read import normalize as nz


@pytest.mark.parametrize(
    ("typed", "value", "unit"),
    [
        ("1,234", "1234", ""),
        (" 1234 ", "1234", ""),
        ("１２３４", "1234", ""),
        ("3건", "3", "건"),
        ("3,902억원", "3902", "억원"),
        ("12명", "12", "명"),
        ("85%", "85", "%"),
        ("85 ％", "85", "%"),
        ("△5", "-5", ""),
        ("(5)", "-5", ""),
        ("-5", "-5", ""),
        ("−5", "-5", ""),
        ("+3", "3", ""),
        ("0.85", "0.85", ""),
        ("1,234.5", "1234.5", ""),
        ("120㎡", "120", "m2"),
        (3902, "3902", ""),
        (0.1 + 0.2, "0.3", ""),  # the value a spreadsheet shows (15 significant digits)
        (3.0, "3", ""),
    ],
)
def test_numbers_people_type(typed: object, value: str, unit: str) -> None:
    parsed = nz.parse_number(typed)
    assert parsed.error is None
    assert parsed.value == Decimal(value)
    assert parsed.unit == unit


@pytest.mark.parametrize(
    "typed",
    [
        "약 30",
        "미정",
        "30여건",
        "100명 이상",
        "1,23",
        "1 234",
        "nan",
        "inf",
        "1e308",
        "(-5)",
        "N/A",
        "?",
        True,
        float("nan"),
        float("inf"),
    ],
)
def test_not_numbers_are_errors_never_guesses(typed: object) -> None:
    assert nz.parse_number(typed).error == "value.not_number"


def test_huge_numbers_are_refused() -> None:
    assert nz.parse_number(1e308).error == "value.too_large"
    assert nz.parse_number("10,000,000,000,000,000").error == "value.too_large"


@pytest.mark.parametrize("typed", [None, "", "   ", "-", "—", "－"])
def test_blank_and_lone_dash_are_blank(typed: object) -> None:
    assert nz.parse_number(typed).blank


@pytest.mark.parametrize("typed", ["Y", "y", "O", "○", "예", "네", "yes", "TRUE", True, 1, "1"])
def test_yes(typed: object) -> None:
    assert nz.parse_yes_no(typed).value is True


@pytest.mark.parametrize("typed", ["N", "X", "×", "아니오", "아니요", "no", "false", False, 0, "0"])
def test_no(typed: object) -> None:
    assert nz.parse_yes_no(typed).value is False


def test_yes_no_unknown() -> None:
    assert nz.parse_yes_no("아마").error == "value.unknown_choice"


@pytest.mark.parametrize(
    ("typed", "achieved"),
    [
        ("달성", True),
        ("미달성", False),
        (" 미 달 성 ", False),
        ("Y", True),
        ("X", False),
        ("achieved", True),
        ("not achieved", False),
    ],
)
def test_achieved(typed: str, achieved: bool) -> None:
    assert nz.parse_achieved(typed).value is achieved


def test_achieved_unknown() -> None:
    assert nz.parse_achieved("진행중").error == "goal.achieved_value"


def test_year() -> None:
    assert nz.parse_int("2025").value == 2025
    assert nz.parse_int(2025.0).value == 2025
    assert nz.parse_int("2025년").value == 2025
    assert nz.parse_int("2025.5").error == "value.not_integer"
    assert nz.parse_int("올해").error == "value.not_integer"


def test_choice_labels_codes_and_spacing() -> None:
    from pipeline.core.layout import METHODS

    assert nz.parse_choice(METHODS, "목표부여 (편차)").value == "deviation"
    assert nz.parse_choice(METHODS, "Target ratio").value == "ratio"
    assert nz.parse_choice(METHODS, "ｒａｔｉｏ").value == "ratio"
    assert nz.parse_choice(METHODS, "기타").value == "기타"  # unknown: left for the schema to reject


def test_text_is_trimmed_and_bounded() -> None:
    assert nz.parse_text("  보고서 ").value == "보고서"
    assert nz.parse_text(1.0).value == "1"
    assert nz.parse_text("가" * (nz.MAX_TEXT + 1)).error == "cell.too_long"


def test_plain_never_uses_exponents() -> None:
    assert nz.plain(Decimal("1E+2")) == "100"
    assert nz.plain(Decimal("85.00")) == "85"
    assert nz.plain(Decimal("0.850")) == "0.85"


@pytest.mark.parametrize("pad", [0, 100])  # short texts go through the per-process cache, long ones do not
def test_clean_and_loose_key_are_the_same_for_short_and_long_texts(pad: int) -> None:
    from pipeline.read.normalize import clean, loose_key

    body = "가" * pad
    assert clean(f"\u200b １２３{body}\u00a0") == f"123{body}"
    assert loose_key(f" 억 원{body}") == f"억원{body}" and loose_key(f"Ｙ{body}") == f"y{body}"
    assert clean(2025.0) == "2025.0" and loose_key(None) == "none"


def test_every_parser_reads_an_empty_cell_as_blank() -> None:
    """validate.typed skips the parser for an empty cell on the strength of this."""
    from pipeline.core.layout import METHODS

    parsers = [nz.parse_text, nz.parse_number, nz.parse_int, nz.parse_yes_no, nz.parse_achieved]
    parsers.append(lambda v: nz.parse_choice(METHODS, v))
    for parse in parsers:
        assert parse(None) is nz.BLANK
