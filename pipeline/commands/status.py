"""`pipeline status`: where things stand, from the ledger alone (an in-memory copy: status never writes).

What an officer asks the morning after a run: which agencies have a current submission (when, which file), their
total and grade as of the last run, what is still wrong, who has not submitted, and how the last runs went. Names
and messages are printed through `core.printable`: a file name or a cell's text cannot drive the terminal.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from pipeline.commands.committee_status import (
    PROVISIONAL,
    committee_facts,
    committee_json,
    qualitative,
    qualitative_cell,
    render_committee,
    render_final,
)
from pipeline.commands.phases import phase_status, render_phases, status_json
from pipeline.core.committee_layout import SHEET_GRADES
from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_RESULTS, METHODS
from pipeline.core.model import OUTCOME_DUPLICATE, OUTCOME_REJECTED
from pipeline.core.printable import printable, printable_json
from pipeline.core.vocabulary import STATUS, word
from pipeline.exit_codes import Exit
from pipeline.mail.outbox import status_counts
from pipeline.night.ledger import FileRow, Ledger
from pipeline.night.records import failure_text
from pipeline.night.summary import STUCK_COUNTS
from pipeline.settings.schema import Config
from pipeline.system import lock as runlock

T: dict[str, Text] = {
    "title": ("{title} · 제출 현황", "{title} · submission status"),
    "code": ("기관코드", "Code"),
    "agency": ("기관명", "Agency"),
    "status": ("상태", "Status"),
    "received": ("제출일시", "Received"),
    "file": ("파일", "File"),
    "total": ("총점", "Total"),
    "grade": ("등급", "Grade"),
    "problems": ("미해결 사항", "Open problems"),
    "rejected_latest": (
        "최근 제출 반려({at}, 오류 {errors}건): {message}",
        "latest file rejected ({at}, {errors} {errors:error|errors}): {message}",
    ),
    "warnings": ("경고 {n}건", "{n} {n:warning|warnings}"),
    "provisional": PROVISIONAL,
    "qualitative": (METHODS["qualitative"][0], METHODS["qualitative"][1].capitalize()),
    "not_yet": ("미제출 기관 ({n}): {names}", "Not yet submitted ({n}): {names}"),
    "rejected_only": ("반려 후 재제출 대기 ({n}): {names}", "Rejected, waiting for a new file ({n}): {names}"),
    "all_in": ("모든 기관이 제출했습니다.", "Every agency has submitted."),
    "runs": ("최근 실행", "Last runs"),
    "run_id": ("실행 ID", "Run"),
    "started": ("시작", "Started"),
    "ended": ("종료", "Ended"),
    "outcome": ("결과", "Outcome"),
    "counts": ("처리 건수", "Counts"),
    "no_runs": ("아직 실행한 적이 없습니다.", "No run yet."),
    "running": ("지금 실행 중: pid {pid}, {host}, {since} 시작", "running now: pid {pid} on {host}, since {since}"),
    "mail": (
        "메일: 대기 {pending}, 보냄 {sent}, 실패 {failed}",
        "mail: pending {pending}, sent {sent}, failed {failed}",
    ),
    "counts_text": (
        "접수 {accepted} · 반려 {rejected} · 중복 {duplicate} · 미룸 {left}",
        "accepted {accepted} · rejected {rejected} · duplicate {duplicate} · left {left}",
    ),
    "outcome_ok": ("완료", "ok"),
    "outcome_tempfail": ("완료(메일 재시도)", "ok (mail to retry)"),
    "outcome_failed": ("실패", "failed"),
    "outcome_interrupted": ("중단됨", "interrupted"),
    "outcome_running": ("실행 중", "running"),
}

T_STUCK: Text = (
    "미해결: 받은 편지함(inbox)에서 옮기지 못한 파일 ({n})",
    "Open problem: files that could not be moved out of the inbox ({n})",
)
T_STUCK_LINE: Text = ("  {at}  {file}{agency}: {reason}", "  {at}  {file}{agency}: {reason}")


def width(text: str) -> int:
    """Terminal columns: Hangul takes two, so padding by len() would break the table."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(width(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c) + " " * (w - width(str(c))) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(printable(text).split())
    return text if width(text) <= limit else text[: limit - 1] + "…"


def agency_rows(config: Config, ledger: Ledger, lang: str) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """One row per registered agency, and (status, name) of those without an accepted submission."""
    current = ledger.current()
    standings = ledger.standings()
    latest: dict[str, FileRow] = {}
    for row in ledger.received():
        if row.agency and row.outcome != OUTCOME_DUPLICATE and row.submission_kind == KIND_RESULTS:
            latest[row.agency] = row
    rows, missing = [], []
    for agency in config.agencies:
        cur = current.get(agency.code)
        last = latest.get(agency.code)
        standing = standings.get(agency.code)
        problems = []
        if last is not None and last.outcome == OUTCOME_REJECTED and (cur is None or last.id > cur.id):
            first = next((f for f in last.findings if f.is_error), None)
            problems.append(
                tr(
                    T["rejected_latest"],
                    lang,
                    at=f"{last.received_at:%m-%d %H:%M}",
                    errors=last.errors,
                    message=first.message(lang) if first else "",
                )
            )
        if cur is not None and cur.warnings:
            problems.append(tr(T["warnings"], lang, n=cur.warnings))
        if standing is not None and standing["provisional"]:
            problems.append(tr(T["provisional"], lang))
        status = "accepted" if cur else "rejected" if last is not None else "missing"
        if cur is None:
            missing.append((status, printable(agency.name)))
        total = standing["total"] if standing is not None and cur is not None else None
        rows.append(
            [
                printable(agency.code),
                printable(agency.name),
                word(STATUS, status, lang),
                f"{cur.received_at:%Y-%m-%d %H:%M}" if cur else "",
                _clip(cur.original_name, 40) if cur else "",
                f"{float(total):.2f}" if total is not None else "",
                (standing["grade"] or "") if standing is not None and cur is not None else "",
                qualitative_cell(standing if cur is not None else None, lang),
                _clip("; ".join(problems), 80),
            ]
        )
    return rows, missing


