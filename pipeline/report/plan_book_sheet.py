"""What the year-start plan book (성과창출계획) shows (pure: plain values, no xlsxwriter): a summary (agencies,
goals, weights by method, major programmes), every confirmed goal by agency, the major programmes, and the plan
changes (계획변경): what each change request changes, goal by goal and field by field.

Agencies are listed in the order of pipeline.toml; goals in the order of the confirmed plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import METHODS, choice_label, goal_column
from pipeline.core.model import Submission
from pipeline.core.vocabulary import CHANGE_KIND, word
from pipeline.report.labels import L
from pipeline.report.midyear_shapes import Book, Section
from pipeline.report.shapes import Column, Table, Value, wall_time
from pipeline.settings.schema import Agency
from pipeline.validate.plan_diff import PlanChange, field_label, shown

__all__ = ["ChangeSet", "ConfirmedEntry", "P", "plan_book", "plan_book_file_name"]

P: dict[str, Text] = {
    "title": ("{year}년 공공기관 성과창출계획", "The agencies' {year} performance plans"),
    "file": ("{year}년_성과창출계획_{date}.xlsx", "performance-plans-{year}-{date}.xlsx"),
    "front": ("요약", "Summary"),
    "as_of": ("기준일시 {when} · 평가연도 {year}", "As of {when} · evaluation year {year}"),
    "overview": ("개요", "Overview"),
    "by_method": ("평가방법별 가중치", "Weights by method"),
    "unconfirmed": ("계획 미확정 기관 ({n}개)", "Agencies without a confirmed plan ({n})"),
    "majors_heading": ("주요사업 ({n}개 목표)", "Major programmes ({n} {n:goal|goals})"),
    "agencies": ("기관별", "Agencies"),
    "goals": ("성과목표", "Goals"),
    "majors": ("주요사업", "Major programmes"),
    "changes": ("계획변경", "Plan changes"),
    "n_registered": ("대상 기관", "Agencies"),
    "n_confirmed": ("계획 확정", "Plans confirmed"),
    "n_goals": ("목표 수", "Goals"),
    "n_majors": ("주요사업 목표", "Major-programme goals"),
    "n_requests": ("변경요청 대기", "Change requests pending"),
    "method": ("평가방법", "Method"),
    "weight_sum": ("가중치 합계", "Sum of weights"),
    "weight_share": ("비중", "Share"),
    "version": ("계획 버전", "Plan version"),
    "confirmed_at": ("확정일시", "Confirmed at"),
    "state": ("상태", "State"),
    "versions": ("버전", "Versions"),
    "change": ("구분", "Change"),
    "field": ("항목", "Field"),
    "old": ("확정 값", "Confirmed value"),
    "new": ("요청 값", "Requested value"),
    "pending": ("변경요청", "requested"),
    "applied": ("확정", "confirmed"),
}


@dataclass(frozen=True)
class ConfirmedEntry:
    """An agency's confirmed plan: its version, when it was confirmed, the goals it fixes."""

    version: int
    confirmed_at: datetime
    submission: Submission


@dataclass(frozen=True)
class ChangeSet:
    """One plan change of an agency: a request not yet confirmed (`pending`), or a confirmation that replaced an
    earlier version. `changes`: the plan diff, goal by goal and field by field."""

    agency: str
    from_version: int
    to_version: int | None  # None while pending
    changes: tuple[PlanChange, ...]

    @property
    def pending(self) -> bool:
        return self.to_version is None


def _weights_by_method(plans: Mapping[str, ConfirmedEntry], lang: str) -> Table:
    goals = [g for p in plans.values() for g in p.submission.goals]
    total = sum((g.weight for g in goals), Decimal(0))
    rows: list[tuple[Value, ...]] = []
    for method in METHODS:
        of = [g for g in goals if g.method == method]
        weight = sum((g.weight for g in of), Decimal(0))
        rows.append((choice_label("method", method, lang), len(of), weight, weight / total if total else None))
    rows.append((tr(L["grade_total"], lang), len(goals), total, Decimal(1) if total else None))
    return Table(
        sheet=tr(P["front"], lang),
        columns=(
            Column(tr(P["method"], lang), "text", 24),
            Column(tr(P["n_goals"], lang), "int", 15),
            Column(tr(P["weight_sum"], lang), "qty", 17),
            Column(tr(P["weight_share"], lang), "pct", 10),
        ),
        rows=tuple(rows),
    )


