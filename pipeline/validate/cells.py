"""Step 1 of validation, per file: type every cell of a read workbook, turning what cannot be typed into findings.

`Work` is one submission being validated: its raw cells, their typed values and the findings so far. The later
steps (the schemas over many files, the cross-checks) add their findings to it, and it builds the typed `Goal`s
that the cross-checks hand to scoring's rules and the `Submission` of a clean file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pipeline.core.findings import Finding, finding
from pipeline.core.layout import (
    AGENCY_FIELDS,
    DIRECTIONS,
    GOAL_COLUMNS,
    METHODS,
    PAST_COLUMNS,
    PROGRESS,
    QUANTITATIVE_METHODS,
    SUBMISSION_KINDS,
    YES_NO,
)
from pipeline.core.model import AgencyInfo, Goal, Source, Submission
from pipeline.read import normalize as nz
from pipeline.read.workbook import SELF_GRADE, RawCell, RawRow, RawWorkbook
from pipeline.validate.number_range import RANGE_PARAMS, in_range

WEIGHT_UNITS = frozenset({"", "점", "%"})

METHOD_ALIASES = {
    "목표대비실적": "ratio",
    "편차": "deviation",
    "목표부여편차": "deviation",
    "정성": "qualitative",
    "달성": "milestone",
    "targetsetting": "range",
    "targetratio": "ratio",
}
DIRECTION_ALIASES = {"↑": "higher", "↓": "lower", "상향(클수록좋음)": "higher", "하향(작을수록좋음)": "lower"}
KIND_ALIASES = {
    "성과창출계획": "plan",
    "중간": "midyear",
    "midyear": "midyear",
    "중간실적": "midyear",
    "결과": "results",
    "연말실적": "results",
    "result": "results",
}
PROGRESS_ALIASES = {"ontrack": "normal", "lagging": "lagging", "done": "done", "completed": "done"}


@dataclass(slots=True)
class Value:
    """A typed cell: value (None = blank or bad), where it is, and the text as typed for messages."""

    value: Any
    cell: RawCell  # as read; what it shows (`shown`) is worked out only for the few cells a finding names
    bad: bool = False  # a finding already names this cell

    @property
    def source(self) -> Source:
        return self.cell.source

    @property
    def shown(self) -> str:
        return _shown(self.cell)

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.bad

    @property
    def blank(self) -> bool:
        return self.value is None and not self.bad


@dataclass(slots=True)
class GoalRow:
    row: int
    values: dict[str, Value]
    achieved: Value | None = None  # milestone actual as bool


@dataclass(slots=True)
class PastRow:
    row: int
    values: dict[str, Value]


def _shown(cell: RawCell) -> str:
    if cell.formula is not None:
        return cell.formula
    if cell.error is not None:
        return cell.error
    value = cell.value
    if isinstance(value, float):
        if cell.percent:
            return nz.plain(nz.excel_number(value) * 100) + "%"
        return nz.plain(nz.excel_number(value)) if value == value and abs(value) != float("inf") else str(value)
    return "" if value is None else str(value)


class Work:
    """One submission being validated: its raw cells, typed values and findings so far."""

    def __init__(self, raw: RawWorkbook) -> None:
        self.raw = raw
        self.findings: list[Finding] = list(raw.findings)
        self.agency: dict[str, Value] = {}
        self.goals: list[GoalRow] = []
        self.past: list[PastRow] = []

    # findings ------------------------------------------------------------------------------------------
    def add(self, code: str, where: Value | Source, value: Any = None, **params: Any) -> None:
        source = where.source if isinstance(where, Value) else where
        shown = where.shown if (value is None and isinstance(where, Value)) else value
        self.findings.append(finding(code, source.sheet, source.cell, source.field, shown, **params))
        if isinstance(where, Value) and self.findings[-1].is_error:
            where.bad = True

    def typed(self, cell: RawCell, parse: Callable[[Any], nz.Parsed], **params: Any) -> tuple[Value, nz.Parsed]:
        """Type one cell; formulas without cached values, error values, dates and parse errors become findings."""
        value = Value(None, cell)
        if cell.value is None and cell.formula is None and cell.error is None and not cell.date:
            return value, nz.BLANK  # what every parser makes of an empty cell (most optional columns are)
        if cell.formula is not None:
            self.add("cell.formula_uncached", value)
            return value, nz.BLANK
        if cell.error is not None:
            self.add("cell.formula_error", value)
            return value, nz.BLANK
        if cell.date and parse is not nz.parse_text:
            self.add("value.date", value, value=_date_text(cell.value))
            return value, nz.BLANK
        parsed = parse(cell.value)
        if parsed.error:
            extra = {"length": len(str(cell.value)), "limit": nz.MAX_TEXT} if parsed.error == "cell.too_long" else {}
            self.add(parsed.error, value, **params, **extra)
            return value, parsed
        value.value = parsed.value
        return value, parsed

    # step 1: typing --------------------------------------------------------------------------------------
    @property
    def structured(self) -> bool:
        """The workbook has the template's sheets: there are cells to check."""
        return not self.raw.unreadable and bool(self.raw.agency)

    def type_cells(self) -> None:
        if not self.structured:
            return
        for col in AGENCY_FIELDS:
            cell = self.raw.agency[col.key]
            if col.key == "kind":
                parse_kind = lambda v: nz.parse_choice(SUBMISSION_KINDS, v, KIND_ALIASES)  # noqa: E731
                self.agency[col.key] = kind = self.typed(cell, parse_kind)[0]
                if kind.blank and any(f.code == "file.template_old" for f in self.findings):
                    kind.bad = True  # the old template has no 제출구분: its own finding says so, not a blank cell
                continue
            parse = nz.parse_int if col.kind == "int" else nz.parse_text
            self.agency[col.key] = self.typed(cell, parse)[0]
        for raw_row in self.raw.goals:
            self.goals.append(self._goal_row(raw_row))
        units = {str(g.values["number"].value): _unit(g) for g in self.goals if g.values["number"].ok}
        for raw_row in self.raw.past:
            values = {}
            for col in PAST_COLUMNS:
                cell = raw_row.cells[col.key]
                if col.kind == "number":
                    number = raw_row.cells["number"].value
                    unit = units.get(nz.parse_text(number).value or "", "")
                    values[col.key] = self._number(cell, unit, col.key)
                else:
                    values[col.key] = self.typed(cell, nz.parse_int if col.kind == "int" else nz.parse_text)[0]
            self.past.append(PastRow(raw_row.row, values))

    def _goal_row(self, raw_row: RawRow) -> GoalRow:
        cells = raw_row.cells
        grade = cells.get(SELF_GRADE)  # the old template's 평가등급 column, or one added by hand
        if grade is not None and not grade.empty:
            self.add("grade.self_assigned", grade.source, value=grade.value)
        values: dict[str, Value] = {}
        values["method"] = self.typed(cells["method"], lambda v: nz.parse_choice(METHODS, v, METHOD_ALIASES))[0]
        values["unit"] = self.typed(cells["unit"], nz.parse_text)[0]
        unit = values["unit"].value or ""
        row = GoalRow(raw_row.row, values)
        for col in GOAL_COLUMNS:
            if col.key in values:
                continue
            cell = cells[col.key]
            if col.key == "actual" and values["method"].value == "milestone":
                row.achieved = values["actual"] = self.typed(cell, nz.parse_achieved)[0]
            elif col.key == "actual" and values["method"].value == "qualitative" and not cell.empty:
                values["actual"] = self.typed(cell, nz.parse_text)[0]  # free text for qualitative goals: kept, unused
            elif col.kind == "number":
                values[col.key] = self._number(cell, unit, col.key)
            elif col.key == "major":
                values[col.key] = self.typed(cell, nz.parse_yes_no, **choices(YES_NO))[0]
            elif col.key == "direction":
                values[col.key] = self.typed(cell, lambda v: nz.parse_choice(DIRECTIONS, v, DIRECTION_ALIASES))[0]
            elif col.key == "progress":
                parse = lambda v: nz.parse_choice(PROGRESS, v, PROGRESS_ALIASES)  # noqa: E731
                values[col.key] = self.typed(cell, parse)[0]
            else:
                values[col.key] = self.typed(cell, nz.parse_text)[0]
        return row

    def _number(self, cell: RawCell, unit: str, key: str) -> Value:
        """A numeric cell, with the percent-format and typed-unit rules applied against the goal's unit."""
        value, parsed = self.typed(cell, nz.parse_number)
        if not value.ok:
            return value
        goal_unit = nz.unit_key(unit)
        if cell.percent:
            if key == "weight" or goal_unit == "%":
                value.value = nz.tidy(value.value * 100)  # 0.85 formatted as 85% means 85 (weights: 20% = 20)
            else:
                self.add("value.percent_format", value, value=nz.plain(value.value), unit=unit)
        if not in_range(value.value):
            self.add("value.out_of_range", value, **RANGE_PARAMS)
            value.value = None
            return value
        typed_unit = nz.unit_key(parsed.unit)
        if typed_unit:
            if key == "weight":
                if typed_unit not in WEIGHT_UNITS:
                    self.add("value.unit_mismatch", value, typed=parsed.unit, unit="점")
            elif goal_unit and typed_unit != goal_unit:
                self.add("value.unit_mismatch", value, typed=parsed.unit, unit=unit)
        if value.bad:
            value.value = None
        return value

    # the typed submission ----------------------------------------------------------------------------------
    def submission(self) -> Submission:
        a = {k: v.value for k, v in self.agency.items()}
        info = AgencyInfo(
            code=a["agency_code"],
            name=a["agency_name"],
            group=a["group"],
            year=a["year"],
            supervising_dept=a.get("supervising_dept") or "",
            contact=a.get("contact") or "",
            phone=a.get("phone") or "",
            email=a.get("email") or "",
        )
        past = self.past_by_number()
        return Submission(info, tuple(self.goal(g, past) for g in self.goals), kind=self.kind)

    @property
    def kind(self) -> str:
        """The submission's kind (제출구분) as typed; results when it is blank or bad (checked as results)."""
        value = self.agency.get("kind")
        ok = value is not None and value.ok and value.value in SUBMISSION_KINDS
        return value.value if ok else "results"

    def past_by_number(self) -> dict[str, list[tuple[int, Decimal]]]:
        """Past results per goal number, oldest first (only rows whose number, year and result are all good)."""
        out: dict[str, list[tuple[int, Decimal]]] = {}
        for p in self.past:
            v = p.values
            if v["number"].ok and v["year"].ok and v["result"].ok:
                out.setdefault(str(v["number"].value), []).append((v["year"].value, v["result"].value))
        for values in out.values():
            values.sort()
        return out

    def goal(self, g: GoalRow, past: dict[str, list[tuple[int, Decimal]]]) -> Goal:
        """The typed Goal (also built from partly bad rows, for the cross-checks that reuse scoring's rules)."""
        v = {k: (x.value if x.ok else None) for k, x in g.values.items()}
        method = v["method"]
        quantitative = method in QUANTITATIVE_METHODS
        return Goal(
            number=v["number"] or "",
            goal=v["goal"] or "",
            indicator=v["indicator"] or "",
            method=method or "",
            weight=v["weight"] if v["weight"] is not None else Decimal(0),
            direction=v["direction"] if quantitative else None,
            strategy=v["strategy"] or "",
            unit=v["unit"] or "",
            major=bool(v["major"]),
            baseline=v["baseline"],
            target=v["target"],
            top=v["top"],
            floor=v["floor"],
            progress=v["progress"],
            midyear_actual=v["midyear_actual"],
            reason=v["reason"] or "",
            actual=v["actual"] if quantitative else None,
            achieved=g.achieved.value if g.achieved is not None and g.achieved.ok else None,
            past=tuple(r for _, r in past.get(v["number"] or "", ())) if method == "deviation" else (),
            highlights=v["highlights"] or "",
            evidence=v["evidence"] or "",
            note=v["note"] or "",
            row=g.row,
            sources={k: x.source for k, x in g.values.items()},
        )


def _unit(g: GoalRow) -> str:
    return g.values["unit"].value or ""


def _date_text(value: Any) -> str:
    """A date serial as the person saw it (2025-03-05); the 1900 system, as Excel and LibreOffice write."""
    if isinstance(value, float) and 0 < value < 2958466:
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
    return str(value)


def choices(options: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The parameters of `value.unknown_choice`: the list's labels in each language."""
    return {
        "choices_ko": ", ".join(ko for ko, _ in options.values()),
        "choices_en": ", ".join(en for _, en in options.values()),
    }
