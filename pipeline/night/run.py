"""The nightly run: lock → finish interrupted work → pick → hash → ledger → check → move → score → report → mail.

Crash safety comes from one rule per file: **decide, record, then act, then record done**.

1. Read-only work first: `lstat`, sha256, `check_file`, `lstat` again (a file that changed is left for next run).
2. One ledger commit records the decision and the destination (`state = moving`). Nothing has moved yet.
3. Act: rename inbox → archive/rejected, then write the feedback workbook beside a rejected file. Each action
   checks first whether it is already done, so repeating it is harmless.
4. One ledger commit marks the row done and, for an accepted file, supersedes the agency's earlier one.

The inbox is taken in groups of up to `GROUP_FILES` files: step 2 for the whole group is one commit, then step 3
for each file, then step 4 for the whole group is one commit. No file is acted on before its intent is durable,
and none is marked done before it was acted on, so the rule holds per file.

A run killed anywhere finds `moving` rows at its start and finishes them (step 3 and 4) before looking at the
inbox, so every file ends up recorded once and moved once. Outputs are a pure function of the ledger and the day
(never of "what this run did"), written to a temporary name and renamed; mail is queued in the ledger before it
is sent. So a killed run followed by a re-run writes the same outputs as one uninterrupted run. Temporary files a
killed run left behind (`.*.tmp` in outbox/ and rejected/) are removed at the start.

`PIPELINE_CRASH_AFTER=N` is a **test hook**: the run aborts like `kill -9` (`os._exit(137)`) right after its N-th
durable step. `tests/test_crash.py` uses it to kill the run at every step and checks the re-run. Never set it in
production.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Text, tr
from pipeline.core.model import AgencyResult, FindingRow, ReportInput, SubmissionRecord
from pipeline.exit_codes import Exit
from pipeline.intake import inbox as intake
from pipeline.night.ledger import (
    OUTCOME_ACCEPTED,
    OUTCOME_DUPLICATE,
    OUTCOME_REJECTED,
    FileRow,
    Ledger,
    NewFile,
)
from pipeline.night.submission_text import parse_submission
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.system import lock as runlock
from pipeline.system.atomic import copy_atomically
from pipeline.system.child_job import Pending, in_child

if TYPE_CHECKING:
    from pipeline.night.pool import Checked


ENV_CRASH_AFTER = "PIPELINE_CRASH_AFTER"
LOG_DIR = "logs"
FEEDBACK_SUFFIX = "_feedback.xlsx"

SCRATCH_PREFIX = ".feedback-ahead-"
"""Folder in state/ where workers write feedback workbooks ahead of the batch acting on the files."""
POOL_MIN_FILES = 16
"""From this many files to check, reading and validation run in the worker pool (`workers.CheckPool`)."""
GROUP_FILES = 64
"""Files decided and recorded in one ledger transaction (`Batch.take_group`), then acted on, then marked done in
one more: two commits per group instead of two per file."""

LEFT = "left"  # summary outcome: left in the inbox for the next run
IGNORED = "ignored"  # summary outcome: left alone on purpose (lock, hidden, temporary files)


# --- texts --------------------------------------------------------------------------------------------------------
T: dict[str, Text] = {
    "locked": ("다른 실행이 진행 중입니다", "another run is in progress"),
    "headline": (
        "실행 {run}: 접수 {accepted}, 반려 {rejected}, 중복 {duplicate}, 다음 실행으로 미룸 {left}, 무시 {ignored}",
        "run {run}: accepted {accepted}, rejected {rejected}, duplicate {duplicate}, left for next run {left}, "
        "ignored {ignored}",
    ),
    "dry": ("[시험 실행] 아무것도 쓰거나 옮기거나 보내지 않았습니다.", "[dry run] nothing was written, moved or sent."),
    "resumed": ("중단된 실행의 파일 {n}건을 마저 처리함", "finished {n} files of an interrupted run"),
    "outputs": ("결과: {path}", "outputs: {path}"),
    "would_write": ("결과를 쓸 곳: {path}", "would write outputs to: {path}"),
    "mail": (
        "메일: 보냄 {sent}, 일시 오류 {temporary}, 영구 오류 {permanent}",
        "mail: sent {sent}, temporary failures {temporary}, permanent failures {permanent}",
    ),
    "mail_queued": ("메일: 보낼 것 {n}건 (시험 실행이라 보내지 않음)", "mail: {n} to send (dry run: not sent)"),
    "failed": (
        "예상하지 못한 오류로 실행을 멈춤: {error} (자세한 내용: {log})",
        "unexpected failure: {error} (see {log})",
    ),
    "duplicate_of": ("{name} ({at} 접수)와 같은 파일 (중복)", "same file as {name} received {at} (duplicate)"),
    "outcome_accepted": ("접수", "accepted"),
    "outcome_rejected": ("반려", "rejected"),
    "outcome_duplicate": ("중복", "duplicate"),
    "outcome_left": ("미룸", "left"),
    "outcome_ignored": ("무시", "ignored"),
    "left_too_young": ("방금 들어온 파일(복사 중일 수 있음)", "just arrived (may still be copying)"),
    "left_changing": ("검사하는 동안 바뀜", "changed while being checked"),
    "ignored_lock_file": ("오피스 잠금 파일", "Office lock file"),
    "ignored_hidden": ("숨김 파일", "hidden file"),
    "ignored_folder": ("폴더", "folder"),
    "ignored_no_extension": ("확장자 없는 임시 파일", "temporary file without an extension"),
    "ignored_temporary": ("임시 파일", "temporary file"),
}


def reason_text(row: FileRow, lang: str, original: FileRow | None = None) -> str:
    """Why a file got its outcome, in the reader's language (the ledger keeps only codes and values)."""
    if row.outcome == OUTCOME_DUPLICATE:
        name = original.original_name if original else "?"
        at = f"{original.received_at:%Y-%m-%d %H:%M}" if original else "?"
        return tr(T["duplicate_of"], lang, name=name, at=at)
    if row.outcome == OUTCOME_REJECTED:
        first = next((f for f in row.findings if f.is_error), None)
        return first.message(lang) if first else ""
    return ""