def _overview(registered: int, plans: Mapping[str, ConfirmedEntry], pending: int, lang: str) -> Table:
    goals = [g for p in plans.values() for g in p.submission.goals]
    keys = ("n_registered", "n_confirmed", "n_goals", "n_majors", "n_requests")
    return Table(
        sheet=tr(P["front"], lang),
        columns=tuple(Column(tr(P[k], lang), "int", 15) for k in keys),
        rows=((registered, len(plans), len(goals), sum(1 for g in goals if g.major), pending),),
    )


def _agencies_table(agencies: Sequence[Agency], plans: Mapping[str, ConfirmedEntry], lang: str) -> Table:
    rows = []
    for a in agencies:
        plan = plans.get(a.code)
        goals = plan.submission.goals if plan else ()
        weights = [sum((g.weight for g in goals if g.method == m), Decimal(0)) if plan else None for m in METHODS]
        rows.append(
            (
                a.code,
                a.name,
                a.group,
                plan.version if plan else None,
                wall_time(plan.confirmed_at) if plan else None,
                len(goals) if plan else None,
                sum(1 for g in goals if g.major) if plan else None,
                *weights,
            )
        )
    return Table(
        sheet=tr(P["agencies"], lang),
        columns=(
            Column(tr(L["code"], lang), "code", 9),
            Column(tr(L["agency"], lang), "longtext", 24),  # wrapped: narrowed to print at 8 pt or more
            Column(tr(L["group"], lang), "longtext", 15),
            Column(tr(P["version"], lang), "int"),
            Column(tr(P["confirmed_at"], lang), "datetime", 17),
            Column(tr(P["n_goals"], lang), "int"),
            Column(tr(P["n_majors"], lang), "int"),  # as wide as its heading on two lines
            *(Column(choice_label("method", m, lang), "qty", 11) for m in METHODS),
        ),
        rows=tuple(rows),
        freeze_cols=2,
    )


GOAL_KEYS = ("number", "strategy", "goal", "indicator", "method", "direction", "unit", "major", "weight")
NUMBER_KEYS = ("baseline", "target", "top", "floor")


def _goals_table(
    agencies: Sequence[Agency], plans: Mapping[str, ConfirmedEntry], lang: str, majors_only: bool
) -> Table:
    rows = []
    for a in agencies:
        plan = plans.get(a.code)
        for g in plan.submission.goals if plan else ():
            if majors_only and not g.major:
                continue
            rows.append(
                (
                    a.code,
                    a.name,
                    g.number,
                    g.strategy,
                    g.goal,
                    g.indicator,
                    choice_label("method", g.method, lang),
                    choice_label("direction", g.direction, lang),
                    g.unit,
                    "Y" if g.major else "",
                    g.weight,
                    *(getattr(g, k) for k in NUMBER_KEYS),
                )
            )
    # wrapped (longtext) columns are narrowed to fit A4 landscape at 8 pt or more (print_setup.fit_widths)
    kinds = {
        **dict.fromkeys(("goal", "indicator", "strategy", "method"), "longtext"),
        "number": "code",
        "major": "mark",
    }
    return Table(
        sheet=tr(P["majors" if majors_only else "goals"], lang),
        columns=(
            Column(tr(L["code"], lang), "code", 9),
            Column(tr(L["agency"], lang), "longtext", 20),
            *(Column(goal_column(k).label(lang), kinds.get(k, "text")) for k in GOAL_KEYS[:-1]),
            *(Column(goal_column(k).label(lang), "qty", 10) for k in ("weight", *NUMBER_KEYS)),
        ),
        rows=tuple(rows),
        freeze_cols=3,
    )


