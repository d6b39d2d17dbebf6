"""The standard template's shape: sheet names, column headings, closed lists.

One place that the template writer, the reader, the validator and the reports all read, so that a heading
renamed here is renamed everywhere. Korean labels are the standard; English labels are accepted aliases.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.refs import column_letter

TEMPLATE_VERSION = "2026.2"
"""Written into the template's document properties; the reader reports an unknown or old version."""
OLD_TEMPLATE_VERSIONS = frozenset({"2026.1"})
"""Versions of the template handed out before this one (no 제출구분, no mid-year columns): told apart by a finding."""
VERSION_PROPERTY = "TemplateVersion"
"""Name of the custom document property that carries TEMPLATE_VERSION."""

HEADER_ROW = 4
"""Row of the column headings in the template's table sheets (rows 1-3 hold a title and a hint)."""
FIRST_DATA_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class Column:
    key: str
    ko: str
    en: str
    kind: str  # "text" | "number" | "choice" | "int"
    required: bool = False
    width: int = 12

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


# --- sheets -----------------------------------------------------------------------------------------------
SHEET_GUIDE = "guide"
SHEET_AGENCY = "agency"
SHEET_GOALS = "goals"
SHEET_PAST = "past"

SHEET_NAMES: dict[str, tuple[str, str]] = {
    SHEET_GUIDE: ("안내", "Guide"),
    SHEET_AGENCY: ("기관정보", "Agency"),
    SHEET_GOALS: ("성과목표", "Goals"),
    SHEET_PAST: ("과거실적", "Past results"),
}


def sheet_name(key: str, lang: str = "ko") -> str:
    ko, en = SHEET_NAMES[key]
    return en if lang == "en" else ko


# --- 기관정보: label/value pairs ------------------------------------------------------------------------------
AGENCY_FIELDS: tuple[Column, ...] = (
    Column("agency_code", "기관코드", "Agency code", "text", True),
    Column("agency_name", "기관명", "Agency name", "text", True),
    Column("group", "기관유형", "Agency group", "text", True),
    Column("year", "평가연도", "Evaluation year", "int", True),
    Column("kind", "제출구분", "Submission kind", "choice", True),
    Column("supervising_dept", "감독부서", "Supervising department", "text"),
    Column("contact", "담당자", "Contact person", "text"),
    Column("phone", "연락처", "Phone", "text"),
    Column("email", "이메일", "E-mail", "text"),
)

# --- 성과목표: one row per goal --------------------------------------------------------------------------------
GOAL_COLUMNS: tuple[Column, ...] = (
    Column("number", "목표번호", "Goal no.", "text", True, 9),
    Column("strategy", "전략목표", "Strategic goal", "text", False, 20),
    Column("goal", "성과목표", "Goal", "text", True, 30),
    Column("indicator", "성과지표", "Indicator", "text", True, 26),
    Column("method", "평가방법", "Method", "choice", True, 15),
    Column("direction", "지표방향", "Direction", "choice", False, 10),
    Column("unit", "단위", "Unit", "text", False, 8),
    Column("major", "주요사업", "Major programme", "choice", False, 10),
    Column("weight", "가중치", "Weight", "number", True, 9),
    Column("baseline", "기준치", "Baseline", "number", False, 12),
    Column("target", "목표치", "Target", "number", False, 12),
    Column("top", "최고목표", "Top target", "number", False, 12),
    Column("floor", "최저목표", "Floor target", "number", False, 12),
    Column("progress", "추진상황", "Progress", "choice", False, 10),
    Column("midyear_actual", "중간실적", "Mid-year actual", "number", False, 12),
    Column("reason", "사유", "Reason", "text", False, 24),
    Column("actual", "실적치", "Actual", "number", False, 12),
    Column("highlights", "주요성과", "Highlights", "text", False, 30),
    Column("evidence", "증빙자료", "Evidence", "text", False, 24),
    Column("note", "비고", "Note", "text", False, 16),
)