def submission_record(row: FileRow, lang: str, original: FileRow | None = None) -> SubmissionRecord:
    return SubmissionRecord(
        received_at=row.received_at,
        file_name=row.original_name,
        sha256=row.sha256,
        agency_code=row.agency,
        outcome=row.outcome,
        errors=row.errors,
        warnings=row.warnings,
        superseded_by=row.superseded_by,
        reason=reason_text(row, lang, original),
    )


def finding_rows(row: FileRow, lang: str) -> list[FindingRow]:
    out = []
    for f in row.findings:
        d = f.to_dict(lang)
        out.append(FindingRow(file_name=row.original_name, agency_code=row.agency, **d))
    return out


# --- the summary ----------------------------------------------------------------------------------------------------
@dataclass
class FileReport:
    file: str
    outcome: str  # accepted | rejected | duplicate | left | ignored
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
        keys = (OUTCOME_ACCEPTED, OUTCOME_REJECTED, OUTCOME_DUPLICATE, LEFT, IGNORED)
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

    def human(self, lang: str) -> str:
        lines = [tr(T["headline"], lang, run=self.run_id, **{k: v for k, v in self.counts.items() if k != "resumed"})]
        if self.counts["resumed"]:
            lines.append("  " + tr(T["resumed"], lang, n=self.counts["resumed"]))
        for f in self.files:
            if f.outcome in (OUTCOME_REJECTED, OUTCOME_DUPLICATE, LEFT):
                label = tr(T[f"outcome_{f.outcome}"], lang)
                lines.append(f"  {label}  {f.file}" + (f" [{f.agency}]" if f.agency else "") + f": {f.reason}")
        if self.outputs.get("workbook"):
            key = "would_write" if self.dry_run else "outputs"
            lines.append(tr(T[key], lang, path=self.outputs.get("dir", self.outputs["workbook"])))
        if self.mail:
            if self.dry_run:
                lines.append(tr(T["mail_queued"], lang, n=self.mail.get("queued", 0)))
            else:
                lines.append(
                    tr(T["mail"], lang, **{k: self.mail.get(k, 0) for k in ("sent", "temporary", "permanent")})
                )
        lines += [f"  ! {p}" for p in self.problems]
        if self.dry_run:
            lines.append(tr(T["dry"], lang))
        return "\n".join(lines)


