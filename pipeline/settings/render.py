"""The commented `pipeline.toml`, written from the settings' dataclasses (`settings.schema`).

Every key is written with its field's default and the comment its field carries, so that `pipeline init`'s file,
the demo city's and the tests' read the same way and every default of the scoring spec is visible to the officer
who edits it. What is not a default (the agencies, the year, the deadline, the office's address, the committee's
adjustments, the demo's file age) is given per call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import Field, fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.settings.schema import (
    CONFIG_NAME,
    Adjustment,
    Agency,
    Batch,
    Calendar,
    Committee,
    Config,
    Department,
    Evaluation,
    Mail,
    Member,
    Paths,
    Scoring,
    toml_key,
)

EXAMPLE_AGENCIES = (
    Agency("GMRT", "광주도시철도공사", "공사·공단", "교통정책과", "eval@grtc.example.kr"),
    Agency("GGCA", "광주그린카진흥원", "출자·출연기관", "미래차산업과", "eval@greencar.example.kr"),
)
"""The agencies of the file `pipeline init` writes, to be replaced by the real ones."""

_HEADER = """\
# pipeline.toml: settings of the yearly public-agency evaluation.
# Every key below shows its default. Paths are relative to this file's folder.
"""
_COMMENT_COLUMN = 28  # where a comment beside a key starts …
_COMMENT_STEP = 14  # … or this many columns further on, past a long key and value
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def render_config(
    agencies: Iterable[Agency],
    year: int,
    deadline: str | None,
    adjustments: Iterable[Adjustment] = (),
    min_file_age_seconds: float = Batch.min_file_age_seconds,
    office: str = Mail.sender,
    agency_folders: bool = Batch.agency_folders,
    members: Iterable[Member] = (),
    departments: Iterable[Department] = (),
) -> str:
    """The commented pipeline.toml: every setting present with its default, so nothing is hidden.

    `deadline` (YYYY-MM-DD, in `year`) may be None: no deadline, no reminders.
    """
    agencies, adjustments = tuple(agencies), tuple(adjustments)
    batch = Batch(min_file_age_seconds=min_file_age_seconds, agency_folders=agency_folders)
    committee = Committee(members=tuple(members))
    settings = replace(
        _settings(agencies, year, deadline, adjustments, batch, office, committee), departments=tuple(departments)
    )
    # Comments line up as in the file of the defaults (`pipeline init`'s): a value given per call keeps that spacing.
    reference = _settings(agencies, year, deadline, adjustments, Batch(), Mail.sender, committee)
    return "\n".join([_HEADER, *_tables("", settings, reference)])


def _settings(
    agencies: tuple[Agency, ...],
    year: int,
    deadline: str | None,
    adjustments: tuple[Adjustment, ...],
    batch: Batch,
    office: str,
    committee: Committee,
) -> Config:
    """The defaults, with what is given per call filled in."""
    return Config(
        home=Path(),
        source=Path(CONFIG_NAME),
        evaluation=Evaluation(
            year=year,
            title=f"{year}년 공공기관 성과창출 평가 결과",
        ),
        calendar=Calendar(results_deadline=date.fromisoformat(deadline) if deadline else None),
        agencies=agencies,
        scoring=Scoring(adjustments=adjustments),
        paths=Paths(),
        batch=batch,
        mail=Mail(sender=office, to=(office,)),
        committee=committee,
    )


def _tables(name: str, settings: Any, reference: Any) -> Iterator[str]:
    """The table `[name]` of one settings dataclass with its keys, then its own tables and table arrays."""
    keys: list[str] = []
    later: list[Iterator[str]] = []
    for f in fields(settings):
        if not f.metadata.get("toml", True):
            continue
        key, value = toml_key(f), getattr(settings, f.name)
        if f.metadata.get("table_array"):
            nested = f.metadata.get("nested") and name
            later.append(_table_array(f"{name}.{key}" if nested else key, value, f))
        elif is_dataclass(value):
            later.append(_tables(f"{name}.{key}" if name else key, value, getattr(reference, f.name)))
        elif value is not None:
            keys.append(_key(key, value, getattr(reference, f.name), f))
    if name:
        yield f"[{name}]\n" + "".join(keys)
    for tables in later:
        yield from tables


def _table_array(name: str, items: tuple[Any, ...], f: Field) -> Iterator[str]:
    """One `[[name]]` table per item (written at the top level), or the field's example when there is none."""
    above = _above(f)
    if not items:
        yield above + f.metadata.get("when_empty", "")
    for i, item in enumerate(items):
        keys = "".join(_key(toml_key(g), getattr(item, g.name), getattr(item, g.name), g) for g in fields(item))
        yield (above if i == 0 else "") + f"[[{name}]]\n" + keys


def _key(key: str, value: Any, reference: Any, f: Field) -> str:
    """`key = value`, with the field's comment beside it (a comment's second line lines up under its first)."""
    line = f"{key} = {_value(value)}"
    comment = f.metadata.get("comment", "")
    if not comment:
        return _above(f) + line + "\n"
    reference_line = f"{key} = {_value(reference)}"
    column = _COMMENT_COLUMN
    while len(reference_line) + 2 > column:
        column += _COMMENT_STEP
    gap = " " * (column - len(reference_line))
    first, *more = comment.splitlines()
    indent = " " * (len(line) + len(gap))
    return _above(f) + f"{line}{gap}# {first}\n" + "".join(f"{indent}# {text}\n" for text in more)


def _above(f: Field) -> str:
    return "".join(f"# {text}\n" for text in f.metadata.get("above", "").splitlines())


def _value(value: Any) -> str:
    """A value as TOML text: integral numbers without a decimal point, strings and paths quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string: JSON's escapes are a subset
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return _inline_table(value.items())
    if value and isinstance(value[0], tuple):  # (name, value) pairs, in their order
        return _inline_table(value)
    return "[" + ", ".join(_value(item) for item in value) + "]"


def _inline_table(pairs: Iterable[tuple[str, Any]]) -> str:
    items = (f"{k if _BARE_KEY.fullmatch(k) else _value(k)} = {_value(v)}" for k, v in pairs)
    return "{ " + ", ".join(items) + " }"
