"""`pipeline committee sheet` writes the committee's workbook (정성평가 평정표) from the agencies' current accepted
submissions (and mails it to the members with `--send`); `pipeline committee merge FILE` takes a filled one in
through the night, exactly as if it had been dropped into the inbox (judged, archived, hashed, recorded, the
outputs rebuilt); `--reopen` first opens a confirmed year again."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from pipeline.commands.locked import print_delivery, under_lock
from pipeline.commands.run import run_command
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night.committee_intake import committee_state
from pipeline.night.finalize import reopen, send_committee_sheet
from pipeline.night.ledger import Ledger
from pipeline.read.committee import is_committee_workbook
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.template.committee_sheet import write_committee_sheet

__all__ = ["merge_command", "sheet_command"]

T_NO_MEMBERS: Text = (
    "평가위원이 없습니다: pipeline.toml에 [[committee.members]]를 적거나 --members N을 주세요.",
    "no committee members: list [[committee.members]] in pipeline.toml or give --members N.",
)
T_MEMBER: Text = ("평가위원 {n}", "Member {n}")
T_WRITTEN: Text = (
    "정성평가 평정표: {path} (목표 {goals}개, 위원 {members}명)",
    "committee sheet: {path} ({goals} goals, {members} members)",
)
T_SENT: Text = ("위원 {queued}명에게 보냄 ({delivery})", "sent to {queued} member(s) ({delivery})")
T_NO_FILE: Text = ("파일을 열 수 없습니다: {file}", "cannot open the file: {file}")
T_NOT_COMMITTEE: Text = (
    "정성평가 평정표가 아닙니다(pipeline committee sheet로 만든 파일이 아님): {file}",
    "not a committee sheet (not made by pipeline committee sheet): {file}",
)
T_REOPENED: Text = ("확정된 결과를 다시 열었습니다.", "the confirmed results were reopened.")
T_NOT_REOPENED: Text = (
    "확정된 결과를 다시 열지 못했습니다: {error}",
    "could not reopen the confirmed results: {error}",
)
T_NOT_SENT: Text = ("평정표를 보내지 못했습니다: {error}", "could not send the committee sheet: {error}")
T_MERGED: Text = ("반영했습니다: {file}", "merged: {file}")
T_REJECTED: Text = ("반영하지 않았습니다(반려): {file}", "not merged (rejected): {file}")


def sheet_command(config: Config, out: Path | None, members: int | None, send: bool, lang: str) -> int:
    """0 written (and sent), 64 no members, 75 mail to retry or locked."""
    names = (
        [tr(T_MEMBER, lang, n=i) for i in range(1, members + 1)]
        if members
        else [m.name for m in config.committee.members]
    )
    if not names:
        print(f"pipeline: {tr(T_NO_MEMBERS, lang)}", file=sys.stderr)
        return Exit.BAD_ARGUMENT
    path = out or config.paths.outbox / f"정성평가평정표_{config.evaluation.year}.xlsx"
    goals = write_sheet(config, path, names, lang)
    print(tr(T_WRITTEN, lang, path=path, goals=goals, members=len(names)))
    if not send:
        return Exit.OK
    sent = under_lock(config, "committee", lang, lambda: send_committee_sheet(config, path, goals, lang), T_NOT_SENT)
    if isinstance(sent, Exit):
        return sent
    return print_delivery(T_SENT, sent[1], lang, sent[0])


def write_sheet(config: Config, path: Path, names: list[str], lang: str) -> int:
    """The committee sheet of the current accepted submissions at `path`; the number of goals in it."""
    ledger = Ledger.snapshot(config.paths.state)
    try:
        state = committee_state(ledger, config)
    finally:
        ledger.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    agencies = [(a.code, a.name) for a in config.agencies]
    write_committee_sheet(path, state.rows, names, agencies, config.evaluation.year, state.fingerprint, lang)
    return len(state.rows)


def merge_command(config: Config, file: Path, reopen_year: bool, lang: str) -> int:
    """0 merged, 65 rejected (its feedback workbook says why), 66 no such file or not a committee sheet, and the
    night's codes (75 locked, 78 config)."""
    if not file.is_file():
        print(f"pipeline: {tr(T_NO_FILE, lang, file=printable(str(file)))}", file=sys.stderr)
        return Exit.NO_INPUT
    if not is_committee_workbook(file):
        print(f"pipeline: {tr(T_NOT_COMMITTEE, lang, file=printable(str(file)))}", file=sys.stderr)
        return Exit.DATA_ERROR
    if reopen_year:
        reopened = under_lock(config, "committee", lang, lambda: reopen(config), T_NOT_REOPENED)
        if isinstance(reopened, Exit):
            return reopened
        if reopened:
            print(tr(T_REOPENED, lang), file=sys.stderr)
    sha = hashlib.sha256(file.read_bytes()).hexdigest()
    into_inbox(config, file)
    code = run_command(config, lang)
    ledger = Ledger.snapshot(config.paths.state)
    try:
        rows = ledger.files("sha256 = ? AND outcome != 'duplicate'", (sha,))
    finally:
        ledger.close()
    if code != Exit.OK or not rows:
        return code
    row = rows[-1]
    if row.outcome != "accepted":
        print(tr(T_REJECTED, lang, file=printable(row.original_name)), file=sys.stderr)
        for f in row.findings:
            print(f"  - {printable(f.message(lang))}", file=sys.stderr)
        return Exit.DATA_ERROR
    print(tr(T_MERGED, lang, file=printable(row.original_name)))
    return Exit.OK


def into_inbox(config: Config, file: Path) -> Path:
    """A copy in the inbox, dated past `[batch] min_file_age_seconds` so that the night takes it now."""
    inbox = config.paths.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / file.name
    n = 1
    while os.path.lexists(target):
        target = inbox / f"{file.stem}-{n}{file.suffix}"
        n += 1
    shutil.copyfile(file, target)
    old = clock.now().timestamp() - config.batch.min_file_age_seconds - 1
    os.utime(target, (old, old))
    return target
