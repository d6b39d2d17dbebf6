"""Display rounding: the one rule for how many decimals a number keeps where people (and results.json) see it.

Half-up, always (the city's scoring rules name it): points, scores, sums, adjustments and totals to 2 decimals;
an achievement rate, a fraction, to 4 decimals (0.01 %); a computed σ or top/floor to at most 4 decimals, without
trailing zeros. Scoring rounds with it, the workbook and results.json show what it gives, so a total read from
results.json equals the total printed for the meeting and the one the explanation adds up to.

The functions run in the caller's decimal context (scoring calls them inside its own exact one), widened when a
value has more digits than that context holds: rounding a number to fixed decimals never fails for lack of digits
(a clamped raw 20 + 80 × (A − L) ÷ (H − L) of a very narrow range can have 38 digits before the point).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, getcontext
from typing import overload

__all__ = ["CENTS", "FOUR_PLACES", "exponent", "plain", "round_cents", "round_places", "round_rate", "shown"]

CENTS = Decimal("0.01")
"""Points, scores, score sums, adjustments and totals: 2 decimals."""
FOUR_PLACES = Decimal("0.0001")
"""A rate (fraction: 0.01 %), σ and derived top/floor: 4 decimals."""


@overload
def round_cents(value: Decimal) -> Decimal: ...
@overload
def round_cents(value: None) -> None: ...
@overload
def round_cents(value: Decimal | None) -> Decimal | None: ...
def round_cents(value: Decimal | None) -> Decimal | None:
    """2 decimals, half-up (None stays None: a pending goal has no points)."""
    return None if value is None else _quantize(value, CENTS)


@overload
def round_rate(value: Decimal) -> Decimal: ...
@overload
def round_rate(value: None) -> None: ...
@overload
def round_rate(value: Decimal | None) -> Decimal | None: ...
def round_rate(value: Decimal | None) -> Decimal | None:
    """A rate (fraction) to 4 decimals, half-up (None stays None: no usable target)."""
    return None if value is None else _quantize(value, FOUR_PLACES)


def round_places(value: Decimal, places: int) -> Decimal:
    """`places` decimals, half-up: a number written with fixed decimals (points 92.44, a capped rate 111.5%)."""
    return _quantize(value, Decimal(1).scaleb(-places))


def exponent(value: Decimal) -> int:
    """The exponent of a finite Decimal (-2 for 1.25, 0 for 3, 1 for 3E+1); 0 for NaN and infinities."""
    found = value.as_tuple().exponent
    return found if isinstance(found, int) else 0


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros (104.0 → 104) without exponent notation or a negative zero."""
    if value == 0:
        return Decimal(0)
    value = value.normalize()
    return _quantize(value, Decimal(1)) if exponent(value) > 0 else value


def shown(value: Decimal) -> Decimal:
    """A computed full-precision value (σ, a bound) as people see it: 4 decimals, no trailing zeros; a value under
    0.001 keeps 2 significant digits (4 decimals would show 0.00000121 as 0, and a line that says 0 − 0 cannot be
    redone)."""
    if value.is_finite() and value != 0:
        unit = min(FOUR_PLACES, Decimal(1).scaleb(value.adjusted() - 1))
        if exponent(value) < exponent(unit):
            value = _quantize(value, unit)
    return plain(value)


def _quantize(value: Decimal, unit: Decimal) -> Decimal:
    """`value` half-up to the decimals of `unit`, in the caller's context or a wider one when the result needs it."""
    context = getcontext()
    needed = value.adjusted() - exponent(unit) + 2 if value.is_finite() else 0
    if needed > context.prec:
        context = context.copy()
        context.prec = needed
    return value.quantize(unit, rounding=ROUND_HALF_UP, context=context)