def render_status(config: Config, ledger: Ledger, lang: str, holder: dict[str, object] | None = None) -> str:
    facts = committee_facts(config, ledger)
    names = {a.code: a.name for a in config.agencies}
    file_headers = [tr(T[k], lang) for k in ("received", "file", "outcome")]
    head, committee_files = render_committee(facts, names, lang, _clip, lambda rows: render_table(file_headers, rows))
    parts = [tr(T["title"], lang, title=config.evaluation.title), render_final(facts, lang), *head, ""]
    if holder:
        since = holder.get("started_at", "?")
        parts += [tr(T["running"], lang, pid=holder.get("pid", "?"), host=holder.get("host", "?"), since=since), ""]
    rows, missing = agency_rows(config, ledger, lang)
    keys = ("code", "agency", "status", "received", "file", "total", "grade", "qualitative", "problems")
    headers = [tr(T[k], lang) for k in keys]
    parts += [render_table(headers, rows), ""]
    never = [name for status, name in missing if status == "missing"]
    rejected = [name for status, name in missing if status == "rejected"]
    if never:
        parts.append(tr(T["not_yet"], lang, n=len(never), names=", ".join(never)))
    if rejected:
        parts.append(tr(T["rejected_only"], lang, n=len(rejected), names=", ".join(rejected)))
    if not missing:
        parts.append(tr(T["all_in"], lang))
    parts += render_phases(phase_status(config, ledger), lang, render_table)
    parts += committee_files
    parts += stuck_lines(ledger, lang)
    parts += ["", tr(T["runs"], lang)]
    runs = ledger.last_runs(5)
    if runs:
        run_rows = []
        for r in runs:
            counts = {k: r.counts.get(k, 0) for k in ("accepted", "rejected", "duplicate", "left")}
            counts_text = tr(T["counts_text"], lang, **counts)
            for stuck, text in STUCK_COUNTS.items():  # only when it happened: a normal night reads as before
                if r.counts.get(stuck):
                    counts_text += " · " + tr(text, lang, n=r.counts[stuck])
            label = T.get(f"outcome_{r.outcome}")
            run_rows.append(
                [
                    r.id,
                    f"{r.started_at:%Y-%m-%d %H:%M:%S}",
                    f"{r.ended_at:%H:%M:%S}" if r.ended_at else "",
                    tr(label, lang) if label else r.outcome,
                    counts_text,
                ]
            )
        parts.append(
            render_table([tr(T[k], lang) for k in ("run_id", "started", "ended", "outcome", "counts")], run_rows)
        )
    else:
        parts.append(tr(T["no_runs"], lang))
    mail = _mail_counts(ledger)
    if mail is not None:
        parts += ["", tr(T["mail"], lang, **mail)]
    return "\n".join(parts)


def stuck_lines(ledger: Ledger, lang: str) -> list[str]:
    """Files whose move failed: still in the inbox, not processed until someone fixes their owner or folder."""
    stuck = ledger.failed()
    if not stuck:
        return []
    lines = ["", tr(T_STUCK, lang, n=len(stuck))]
    for row in stuck:
        owner = row.agency or (tr(SHEET_GRADES, lang) if row.committee else "")
        agency = f" [{owner}]" if owner else ""
        at = f"{row.received_at:%m-%d %H:%M}"
        text = tr(
            T_STUCK_LINE, lang, at=at, file=printable(row.original_name), agency=agency, reason=failure_text(row, lang)
        )
        lines.append(text)
    return lines


def _mail_counts(ledger: Ledger) -> dict[str, int] | None:
    try:
        return status_counts(ledger.conn)
    except Exception:  # no messages table in an old ledger copy
        return None


def status_doc(config: Config, ledger: Ledger, lang: str) -> dict[str, object]:
    """`status --json`: the title, the freeze (`final`), the committee, and per agency its phases and its
    qualitative goals graded and pending as the last run scored them."""
    facts = committee_facts(config, ledger)
    provisional, standings, current = facts["committee"]["provisional"], ledger.standings(), ledger.current()
    agencies = status_json(phase_status(config, ledger), lang)
    for entry in agencies:
        code = entry["code"]
        entry["qualitative"] = qualitative(standings.get(code) if code in current else None, code in provisional)
    return {"title": config.evaluation.title, **committee_json(facts, lang), "agencies": agencies}


def status_command(config: Config, lang: str, out: TextIO | None = None, as_json: bool = False) -> int:
    ledger = Ledger.snapshot(config.paths.state)
    try:
        if as_json:
            doc = status_doc(config, ledger, lang)
            text = printable_json(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            text = render_status(config, ledger, lang, runlock.holder_if_locked(config.paths.state))
    finally:
        ledger.close()
    print(text, file=out or sys.stdout)
    return Exit.OK
