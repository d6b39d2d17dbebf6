"""Every text the report, the mails and the run summary show, rendered in both languages from its own template:
English counts agree with their noun ("1 error", "2 errors") and English output holds no Korean fragment."""

from __future__ import annotations

import re
import string
from types import ModuleType

import pytest
from language import module_texts

from pipeline.core import vocabulary
from pipeline.core.i18n import Text, tr
from pipeline.mail import messages, outbox
from pipeline.night import summary
from pipeline.report import labels, outputs

MODULES: tuple[ModuleType, ...] = (messages, outbox, summary, labels, outputs, vocabulary)
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
PLURAL_AFTER_ONE = re.compile(r"\b1 (?:more are|(?:[a-z]+ )?(?:errors|warnings|agencies|goals|days|files|messages)\b)")
SINGULAR_AFTER_TWO = re.compile(r"\b2 (?:more is|(?:[a-z]+ )?(?:error|warning|agency|goal|day|file|message)\b)")


def texts() -> list[tuple[str, Text]]:
    """Every (Korean, English) pair these modules hold, alone or in a table."""
    return module_texts(MODULES)


def fill(text: Text, count: int) -> dict[str, object]:
    """Every placeholder of either language: a count, so that nouns and verbs must agree with it."""
    names = {field for template in text for _, field, _, _ in string.Formatter().parse(template) if field}
    return {name: count for name in names}


TEXTS = texts()


def test_the_modules_hold_texts() -> None:
    assert len(TEXTS) > 80


@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_english_counts_agree_with_their_noun(where: str, text: Text, count: int) -> None:
    rendered = tr(text, "en", **fill(text, count))
    wrong = PLURAL_AFTER_ONE if count == 1 else SINGULAR_AFTER_TWO
    assert not wrong.search(rendered), rendered


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_english_has_no_korean_and_korean_has_no_stray_template(where: str, text: Text) -> None:
    values = fill(text, 3)
    assert not HANGUL.search(tr(text, "en", **values)), where
    assert "|" not in tr(text, "ko", **values) or "|" in text[0]  # a plural form is English only
