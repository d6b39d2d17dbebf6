"""What the 중간점검 workbook shows (pure: plain values, no xlsxwriter): per agency how many goals are 정상, 지연,
부진 and 완료, the goals behind with their reasons, every goal's progress, and the agencies that have not reported.

Agencies are listed in the order of pipeline.toml (the office's checklist order); goals in the order submitted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import PROGRESS, choice_label, goal_column
from pipeline.core.model import STATUS_MISSING, STATUS_REJECTED, MidyearReport
from pipeline.report.labels import L, status_label
from pipeline.report.midyear_shapes import Book, Section
from pipeline.report.shapes import Column, Table, Value, wall_time
from pipeline.settings.schema import Agency

__all__ = ["BEHIND", "M", "midyear_book", "progress_counts"]

BEHIND = ("delayed", "lagging")
"""The progress values the book lists goal by goal, with their reasons."""

M: dict[str, Text] = {
    "title": ("{year}년 성과창출 목표 중간점검", "Mid-year check of the {year} goals"),
    "file": ("{year}년_중간점검_{date}.xlsx", "midyear-check-{year}-{date}.xlsx"),
    "front": ("중간점검", "Mid-year check"),
    "as_of": ("기준일시 {when} · 평가연도 {year}", "As of {when} · evaluation year {year}"),
    "counts": ("기관별 추진상황 ({n}개 기관 제출)", "Progress by agency ({n} {n:agency|agencies} reported)"),
    "behind_heading": (
        "지연·부진 목표 {n}개 (사유는 '지연·부진 목표' 시트)",
        "{n} {n:goal|goals} delayed or lagging (reasons on the next sheet)",
    ),
    "not_reported": ("미보고 기관 ({n}개)", "Agencies that have not reported ({n})"),
    "behind": ("지연·부진 목표", "Delayed goals"),
    "all_goals": ("목표별 추진상황", "All goals"),
    "missing": ("미보고 기관", "Not reported"),
    "total_row": ("계", "Total"),
    "n_goals": ("목표 수", "Goals"),
}


def heading(key: str, lang: str) -> str:
    """A goal column's heading as the template shows it (추진상황, 중간실적, 사유 …)."""
    return goal_column(key).label(lang)


def progress_counts(report: MidyearReport) -> dict[str, int]:
    """How many goals of one agency are at each progress value, every value present (0 when none)."""
    counts = dict.fromkeys(PROGRESS, 0)
    for g in report.submission.goals:
        if g.progress in counts:
            counts[g.progress] += 1
    return counts


def _counts_table(agencies: Sequence[Agency], reports: Mapping[str, MidyearReport], lang: str) -> Table:
    progress_columns = tuple(Column(choice_label("progress", p, lang), "int", 8) for p in PROGRESS)
    rows: list[tuple[Value, ...]] = []
    totals = dict.fromkeys(PROGRESS, 0)
    for a in agencies:
        report = reports.get(a.code)
        if report is None:
            continue
        counts = progress_counts(report)
        for p, n in counts.items():
            totals[p] += n
        received = wall_time(report.record.received_at)
        rows.append((a.name, a.group, received, len(report.submission.goals), *counts.values()))
    rows.append((tr(M["total_row"], lang), "", None, sum(totals.values()), *totals.values()))
    return Table(
        sheet=tr(M["front"], lang),
        columns=(
            Column(tr(L["agency"], lang), "text", 24),
            Column(tr(L["group"], lang), "text", 15),
            Column(tr(L["submitted_at"], lang), "datetime", 17),
            Column(tr(M["n_goals"], lang), "int", 8),
            *progress_columns,
        ),
        rows=tuple(rows),
    )


def _goal_rows(
    agencies: Sequence[Agency], reports: Mapping[str, MidyearReport], lang: str, only: Collection[str] | None
) -> tuple[tuple[Value, ...], ...]:
    rows = []
    for a in agencies:
        report = reports.get(a.code)
        if report is None:
            continue
        for g in report.submission.goals:
            if only is not None and g.progress not in only:
                continue
            rows.append(
                (
                    a.code,
                    a.name,
                    g.number,
                    g.goal,
                    g.indicator,
                    g.unit,
                    g.target,
                    g.midyear_actual,
                    choice_label("progress", g.progress, lang),
                    g.reason,
                )
            )
    return tuple(rows)


