"""The scoring methods: one module per method, each with its points rule and the rule helpers it owns, and the
registry below that `score_goal` looks a goal's method up in."""

from __future__ import annotations

from pipeline.scoring.methods.deviation import deviation_points
from pipeline.scoring.methods.milestone import milestone_points
from pipeline.scoring.methods.qualitative import qualitative_points
from pipeline.scoring.methods.range import range_points
from pipeline.scoring.methods.ratio import ratio_points
from pipeline.scoring.rule import PointsRule

__all__ = ["POINTS_RULES"]

POINTS_RULES: dict[str, PointsRule] = {
    "ratio": ratio_points,
    "range": range_points,
    "deviation": deviation_points,
    "milestone": milestone_points,
    "qualitative": qualitative_points,
}
"""Method code (core.layout.METHODS) → its points rule. A new method is one module and one line here."""
