"""Tonight's outputs, a function of the ledger and the day (never of "what this run did"): the consolidated
workbook, results.json, the feedback copies and the standings `pipeline status` shows.

Each agency's result is the one scored when its file was accepted tonight, else scored again from the
submission the ledger kept; so a killed run followed by a re-run writes the same outputs as one uninterrupted run.
Every output is written to a temporary name and renamed.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_RESULTS
from pipeline.core.model import OUTCOME_DUPLICATE, OUTCOME_REJECTED, AgencyResult, ReportInput
from pipeline.intake import inbox as intake
from pipeline.mail.outbox import state_digest
from pipeline.night import committee_ledger, faults
from pipeline.night.changes import note_changes
from pipeline.night.context import RunContext
from pipeline.night.housekeeping import check_one_filesystem, prepare_folders, sweep_temp_files
from pipeline.night.ledger import FileRow, Ledger
from pipeline.night.midyear import midyear_reports, write_midyear
from pipeline.night.pool import workers_wanted
from pipeline.night.records import finding_rows, submission_record
from pipeline.night.runlog import LOG_DIR, RunLog, diagnostics_into, new_run_id
from pipeline.night.scored import without_sources
from pipeline.night.submission_text import parse_submission
from pipeline.night.summary import RunSummary
from pipeline.report.agency_results import agency_result_dir, write_agency_results
from pipeline.report.outputs import output_names, write_outputs
from pipeline.report.pdf import print_to_pdf
from pipeline.report.previous import read_previous
from pipeline.scoring.agency import score_agency
from pipeline.scoring.city import rank_city
from pipeline.scoring.committee import apply_committee
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.system.atomic import copy_atomically
from pipeline.system.child_job import Pending, in_child
from pipeline.validate.check import check_file

T_ARCHIVED_INVALID: Text = (
    "보관한 제출 파일이 이제는 검사를 통과하지 못해 점수에서 뺐습니다: 기관에 다시 제출을 요청하세요.",
    "the archived submission no longer passes the checks and was left out of the scores: ask the agency to "
    "submit again.",
)


PAGES_PER_CHILD = 200
"""Below this many agencies their result pages are written by one child: a fork costs more than it saves."""


class Outputs:
    """Tonight's outputs of one run (or `report`). `scored`: sha256 → the agency's own result, of the files
    accepted by this run (scored where they were read)."""

    def __init__(self, run: RunContext, scored: dict[str, AgencyResult | None]) -> None:
        self.run = run
        self.scored = scored
        self.report_state: Pending[str] | None = None  # the report's state digest, hashed in a forked child
        self.record_changes = True  # totals that changed since the last standings go to the 변경이력

    def scored_of(self, row: FileRow) -> AgencyResult | None:
        """The agency's own result for its current accepted submission: scored when it was accepted tonight, else
        from the submission as judged on arrival (kept in the ledger), re-read from the archived file only for a
        row that lacks it. A submission scoring refuses raises `ScoringError` here, naming agency and goal."""
        scored = self.scored.get(row.sha256)
        if scored is not None:
            return scored
        agency = self.run.config.agency(row.agency or "")
        if agency is None:
            return None
        text = self.run.ledger.submission_text(row.id)
        if text:
            return score_agency(agency, parse_submission(text, sources=False), self.run.config.scoring, self.run.lang)
        path = row.dest if os.path.lexists(row.dest) else intake.source_path(self.run.paths.inbox, row.source_raw)
        result = check_file(path, self.run.config, lang=self.run.lang)
        if not result.ok or result.submission is None:
            self.run.log("archived_invalid", id=row.id, file=str(path))
            self.run.summary.problems.append(f"{row.original_name}: {tr(T_ARCHIVED_INVALID, self.run.lang)}")
            return None
        return score_agency(agency, without_sources(result.submission), self.run.config.scoring, self.run.lang)

    def report_input(self, today: date) -> ReportInput:
        rows = self.run.ledger.received()  # the current ones' submissions are read below, one by one
        by_id = {r.id: r for r in rows}
        current = {code: r for code, r in self.run.ledger.current().items() if self.run.config.agency(code)}
        scored = {}
        for code, row in current.items():
            result = self.scored_of(row)
            if result is not None:
                scored[code] = result
        config = self.run.config
        committee = committee_ledger.latest(self.run.ledger, config.evaluation.year)
        scored = {
            code: apply_committee(r, committee, config.scoring, config.committee, self.run.lang)
            for code, r in scored.items()
        }
        rejected = {
            r.agency for r in rows if r.outcome == OUTCOME_REJECTED and r.agency and r.submission_kind == KIND_RESULTS
        }
        rejected -= set(scored)  # a rejected plan or mid-year file says nothing about the results
        rejected &= set(self.run.config.agencies_by_code)
        city = rank_city(self.run.config, scored, rejected)
        if self.record_changes:
            note_changes(self.run, city, current, committee)
        latest: dict[tuple[str, str], FileRow] = {}  # each agency's latest file of each kind
        for r in rows:
            if r.agency and r.outcome != OUTCOME_DUPLICATE:
                latest[r.agency, r.submission_kind] = r
        shown = {
            r.id: r for r in rows if r.received_at.date() == today and r.outcome != OUTCOME_DUPLICATE and not r.agency
        }
        shown.update({r.id: r for r in latest.values()})
        findings = tuple(f for _, r in sorted(shown.items()) for f in finding_rows(r, self.run.lang))
        history = tuple(
            submission_record(r, self.run.lang, by_id.get(r.duplicate_of) if r.duplicate_of else None) for r in rows
        )
        config = self.run.config
        previous, problem = read_previous(config.home, config.evaluation.year, self.run.lang)  # once per report
        if problem:
            self.run.summary.problems.append(problem)
        return ReportInput(
            previous=previous,
            departments=tuple(d.name for d in config.departments),
            city=city,
            title=self.run.config.evaluation.title,
            generated_at=clock.now(),
            lang=self.run.lang,
            current={code: submission_record(r, self.run.lang) for code, r in current.items() if code in scored},
            findings=findings,
            history=history,
            changes=committee_ledger.changes(self.run.ledger),
            final=committee_ledger.finalized(self.run.ledger, config.evaluation.year),
            midyear=midyear_reports(self.run.ledger, self.run.config, self.run.lang),
        )

    def write(
        self, today: date, mail_next: bool = False, pdf: bool | None = None, pages: bool | None = None
    ) -> ReportInput:
        """Tonight's consolidated workbook, results.json and feedback copies, each agency's result page when
        `pages` (default: `[report] agency_pages`), and their PDFs when `pdf` (default: `[report] pdf`).
        `mail_next`: the mail step follows, so the report's state digest is hashed in a forked child while the
        workbook is written."""
        started = time.perf_counter()
        data = self.report_input(today)
        self.run.timing("score", time.perf_counter() - started, agencies=len(data.city.agencies))
        if mail_next and self.run.config.mail.report != "never" and self.run.config.mail.to:
            self.report_state = in_child(lambda: state_digest(data.city, data.history))
        out_dir = self.run.paths.outbox / f"{today:%Y-%m-%d}"
        feedbacks = [
            r.feedback
            for r in self.run.ledger.received()
            if r.outcome == OUTCOME_REJECTED and r.feedback and r.received_at.date() == today
        ]
        if self.run.dry_run:
            name, _ = output_names(data)
            self.run.summary.outputs = {"dir": str(out_dir), "workbook": str(out_dir / name)}
            return data
        out_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if pages is None:  # `[report] agency_pages`; final results and `pipeline report` always have them
            pages = self.run.config.report.agency_pages == "nightly" or data.final is not None
        writing = self.write_pages(data, out_dir) if pages else []  # in children, beside the workbook
        try:
            paths = write_outputs(data, out_dir)
        finally:
            for job in writing:
                job.result()
        midyear = write_midyear(self.run.ledger, self.run.config, data, out_dir)  # when mid-year checks exist
        self.run.timing("write", time.perf_counter() - started)
        self.run.crash("outputs")
        started = time.perf_counter()
        copied = []
        for fb in feedbacks:
            if fb is None or not fb.is_file():
                continue
            target = out_dir / fb.name
            if not target.exists() or target.stat().st_size != fb.stat().st_size:
                copy_atomically(fb, target)
                self.run.crash("feedback_copy")
            copied.append(str(target))
        self.run.summary.outputs = {
            "dir": str(out_dir),
            "workbook": str(paths.workbook),
            "workbook_ascii_name": paths.workbook_ascii_name,
            "results_json": str(paths.results_json),
            "agency_results": str(agency_result_dir(data, out_dir)),
            "feedback": copied,
            **({"midyear": str(midyear)} if midyear is not None else {}),
        }
        if self.run.config.report.pdf if pdf is None else pdf:
            self.print_pdfs(out_dir, paths.workbook)
        self.run.log("outputs", **self.run.summary.outputs)
        self.save_standings(data)
        self.run.crash("standings")
        self.run.timing("publish", time.perf_counter() - started, feedback=len(copied))
        return data

    @staticmethod
    def write_pages(data: ReportInput, out_dir: Path) -> list[Pending[list[Path]]]:
        """The agencies' result pages, shared among one forked child per core (one child for a few pages): at
        10,000 agencies they are some 40 s of CPU, three times the consolidated workbook's, which this process
        writes meanwhile."""
        n = workers_wanted() if len(data.city.agencies) >= PAGES_PER_CHILD else 1
        return [in_child(lambda k=k: write_agency_results(data, out_dir, (k, n))) for k in range(n)]

    def print_pdfs(self, out_dir: Path, workbook: Path) -> None:
        """A PDF beside the consolidated workbook and beside each workbook in the day's folders (the per-agency
        result sheets); a conversion that fails or is impossible is a problem in the summary, never a failed run."""
        started = time.perf_counter()
        books = [workbook, *sorted(p for p in out_dir.glob("*/*.xlsx") if not p.name.startswith("."))]
        made = print_to_pdf(books, self.run.config.report.pdf_timeout_seconds, self.run.lang)
        self.run.summary.outputs["pdf"] = [str(p) for p in made.made]
        for problem in made.problems:
            self.run.log("pdf_failed", problem=problem)
            self.run.summary.problems.append(problem)
        self.run.timing("pdf", time.perf_counter() - started, pdfs=len(made.made))

    def save_standings(self, data: ReportInput) -> None:
        self.run.ledger.save_standings(
            (
                {
                    "agency": a.code,
                    "status": a.status,
                    "total": str(a.total) if a.total is not None else None,
                    "grade": a.grade,
                    "rank": a.rank,
                    "excellent": int(a.excellent),
                    "provisional": int(a.provisional),
                    "qualitative": sum(1 for g in a.goals if g.goal.method == "qualitative"),
                    "pending": sum(1 for g in a.goals if g.goal.method == "qualitative" and g.pending),
                }
                for a in data.city.agencies
            ),
            data.generated_at,
        )


def read_report_input(config: Config, today: date, lang: str | None = None) -> ReportInput:
    """What `pipeline report` would render today, read from the ledger without the lock, without writing
    anything (a throw-away run log): for the benchmarks and the tests that compare renderings."""
    ledger = Ledger.open(config.paths.state)
    with tempfile.TemporaryDirectory() as tmp:
        log = RunLog(Path(tmp) / "read.jsonl")
        try:
            run = RunContext(config, lang or config.evaluation.lang, ledger, log, "read", dry_run=False)
            outputs = Outputs(run, {})
            outputs.record_changes = False
            return outputs.report_input(today)
        finally:
            log.close()
            ledger.close()


def rebuild_outputs(config: Config, lang: str, pdf: bool | None = None) -> RunSummary:
    """`pipeline report`'s work, the lock held by the caller: today's outputs rebuilt from the ledger, the inbox
    untouched. Raises `ConfigError` for configuration."""
    prepare_folders(config)
    check_one_filesystem(config, lang)
    ledger = Ledger.open(config.paths.state)
    run_id = new_run_id(clock.now())
    log = RunLog(config.paths.state / LOG_DIR / f"{run_id}.jsonl")
    try:
        log("report", run=run_id)
        sweep_temp_files([config.paths.outbox])
        run = RunContext(config, lang, ledger, log, run_id, dry_run=False)
        with diagnostics_into(log):
            Outputs(run, {}).write(clock.now().date(), pdf=pdf, pages=True)
    finally:
        log.close()
        ledger.close()
    if log.error is not None:  # the outputs were written; the disk refused the log
        run.summary.problems.append(faults.log_lost(log.error, lang, log.path))
    return run.summary
