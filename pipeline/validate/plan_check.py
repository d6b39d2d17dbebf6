"""The year's cycle in validation (issue 16): the checks of a plan, and results judged against the confirmed plan.

- A **plan** (제출구분 계획) is checked like results minus the actuals (the schema and the cross-checks ask for
  actuals and evidence only of results), plus: a ratio goal's target must make a ratio possible (the rule that
  will score it), and a target less ambitious than the baseline is a warning `plan.target_not_challenging`.
- A **results** or **mid-year** submission of an agency whose plan is confirmed must carry that plan: every goal,
  every plan field (`layout.PLAN_FIELDS`) and the past results as confirmed, else `plan.changed` on the cell.
  Without a confirmed plan: `plan.none` (a warning), or `plan.required` (an error) under
  `[calendar] require_confirmed_plan = true`.

The confirmed plans come in a `PlanBasis` that the night loads once from the ledger and hands to every worker:
checking a file against its plan is a dictionary lookup and a comparison of a few dozen values, never a second
read of the plan workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from pipeline.core.i18n import Bilingual
from pipeline.core.layout import KIND_PLAN, PAST_COLUMNS, SHEET_GOALS, SHEET_PAST, choice_label, goal_column
from pipeline.core.model import Source, Submission
from pipeline.read.normalize import choice_key
from pipeline.scoring.methods.ratio import ratio_rate
from pipeline.scoring.rule import ScoringError
from pipeline.settings.schema import Config, Scoring
from pipeline.validate.cells import Work
from pipeline.validate.plan_diff import PAST_FIELD, goal_changes, shown

NOT_IN_PLAN = Bilingual("확정 계획에 없는 목표", "a goal not in the confirmed plan")
NOT_SUBMITTED = ""


@dataclass(frozen=True)
class PlanBasis:
    """What results are judged against tonight: agency code → (plan version, the confirmed plan).

    `in_use`: the office works with plans this year (at least one plan is confirmed, or they are required); before
    that, results are judged as submitted, without a `plan.none` on every file."""

    plans: Mapping[str, tuple[int, Submission]] = field(default_factory=dict)
    require: bool = False

    @property
    def in_use(self) -> bool:
        return bool(self.plans) or self.require

    def version(self, agency: str | None) -> int | None:
        found = self.plans.get(agency or "")
        return found[0] if found is not None else None


# --- plans: cross-checks that only a plan gets --------------------------------------------------------------------
def check_plan_ratio(work: Work, config: Config | None, scoring: Scoring) -> None:
    """A plan's ratio goal: the target must allow a ratio (what scoring will ask of it at the year end)."""
    if work.kind != KIND_PLAN:
        return
    past = work.past_by_number()
    for g in work.goals:
        v = g.values
        if v["method"].value != "ratio" or not (v["direction"].ok and v["target"].ok):
            continue
        try:
            ratio_rate(replace(work.goal(g, past), actual=v["target"].value))
        except ScoringError:
            work.add(
                "goal.target_positive" if v["direction"].value == "higher" else "goal.target_negative", v["target"]
            )


def check_plan_challenging(work: Work, config: Config | None, scoring: Scoring) -> None:
    """A plan's higher-is-better target below its baseline, or lower-is-better above it: 도전성 부족 (a warning)."""
    if work.kind != KIND_PLAN:
        return
    for g in work.goals:
        v = g.values
        target, baseline, way = v["target"], v["baseline"], v["direction"]
        if not (target.ok and baseline.ok and way.ok):
            continue
        easy = target.value < baseline.value if way.value == "higher" else target.value > baseline.value
        if easy:
            work.add(
                "plan.target_not_challenging",
                target,
                target=target.shown,
                baseline=baseline.shown,
                direction_ko=choice_label("direction", way.value, "ko"),
                direction_en=choice_label("direction", way.value, "en"),
                target_cell=target.source.ref,
                baseline_cell=baseline.source.ref,
            )


PLAN_CHECKS = (check_plan_ratio, check_plan_challenging)
"""Cross-checks of plans (`validate.check` runs them after `crosschecks.CROSS_CHECKS`)."""


# --- results against the confirmed plan -------------------------------------------------------------------------
def check_against_plan(work: Work, basis: PlanBasis) -> None:
    """A results or mid-year submission against its agency's confirmed plan (see the module's text)."""
    code = work.agency.get("agency_code")
    if work.kind == KIND_PLAN or not basis.in_use or code is None or not code.ok:
        return
    sheet = work.raw.sheet_names.get(SHEET_GOALS, "")
    confirmed = basis.plans.get(code.value)
    if confirmed is None:
        work.add("plan.required" if basis.require else "plan.none", Source(sheet, "", ""))
        return
    version, plan = confirmed
    past = work.past_by_number()
    rows = {_key(g.values["number"].value): g for g in work.goals if g.values["number"].ok}
    planned = {_key(g.number): g for g in plan.goals}
    for key, row in rows.items():
        old = planned.get(key)
        if old is None:
            work.add("plan.changed", row.values["number"], confirmed=NOT_IN_PLAN, version=version)
            continue
        for change in goal_changes(old, work.goal(row, past)):
            name = change.field or ""
            words = Bilingual(shown(name, change.old, "ko"), shown(name, change.old, "en"))
            if name == PAST_FIELD:
                work.add(
                    "plan.changed", _past_source(work, change.number), change.new, confirmed=words, version=version
                )
            elif not row.values[name].bad:
                work.add("plan.changed", row.values[name], confirmed=words, version=version)
    for key, old in planned.items():
        if key not in rows:
            where = Source(sheet, "", _number_heading())
            work.add("plan.changed", where, NOT_SUBMITTED, confirmed=_removed(old.number, old.goal), version=version)


def _key(number: object) -> str:
    return choice_key(number)


def _removed(number: str, goal: str) -> Bilingual:
    return Bilingual(f"{number} {goal}", f"{number} {goal}")


def _number_heading() -> str:
    return goal_column("number").ko


def _past_source(work: Work, number: str) -> Source:
    """Where a goal's past results are: its first row on 과거실적 (or the sheet, when it has none)."""
    for p in work.past:
        if p.values["number"].ok and _key(p.values["number"].value) == _key(number):
            return p.values["result"].source
    sheet = work.raw.sheet_names.get(SHEET_PAST, "")
    return Source(sheet, "", PAST_COLUMNS[-1].ko)
