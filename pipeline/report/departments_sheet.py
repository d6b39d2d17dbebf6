"""The 감독부서별 sheet's content: for each supervising department, its agencies with their totals and grades and
the goals to work on together for next year (low points, missed milestones)."""

from __future__ import annotations

from pipeline.core.i18n import tr
from pipeline.core.model import STATUS_ACCEPTED, AgencyResult, ReportInput
from pipeline.core.rounding import round_cents
from pipeline.report.goals_sheet import LOW_POINTS
from pipeline.report.labels import SHEETS, L, status_label
from pipeline.report.meeting_labels import M
from pipeline.report.order import in_sheet_order
from pipeline.report.shapes import Column, Table

__all__ = ["departments_table", "goals_to_watch"]


def goals_to_watch(agency: AgencyResult, lang: str) -> tuple[str, ...]:
    """Goals scored under `goals_sheet.LOW_POINTS` (a D-level goal) and milestones missed, in goal order."""
    out = []
    for r in agency.goals if agency.status == STATUS_ACCEPTED else ():
        g = r.goal
        if g.method == "milestone" and g.achieved is False:
            out.append(tr(M["watch_missed"], lang, number=g.number, indicator=g.indicator))
        elif r.points is not None and r.points < LOW_POINTS:
            out.append(tr(M["watch_low"], lang, number=g.number, indicator=g.indicator, points=round_cents(r.points)))
    return tuple(out)


def department_order(data: ReportInput) -> list[str]:
    """The configured departments in the file's order, then any other department an agency names."""
    named = [a.supervising_dept for a in data.city.agencies]
    return list(dict.fromkeys([*data.departments, *sorted(set(named) - set(data.departments))]))


def departments_table(data: ReportInput) -> Table:
    lang = data.lang
    none = tr(M["watch_none"], lang)
    rows = []
    agencies = in_sheet_order(data.city.agencies)
    for dept in department_order(data):
        for a in (a for a in agencies if a.supervising_dept == dept):
            rows.append(
                (
                    dept or tr(M["dept_none"], lang),
                    a.name,
                    a.group,
                    status_label(a.status, lang),
                    round_cents(a.total),
                    a.grade or "",
                    a.rank,
                    "\n".join(goals_to_watch(a, lang)) or (none if a.status == STATUS_ACCEPTED else ""),
                )
            )
    columns = (
        Column(tr(L["dept"], lang), "text"),
        Column(tr(L["agency"], lang), "text"),
        Column(tr(L["group"], lang), "text"),
        Column(tr(L["status"], lang), "status"),
        Column(tr(L["total"], lang), "score"),
        Column(tr(L["grade"], lang), "grade"),
        Column(tr(L["rank"], lang), "int"),
        Column(tr(M["watch"], lang), "longtext"),
    )
    return Table(sheet=tr(SHEETS["departments"], lang), columns=columns, rows=tuple(rows), freeze_cols=2)
