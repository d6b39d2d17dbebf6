"""The city's scoring rules (docs/scoring.md) as a pure core: goals and settings in, explained results out.

No I/O, no clock, no randomness: the same submissions and `[scoring]` settings always give the same CityResult,
so a printed sheet can be checked with a calculator and a re-run never changes a published number.

Modules
-------
- `methods/`: one module per scoring method (`ratio`, `range`, `deviation`, `milestone`, `qualitative`), each
  with its `(goal, scoring, lang) -> MethodPoints` rule and the helpers it owns; `methods.POINTS_RULES` is the
  registry, method code → rule. The validator reuses `ratio_rate`, `range_bounds` and `deviation_bounds`, so that
  a rule lives in one place; each raises `ScoringError` naming the goal and saying what to fill in instead.
- `goal.score_goal(goal, scoring, lang="ko") -> GoalResult`: points, score, rate and a one-line explanation.
- `agency.score_agency(...) -> AgencyResult`: goals scored, total and grade (`grade_for`), unranked.
- `city.score_city(config, submissions, rejected=(), lang=None) -> CityResult`: `score_agency` for each
  submission, then `city.rank_city`: ranks (`competition_ranks`: 1, 2, 2, 4) and 우수기관.
- `explain`: how numbers read in the explanations, and `explain_total(agency, lang="ko")`, the line that redoes
  an agency's total from its shown scores and adjustments.
- `rule`: what every rule shares: `ScoringError`, the exact decimal context, `MethodPoints`, the input checks.

Adding a scoring method = one module in `methods/` + one line in `methods.POINTS_RULES` + its closed-list label
in `pipeline.core.layout.METHODS`; everything after points (score, totals, ranks, the explanation's tail) is
shared.

Arithmetic: `decimal.Decimal` in a private context (34 digits), independent of the caller's global context.
Rounding (`pipeline.core.rounding`) happens only where the spec names it, half-up: points to 2 decimals, then
score = weight × points ÷ 100 to 2 decimals. σ and derived top/floor are kept at full precision for the points;
they are shown (and stored in GoalResult) rounded to 4 decimals (2 significant digits under 0.001), which is enough
to redo the sum with a calculator; top/floor typed in the template are shown as entered. The validator keeps every
number within what 34 digits hold (`pipeline.validate.number_range`); even beyond it a rule either scores or raises
ScoringError, never a decimal exception.
The achievement rate is stored rounded to 4 decimals (0.01%): inside 0–100% that is exactly points ÷ 100, so the
two never disagree.

Achievement rate (GoalResult.rate, unclamped, for people): ratio as the spec says; range and deviation use the
same direction-aware formula when a usable target (목표치) is filled, else None; milestone and qualitative None.
"""
