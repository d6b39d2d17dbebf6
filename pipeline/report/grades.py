"""The grades as the report shows them: in the order `[scoring].grades` names them (best first), and the tone
each is shaded in (the two best good, the second worst a warning, the worst bad), so that the eye finds the good
and the worrying at once.

The names are the configured grades' defaults (`settings.schema.Scoring`): the report's input carries results,
not the config. A grade outside them (a city that renamed its grades) is still counted, after these.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.core.model import AgencyResult
from pipeline.settings.schema import Scoring

__all__ = ["GRADE_NAMES", "GRADE_TONES", "grade_order"]

GRADE_NAMES: tuple[str, ...] = Scoring().grade_names
"""S, A, B, C, D."""

GRADE_TONES: dict[str, str] = {
    **dict.fromkeys(GRADE_NAMES[:2], "good"),
    GRADE_NAMES[-2]: "warn",
    GRADE_NAMES[-1]: "bad",
}
"""Grade → "good" | "warn" | "bad" (S and A good, C a warning, D bad); other grades are not shaded."""


def grade_order(agencies: Iterable[AgencyResult]) -> tuple[str, ...]:
    """The grades to count: the configured ones, then any other grade an agency has, sorted."""
    extra = sorted({a.grade for a in agencies if a.grade and a.grade not in GRADE_NAMES})
    return GRADE_NAMES + tuple(extra)
