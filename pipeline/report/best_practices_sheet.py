"""The 우수사례 sheet's content: the meeting's hand-out, each excellent agency with its total, grade and key
achievements (the 주요성과 its goals report), the ones that weigh most first, cut to half a printed page each."""

from __future__ import annotations

import math
from decimal import Decimal

from pipeline.core.i18n import tr
from pipeline.core.model import AgencyResult, GoalResult, ReportInput
from pipeline.core.rounding import round_cents
from pipeline.report.labels import SHEETS, L
from pipeline.report.meeting_labels import M
from pipeline.report.meeting_shapes import BestPractice, BestPractices
from pipeline.report.order import ranked, unranked
from pipeline.report.shapes import wall_time
from pipeline.report.widths import text_width

__all__ = ["LINE_UNITS", "LINES_PER_AGENCY", "best_practices", "key_achievements"]

LINE_UNITS = 84
"""Digit widths of one printed line of an achievement (the writer's text column; Hangul counts two)."""
LINES_PER_AGENCY = 18
"""Printed lines of achievements that fit half an A4 portrait page under the agency's heading."""


def printed_lines(text: str) -> int:
    return max(1, math.ceil(text_width(text) / LINE_UNITS))


def _weight(result: GoalResult) -> Decimal:
    """score = weight × points ÷ 100: what a goal brought to the total; a pending goal counts last."""
    return result.score if result.score is not None else Decimal(-1)


def key_achievements(agency: AgencyResult, lang: str, budget: int = LINES_PER_AGENCY) -> tuple[str, ...]:
    """The non-empty 주요성과 of the agency's goals, highest score × weight first (ties in goal order), as many as
    fit `budget` printed lines; the rest are counted in a last line ("… 외 2건"). One achievement too long for
    the whole budget is cut with "…"."""
    goals = [r for r in agency.goals if r.goal.highlights.strip()]
    goals.sort(key=_weight, reverse=True)  # stable: equal scores keep the goals' order
    texts = [" ".join(r.goal.highlights.split()) for r in goals]
    shown: list[str] = []
    used = 0
    for i, text in enumerate(texts):
        room = budget - used - (1 if i < len(texts) - 1 else 0)  # keep a line for "… 외 n건"
        if printed_lines(text) > room:
            if not shown:  # the first one alone is too long: cut it to the room there is
                shown.append(_cut(text, max(room, 1) * LINE_UNITS))
            rest = len(texts) - len(shown)
            if rest:
                shown.append(tr(M["more"], lang, n=rest))
            return tuple(shown)
        shown.append(text)
        used += printed_lines(text)
    return tuple(shown)


def _cut(text: str, units: int) -> str:
    out, width = [], 1
    for ch in text:
        width += text_width(ch)
        if width > units:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def best_practices(data: ReportInput) -> BestPractices:
    """Every excellent agency in rank order, each with its key achievements; agencies without any are shown with
    their heading only (their achievements are skipped, never shown as blank lines)."""
    lang = data.lang
    agencies = data.city.agencies
    excellent = [a for a in ranked(agencies) if a.excellent] + [a for a in unranked(agencies) if a.excellent]
    entries = tuple(
        BestPractice(
            heading=tr(M["best_agency"], lang, name=a.name, total=f"{round_cents(a.total):.2f}", grade=a.grade or "-")
            if a.total is not None
            else a.name,
            lines=key_achievements(a, lang),
        )
        for a in excellent
    )
    return BestPractices(
        sheet=tr(SHEETS["best"], lang),
        title=tr(M["best_title"], lang, title=data.title),
        as_of=tr(L["as_of"], lang, when=f"{wall_time(data.generated_at):%Y-%m-%d %H:%M}", year=data.city.year),
        entries=entries,
        empty=tr(M["best_none"], lang),
    )
