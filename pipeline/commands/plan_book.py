"""`pipeline plan book`: the year-start book 성과창출계획 of the confirmed plans, written into `outbox/<date>/`.

Read from an in-memory copy of the ledger (the book never writes to it): each agency's plan in force, every
earlier confirmation (a confirmed change: version n-1 → n) and each pending change request (confirmed → the newer
plan file), the changes listed goal by goal and field by field by the plan diff.
"""

from __future__ import annotations

import sys
from datetime import datetime

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_PLAN
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night.ledger import Ledger
from pipeline.night.submission_text import parse_submission
from pipeline.report.midyear_outputs import write_plan_book
from pipeline.report.plan_book_sheet import ChangeSet, ConfirmedEntry
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.validate.plan_diff import plan_changes

T: dict[str, Text] = {
    "written": ("성과창출계획 책자: {path} (계획 확정 {n}개 기관, 계획변경 {changes}건)",
                "Plan book: {path} ({n} confirmed {n:plan|plans}, {changes} plan {changes:change|changes})"),
    "none": ("확정된 계획이 없습니다: 먼저 `pipeline plan confirm`으로 계획을 확정하세요.",
             "No plan is confirmed yet: confirm plans first with `pipeline plan confirm`."),
}  # fmt: skip


def plan_history(ledger: Ledger) -> list[ChangeSet]:
    """Every confirmed change (version n-1 → n) and every pending change request, agency by agency."""
    rows = ledger.conn.execute("SELECT agency, version, file_id FROM plans ORDER BY agency, version").fetchall()
    texts: dict[int, str] = {}
    for row in rows:
        text = ledger.submission_text(row["file_id"])
        if text:
            texts[row["file_id"]] = text
    sets = []
    previous: dict[str, tuple[int, int]] = {}
    for row in rows:
        agency, version, file_id = row["agency"], row["version"], row["file_id"]
        if agency in previous and previous[agency][1] in texts and file_id in texts:
            old = parse_submission(texts[previous[agency][1]], sources=False)
            new = parse_submission(texts[file_id], sources=False)
            sets.append(ChangeSet(agency, previous[agency][0], version, plan_changes(old, new)))
        previous[agency] = (version, file_id)
    confirmed = ledger.confirmed_plans()
    for agency, request in sorted(ledger.plan_requests().items()):
        text = ledger.submission_text(request.id)
        if text and request.submission_kind == KIND_PLAN:
            new = parse_submission(text, sources=False)
            plan = confirmed[agency]
            sets.append(ChangeSet(agency, plan.version, None, plan_changes(plan.submission, new)))
    return sets


def plan_book_command(config: Config, lang: str = "ko") -> int:
    """Write the plan book of today into outbox/<date>/ and say where; 0, or 66 (no input) when no plan is confirmed yet."""
    ledger = Ledger.snapshot(config.paths.state)
    try:
        confirmed = ledger.confirmed_plans()
        changes = plan_history(ledger)
    finally:
        ledger.close()
    if not confirmed:
        print(tr(T["none"], lang), file=sys.stderr)
        return Exit.NO_INPUT
    plans = {
        code: ConfirmedEntry(p.version, p.confirmed_at, p.submission)
        for code, p in confirmed.items()
        if config.agency(code) is not None
    }
    now: datetime = clock.now()
    out_dir = config.paths.outbox / f"{now:%Y-%m-%d}"
    path = write_plan_book(config.agencies, plans, changes, config.evaluation.year, now, lang, out_dir)
    n_changes = sum(len(s.changes) for s in changes)
    print(tr(T["written"], lang, path=printable(str(path)), n=len(plans), changes=n_changes))
    return Exit.OK