# --- the shell's small helpers --------------------------------------------------------------------------------------
class RunLog:
    """JSON lines in state/logs/<run id>.jsonl, flushed per line so a killed run leaves a readable log."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.fh = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def __call__(self, event: str, **fields: Any) -> None:
        if self.fh is None:
            return
        record = {"at": clock.now().isoformat(timespec="seconds"), "event": event, **fields}
        self.fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.fh.flush()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


class CrashHook:
    """Test hook: `PIPELINE_CRASH_AFTER=N` kills the run (like SIGKILL, no cleanup) after its N-th durable step."""

    def __init__(self, log: RunLog, enabled: bool = True) -> None:
        value = os.environ.get(ENV_CRASH_AFTER, "") if enabled else ""
        self.after = int(value) if value.strip().isdigit() else 0
        self.steps = 0
        self.log = log

    def __call__(self, step: str) -> None:
        self.steps += 1
        if self.after and self.steps == self.after:
            self.log("crash_hook", step=self.steps, after=step)
            os._exit(Exit.KILLED)


def sweep_temp_files(roots: Iterable[Path]) -> list[Path]:
    """Remove our own half-written files (`.<name>.tmp`) left by a killed run. Submitted files never look like
    this at their destination (they are prefixed with the time received), so nothing received is touched."""
    removed = []
    for root in roots:
        if not root.is_dir():
            continue
        for folder, _dirs, names in os.walk(root, followlinks=False):
            for name in names:
                if name.startswith(".") and name.endswith(".tmp"):
                    path = Path(folder) / name
                    if path.is_file() and not path.is_symlink():
                        path.unlink()
                        removed.append(path)
    return removed


def check_one_filesystem(config: Config) -> None:
    """Moves are renames, which only work (atomically) within one filesystem: say so up front, as a config error."""
    paths = config.paths
    devices = {}
    for name in ("inbox", "archive", "rejected", "outbox", "state"):
        p = getattr(paths, name)
        if p.exists():
            devices[name] = os.stat(p).st_dev
    if len(set(devices.values())) > 1:
        where = ", ".join(f"{k}={getattr(paths, k)}" for k in devices)
        raise ConfigError(f"[paths]: inbox, archive, rejected, outbox and state must be on one filesystem ({where})")


# --- the run ----------------------------------------------------------------------------------------------------------
class Batch:
    """One run (or one `report`), over a ledger. In a dry run the ledger is an in-memory copy and every action
    that would change the file system or send mail only reports what it would do."""

    def __init__(self, config: Config, lang: str, ledger: Ledger, log: RunLog, run_id: str, dry_run: bool) -> None:
        self.config = config
        self.lang = lang
        self.ledger = ledger
        self.log = log
        self.run_id = run_id
        self.dry_run = dry_run
        self.crash = CrashHook(log, enabled=not dry_run)
        self.scored: dict[str, AgencyResult | None] = {}  # sha256 → its agency's own result, accepted this run
        self.texts: dict[str, str] = {}  # sha256 → submission text, between its check and its ledger row
        self.report_state: Pending[str] | None = None  # the report's state digest, hashed in a forked child
        self.prepared: dict[str, tuple[Path, tuple[Finding, ...]]] = {}  # sha256 → feedback written ahead
        self.timings: dict[str, float] = {}  # stage → seconds, also logged as `timing` records (benchmarks)
        self.summary = RunSummary(run_id=run_id, started_at=clock.now(), dry_run=dry_run)

    @property
    def paths(self):
        return self.config.paths

    def timing(self, stage: str, seconds: float, **figures: Any) -> None:
        """A stage's wall time (and the process's peak memory so far) for the log: what the benchmark reads."""
        self.timings[stage] = seconds
        cpu = os.times()
        self.log(
            "timing",
            stage=stage,
            seconds=round(seconds, 3),
            batch_cpu=round(cpu.user + cpu.system, 3),  # this process's CPU so far (not its workers')
            peak_rss_mb=_peak_rss_mb(),
            **figures,
        )

    # --- 1. finish what a killed run left -------------------------------------------------------------------
    def resume(self) -> None:
        for row in self.ledger.pending():
            self.log("resume", id=row.id, file=row.original_name, outcome=row.outcome, dest=str(row.dest))
            done = self.complete(row)
            if done is not None:
                self.summary.files.append(self.file_report(done, resumed=True))

    def source_of(self, row: FileRow) -> Path:
        return self.paths.inbox / os.fsdecode(row.source_raw)

    def _is_same_file(self, src: Path, row: FileRow) -> bool:
        """Is the file in the inbox the one this row decided about (and not a new one dropped under its name)?"""
        e = intake.entry_of(src)
        if e is None or e.kind != row.kind or e.size != row.size or e.mtime_ns != row.mtime_ns:
            return False
        return row.kind != intake.KIND_FILE or not row.sha256 or intake.sha256_of(e) == row.sha256

    def complete(self, row: FileRow) -> FileRow | None:
        """Steps 3 and 4 for one recorded row; idempotent, so the normal path and the resume path are the same."""
        acted = self.act(row)
        if acted is None:
            return None
        self.ledger.mark_done(acted)
        self.crash("done")
        return self.ledger.file(acted.id)

    def act(self, row: FileRow) -> FileRow | None:
        """Step 3 for one recorded row: move it (unless already moved) and write its feedback workbook (unless
        already written). None: the file left the inbox since it was recorded (not by us), marked vanished."""
        src = self.source_of(row)
        if not os.path.lexists(row.dest):
            if not self._is_same_file(src, row):
                self.log("vanished", id=row.id, file=row.original_name)
                if not self.dry_run:
                    self.ledger.mark_vanished(row)
                return None
            if not self.dry_run:
                intake.move(src, row.dest)
                self.log("moved", id=row.id, src=src.name, dest=str(row.dest))
                self.crash("move")
        if row.feedback is not None and not os.path.lexists(row.feedback) and not self.dry_run:
            if not self.write_feedback(row):
                row = self.ledger.clear_feedback(row)
            self.crash("feedback")
        return row

    def write_feedback(self, row: FileRow) -> bool:
        assert row.feedback is not None
        ready = self.prepared.pop(row.sha256, None)
        if ready is not None and ready[1] == row.findings and ready[0].is_file():
            os.replace(ready[0], row.feedback)  # written ahead by a worker from these very bytes and findings
            self.log("feedback", id=row.id, path=str(row.feedback))
            return True
        try:
            from pipeline.feedback.review import write_feedback

            write_feedback(row.dest, list(row.findings), row.feedback, self.lang, display_name=row.original_name)
        except Exception as exc:  # one file's feedback must not stop the night
            self.log("feedback_failed", id=row.id, error=repr(exc), trace=traceback.format_exc())
            self.summary.problems.append(f"{row.original_name}: feedback workbook failed: {exc}")
            return False
        self.log("feedback", id=row.id, path=str(row.feedback))
        return True

    # --- 2. the inbox ------------------------------------------------------------------------------------------
    def intake(self) -> None:
        started = time.perf_counter()
        entries = intake.scan(self.paths.inbox) if self.paths.inbox.is_dir() else []
        batch = self.config.batch
        progress = _Progress(len(entries))
        verdicts = [
            (e, intake.classify(e, clock.now(), batch.min_file_age_seconds, batch.max_file_size_bytes)) for e in entries
        ]
        checked = self.prefetch([e for e, v in verdicts if v.action == intake.TAKE])
        group: list[tuple[intake.Entry, Finding | None, Checked | None]] = []
        for e, verdict in verdicts:
            progress.step(e.name)
            if verdict.action in (intake.IGNORE, intake.WAIT):
                self.take_group(group)  # in inbox order; and `ignore` commits on its own, outside a group
                group = []
                if verdict.action == intake.IGNORE:
                    self.ignore(e, verdict.reason)
                else:
                    self.leave(e, verdict.reason)
            elif verdict.action == intake.REJECT:
                assert verdict.finding is not None
                group.append((e, verdict.finding, None))
            else:
                group.append((e, None, next(checked) if checked is not None else None))
            if len(group) >= GROUP_FILES:
                self.take_group(group)
                group = []
        self.take_group(group)
        for _rest in checked or ():  # nothing is left; this lets the pool stop and log its figures
            pass
        progress.done()
        self.timing("intake", time.perf_counter() - started, files=len(entries))

    def prefetch(self, entries: list[intake.Entry]) -> Iterator[Checked] | None:
        """The read-only work (hash, read, validate) for many files ahead of the per-file decisions, in a pool of
        worker processes (bounded per file in time and memory), results in inbox order. A handful of files is
        checked in-process as before: starting workers costs more than it saves there."""
        if len(entries) < POOL_MIN_FILES:
            return None
        from pipeline.night.pool import CheckPool

        scratch = None
        if not self.dry_run:  # feedback workbooks are written ahead by the workers, renamed into place on acting
            for stale in self.paths.state.glob(f"{SCRATCH_PREFIX}*"):  # a killed run's (we hold the lock)
                shutil.rmtree(stale, ignore_errors=True)
            scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=self.paths.state))

        def results() -> Iterator[Checked]:
            read = validate = feedback = 0.0
            try:
                with CheckPool(self.config, lang=self.lang, scratch=scratch) as pool:
                    for item in pool.check(entries):
                        read += item.read_seconds
                        validate += item.validate_seconds
                        feedback += item.feedback_seconds
                        yield item
            finally:
                if scratch is not None:
                    shutil.rmtree(scratch, ignore_errors=True)
            self.log(
                "timing",
                stage="read_validate",
                files=len(entries),
                workers=pool.processes,
                read_cpu=round(read, 3),
                validate_cpu=round(validate, 3),
                feedback_cpu=round(feedback, 3),
                replaced=pool.replaced,
            )
            self.timings.update(read_cpu=read, validate_cpu=validate, feedback_cpu=feedback)

        return results()

    def ignore(self, e: intake.Entry, reason: str) -> None:
        if self.ledger.notice_once(f"{reason}:{e.raw.hex()}", self.run_id, clock.now()):
            self.log("ignored", file=e.name, reason=reason)
        self.summary.files.append(FileReport(e.name, IGNORED, reason=tr(T[f"ignored_{reason}"], self.lang)))

    def leave(self, e: intake.Entry, reason: str) -> None:
        self.log("left", file=e.name, reason=reason)
        self.summary.files.append(FileReport(e.name, LEFT, reason=tr(T[f"left_{reason}"], self.lang)))

    def take_group(self, group: list[tuple[intake.Entry, Finding | None, Checked | None]]) -> None:
        """Steps 1–4 for a group of inbox entries, with one commit for all their intents and one for all their
        completions: decide and record every file of the group (one transaction), then act on each (move,
        feedback), then mark them all done (one transaction). Per file the order is still decide, record, act,
        record done; a run killed in between leaves `moving` rows that `resume` finishes, any number of them."""
        if not group:
            return
        files = self.summary.files
        try:
            self._take_group(group, files)
        finally:  # places of files not reported (vanished, or a failure mid-group) must not stay in the summary
            if None in files:
                files[:] = [f for f in files if f is not None]

    def _take_group(
        self, group: list[tuple[intake.Entry, Finding | None, Checked | None]], files: list[FileReport]
    ) -> None:
        decided: list[tuple[int, FileRow]] = []  # (place in the summary, recorded row), in inbox order
        with self.ledger.group():
            for e, early, checked in group:
                row = self.take(e, early=early, checked=checked)
                if row is not None:
                    decided.append((len(files), row))
                    files.append(None)  # type: ignore[arg-type]  # filled below: the summary keeps inbox order
        for _, row in decided:
            self.log(
                "recorded",
                id=row.id,
                file=row.original_name,
                sha256=row.sha256,
                outcome=row.outcome,
                agency=row.agency,
                dest=str(row.dest),
            )
        if decided:
            self.crash("intent")
        acted = [(i, r) for i, row in decided if (r := self.act(row)) is not None]
        if acted:
            with self.ledger.group():
                for _, row in acted:
                    self.ledger.mark_done(row)
            self.crash("done")
        for i, row in acted:
            files[i] = self.file_report(self.ledger.file(row.id))

    def take(self, e: intake.Entry, early: Finding | None = None, checked: Checked | None = None) -> FileRow | None:
        """Steps 1 and 2 for one inbox entry (inside `take_group`'s transaction): the recorded row, or None when
        the file is left for the next run. `checked`: the pool's hash and check of it."""
        if checked is not None and checked.sha256 != "":
            sha = checked.sha256  # None: it changed while being hashed
        else:
            sha = intake.sha256_of(e) if early is None or early.code != "file.too_large" else ""
        if sha is None or not intake.unchanged(e):
            self.leave(e, "changing")
            return None
        original = self.ledger.first_with_sha(sha)
        agency: str | None = None
        year: int | None = None
        findings: tuple[Finding, ...] = ()
        if original is not None:
            outcome, agency = OUTCOME_DUPLICATE, original.agency
        elif early is not None:
            outcome, findings = OUTCOME_REJECTED, (early,)
        else:
            outcome, agency, year, findings = self.check(e, sha, checked)
            if checked is not None and checked.feedback is not None:
                self.prepared[sha] = (checked.feedback, checked.result.findings)
            if not intake.unchanged(e):
                self.leave(e, "changing")
                return None
        received_at = clock.now()
        dest = self.destination(outcome, agency, received_at, sha, e, original)
        feedback = None
        if outcome == OUTCOME_REJECTED and e.kind == intake.KIND_FILE:
            feedback = dest.with_name(Path(dest.name).stem + FEEDBACK_SUFFIX)
        row = self.ledger.record_intent(
            NewFile(
                run_id=self.run_id,
                received_at=received_at,
                original_name=e.name,
                source_raw=e.raw,
                kind=e.kind,
                size=e.size,
                mtime_ns=e.mtime_ns,
                sha256=sha,
                agency=agency,
                year=year,
                outcome=outcome,
                findings=findings,
                dest=dest,
                feedback=feedback,
                duplicate_of=original.id if original else None,
                submission_json=self.texts.pop(sha, None) if outcome == OUTCOME_ACCEPTED else None,
            )
        )
        return row

    def check(
        self, e: intake.Entry, sha: str, checked: Checked | None = None
    ) -> tuple[str, str | None, int | None, tuple[Finding, ...]]:
        """The outcome of one file from the pool's check of it, or checked here (a handful of files)."""
        if checked is not None:
            result, acc = checked.result, checked.accepted
        else:
            from pipeline.night.scored import accepted
            from pipeline.validate.check import check_file

            try:
                result = check_file(e.path, self.config, lang=self.lang)
                acc = accepted(result, self.config, self.lang)
            except Exception as exc:  # check_file should never raise; if it does, this file alone is rejected
                self.log("check_failed", file=e.name, error=repr(exc), trace=traceback.format_exc())
                return OUTCOME_REJECTED, None, None, (finding("file.internal_error"),)
        agency = result.agency_code
        known = agency is not None and self.config.agency(agency) is not None
        if acc is not None and known:
            self.texts[sha] = acc.text
            self.scored[sha] = acc.scored
            return OUTCOME_ACCEPTED, agency, result.year, tuple(result.findings)
        findings = tuple(result.findings)
        if not any(f.is_error for f in findings):  # not ok without an error: say so rather than accept
            findings += (finding("file.internal_error"),)
        return OUTCOME_REJECTED, agency, result.year, findings

    def destination(
        self, outcome: str, agency: str | None, at: datetime, sha: str, e: intake.Entry, original: FileRow | None
    ) -> Path:
        """archive/<agency>/… for accepted files and duplicates of them, rejected/<day>/… for the rest; a name
        never used before (on disk or in the ledger), so no move can overwrite anything."""
        archived = outcome == OUTCOME_ACCEPTED or (
            outcome == OUTCOME_DUPLICATE and original is not None and original.outcome == OUTCOME_ACCEPTED
        )
        if archived and agency:
            folder = self.paths.archive / intake.safe_name(agency)
        else:
            folder = self.paths.rejected / f"{at:%Y-%m-%d}"
        for n in range(10000):
            dest = folder / intake.dest_name(at, sha, e.kind, e.name, n)
            feedback = dest.with_name(Path(dest.name).stem + FEEDBACK_SUFFIX)
            taken = os.path.lexists(dest) or os.path.lexists(feedback) or self.ledger.dest_taken(dest)
            if not taken:
                return dest
        raise RuntimeError(f"no free name for {e.name} in {folder}")

    def file_report(self, row: FileRow, resumed: bool = False) -> FileReport:
        original = self.ledger.file(row.duplicate_of) if row.duplicate_of else None
        return FileReport(
            file=row.original_name,
            outcome=row.outcome,
            agency=row.agency,
            reason=reason_text(row, self.lang, original),
            dest=str(row.dest),
            feedback=str(row.feedback) if row.feedback else None,
            resumed=resumed,
        )

    # --- 3. outputs: a function of the ledger and the day ---------------------------------------------------
    def scored_of(self, row: FileRow) -> AgencyResult | None:
        """The agency's own result for its current accepted submission: scored when it was accepted tonight, else
        from the submission as judged on arrival (kept in the ledger), re-read from the archived file only for a
        row that lacks it. A submission scoring refuses raises `ScoringError` here, naming agency and goal."""
        from pipeline.scoring.agency import score_agency

        scored = self.scored.get(row.sha256)
        if scored is not None:
            return scored
        agency = self.config.agency(row.agency or "")
        if agency is None:
            return None
        text = self.ledger.submission_text(row.id)
        if text:
            return score_agency(agency, parse_submission(text, sources=False), self.config.scoring, self.lang)
        from pipeline.night.scored import without_sources
        from pipeline.validate.check import check_file

        path = row.dest if os.path.lexists(row.dest) else self.source_of(row)
        result = check_file(path, self.config, lang=self.lang)
        if not result.ok or result.submission is None:
            self.log("archived_invalid", id=row.id, file=str(path))
            self.summary.problems.append(f"{row.original_name}: archived submission no longer passes the checks")
            return None
        return score_agency(agency, without_sources(result.submission), self.config.scoring, self.lang)

    def report_input(self, today: date) -> ReportInput:
        from pipeline.scoring.agency import rank_city

        rows = self.ledger.received()  # the current ones' submissions are read below, one by one
        by_id = {r.id: r for r in rows}
        current = {code: r for code, r in self.ledger.current().items() if self.config.agency(code)}
        scored = {}
        for code, row in current.items():
            result = self.scored_of(row)
            if result is not None:
                scored[code] = result
        rejected = {r.agency for r in rows if r.outcome == OUTCOME_REJECTED and r.agency} - set(scored)
        rejected &= set(self.config.agencies_by_code)
        city = rank_city(self.config, scored, rejected)
        latest: dict[str, FileRow] = {}
        for r in rows:
            if r.agency and r.outcome != OUTCOME_DUPLICATE:
                latest[r.agency] = r
        shown = {r.id: r for r in rows if r.received_at.date() == today and r.outcome != OUTCOME_DUPLICATE}
        shown.update({r.id: r for r in latest.values()})
        findings = tuple(f for _, r in sorted(shown.items()) for f in finding_rows(r, self.lang))
        history = tuple(
            submission_record(r, self.lang, by_id.get(r.duplicate_of) if r.duplicate_of else None) for r in rows
        )
        return ReportInput(
            city=city,
            title=self.config.evaluation.title,
            generated_at=clock.now(),
            lang=self.lang,
            current={code: submission_record(r, self.lang) for code, r in current.items() if code in scored},
            findings=findings,
            history=history,
        )

    def outputs(self, today: date, mail_next: bool = False) -> ReportInput:
        """Tonight's consolidated workbook, results.json and feedback copies. `mail_next`: the mail step follows,
        so the report's state digest is hashed in a forked child while the workbook is written."""
        from pipeline.report.content import output_names, write_outputs

        started = time.perf_counter()
        data = self.report_input(today)
        self.timing("score", time.perf_counter() - started, agencies=len(data.city.agencies))
        if mail_next and self.config.mail.report != "never" and self.config.mail.to:
            from pipeline.mail.outbox import state_digest

            self.report_state = in_child(lambda: state_digest(data.city, data.history))
        out_dir = self.paths.outbox / f"{today:%Y-%m-%d}"
        feedbacks = [
            r.feedback
            for r in self.ledger.received()
            if r.outcome == OUTCOME_REJECTED and r.feedback and r.received_at.date() == today
        ]
        if self.dry_run:
            name, _ = output_names(data)
            self.summary.outputs = {"dir": str(out_dir), "workbook": str(out_dir / name)}
            return data
        out_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        paths = write_outputs(data, out_dir)
        self.timing("write", time.perf_counter() - started)
        self.crash("outputs")
        started = time.perf_counter()
        copied = []
        for fb in feedbacks:
            if fb is None or not fb.is_file():
                continue
            target = out_dir / fb.name
            if not target.exists() or target.stat().st_size != fb.stat().st_size:
                copy_atomically(fb, target)
                self.crash("feedback_copy")
            copied.append(str(target))
        self.summary.outputs = {
            "dir": str(out_dir),
            "workbook": str(paths.workbook),
            "workbook_ascii_name": paths.workbook_ascii_name,
            "results_json": str(paths.results_json),
            "feedback": copied,
        }
        self.log("outputs", **self.summary.outputs)
        self.save_standings(data)
        self.crash("standings")
        self.timing("publish", time.perf_counter() - started, feedback=len(copied))
        return data

    def save_standings(self, data: ReportInput) -> None:
        self.ledger.save_standings(
            (
                {
                    "agency": a.code,
                    "status": a.status,
                    "total": str(a.total) if a.total is not None else None,
                    "grade": a.grade,
                    "rank": a.rank,
                    "excellent": int(a.excellent),
                    "provisional": int(a.provisional),
                }
                for a in data.city.agencies
            ),
            data.generated_at,
        )

    # --- 4. mail ----------------------------------------------------------------------------------------------
    def mail(self, data: ReportInput, today: date) -> None:
        try:
            from pipeline.mail import messages as mail
            from pipeline.mail import outbox as delivery
            from pipeline.mail.transports import make_transport
        except ImportError:  # the mail module is optional until it is installed
            return
        queued = self.queue_mail(data, today, mail, delivery)
        if self.dry_run:
            self.summary.mail = {"queued": queued}
            return
        transport = make_transport(self.config, self.paths.outbox / f"{today:%Y-%m-%d}" / "mail")
        result = delivery.send_pending(self.ledger.conn, transport, self.config.mail.retries, lang=self.lang)
        self.crash("mail_sent")
        self.summary.mail = {
            "queued": queued,
            "sent": result.sent,
            "temporary": result.temporary,
            "permanent": result.permanent,
        }
        self.summary.problems += result.problems
        self.log("mail", **self.summary.mail, problems=result.problems)
        if result.temporary:
            self.summary.exit_code = Exit.TEMPORARY

    def queue_mail(self, data: ReportInput, today: date, mail: Any, delivery: Any) -> int:
        """Record every message due in the ledger (keys make this idempotent) and mark the files notified, in one
        transaction: one commit for the night's messages, all of them durable before anything is sent."""
        with self.ledger.group():
            queued = self._queue_messages(data, today, mail, delivery)
        if queued:
            self.crash("mail_queued")
        return queued

    def _queue_messages(self, data: ReportInput, today: date, mail: Any, delivery: Any) -> int:
        conn = self.ledger.conn
        config = self.config
        queued = 0
        by_code = {a.code: a for a in data.city.agencies}
        notified: list[int] = []
        for row in self.ledger.unnotified():
            agency = config.agency(row.agency) if row.agency else None
            record = submission_record(row, self.lang)
            message = None
            if agency is not None and row.outcome == OUTCOME_REJECTED and row.feedback and row.feedback.is_file():
                message = mail.feedback_message(
                    config,
                    agency,
                    record,
                    finding_rows(row, self.lang),
                    row.feedback.read_bytes(),
                    _feedback_attachment_name(row),
                    self.lang,
                )
                kind, key = "feedback", delivery.feedback_key(record)
            elif agency is not None and row.outcome == OUTCOME_ACCEPTED and config.mail.receipts and row.current:
                result = by_code.get(agency.code)
                if result is not None:
                    message = mail.receipt_message(config, agency, record, result, self.lang)
                    kind, key = "receipt", delivery.receipt_key(record)
            if message is not None:
                delivery.enqueue(conn, key, message, self.run_id, kind, agency.code, now=clock.now())
                queued += 1
            notified.append(row.id)
        self.ledger.mark_notified(notified)
        if config.mail.report != "never" and config.mail.to:
            state = self.report_state.result() if self.report_state else delivery.state_digest(data.city, data.history)
            key = delivery.report_key(state, self.run_id if config.mail.report == "always" else None)
            workbook = Path(self.summary.outputs.get("workbook", ""))
            if self.dry_run or workbook.is_file():
                attachment: bytes | Path = b""  # a dry run may have no workbook
                if workbook.is_file():
                    too_big = workbook.stat().st_size > config.mail.max_attachment_mb * 1048576
                    attachment = workbook if too_big else workbook.read_bytes()
                rejections = [
                    r for r in data.history if r.outcome == OUTCOME_REJECTED and r.received_at.date() == today
                ]
                message = mail.report_message(
                    config,
                    data.city,
                    rejections,
                    attachment,
                    workbook.name,
                    self.summary.outputs.get("workbook_ascii_name", "report.xlsx"),
                    self.lang,
                )
                before = conn.total_changes
                delivery.enqueue(conn, key, message, self.run_id, "report", None, now=clock.now())
                queued += conn.total_changes != before
        accepted = set(data.current)
        due = mail.reminders_due(config, today, accepted, delivery.reminded_on(conn, today))
        for agency in due:
            body, name = _prefilled_template(config, agency, self.lang)
            message = mail.reminder_message(
                config, agency, mail.days_until_deadline(config, today), body, name, self.lang
            )
            delivery.enqueue(
                conn, delivery.reminder_key(today), message, self.run_id, "reminder", agency.code, now=clock.now()
            )
            queued += 1
        return queued

    def record_problem(self, text: str) -> None:
        self.summary.problems.append(text)
        self.log("problem", text=text)


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KB


def _feedback_attachment_name(row: FileRow) -> str:
    stem = Path(intake.safe_name(row.original_name)).stem
    return f"{stem}{FEEDBACK_SUFFIX}"


def _prefilled_template(config: Config, agency: Any, lang: str) -> tuple[bytes, str]:
    from pipeline.template.workbook import build_template, template_file_name

    groups = sorted({a.group for a in config.agencies})
    wb = build_template(lang=lang, year=config.evaluation.year, agency=agency, groups=groups)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), template_file_name(lang, agency)


