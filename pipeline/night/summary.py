"""What a run tells its operator: each file's outcome and why, the outputs, the mail, the problems; printed for a
person (`human`) or as JSON (`to_json`, `pipeline run --json`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipeline.core.i18n import Text, tr
from pipeline.core.model import OUTCOME_ACCEPTED, OUTCOME_DUPLICATE, OUTCOME_REJECTED
from pipeline.core.printable import printable
from pipeline.core.vocabulary import OUTCOME
from pipeline.exit_codes import Exit

LEFT = "left"  # summary outcome: left in the inbox for the next run
IGNORED = "ignored"  # summary outcome: left alone on purpose (lock, hidden, temporary files)
FAILED = "failed"  # summary outcome: decided, but the move out of the inbox failed (ledger state `failed`)
VANISHED = "vanished"  # summary outcome: recorded, then gone from the inbox before the move (not by us)
STUCK_COUNTS: dict[str, Text] = {
    FAILED: ("옮기지 못함 {n}", "could not move {n}"),
    VANISHED: ("사라짐 {n}", "gone {n}"),
}
"""How many files of a run were not moved or were gone, said only when there is one: the run summary's headline
and `pipeline status`'s last runs count them in the same words."""
LISTED = (OUTCOME_REJECTED, OUTCOME_DUPLICATE, LEFT, FAILED, VANISHED)
"""Outcomes the run summary lists file by file (an accepted or ignored file is only counted)."""

DELIVERY: Text = (
    "보냄 {sent}, 일시 오류 {temporary}, 영구 오류 {permanent}",
    "sent {sent}, temporary failures {temporary}, permanent failures {permanent}",
)
"""What a mail step did: the run summary's mail line and the lines of `finalize` and `committee sheet --send`."""


def delivery_text(counts: Mapping[str, int], lang: str) -> str:
    """`DELIVERY` of a mail step's counts (`sent`, `temporary`, `permanent`; a missing one is 0)."""
    return tr(DELIVERY, lang, **{k: counts.get(k, 0) for k in ("sent", "temporary", "permanent")})


T: dict[str, Text] = {
    "headline": (
        "실행 {run}: 접수 {accepted}, 반려 {rejected}, 중복 {duplicate}, 다음 실행으로 미룸 {left}, 무시 {ignored}",
        "run {run}: accepted {accepted}, rejected {rejected}, duplicate {duplicate}, left for next run {left}, "
        "ignored {ignored}",
    ),
    "dry": ("[시험 실행] 아무것도 쓰거나 옮기거나 보내지 않았습니다.", "[dry run] nothing was written, moved or sent."),
    "resumed": ("중단된 실행의 파일 {n}건을 마저 처리함", "finished {n} {n:file|files} of an interrupted run"),
    "outputs": ("결과: {path}", "outputs: {path}"),
    "would_write": ("결과를 쓸 곳: {path}", "would write outputs to: {path}"),
    "mail": ("메일: {delivery}", "mail: {delivery}"),
    "mail_queued": ("메일: 보낼 것 {n}건 (시험 실행이라 보내지 않음)", "mail: {n} to send (dry run: not sent)"),
    "failed": (
        "예상하지 못한 오류로 실행을 멈춤: {error} (자세한 내용: {log})",
        "unexpected failure: {error} (see {log})",
    ),
    "outcome_left": ("미룸", "left"),
    "outcome_ignored": ("무시", "ignored"),
    "outcome_failed": ("옮기지 못함", "not moved"),
    "outcome_vanished": ("사라짐", "gone"),
    "left_too_young": ("방금 들어온 파일(복사 중일 수 있음)", "just arrived (may still be copying)"),
    "left_too_young_wait": (
        "방금 들어온 파일(복사 중일 수 있음): {n}초 후 다음 실행에서 처리함",
        "just arrived (may still be copying): ready in {n} s, taken at the next run",
    ),
    "left_changing": ("검사하는 동안 바뀜", "changed while being checked"),
    "ignored_lock_file": ("오피스 잠금 파일", "Office lock file"),
    "ignored_hidden": ("숨김 파일", "hidden file"),
    "ignored_folder": ("폴더", "folder"),
    "ignored_no_extension": ("확장자 없는 임시 파일", "temporary file without an extension"),
    "ignored_temporary": ("임시 파일", "temporary file"),
}


