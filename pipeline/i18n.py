"""Korean by default, English on request: the one rule for every text a person reads.

Each module keeps its own table of `(ko, en)` pairs next to the code that uses them (the findings catalogue,
the report's labels, the mail bodies); this module only chooses and fills them.
"""

from __future__ import annotations

LANGS = ("ko", "en")

Text = tuple[str, str]
"""A text in both languages: (Korean, English)."""


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use 'ko' or 'en'")
    return lang


def tr(text: Text, lang: str, /, **values: object) -> str:
    """Pick the language and fill `{placeholders}`."""
    template = text[1] if lang == "en" else text[0]
    return template.format(**values) if values else template
