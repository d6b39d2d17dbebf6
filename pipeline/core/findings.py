"""Findings: every problem we report, as a stable code, where it is, and the values that fill its texts.

Like Frictionless's errors, every kind of finding is declared once, with its texts in ko/en and its parameters
(`pipeline.core.finding_types`); the catalogue modules hold the declarations, grouped by what they are about. A
`Finding` only holds the code, where it is and the values that fill the templates; texts are rendered on demand
in either language. `finding()` holds every new finding to its declaration. The docs page is generated from
`CATALOGUE` (`pipeline.core.findings_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.core.catalogue_cells import CELL_FINDINGS
from pipeline.core.catalogue_committee import COMMITTEE_FINDINGS
from pipeline.core.catalogue_files import FILE_FINDINGS
from pipeline.core.catalogue_goals import GOAL_FINDINGS
from pipeline.core.catalogue_midyear import MIDYEAR_FINDINGS
from pipeline.core.catalogue_plans import PLAN_FINDINGS
from pipeline.core.catalogue_sheets import SHEET_FINDINGS
from pipeline.core.finding_types import ERROR, FindingType
from pipeline.core.i18n import Bilingual, tr

MAX_SHOWN = 200
"""Longest value quoted in a finding."""


def _catalogue(*groups: tuple[FindingType, ...]) -> dict[str, FindingType]:
    catalogue: dict[str, FindingType] = {}
    for kind in (kind for group in groups for kind in group):
        if kind.code in catalogue:
            raise ValueError(f"finding code {kind.code!r} defined twice")
        catalogue[kind.code] = kind
    return catalogue


CATALOGUE: dict[str, FindingType] = _catalogue(
    FILE_FINDINGS, SHEET_FINDINGS, CELL_FINDINGS, GOAL_FINDINGS, PLAN_FINDINGS, MIDYEAR_FINDINGS, COMMITTEE_FINDINGS
)
"""Every finding type by code, in the order of the docs page."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one file, pinned to a cell where there is one."""

    code: str
    sheet: str = ""
    cell: str = ""  # "J7"; empty for file-level findings
    field: str = ""  # column heading, e.g. "기준치"
    value: str = ""  # the value as typed
    params: tuple[tuple[str, Any], ...] = ()

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

    def _values(self, lang: str) -> dict[str, Any]:
        params = {k: v.pick(lang) if isinstance(v, Bilingual) else v for k, v in self.params}
        return {"sheet": self.sheet, "cell": self.cell, "field": self.field, "value": self.value, **params}

    def message(self, lang: str = "ko") -> str:
        text = tr(self.kind.message, lang, **self._values(lang))
        return f"{self.ref}: {text}" if self.ref else text

    def hint(self, lang: str = "ko") -> str:
        return tr(self.kind.hint, lang, **self._values(lang))

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
            "params": [[k, {"ko": v.ko, "en": v.en} if isinstance(v, Bilingual) else v] for k, v in self.params],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Finding:
        return cls(
            code=record["code"],
            sheet=record.get("sheet", ""),
            cell=record.get("cell", ""),
            field=record.get("field", ""),
            value=record.get("value", ""),
            params=tuple((k, _param(v)) for k, v in record.get("params", [])),
        )


def _param(value: Any) -> Any:
    """A parameter as the ledger keeps it: words in both languages come back as `Bilingual`."""
    if isinstance(value, dict) and set(value) == {"ko", "en"}:
        return Bilingual(value["ko"], value["en"])
    return value


def finding(code: str, sheet: str = "", cell: str = "", field: str = "", value: Any = "", **params: Any) -> Finding:
    """Build a finding held to its declaration: an unknown code, a parameter missing or unknown, or a location its
    scope does not have fails at once, so that a typo or a forgotten value never reaches a submitter."""
    kind = CATALOGUE.get(code)
    if kind is None:
        raise KeyError(f"unknown finding code {code!r}")
    shown = "" if value is None else str(value)
    kind.check({"sheet": sheet, "cell": cell, "field": field, "value": shown}, params)
    if len(shown) > MAX_SHOWN:  # a 200,000-character cell must not become a 200,000-character message
        shown = shown[: MAX_SHOWN - 1] + "…"
    return Finding(code, sheet, cell, field, shown, tuple(sorted(params.items())))
