"""The typed settings of `pipeline.toml`: the one place where every default is written.

Each field carries its default and, in its metadata, the comment `pipeline init` writes beside it (`setting`).
`settings.load` fills these from the TOML file; `settings.render` writes the commented file from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

CONFIG_NAME = "pipeline.toml"


def setting(
    default: Any = MISSING,
    *,
    factory: Any = MISSING,
    comment: str = "",
    above: str = "",
    key: str = "",
    toml: bool = True,
    table_array: bool = False,
    when_empty: str = "",
    nested: bool = False,
) -> Any:
    """A settings field: its default, and how the commented pipeline.toml shows it.

    `comment` goes beside the key (a second line lines up under the first), `above` on the line(s) before it;
    `key` is the TOML key when it differs from the field name; `toml=False` keeps the field out of the file.
    A `table_array` is written at the top level as `[[name]]` tables (`[[table.name]]` when `nested`), or as
    `when_empty` when it has no item.
    """
    metadata = {
        "comment": comment,
        "above": above,
        "key": key,
        "toml": toml,
        "table_array": table_array,
        "when_empty": when_empty,
        "nested": nested,
    }
    if factory is not MISSING:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def toml_key(f: Field) -> str:
    return f.metadata.get("key") or f.name


def toml_keys(cls: type) -> set[str]:
    """The keys a table of `cls` may hold (a table array is written at the top level, not in the table)."""
    return {toml_key(f) for f in fields(cls) if f.metadata.get("toml", True) and not f.metadata.get("table_array")}


def one_of(choices: Iterable[str]) -> str:
    """`"a" | "b" | "c"`: the choices as the commented file lists them."""
    return " | ".join(f'"{c}"' for c in choices)


def default_title(year: int, lang: str) -> str:
    """The evaluation's title when the file gives none."""
    return f"{year}년 공공기관 성과창출 평가" if lang == "ko" else f"{year} public agency performance evaluation"


@dataclass(frozen=True)
class Evaluation:
    year: int
    title: str
    lang: str = setting("ko", comment='language of everything people read: "ko" or "en"')
    deadline: date | None = setting(None, toml=False)
    """The results deadline: `[calendar] results_deadline` (read from here by the mail's reminders of old)."""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    group: str
    supervising_dept: str
    email: str


@dataclass(frozen=True)
class Department:
    """A supervising department (감독부서): copied on its agencies' result mails, one sheet part of its own."""

    name: str
    email: str


NO_DEPARTMENTS = """\
# [[departments]]          # supervising department (감독부서): `name` as in the agencies' supervising_dept;
# name = "교통정책과"       # it is copied (Cc) on its agencies' result mails
# email = "traffic@example.go.kr"
"""
"""What the commented file shows when no department is listed: an example to copy."""


@dataclass(frozen=True)
class Adjustment:
    agency: str
    points: Decimal
    reason: str


EXCELLENCE_RULES = ("grades", "top_n", "top_n_per_group", "min_total")


@dataclass(frozen=True)
class Excellence:
    rule: str = setting("grades", comment=one_of(EXCELLENCE_RULES))
    grades: tuple[str, ...] = setting(("S", "A"), comment='rule "grades": these grades are excellent')
    n: int = setting(11, comment='rules "top_n" and "top_n_per_group"')
    min_total: Decimal = setting(Decimal("85"), comment='rule "min_total"')


NO_ADJUSTMENTS = """\
# [[adjustments]]          # committee bonus (가점, positive) or penalty (감점, negative)
# agency = "GMRT"
# points = 1.5
# reason = "국내 최초 ISO 10002 인증"
"""
"""What the commented file shows when the committee has made no adjustment: an example to copy."""