class _Progress:
    """A one-line counter on stderr when a person watches (a terminal); silent under cron and systemd."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.on = total > 0 and sys.stderr.isatty()

    def step(self, name: str) -> None:
        self.n += 1
        if self.on:
            sys.stderr.write(f"\r[{self.n}/{self.total}] {name[:60]:<60}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


# --- commands ---------------------------------------------------------------------------------------------------------
def new_run_id(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(2)}"


def _prepare_folders(config: Config) -> None:
    for name in ("inbox", "outbox", "archive", "rejected", "state"):
        getattr(config.paths, name).mkdir(parents=True, exist_ok=True)


def execute(config: Config, lang: str, dry_run: bool = False) -> RunSummary:
    """The run itself, the lock held by the caller (or a dry run). Raises `ConfigError` for configuration."""
    started = clock.now()
    run_id = new_run_id(started)
    state = config.paths.state
    if dry_run:
        check_one_filesystem(config)
        ledger = Ledger.snapshot(state)
        log = RunLog(None)
    else:
        _prepare_folders(config)
        check_one_filesystem(config)
        ledger = Ledger.open(state)
        log = RunLog(state / LOG_DIR / f"{run_id}.jsonl")
    batch = Batch(config, lang, ledger, log, run_id, dry_run)
    summary = batch.summary
    summary.log = str(log.path) if log.path else None
    outcome = "failed"
    try:
        log("start", run=run_id, pid=os.getpid(), host=socket.gethostname(), dry_run=dry_run)
        if not dry_run:
            for path in sweep_temp_files([config.paths.outbox, config.paths.rejected, config.paths.archive]):
                log("removed_temp", path=str(path))
        stale = ledger.start_run(run_id, started, os.getpid(), socket.gethostname())
        if stale:
            log("interrupted_runs", runs=stale)
        batch.crash("run_started")
        batch.resume()
        batch.intake()
        today = clock.now().date()
        data = batch.outputs(today, mail_next=True)
        mail_started = time.perf_counter()
        batch.mail(data, today)
        batch.timing("mail", time.perf_counter() - mail_started)
        outcome = "tempfail" if summary.exit_code == Exit.TEMPORARY else "ok"
    except ConfigError:
        raise
    except Exception as exc:
        summary.exit_code = Exit.BUG
        log("failed", error=repr(exc), trace=traceback.format_exc())
        summary.problems.append(tr(T["failed"], lang, error=exc, log=log.path or "-"))
    finally:
        summary.ended_at = clock.now()
        try:
            ledger.finish_run(run_id, summary.ended_at, outcome, summary.counts)
            log("end", exit_code=summary.exit_code, counts=summary.counts, steps=batch.crash.steps)
        finally:
            log.close()
            ledger.close()
    return summary


def read_report_input(config: Config, today: date) -> ReportInput:
    """What `pipeline report` would render today, read from the ledger without the lock, without writing
    anything (a throw-away run log): for the benchmarks and the tests that compare renderings."""
    ledger = Ledger.open(config.paths.state)
    with tempfile.TemporaryDirectory() as tmp:
        log = RunLog(Path(tmp) / "read.jsonl")
        try:
            return Batch(config, config.evaluation.lang, ledger, log, "read", dry_run=False).report_input(today)
        finally:
            log.close()
            ledger.close()


def _take_lock(config: Config, command: str) -> runlock.RunLock | int:
    """The run lock, or the exit code to return after saying why: 75 when another run holds it (cron tries
    again), 78 when the state folder cannot hold a lock (a configuration problem)."""
    try:
        return runlock.acquire(config.paths.state, clock.now(), command=command)
    except runlock.Locked as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.TEMPORARY
    except OSError as exc:
        print(f"pipeline: cannot take the run lock in {config.paths.state}: {exc}", file=sys.stderr)
        return Exit.CONFIG


def run_command(config: Config, lang: str, dry_run: bool = False, as_json: bool = False) -> int:
    """`pipeline run`: 0 done (rejections are normal), 75 locked or mail to retry, 78 config, 1 unexpected."""
    lock = None
    if dry_run:
        holder = runlock.holder_if_locked(config.paths.state)
        if holder is not None:
            print(f"pipeline: {runlock.Locked(holder)}", file=sys.stderr)
            return Exit.TEMPORARY
    else:
        lock = _take_lock(config, "run")
        if isinstance(lock, int):
            return lock
    try:
        summary = execute(config, lang, dry_run=dry_run)
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    finally:
        if lock is not None:
            lock.release()
    print(summary.human(lang), file=sys.stderr)
    if as_json:
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2, default=str))
    return summary.exit_code


def report_command(config: Config, lang: str) -> int:
    """`pipeline report`: rebuild today's outputs from the ledger; the inbox is not touched."""
    lock = _take_lock(config, "report")
    if isinstance(lock, int):
        return lock
    try:
        _prepare_folders(config)
        check_one_filesystem(config)
        ledger = Ledger.open(config.paths.state)
        run_id = new_run_id(clock.now())
        log = RunLog(config.paths.state / LOG_DIR / f"{run_id}.jsonl")
        try:
            log("report", run=run_id)
            sweep_temp_files([config.paths.outbox])
            batch = Batch(config, lang, ledger, log, run_id, dry_run=False)
            batch.outputs(clock.now().date())
        finally:
            log.close()
            ledger.close()
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    except Exception as exc:
        print(f"pipeline: report failed: {exc!r}", file=sys.stderr)
        return Exit.BUG
    finally:
        lock.release()
    for problem in batch.summary.problems:
        print(f"  ! {problem}", file=sys.stderr)
    print(batch.summary.outputs.get("workbook", ""))
    print(batch.summary.outputs.get("results_json", ""))
    return Exit.OK
