"""What `pipeline status` shows of the committee and the freeze (issue 17), for the text and for `--json`.

Whether the year's results are final (확정, with the date they say) or were reopened (재개, when); the committee
workbook in force (정성평가 평정표: which file, merged when, how many members graded in it); per agency the last
run's count of qualitative goals graded and still pending (`standings`: what the scoring said, not recomputed);
who is still provisional (`commands.finalize.provisional_agencies`, what `finalize` refuses on); and every
committee workbook received, in its own list (it has no agency: it is not an agency's file). Facts are gathered
once, language-free (`committee_facts`), and rendered as text or JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipeline.commands.finalize import provisional_agencies
from pipeline.core.committee_layout import SHEET_GRADES
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.core.vocabulary import OUTCOME, word
from pipeline.night import committee_ledger
from pipeline.night.ledger import Ledger
from pipeline.night.records import reason_text
from pipeline.settings.schema import Config

__all__ = ["PROVISIONAL", "committee_facts", "committee_json", "qualitative_cell", "render_committee", "render_final"]

PROVISIONAL: Text = ("정성평가 대기(잠정)", "qualitative grade pending (provisional)")
"""An agency whose qualitative goals are not all graded to quorum: its result is provisional."""

FINAL_STATE: dict[str, Text] = {
    "open": ("미확정", "not final"),
    "final": ("확정", "final"),
    "reopened": ("재개", "reopened"),
}
"""Where the year's results stand: never confirmed, confirmed (`pipeline finalize`), or confirmed and opened again
(a committee merge with `--reopen`)."""

T: dict[str, Text] = {
    "state": ("평가 결과: {state}{detail}", "Results: {state}{detail}"),
    "final": (" ({date})", " ({date})"),
    "reopened": (" ({at}, {date} 확정 후)", " ({at}, after the confirmation of {date})"),
    "in_force": (
        "{sheet}: {file} ({at} 반영, 위원 {members}명, 정족수 {quorum}명)",
        "Committee sheet in force: {file} (merged {at}, {members} {members:member|members}, quorum {quorum})",
    ),
    "none": ("{sheet}: 반영된 파일 없음 (정족수 {quorum}명)", "Committee sheet: none merged yet (quorum {quorum})"),
    "provisional": ("{what}: {names}", "{what}: {names}"),
    "files": ("받은 {sheet} 파일 ({n})", "Committee sheets received ({n})"),
    "mark": (" · 반영 중", " · in force"),
    "more": ("  … 이전 파일 {n}건 (--json에 모두)", "  … {n} earlier {n:file|files} (all in --json)"),
    "cell": ("평정 {graded} · 대기 {pending}", "graded {graded} · pending {pending}"),
}

SHOWN_FILES = 5
"""Committee workbooks listed in the text (newest first); `--json` has them all."""


def committee_facts(config: Config, ledger: Ledger) -> dict[str, Any]:
    """The freeze, the committee file in force, who is provisional and the committee files received: values and
    codes only (the words are added by `committee_json` / `render_committee`)."""
    year = config.evaluation.year
    final = committee_ledger.final_state(ledger, year)
    found = committee_ledger.in_force(ledger, year)
    in_force = found[0].id if found else None
    files = [
        {
            "id": row.id,
            "file": row.original_name,
            "received_at": row.received_at.isoformat(),
            "outcome": row.outcome,
            "in_force": row.id == in_force,
            "errors": row.errors,
            "warnings": row.warnings,
            "_why": (row, _original(ledger, row.duplicate_of)),  # the reason, in the reader's language: `_reason`
        }
        for row in reversed(committee_ledger.received(ledger))
    ]
    return {
        "final": {
            "state": final.state if final else "open",
            "date": final.final_date.isoformat() if final and final.final_date else None,
            "at": final.at.isoformat() if final else None,
        },
        "committee": {
            "sheet": {
                "file": found[0].original_name,
                "received_at": found[0].received_at.isoformat(),
                "members": found[1],
            }
            if found
            else None,
            "quorum": config.committee.quorum,
            "provisional": provisional_agencies(config, ledger),
            "files": files,
        },
    }


def _original(ledger: Ledger, file_id: int | None) -> Any:
    return ledger.file(file_id) if file_id is not None else None


def qualitative(standing: Mapping[str, Any] | None, provisional: bool) -> dict[str, Any]:
    """An agency's qualitative goals as the last run scored them (None counts: no current submission, or not
    scored since the ledger learnt to keep them) and whether it is provisional (`provisional_agencies`)."""
    goals = standing["qualitative"] if standing is not None else None
    pending = standing["pending"] if standing is not None else None
    graded = goals - pending if goals is not None and pending is not None else None
    return {"goals": goals, "graded": graded, "pending": pending, "provisional": provisional}


def qualitative_cell(standing: Mapping[str, Any] | None, lang: str) -> str:
    """The status table's 정성평가 cell: graded and pending counts, empty without qualitative goals."""
    counts = qualitative(standing, False)
    if not counts["goals"]:
        return ""
    return tr(T["cell"], lang, graded=counts["graded"], pending=counts["pending"])


