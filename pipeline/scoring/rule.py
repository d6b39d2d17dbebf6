"""What every scoring rule shares: ScoringError, the exact decimal context, what a method returns, and the checks
of a goal's inputs that name the goal and say what to fill in instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import wraps
from typing import ParamSpec, TypeVar

from pipeline.core.model import Goal
from pipeline.settings.schema import Scoring

__all__ = ["EXACT", "HUNDRED", "MethodPoints", "PointsRule", "ScoringError", "direction", "exact", "need", "where"]


class ScoringError(ValueError):
    """An input the validator should have rejected: scoring refuses to guess a number that decides a year."""


# --- exact arithmetic --------------------------------------------------------------------------------------------
EXACT = Context(prec=34, rounding=ROUND_HALF_UP)
"""Scoring's own decimal context: 34 digits, independent of the caller's global context."""
HUNDRED = Decimal(100)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run in our own decimal context so a caller's global precision or rounding never changes a score."""

    @wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(EXACT):
            return func(*args, **kwargs)

    return wrapper


# --- what a method rule returns ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MethodPoints:
    """What a method rule returns: points (2 decimals, None while pending), the numbers used, and the text.

    `text` is the explanation up to and including `평점 …`; `score_goal` appends the weight and score.
    """

    points: Decimal | None
    text: str
    rate: Decimal | None = None
    top: Decimal | None = None
    floor: Decimal | None = None
    sigma: Decimal | None = None


PointsRule = Callable[[Goal, Scoring, str], MethodPoints]
"""A method's rule: one goal's values, the `[scoring]` settings and the output language → its MethodPoints."""


# --- a goal's inputs ---------------------------------------------------------------------------------------------
def where(goal: Goal) -> str:
    row = f", row {goal.row}" if goal.row else ""
    return f"goal {goal.number or '?'} ({goal.method}{row})"


def direction(goal: Goal) -> str:
    value = goal.direction
    if value == "higher" or value == "lower":
        return value
    raise ScoringError(f"{where(goal)}: direction must be 'higher' or 'lower', not {value!r}")


def need(goal: Goal, value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise ScoringError(f"{where(goal)}: {name} is blank")
    if not value.is_finite():
        raise ScoringError(f"{where(goal)}: {name} must be a finite number, not {value}")
    return value
