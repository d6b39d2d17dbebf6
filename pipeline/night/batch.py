"""The inbox side of one run: finish what a killed run left (and the moves that failed), then take the inbox file
by file: pick → hash → check → record → move.

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
inbox, so every file ends up recorded once and moved once.

Every file dropped in the inbox is accounted for in the summary: taken (accepted, rejected, duplicate), left for
the next run (too young, changing, changed between its record and its move), ignored on purpose, gone (moved away
by someone else after it was recorded), or failed: a file the run may not move (another user's file in a sticky
shared folder) is recorded `failed` with the reason and stays in the inbox; the night goes on, and every later run
tries the move again first. A file the run may not read is rejected with `file.unreadable`, never left to wait.
"""

from __future__ import annotations

import os
import time
import traceback
from datetime import datetime
from pathlib import Path

from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_PLAN, KIND_RESULTS, choice_label
from pipeline.core.model import OUTCOME_ACCEPTED, OUTCOME_DUPLICATE, OUTCOME_REJECTED, AgencyResult
from pipeline.feedback.names import feedback_path
from pipeline.feedback.write import write_feedback
from pipeline.intake import folders
from pipeline.intake import inbox as intake
from pipeline.night import committee_ledger, faults, resend
from pipeline.night.committee_intake import closed_finding, judge_committee_file
from pipeline.night.context import RunContext
from pipeline.night.ledger import STATE_FAILED, FileRow, NewFile
from pipeline.night.pool import Checked
from pipeline.night.prefetch import prefetch
from pipeline.night.records import failure_of, failure_text, reason_text, vanished_text
from pipeline.night.runlog import Progress
from pipeline.night.scored import accepted
from pipeline.night.summary import FAILED, IGNORED, LEFT, VANISHED, FileReport, set_aside
from pipeline.read.committee import is_committee_workbook
from pipeline.system import clock
from pipeline.validate.check import check_file
from pipeline.validate.committee import CommitteeCheck

GROUP_FILES = 64
"""Files decided and recorded in one ledger transaction (`Batch.take_group`), then acted on, then marked done in
one more: two commits per group instead of two per file."""

T_FEEDBACK_FAILED: Text = (
    "피드백 파일을 만들지 못했습니다(반려 메일은 첨부 없이 나가지 않음): {error}",
    "the feedback workbook could not be written (no feedback mail goes out without it): {error}",
)

Group = list[tuple[intake.Entry, Finding | None, Checked | None]]
"""Inbox entries taken together: each with the finding that rejects it unread, or the pool's check of it."""


COMMITTEE_FOLDER = "committee"
"""archive/committee/: the accepted committee workbooks."""


