"""Is a text a person reads in one language? Korean output holds no English sentence, English output no Hangul.

Code stays as written in either language: option names (`--lang`), paths and file names, keys (`[batch].x`),
metavars (`FILE`), command names, and values quoted from the user's own input ('미정', "hunter"). What is left
is what we wrote for people, and that must be in the language asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

_QUOTED = re.compile(r"`[^`]*`|'[^'\n]*'|\"[^\"\n]*\"|‘[^’\n]*’")
_CODE_WORDS = {"pipeline", "true", "false", "ko", "en", "init", "template", "validate", "run", "status", "report"}
_CODE_WORDS |= {"rollover", "finalize", "plan", "committee", "confirm", "show", "book", "sheet", "merge"}
_CODE_WORDS |= {"demo", "json", "xlsx", "toml", "smtp", "file", "starttls", "ssl", "none", "grades", "top_n"}
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def _is_word(token: str) -> bool:
    """An English word as a sentence has it: letters only (punctuation around), some lower case, not code."""
    core = token.strip("()[]{}<>,.;:!?…")
    return core.isascii() and core.isalpha() and not core.isupper() and core.lower() not in _CODE_WORDS


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words outside code and quoted values: what a Korean text must not hold."""
    found = []
    for line in text.splitlines():
        run: list[str] = []
        for token in [*_QUOTED.sub(" § ", line).split(), "§"]:
            if _is_word(token):
                run.append(token)
                continue
            if len(run) >= 3:
                found.append(" ".join(run))
            run = []
    return found


def hangul_outside_values(text: str) -> list[str]:
    """Lines with Hangul outside quoted values and paths: what an English text must not hold."""
    found = []
    for line in text.splitlines():
        bare = " ".join(t for t in _QUOTED.sub(" ", line).split() if "/" not in t and ".xlsx" not in t)
        if _HANGUL.search(bare):
            found.append(line)
    return found


def is_text(value: object) -> bool:
    """A (Korean, English) pair, as `pipeline.core.i18n.Text` is written."""
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value)


def module_texts(modules: Iterable[ModuleType]) -> list[tuple[str, tuple[str, str]]]:
    """Every (Korean, English) pair these modules hold, alone or in a table, named where it stands."""
    found: list[tuple[str, tuple[str, str]]] = []
    for module in modules:
        for name, value in vars(module).items():
            if is_text(value):
                found.append((f"{module.__name__}.{name}", value))
            elif isinstance(value, dict):
                found += [(f"{module.__name__}.{name}[{k}]", v) for k, v in value.items() if is_text(v)]
    return found
