"""The typed settings of `pipeline.toml`: the one place where every default is written.

`settings.load` fills these from the TOML file; `settings.render` writes the commented file from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

CONFIG_NAME = "pipeline.toml"


@dataclass(frozen=True)
class Evaluation:
    year: int
    title: str
    lang: str = "ko"
    deadline: date | None = None


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    group: str
    supervising_dept: str
    email: str


@dataclass(frozen=True)
class Adjustment:
    agency: str
    points: Decimal
    reason: str


EXCELLENCE_RULES = ("grades", "top_n", "top_n_per_group", "min_total")


@dataclass(frozen=True)
class Excellence:
    rule: str = "grades"
    grades: tuple[str, ...] = ("S", "A")
    n: int = 11
    min_total: Decimal = Decimal("85")


@dataclass(frozen=True)
class Scoring:
    grades: tuple[tuple[str, Decimal], ...] = (
        ("S", Decimal(90)),
        ("A", Decimal(80)),
        ("B", Decimal(70)),
        ("C", Decimal(60)),
        ("D", Decimal(0)),
    )
    qualitative_points: dict[str, Decimal] = field(
        default_factory=lambda: {
            "탁월": Decimal(100),
            "우수": Decimal(90),
            "양호": Decimal(80),
            "보통": Decimal(70),
            "미흡": Decimal(60),
            "아주미흡": Decimal(50),
        }
    )
    max_bonus: Decimal = Decimal(3)
    range_margin_major: Decimal = Decimal("0.2")
    range_margin_other: Decimal = Decimal("0.1")
    deviation_k_major: Decimal = Decimal(2)
    deviation_k_other: Decimal = Decimal(1)
    excellence: Excellence = field(default_factory=Excellence)
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def grade_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.grades)


@dataclass(frozen=True)
class Paths:
    inbox: Path
    outbox: Path
    archive: Path
    rejected: Path
    state: Path


@dataclass(frozen=True)
class Batch:
    min_file_age_seconds: float = 60.0
    max_file_size_mb: float = 20.0

    @property
    def max_file_size_bytes(self) -> int:
        return int(self.max_file_size_mb * 1024 * 1024)


@dataclass(frozen=True)
class Smtp:
    host: str = "localhost"
    port: int = 25
    security: str = "starttls"  # starttls | ssl | none
    username: str = ""
    password_env: str = ""  # name of the environment variable holding the password
    timeout: float = 30.0


@dataclass(frozen=True)
class Mail:
    transport: str = "file"  # file | smtp
    sender: str = "evaluation@example.go.kr"
    to: tuple[str, ...] = ()
    report: str = "on-change"  # on-change | always | never
    receipts: bool = False
    remind_days_before: int = 7
    retries: int = 3
    max_attachment_mb: float = 7.0  # a larger consolidated workbook is linked by its path, not attached
    smtp: Smtp = field(default_factory=Smtp)


@dataclass(frozen=True)
class Config:
    home: Path
    source: Path
    evaluation: Evaluation
    agencies: tuple[Agency, ...]
    scoring: Scoring
    paths: Paths
    batch: Batch
    mail: Mail

    def agency(self, code: str) -> Agency | None:
        return self.agencies_by_code.get(code)

    @cached_property
    def agencies_by_code(self) -> dict[str, Agency]:
        return {a.code: a for a in self.agencies}

    @property
    def lang(self) -> str:
        return self.evaluation.lang
