"""`pipeline plan confirm` and `pipeline plan show`: the office freezes an agency's plan, and reads it back.

`confirm CODE… | --all [--note TEXT]` takes each agency's current accepted plan file (제출구분 계획) and records it in
the ledger as the agency's plan, version 1, 2, … (the file, its bytes' sha256, when, the note). From the next night
on, the agency's results and mid-year files are judged against it. A plan file accepted after a confirmation is a
change request: nothing changes until it is confirmed in turn. `show CODE` prints the plan in force, goal by goal,
and a pending change request as the list of its changes. Everything a submitter typed is printed through
`core.printable`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pipeline.commands.status import render_table
from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_PLAN, choice_label, goal_column
from pipeline.core.model import Goal
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night.ledger import Ledger
from pipeline.night.submission_text import parse_submission
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.validate.plan_diff import change_line, plan_changes, value_text

T: dict[str, Text] = {
    "unknown": (
        "등록되지 않은 기관코드: {codes} (pipeline.toml의 [[agencies]]를 확인하세요)",
        "unknown agency code: {codes} (see [[agencies]] in pipeline.toml)",
    ),
    "none_given": ("확정할 기관코드를 적거나 --all을 쓰세요.", "name the agency codes to confirm, or use --all."),
    "confirmed": (
        "{code}: 계획 제{version}차 확정 ({file}, sha256 {sha})",
        "{code}: plan version {version} confirmed ({file}, sha256 {sha})",
    ),
    "already": (
        "{code}: 이미 확정된 계획입니다(제{version}차). 새로 접수된 계획 파일이 없습니다.",
        "{code}: already confirmed (version {version}); no newer plan file has been accepted.",
    ),
    "no_plan": (
        "{code}: 접수된 계획 파일이 없어 확정할 수 없습니다(제출구분 '계획'인 파일을 받아 야간 실행을 거친 뒤 확정합니다).",
        "{code}: no accepted plan file to confirm (a file of kind 'plan' must be received by a night's run first).",
    ),
    "title": ("{code} {name} · 성과창출계획", "{code} {name} · performance plan"),
    "version": (
        "확정: 제{version}차, {at}, 파일 {file} (sha256 {sha})",
        "Confirmed: version {version}, {at}, file {file} (sha256 {sha})",
    ),
    "note": ("메모: {note}", "Note: {note}"),
    "not_confirmed": ("확정된 계획이 없습니다.", "No plan has been confirmed."),
    "pending": (
        "확정 전 계획(접수 {at}, {file}):",
        "Plan not yet confirmed (received {at}, {file}):",
    ),
    "request": (
        "변경요청(접수 {at}, {file}), 확정 전에는 적용되지 않음:",
        "Change request (received {at}, {file}), not applied until confirmed:",
    ),
    "no_change": ("  (확정된 계획과 같음)", "  (same as the confirmed plan)"),
    "past": ("과거실적", "Past results"),
}
HEADINGS = (
    "number",
    "goal",
    "indicator",
    "method",
    "direction",
    "unit",
    "weight",
    "baseline",
    "target",
    "top",
    "floor",
)


def confirm_command(config: Config, lang: str, codes: Sequence[str], all_agencies: bool, note: str) -> int:
    """Freeze each named agency's current accepted plan; a line per agency. 64 for an unknown code (nothing is
    confirmed then); 65 when an agency named has no accepted plan file (the others are confirmed)."""
    if not codes and not all_agencies:
        return _refuse(tr(T["none_given"], lang), Exit.BAD_ARGUMENT)
    unknown = [c for c in codes if config.agency(c) is None]
    if unknown:
        return _refuse(tr(T["unknown"], lang, codes=", ".join(printable(c) for c in unknown)), Exit.BAD_ARGUMENT)
    chosen = [a.code for a in config.agencies] if all_agencies else list(dict.fromkeys(codes))
    ledger = Ledger.open(config.paths.state)
    missing = False
    try:
        current, confirmed = ledger.current(KIND_PLAN), ledger.confirmed_plans()
        for code in chosen:
            row, plan = current.get(code), confirmed.get(code)
            if row is None:
                missing = missing or not all_agencies
                print(tr(T["no_plan"], lang, code=printable(code)))
            elif plan is not None and plan.file_id == row.id:
                print(tr(T["already"], lang, code=printable(code), version=plan.version))
            else:
                version = ledger.confirm_plan(row, clock.now(), note)
                name, sha = printable(row.original_name), row.sha256[:12]
                print(tr(T["confirmed"], lang, code=printable(code), version=version, file=name, sha=sha))
    finally:
        ledger.close()
    return Exit.DATA_ERROR if missing else Exit.OK


def show_command(config: Config, lang: str, code: str) -> int:
    """The agency's plan in force, goal by goal, then a plan file accepted since (its changes)."""
    agency = config.agency(code)
    if agency is None:
        return _refuse(tr(T["unknown"], lang, codes=printable(code)), Exit.BAD_ARGUMENT)
    ledger = Ledger.snapshot(config.paths.state)
    try:
        plan = ledger.confirmed_plans().get(code)
        current = ledger.current(KIND_PLAN).get(code)
        parts = [tr(T["title"], lang, code=printable(code), name=printable(agency.name)), ""]
        if plan is None:
            parts.append(tr(T["not_confirmed"], lang))
        else:
            at = f"{plan.confirmed_at:%Y-%m-%d %H:%M}"
            name = printable(ledger.file(plan.file_id).original_name)
            parts.append(tr(T["version"], lang, version=plan.version, at=at, file=name, sha=plan.sha256[:12]))
            if plan.note:
                parts.append(tr(T["note"], lang, note=printable(plan.note)))
            parts += ["", goals_table(plan.submission.goals, lang)]
        if current is not None and (plan is None or current.id > plan.file_id):
            text = ledger.submission_text(current.id)
            at, name = f"{current.received_at:%Y-%m-%d %H:%M}", printable(current.original_name)
            if text is not None:
                newer = parse_submission(text, sources=False)
                if plan is None:
                    parts += ["", tr(T["pending"], lang, at=at, file=name), goals_table(newer.goals, lang)]
                else:
                    changes = plan_changes(plan.submission, newer)
                    parts += ["", tr(T["request"], lang, at=at, file=name)]
                    parts += [f"  {printable(change_line(c, lang))}" for c in changes] or [tr(T["no_change"], lang)]
    finally:
        ledger.close()
    print("\n".join(parts))
    return Exit.OK


def goals_table(goals: Sequence[Goal], lang: str) -> str:
    """The plan's goals as a terminal table, with past results (deviation goals) in a last column."""
    headers = [goal_column(k).label(lang) for k in HEADINGS] + [tr(T["past"], lang)]
    rows = []
    for g in goals:
        cells = []
        for key in HEADINGS:
            value = getattr(g, key)
            cells.append(choice_label(key, value, lang) if key in ("method", "direction") else value_text(key, value))
        cells.append(value_text("past", g.past))
        rows.append([_clip(c) for c in cells])
    return render_table(headers, rows)


def _clip(text: str, limit: int = 30) -> str:
    text = " ".join(printable(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refuse(line: str, code: int) -> int:
    print(f"pipeline: {line}", file=sys.stderr)
    return code