def committee_json(facts: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """`status --json`'s `final` and `committee` blocks: the facts, each code's word in `lang` beside it."""
    final = dict(facts["final"], label=word(FINAL_STATE, facts["final"]["state"], lang))
    committee = dict(facts["committee"])
    committee["files"] = [
        {k: v for k, v in f.items() if not k.startswith("_")}
        | {"label": word(OUTCOME, f["outcome"], lang), "reason": _reason(f, lang)}
        for f in facts["committee"]["files"]
    ]
    return {"final": final, "committee": committee}


def render_final(facts: Mapping[str, Any], lang: str) -> str:
    """One line: 미확정, 확정 (date) or 재개 (when, after which confirmation)."""
    final = facts["final"]
    state = final["state"]
    detail = ""
    if state == "final":
        detail = tr(T["final"], lang, date=final["date"])
    elif state == "reopened":
        detail = tr(T["reopened"], lang, at=_minute(final["at"]), date=final["date"] or "?")
    return tr(T["state"], lang, state=word(FINAL_STATE, state, lang), detail=detail)


def render_committee(
    facts: Mapping[str, Any],
    names: Mapping[str, str],
    lang: str,
    clip: Callable[[str, int], str],
    table: Callable[[list[list[str]]], str],
) -> tuple[list[str], list[str]]:
    """The lines under the title (the committee file in force, who is provisional) and the table of committee
    workbooks received (newest first, empty without any; `table` renders it under the status table's headings)."""
    committee = facts["committee"]
    sheet_word, sheet = tr(SHEET_GRADES, lang), committee["sheet"]
    if sheet is None:
        lines = [tr(T["none"], lang, sheet=sheet_word, quorum=committee["quorum"])]
    else:
        at = _minute(sheet["received_at"])
        file = clip(sheet["file"], 40)
        values = {"members": sheet["members"], "quorum": committee["quorum"]}
        lines = [tr(T["in_force"], lang, sheet=sheet_word, file=file, at=at, **values)]
    codes = committee["provisional"]
    if codes:
        shown = ", ".join(f"{printable(c)} {printable(names.get(c, ''))}".rstrip() for c in codes)
        lines.append(tr(T["provisional"], lang, what=tr(PROVISIONAL, lang), names=shown))
    files, listed = committee["files"], []
    if files:
        rows = []
        for f in files[:SHOWN_FILES]:
            note = tr(T["mark"], lang) if f["in_force"] else ""
            reason = _reason(f, lang)
            if reason:
                note += ": " + clip(reason, 60)
            outcome = word(OUTCOME, f["outcome"], lang)
            rows.append([_minute(f["received_at"]), clip(f["file"], 40), outcome + note])
        listed += ["", tr(T["files"], lang, sheet=sheet_word, n=len(files)), table(rows)]
        if len(files) > SHOWN_FILES:
            listed.append(tr(T["more"], lang, n=len(files) - SHOWN_FILES))
    return lines, listed


def _reason(f: Mapping[str, Any], lang: str) -> str:
    """Why a committee workbook got its outcome (rejected: its first error; a duplicate: of which file)."""
    row, original = f["_why"]
    return reason_text(row, lang, original)


def _minute(iso: str) -> str:
    return iso[:16].replace("T", " ")
