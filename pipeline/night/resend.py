"""Bytes received before and sent again: a duplicate to file away, or a submission to check again.

Two rules, so that sending a file again never loses it:

- **The last file an agency sends wins.** Version A, then B, then A again: the agency's last word is A. A file
  whose bytes were accepted before is a duplicate only while those bytes are still the agency's current (last
  accepted) submission; otherwise it is checked again and, accepted, supersedes B like any new file. Its ledger
  row names the earlier one (`duplicate_of`), so the summary, the report and the receipt say it was sent again.
- **A rejection that could have changed is not repeated.** Bytes rejected for a reason that depends on the
  registry, the settings, the folder they were dropped in or the machine (`TRANSIENT`) are checked again when
  they come back: the office may have registered the agency since, the worker may not be overloaded now. A
  rejection for what the bytes say (a weight, a cell) stays one: the same bytes get the same answer.
"""

from __future__ import annotations

from pipeline.core.model import OUTCOME_ACCEPTED
from pipeline.night.ledger import FileRow

TRANSIENT: frozenset[str] = frozenset(
    {
        "agency.unknown",  # the office registers the agency in pipeline.toml
        "agency.name_mismatch",  # … or corrects its registered name
        "agency.wrong_year",  # … or the evaluation year
        "agency.folder_mismatch",  # the same bytes dropped in the right agency's folder
        "file.internal_error",  # a bug met the file; fixed since
        "file.too_complex",  # the time or memory limit hit under load
        "evaluation.closed",  # the year reopened (`committee merge --reopen`)
        "committee.unknown_agency",  # a committee row's agency registered since
        "committee.unknown_goal",  # … or its goal submitted since
        "committee.bonus_cap",  # [scoring] max_bonus or [[adjustments]] changed
        "plan.changed",  # the office confirms a changed plan
        "plan.required",  # … or confirms the agency's plan at all
        "submission.late_rejected",  # … or moves the deadline
    }
)
"""Finding codes of a rejection that the same bytes may not get again; every one is in the catalogue (a test)."""


def check_again(last: FileRow, agency_last: FileRow | None) -> bool:
    """Are these bytes, received before with `last` as the latest decision about them, to be checked again
    rather than filed as a duplicate? `agency_last`: the last accepted file of `last`'s agency."""
    if last.outcome == OUTCOME_ACCEPTED:
        return agency_last is None or agency_last.sha256 != last.sha256
    return any(f.is_error and f.code in TRANSIENT for f in last.findings)
