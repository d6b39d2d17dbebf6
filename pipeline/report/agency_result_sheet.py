"""The 기관별 결과표's content: one agency's result on one page: total, grade, ranks (overall and in its group),
each goal with its points, score and the line that explains it, the committee's adjustments with their reasons,
and last year beside it when last year was closed here."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.i18n import tr
from pipeline.core.model import STATUS_ACCEPTED, AgencyResult, ReportInput
from pipeline.core.rounding import round_cents
from pipeline.report.agencies_sheet import signed
from pipeline.report.goals_sheet import LOW_POINTS, goal_actual
from pipeline.report.labels import SHEETS, L, status_label
from pipeline.report.meeting_labels import M
from pipeline.report.previous import comparison_values, previous_actual
from pipeline.report.shapes import Column, Table, Value, wall_time

__all__ = ["AgencySheet", "agency_sheet"]


@dataclass(frozen=True)
class AgencySheet:
    """One agency's result page: the facts (label, value) in two columns, its goals, the committee's adjustments."""

    sheet: str
    title: str
    as_of: str
    facts: tuple[tuple[str, Value], ...]
    goals_heading: str
    goals: Table
    adjustments_heading: str
    adjustments: tuple[str, ...]


def _rank_text(rank: int | None, n: int, lang: str) -> str:
    return tr(M["of"], lang, rank=rank, n=n) if rank is not None else "-"


def ranked_counts(data: ReportInput) -> dict[str | None, int]:
    """How many agencies are ranked, overall (key None) and in each group: the "of n" of a rank."""
    counts: dict[str | None, int] = {None: 0}
    for x in data.city.agencies:
        if x.rank is not None:
            counts[None] += 1
            counts[x.group] = counts.get(x.group, 0) + 1
    return counts


def _facts(data: ReportInput, a: AgencyResult, counts: dict[str | None, int]) -> list[tuple[str, Value]]:
    lang = data.lang
    facts: list[tuple[str, Value]] = [
        (tr(L["agency"], lang), a.name),
        (tr(L["code"], lang), a.code),
        (tr(L["group"], lang), a.group),
        (tr(L["dept"], lang), a.supervising_dept),
        (tr(L["status"], lang), status_label(a.status, lang)),
        (tr(L["score_sum"], lang), round_cents(a.score_sum)),
        (tr(L["total"], lang), round_cents(a.total)),
        (tr(L["grade"], lang), a.grade or "-"),
        (tr(M["rank_overall"], lang), _rank_text(a.rank, counts[None], lang)),
        (tr(M["rank_in_group"], lang, group=a.group), _rank_text(a.group_rank, counts.get(a.group, 0), lang)),
    ]
    if a.provisional:
        facts.append((tr(L["provisional_col"], lang), tr(L["note_provisional"], lang)))
    if data.previous is not None and a.code in data.previous:
        total, grade, change = comparison_values(data.previous, a)
        facts += [
            (tr(M["prev_total"], lang), total),
            (tr(M["prev_grade"], lang), grade or "-"),
            (tr(M["rank_change"], lang), change or "-"),
        ]
    return facts


def _goals(data: ReportInput, a: AgencyResult) -> Table:
    lang = data.lang
    last_year = data.previous is not None and a.code in data.previous
    columns = [
        Column(tr(L["number"], lang), "code", 6),
        Column(tr(L["indicator"], lang), "longtext", 22),
        Column(tr(M["weight_short"], lang), "qty", 7),
        Column(tr(L["actual"], lang), "qty", 10),
        *([Column(tr(M["prev_actual"], lang), "qty", 10)] if last_year else []),
        Column(tr(L["points"], lang), "score", 8, warn_below=LOW_POINTS),
        Column(tr(L["score"], lang), "score", 8),
        Column(tr(L["explanation"], lang), "longtext", 46 if last_year else 56),
    ]
    pending = tr(L["pending"], lang)
    rows = []
    for r in a.goals if a.status == STATUS_ACCEPTED else ():
        g = r.goal
        rows.append(
            (
                g.number,
                g.indicator,
                g.weight,
                goal_actual(r, lang),
                *([previous_actual(data.previous, a.code, g, lang)] if last_year else []),
                pending if r.pending else round_cents(r.points),
                pending if r.pending else round_cents(r.score),
                r.explanation,
            )
        )
    return Table(sheet="", columns=tuple(columns), rows=tuple(rows))


def agency_sheet(data: ReportInput, agency: AgencyResult, counts: dict[str | None, int] | None = None) -> AgencySheet:
    """One agency's page (any agency; one without an accepted submission shows its status and no goals).
    `counts`: `ranked_counts(data)`, computed once when every agency's page is made."""
    lang = data.lang
    counts = ranked_counts(data) if counts is None else counts
    adjustments = tuple(f"{signed(x.points)} {x.reason}".strip() for x in agency.adjustments)
    return AgencySheet(
        sheet=tr(SHEETS["agency_result"], lang),
        title=tr(M["result_title"], lang, title=data.title, name=agency.name),
        as_of=tr(L["as_of"], lang, when=f"{wall_time(data.generated_at):%Y-%m-%d %H:%M}", year=data.city.year),
        facts=tuple(_facts(data, agency, counts)),
        goals_heading=tr(M["goals_heading"], lang),
        goals=_goals(data, agency),
        adjustments_heading=tr(M["adjustments_heading"], lang),
        adjustments=adjustments,
    )
