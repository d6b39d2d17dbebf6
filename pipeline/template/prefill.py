"""A mid-year or results template prefilled with an agency's confirmed plan (issue 16).

The plan's columns (`layout.PLAN_FIELDS`) and its past results are written from the confirmed submission and
locked; only the columns of the phase (`layout.PHASE_FIELDS`) are open. The lock is sheet protection without a
password: a guide, not a wall. What matters is the night's check against the confirmed plan (`plan.changed`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.core.layout import PLAN_FIELDS
from pipeline.core.model import Submission


def plan_goal_rows(plan: Submission) -> list[dict[str, Any]]:
    """The confirmed goals as template rows: plan fields (and the note) by column key, codes as codes."""
    rows = []
    for g in plan.goals:
        row: dict[str, Any] = {}
        for key in (*PLAN_FIELDS, "note"):
            value = getattr(g, key)
            if key == "major":
                value = "Y" if value else "N"
            if value is None or value == "":
                continue
            row[key] = _number(value) if isinstance(value, Decimal) else value
        rows.append(row)
    return rows


def plan_past_rows(plan: Submission, year: int | None) -> list[list[Any]]:
    """The confirmed past results as 과거실적 rows. The ledger keeps each goal's values oldest first, not their
    years: they are written as the years just before the evaluation year (only the values are compared)."""
    last = (year or plan.agency.year) - 1
    rows = []
    for g in plan.goals:
        for i, value in enumerate(g.past):
            rows.append([g.number, last - (len(g.past) - 1 - i), _number(value)])
    return rows


def _number(value: Decimal) -> int | float:
    """A Decimal as the cell number it was (3500, 92.5): what a spreadsheet stores."""
    return int(value) if value == value.to_integral_value() else float(value)
