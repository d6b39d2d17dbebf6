"""Step 3 of validation, per file: the cross-checks pandera cannot express well, one function per rule.

Sums (weights add up to 100), duplicates (goal numbers, past years) and the scoring rules' own preconditions:
a goal is checked by calling the rule that will score it (`ratio_rate`, `range_bounds`, `deviation_bounds`), so
validation and scoring can never disagree on what a scorable goal is.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from email.utils import parseaddr

from pipeline.core.layout import SHEET_GOALS
from pipeline.core.model import Goal, Source
from pipeline.core.rounding import round_places, shown
from pipeline.read import normalize as nz
from pipeline.scoring.methods.deviation import deviation_bounds, sample_sigma
from pipeline.scoring.methods.range import range_bounds
from pipeline.scoring.methods.ratio import ratio_rate
from pipeline.scoring.rule import ScoringError
from pipeline.settings.schema import Config, Scoring
from pipeline.validate.cells import GoalRow, Value, Work
from pipeline.validate.midyear import check_midyear

RATE_HIGH = Decimal(2)
RATE_LOW = Decimal("0.2")
"""Achievement rates outside 20 %–200 % are flagged as a likely unit slip (a warning)."""

CrossCheck = Callable[[Work, Config | None, Scoring], None]


def check_no_goals(work: Work, config: Config | None, scoring: Scoring) -> None:
    """A goal sheet with a heading row and nothing under it."""
    sheet = work.raw.sheet_names.get(SHEET_GOALS, "")
    explained = ("sheet.header_missing", "sheet.too_many_entries")
    if not work.goals and not any(f.code in explained and f.sheet == sheet for f in work.findings):
        work.add("sheet.no_goals", Source(sheet, "", ""))


def check_agency_registered(work: Work, config: Config | None, scoring: Scoring) -> None:
    """The code must be one of pipeline.toml's agencies."""
    code = work.agency.get("agency_code")
    if config is not None and code is not None and code.ok and config.agency(code.value) is None:
        work.add("agency.unknown", code)


def check_agency_name(work: Work, config: Config | None, scoring: Scoring) -> None:
    """The name must be the registered name of that code (spaces and full-width forms ignored)."""
    code, name = work.agency.get("agency_code"), work.agency.get("agency_name")
    if config is None or code is None or name is None or not (code.ok and name.ok):
        return
    agency = config.agency(code.value)
    if agency is not None and nz.choice_key(agency.name) != nz.choice_key(name.value):
        work.add("agency.name_mismatch", name, agency_code=code.value, expected=agency.name)


def check_agency_email(work: Work, config: Config | None, scoring: Scoring) -> None:
    """The workbook's e-mail should be the registered one: mail only ever goes to the registered address, so
    another one is a sign of a file from someone else (or of an address to update). A warning, not an error."""
    code, email = work.agency.get("agency_code"), work.agency.get("email")
    if config is None or code is None or email is None or not (code.ok and email.ok):
        return
    agency = config.agency(code.value)
    written = parseaddr(str(email.value))[1] or str(email.value)
    if agency is not None and written.strip().casefold() != agency.email.strip().casefold():
        work.add("agency.email_not_registered", email, agency_code=code.value, expected=agency.email)


def check_year(work: Work, config: Config | None, scoring: Scoring) -> None:
    year = work.agency.get("year")
    if config is not None and year is not None and year.ok and year.value != config.evaluation.year:
        work.add("agency.wrong_year", year, expected=config.evaluation.year)


def check_weights_sum(work: Work, config: Config | None, scoring: Scoring) -> None:
    """Weights add up to exactly 100 (Decimal, no tolerance); skipped while a weight itself is wrong."""
    weights = [g.values["weight"] for g in work.goals]
    if not weights or not all(w.ok for w in weights):
        return
    total = sum((w.value for w in weights), Decimal(0))
    if total != 100:
        cells = [w.source.cell for w in weights]
        span = cells[0] if len(cells) == 1 else f"{cells[0]}:{cells[-1]}"
        where = Source(weights[0].source.sheet, span, weights[0].source.field)
        work.add("goal.weights_sum", where, value=nz.plain(total), total=nz.plain(total), cells=", ".join(cells))


def check_duplicate_numbers(work: Work, config: Config | None, scoring: Scoring) -> None:
    first: dict[str, Value] = {}
    for g in work.goals:
        number = g.values["number"]
        if not number.ok:
            continue
        key = nz.choice_key(number.value)
        if key in first:
            work.add("goal.duplicate_number", number, other=first[key].source.ref)
        else:
            first[key] = number


def _usable(g: GoalRow, *keys: str) -> bool:
    """No finding on these cells yet (blank is fine): a rule on them would only repeat a problem."""
    return not any(g.values[k].bad for k in keys)