def _changes_table(agencies: Sequence[Agency], changes: Sequence[ChangeSet], lang: str) -> Table:
    names = {a.code: a.name for a in agencies}
    rows = []
    for s in changes:
        state = tr(P["pending" if s.pending else "applied"], lang)
        versions = f"{s.from_version} → {s.to_version if s.to_version is not None else '?'}"
        for c in s.changes:
            kind, field = word(CHANGE_KIND, c.kind, lang), field_label(c.field, lang)
            old, new = shown(c.field, c.old, lang), shown(c.field, c.new, lang)
            rows.append((s.agency, names.get(s.agency, s.agency), state, versions, c.number, kind, field, old, new))
    return Table(
        sheet=tr(P["changes"], lang),
        columns=(
            Column(tr(L["code"], lang), "code", 9),
            Column(tr(L["agency"], lang), "text", 20),
            Column(tr(P["state"], lang), "status", 10, warn_text=(tr(P["pending"], lang),)),
            Column(tr(P["versions"], lang), "code", 8),
            Column(goal_column("number").label(lang), "code", 9),
            Column(tr(P["change"], lang), "status", 8),
            Column(tr(P["field"], lang), "text", 12),
            Column(tr(P["old"], lang), "longtext", 30),
            Column(tr(P["new"], lang), "longtext", 30),
        ),
        rows=tuple(rows),
        freeze_cols=2,
    )


def plan_book(
    agencies: Sequence[Agency],
    plans: Mapping[str, ConfirmedEntry],
    changes: Sequence[ChangeSet],
    year: int,
    generated_at: datetime,
    lang: str,
) -> Book:
    """The plan book's content. `agencies`: every registered agency in pipeline.toml's order; `plans`: the
    confirmed plans by agency code; `changes`: the plan changes, confirmed ones and pending requests."""
    unconfirmed = [a for a in agencies if a.code not in plans]
    majors = sum(1 for p in plans.values() for g in p.submission.goals if g.major)
    pending = sum(1 for s in changes if s.pending)
    return Book(
        title=tr(P["title"], lang, year=year),
        as_of=tr(P["as_of"], lang, when=f"{wall_time(generated_at):%Y-%m-%d %H:%M}", year=year),
        front_sheet=tr(P["front"], lang),
        sections=(
            Section(tr(P["overview"], lang), table=_overview(len(agencies), plans, pending, lang)),
            Section(tr(P["by_method"], lang), table=_weights_by_method(plans, lang)),
            Section(
                tr(P["unconfirmed"], lang, n=len(unconfirmed)),
                text=", ".join(a.name for a in unconfirmed) or tr(L["none"], lang),
            ),
            Section(tr(P["majors_heading"], lang, n=majors), text=_majors_text(agencies, plans, lang)),
        ),
        tables=(
            _agencies_table(agencies, plans, lang),
            _goals_table(agencies, plans, lang, majors_only=False),
            _goals_table(agencies, plans, lang, majors_only=True),
            _changes_table(agencies, changes, lang),
        ),
        footer=tr(L["footer"], lang),
        generated_at=generated_at,
    )


def _majors_text(agencies: Sequence[Agency], plans: Mapping[str, ConfirmedEntry], lang: str) -> str:
    """`광주도시공사: 공공주택 공급, …`: the major programmes agency by agency, for the meeting's first page."""
    parts = []
    for a in agencies:
        plan = plans.get(a.code)
        goals = [g.goal for g in plan.submission.goals if g.major] if plan else []
        if goals:
            parts.append(f"{a.name}: {', '.join(goals)}")
    return " / ".join(parts) or tr(L["none"], lang)


def plan_book_file_name(year: int, generated_at: datetime, lang: str) -> str:
    return tr(P["file"], lang, year=year, date=f"{generated_at:%Y-%m-%d}")
