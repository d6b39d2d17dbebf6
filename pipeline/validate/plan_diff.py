"""What changed between two plans (or between a confirmed plan and a later submission): goals added, removed, and
each plan field changed, old → new.

Pure: two `Submission`s in, `PlanChange`s out, language-free (numbers as plain text, closed lists as their codes;
`shown` gives the words a person reads). Used by the checks of results against the confirmed plan (`plan_check`),
by `pipeline status` and the office mail (change requests), and by the plan book's 계획변경 sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pipeline.core.i18n import tr
from pipeline.core.layout import CHOICES, PLAN_FIELDS, choice_label, goal_column
from pipeline.core.model import Goal, Submission
from pipeline.core.vocabulary import CHANGE_KIND, word
from pipeline.read.normalize import choice_key, plain

PAST_FIELD = "past"
"""The `field` of a change to a goal's past results (과거실적), which the plan fixes too."""
PAST_LABEL = ("과거실적", "Past results")


@dataclass(frozen=True, slots=True)
class PlanChange:
    number: str  # the goal's number (목표번호)
    kind: Literal["added", "removed", "changed"]
    field: str | None  # a PLAN_FIELDS key or PAST_FIELD; None for a goal added or removed
    old: str  # language-free text ('' for a goal added)
    new: str  # language-free text ('' for a goal removed)


def value_text(field: str, value: Any) -> str:
    """A plan field's value as compared and kept: numbers plain (`3500`, not `3.5E+3`), yes/no as Y/N, closed
    lists as their codes, past results joined with ', '."""
    if value is None:
        return ""
    if field == "major":
        return "Y" if value else "N"
    if field == PAST_FIELD:
        return ", ".join(plain(v) for v in value)
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def field_label(field: str | None, lang: str = "ko") -> str:
    """The heading a person reads for a change's field (목표치, 과거실적); '' for a goal added or removed."""
    if field is None:
        return ""
    if field == PAST_FIELD:
        return PAST_LABEL[1] if lang == "en" else PAST_LABEL[0]
    return goal_column(field).label(lang)


def shown(field: str | None, text: str, lang: str = "ko") -> str:
    """A change's old or new text as a person reads it: a closed list's code becomes its label."""
    if field is not None and field in CHOICES and field != "major" and text:
        return choice_label(field, text, lang)
    return text


def _key(number: str) -> str:
    return choice_key(number)


def goal_changes(old: Goal, new: Goal) -> list[PlanChange]:
    """The plan fields of one goal that differ, in PLAN_FIELDS order, then its past results."""
    out = []
    for name in (*PLAN_FIELDS, PAST_FIELD):
        before, after = value_text(name, getattr(old, name)), value_text(name, getattr(new, name))
        if name == "number":
            continue  # goals are matched by number: a renumbered goal is one removed and one added
        same = _key(before) == _key(after) if name in ("strategy", "goal", "indicator", "unit") else before == after
        if not same:
            out.append(PlanChange(old.number, "changed", name, before, after))
    return out


def plan_changes(old: Submission, new: Submission) -> tuple[PlanChange, ...]:
    """Every difference old → new: goals matched by number (spaces and width ignored); the changed fields of each
    goal in both, then the goals added (new's order) and removed (old's order)."""
    before = {_key(g.number): g for g in old.goals}
    after = {_key(g.number): g for g in new.goals}
    out: list[PlanChange] = []
    for key, goal in after.items():
        if key in before:
            out.extend(goal_changes(before[key], goal))
    out.extend(PlanChange(g.number, "added", None, "", g.goal) for k, g in after.items() if k not in before)
    out.extend(PlanChange(g.number, "removed", None, g.goal, "") for k, g in before.items() if k not in after)
    return tuple(out)


T_CHANGE: dict[str, tuple[str, str]] = {
    "added": ("목표 {number} {kind}: {new}", "goal {number} {kind}: {new}"),
    "removed": ("목표 {number} {kind}: {old}", "goal {number} {kind}: {old}"),
    "changed": ("목표 {number} {field}: {old} → {new}", "goal {number} {field}: {old} → {new}"),
}


def change_line(change: PlanChange, lang: str = "ko") -> str:
    """One change as a line a person reads: `목표 3 목표치: 3500 → 3000`, `목표 7 추가: 신규 목표` (not escaped:
    the caller prints it through `core.printable` or writes it into a workbook)."""
    return tr(
        T_CHANGE[change.kind],
        lang,
        number=change.number,
        kind=word(CHANGE_KIND, change.kind, lang),
        field=field_label(change.field, lang),
        old=shown(change.field, change.old, lang) or "-",
        new=shown(change.field, change.new, lang) or "-",
    )
