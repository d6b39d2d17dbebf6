"""The consolidated workbook and results.json: what the office prints for the heads-of-agencies meeting.

Pure core, thin shell. Everything a person reads is decided here, as plain values (`SummaryContent`, `Table`),
without touching the file system or the clock; `report_workbook` only lays those values out with xlsxwriter and
`results_json` builds the machine copy. So a wrong figure or label is found by a test on plain data, and the
xlsxwriter code stays small enough to read in one sitting.

Every value of a table cell is one of: `str` (written with `write_string`, never interpreted), `int`, `Decimal`
(already rounded the way it is shown), `datetime` (naive wall time) or `None` (an empty, bordered cell).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import ACHIEVED, QUANTITATIVE_METHODS, choice_label
from pipeline.core.model import (
    STATUS_ACCEPTED,
    STATUS_MISSING,
    STATUS_REJECTED,
    AgencyResult,
    GoalResult,
    ReportInput,
    SubmissionRecord,
)
from pipeline.report.results_json import results_document, write_results
from pipeline.system.atomic import write_atomically
from pipeline.system.child_job import in_child

__all__ = [
    "ReportPaths",
    "write_outputs",
    "output_names",
    "results_document",
    "summary_content",
    "agencies_table",
    "goals_table",
    "findings_table",
    "submissions_table",
    "workbook_content",
]

Value = str | int | Decimal | datetime | None

# --- labels: every text a person reads in the workbook, (Korean, English) -----------------------------------
SHEETS: dict[str, Text] = {
    "summary": ("요약", "Summary"),
    "agencies": ("기관별", "Agencies"),
    "goals": ("목표별", "Goals"),
    "findings": ("검토사항", "Findings"),
    "submissions": ("제출이력", "Submissions"),
}

L: dict[str, Text] = {
    "as_of": ("기준일시 {when} · 평가연도 {year}", "As of {when} · evaluation year {year}"),
    "headline": ("주요 현황", "At a glance"),
    "n_agencies": ("대상 기관", "Agencies"),
    "n_submitted": ("제출 기관", "Submitted"),
    "n_accepted": ("정상 접수", "Accepted"),
    "n_goals": ("채점 목표", "Goals scored"),
    "n_excellent": ("우수기관", "Excellent"),
    "n_provisional": ("잠정 총점", "Provisional"),
    "excellent": ("우수기관 ({n}개)", "Excellent agencies ({n})"),
    "not_submitted": ("미제출·반려 기관 ({n}개)", "Agencies without an accepted submission ({n})"),
    "none": ("없음", "none"),
    "grades": ("등급 분포 (순위 대상 {n}개 기관)", "Grade distribution ({n} ranked agencies)"),
    "grade_total": ("계", "Total"),
    "ranking": ("기관별 순위", "Ranking"),
    "chart": ("기관별 총점", "Total by agency"),
    "note_provisional": (
        "잠정: 정성평가가 끝나지 않은 목표가 있어 총점이 확정되지 않은 기관 (우수기관 선정 제외)",
        "Provisional: a qualitative goal is not graded yet, so the total may change (never selected as excellent)",
    ),
    "note_ties": (
        "동점 기관은 같은 순위이며 다음 순위는 건너뜁니다 (1, 2, 2, 4).",
        "Tied agencies share a rank and the next rank is skipped (1, 2, 2, 4).",
    ),
    "footer": ("&C&P / &N 쪽", "&CPage &P of &N"),
    # column headings
    "rank": ("순위", "Rank"),
    "group_rank": ("유형내 순위", "Rank in group"),
    "code": ("기관코드", "Code"),
    "agency": ("기관명", "Agency"),
    "group": ("기관유형", "Group"),
    "dept": ("감독부서", "Supervising dept."),
    "status": ("상태", "Status"),
    "submitted_at": ("제출일시", "Submitted at"),
    "n_goals_col": ("목표 수", "Goals"),
    "score_sum": ("득점 합계", "Sum of scores"),
    "adjustment": ("가감점", "Adjustments"),
    "adjustment_reasons": ("가감점 사유", "Adjustment reasons"),
    "total": ("총점", "Total"),
    "grade": ("등급", "Grade"),
    "excellent_col": ("우수기관", "Excellent"),
    "provisional_col": ("잠정", "Provisional"),
    "number": ("목표번호", "Goal no."),
    "strategy": ("전략목표", "Strategic goal"),
    "goal": ("성과목표", "Goal"),
    "indicator": ("성과지표", "Indicator"),
    "method": ("평가방법", "Method"),
    "direction": ("지표방향", "Direction"),
    "unit": ("단위", "Unit"),
    "major": ("주요사업", "Major"),
    "weight": ("가중치", "Weight"),
    "baseline": ("기준치", "Baseline"),
    "target": ("목표치", "Target"),
    "top": ("최고목표", "Top target"),
    "floor": ("최저목표", "Floor target"),
    "actual": ("실적치", "Actual"),
    "rate": ("달성률", "Achievement"),
    "points": ("평점", "Points"),
    "score": ("득점", "Score"),
    "explanation": ("산출근거", "How it was scored"),
    "evidence": ("증빙자료", "Evidence"),
    "file": ("파일명", "File"),
    "severity": ("구분", "Severity"),
    "finding_code": ("코드", "Code"),
    "sheet": ("시트", "Sheet"),
    "cell": ("셀", "Cell"),
    "field": ("항목", "Field"),
    "value": ("입력값", "Value"),
    "message": ("내용", "Message"),
    "hint": ("조치 방법", "How to fix"),
    "received_at": ("접수일시", "Received at"),
    "hash": ("해시(앞 12자리)", "SHA-256 (first 12)"),
    "outcome": ("처리결과", "Outcome"),
    "errors": ("오류 수", "Errors"),
    "warnings": ("경고 수", "Warnings"),
    "superseded_by": ("대체한 제출(해시)", "Superseded by"),
    "reason": ("사유", "Reason"),
    # values
    "pending": ("평가대기", "pending"),
    "mark_excellent": ("○", "Yes"),
    "mark_provisional": ("잠정", "prov."),
    "status_accepted": ("제출", "submitted"),
    "status_rejected": ("반려", "rejected"),
    "status_missing": ("미제출", "not submitted"),
    "outcome_accepted": ("접수", "accepted"),
    "outcome_rejected": ("반려", "rejected"),
    "outcome_duplicate": ("중복", "duplicate"),
    "severity_error": ("오류", "error"),
    "severity_warning": ("경고", "warning"),
}

FILE_NAME: Text = ("{year}년_공공기관_성과평가_결과_{date}.xlsx", "{year}_agency_evaluation_results_{date}.xlsx")
ASCII_NAME = "evaluation-{year}-results-{date}.xlsx"
RESULTS_JSON = "results.json"

DEFAULT_GRADES = ("S", "A", "B", "C", "D")
"""Grade order when the input names no others; a grade outside it is appended so it is still counted."""

LOW_RATE = Decimal("0.8")
"""Achievement below 80 % of the target is shaded on the Goals sheet (below 100 % is too common to stand out)."""
LOW_POINTS = Decimal(60)
"""Points below this (a D-level goal) are shaded on the Goals sheet."""

TWO = Decimal("0.01")
RATE = Decimal("0.0001")  # a rate is shown as 0.0%, i.e. four decimals of the fraction


# --- the values the shell writes -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a table sheet.

    `kind` tells the shell how to show a value (number format, alignment, conditional colours) so that the
    content layer never mentions xlsxwriter: text | longtext | code | int | qty | score | pct | datetime | grade |
    mark | status | severity.
    """

    label: str
    kind: str = "text"
    width: float | None = None  # None: fitted to the header and the values
    warn_below: Decimal | None = None  # numbers below this are shaded red (low achievement, low points)
    warn_text: tuple[str, ...] = ()  # texts shaded red (반려, 미제출, 오류)


