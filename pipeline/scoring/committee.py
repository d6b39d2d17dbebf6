"""The evaluation committee's grades and adjustments applied to an agency's result.

The committee (평가위원회) grades every qualitative goal in its own workbook (정성평가 평정표), one grade per member;
an agency never grades itself. Per goal each member's grade becomes points by `[scoring] qualitative_points`;
with at least `[committee] trim_from` grades the highest and the lowest are dropped (최고·최저 제외); the goal's
points are the exact mean of the rest, rounded half-up to 2 decimals like every other method. Below `[committee]
quorum` grades the goal is pending and its agency provisional. A grade given to a goal whose submitted content
changed since (its fingerprint differs) no longer applies: the goal is pending again until it is graded anew.

Pure: the merged committee data comes in as values (`CommitteeData`), the agency's own result goes out re-scored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pipeline.core.i18n import Text, tr
from pipeline.core.model import (
    ADJUSTMENT_COMMITTEE,
    AdjustmentApplied,
    AgencyResult,
    Goal,
    GoalResult,
)
from pipeline.core.rounding import round_cents
from pipeline.scoring.agency import grade_for, totals
from pipeline.scoring.explain import fmt, score_text
from pipeline.scoring.rule import HUNDRED, exact
from pipeline.settings.schema import Committee, Scoring

__all__ = [
    "Combined",
    "CommitteeAdjustment",
    "CommitteeData",
    "GoalGrades",
    "apply_committee",
    "combine_grades",
    "goal_fingerprint",
]


@dataclass(frozen=True, slots=True)
class GoalGrades:
    """One qualitative goal's grades as merged: (member, grade) in the sheet's column order."""

    agency: str
    number: str
    fingerprint: str  # `goal_fingerprint` of the goal the members graded
    grades: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class CommitteeAdjustment:
    agency: str
    points: Decimal  # 가점 positive, 감점 negative
    reason: str
    basis: str = ""


@dataclass(frozen=True, slots=True)
class CommitteeData:
    """What the latest accepted committee workbook says."""

    grades: Mapping[tuple[str, str], GoalGrades] = field(default_factory=dict)  # (agency, goal no.) → grades
    adjustments: tuple[CommitteeAdjustment, ...] = ()
    file_name: str = ""


@dataclass(frozen=True, slots=True)
class Combined:
    points: Decimal | None  # None: pending (below the quorum)
    text: str


def goal_fingerprint(agency: str, goal: Goal) -> str:
    """What the members graded, hashed: a resubmission that changes any of it makes their grades stale."""
    parts = [agency, goal.number, goal.goal, goal.indicator, str(goal.weight), goal.highlights, goal.evidence]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]


# --- combining ------------------------------------------------------------------------------------------------
_MEMBERS: Text = ("위원 평점 {points}", "members' points {points}")
_TRIMMED: Text = (" → 최고 {high}·최저 {low} 제외", " → highest {high} and lowest {low} dropped")
_MEAN: Text = (" → ({terms}) ÷ {n} = {mean} → 평점 {result}", " → ({terms}) ÷ {n} = {mean} → points {result}")
_BELOW_QUORUM: Text = (
    "평가위원 {n}명 평정(정족수 {quorum}명 미만) — 등급 대기 중 (잠정), 가중치 {weight}",
    "graded by {n} member(s), below the quorum of {quorum} — pending (provisional), weight {weight}",
)
_STALE: Text = (
    "평정 뒤 제출 내용이 바뀌어 다시 평정해야 함 — 등급 대기 중 (잠정), 가중치 {weight}",
    "the goal changed after it was graded; to be graded again — pending (provisional), weight {weight}",
)


@exact
def combine_grades(
    grades: Sequence[str], scoring: Scoring, committee: Committee, weight: Decimal, lang: str
) -> Combined:
    """Members' grades → the goal's points: each grade's points, the highest and lowest dropped from `trim_from`
    grades on, the exact mean rounded half-up to 2 decimals; pending below the quorum."""
    points = [scoring.qualitative_points[g] for g in grades]
    if len(points) < committee.quorum:
        return Combined(None, tr(_BELOW_QUORUM, lang, n=len(points), quorum=committee.quorum, weight=fmt(weight)))
    text = tr(_MEMBERS, lang, points=", ".join(fmt(p) for p in points))
    kept = list(points)
    if len(points) >= committee.trim_from:
        high, low = max(points), min(points)
        kept.remove(high)
        kept.remove(low)
        text += tr(_TRIMMED, lang, high=fmt(high), low=fmt(low))
    mean = sum(kept, Decimal(0)) / len(kept)
    result = round_cents(mean)
    shown_mean = fmt(mean.quantize(Decimal("0.0001"))) if mean != result else fmt(result, 2)
    terms = " + ".join(fmt(p) for p in kept)
    text += tr(_MEAN, lang, terms=terms, n=len(kept), mean=shown_mean, result=fmt(result, 2))
    return Combined(result, text)


def _goal_result(
    code: str, g: GoalResult, data: CommitteeData, scoring: Scoring, committee: Committee, lang: str
) -> GoalResult:
    goal = g.goal
    graded = data.grades.get((code, goal.number))
    if graded is None:
        return g  # not graded at all: pending as scored
    if graded.fingerprint != goal_fingerprint(code, goal):
        return replace(g, points=None, score=None, explanation=tr(_STALE, lang, weight=fmt(goal.weight)))
    combined = combine_grades([grade for _, grade in graded.grades], scoring, committee, goal.weight, lang)
    if combined.points is None:
        return replace(g, points=None, score=None, explanation=combined.text)
    score = round_cents(goal.weight * combined.points / HUNDRED)
    return replace(
        g, points=combined.points, score=score, explanation=combined.text + score_text(goal.weight, score, lang)
    )


@exact
def apply_committee(
    result: AgencyResult, data: CommitteeData, scoring: Scoring, committee: Committee, lang: str
) -> AgencyResult:
    """The agency's own result with the committee's grades in its qualitative goals and the committee's adjustments
    beside those of pipeline.toml; score sum, total, grade and the provisional flag recomputed."""
    if result.total is None:
        return result
    goals = tuple(
        _goal_result(result.code, g, data, scoring, committee, lang) if g.goal.method == "qualitative" else g
        for g in result.goals
    )
    adjustments = tuple(a for a in result.adjustments if a.source != ADJUSTMENT_COMMITTEE) + tuple(
        AdjustmentApplied(a.points, a.reason, ADJUSTMENT_COMMITTEE, a.basis)
        for a in data.adjustments
        if a.agency == result.code
    )
    score_sum, total = totals(goals, adjustments, scoring)
    return replace(
        result,
        goals=goals,
        score_sum=score_sum,
        adjustments=adjustments,
        total=total,
        grade=grade_for(total, scoring),
        provisional=any(g.pending for g in goals),
    )
