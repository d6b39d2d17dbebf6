"""Korean by default, English on request: the one rule for every text a person reads.

Each module keeps its own table of `(ko, en)` pairs next to the code that uses them (the findings catalogue,
the report's labels, the mail bodies); this module only chooses and fills them.

Korean particles depend on the sound of the word before them (`미정이`, `2025가`, `100으로`). Templates write
both forms as people do on paper, `이(가)`, `을(를)`, `은(는)`, `과(와)`, `(으)로`, and `tr` picks the right
one for the value that was filled in, so a submitter reads natural Korean rather than a form letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGS = ("ko", "en")

Text = tuple[str, str]
"""A text in both languages: (Korean, English)."""


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A value we wrote in words rather than one quoted from the input (why a file cannot be read, a limit), given
    in both languages and shown in the reader's: a finding's parameter, kept in the ledger as `{"ko": …, "en": …}`.
    `str` is the English (the docs page)."""

    ko: str
    en: str

    def __str__(self) -> str:
        return self.en

    def pick(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use 'ko' or 'en'")
    return lang


def tr(text: Text, lang: str, /, **values: object) -> str:
    """Pick the language, fill `{placeholders}`, and settle Korean particles.

    A count chooses its noun in English with `{n:one|many}`: `"{n} {n:error|errors}"` reads "1 error",
    "2 errors" (Korean counts need no plural: `오류 {n}건`)."""
    template = text[1] if lang == "en" else text[0]
    if not values:
        return template if lang == "en" else settle_particles(template)
    counts = {k: _Count(v) if type(v) is int else v for k, v in values.items()}
    filled = template.format(**counts)
    return filled if lang == "en" else settle_particles(filled)


class _Count(int):
    """An int that also formats as a noun: `format(_Count(1), "agency|agencies")` is "agency"."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return one if self == 1 else many
        return int.__format__(self, spec)


# --- Korean particles --------------------------------------------------------------------------------------
_DIGIT_CODA = {"0": "ng", "1": "l", "2": "", "3": "m", "4": "", "5": "", "6": "k", "7": "l", "8": "l", "9": ""}
_LATIN_CODA = {"l": "l", "m": "m", "n": "n", "r": "l"}  # as Korean readers pronounce a final letter
_CLOSERS = "'\"’”)]}」』>%"
_PARTICLE = re.compile(
    r"(?P<word>[^\s(])(?P<closers>[" + re.escape(_CLOSERS) + r"]*)"
    r"(?P<p>이\(가\)|을\(를\)|은\(는\)|과\(와\)|아\(야\)|\(으\)로)"
)
_FORMS = {
    "이(가)": ("이", "가"),
    "을(를)": ("을", "를"),
    "은(는)": ("은", "는"),
    "과(와)": ("과", "와"),
    "아(야)": ("아", "야"),
}


def final_sound(char: str) -> str:
    """'' for an open syllable, 'l' for a final ㄹ, another non-empty string for any other final consonant."""
    code = ord(char) - 0xAC00
    if 0 <= code < 11172:
        coda = code % 28
        return "" if coda == 0 else "l" if coda == 8 else "c"
    if char in _DIGIT_CODA:
        return _DIGIT_CODA[char]
    return _LATIN_CODA.get(char.lower(), "")


def _particle(match: re.Match[str]) -> str:
    sound = final_sound(match["word"])
    if match["closers"].endswith("%"):
        sound = ""  # 퍼센트
    p = match["p"]
    if p == "(으)로":
        chosen = "로" if sound in ("", "l") else "으로"
    else:
        with_coda, without = _FORMS[p]
        chosen = with_coda if sound else without
    return match["word"] + match["closers"] + chosen


def settle_particles(text: str) -> str:
    return _PARTICLE.sub(_particle, text)