@dataclass(frozen=True)
class Table:
    """A sheet of one header row and data rows, ready to filter and print."""

    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    freeze_cols: int = 0
    highlight: tuple[bool, ...] = ()  # rows to shade (e.g. excellent agencies in the ranking)

    def widths(self) -> tuple[float, ...]:
        return tuple(
            c.width if c.width is not None else fit_width([c.label, *map(itemgetter(i), self.rows)], c.kind)
            for i, c in enumerate(self.columns)
        )


@dataclass(frozen=True)
class SummaryContent:
    """The meeting page: what it says, in reading order. Placement is the shell's job."""

    sheet: str
    title: str
    as_of: str
    headline_heading: str
    headline: tuple[tuple[str, int], ...]
    excellent_heading: str
    excellent: str
    missing_heading: str
    missing: str
    grades_heading: str
    grades: tuple[tuple[str, int], ...]  # (grade, count) ..., then (total label, count)
    ranking_heading: str
    ranking: Table
    chart_title: str
    chart_name_col: int
    chart_value_col: int
    notes: tuple[str, ...]
    footer: str


@dataclass(frozen=True)
class WorkbookContent:
    title: str
    lang: str
    generated_at: datetime
    summary: SummaryContent
    tables: tuple[Table, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReportPaths:
    """Where write_outputs put things; `workbook_ascii_name` is the attachment name for mail clients that
    mangle non-ASCII file names."""

    workbook: Path
    workbook_ascii_name: str
    results_json: Path


# --- small pure helpers ----------------------------------------------------------------------------------------
def q2(value: Decimal | None) -> Decimal | None:
    """Round half-up to 2 decimals, as points, scores and totals are shown."""
    return None if value is None else value.quantize(TWO, rounding=ROUND_HALF_UP)


def q_rate(value: Decimal | None) -> Decimal | None:
    """Round a rate (fraction) to what a 0.0% format shows."""
    return None if value is None else value.quantize(RATE, rounding=ROUND_HALF_UP)


def wall_time(moment: datetime | None) -> datetime | None:
    """Spreadsheets have no time zones: show the wall time the ledger recorded."""
    return None if moment is None else moment.replace(tzinfo=None)


@lru_cache(maxsize=1 << 16)
def text_width(text: str) -> int:
    """Display width in 'digit widths': Hangul and other wide characters take two, which is why a column sized by
    len() cuts Korean text in half."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_MAX_WIDTH = {"longtext": 72, "text": 40}


def fit_width(values: Iterable[Value], kind: str) -> float:
    """A column width that shows the header and typical values without cutting them (long text wraps).

    Each distinct value is measured once: a goal sheet repeats its agency's name, method and unit on every row,
    and a 10,000-agency sheet has 200,000 rows. Values are told apart by type and exact text, in C (`set` over
    `map`), so equal Decimals written differently (1.0 and 1.000, 0 and -0) are each measured as they show."""
    cap = _MAX_WIDTH.get(kind, 40)
    values = values if isinstance(values, (list, tuple)) else list(values)
    widest = 4
    for cls, text in set(zip(map(type, values), map(str, values), strict=True)):
        if cls is str:
            shown = text
        elif cls is datetime:
            shown = "2026-11-29 23:59"
        elif cls is Decimal:
            value = Decimal(text)  # the exact value back: str() keeps sign and exponent
            shown = f"{value:,.2f}" if kind in ("score", "qty") else f"{value:.1%}" if kind == "pct" else f"{value:,}"
        elif cls is type(None):
            continue
        else:
            shown = text
        widest = max(widest, max((text_width(line) for line in shown.splitlines()), default=0))
        if widest + 3 >= cap:
            break
    return float(min(widest + 3, cap))


@lru_cache(maxsize=1 << 16)
def wrapped_lines(value: Value, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` wide.

    Rendered text is narrower than the digit width that `text_width` counts (about 0.8 for Latin, 1.75 for
    Hangul at 10 pt), and a row sized for two lines when one suffices looks careless, so this estimate is closer.
    """
    if not isinstance(value, str) or not value:
        return 1
    usable = max(width - 1, 1)

    def lines(line: str) -> int:
        if len(line) * 1.75 <= usable:  # fits even if every character is wide: no need to measure (most do)
            return 1
        units = sum(1.75 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.8 for ch in line)
        return max(1, math.ceil(units / usable))

    return sum(lines(line) for line in value.splitlines() or [""])


def grade_order(agencies: Iterable[AgencyResult]) -> tuple[str, ...]:
    extra = sorted({a.grade for a in agencies if a.grade and a.grade not in DEFAULT_GRADES})
    return DEFAULT_GRADES + tuple(extra)


def ranked(agencies: Iterable[AgencyResult]) -> list[AgencyResult]:
    """Ranked agencies best first; ties by code so the order is stable from run to run."""
    return sorted((a for a in agencies if a.rank is not None), key=lambda a: (a.rank, a.code))


def unranked(agencies: Iterable[AgencyResult]) -> list[AgencyResult]:
    return sorted((a for a in agencies if a.rank is None), key=lambda a: a.code)


def status_label(status: str, lang: str) -> str:
    key = {STATUS_ACCEPTED: "status_accepted", STATUS_REJECTED: "status_rejected", STATUS_MISSING: "status_missing"}
    return tr(L[key[status]], lang) if status in key else status


def outcome_label(outcome: str, lang: str) -> str:
    key = f"outcome_{outcome}"
    return tr(L[key], lang) if key in L else outcome


def severity_label(severity: str, lang: str) -> str:
    key = f"severity_{severity}"
    return tr(L[key], lang) if key in L else severity


def signed(points: Decimal) -> str:
    """'+1.00' / '-0.50': the sign is the point of an adjustment."""
    return f"{q2(points):+.2f}"


def adjustments_text(agency: AgencyResult) -> str:
    return "; ".join(f"{signed(a.points)} {a.reason}".strip() for a in agency.adjustments)


def adjustments_sum(agency: AgencyResult) -> Decimal | None:
    if not agency.adjustments:
        return None
    return q2(sum((a.points for a in agency.adjustments), Decimal(0)))


def latest_record(history: Sequence[SubmissionRecord], code: str) -> SubmissionRecord | None:
    """The most recent file received from an agency (used for a rejected agency, which has no current one)."""
    own = [r for r in history if r.agency_code == code]
    return max(own, key=lambda r: r.received_at) if own else None


def names_by_code(data: ReportInput) -> dict[str, str]:
    return {a.code: a.name for a in data.city.agencies}


# --- content of each sheet ----------------------------------------------------------------------------------------
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
    ranking = Table(
        sheet=tr(SHEETS["summary"], lang),
        columns=(
            Column(tr(L["rank"], lang), "int", 6),
            Column(tr(L["agency"], lang), "text", 24),
            Column(tr(L["group"], lang), "text", 15),
            Column(tr(L["total"], lang), "score", 9),
            Column(tr(L["grade"], lang), "grade", 7),
            Column(tr(L["excellent_col"], lang), "mark", 9),
            Column(tr(L["provisional_col"], lang), "mark", 11 if lang == "en" else 8),
        ),
        rows=tuple(
            (
                a.rank,
                a.name,
                a.group,
                q2(a.total),
                a.grade or "",
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
        chart_value_col=3,
        notes=tuple(notes),
        footer=tr(L["footer"], lang),
    )


def agencies_table(data: ReportInput) -> Table:
    """Every registered agency, also those that sent nothing: the office's checklist."""
    lang = data.lang
    cols = (
        ("code", "code"),
        ("agency", "text"),
        ("group", "text"),
        ("dept", "text"),
        ("status", "status"),
        ("submitted_at", "datetime"),
        ("n_goals_col", "int"),
        ("score_sum", "score"),
        ("adjustment", "score"),
        ("adjustment_reasons", "longtext"),
        ("total", "score"),
        ("grade", "grade"),
        ("rank", "int"),
        ("group_rank", "int"),
        ("excellent_col", "mark"),
        ("provisional_col", "mark"),
    )
    rows = []
    for a in [*ranked(data.city.agencies), *unranked(data.city.agencies)]:
        record = data.current.get(a.code) if a.status == STATUS_ACCEPTED else latest_record(data.history, a.code)
        if a.status == STATUS_MISSING:
            record = None
        rows.append(
            (
                a.code,
                a.name,
                a.group,
                a.supervising_dept,
                status_label(a.status, lang),
                wall_time(record.received_at) if record else None,
                len(a.goals) if a.status == STATUS_ACCEPTED else None,
                q2(a.score_sum),
                adjustments_sum(a),
                adjustments_text(a),
                q2(a.total),
                a.grade or "",
                a.rank,
                a.group_rank,
                tr(L["mark_excellent"], lang) if a.excellent else "",
                tr(L["mark_provisional"], lang) if a.provisional else "",
            )
        )
    bad = (tr(L["status_rejected"], lang), tr(L["status_missing"], lang))
    return Table(
        sheet=tr(SHEETS["agencies"], lang),
        columns=tuple(Column(tr(L[key], lang), kind, warn_text=bad if key == "status" else ()) for key, kind in cols),
        rows=tuple(rows),
        freeze_cols=2,
    )


def goal_actual(result: GoalResult, lang: str) -> Value:
    """The actual as the submitter meant it: a number, 달성/미달성, or the evaluators' grade."""
    goal = result.goal
    if goal.method == "milestone":
        if goal.achieved is None:
            return None
        return tr(ACHIEVED["achieved" if goal.achieved else "missed"], lang)
    if goal.method == "qualitative":
        return choice_label("grade", goal.grade, lang) if goal.grade else tr(L["pending"], lang)
    return goal.actual


def goals_table(data: ReportInput) -> Table:
    """Every goal of every accepted submission, each with the line that explains its score."""
    lang = data.lang
    cols = (
        ("agency", "text"),
        ("number", "code"),
        ("strategy", "longtext"),
        ("goal", "longtext"),
        ("indicator", "longtext"),
        ("method", "code"),
        ("direction", "code"),
        ("unit", "code"),
        ("major", "code"),
        ("weight", "qty"),
        ("baseline", "qty"),
        ("target", "qty"),
        ("top", "qty"),
        ("floor", "qty"),
        ("actual", "qty"),
        ("rate", "pct"),
        ("points", "score"),
        ("score", "score"),
        ("explanation", "longtext"),
        ("evidence", "longtext"),
    )
    pending = tr(L["pending"], lang)
    rows = []
    for a in [*ranked(data.city.agencies), *unranked(data.city.agencies)]:
        if a.status != STATUS_ACCEPTED:
            continue
        for r in a.goals:
            g = r.goal
            quantitative = g.method in QUANTITATIVE_METHODS
            rows.append(
                (
                    a.name,
                    g.number,
                    g.strategy,
                    g.goal,
                    g.indicator,
                    choice_label("method", g.method, lang),
                    choice_label("direction", g.direction, lang) if quantitative else "",
                    g.unit,
                    choice_label("major", "Y" if g.major else "N", lang),
                    g.weight,
                    g.baseline,
                    g.target,
                    r.top if r.top is not None else g.top,
                    r.floor if r.floor is not None else g.floor,
                    goal_actual(r, lang),
                    q_rate(r.rate),
                    pending if r.pending else q2(r.points),
                    pending if r.pending else q2(r.score),
                    r.explanation,
                    g.evidence,
                )
            )
    warn = {"rate": LOW_RATE, "points": LOW_POINTS}
    return Table(
        sheet=tr(SHEETS["goals"], lang),
        columns=tuple(Column(tr(L[key], lang), kind, warn_below=warn.get(key)) for key, kind in cols),
        rows=tuple(rows),
        freeze_cols=2,
    )


def findings_table(data: ReportInput) -> Table:
    lang = data.lang
    names = names_by_code(data)
    cols = (
        ("file", "text"),
        ("code", "code"),
        ("agency", "text"),
        ("severity", "severity"),
        ("finding_code", "code"),
        ("sheet", "text"),
        ("cell", "code"),
        ("field", "text"),
        ("value", "text"),
        ("message", "longtext"),
        ("hint", "longtext"),
    )
    rows = tuple(
        (
            f.file_name,
            f.agency_code or "",
            names.get(f.agency_code or "", ""),
            severity_label(f.severity, lang),
            f.code,
            f.sheet,
            f.cell,
            f.field,
            f.value,
            f.message,
            f.hint,
        )
        for f in data.findings
    )
    error = (tr(L["severity_error"], lang),)
    return Table(
        sheet=tr(SHEETS["findings"], lang),
        columns=tuple(
            Column(tr(L[key], lang), kind, warn_text=error if key == "severity" else ()) for key, kind in cols
        ),
        rows=rows,
        freeze_cols=1,
    )


def submissions_table(data: ReportInput) -> Table:
    """Every file received, newest first: the trail from a score back to the archived file."""
    lang = data.lang
    names = names_by_code(data)
    cols = (
        ("received_at", "datetime"),
        ("file", "text"),
        ("hash", "code"),
        ("code", "code"),
        ("agency", "text"),
        ("outcome", "status"),
        ("errors", "int"),
        ("warnings", "int"),
        ("superseded_by", "code"),
        ("reason", "longtext"),
    )
    rows = tuple(
        (
            wall_time(r.received_at),
            r.file_name,
            r.sha256[:12],
            r.agency_code or "",
            names.get(r.agency_code or "", ""),
            outcome_label(r.outcome, lang),
            r.errors,
            r.warnings,
            (r.superseded_by or "")[:12],
            r.reason,
        )
        for r in sorted(data.history, key=lambda r: r.received_at, reverse=True)
    )
    rejected = (tr(L["outcome_rejected"], lang),)
    return Table(
        sheet=tr(SHEETS["submissions"], lang),
        columns=tuple(
            Column(tr(L[key], lang), kind, warn_text=rejected if key == "outcome" else ()) for key, kind in cols
        ),
        rows=rows,
        freeze_cols=1,
    )


def workbook_content(data: ReportInput) -> WorkbookContent:
    """Everything the consolidated workbook shows, sheet by sheet."""
    return WorkbookContent(
        title=data.title,
        lang=data.lang,
        generated_at=data.generated_at,
        summary=summary_content(data),
        tables=(agencies_table(data), goals_table(data), findings_table(data), submissions_table(data)),
    )


def output_names(data: ReportInput) -> tuple[str, str]:
    """(workbook file name in the output language, ASCII-safe name for mail attachments)."""
    values = {"year": data.city.year, "date": f"{data.generated_at:%Y-%m-%d}"}
    return tr(FILE_NAME, data.lang, **values), ASCII_NAME.format(**values)


def write_outputs(data: ReportInput, out_dir: Path) -> ReportPaths:
    """Write the consolidated workbook and results.json into `out_dir` (which the caller creates)."""
    from pipeline.report.xlsx_writer import render_workbook  # xlsxwriter is loaded only when a report is written

    out_dir = Path(out_dir)
    workbook_name, ascii_name = output_names(data)
    workbook = out_dir / workbook_name
    results = out_dir / RESULTS_JSON
    # results.json is made in a forked child (`forked.in_child`) while this process renders the workbook: the
    # second core is otherwise idle here. Each file is renamed into place whole; both are a pure function of the
    # ledger, so a failure between them is repaired by the next run. The workbook's content is rendered and
    # dropped (at 10,000 agencies it is hundreds of MB).
    results_written = in_child(lambda: write_atomically(results, lambda p: write_results(results_document(data), p)))
    try:
        content = [workbook_content(data)]
        write_atomically(workbook, lambda p: render_workbook(content[0], p))
        content.clear()
    finally:
        results_written.result()
    return ReportPaths(workbook=workbook, workbook_ascii_name=ascii_name, results_json=results)
