"""What people type into cells, turned into typed values, or into the reason it cannot be.

Pure functions, no imports beyond the standard library. Each returns a `Parsed`: the typed value, or an error
code from the findings catalogue. Never a guess: `약 30` or `미정` is an error, not 30 or blank. Accepted forms
follow Korean office habits: thousands separators (`1,234`), surrounding spaces, full-width digits (`１２３４`),
a unit after the number (`3건`, `3,902억원`, `85%`; returned separately so the caller can compare it with the
goal's unit), and negatives written `-5`, `−5`, `△5` or `(5)`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

MAX_ABS = Decimal("1e15")
"""Largest magnitude accepted (the template's own number validation uses ±1E+15)."""
MAX_TEXT = 2000
"""Longest text cell accepted: longer is pasted data, not an entry (and would swamp the reports)."""

DASHES = frozenset({"-", "–", "—", "―", "－"})
"""A lone dash means 'nothing here' in Korean tables: read as blank, the same as an empty cell."""

_NUMBER = re.compile(
    r"""^(?P<neg>[-−△▵+]|)\s*
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<unit>[^\d\s,.+\-−△()][^\s]{0,9}|)$""",
    re.VERBOSE,
)
_EXPONENT = re.compile(r"^[eE][+-]?\d")  # 1e308 is a program's notation, not a person's
_PAREN = re.compile(r"^\((?P<inner>[^()]*)\)$")
QUALIFIERS = ("이상", "이하", "미만", "초과", "내외", "정도", "가량", "안팎", "쯤", "예정", "추정", "미정", "여", "약")
"""Words that make a number approximate or conditional (`30여건`, `100명 이상`): an error, never a guess."""
_UNIT = re.compile(r"^[%‰°A-Za-z가-힣㎡㎢㎞㎏][%‰A-Za-z가-힣0-9²³/·.]*$")

YES = frozenset({"y", "yes", "o", "○", "◯", "예", "네", "true", "1", "t", "참"})
NO = frozenset({"n", "no", "x", "×", "✕", "아니오", "아니요", "false", "0", "f", "거짓"})
ACHIEVED_WORDS = frozenset({"달성", "achieved", "done"}) | YES
MISSED_WORDS = frozenset({"미달성", "notachieved", "missed", "미달"}) | NO


@dataclass(frozen=True, slots=True)
class Parsed:
    """A typed value, or `error` (a finding code). `unit` is the unit typed after a number, if any."""

    value: Any = None
    error: str | None = None
    unit: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and self.error is None


BLANK = Parsed()


def clean(raw: Any) -> str:
    """Full-width to half-width (NFKC), trimmed, non-breaking and zero-width spaces removed."""
    text = raw if isinstance(raw, str) else str(raw)
    return _clean_short(text) if len(text) <= _SHORT else _clean(text)


def loose_key(raw: Any) -> str:
    """How closed-list labels and units are compared: `clean`, no spaces at all, case-folded (`억 원` = `억원`,
    `％` = `%`, `Y` = `y`)."""
    text = raw if isinstance(raw, str) else str(raw)
    return _loose_short(text) if len(text) <= _SHORT else _loose(text)


choice_key = unit_key = loose_key


def _clean(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII alone, and none of the characters removed below is ASCII
        return text.strip()
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u200e", "").replace("\u200f", "")
    return text.strip()


def _loose(text: str) -> str:
    return _SPACES.sub("", _clean(text)).casefold()


_SHORT = 64
"""Texts this short are cleaned once per process: a workbook repeats its methods, units and choices on every row
(hundreds of calls per file). Longer texts are not cached, so a hostile file cannot fill the cache's memory."""
_SPACES = re.compile(r"\s+")
_clean_short = lru_cache(maxsize=4096)(_clean)
_loose_short = lru_cache(maxsize=4096)(_loose)


def is_blank(raw: Any) -> bool:
    """Empty cell, spaces only, or a lone dash."""
    if raw is None:
        return True
    if isinstance(raw, str):
        text = clean(raw)
        return text == "" or text in DASHES
    return False


def plain(value: Decimal) -> str:
    """Decimal as people write it: `3902`, `0.85`, `85` (never `8.5E+1`)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form, so equal values print alike."""
    return Decimal(plain(value))


def excel_number(number: float) -> Decimal:
    """A stored double as the spreadsheet shows it: 15 significant digits (so 0.1+0.2 reads 0.3)."""
    return tidy(Decimal(format(number, ".15g")))


def _finite(value: Decimal) -> Parsed:
    if not value.is_finite():
        return Parsed(error="value.not_number")
    if abs(value) > MAX_ABS:
        return Parsed(error="value.too_large")
    return Parsed(tidy(value))


def parse_number(raw: Any) -> Parsed:
    """Cell value → Decimal. Numbers pass (NaN/inf refused); text must be a number with an optional unit after it."""
    if is_blank(raw):
        return BLANK
    if isinstance(raw, bool):
        return Parsed(error="value.not_number")
    if isinstance(raw, int):
        return _finite(Decimal(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return Parsed(error="value.not_number")
        return _finite(excel_number(raw))
    if isinstance(raw, Decimal):
        return _finite(raw)
    return _parse_number_text(clean(raw))


def _parse_number_text(text: str) -> Parsed:
    negative = False
    paren = _PAREN.match(text)
    if paren:  # accountants' (5) for -5
        text, negative = paren.group("inner").strip(), True
    match = _NUMBER.match(text)
    if not match:
        return Parsed(error="value.not_number")
    unit = match.group("unit")
    if unit and (
        not _UNIT.match(unit) or _EXPONENT.match(unit) or unit.startswith(QUALIFIERS) or unit.endswith(QUALIFIERS)
    ):
        return Parsed(error="value.not_number")
    if match.group("neg") and match.group("neg") != "+":
        if negative:
            return Parsed(error="value.not_number")  # (-5): two signs is a slip, not a number
        negative = True
    try:
        value = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return Parsed(error="value.not_number")
    parsed = _finite(-value if negative else value)
    return Parsed(parsed.value, parsed.error, unit)


def parse_int(raw: Any) -> Parsed:
    """Whole numbers (a year): `2025`, `2025.0`, `2025년` pass; `2025.5` and text do not."""
    parsed = parse_number(raw)
    if parsed.error or parsed.blank:
        return Parsed(error="value.not_integer") if parsed.error == "value.not_number" else parsed
    if parsed.value != parsed.value.to_integral_value():
        return Parsed(error="value.not_integer")
    return Parsed(int(parsed.value), unit=parsed.unit)


def _word(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return plain(Decimal(str(raw))) if math.isfinite(float(raw)) else "nan"
    return loose_key(raw)


def _parse_bool(raw: Any, true_words: Collection[str], false_words: Collection[str], error: str) -> Parsed:
    if is_blank(raw):
        return BLANK
    word = _word(raw)
    if word in true_words:
        return Parsed(True)
    if word in false_words:
        return Parsed(False)
    return Parsed(error=error)


def parse_yes_no(raw: Any) -> Parsed:
    """Y/N, O/X, 예/아니오, yes/no, true/false, 1/0 → bool."""
    return _parse_bool(raw, YES, NO, "value.unknown_choice")


def parse_achieved(raw: Any) -> Parsed:
    """달성/미달성 (and every yes/no form) → bool, for the milestone method."""
    return _parse_bool(raw, ACHIEVED_WORDS, MISSED_WORDS, "goal.achieved_value")


def parse_choice(options: dict[str, tuple[str, str]], raw: Any, aliases: dict[str, str] | None = None) -> Parsed:
    """A closed-list cell → its canonical code; an unknown label is returned as typed for the schema to reject."""
    if is_blank(raw):
        return BLANK
    key = choice_key(raw)
    for code, labels in options.items():
        if key in (choice_key(code), choice_key(labels[0]), choice_key(labels[1])):
            return Parsed(code)
    if aliases and key in aliases:
        return Parsed(aliases[key])
    return Parsed(clean(raw))


def parse_text(raw: Any, limit: int = MAX_TEXT) -> Parsed:
    """Free text, trimmed; numbers as people see them (`1` not `1.0`); over `limit` characters is an error."""
    if is_blank(raw):
        return BLANK
    if isinstance(raw, float) and math.isfinite(raw):
        text = plain(excel_number(raw))
    elif isinstance(raw, Decimal):
        text = plain(raw)
    else:
        text = clean(raw)
    if len(text) > limit:
        return Parsed(error="cell.too_long")
    return Parsed(text)
