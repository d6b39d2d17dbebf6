"""The plain values of the 우수사례 hand-out, a sheet with a layout of its own: what is shown is decided by
`best_practices_sheet`; how, by `xlsx_best`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BestPractice", "BestPractices"]


@dataclass(frozen=True)
class BestPractice:
    """One excellent agency on the hand-out: its heading line and its key achievements, best first."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class BestPractices:
    sheet: str
    title: str
    as_of: str
    entries: tuple[BestPractice, ...]
    empty: str  # said instead when there is no excellent agency
