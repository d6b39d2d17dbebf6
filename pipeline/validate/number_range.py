"""The numbers a template's number cell may hold: 0, or a magnitude from 0.000001 to 10^15 with at most 15
significant digits (what a spreadsheet cell holds; the reader already refuses beyond 10^15 as `value.too_large`).

Why these bounds: scoring computes in 34 digits (`pipeline.scoring.rule.EXACT`). Inside the range every input is
held exactly, a rate A ÷ T stays below 10^21 and so keeps its 4 shown decimals, and B ± kσ of past results stay
apart. Smaller or longer numbers (1E-25 from a formula's residue, a pasted 40-digit text) are refused with a finding
that names the cell and gives the range, rather than a score nobody could redo.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.read import normalize as nz

__all__ = ["MAX_DIGITS", "MIN_ABS", "RANGE_PARAMS", "in_range"]

MIN_ABS = Decimal("0.000001")
"""Smallest magnitude accepted besides 0."""
MAX_DIGITS = 15
"""Most significant digits accepted: a spreadsheet keeps 15, so more can only come from typed text."""

RANGE_PARAMS: dict[str, object] = {
    "low": nz.plain(MIN_ABS),
    "high": f"{nz.MAX_ABS:,f}",
    "digits": MAX_DIGITS,
}
"""The parameters of `value.out_of_range`: the accepted range as people read it."""


def significant_digits(value: Decimal) -> int:
    """Digits from the first non-zero one to the last non-zero one: 2 for 0.00120, 1 for 1000, 0 for 0."""
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    return len(digits)


def in_range(value: Decimal) -> bool:
    """0, or MIN_ABS ≤ |value| ≤ MAX_ABS with at most MAX_DIGITS significant digits."""
    if value == 0:
        return True
    if not (value.is_finite() and MIN_ABS <= abs(value) <= nz.MAX_ABS):
        return False
    return len(value.as_tuple().digits) <= MAX_DIGITS or significant_digits(value) <= MAX_DIGITS
