"""What a finding type declares: code, severity, scope, texts in ko/en, and its parameters with a sample each.

Like Frictionless's error classes (`FileError`, `TableError`, `CellError`), a finding type's scope says where its
findings point: the whole file (`FileFinding`), a sheet, a heading or a row of one (`SheetFinding`), or one cell
(`CellFinding`). Goal and agency findings are cell findings: each names the cell to fix.

A definition is checked when it is made: every `{placeholder}` of its texts is a declared parameter or a location
its scope carries, so a text cannot ask for a value nobody gives. `check` then holds every finding made of the
type to its declaration (see `pipeline.core.findings.finding`), so a missing parameter fails where the finding is
created, in the tests, not in a submitter's feedback at night.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any, ClassVar

from pipeline.core.i18n import Text

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

LOCATION = ("sheet", "cell", "field", "value")
"""Where a finding points and what was typed there: every finding has these (empty when they do not apply)."""


def placeholders(*texts: Text) -> set[str]:
    """The `{names}` a template fills, in either language."""
    return {name for text in texts for lang in text for _, name, _, _ in Formatter().parse(lang) if name}


@dataclass(frozen=True)
class FindingType:
    """One kind of problem. Subclasses set the scope; the catalogue modules hold one instance per code."""

    code: str
    severity: str
    message: Text  # templates with {placeholders}; {value} is the value as typed
    hint: Text  # one line: how to fix it
    description: str  # for the generated docs page (English)
    params: Mapping[str, Any] = field(default_factory=dict)
    """Every parameter a finding of this type must be given, with a sample value (docs page and tests)."""

    scope: ClassVar[str] = ""
    location: ClassVar[tuple[str, ...]] = ()
    """The parts of LOCATION a finding of this scope may name (the others stay empty)."""

    def __post_init__(self) -> None:
        if not self.scope:
            raise TypeError("define a finding as a FileFinding, SheetFinding or CellFinding")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.code}: severity {self.severity!r} is not one of {SEVERITIES}")
        clash = set(self.params) & set(LOCATION)
        if clash:
            raise ValueError(f"{self.code}: {sorted(clash)} are locations, not parameters")
        undeclared = placeholders(self.message, self.hint) - set(self.params) - set(self.location)
        if undeclared:
            raise ValueError(f"{self.code}: the texts use {sorted(undeclared)}, which are not declared")

    def check(self, location: Mapping[str, str], params: Mapping[str, Any]) -> None:
        """Refuse a finding its declaration does not allow: a parameter missing or unknown, a location off scope."""
        missing = sorted(set(self.params) - set(params))
        unknown = sorted(set(params) - set(self.params))
        off_scope = sorted(k for k, v in location.items() if v and k not in self.location)
        if missing or unknown or off_scope:
            problems = [
                f"{label} {names}"
                for label, names in (("missing", missing), ("unknown", unknown), (f"not in a {self.scope}", off_scope))
                if names
            ]
            raise TypeError(f"finding {self.code!r}: " + "; ".join(problems) + f" (declared: {sorted(self.params)})")


class FileFinding(FindingType):
    """About the file as a whole: it names no sheet or cell, at most what was found (`value`)."""

    scope = "file"
    location = ("value",)


class SheetFinding(FindingType):
    """About a sheet's shape: its heading row, a column heading, a row; it names the sheet and an anchor cell."""

    scope = "sheet"
    location = LOCATION


class CellFinding(FindingType):
    """About the value of one cell (or a span of cells, for sums): it names the cell, its heading and the value."""

    scope = "cell"
    location = LOCATION