@dataclass(frozen=True)
class Scoring:
    grades: tuple[tuple[str, Decimal], ...] = setting(
        (
            ("S", Decimal(90)),
            ("A", Decimal(80)),
            ("B", Decimal(70)),
            ("C", Decimal(60)),
            ("D", Decimal(0)),
        ),
        above="Grade thresholds on the total, highest first; the last must start at 0.",
    )
    qualitative_points: dict[str, Decimal] = setting(
        factory=lambda: {
            "탁월": Decimal(100),
            "우수": Decimal(90),
            "양호": Decimal(80),
            "보통": Decimal(70),
            "미흡": Decimal(60),
            "아주미흡": Decimal(50),
        },
        above="Points for the evaluators' qualitative grades (정성평가).",
    )
    max_bonus: Decimal = setting(
        Decimal(3), comment="total is kept within [0, 100 + max_bonus]; bonuses per agency may not exceed it"
    )
    range_margin_major: Decimal = setting(
        Decimal("0.2"), comment="목표부여: top/floor = baseline × (1 ± margin) for major programmes (주요사업)"
    )
    range_margin_other: Decimal = setting(Decimal("0.1"), comment="… and for the others")
    deviation_k_major: Decimal = setting(
        Decimal(2), comment="목표부여(편차): top/floor = baseline ± k·σ for major programmes"
    )
    deviation_k_other: Decimal = setting(Decimal(1))
    excellence: Excellence = setting(factory=Excellence)
    adjustments: tuple[Adjustment, ...] = setting((), table_array=True, when_empty=NO_ADJUSTMENTS)

    @property
    def grade_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.grades)


@dataclass(frozen=True)
class Paths:
    """The folders, relative to the home unless absolute (`settings.load` resolves them)."""

    inbox: Path = setting(Path("inbox"))
    outbox: Path = setting(Path("outbox"))
    archive: Path = setting(Path("archive"))
    rejected: Path = setting(Path("rejected"))
    state: Path = setting(
        Path("state"), comment="ledger (SQLite), run lock and logs; all folders must be on one filesystem"
    )


@dataclass(frozen=True)
class Batch:
    min_file_age_seconds: float = setting(
        60.0, comment="younger files are left for the next run (may still be copying)"
    )
    max_file_size_mb: float = setting(20.0)
    agency_folders: bool = setting(
        False,
        comment="one drop folder per agency, inbox/<code>/: a file there must carry that code, else it is\n"
        "rejected (agency.folder_mismatch); files in the inbox root are taken as before",
    )

    @property
    def max_file_size_bytes(self) -> int:
        return int(self.max_file_size_mb * 1024 * 1024)


SMTP_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
"""Each `security` and its usual port: a file that names no port gets the port of its security."""


@dataclass(frozen=True)
class Smtp:
    host: str = setting("localhost")
    port: int = setting(SMTP_PORTS["starttls"])
    security: str = setting("starttls", comment=one_of(SMTP_PORTS))
    username: str = setting("")
    password_env: str = setting(
        "PIPELINE_SMTP_PASSWORD",
        comment="the password is read from this environment variable, never from here",
    )
    timeout: float = setting(30.0)


MAIL_TRANSPORTS = ("file", "smtp")
MAIL_REPORTS = ("on-change", "always", "never")
LATE_POLICIES = ("accept", "flag", "reject")
PHASES = ("plan", "midyear", "results")
"""The year's phases in their order (layout.SUBMISSION_KINDS' keys): settings do not import the layout."""


@dataclass(frozen=True)
class Calendar:
    plan_deadline: date | None = setting(None, comment="the year-start plans (계획) are due by this day")
    midyear_deadline: date | None = setting(None, comment="the mid-year checks (중간점검) are due by this day")
    results_deadline: date | None = setting(
        None, comment="the year-end results (실적) are due by this day (reminders are sent before it)"
    )
    late: str = setting(
        "flag", comment=one_of(LATE_POLICIES) + ": a file after its deadline is taken, taken and marked, or refused"
    )
    require_confirmed_plan: bool = setting(
        False, comment="refuse results of an agency whose plan is not confirmed (else a warning)"
    )

    def deadline(self, kind: str) -> date | None:
        """The deadline of a phase (a SUBMISSION_KINDS key)."""
        return getattr(self, f"{kind}_deadline", None)

    def open_phase(self, today: date) -> str:
        """The phase open today: the first whose deadline is set and not past; the last set one once all are past;
        results when no deadline is set."""
        dated = [(kind, self.deadline(kind)) for kind in PHASES if self.deadline(kind) is not None]
        for kind, day in dated:
            if day is not None and today <= day:
                return kind
        return dated[-1][0] if dated else "results"

    def is_late(self, kind: str, day: date) -> bool:
        deadline = self.deadline(kind)
        return deadline is not None and day > deadline