# --- 과거실적: past yearly results for the deviation method ---------------------------------------------------
PAST_COLUMNS: tuple[Column, ...] = (
    Column("number", "목표번호", "Goal no.", "text", True, 10),
    Column("year", "연도", "Year", "int", True, 10),
    Column("result", "실적", "Result", "number", True, 14),
)

# --- closed lists: canonical code -> (Korean label, English label) ------------------------------------------
METHODS: dict[str, tuple[str, str]] = {
    "ratio": ("목표대비", "target ratio"),
    "range": ("목표부여", "target setting"),
    "deviation": ("목표부여(편차)", "deviation"),
    "milestone": ("달성여부", "milestone"),
    "qualitative": ("정성평가", "qualitative"),
}
QUANTITATIVE_METHODS = frozenset({"ratio", "range", "deviation"})

DIRECTIONS: dict[str, tuple[str, str]] = {
    "higher": ("상향", "higher"),
    "lower": ("하향", "lower"),
}

QUALITATIVE_GRADES: dict[str, tuple[str, str]] = {
    "탁월": ("탁월", "outstanding"),
    "우수": ("우수", "excellent"),
    "양호": ("양호", "good"),
    "보통": ("보통", "fair"),
    "미흡": ("미흡", "poor"),
    "아주미흡": ("아주미흡", "very poor"),
}

SUBMISSION_KINDS: dict[str, tuple[str, str]] = {
    "plan": ("계획", "plan"),
    "midyear": ("중간점검", "mid-year check"),
    "results": ("실적", "results"),
}
"""What a submitted workbook is (기관정보 제출구분): the year-start plan, the mid-year check or the year-end results."""
KIND_PLAN, KIND_MIDYEAR, KIND_RESULTS = SUBMISSION_KINDS

PROGRESS: dict[str, tuple[str, str]] = {
    "normal": ("정상", "on track"),
    "delayed": ("지연", "delayed"),
    "lagging": ("부진", "lagging"),
    "done": ("완료", "completed"),
}
"""추진상황 of a goal at the mid-year check."""

YES_NO: dict[str, tuple[str, str]] = {"Y": ("Y", "Y"), "N": ("N", "N")}

ACHIEVED: dict[str, tuple[str, str]] = {"achieved": ("달성", "achieved"), "missed": ("미달성", "not achieved")}

CHOICES: dict[str, dict[str, tuple[str, str]]] = {
    "method": METHODS,
    "direction": DIRECTIONS,
    "major": YES_NO,
    "grade": QUALITATIVE_GRADES,
    "kind": SUBMISSION_KINDS,
    "progress": PROGRESS,
}


def choice_label(field: str, code: str | None, lang: str = "ko") -> str:
    """The label people read for a canonical code of a closed list ('' for None)."""
    if code is None:
        return ""
    ko, en = CHOICES[field].get(code, (code, code))
    return en if lang == "en" else ko


def goal_column(key: str) -> Column:
    return next(c for c in GOAL_COLUMNS if c.key == key)


GOAL_LETTERS: dict[str, str] = {c.key: column_letter(i) for i, c in enumerate(GOAL_COLUMNS, start=1)}
"""Column letter of each goal field in the standard template (성과목표!N5 is the first goal's actual)."""


PLAN_FIELDS: tuple[str, ...] = (
    "number",
    "strategy",
    "goal",
    "indicator",
    "method",
    "direction",
    "unit",
    "major",
    "weight",
    "baseline",
    "target",
    "top",
    "floor",
)
"""The goal fields a confirmed plan fixes (the past values of 과거실적 are plan data too): a results or mid-year
submission must carry them as confirmed."""

PHASE_FIELDS: dict[str, frozenset[str]] = {
    KIND_PLAN: frozenset(PLAN_FIELDS) | {"note"},
    KIND_MIDYEAR: frozenset({"progress", "midyear_actual", "reason", "note"}),
    KIND_RESULTS: frozenset({"actual", "highlights", "evidence", "note"}),
}
"""The goal columns open (unlocked) in each kind's template; the others are locked (prefilled from the plan)."""
