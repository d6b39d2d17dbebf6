"""A1 cell references: column letters ↔ numbers, `B7` ↔ (row, column), the ends of a range like `A5:A7`.

The one place every stage turns a reference into numbers and back (the reader placing cells, the template and the
reports naming columns, the feedback writers marking cells). No openpyxl on this path: it runs for every cell read.
"""

from __future__ import annotations

import re
from functools import cache

MAX_ROW = 1_048_576
"""Rows of a worksheet in Excel (and in OOXML)."""
MAX_COLUMN = 16_384
"""Columns of a worksheet in Excel: A to XFD."""

_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


@cache
def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA (cached: the reader asks for every cell's letter)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27 (upper-case letters only)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def cell_position(ref: str | None) -> tuple[int, int] | None:
    """(row, column) of a reference like `J7` (one to three capitals, then digits, as a stored workbook writes
    it); None for anything else (lower case, `$`, a range, nothing)."""
    m = _CELL.match(ref or "")
    return (int(m.group(2)), column_index(m.group(1))) if m else None


def plain_cell_position(ref: str) -> tuple[int, int] | None:
    """`cell_position` of a reference written exactly as Excel writes it (no leading zeros, row 1 or more; it may
    still lie outside the grid: `inside_grid`); None otherwise."""
    place = cell_position(ref)
    if place is None or place[0] < 1 or ref != f"{column_letter(place[1])}{place[0]}":
        return None
    return place


def inside_grid(row: int, col: int) -> bool:
    """Whether a cell at or below A1 lies inside Excel's grid."""
    return row <= MAX_ROW and col <= MAX_COLUMN


def range_ends(ref: str) -> tuple[str, str]:
    """The first and last cell of a range (`A5:A7` -> `A5`, `A7`); a single cell is both ends."""
    first, _, last = ref.partition(":")
    return first, last or first


def first_cell(ref: str) -> str:
    """The top-left cell a range starts at (`K5:K9` -> `K5`), or the one cell."""
    return ref.split(":", 1)[0]


def absolute(ref: str) -> str:
    """A range with both ends anchored, as defined names write it: `A5:G9` -> `$A$5:$G$9`."""
    return ":".join(_anchored(cell) for cell in ref.split(":"))


def _anchored(cell: str) -> str:
    letters = cell.rstrip("0123456789")
    return f"${letters}${cell[len(letters) :]}"
