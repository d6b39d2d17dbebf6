"""The mid-year check's cross-check (중간점검): per goal 추진상황 required, 사유 required when 지연 or 부진.

Runs for submissions of kind "midyear" only. Such a file carries the confirmed plan (its plan columns are held to
the plan by the plan check) and no actuals; what it adds is, per goal, how it is going. 중간실적 is optional; on
a milestone or qualitative goal it means nothing and gets a warning.
"""

from __future__ import annotations

from pipeline.core.i18n import Bilingual
from pipeline.core.layout import KIND_MIDYEAR, PROGRESS, QUANTITATIVE_METHODS
from pipeline.settings.schema import Config, Scoring
from pipeline.validate.cells import GoalRow, Work, choices

NEEDS_REASON = frozenset({"delayed", "lagging"})
"""추진상황 values the meeting asks "why?" about."""


def progress_word(code: str) -> Bilingual:
    ko, en = PROGRESS[code]
    return Bilingual(ko, en)


def check_midyear(work: Work, config: Config | None, scoring: Scoring) -> None:
    """Every goal of a mid-year submission says how it is going, and why when it is behind."""
    if work.kind != KIND_MIDYEAR:
        return
    for g in work.goals:
        if "progress" in g.values:
            _check_goal(work, g)


def _check_goal(work: Work, g: GoalRow) -> None:
    v = g.values
    number = str(v["number"].value) if v["number"].ok else str(g.row)
    progress, reason = v["progress"], v["reason"]
    if progress.blank:
        work.add("midyear.progress_required", progress, number=number, **choices(PROGRESS))
    elif progress.ok and progress.value in NEEDS_REASON and reason.blank:
        work.add("midyear.reason_required", reason, number=number, progress=progress_word(progress.value))
    actual = v["midyear_actual"]
    if actual.ok and v["method"].ok and v["method"].value not in QUANTITATIVE_METHODS:
        work.add("midyear.actual_unused", actual, number=number)
