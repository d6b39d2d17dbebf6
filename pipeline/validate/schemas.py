"""pandera schemas for 기관정보, 성과목표 and 과거실적: the declarative, vectorised part of validation.

The frames are built by `validate` from already-typed values, one row per agency / goal / past result, for *many
submissions at once* (a `submission` column, the row position as index): one pandera call per sheet costs the same for one file
or ten thousand. Every check is named with the finding code it raises (`code` or `code@column` for checks that
look at several columns), so failures map straight back to cells through the caller's source map. pandera's own
text never leaves this module: `failures()` returns plain tuples. Column kinds, which cells are required and the
closed lists are the template's own (`core.layout`), not restated here.

pandera and pandas are imported inside functions: importing them costs ~0.9 s, which `pipeline --help` and the
reader must not pay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from pipeline.core.layout import (
    AGENCY_FIELDS,
    CHOICES,
    GOAL_COLUMNS,
    PAST_COLUMNS,
    QUANTITATIVE_METHODS,
    Column,
)

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

NUMERIC_KINDS = frozenset({"number", "int"})
"""Column kinds held as float64 in a frame (NaN = blank); the others are objects (None = blank)."""

GOAL_CHECKED = frozenset(
    ("number", "goal", "indicator", "method", "direction", "weight", "target", "actual", "evidence", "progress")
)
"""The goal columns the goal schema reads (the template's others have no rule pandera checks)."""
GOAL_FRAME: tuple[Column, ...] = tuple(c for c in GOAL_COLUMNS if c.key in GOAL_CHECKED)
AGENCY_FRAME: tuple[Column, ...] = tuple(c for c in AGENCY_FIELDS if c.required)
PAST_FRAME: tuple[Column, ...] = PAST_COLUMNS

SCORED_METHODS = sorted(QUANTITATIVE_METHODS | {"milestone"})


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed check on one cell: the frame's row position, the column (field key) and the finding code."""

    position: int  # row position in the frame (the caller keeps the position → cells map)
    column: str
    code: str


def _columns(columns: tuple[Column, ...], checks: dict[str, pa.Check] | None = None) -> dict[str, pa.Column]:
    """A schema column per template column: its kind gives the dtype, `required` forbids a blank, and a closed list
    (layout.CHOICES) allows only its codes; `checks` adds value checks by key."""
    import pandera.pandas as pa

    checks = checks or {}
    out = {}
    for c in columns:
        found = [_choice(CHOICES[c.key])] if c.kind == "choice" else []
        if c.key in checks:
            found.append(checks[c.key])
        dtype = "float64" if c.kind in NUMERIC_KINDS else None
        out[c.key] = pa.Column(dtype, found or None, nullable=not c.required)
    return out


def _choice(options: dict[str, tuple[str, str]]) -> pa.Check:
    import pandera.pandas as pa

    codes = list(options)
    return pa.Check(lambda s: s.isin(codes), name="value.unknown_choice")


def _row_check(code: str, column: str, fails: Any) -> pa.Check:
    """A check over several columns; `fails(df)` marks bad rows, reported on `column`."""
    import pandera.pandas as pa

    return pa.Check(lambda df: ~fails(df), name=f"{code}@{column}")


@cache
def goal_schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    quantitative = sorted(QUANTITATIVE_METHODS)
    weight = pa.Check(lambda s: (s > 0) & (s <= 100), name="goal.weight_range")
    columns = _columns(GOAL_FRAME, {"weight": weight})
    checks = [
        _row_check(
            "goal.direction_required", "direction", lambda df: df["method"].isin(quantitative) & df["direction"].isna()
        ),
        _row_check("goal.actual_required", "actual", lambda df: df["method"].isin(SCORED_METHODS) & ~df["has_actual"]),
        _row_check("goal.target_required", "target", lambda df: (df["method"] == "ratio") & df["target"].isna()),
        _row_check(
            "goal.evidence_blank", "evidence", lambda df: df["results"] & df["method"].notna() & df["evidence"].isna()
        ),
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


@cache
def agency_schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    return pa.DataFrameSchema(_columns(AGENCY_FRAME), strict=False)


@cache
def past_schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    return pa.DataFrameSchema(_columns(PAST_FRAME), strict=False)


def frame(
    rows: list[dict[str, Any]],
    submissions: list[int],
    columns: tuple[Column, ...],
    extra: dict[str, list[Any]] | None = None,
) -> pd.DataFrame:
    """A frame of typed values: numbers as float64 (NaN = blank), texts as objects (None = blank).

    A number column holds NaN for what is not a number: the free text a qualitative goal may keep in 실적치 (unused
    by its rule), a milestone's 달성 (read as yes/no). Whether such a cell is filled is the caller's `extra` column.

    The index is the row position (0…n-1), which the caller maps back to cells (its source map); the
    `submission` column says whose row it is, for checks that compare rows of one submission.
    """
    import numpy as np
    import pandas as pd

    texts = [c.key for c in columns if c.kind not in NUMERIC_KINDS]
    numbers = [c.key for c in columns if c.kind in NUMERIC_KINDS]
    data: dict[str, Any] = {}
    for name in texts:
        data[name] = pd.Series([r.get(name) for r in rows], dtype=object)
    for name in numbers:
        data[name] = np.array([_float(r.get(name)) for r in rows], dtype="float64")
    for name, values in (extra or {}).items():
        data[name] = values
    data["submission"] = np.array(submissions, dtype="int64")
    return pd.DataFrame(data)


def _float(value: Any) -> float:
    """A typed number as float64; NaN for a blank and for anything that is not a number (text, yes/no)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return float(value)
    return math.nan


def failures(schema: pa.DataFrameSchema, df: pd.DataFrame) -> list[Failure]:
    """Run one schema lazily over the frame; every failed cell as a `Failure` (pandera's text dropped)."""
    import pandera.pandas as pa

    if df.empty:
        return []
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _collect(exc.failure_cases)
    return []


def _collect(cases: pd.DataFrame) -> list[Failure]:
    out: list[Failure] = []
    seen: set[tuple[int, str, str]] = set()
    for column, check, index in zip(cases["column"], cases["check"], cases["index"], strict=True):
        try:
            position = int(str(index))  # pandera may hand the index back as text
        except ValueError:
            continue  # a dtype or frame-level problem: the frame is ours, so this is a bug, not a finding
        name = str(check)
        if name == "not_nullable":
            code, target = "cell.required", str(column)
        elif "@" in name:
            code, target = name.split("@", 1)  # row checks list the row's non-blank columns: the name says which
        elif "." in name:
            code, target = name, str(column)
        else:
            continue
        key = (position, target, code)
        if key not in seen:
            seen.add(key)
            out.append(Failure(position, target, code))
    return out