def _goals_table(sheet: str, rows: tuple[tuple[Value, ...], ...], lang: str) -> Table:
    behind_words = tuple(choice_label("progress", p, lang) for p in BEHIND)
    return Table(
        sheet=sheet,
        columns=(
            Column(tr(L["code"], lang), "code", 9),
            Column(tr(L["agency"], lang), "text", 20),
            Column(heading("number", lang), "code", 9),
            Column(heading("goal", lang), "longtext", 30),
            Column(heading("indicator", lang), "longtext", 24),
            Column(heading("unit", lang), "text", 8),
            Column(heading("target", lang), "qty", 11),
            Column(heading("midyear_actual", lang), "qty", 11),
            Column(heading("progress", lang), "status", 9, warn_text=behind_words),
            Column(heading("reason", lang), "longtext", 36),
        ),
        rows=rows,
        freeze_cols=3,
    )


def _missing_table(agencies: Sequence[Agency], rejected: Collection[str], lang: str) -> Table:
    return Table(
        sheet=tr(M["missing"], lang),
        columns=(
            Column(tr(L["code"], lang), "code", 9),
            Column(tr(L["agency"], lang), "text", 24),
            Column(tr(L["group"], lang), "text", 15),
            Column(tr(L["dept"], lang), "text", 15),
            Column(tr(L["status"], lang), "status", 9, warn_text=(status_label(STATUS_REJECTED, lang),)),
        ),
        rows=tuple(
            (a.code, a.name, a.group, a.supervising_dept, status_label(_status(a.code, rejected), lang))
            for a in agencies
        ),
    )


def _behind_text(rows: tuple[tuple[Value, ...], ...]) -> str:
    """`광주도시공사 2(지연), …`: which goals the meeting should ask about, their reasons on the next sheet."""
    return ", ".join(f"{r[1]} {r[2]}({r[8]})" for r in rows)


def _status(code: str, rejected: Collection[str]) -> str:
    return STATUS_REJECTED if code in rejected else STATUS_MISSING


def midyear_book(
    agencies: Sequence[Agency],
    reports: Mapping[str, MidyearReport],
    rejected: Collection[str],
    year: int,
    generated_at: datetime,
    lang: str,
) -> Book:
    """The 중간점검 workbook's content. `agencies`: every registered agency, in pipeline.toml's order; `reports`:
    the current accepted mid-year checks by agency code; `rejected`: agencies whose mid-year files were all
    rejected (shown as 반려 among those not reported)."""
    missing = [a for a in agencies if a.code not in reports]
    behind = _goal_rows(agencies, reports, lang, BEHIND)
    missing_text = ", ".join(f"{a.name}({status_label(_status(a.code, rejected), lang)})" for a in missing)
    title = tr(M["title"], lang, year=year)
    return Book(
        title=title,
        as_of=tr(M["as_of"], lang, when=f"{wall_time(generated_at):%Y-%m-%d %H:%M}", year=year),
        front_sheet=tr(M["front"], lang),
        sections=(
            Section(
                tr(M["counts"], lang, n=len(agencies) - len(missing)), table=_counts_table(agencies, reports, lang)
            ),
            Section(tr(M["behind_heading"], lang, n=len(behind)), text=_behind_text(behind) or tr(L["none"], lang)),
            Section(tr(M["not_reported"], lang, n=len(missing)), text=missing_text or tr(L["none"], lang)),
        ),
        tables=(
            _goals_table(tr(M["behind"], lang), behind, lang),
            _goals_table(tr(M["all_goals"], lang), _goal_rows(agencies, reports, lang, None), lang),
            _missing_table(missing, rejected, lang),
        ),
        footer=tr(L["footer"], lang),
        generated_at=generated_at,
    )


def midyear_file_name(year: int, generated_at: datetime, lang: str) -> str:
    return tr(M["file"], lang, year=year, date=f"{generated_at:%Y-%m-%d}")