class Batch:
    """The inbox side of one run: finish what a killed run left, then take the inbox, file by file in groups.
    The files accepted are scored where they were read; `scored` keeps their results for tonight's outputs."""

    def __init__(self, run: RunContext) -> None:
        self.run = run
        self.scored: dict[str, AgencyResult | None] = {}  # sha256 → its agency's own result, accepted this run
        self.texts: dict[str, str] = {}  # sha256 → submission text, between its check and its ledger row
        self.prepared: dict[str, tuple[Path, tuple[Finding, ...]]] = {}  # sha256 → feedback written ahead
        self.stuck: set[bytes] = set()  # inbox names whose move failed again tonight: reported, not taken again
        self.committee: dict[str, CommitteeCheck] = {}  # sha256 → a committee workbook's check, until its row

    # --- 1. finish what a killed run left, and try again the moves that failed ----------------------------
    def resume(self) -> None:
        """Rows recorded but not done: a killed run's, and those whose move failed (tried again every run). A file
        whose move fails again stays in the inbox, reported, and the inbox step leaves it alone tonight."""
        for row in self.run.ledger.pending():
            self.run.log("resume", id=row.id, file=row.original_name, outcome=row.outcome, dest=str(row.dest))
            done = self.complete(row)
            if isinstance(done, FileRow):
                self.run.summary.files.append(self.file_report(done, resumed=row.state != STATE_FAILED))
            elif done.outcome != LEFT:  # a file changed since: the inbox step takes it as a new one tonight
                self.run.summary.files.append(done)
                if done.outcome == FAILED:
                    self.stuck.add(row.source_raw)

    def _is_same_file(self, src: Path, row: FileRow) -> bool:
        """Is the file in the inbox the one this row decided about (and not a new one dropped under its name)?"""
        e = intake.entry_of(src)
        if e is None or e.kind != row.kind or e.size != row.size or e.mtime_ns != row.mtime_ns:
            return False
        try:
            return row.kind != intake.KIND_FILE or not row.sha256 or intake.sha256_of(e) == row.sha256
        except intake.Unreadable:  # readable when recorded: not the same file any more
            return False

    def complete(self, row: FileRow) -> FileRow | FileReport:
        """Steps 3 and 4 for one recorded row; idempotent, so the normal path and the resume path are the same."""
        acted = self.act(row)
        if not isinstance(acted, FileRow):
            return acted
        self.run.ledger.mark_done(acted)
        self.run.crash("done")
        return self.run.ledger.file(acted.id)

    def act(self, row: FileRow) -> FileRow | FileReport:
        """Step 3 for one recorded row: move it (unless already moved) and write its feedback workbook (unless
        already written). Or, when the file is not moved, what the summary says of it: changed since it was
        recorded (left for the next run) or gone (not by us), both marked vanished; or its move failed (marked
        failed, left in the inbox)."""
        src = intake.source_path(self.run.paths.inbox, row.source_raw)
        if not os.path.lexists(row.dest):
            if not self._is_same_file(src, row):
                return self.gone(row, src)
            if not self.run.dry_run:
                try:
                    intake.move(src, row.dest)
                except OSError as exc:
                    if faults.is_disk_full(exc):
                        raise
                    return self.failed(row, exc)
                self.run.log("moved", id=row.id, src=src.name, dest=str(row.dest))
                self.run.crash("move")
        if row.feedback is not None and not os.path.lexists(row.feedback) and not self.run.dry_run:
            if not self.write_feedback(row):
                row = self.run.ledger.clear_feedback(row)
            self.run.crash("feedback")
        return row

    def gone(self, row: FileRow, src: Path) -> FileReport:
        """The file changed or left the inbox between its record and its move: the row is void (`vanished`); a
        changed file is left for the next run, which judges it anew."""
        self.run.log("vanished", id=row.id, file=row.original_name, still_in_inbox=os.path.lexists(src))
        if not self.run.dry_run:
            self.run.ledger.mark_vanished(row)
        if os.path.lexists(src):
            return set_aside(row.original_name, LEFT, "changing", self.run.lang)
        return FileReport(row.original_name, VANISHED, row.agency, reason=vanished_text(self.run.lang))

    def failed(self, row: FileRow, error: OSError) -> FileReport:
        """The move failed (another user's file in a sticky drop folder): this file alone waits in the inbox,
        recorded as failed with the reason; the night goes on."""
        row = self.run.ledger.mark_failed(row, failure_of(error))
        self.run.log("move_failed", id=row.id, file=row.original_name, error=row.failure)
        reason = failure_text(row, self.run.lang)
        self.run.summary.problems.append(f"{row.original_name}: {reason}")
        return FileReport(row.original_name, FAILED, row.agency, reason=reason)

    def write_feedback(self, row: FileRow) -> bool:
        assert row.feedback is not None
        ready = self.prepared.pop(row.sha256, None)
        if ready is not None and ready[1] == row.findings and ready[0].is_file():
            os.replace(ready[0], row.feedback)  # written ahead by a worker from these very bytes and findings
            self.run.log("feedback", id=row.id, path=str(row.feedback))
            return True
        try:
            write_feedback(row.dest, list(row.findings), row.feedback, self.run.lang, display_name=row.original_name)
        except Exception as exc:  # one file's feedback must not stop the night; a full disk stops it (exit 75)
            if faults.is_disk_full(exc):
                raise  # the row stays `moving`: the next run writes the feedback
            self.run.log("feedback_failed", id=row.id, error=repr(exc), trace=traceback.format_exc())
            self.run.summary.problems.append(f"{row.original_name}: {tr(T_FEEDBACK_FAILED, self.run.lang, error=exc)}")
            return False
        self.run.log("feedback", id=row.id, path=str(row.feedback))
        return True

    # --- 2. the inbox ------------------------------------------------------------------------------------------
    def intake(self) -> None:
        started = time.perf_counter()
        found = folders.scan(self.run.paths.inbox, self.run.config) if self.run.paths.inbox.is_dir() else folders.Scan()
        for folder in found.unreadable:  # an agency folder the run may not list: its files wait, and we say so
            self.run.log("folder_unreadable", folder=str(folder))
            self.run.summary.problems.append(f"{folder}: agency folder cannot be read; its files wait")
        entries = [e for e in found.entries if e.raw not in self.stuck]
        batch = self.run.config.batch
        progress = Progress(len(entries))
        verdicts = [
            (e, intake.classify(e, clock.now(), batch.min_file_age_seconds, batch.max_file_size_bytes)) for e in entries
        ]
        checked = prefetch(self.run, [e for e, v in verdicts if v.action == intake.TAKE])
        group: Group = []
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
        self.run.timing("intake", time.perf_counter() - started, files=len(entries))

    def ignore(self, e: intake.Entry, reason: str) -> None:
        if self.run.ledger.notice_once(f"{reason}:{e.raw.hex()}", self.run.run_id, clock.now()):
            self.run.log("ignored", file=e.name, reason=reason)
        self.run.summary.files.append(set_aside(e.name, IGNORED, reason, self.run.lang))

    def leave(self, e: intake.Entry, reason: str) -> None:
        self.run.log("left", file=e.name, reason=reason)
        wait = self.run.config.batch.min_file_age_seconds - (clock.now().timestamp() - e.mtime_ns / 1e9)
        self.run.summary.files.append(set_aside(e.name, LEFT, reason, self.run.lang, wait=wait))

    def take_group(self, group: Group) -> None:
        """Steps 1–4 for a group of inbox entries, with one commit for all their intents and one for all their
        completions: decide and record every file of the group (one transaction), then act on each (move,
        feedback), then mark them all done (one transaction). Per file the order is still decide, record, act,
        record done; a run killed in between leaves `moving` rows that `resume` finishes, any number of them."""
        if not group:
            return
        files = self.run.summary.files
        try:
            self._take_group(group, files)
        finally:  # places of files not reported (a failure mid-group) must not stay in the summary
            if None in files:
                files[:] = [f for f in files if f is not None]

    def _take_group(self, group: Group, files: list[FileReport]) -> None:
        decided: list[tuple[int, FileRow]] = []  # (place in the summary, recorded row), in inbox order
        with self.run.ledger.group():
            for e, early, checked in group:
                row = self.take(e, early=early, checked=checked)
                if row is not None:
                    decided.append((len(files), row))
                    files.append(None)  # type: ignore[arg-type]  # filled below: the summary keeps inbox order
        for _, row in decided:
            self.run.log(
                "recorded",
                id=row.id,
                file=row.original_name,
                sha256=row.sha256,
                outcome=row.outcome,
                agency=row.agency,
                dest=str(row.dest),
            )
        if decided:
            self.run.crash("intent")
        acted = []
        for i, row in decided:
            done = self.act(row)
            if isinstance(done, FileRow):
                acted.append((i, done))
            else:  # changed, gone or failed: said in the summary all the same
                files[i] = done
        if acted:
            with self.run.ledger.group():
                for _, row in acted:
                    self.run.ledger.mark_done(row)
            self.run.crash("done")
        for i, row in acted:
            files[i] = self.file_report(self.run.ledger.file(row.id))

    def take(self, e: intake.Entry, early: Finding | None = None, checked: Checked | None = None) -> FileRow | None:
        """Steps 1 and 2 for one inbox entry (inside `take_group`'s transaction): the recorded row, or None when
        the file is left for the next run. `checked`: the pool's hash and check of it."""
        if checked is not None and checked.sha256 != "":
            sha = checked.sha256  # None: it changed while being hashed
        else:
            try:
                sha = intake.sha256_of(e) if early is None or early.code != "file.too_large" else ""
            except intake.Unreadable as exc:  # rejected unread, reported: not left to wait for ever
                early, sha = finding("file.unreadable", detail=exc.detail), ""
        if sha is None or not intake.unchanged(e):
            self.leave(e, "changing")
            return None
        original = self.run.ledger.last_with_sha(sha)
        agency: str | None = None
        year: int | None = None
        findings: tuple[Finding, ...] = ()
        kind, late = (original.submission_kind if original is not None else KIND_RESULTS), False
        agency_last = self.run.ledger.last_accepted(original.agency, kind) if original is not None else None
        if original is not None and not resend.check_again(original, agency_last):
            outcome, agency = OUTCOME_DUPLICATE, original.agency
        elif early is not None:
            outcome, agency, findings = OUTCOME_REJECTED, folders.owner(e, self.run.config), (early,)
        else:
            outcome, agency, year, findings, kind = self.check(e, sha, checked)
            outcome, findings, late = self.deadline(outcome, kind, findings, sha)
            if checked is not None and checked.feedback is not None:
                self.prepared[sha] = (checked.feedback, checked.result.findings)
            if not intake.unchanged(e):
                self.leave(e, "changing")
                return None
        received_at = clock.now()
        dest = self.destination(outcome, agency, received_at, sha, e, original)
        feedback = None
        if outcome == OUTCOME_REJECTED and e.kind == intake.KIND_FILE and not _unread(findings):
            feedback = feedback_path(dest)
        row = self.run.ledger.record_intent(
            NewFile(
                run_id=self.run.run_id,
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
                submission_kind=kind,
                late=late,
                plan_version=self.run.basis.version(agency)
                if kind != KIND_PLAN and outcome == OUTCOME_ACCEPTED
                else None,
            )
        )
        merged = self.committee.pop(sha, None)
        if merged is not None:
            committee_ledger.mark_received(self.run.ledger, row.id)
        if merged is not None and merged.data is not None and outcome == OUTCOME_ACCEPTED:
            committee_ledger.record(
                self.run.ledger, row.id, self.run.config.evaluation.year, merged.fingerprint, merged.data
            )
        return row

    def deadline(
        self, outcome: str, kind: str, findings: tuple[Finding, ...], sha: str
    ) -> tuple[str, tuple[Finding, ...], bool]:
        """A file after its phase's deadline (`[calendar]`): accepted as it is, accepted and flagged late, or
        rejected, per `late`. Only an accepted file is judged late: a rejected one is sent back anyway; a committee
        workbook has no deadline (the committee sits after the results')."""
        calendar = self.run.config.calendar
        if sha in self.committee or outcome != OUTCOME_ACCEPTED:
            return outcome, findings, False
        if not calendar.is_late(kind, clock.now().date()) or calendar.late == "accept":
            return outcome, findings, False
        day = calendar.deadline(kind)
        words = {"kind_ko": choice_label("kind", kind, "ko"), "kind_en": choice_label("kind", kind, "en")}
        if calendar.late == "reject":
            self.texts.pop(sha, None)
            return OUTCOME_REJECTED, (finding("submission.late_rejected", deadline=str(day), **words), *findings), False
        return outcome, (*findings, finding("submission.late", deadline=str(day), **words)), True

    def check(
        self, e: intake.Entry, sha: str, checked: Checked | None = None
    ) -> tuple[str, str | None, int | None, tuple[Finding, ...], str]:
        """The outcome of one file from the pool's check of it, or checked here (a handful of files), and its kind.
        A committee workbook is judged as one (`committee_intake`; no agency, kind results); an agency's file after
        the year's finalization is rejected."""
        if is_committee_workbook(e.path):
            outcome, check = judge_committee_file(self.run.ledger, self.run.config, e.path)
            self.committee[sha] = check
            return outcome, None, check.year, check.findings, KIND_RESULTS
        if checked is not None:
            result, acc = checked.result, checked.accepted
        else:
            try:
                result = check_file(e.path, self.run.config, lang=self.run.lang, basis=self.run.basis)
                acc = accepted(result, self.run.config, self.run.lang)
            except Exception as exc:  # check_file should never raise; if it does, this file alone is rejected
                self.run.log("check_failed", file=e.name, error=repr(exc), trace=traceback.format_exc())
                return OUTCOME_REJECTED, None, None, (finding("file.internal_error"),), KIND_RESULTS
        agency = result.agency_code
        known = agency is not None and self.run.config.agency(agency) is not None
        folder = folders.owner(e, self.run.config)  # the agency whose folder holds the file; None: the root
        mismatch = folders.mismatch(folder, agency)
        closed = (
            closed_finding(self.run.ledger, self.run.config) if result.year == self.run.config.evaluation.year else None
        )
        if acc is not None and known and mismatch is None and closed is None:
            self.texts[sha] = acc.text
            self.scored[sha] = acc.scored
            return OUTCOME_ACCEPTED, agency, result.year, tuple(result.findings), result.kind
        findings = tuple(result.findings) + ((closed,) if closed is not None and acc is not None else ())
        if folder is not None:  # what is wrong with a file in an agency's folder is told to that agency
            agency, findings = folder, (mismatch, *findings) if mismatch else findings
        if not any(f.is_error for f in findings):  # not ok without an error: say so rather than accept
            findings += (finding("file.internal_error"),)
        return OUTCOME_REJECTED, agency, result.year, findings, result.kind

    def destination(
        self, outcome: str, agency: str | None, at: datetime, sha: str, e: intake.Entry, original: FileRow | None
    ) -> Path:
        """archive/<agency>/… for accepted files and duplicates of them, rejected/<day>/… for the rest; a name
        never used before (on disk or in the ledger), so no move can overwrite anything."""
        archived = outcome == OUTCOME_ACCEPTED or (
            outcome == OUTCOME_DUPLICATE and original is not None and original.outcome == OUTCOME_ACCEPTED
        )
        if archived and (agency or sha in self.committee):  # a committee workbook: archive/committee/
            folder = self.run.paths.archive / intake.safe_name(agency or COMMITTEE_FOLDER)
        else:
            folder = self.run.paths.rejected / f"{at:%Y-%m-%d}"
        for n in range(10000):
            dest = folder / intake.dest_name(at, sha, e.kind, e.name, n)
            feedback = feedback_path(dest)
            taken = os.path.lexists(dest) or os.path.lexists(feedback) or self.run.ledger.dest_taken(dest)
            if not taken:
                return dest
        raise RuntimeError(f"no free name for {e.name} in {folder}")

    def file_report(self, row: FileRow, resumed: bool = False) -> FileReport:
        original = self.run.ledger.file(row.duplicate_of) if row.duplicate_of else None
        return FileReport(
            file=row.original_name,
            outcome=row.outcome,
            agency=row.agency,
            reason=reason_text(row, self.run.lang, original),
            dest=str(row.dest),
            feedback=str(row.feedback) if row.feedback else None,
            resumed=resumed,
        )


def _unread(findings: tuple[Finding, ...]) -> bool:
    """Rejected because it could not be read: no feedback workbook can be made of it."""
    return any(f.code == "file.unreadable" for f in findings)
