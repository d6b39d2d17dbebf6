"""Raw workbook records → findings that name the cell, and a typed `Submission` when there is no error.

Three steps, so that the expensive one runs once for many files:
1. per file, in Python: type every cell (`normalize`), turning what cannot be typed into findings;
2. for all files together: the pandera schemas (`schemas`) over one frame per sheet, failures mapped back to cells;
3. per file, in Python: cross-checks pandera cannot express well (sums, duplicates, rules shared with `scoring`).

A cell that already has an error finding gets no second one: one message per cell, naming the first problem.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.findings import Finding, finding
from pipeline.core.layout import (
    AGENCY_FIELDS,
    DIRECTIONS,
    GOAL_COLUMNS,
    METHODS,
    PAST_COLUMNS,
    QUALITATIVE_GRADES,
    QUANTITATIVE_METHODS,
    SHEET_AGENCY,
    SHEET_GOALS,
    SHEET_PAST,
)
from pipeline.core.model import AgencyInfo, Goal, Source, Submission
from pipeline.read import normalize as nz
from pipeline.read.workbook import RawCell, RawRow, RawWorkbook, read_workbook
from pipeline.xlsx.package import MAX_FILE_BYTES

if TYPE_CHECKING:
    from pipeline.settings.schema import Config, Scoring

log = logging.getLogger(__name__)

RATE_HIGH = Decimal(2)
RATE_LOW = Decimal("0.2")
"""Achievement rates outside 20 %–200 % are flagged as a likely unit slip (a warning)."""
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
GRADE_ALIASES = {"verypoor": "아주미흡", "매우미흡": "아주미흡"}


# --- the result the batch and the CLI use -------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckResult:
    path: Path
    findings: tuple[Finding, ...]
    submission: Submission | None  # None when there is any error
    agency_code: str | None  # as read from 기관정보, even when invalid (for routing)
    year: int | None
    unreadable: bool = False  # the file could not be opened as a workbook at all
    sheet_names: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0


def check_file(path: Path, config: Config | None, lang: str = "ko") -> CheckResult:
    """Read and validate one file. Never raises for a bad file: every problem is a finding.

    `lang` is accepted for symmetry with the other stages; findings are language-free and rendered later.
    """
    max_bytes = config.batch.max_file_size_bytes if config is not None else MAX_FILE_BYTES
    return validate_many([read_workbook(Path(path), max_bytes)], config)[0]


def validate_many(raws: Sequence[RawWorkbook], config: Config | None) -> list[CheckResult]:
    """Validate many read workbooks with one pandera call per sheet; results in the same order."""
    try:
        works = [_Work(raw) for raw in raws]
        for work in works:
            work.type_cells()
        _run_schemas(works)
        scoring = _scoring(config)
        for work in works:
            if work.structured:
                for rule in CROSS_CHECKS:
                    rule(work, config, scoring)
        return [work.result() for work in works]
    except Exception:  # a bug must not stop the night: report it per file, keep the traceback in the log
        if len(raws) > 1:
            return [r for raw in raws for r in validate_many([raw], config)]
        log.exception("validation failed on %s", raws[0].path if raws else "?")
        raw = raws[0]
        return [CheckResult(raw.path, (finding("file.internal_error"),), None, None, None, False)]


def _scoring(config: Config | None) -> Scoring:
    from pipeline.settings.schema import Scoring

    return config.scoring if config is not None else Scoring()


# --- typed cells ----------------------------------------------------------------------------------------------
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
class _GoalRow:
    row: int
    values: dict[str, Value]
    achieved: Value | None = None  # milestone actual as bool


@dataclass(slots=True)
class _PastRow:
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


class _Work:
    """One submission being validated: its raw cells, typed values and findings so far."""

    def __init__(self, raw: RawWorkbook) -> None:
        self.raw = raw
        self.findings: list[Finding] = list(raw.findings)
        self.agency: dict[str, Value] = {}
        self.goals: list[_GoalRow] = []
        self.past: list[_PastRow] = []

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
            self.past.append(_PastRow(raw_row.row, values))

    def _goal_row(self, raw_row: RawRow) -> _GoalRow:
        cells = raw_row.cells
        values: dict[str, Value] = {}
        values["method"] = self.typed(cells["method"], lambda v: nz.parse_choice(METHODS, v, METHOD_ALIASES))[0]
        values["unit"] = self.typed(cells["unit"], nz.parse_text)[0]
        unit = values["unit"].value or ""
        row = _GoalRow(raw_row.row, values)
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
                values[col.key] = self.typed(cell, nz.parse_yes_no, choices_ko="Y, N", choices_en="Y, N")[0]
            elif col.key == "direction":
                values[col.key] = self.typed(cell, lambda v: nz.parse_choice(DIRECTIONS, v, DIRECTION_ALIASES))[0]
            elif col.key == "grade":
                values[col.key] = self.typed(cell, lambda v: nz.parse_choice(QUALITATIVE_GRADES, v, GRADE_ALIASES))[0]
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

    # results ---------------------------------------------------------------------------------------------
    def result(self) -> CheckResult:
        found = _dedupe(self.findings, self.raw.sheet_names)
        code = self.agency.get("agency_code")
        year = self.agency.get("year")
        agency_code = _raw_text(self.raw.agency.get("agency_code"))
        has_error = any(f.is_error for f in found)
        submission = None if has_error or not self.structured else self.submission()
        return CheckResult(
            path=self.raw.path,
            findings=tuple(found),
            submission=submission,
            agency_code=(code.value if code is not None and code.ok else agency_code),
            year=year.value if year is not None and year.ok else None,
            unreadable=self.raw.unreadable,
            sheet_names=dict(self.raw.sheet_names),
        )

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
        return Submission(info, tuple(self.goal(g, past) for g in self.goals))

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

    def goal(self, g: _GoalRow, past: dict[str, list[tuple[int, Decimal]]]) -> Goal:
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
            actual=v["actual"] if quantitative else None,
            achieved=g.achieved.value if g.achieved is not None and g.achieved.ok else None,
            grade=v["grade"] if method == "qualitative" else None,
            past=tuple(r for _, r in past.get(v["number"] or "", ())) if method == "deviation" else (),
            highlights=v["highlights"] or "",
            evidence=v["evidence"] or "",
            note=v["note"] or "",
            row=g.row,
            sources={k: x.source for k, x in g.values.items()},
        )


def _unit(g: _GoalRow) -> str:
    return g.values["unit"].value or ""


def _raw_text(cell: RawCell | None) -> str | None:
    if cell is None or cell.empty or cell.formula is not None:
        return None
    parsed = nz.parse_text(cell.value, limit=200)
    return parsed.value if parsed.value else None


def _date_text(value: Any) -> str:
    """A date serial as the person saw it (2025-03-05); the 1900 system, as Excel and LibreOffice write."""
    from datetime import date, timedelta

    if isinstance(value, float) and 0 < value < 2958466:
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
    return str(value)


# --- step 2: the schemas, over all submissions at once ---------------------------------------------------------
def _run_schemas(works: Sequence[_Work]) -> None:
    from pipeline.validate import schemas

    live = [(i, w) for i, w in enumerate(works) if w.structured]
    if not live:
        return
    goal_rows = [(i, j, g) for i, w in live for j, g in enumerate(w.goals)]
    past_rows = [(i, j, p) for i, w in live for j, p in enumerate(w.past)]
    goals = schemas.frame(
        [_plain_values(g.values) for _, _, g in goal_rows],
        [i for i, _, _ in goal_rows],
        schemas.GOAL_NUMBERS,
        schemas.GOAL_TEXT,
        extra={"has_actual": [not g.values["actual"].blank for _, _, g in goal_rows]},
    )
    agency = schemas.frame(
        [_plain_values(w.agency) for _, w in live], [i for i, _ in live], schemas.AGENCY_NUMBERS, schemas.AGENCY_TEXT
    )
    past = schemas.frame(
        [_plain_values(p.values) for _, _, p in past_rows],
        [i for i, _, _ in past_rows],
        schemas.PAST_NUMBERS,
        schemas.PAST_TEXT,
    )

    # The source map: frame row position → (submission, its typed cells, template values for the message).
    def goal_cell(position: int, column: str) -> tuple[_Work, Value, dict[str, Any]]:
        i, _, row = goal_rows[position]
        return works[i], row.values[column], _goal_params(row, column)

    def agency_cell(position: int, column: str) -> tuple[_Work, Value, dict[str, Any]]:
        work = live[position][1]
        return work, work.agency[column], {}

    def past_cell(position: int, column: str) -> tuple[_Work, Value, dict[str, Any]]:
        i, _, row = past_rows[position]
        return works[i], row.values[column], {}

    for schema, df, locate in (
        (schemas.agency_schema(), agency, agency_cell),
        (schemas.goal_schema(), goals, goal_cell),
        (schemas.past_schema(), past, past_cell),
    ):
        for failure in schemas.failures(schema, df):
            work, value, params = locate(failure.position, failure.column)
            if not value.bad:
                work.add(failure.code, value, **params)


def _plain_values(values: dict[str, Value]) -> dict[str, Any]:
    """Values the frame can hold: bad or blank → None, Decimal stays (converted to float for numbers)."""
    return {k: (v.value if v.ok else None) for k, v in values.items()}


def _labels(options: dict[str, tuple[str, str]], lang_index: int) -> str:
    return ", ".join(labels[lang_index] for labels in options.values())


CHOICE_OPTIONS = {"method": METHODS, "direction": DIRECTIONS, "grade": QUALITATIVE_GRADES}


def _goal_params(row: _GoalRow, column: str) -> dict[str, Any]:
    """Template values of findings raised by the goal schema (choices offered, the goal's method)."""
    params: dict[str, Any] = {}
    if column in CHOICE_OPTIONS:
        params = {"choices_ko": _labels(CHOICE_OPTIONS[column], 0), "choices_en": _labels(CHOICE_OPTIONS[column], 1)}
    if column in ("direction", "actual"):
        params["method"] = row.values["method"].shown
    return params


# --- step 3: cross-checks, one function per rule ------------------------------------------------------------------
CrossCheck = Callable[[_Work, "Config | None", "Scoring"], None]


def check_no_goals(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """A goal sheet with a heading row and nothing under it."""
    sheet = work.raw.sheet_names.get(SHEET_GOALS, "")
    explained = ("sheet.header_missing", "sheet.too_many_entries")
    if not work.goals and not any(f.code in explained and f.sheet == sheet for f in work.findings):
        work.add("sheet.no_goals", Source(sheet, "", ""))


def check_agency_registered(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """The code must be one of pipeline.toml's agencies."""
    code = work.agency.get("agency_code")
    if config is not None and code is not None and code.ok and config.agency(code.value) is None:
        work.add("agency.unknown", code)


def check_agency_name(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """The name must be the registered name of that code (spaces and full-width forms ignored)."""
    code, name = work.agency.get("agency_code"), work.agency.get("agency_name")
    if config is None or code is None or name is None or not (code.ok and name.ok):
        return
    agency = config.agency(code.value)
    if agency is not None and nz.choice_key(agency.name) != nz.choice_key(name.value):
        work.add("agency.name_mismatch", name, agency_code=code.value, expected=agency.name)


def check_year(work: _Work, config: Config | None, scoring: Scoring) -> None:
    year = work.agency.get("year")
    if config is not None and year is not None and year.ok and year.value != config.evaluation.year:
        work.add("agency.wrong_year", year, expected=config.evaluation.year)


def check_weights_sum(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """Weights add up to exactly 100 (Decimal, no tolerance); skipped while a weight itself is wrong."""
    weights = [g.values["weight"] for g in work.goals]
    if not weights or not all(w.ok for w in weights):
        return
    total = sum((w.value for w in weights), Decimal(0))
    if total != 100:
        cells = [w.source.cell for w in weights]
        span = cells[0] if len(cells) == 1 else f"{cells[0]}:{cells[-1]}"
        where = Source(weights[0].source.sheet, span, weights[0].source.field)
        work.add("goal.weights_sum", where, value=nz.plain(total), total=nz.plain(total), cells=", ".join(cells))


def check_duplicate_numbers(work: _Work, config: Config | None, scoring: Scoring) -> None:
    first: dict[str, Value] = {}
    for g in work.goals:
        number = g.values["number"]
        if not number.ok:
            continue
        key = nz.choice_key(number.value)
        if key in first:
            work.add("goal.duplicate_number", number, other=first[key].source.ref)
        else:
            first[key] = number


def _usable(g: _GoalRow, *keys: str) -> bool:
    """No finding on these cells yet (blank is fine): a rule on them would only repeat a problem."""
    return not any(g.values[k].bad for k in keys)


def check_ratio(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """목표대비: the target must make actual ÷ target meaningful (scoring.ratio_rate); warn on unusual rates."""
    from pipeline.scoring.methods.ratio import ratio_rate
    from pipeline.scoring.rule import ScoringError

    past = work.past_by_number()
    for g in work.goals:
        v = g.values
        if v["method"].value != "ratio" or not (v["direction"].ok and v["target"].ok and v["actual"].ok):
            continue
        if not _usable(g, "direction", "target", "actual"):
            continue
        try:
            rate = ratio_rate(work.goal(g, past))
        except ScoringError:
            code = "goal.target_positive" if v["direction"].value == "higher" else "goal.target_negative"
            work.add(code, v["target"])
            continue
        if v["direction"].value == "lower" and v["target"].value == 0:
            continue  # zero-target rates are 0 or 1 by definition
        if rate > RATE_HIGH or rate < RATE_LOW:
            work.add("goal.rate_unusual", v["actual"], rate=nz.plain(round(rate * 100, 1)))


def check_range(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """목표부여: top and floor together, or a positive baseline; top ≠ floor, the right way round (scoring.range_bounds)."""
    from pipeline.scoring.methods.range import range_bounds
    from pipeline.scoring.rule import ScoringError

    past = work.past_by_number()
    for g in work.goals:
        v = g.values
        if v["method"].value != "range" or not v["direction"].ok:
            continue
        if not _usable(g, "direction", "top", "floor", "baseline"):
            continue
        top, floor = v["top"], v["floor"]
        if top.ok != floor.ok:
            work.add("goal.top_floor_pair", top if floor.ok else floor)
            continue
        try:
            range_bounds(work.goal(g, past), scoring)
        except ScoringError:
            _range_finding(work, g)


def _range_finding(work: _Work, g: _GoalRow) -> None:
    """Which cell to name when scoring refuses the range: decided from what is filled in."""
    v = g.values
    top, floor, baseline = v["top"], v["floor"], v["baseline"]
    if top.ok and floor.ok:
        if top.value == floor.value:
            work.add("goal.top_equals_floor", top)
        else:
            work.add("goal.top_floor_order", top, direction=v["direction"].shown, top=top.shown, floor=floor.shown)
    elif baseline.ok:
        work.add("goal.baseline_positive", baseline)
    else:
        work.add("goal.range_bounds_required", top)


def check_deviation(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """목표부여(편차): 3–5 past results that vary (scoring.deviation_bounds); skipped while a past cell is wrong."""
    from pipeline.scoring.methods.deviation import deviation_bounds
    from pipeline.scoring.rule import ScoringError

    past = work.past_by_number()
    bad_numbers = {
        nz.parse_text(p.values["number"].value).value for p in work.past if any(x.bad for x in p.values.values())
    }
    for g in work.goals:
        v = g.values
        if v["method"].value != "deviation" or not v["number"].ok or not v["direction"].ok:
            continue
        number = v["number"].value
        if number in bad_numbers or not _usable(g, "direction", "baseline"):
            continue
        count = len(past.get(number, ()))
        if not 3 <= count <= 5:
            work.add("goal.past_count", v["method"], number=number, count=count)
            continue
        try:
            deviation_bounds(work.goal(g, past), scoring)
        except ScoringError:
            work.add("goal.past_no_variation", v["method"], number=number)


def check_past_rows(work: _Work, config: Config | None, scoring: Scoring) -> None:
    """Past results belong to a goal on the goal sheet, one row per goal and year."""
    numbers = {g.values["number"].value for g in work.goals if g.values["number"].ok}
    seen: dict[tuple[str, int], Value] = {}
    for p in work.past:
        number, year = p.values["number"], p.values["year"]
        if not number.ok:
            continue
        if numbers and number.value not in numbers:
            work.add("past.unknown_goal", number)
            continue
        if year.ok:
            key = (number.value, year.value)
            if key in seen:
                work.add("past.duplicate_year", year, number=number.value, other=seen[key].source.ref)
            else:
                seen[key] = year


CROSS_CHECKS: tuple[CrossCheck, ...] = (
    check_no_goals,
    check_agency_registered,
    check_agency_name,
    check_year,
    check_weights_sum,
    check_duplicate_numbers,
    check_ratio,
    check_range,
    check_deviation,
    check_past_rows,
)
"""Every cross-check, in the order findings are produced; a new rule is one function added here."""


# --- ordering and de-duplication ---------------------------------------------------------------------------------
def _cell_key(cell: str) -> tuple[int, int]:
    first = cell.split(":", 1)[0]
    letters = "".join(ch for ch in first if ch.isalpha())
    digits = "".join(ch for ch in first if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch.upper()) - 64
    return (int(digits) if digits else 0, col)


def _dedupe(findings: Iterable[Finding], sheet_names: dict[str, str]) -> list[Finding]:
    """One error per cell (the first found), exact repeats dropped, ordered by sheet then row then column."""
    order = {sheet_names.get(k, k): n for n, k in enumerate((SHEET_AGENCY, SHEET_GOALS, SHEET_PAST))}
    failed: set[tuple[str, str]] = set()
    seen: set[Finding] = set()
    out = []
    for f in findings:
        where = (f.sheet, f.cell)
        if f in seen or (f.cell and where in failed):
            continue
        seen.add(f)
        out.append(f)
        if f.is_error and f.cell:
            failed.add(where)
    return sorted(out, key=lambda f: (bool(f.sheet), order.get(f.sheet, 9), _cell_key(f.cell)))
