"""Plain data handed from one stage of the pipeline to the next.

Every stage takes these values and returns these values: reader/validate produce a `Submission`, scoring turns
submissions into a `CityResult`, the report writes a `ReportInput`. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from in the submitted workbook: every message names this cell."""

    sheet: str
    cell: str  # "J7"
    field: str  # column heading as the submitter saw it, e.g. "기준치"

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.cell}"


# --- a validated submission ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AgencyInfo:
    """The 기관정보 sheet as submitted (the registered data lives in config.Agency)."""

    code: str
    name: str
    group: str
    year: int
    supervising_dept: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Goal:
    """One row of 성과목표, typed and checked. Closed lists hold canonical codes (see layout)."""

    number: str
    goal: str
    indicator: str
    method: str  # layout.METHODS key: ratio | range | deviation | milestone | qualitative
    weight: Decimal
    direction: str | None = None  # "higher" | "lower"; None for milestone/qualitative
    strategy: str = ""
    unit: str = ""
    major: bool = False
    baseline: Decimal | None = None
    target: Decimal | None = None
    top: Decimal | None = None
    floor: Decimal | None = None
    progress: str | None = None  # mid-year 추진상황: layout.PROGRESS key
    midyear_actual: Decimal | None = None  # mid-year 중간실적
    reason: str = ""  # mid-year 사유 (required when 지연 or 부진)
    actual: Decimal | None = None  # numeric actual (quantitative methods)
    achieved: bool | None = None  # milestone: 달성 / 미달성
    grade: str | None = None  # qualitative: 탁월 … 아주미흡, None = not graded yet (pending)
    past: tuple[Decimal, ...] = ()  # deviation: past yearly results, oldest first
    highlights: str = ""
    evidence: str = ""
    note: str = ""
    row: int = 0  # sheet row, for tracing back
    sources: dict[str, Source] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Submission:
    agency: AgencyInfo
    goals: tuple[Goal, ...]
    kind: str = "results"  # layout.SUBMISSION_KINDS key: plan | midyear | results


# --- scoring results -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GoalResult:
    goal: Goal
    points: Decimal | None  # 0-100, 2 decimals; None while pending (qualitative, not graded)
    score: Decimal | None  # weight × points ÷ 100, 2 decimals; None while pending
    rate: Decimal | None  # unclamped achievement rate as a fraction (1.115 = 111.5%); None where meaningless
    top: Decimal | None  # H actually used (range/deviation)
    floor: Decimal | None  # L actually used (range/deviation)
    sigma: Decimal | None  # deviation only
    explanation: str  # one line a person can follow with a calculator

    @property
    def pending(self) -> bool:
        return self.points is None


@dataclass(frozen=True, slots=True)
class AdjustmentApplied:
    points: Decimal  # positive = 가점, negative = 감점
    reason: str
    source: str = "settings"  # ADJUSTMENT_SOURCES: "settings" ([[adjustments]]) | "committee" (the committee sheet)
    basis: str = ""  # the committee sheet's 근거 (optional)


ADJUSTMENT_SETTINGS = "settings"
ADJUSTMENT_COMMITTEE = "committee"


STATUS_ACCEPTED = "accepted"  # 제출
STATUS_REJECTED = "rejected"  # 반려 (no accepted submission, the latest was rejected)
STATUS_MISSING = "missing"  # 미제출

OUTCOME_ACCEPTED = "accepted"  # 접수: the file became its agency's current submission
OUTCOME_REJECTED = "rejected"  # 반려: the file has errors
OUTCOME_DUPLICATE = "duplicate"  # 중복: the same bytes were received before


@dataclass(frozen=True, slots=True)
class AgencyResult:
    code: str
    name: str
    group: str
    supervising_dept: str
    status: str  # STATUS_*
    goals: tuple[GoalResult, ...] = ()
    score_sum: Decimal | None = None  # Σ shown scores
    adjustments: tuple[AdjustmentApplied, ...] = ()
    total: Decimal | None = None  # Σ scores + Σ adjustments, kept within the configured bounds
    grade: str | None = None  # S/A/B/C/D
    rank: int | None = None
    group_rank: int | None = None
    excellent: bool = False
    provisional: bool = False  # a qualitative goal is still pending

    @property
    def ranked(self) -> bool:
        return self.rank is not None


@dataclass(frozen=True, slots=True)
class CityResult:
    year: int
    agencies: tuple[AgencyResult, ...]  # ranked first (by rank, then code), then the unranked in config order

    @property
    def excellent(self) -> tuple[AgencyResult, ...]:
        return tuple(a for a in self.agencies if a.excellent)


# --- what the report needs besides scores (from the ledger) ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class SubmissionRecord:
    """One file received, as the ledger knows it."""

    received_at: datetime
    file_name: str
    sha256: str
    agency_code: str | None
    outcome: str  # "accepted" | "rejected" | "duplicate"
    errors: int = 0
    warnings: int = 0
    superseded_by: str | None = None  # sha256 of the later accepted submission
    reason: str = ""
    kind: str = "results"  # 제출구분: plan | midyear | results
    late: bool = False  # received after its phase's deadline
    plan_version: int | None = None  # results/mid-year: the confirmed plan it was judged against
    committee: bool = False  # a committee workbook (정성평가 평정표): it has no agency, it is not an agency's file


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding flattened for reports: the file it belongs to and `Finding.to_dict(lang)` keys."""

    file_name: str
    agency_code: str | None
    code: str
    severity: str  # "error" | "warning"
    sheet: str
    cell: str
    field: str
    value: str
    message: str
    hint: str
    committee: bool = False  # of a committee workbook (no agency, not an agency's file)


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One line of the 변경이력: an agency's total changed (a resubmission, a committee merge), old → new, why."""

    at: datetime
    agency: str
    old_total: Decimal | None
    new_total: Decimal | None
    why: str


@dataclass(frozen=True, slots=True)
class PreviousGoal:
    """A goal's actual of the year before: a number, 달성/미달성 (`achieved`) or the evaluators' grade."""

    actual: Decimal | None = None
    achieved: bool | None = None
    grade: str | None = None


@dataclass(frozen=True, slots=True)
class PreviousAgency:
    """An agency's result of the year before, as its closed year's results.json gives it."""

    year: int
    total: Decimal | None
    grade: str | None
    rank: int | None
    goals: dict[tuple[str, str], PreviousGoal] = field(default_factory=dict)  # (number, indicator) → actual


@dataclass(frozen=True, slots=True)
class MidyearReport:
    """An agency's current accepted mid-year check: kept and reported, never scored."""

    record: SubmissionRecord
    submission: Submission


@dataclass(frozen=True, slots=True)
class ReportInput:
    city: CityResult
    title: str
    generated_at: datetime
    lang: str
    current: dict[str, SubmissionRecord]  # agency code -> its current accepted submission
    findings: tuple[FindingRow, ...] = ()
    history: tuple[SubmissionRecord, ...] = ()
    changes: tuple[ChangeRecord, ...] = ()  # the 변경이력
    final: date | None = None  # the results were confirmed (확정) on this date
    previous: dict[str, PreviousAgency] | None = None  # agency code → last year's result; None: no closed year
    departments: tuple[str, ...] = ()  # the configured 감독부서, in the file's order
    midyear: dict[str, MidyearReport] = field(default_factory=dict)  # agency code -> its current mid-year check
