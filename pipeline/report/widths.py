"""How wide a column and how tall a wrapped row must be to show their text uncut: display widths of Korean and
Latin text, as the writers size columns and rows (xlsx has no automatic fit that LibreOffice applies on load)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter

from pipeline.core.paper import WIDE_CHAR, rendered_width
from pipeline.report.shapes import Table, Value

__all__ = ["column_widths", "fit_width", "heading_line", "text_width", "wrapped_lines"]


@lru_cache(maxsize=1 << 16)
def text_width(text: str) -> int:
    """Display width in 'digit widths': Hangul and other wide characters take two, which is why a column sized by
    len() cuts Korean text in half."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_MAX_WIDTH = {"longtext": 72, "text": 40}


def fit_width(values: Iterable[Value], kind: str) -> float:
    """A column width that shows the header and typical values without cutting them (long text wraps).

    Each distinct value is measured once: a goal sheet repeats its agency's name, method and unit on every row,
    and a 10,000-agency sheet has 200,000 rows. Values are told apart by type and exact text, in C (`set` over
    `map`), so equal Decimals written differently (1.0 and 1.000, 0 and -0) are each measured as they show."""
    cap = _MAX_WIDTH.get(kind, 40)
    values = values if isinstance(values, (list, tuple)) else list(values)
    widest = 4
    for cls, text in set(zip(map(type, values), map(str, values), strict=True)):
        if cls is str:
            shown = text
        elif cls is datetime:
            shown = "2026-11-29 23:59"
        elif cls is Decimal:
            value = Decimal(text)  # the exact value back: str() keeps sign and exponent
            shown = f"{value:,.2f}" if kind in ("score", "qty") else f"{value:.1%}" if kind == "pct" else f"{value:,}"
        elif cls is type(None):
            continue
        else:
            shown = text
        widest = max(widest, max((text_width(line) for line in shown.splitlines()), default=0))
        if widest + 3 >= cap:
            break
    return float(min(widest + 3, cap))


@lru_cache(maxsize=1 << 16)
def wrapped_lines(value: Value, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` wide.

    Rendered text is narrower than the digit width that `text_width` counts (`core.paper.rendered_width`), and a row sized for two lines when one suffices looks careless, so this estimate is closer.
    """
    if not isinstance(value, str) or not value:
        return 1
    usable = max(width - 1, 1)

    def lines(line: str) -> int:
        if len(line) * WIDE_CHAR <= usable:  # fits even if every character is wide: no need to measure (most do)
            return 1
        return max(1, math.ceil(rendered_width(line) / usable))

    return sum(lines(line) for line in value.splitlines() or [""])


def heading_line(label: str) -> str:
    """The wider line of a heading wrapped on two (the heading row has room for two): a column need not be as
    wide as its heading on one line, which made the tables too wide to print."""
    if text_width(label) <= 6:
        return label
    words = label.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    if not splits:
        if text_width(label) < 2 * len(label):  # a Latin word is not cut in two; Hangul breaks anywhere
            return label
        middle = (len(label) + 1) // 2
        splits = [(label[:middle], label[middle:])]
    return min((max(parts, key=text_width) for parts in splits), key=text_width)


def column_widths(table: Table) -> tuple[float, ...]:
    """Each column's width: as its content module set it, else fitted to the header (on two lines) and the
    values."""
    return tuple(
        c.width if c.width is not None else fit_width([heading_line(c.label), *map(itemgetter(i), table.rows)], c.kind)
        for i, c in enumerate(table.columns)
    )
