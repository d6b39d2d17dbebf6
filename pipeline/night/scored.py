"""What an accepted submission leaves for the night, made where the file was read (a worker, or the batch itself
for a handful of files): the text the ledger keeps and the agency's own scored result.

Why here and not at report time: an agency's score depends only on its own submission (`scoring.score_agency`),
so it can be computed in parallel, right after validation, by the process that already holds the parsed
workbook. The batch then keeps one `AgencyResult` per accepted file until tonight's ranks — never the parsed
submission, and never its text once it is in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pipeline.core.layout import KIND_RESULTS
from pipeline.core.model import AgencyResult, Submission
from pipeline.night.submission_text import submission_json
from pipeline.scoring.agency import score_agency
from pipeline.scoring.rule import ScoringError

if TYPE_CHECKING:
    from pipeline.settings.schema import Config
    from pipeline.validate.check import CheckResult


@dataclass(frozen=True, slots=True)
class Accepted:
    text: str  # the submission as judged on arrival (`submission_text.submission_json`), source cells included
    scored: AgencyResult | None  # None: the agency is not registered, or scoring refused (re-scored, and
    #                              reported, from `text` when tonight's outputs are built)


def accepted(result: CheckResult, config: Config | None, lang: str) -> Accepted | None:
    """The ledger text and the scored result of a submission that passed every check; None for any other."""
    sub = result.submission
    if not result.ok or sub is None:
        return None
    agency = config.agency(sub.agency.code) if config is not None else None
    scored = None
    if agency is not None and sub.kind == KIND_RESULTS:  # a plan or a mid-year check is stored, never scored
        try:
            scored = score_agency(agency, without_sources(sub), config.scoring, lang)
        except ScoringError:
            scored = None
    return Accepted(submission_json(sub), scored)


def without_sources(sub: Submission) -> Submission:
    """The submission without its goals' source cells: scoring and the reports never read them, and they are
    most of its memory (each `GoalResult` keeps its goal)."""
    if not any(g.sources for g in sub.goals):
        return sub
    return replace(sub, goals=tuple(replace(g, sources={}) for g in sub.goals))
