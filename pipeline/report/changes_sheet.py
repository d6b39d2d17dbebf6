"""The 변경이력 sheet: every change of an agency's published total (a resubmission, a committee workbook merged,
pipeline.toml changed), old → new with why, oldest first; and the 확정 (final) marking of the workbook. With it the
office answers an objection (이의신청) from the workbook alone."""

from __future__ import annotations

from dataclasses import replace

from pipeline.core.i18n import Text, tr
from pipeline.core.model import ReportInput
from pipeline.report.labels import SHEETS
from pipeline.report.shapes import Column, SummaryContent, Table, wall_time

__all__ = ["changes_table", "final_summary"]

LABELS: dict[str, Text] = {
    "at": ("일시", "When"),
    "code": ("기관코드", "Code"),
    "agency": ("기관명", "Agency"),
    "old": ("이전 총점", "Old total"),
    "new": ("새 총점", "New total"),
    "why": ("사유", "Why"),
}
FINAL: Text = ("확정 {date}", "final, confirmed {date}")
"""How the workbook and its summary say that the results are confirmed."""


def changes_table(data: ReportInput) -> Table:
    lang = data.lang
    names = {a.code: a.name for a in data.city.agencies}
    kinds = (("at", "datetime"), ("code", "code"), ("agency", "text"), ("old", "score"), ("new", "score"))
    columns = tuple(Column(tr(LABELS[k], lang), kind) for k, kind in kinds) + (
        Column(tr(LABELS["why"], lang), "longtext"),
    )
    rows = tuple(
        (wall_time(c.at), c.agency, names.get(c.agency, ""), c.old_total, c.new_total, c.why) for c in data.changes
    )
    return Table(sheet=tr(SHEETS["changes"], lang), columns=columns, rows=rows, freeze_cols=1)


def final_summary(summary: SummaryContent, data: ReportInput) -> SummaryContent:
    """The summary page says 확정 with the date once the results are final."""
    if data.final is None:
        return summary
    mark = tr(FINAL, data.lang, date=data.final.isoformat())
    return replace(summary, title=f"{summary.title} ({mark})", as_of=f"{summary.as_of} · {mark}")
