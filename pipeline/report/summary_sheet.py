"""The Summary sheet's content: the meeting page, with headline counts, the excellent agencies, who is missing,
the grade distribution, the ranking and its chart."""

from __future__ import annotations

from dataclasses import replace

from pipeline.core.i18n import tr
from pipeline.core.model import STATUS_ACCEPTED, STATUS_MISSING, ReportInput
from pipeline.core.rounding import round_cents
from pipeline.report.grades import grade_order
from pipeline.report.labels import SHEETS, L, status_label
from pipeline.report.order import ranked, unranked
from pipeline.report.previous import comparison_columns, comparison_values
from pipeline.report.shapes import Column, SummaryContent, Table, wall_time

__all__ = ["summary_content"]

COMPARISON_WIDTHS = (8, 6, 8)
"""전년 총점, 전년 등급, 순위 변화 on the summary page: as narrow as their two-line headings."""


def summary_content(data: ReportInput) -> SummaryContent:
    """The meeting page: headline counts, excellent agencies, who is missing, grades, the ranking and its chart."""
    lang = data.lang
    agencies = data.city.agencies
    top = ranked(agencies)
    others = unranked(agencies)
    excellent = [a for a in top if a.excellent] + [a for a in others if a.excellent]
    scored_goals = sum(1 for a in agencies if a.status == STATUS_ACCEPTED for g in a.goals if not g.pending)
    headline = (
        (tr(L["n_agencies"], lang), len(agencies)),
        (tr(L["n_submitted"], lang), sum(1 for a in agencies if a.status != STATUS_MISSING)),
        (tr(L["n_accepted"], lang), sum(1 for a in agencies if a.status == STATUS_ACCEPTED)),
        (tr(L["n_goals"], lang), scored_goals),
        (tr(L["n_excellent"], lang), len(excellent)),
        (tr(L["n_provisional"], lang), sum(1 for a in agencies if a.provisional and a.total is not None)),
    )
    missing = [a for a in agencies if a.status != STATUS_ACCEPTED]
    missing_text = ", ".join(f"{a.name}({status_label(a.status, lang)})" for a in missing)
    counts = [(g, sum(1 for a in top if a.grade == g)) for g in grade_order(agencies)]
    counts.append((tr(L["grade_total"], lang), sum(n for _, n in counts)))
    mark_x, mark_p = tr(L["mark_excellent"], lang), tr(L["mark_provisional"], lang)
    # With last year beside this year the page has three more columns; to print one A4 page wide at 8 pt or more
    # it gives up the group column (기관별 has it) and takes the comparison columns narrow.
    compared = data.previous is not None
    group = () if compared else (Column(tr(L["group"], lang), "text", 15),)
    ranking = Table(
        sheet=tr(SHEETS["summary"], lang),
        columns=(
            Column(tr(L["rank"], lang), "int", 6),
            Column(tr(L["agency"], lang), "text", 20),
            *group,
            Column(tr(L["total"], lang), "score", 9),
            Column(tr(L["grade"], lang), "grade", 7),
            *(
                replace(c, width=w)
                for c, w in zip(comparison_columns(lang), COMPARISON_WIDTHS, strict=True)
                if compared
            ),
            Column(tr(L["excellent_col"], lang), "mark", 9),
            Column(tr(L["provisional_col"], lang), "mark", 11 if lang == "en" else 8),
        ),
        rows=tuple(
            (
                a.rank,
                a.name,
                *((a.group,) if group else ()),
                round_cents(a.total),
                a.grade or "",
                *(comparison_values(data.previous, a) if compared else ()),
                mark_x if a.excellent else "",
                mark_p if a.provisional else "",
            )
            for a in top
        ),
        highlight=tuple(a.excellent for a in top),
    )
    notes = [tr(L["note_ties"], lang)]
    if any(a.provisional for a in agencies):
        notes.insert(0, tr(L["note_provisional"], lang))
    none = tr(L["none"], lang)
    return SummaryContent(
        sheet=tr(SHEETS["summary"], lang),
        title=data.title,
        as_of=tr(L["as_of"], lang, when=f"{wall_time(data.generated_at):%Y-%m-%d %H:%M}", year=data.city.year),
        headline_heading=tr(L["headline"], lang),
        headline=headline,
        excellent_heading=tr(L["excellent"], lang, n=len(excellent)),
        excellent=", ".join(a.name for a in excellent) or none,
        missing_heading=tr(L["not_submitted"], lang, n=len(missing)),
        missing=missing_text or none,
        grades_heading=tr(L["grades"], lang, n=len(top)),
        grades=tuple(counts),
        ranking_heading=tr(L["ranking"], lang),
        ranking=ranking,
        chart_title=tr(L["chart"], lang),
        chart_name_col=1,
        chart_value_col=2 + len(group),  # the total
        notes=tuple(notes),
        footer=tr(L["footer"], lang),
    )
