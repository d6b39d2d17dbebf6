"""Raw workbook records → findings that name the cell, and a typed `Submission` when there is no error.

Three steps, so that the expensive one runs once for many files:
1. per file, in Python: type every cell (`cells`), turning what cannot be typed into findings;
2. for all files together: the pandera schemas (`schemas`) over one frame per sheet, failures mapped back to cells;
3. per file, in Python: cross-checks pandera cannot express well (`crosschecks`: sums, duplicates, rules shared
   with `scoring`).

A cell that already has an error finding gets no second one: one message per cell, naming the first problem.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.findings import Finding, finding
from pipeline.core.layout import CHOICES, KIND_RESULTS, SHEET_AGENCY, SHEET_GOALS, SHEET_PAST
from pipeline.core.model import Submission
from pipeline.read import normalize as nz
from pipeline.read.workbook import RawCell, RawWorkbook, read_workbook
from pipeline.settings.schema import Config, Scoring
from pipeline.validate import schemas
from pipeline.validate.cells import GoalRow, Value, Work, choices
from pipeline.validate.crosschecks import CROSS_CHECKS
from pipeline.validate.plan_check import PLAN_CHECKS, PlanBasis, check_against_plan
from pipeline.xlsx.package import MAX_FILE_BYTES

log = logging.getLogger(__name__)


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
    kind: str = KIND_RESULTS  # 제출구분 as read (results when it could not be read)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0


def check_file(path: Path, config: Config | None, lang: str = "ko", basis: PlanBasis | None = None) -> CheckResult:
    """Read and validate one file. Never raises for a bad file: every problem is a finding.

    `lang` is accepted for symmetry with the other stages; findings are language-free and rendered later.
    `basis`: the confirmed plans to judge results against (None: no ledger, results judged as submitted).
    """
    max_bytes = config.batch.max_file_size_bytes if config is not None else MAX_FILE_BYTES
    return validate_many([read_workbook(Path(path), max_bytes)], config, basis)[0]


def validate_many(
    raws: Sequence[RawWorkbook], config: Config | None, basis: PlanBasis | None = None
) -> list[CheckResult]:
    """Validate many read workbooks with one pandera call per sheet; results in the same order."""
    try:
        works = [Work(raw) for raw in raws]
        for work in works:
            work.type_cells()
        _run_schemas(works)
        scoring = _scoring(config)
        for work in works:
            if work.structured:
                for rule in (*CROSS_CHECKS, *PLAN_CHECKS):
                    rule(work, config, scoring)
                if basis is not None:
                    check_against_plan(work, basis)
        return [_result(work) for work in works]
    except Exception:  # a bug must not stop the night: report it per file, keep the traceback in the log
        if len(raws) > 1:
            return [r for raw in raws for r in validate_many([raw], config, basis)]
        log.exception("validation failed on %s", raws[0].path if raws else "?")
        raw = raws[0]
        return [CheckResult(raw.path, (finding("file.internal_error"),), None, None, None, False)]


def _scoring(config: Config | None) -> Scoring:
    return config.scoring if config is not None else Scoring()


def _result(work: Work) -> CheckResult:
    """The file's findings, ordered and de-duplicated, and its Submission when none is an error."""
    found = _dedupe(work.findings, work.raw.sheet_names)
    code = work.agency.get("agency_code")
    year = work.agency.get("year")
    agency_code = _raw_text(work.raw.agency.get("agency_code"))
    has_error = any(f.is_error for f in found)
    submission = None if has_error or not work.structured else work.submission()
    return CheckResult(
        path=work.raw.path,
        findings=tuple(found),
        submission=submission,
        agency_code=(code.value if code is not None and code.ok else agency_code),
        year=year.value if year is not None and year.ok else None,
        unreadable=work.raw.unreadable,
        sheet_names=dict(work.raw.sheet_names),
        kind=work.kind if work.structured else KIND_RESULTS,
    )


def _raw_text(cell: RawCell | None) -> str | None:
    if cell is None or cell.empty or cell.formula is not None:
        return None
    parsed = nz.parse_text(cell.value, limit=200)
    return parsed.value if parsed.value else None


# --- step 2: the schemas, over all submissions at once ---------------------------------------------------------
def _run_schemas(works: Sequence[Work]) -> None:
    live = [(i, w) for i, w in enumerate(works) if w.structured]
    if not live:
        return
    goal_rows = [(i, j, g) for i, w in live for j, g in enumerate(w.goals)]
    past_rows = [(i, j, p) for i, w in live for j, p in enumerate(w.past)]
    goals = schemas.frame(
        [_plain_values(g.values) for _, _, g in goal_rows],
        [i for i, _, _ in goal_rows],
        schemas.GOAL_FRAME,
        extra={
            "has_actual": [not g.values["actual"].blank or works[i].kind != KIND_RESULTS for i, _, g in goal_rows],
            "results": [works[i].kind == KIND_RESULTS for i, _, _ in goal_rows],
        },
    )
    agency = schemas.frame([_plain_values(w.agency) for _, w in live], [i for i, _ in live], schemas.AGENCY_FRAME)
    past = schemas.frame(
        [_plain_values(p.values) for _, _, p in past_rows],
        [i for i, _, _ in past_rows],
        schemas.PAST_FRAME,
    )

    # The source map: frame row position → (submission, its typed cell, the finding's parameters).
    def goal_cell(position: int, column: str, code: str) -> tuple[Work, Value, dict[str, Any]]:
        i, _, row = goal_rows[position]
        return works[i], row.values[column], _goal_params(row, column, code)

    def agency_cell(position: int, column: str, code: str) -> tuple[Work, Value, dict[str, Any]]:
        work = live[position][1]
        return work, work.agency[column], choices(CHOICES[column]) if code == "value.unknown_choice" else {}

    def past_cell(position: int, column: str, code: str) -> tuple[Work, Value, dict[str, Any]]:
        i, _, row = past_rows[position]
        return works[i], row.values[column], {}

    for schema, df, locate in (
        (schemas.agency_schema(), agency, agency_cell),
        (schemas.goal_schema(), goals, goal_cell),
        (schemas.past_schema(), past, past_cell),
    ):
        for failure in schemas.failures(schema, df):
            work, value, params = locate(failure.position, failure.column, failure.code)
            if not value.bad:
                work.add(failure.code, value, **params)


def _plain_values(values: dict[str, Value]) -> dict[str, Any]:
    """Values the frame can hold: bad or blank → None, Decimal stays (converted to float for numbers)."""
    return {k: (v.value if v.ok else None) for k, v in values.items()}


def _goal_params(row: GoalRow, column: str, code: str) -> dict[str, Any]:
    """Parameters of findings raised by the goal schema: the choices offered, the goal's method."""
    if code == "value.unknown_choice":
        return choices(CHOICES[column])
    if code in ("goal.direction_required", "goal.actual_required"):
        return {"method": row.values["method"].shown}
    return {}


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
