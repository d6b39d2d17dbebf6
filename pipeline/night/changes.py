"""The 변경이력: each time an agency's total differs from the one last published (the standings `pipeline status`
shows), one line old → new with why — a resubmission, a committee workbook merged, or pipeline.toml changed — so
that the office can answer objections (이의신청) with the history of every published number."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pipeline.core.i18n import Text, tr
from pipeline.core.model import ChangeRecord, CityResult
from pipeline.night import committee_ledger
from pipeline.night.context import RunContext
from pipeline.night.ledger import FileRow
from pipeline.scoring.committee import CommitteeData
from pipeline.system import clock

__all__ = ["note_changes"]

WHY_RESUBMITTED: Text = ("재제출: {file}", "resubmitted: {file}")
WHY_COMMITTEE: Text = ("평가위원회 평정표 반영: {file}", "committee sheet merged: {file}")
WHY_SETTINGS: Text = ("설정(pipeline.toml) 변경", "settings (pipeline.toml) changed")


def note_changes(run: RunContext, city: CityResult, current: Mapping[str, FileRow], committee: CommitteeData) -> None:
    """Record in the ledger every total that differs from the last standings (nothing on the first publication)."""
    before = run.ledger.standings()
    if not before:
        return
    year = run.config.evaluation.year
    latest = committee_ledger.latest_file(run.ledger, year)
    committee_at = run.ledger.file(latest[0]).received_at if latest else None
    for a in city.agencies:
        old = before.get(a.code)
        if old is None or old["total"] is None or a.total is None:
            continue
        old_total = Decimal(old["total"])
        if old_total == a.total:
            continue
        as_of = old["as_of"]
        row = current.get(a.code)
        if row is not None and row.received_at.isoformat() > as_of:
            why = tr(WHY_RESUBMITTED, run.lang, file=row.original_name)
        elif latest is not None and committee_at is not None and committee_at.isoformat() > as_of:
            why = tr(WHY_COMMITTEE, run.lang, file=latest[1])
        else:
            why = tr(WHY_SETTINGS, run.lang)
        committee_ledger.record_change(run.ledger, ChangeRecord(clock.now(), a.code, old_total, a.total, why))
