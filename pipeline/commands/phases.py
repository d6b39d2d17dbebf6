"""Where each agency stands in each phase of the year (issue 16), for `pipeline status` and `status --json`.

Plan: 미제출 / 제출 (accepted, not confirmed) / 확정 / 변경요청 (a plan file accepted after the confirmation, not
applied until confirmed). Mid-year: 미제출 / 제출. Results: 제출 / 반려 / 미제출 as before. A current file received
after its phase's deadline is marked late. Words from `core.vocabulary`; what a submitter typed through
`core.printable` (the JSON through `printable_json`).
"""

from __future__ import annotations

from typing import Any

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_MIDYEAR, KIND_PLAN, KIND_RESULTS
from pipeline.core.model import OUTCOME_REJECTED, STATUS_ACCEPTED, STATUS_MISSING, STATUS_REJECTED
from pipeline.core.printable import printable
from pipeline.core.vocabulary import LATE, PHASE_STATUS, PLAN_STATUS, STATUS, word
from pipeline.night.ledger import FileRow, Ledger
from pipeline.night.submission_text import parse_submission
from pipeline.settings.schema import Config
from pipeline.validate.plan_diff import change_line, plan_changes

T: dict[str, Text] = {
    "phases": ("단계별 현황", "By phase"),
    "code": ("기관코드", "Code"),
    "agency": ("기관명", "Agency"),
    "plan": ("계획", "Plan"),
    "midyear": ("중간점검", "Mid-year"),
    "results": ("실적", "Results"),
    "version": ("{status} (제{version}차)", "{status} (v{version})"),
    "requests": (
        "계획 변경요청 ({n}): 확정 전에는 적용되지 않음",
        "Plan change requests ({n}), not applied until confirmed",
    ),
    "request": ("  {code} {name}: {change}", "  {code} {name}: {change}"),
}


def phase_status(config: Config, ledger: Ledger) -> list[dict[str, Any]]:
    """Per registered agency: its plan, mid-year and results status (codes, language-free), late flags, the plan
    version in force and a change request's changes."""
    confirmed, requests = ledger.confirmed_plans(), ledger.plan_requests()
    current = {kind: ledger.current(kind) for kind in (KIND_PLAN, KIND_MIDYEAR, KIND_RESULTS)}
    rejected = _rejected_latest(ledger)
    out = []
    for agency in config.agencies:
        code = agency.code
        plan_row, plan = current[KIND_PLAN].get(code), confirmed.get(code)
        if code in requests:
            status = "change_requested"
        elif plan is not None:
            status = "confirmed"
        else:
            status = "submitted" if plan_row is not None else "missing"
        changes: list[Any] = []
        if code in requests and plan is not None:
            text = ledger.submission_text(requests[code].id)
            if text is not None:
                changes = list(plan_changes(plan.submission, parse_submission(text, sources=False)))
        mid = current[KIND_MIDYEAR].get(code)
        res = current[KIND_RESULTS].get(code)
        results_status = STATUS_ACCEPTED if res else STATUS_REJECTED if code in rejected else STATUS_MISSING
        out.append(
            {
                "code": code,
                "name": agency.name,
                "plan": {
                    "status": status,
                    "version": plan.version if plan is not None else None,
                    "late": _late(plan_row),
                    "changes": changes,
                },
                "midyear": {"status": "submitted" if mid else "missing", "late": _late(mid)},
                "results": {
                    "status": results_status,
                    "late": _late(res),
                    "plan_version": res.plan_version if res is not None else None,
                },
            }
        )
    return out


def _late(row: FileRow | None) -> bool:
    return bool(row is not None and row.late)


def _rejected_latest(ledger: Ledger) -> set[str]:
    """Agencies with results files received (without a current one, what `status` calls 반려)."""
    return {
        row.agency
        for row in ledger.received()
        if row.agency and row.submission_kind == KIND_RESULTS and row.outcome == OUTCOME_REJECTED
    }


def status_json(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The rows as `status --json` writes them: codes, and each status's word in `lang` beside it."""
    out = []
    for r in rows:
        plan = dict(r["plan"], label=word(PLAN_STATUS, r["plan"]["status"], lang))
        plan["changes"] = [
            {
                "number": c.number,
                "kind": c.kind,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "text": change_line(c, lang),
            }
            for c in r["plan"]["changes"]
        ]
        midyear = dict(r["midyear"], label=word(PHASE_STATUS, r["midyear"]["status"], lang))
        results = dict(r["results"], label=word(STATUS, r["results"]["status"], lang))
        out.append({"code": r["code"], "name": r["name"], "plan": plan, "midyear": midyear, "results": results})
    return out


def phase_lines(rows: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    """The status table's headings and rows by phase, and the change requests' lines."""
    late = tr(LATE, lang)

    def cell(text: str, is_late: bool) -> str:
        return f"{text} ({late})" if is_late else text

    headers = [tr(T[k], lang) for k in ("code", "agency", "plan", "midyear", "results")]
    table, requests = [], []
    for r in rows:
        plan = word(PLAN_STATUS, r["plan"]["status"], lang)
        if r["plan"]["version"] is not None:
            plan = tr(T["version"], lang, status=plan, version=r["plan"]["version"])
        table.append(
            [
                printable(r["code"]),
                printable(r["name"]),
                cell(plan, r["plan"]["late"]),
                cell(word(PHASE_STATUS, r["midyear"]["status"], lang), r["midyear"]["late"]),
                cell(word(STATUS, r["results"]["status"], lang), r["results"]["late"]),
            ]
        )
        for change in r["plan"]["changes"]:
            line = change_line(change, lang)
            requests.append(
                tr(T["request"], lang, code=printable(r["code"]), name=printable(r["name"]), change=printable(line))
            )
    return headers, table, requests


def render_phases(rows: list[dict[str, Any]], lang: str, render_table: Any) -> list[str]:
    headers, table, requests = phase_lines(rows, lang)
    parts = ["", tr(T["phases"], lang), render_table(headers, table)]
    count = sum(1 for r in rows if r["plan"]["status"] == "change_requested")
    if count:
        parts += ["", tr(T["requests"], lang, n=count), *requests]
    return parts