@dataclass
class FileReport:
    file: str
    outcome: str  # accepted | rejected | duplicate | left | ignored | failed | vanished
    agency: str | None = None
    reason: str = ""
    dest: str | None = None
    feedback: str | None = None
    resumed: bool = False


@dataclass
class RunSummary:
    run_id: str
    started_at: datetime
    dry_run: bool
    ended_at: datetime | None = None
    exit_code: int = Exit.OK
    files: list[FileReport] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    mail: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    log: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        keys = (OUTCOME_ACCEPTED, OUTCOME_REJECTED, OUTCOME_DUPLICATE, LEFT, IGNORED, FAILED, VANISHED)
        counts = {k: sum(1 for f in self.files if f.outcome == k) for k in keys}
        counts["resumed"] = sum(1 for f in self.files if f.resumed)
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "ended_at": self.ended_at.isoformat(timespec="seconds") if self.ended_at else None,
            "dry_run": self.dry_run,
            "exit_code": self.exit_code,
            "counts": self.counts,
            "files": [asdict(f) for f in self.files],
            "outputs": self.outputs,
            "mail": self.mail,
            "problems": self.problems,
            "log": self.log,
        }

    def headline(self, lang: str) -> str:
        """Every file of the run counted; a file not moved or gone only when there is one (the usual line stays)."""
        counts = self.counts
        line = tr(T["headline"], lang, run=self.run_id, **counts)
        for outcome, text in STUCK_COUNTS.items():
            if counts[outcome]:
                line += ", " + tr(text, lang, n=counts[outcome])
        return line

    def human(self, lang: str) -> str:
        lines = [self.headline(lang)]
        if self.counts["resumed"]:
            lines.append("  " + tr(T["resumed"], lang, n=self.counts["resumed"]))
        listed = set()
        for f in self.files:
            sent_again = f.outcome == OUTCOME_ACCEPTED and f.reason  # `night.resend`: a file made current again
            if f.outcome in LISTED or sent_again:
                label = tr(OUTCOME.get(f.outcome) or T[f"outcome_{f.outcome}"], lang)
                lines.append(f"  {label}  {f.file}" + (f" [{f.agency}]" if f.agency else "") + f": {f.reason}")
                listed.add(f"{f.file}: {f.reason}")
        if self.outputs.get("workbook"):
            key = "would_write" if self.dry_run else "outputs"
            lines.append(tr(T[key], lang, path=self.outputs.get("dir", self.outputs["workbook"])))
        if self.mail:
            if self.dry_run:
                lines.append(tr(T["mail_queued"], lang, n=self.mail.get("queued", 0)))
            else:
                lines.append(tr(T["mail"], lang, delivery=delivery_text(self.mail, lang)))
        lines += [f"  ! {p}" for p in self.problems if p not in listed]  # a failed move's problem is its file line
        if self.dry_run:
            lines.append(tr(T["dry"], lang))
        return "\n".join(printable(line) for line in lines)  # a name or cell text cannot add a line of its own


def set_aside(name: str, outcome: str, reason: str, lang: str, wait: float | None = None) -> FileReport:
    """A file `LEFT` for the next run or `IGNORED` on purpose, with the reason (a code) in the reader's language.
    `wait`: for a file too young to take, the seconds until it is old enough (`[batch] min_file_age_seconds`),
    said in whole seconds, so that whoever dropped it knows the next run takes it rather than trying again."""
    key = f"{outcome}_{reason}"
    if wait is not None and f"{key}_wait" in T:
        return FileReport(name, outcome, reason=tr(T[f"{key}_wait"], lang, n=max(1, math.ceil(wait))))
    return FileReport(name, outcome, reason=tr(T[key], lang))


def failure(error: BaseException, log: object, lang: str) -> str:
    """The problem line of a run stopped by an unexpected error, pointing to its log."""
    return tr(T["failed"], lang, error=error, log=log)