def check_ratio(work: Work, config: Config | None, scoring: Scoring) -> None:
    """목표대비: the target must make actual ÷ target meaningful (scoring.ratio_rate); warn on unusual rates."""
    past = work.past_by_number()
    for g in work.goals:
        v = g.values
        if v["method"].value != "ratio" or not (v["direction"].ok and v["target"].ok and v["actual"].ok):
            continue
        if not _usable(g, "direction", "target", "actual"):
            continue
        try:
            rate = ratio_rate(work.goal(g, past))
        except ScoringError:
            code = "goal.target_positive" if v["direction"].value == "higher" else "goal.target_negative"
            work.add(code, v["target"])
            continue
        if v["direction"].value == "lower" and v["target"].value == 0:
            continue  # zero-target rates are 0 or 1 by definition
        if rate > RATE_HIGH or rate < RATE_LOW:
            work.add("goal.rate_unusual", v["actual"], rate=nz.plain(round_places(rate * 100, 1)))


def check_range(work: Work, config: Config | None, scoring: Scoring) -> None:
    """목표부여: top and floor together, or a positive baseline; top ≠ floor, the right way round (scoring.range_bounds)."""
    past = work.past_by_number()
    for g in work.goals:
        v = g.values
        if v["method"].value != "range" or not v["direction"].ok:
            continue
        if not _usable(g, "direction", "top", "floor", "baseline"):
            continue
        top, floor = v["top"], v["floor"]
        if top.ok != floor.ok:
            work.add("goal.top_floor_pair", top if floor.ok else floor)
            continue
        try:
            range_bounds(work.goal(g, past), scoring)
        except ScoringError:
            _range_finding(work, g)


def _range_finding(work: Work, g: GoalRow) -> None:
    """Which cell to name when scoring refuses the range: decided from what is filled in."""
    v = g.values
    top, floor, baseline = v["top"], v["floor"], v["baseline"]
    if top.ok and floor.ok:
        if top.value == floor.value:
            work.add("goal.top_equals_floor", top)
        else:
            work.add("goal.top_floor_order", top, direction=v["direction"].shown, top=top.shown, floor=floor.shown)
    elif baseline.ok:
        work.add("goal.baseline_positive", baseline)
    else:
        work.add("goal.range_bounds_required", top)


def check_deviation(work: Work, config: Config | None, scoring: Scoring) -> None:
    """목표부여(편차): 3–5 past results that vary (scoring.deviation_bounds); skipped while a past cell is wrong."""
    past = work.past_by_number()
    bad_numbers = {
        nz.parse_text(p.values["number"].value).value for p in work.past if any(x.bad for x in p.values.values())
    }
    for g in work.goals:
        v = g.values
        if v["method"].value != "deviation" or not v["number"].ok or not v["direction"].ok:
            continue
        number = v["number"].value
        if number in bad_numbers or not _usable(g, "direction", "baseline"):
            continue
        count = len(past.get(number, ()))
        if not 3 <= count <= 5:
            work.add("goal.past_count", v["method"], number=number, count=count)
            continue
        goal = work.goal(g, past)
        try:
            deviation_bounds(goal, scoring)
        except ScoringError:
            _deviation_finding(work, g, goal)


def _deviation_finding(work: Work, g: GoalRow, goal: Goal) -> None:
    """Why scoring refuses the past results: they do not vary, or they vary too little next to the baseline."""
    number, sigma = goal.number, sample_sigma(goal.past)
    if sigma == 0:
        work.add("goal.past_no_variation", g.values["method"], number=number)
        return
    base = goal.past[-1] if goal.baseline is None else goal.baseline
    sigma_text, base_text = nz.plain(shown(sigma)), nz.plain(base)
    work.add("goal.past_spread_too_small", g.values["method"], number=number, sigma=sigma_text, baseline=base_text)


def check_past_rows(work: Work, config: Config | None, scoring: Scoring) -> None:
    """Past results belong to a goal on the goal sheet, one row per goal and year."""
    numbers = {g.values["number"].value for g in work.goals if g.values["number"].ok}
    seen: dict[tuple[str, int], Value] = {}
    for p in work.past:
        number, year = p.values["number"], p.values["year"]
        if not number.ok:
            continue
        if numbers and number.value not in numbers:
            work.add("past.unknown_goal", number)
            continue
        if year.ok:
            key = (number.value, year.value)
            if key in seen:
                work.add("past.duplicate_year", year, number=number.value, other=seen[key].source.ref)
            else:
                seen[key] = year


CROSS_CHECKS: tuple[CrossCheck, ...] = (
    check_no_goals,
    check_agency_registered,
    check_agency_name,
    check_agency_email,
    check_year,
    check_weights_sum,
    check_duplicate_numbers,
    check_ratio,
    check_range,
    check_deviation,
    check_past_rows,
    check_midyear,
)
"""Every cross-check, in the order findings are produced; a new rule is one function added here."""
