"""The explanations: how numbers and labels read in a goal's one-line explanation, the words the methods share,
and the line that redoes an agency's total from its shown scores and adjustments (`explain_total`).

Every line can be redone with a calculator: numbers are written as entered (thousands separators, no trailing
zeros), points and scores with their 2 decimals, negatives with the typographic minus the spec's examples use.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext

from pipeline.core.i18n import Text, check_lang, tr
from pipeline.core.layout import goal_column
from pipeline.core.model import STATUS_MISSING, STATUS_REJECTED, AdjustmentApplied, AgencyResult
from pipeline.core.rounding import plain, round_places
from pipeline.core.vocabulary import STATUS, word
from pipeline.scoring.rule import EXACT, HUNDRED

__all__ = ["explain_total"]

MINUS = "\u2212"  # the typographic minus the spec's examples use

# --- words the methods share ---------------------------------------------------------------------------------
ACTUAL: Text = ("실적", "actual")
TARGET: Text = ("목표", "target")
BASELINE: Text = ("기준", "baseline")
BASELINE_LATEST: Text = ("기준(최근 실적)", "baseline (latest result)")
TOP: Text = ("최고", "top")
FLOOR: Text = ("최저", "floor")
_POINTS: Text = ("평점", "points")
_WEIGHT: Text = ("가중치", "weight")
_SCORE: Text = ("득점", "score")

# --- an agency's total -------------------------------------------------------------------------------------------
_SUM: Text = ("득점 합계 {sum}", "sum of scores {sum}")
_BONUS: Text = ("가점 {points} ({reason})", "bonus {points} ({reason})")
_PENALTY: Text = ("감점 {points} ({reason})", "penalty {points} ({reason})")
_TOTAL: Text = ("총점", "total")
_CAPPED: Text = ("(상한 {bound})", "(capped at {bound})")
_FLOORED: Text = ("(하한 0)", "(floored at 0)")
_PROVISIONAL: Text = (" — 잠정 (정성평가 등급 대기)", " — provisional (qualitative grade pending)")
ADJUSTMENT_SOURCE: dict[str, Text] = {"committee": ("위원회", "committee")}
"""Where an adjustment came from, shown beside its reason; those of pipeline.toml ("settings") read as before."""
_NO_ACCEPTED: Text = (" (승인된 제출 없음)", " (no accepted submission)")


# --- numbers -----------------------------------------------------------------------------------------------------
def fmt(value: Decimal, places: int | None = None) -> str:
    """Thousands separators; fixed decimals when `places` is given (points, scores), else as entered."""
    if places is not None:
        value = round_places(value, places)
        if value == 0:
            value = abs(value)
    else:
        value = plain(value)
    return format(value, ",f").replace("-", MINUS)


def operand(value: Decimal) -> str:
    """A number inside a formula: negatives in parentheses so `(5 − (−3))` reads unambiguously."""
    text = fmt(value)
    return f"({text})" if value < 0 else text


def percent(rate: Decimal) -> str:
    """111.5% when capped (the spec's example); 92.44% inside 0–100%, where it equals the points exactly."""
    places = 2 if 0 <= rate <= 1 else 1
    return fmt(rate * HUNDRED, places) + "%"


# --- pieces of a goal's line ---------------------------------------------------------------------------------------
def points_text(points: Decimal, lang: str) -> str:
    """`평점 92.44`: where every method's part of the line ends."""
    return f"{tr(_POINTS, lang)} {fmt(points, 2)}"


def major_note(lang: str) -> str:
    """` (주요사업)` after a margin or k that is the major programmes' one: the template's own label for the column."""
    column = goal_column("major")
    return f" ({column.en.lower() if lang == 'en' else column.ko})"


def score_text(weight: Decimal, score: Decimal, lang: str) -> str:
    """What `score_goal` appends to a method's text: ` × 가중치 60 ÷ 100 = 득점 60.00`."""
    return f" × {tr(_WEIGHT, lang)} {fmt(weight)} ÷ 100 = {tr(_SCORE, lang)} {fmt(score, 2)}"


# --- an agency's total -------------------------------------------------------------------------------------------
def _signed_terms(adjustments: Iterable[AdjustmentApplied], lang: str) -> str:
    parts = []
    for adj in adjustments:
        reason = (
            f"{adj.reason}, {tr(ADJUSTMENT_SOURCE[adj.source], lang)}"
            if adj.source in ADJUSTMENT_SOURCE
            else adj.reason
        )
        if adj.points >= 0:
            parts.append(" + " + tr(_BONUS, lang, points=fmt(adj.points), reason=reason))
        else:
            parts.append(f" {MINUS} " + tr(_PENALTY, lang, points=fmt(-adj.points), reason=reason))
    return "".join(parts)


def explain_total(agency: AgencyResult, lang: str = "ko") -> str:
    """The line that redoes the total: `득점 합계 85.30 + 가점 1.5 (사유) = 총점 86.80`; a clamp is shown."""
    check_lang(lang)
    if agency.total is None or agency.score_sum is None:
        status = agency.status if agency.status == STATUS_REJECTED else STATUS_MISSING
        return word(STATUS, status, lang) + (tr(_NO_ACCEPTED, lang) if status == STATUS_REJECTED else "")
    with localcontext(EXACT):
        raw = agency.score_sum + sum((a.points for a in agency.adjustments), Decimal(0))
    text = tr(_SUM, lang, sum=fmt(agency.score_sum, 2)) + _signed_terms(agency.adjustments, lang)
    total_label = f"{tr(_TOTAL, lang)} {fmt(agency.total, 2)}"
    if raw == agency.total:
        text += f" = {total_label}"
    else:
        if raw < 0:
            note = tr(_FLOORED, lang)
        else:
            note = tr(_CAPPED, lang, bound=fmt(agency.total))  # a capped total is the cap itself
        text += f" = {fmt(raw, 2)} → {total_label} {note}"
    if agency.provisional:
        text += tr(_PROVISIONAL, lang)
    return text
