"""The city: every registered agency's result, ranked (ties share a rank: 1, 2, 2, 4), and the excellent agencies
(우수기관) by `[scoring.excellence]`. An agency's own result never depends on the others (`score_agency`), so the
night scores each submission where it was read and ranks the results here."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from pipeline.core.i18n import check_lang
from pipeline.core.model import STATUS_ACCEPTED, STATUS_MISSING, STATUS_REJECTED, AgencyResult, CityResult, Submission
from pipeline.scoring.agency import score_agency
from pipeline.scoring.rule import ScoringError, exact
from pipeline.settings.schema import EXCELLENCE_RULES, Config, Excellence

__all__ = ["competition_ranks", "rank_city", "score_city"]


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Rank of each total, highest first; ties share a rank and skip the next ones (1, 2, 2, 4)."""
    ordered = sorted(totals, reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[t] for t in totals]


def _with_ranks(results: list[AgencyResult]) -> list[AgencyResult]:
    """Overall and in-group ranks for the accepted agencies; others stay unranked."""
    totals = {r.code: r.total for r in results if r.status == STATUS_ACCEPTED and r.total is not None}

    def ranks_of(codes: list[str]) -> dict[str, int]:
        return dict(zip(codes, competition_ranks([totals[c] for c in codes]), strict=True))

    overall = ranks_of(list(totals))
    in_group: dict[str, int] = {}
    for group in {r.group for r in results if r.code in totals}:
        in_group.update(ranks_of([r.code for r in results if r.code in totals and r.group == group]))
    return [replace(r, rank=overall[r.code], group_rank=in_group[r.code]) if r.code in overall else r for r in results]


def _is_excellent(result: AgencyResult, rule: Excellence) -> bool:
    """One agency against the configured rule. Provisional and unranked agencies are never excellent.

    - "grades": the agency's grade is one of `rule.grades` (default S and A).
    - "top_n": overall rank ≤ n. With shared ranks this includes every agency tied at the cut (ranks 1, 2, 2
      with n = 2 names three agencies). A provisional agency inside the top n keeps its place: the place is not
      handed down to the next agency, so a pending grade never promotes someone who could later drop out.
    - "top_n_per_group": the same within the agency's group.
    - "min_total": total ≥ `rule.min_total`.
    """
    if result.provisional or result.rank is None or result.total is None:
        return False
    if rule.rule == "grades":
        return result.grade in rule.grades
    if rule.rule == "top_n":
        return result.rank <= rule.n
    if rule.rule == "top_n_per_group":
        return result.group_rank is not None and result.group_rank <= rule.n
    if rule.rule == "min_total":
        return result.total >= rule.min_total
    raise ScoringError(f"[scoring.excellence].rule: unknown rule {rule.rule!r}")


@exact
def score_city(
    config: Config,
    submissions: Mapping[str, Submission],
    rejected: Collection[str] = (),
    lang: str | None = None,
) -> CityResult:
    """Every registered agency's result: scored, graded, ranked, excellent or not.

    `submissions` maps agency code → current accepted submission (its status: accepted). Codes in `rejected`
    without an accepted submission are 반려 (rejected); every other agency without one is 미제출 (missing).
    An accepted submission wins over a rejected code. Raises ScoringError, naming the agency and goal, for an
    input the validator should have rejected, rather than publish a number nobody can defend.
    """
    lang = check_lang(lang or config.evaluation.lang)
    _known_codes(config, submissions)
    by_code = config.agencies_by_code
    scored = {code: score_agency(by_code[code], sub, config.scoring, lang) for code, sub in submissions.items()}
    return rank_city(config, scored, rejected)


def rank_city(config: Config, scored: Mapping[str, AgencyResult], rejected: Collection[str] = ()) -> CityResult:
    """The city from each agency's own result (`score_agency`): grades stay, ranks and 우수기관 are decided here.

    Agencies without a result are 반려 when their code is in `rejected`, else 미제출. Order: ranked agencies by
    rank then code, then the unranked in config order. Excellence follows `[scoring.excellence]`; "top_n" and
    "top_n_per_group" include every agency tied at the cut (see `_is_excellent`)."""
    _known_codes(config, scored)
    scoring = config.scoring
    if scoring.excellence.rule not in EXCELLENCE_RULES:
        raise ScoringError(f"[scoring.excellence].rule: unknown rule {scoring.excellence.rule!r}")
    results: list[AgencyResult] = []
    for agency in config.agencies:
        result = scored.get(agency.code)
        if result is not None:
            results.append(result)
        else:
            status = STATUS_REJECTED if agency.code in rejected else STATUS_MISSING
            results.append(
                AgencyResult(
                    code=agency.code,
                    name=agency.name,
                    group=agency.group,
                    supervising_dept=agency.supervising_dept,
                    status=status,
                )
            )
    results = [replace(r, excellent=_is_excellent(r, scoring.excellence)) for r in _with_ranks(results)]
    ranked = sorted((r for r in results if r.ranked), key=lambda r: (r.rank, r.code))
    unranked = [r for r in results if not r.ranked]
    return CityResult(year=config.evaluation.year, agencies=tuple(ranked + unranked))


def _known_codes(config: Config, by_code: Mapping[str, object]) -> None:
    unknown = sorted(set(by_code) - {a.code for a in config.agencies})
    if unknown:
        raise ScoringError(f"submissions for agencies not in pipeline.toml: {', '.join(unknown)}")
