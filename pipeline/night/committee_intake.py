"""The night's side of the committee: a committee workbook found in the inbox is judged here (not as an agency's
submission), agency files that arrive after the year's results were confirmed are rejected (`evaluation.closed`),
and the state a committee sheet is made from: every qualitative goal of the agencies' current submissions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core.findings import Finding, finding
from pipeline.core.model import OUTCOME_ACCEPTED, OUTCOME_REJECTED
from pipeline.night import committee_ledger
from pipeline.night.ledger import Ledger
from pipeline.night.submission_text import parse_submission
from pipeline.read.committee import read_committee
from pipeline.scoring.committee import goal_fingerprint
from pipeline.settings.schema import Config
from pipeline.template.committee_sheet import SheetRow
from pipeline.validate.committee import CommitteeCheck, check_committee

__all__ = ["CommitteeState", "closed_finding", "committee_state", "judge_committee_file"]


@dataclass(frozen=True, slots=True)
class CommitteeState:
    rows: tuple[SheetRow, ...]  # the committee sheet's rows, in pipeline.toml's agency order
    goals: Mapping[str, Mapping[str, str]]  # agency → goal number → fingerprint (qualitative goals only)
    fingerprint: str  # of the current submissions (their sha256s)


def committee_state(ledger: Ledger, config: Config) -> CommitteeState:
    current = ledger.current()
    rows: list[SheetRow] = []
    goals: dict[str, dict[str, str]] = {}
    for agency in config.agencies:
        row = current.get(agency.code)
        text = ledger.submission_text(row.id) if row is not None else None
        if not text:
            continue
        sub = parse_submission(text, sources=False)
        for g in sub.goals:
            if g.method == "qualitative":
                rows.append(SheetRow(agency.code, agency.name, g))
                goals.setdefault(agency.code, {})[g.number] = goal_fingerprint(agency.code, g)
    shas = sorted(f"{code}:{row.sha256}" for code, row in current.items() if config.agency(code))
    fingerprint = hashlib.sha256("\n".join(shas).encode()).hexdigest()[:16]
    return CommitteeState(tuple(rows), goals, fingerprint)


def closed_finding(ledger: Ledger, config: Config) -> Finding | None:
    """`evaluation.closed` when the year's results are confirmed (None while the year is open)."""
    final: date | None = committee_ledger.finalized(ledger, config.evaluation.year)
    if final is None:
        return None
    return finding("evaluation.closed", year=config.evaluation.year, date=final.isoformat())


def judge_committee_file(ledger: Ledger, config: Config, path: Path) -> tuple[str, CommitteeCheck]:
    """The outcome (accepted | rejected) of a committee workbook and its check (findings, merged data)."""
    raw = read_committee(path, config.batch.max_file_size_bytes)
    state = committee_state(ledger, config)
    check = check_committee(raw, state.goals, config)
    closed = closed_finding(ledger, config)
    if closed is not None:
        check = CommitteeCheck((closed, *check.findings), None, check.year, check.fingerprint)
    return (OUTCOME_ACCEPTED if check.ok else OUTCOME_REJECTED), check
