"""The catalogue of findings: every problem we can report, with a stable code, a severity and texts in ko/en.

Like Frictionless's error classes, one entry per finding type keeps messages consistent, translatable and
documentable in one place (`docs/findings.md` is generated from `CATALOGUE`). A `Finding` instance only holds
the code, where it is, and the values that fill the templates; texts are rendered on demand in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import Text, tr

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class FindingType:
    code: str
    severity: str
    message: Text  # templates with {placeholders}; {value} is the value as typed
    hint: Text  # one line: how to fix it
    description: str = ""  # for the generated docs page (English)


CATALOGUE: dict[str, FindingType] = {}


def define(code: str, severity: str, message: Text, hint: Text, description: str = "") -> FindingType:
    if code in CATALOGUE:
        raise ValueError(f"finding code {code!r} defined twice")
    kind = FindingType(code, severity, message, hint, description)
    CATALOGUE[code] = kind
    return kind


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one file, pinned to a cell where there is one."""

    code: str
    sheet: str = ""
    cell: str = ""  # "J7"; empty for file-level findings
    field: str = ""  # column heading, e.g. "기준치"
    value: str = ""  # the value as typed
    params: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def kind(self) -> FindingType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> str:
        return self.kind.severity

    @property
    def is_error(self) -> bool:
        return self.kind.severity == ERROR

    @property
    def ref(self) -> str:
        """`성과목표!J7`, or the sheet alone, or '' for the whole file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def _values(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "field": self.field, "value": self.value, **dict(self.params)}

    def message(self, lang: str = "ko") -> str:
        text = tr(self.kind.message, lang, **self._values())
        return f"{self.ref}: {text}" if self.ref else text

    def hint(self, lang: str = "ko") -> str:
        return tr(self.kind.hint, lang, **self._values())

    def to_dict(self, lang: str = "ko") -> dict[str, str]:
        """The shape of `pipeline validate --json` and of the report's findings sheet."""
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }

    def to_record(self) -> dict[str, Any]:
        """Language-free form kept in the ledger; `from_record` restores it."""
        return {
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "params": [list(p) for p in self.params],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Finding:
        return cls(
            code=record["code"],
            sheet=record.get("sheet", ""),
            cell=record.get("cell", ""),
            field=record.get("field", ""),
            value=record.get("value", ""),
            params=tuple((k, v) for k, v in record.get("params", [])),
        )


def finding(code: str, sheet: str = "", cell: str = "", field: str = "", value: Any = "", **params: Any) -> Finding:
    """Build a finding; unknown codes fail at once so that a typo never reaches a submitter."""
    if code not in CATALOGUE:
        raise KeyError(f"unknown finding code {code!r}")
    shown = "" if value is None else str(value)
    return Finding(code, sheet, cell, field, shown, tuple(sorted(params.items())))


# --- the catalogue -------------------------------------------------------------------------------------------
# File-level problems (the file is not a workbook we can read).
define(
    "file.not_xlsx",
    ERROR,
    ("엑셀 통합 문서(.xlsx)가 아닙니다 ({detail}).", "Not an Excel workbook (.xlsx) ({detail})."),
    (
        "표준 서식(.xlsx)에 작성해 엑셀 통합 문서로 저장한 뒤 다시 제출하세요.",
        "Fill in the standard template and save it as an Excel workbook (.xlsx).",
    ),
    "The file is not an Office Open XML workbook: another format, or renamed.",
)
define(
    "file.encrypted",
    ERROR,
    ("암호가 걸린 파일입니다.", "The file is password-protected."),
    ("암호를 해제하고 다시 저장해 제출하세요.", "Remove the password, save and submit again."),
    "An encrypted workbook (an OLE2 container) cannot be read without its password.",
)
