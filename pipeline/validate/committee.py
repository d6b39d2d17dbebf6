"""A committee workbook judged against the agencies' current accepted submissions: the findings (the same
catalogue and feedback workbook as a submission) and, when there is no error, the merged `CommitteeData`.

- a row's agency must be registered and its goal a qualitative goal of that agency's current submission;
- a row whose goal changed since the sheet was made (its 확인값 differs) is ignored and reported
  (`committee.stale_goal`, a warning): the rest is merged;
- a grade must be one of the six; a blank grade is "not graded by this member";
- an adjustment needs non-zero points and a reason, and an agency's bonuses (the sheet's and pipeline.toml's)
  may not exceed `[scoring] max_bonus`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from pipeline.core.findings import Finding, finding
from pipeline.core.layout import QUALITATIVE_GRADES
from pipeline.read import normalize as nz
from pipeline.read.committee import RawAdjustment, RawCommittee, RawGradeRow
from pipeline.read.workbook import RawCell
from pipeline.scoring.committee import CommitteeAdjustment, CommitteeData, GoalGrades
from pipeline.settings.schema import Config

__all__ = ["CommitteeCheck", "check_committee"]

GRADE_ALIASES = {"verypoor": "아주미흡", "매우미흡": "아주미흡"}


@dataclass(frozen=True, slots=True)
class CommitteeCheck:
    findings: tuple[Finding, ...]
    data: CommitteeData | None  # None when the workbook has an error: nothing of it is merged
    year: int | None
    fingerprint: str

    @property
    def ok(self) -> bool:
        return self.data is not None


def _at(code: str, cell: RawCell, value: object = None, **params: object) -> Finding:
    s = cell.source
    shown = cell.value if value is None else value
    return finding(code, s.sheet, s.cell, s.field, "" if shown is None else str(shown), **params)


def _text(cell: RawCell | None) -> str:
    if cell is None:
        return ""
    return nz.parse_text(cell.value).value or ""


def check_committee(raw: RawCommittee, current: Mapping[str, Mapping[str, str]], config: Config) -> CommitteeCheck:
    """`current`: agency code → goal number → fingerprint of each qualitative goal of its current submission."""
    found = list(raw.findings)
    grades: dict[tuple[str, str], GoalGrades] = {}
    for row in raw.grades:
        merged = _grade_row(row, current, config, found)
        if merged is not None:
            grades[(merged.agency, merged.number)] = merged
    adjustments = [a for a in (_adjustment(r, config, found) for r in raw.adjustments) if a is not None]
    _bonus_cap(adjustments, raw.adjustments, config, found)
    year = nz.parse_int(raw.year).value if raw.year else None
    if year is not None and year != config.evaluation.year:
        found.insert(0, finding("committee.other_year", found=year, year=config.evaluation.year))
    ok = not any(f.is_error for f in found)
    data = CommitteeData(grades=grades, adjustments=tuple(adjustments), file_name=raw.path.name) if ok else None
    return CommitteeCheck(tuple(found), data, year, raw.fingerprint)


def _grade_row(
    row: RawGradeRow, current: Mapping[str, Mapping[str, str]], config: Config, found: list[Finding]
) -> GoalGrades | None:
    agency_cell, number_cell = row.cells.get("agency"), row.cells.get("number")
    if agency_cell is None or number_cell is None:
        return None
    agency, number = _text(agency_cell), _text(number_cell)
    if config.agency(agency) is None:
        found.append(_at("committee.unknown_agency", agency_cell))
        return None
    goals = current.get(agency, {})
    if number not in goals:
        found.append(_at("committee.unknown_goal", number_cell, agency=agency))
        return None
    if _text(row.cells.get("fingerprint")) != goals[number]:
        found.append(_at("committee.stale_goal", number_cell, agency=agency))
        return None
    given: list[tuple[str, str]] = []
    for member, cell in row.grades:
        parsed = nz.parse_choice(QUALITATIVE_GRADES, cell.value, GRADE_ALIASES)
        if parsed.blank:
            continue
        if parsed.value not in QUALITATIVE_GRADES:
            found.append(_at("committee.grade_unknown", cell, known=", ".join(QUALITATIVE_GRADES)))
            continue
        given.append((member, parsed.value))
    return GoalGrades(agency, number, goals[number], tuple(given))


def _adjustment(row: RawAdjustment, config: Config, found: list[Finding]) -> CommitteeAdjustment | None:
    c = row.cells
    agency = _text(c["agency"])
    if config.agency(agency) is None:
        found.append(_at("committee.unknown_agency", c["agency"]))
        return None
    points = nz.parse_number(c["points"].value)
    if points.error or points.value is None or points.value == 0:
        found.append(_at("committee.points_invalid", c["points"]))
        return None
    reason = _text(c["reason"])
    if not reason:
        found.append(_at("committee.reason_required", c["reason"], value=nz.plain(points.value)))
        return None
    return CommitteeAdjustment(agency, Decimal(points.value), reason, _text(c["basis"]))


def _bonus_cap(
    adjustments: list[CommitteeAdjustment], rows: tuple[RawAdjustment, ...], config: Config, found: list[Finding]
) -> None:
    cap = config.scoring.max_bonus
    bonuses: dict[str, Decimal] = {}
    for a in config.scoring.adjustments:
        if a.points > 0:
            bonuses[a.agency] = bonuses.get(a.agency, Decimal(0)) + a.points
    for a in adjustments:
        if a.points > 0:
            bonuses[a.agency] = bonuses.get(a.agency, Decimal(0)) + a.points
    for agency, total in bonuses.items():
        if total > cap and any(a.agency == agency and a.points > 0 for a in adjustments):
            row = next(r for r in rows if _text(r.cells["agency"]) == agency)
            found.append(
                _at("committee.bonus_cap", row.cells["points"], agency=agency, total=nz.plain(total), cap=nz.plain(cap))
            )