@dataclass(frozen=True)
class Mail:
    transport: str = setting("file", comment='"file" writes .eml files into outbox/<date>/mail/; "smtp" sends')
    sender: str = setting("evaluation@example.go.kr", key="from")
    to: tuple[str, ...] = setting((), comment="the evaluation office: receives the consolidated workbook")
    report: str = setting("on-change", comment=one_of(MAIL_REPORTS))
    receipts: bool = setting(
        True,
        comment="send every accepted submission a receipt, to the agency's registered address:\n"
        "a file accepted in an agency's name is noticed by that agency the same night",
    )
    remind_days_before: int = setting(
        7, comment="remind agencies without an accepted submission this many days before the deadline"
    )
    retries: int = setting(3)
    max_attachment_mb: float = setting(
        7.0,
        comment="a larger consolidated workbook is not attached; the report mail gives its path\n"
        "(mail servers refuse big messages: Postfix's default limit is 10 MB, base64 adds 1/3)",
    )
    smtp: Smtp = setting(factory=Smtp)


@dataclass(frozen=True)
class Member:
    name: str
    email: str = ""


NO_MEMBERS = """\
# [[committee.members]]    # one table per member of the evaluation committee (평가위원)
# name = "평가위원 1"
# email = "member1@example.go.kr"   # optional: `pipeline committee sheet --send` mails the sheet here
"""


@dataclass(frozen=True)
class Committee:
    quorum: int = setting(3, comment="a qualitative goal is pending until this many members graded it")
    trim_from: int = setting(
        5, comment="with at least this many grades, the highest and the lowest are dropped (최고·최저 제외)"
    )
    members: tuple[Member, ...] = setting(
        (),
        table_array=True,
        nested=True,
        when_empty=NO_MEMBERS,
        above="The evaluation committee's members: one grade column each in the committee sheet (정성평가 평정표).",
    )


AGENCY_PAGES = ("nightly", "final")


@dataclass(frozen=True)
class Report:
    pdf: bool = setting(
        False, comment="also print each workbook to a PDF beside it, with LibreOffice (soffice) when installed"
    )
    pdf_timeout_seconds: float = setting(
        180.0, comment="longest a PDF may take; then it is given up, the workbook still delivered"
    )
    agency_pages: str = setting(
        "nightly",
        comment='each agency\'s one-page result (기관별/): "nightly", or "final": at finalize and by pipeline report\n'
        "(about 4 ms a page: nothing for two dozen agencies, 40 s of a core at 10,000)",
    )


@dataclass(frozen=True)
class Config:
    home: Path = setting(toml=False)
    source: Path = setting(toml=False)
    evaluation: Evaluation
    agencies: tuple[Agency, ...] = setting(
        table_array=True,
        above="One table per agency. The e-mail is the registered address: feedback is only ever sent here.",
    )
    scoring: Scoring
    paths: Paths
    batch: Batch
    mail: Mail
    calendar: Calendar = setting(factory=Calendar)
    report: Report = setting(factory=Report)
    committee: Committee = setting(factory=Committee)
    departments: tuple[Department, ...] = setting(
        (),
        table_array=True,
        when_empty=NO_DEPARTMENTS,
        above="Supervising departments (감독부서): each agency's supervising_dept must be one of them when any is\n"
        "listed; the department is copied on its agencies' result mails.",
    )
    notes: tuple[tuple[str, str], ...] = setting((), toml=False)
    """What the settings' reader noticed but accepted (a deprecated key), in Korean and English."""

    def agency(self, code: str) -> Agency | None:
        return self.agencies_by_code.get(code)

    @cached_property
    def agencies_by_code(self) -> dict[str, Agency]:
        return {a.code: a for a in self.agencies}

    @property
    def lang(self) -> str:
        return self.evaluation.lang

    def department(self, name: str) -> Department | None:
        """The department an agency's `supervising_dept` names, if it is listed."""
        return next((d for d in self.departments if d.name == name), None)
