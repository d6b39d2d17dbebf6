"""What every step of one run (or one `report`) shares: the settings, the ledger, the log, the crash hook, the
summary being filled in and the stage timings.

In a dry run the ledger is an in-memory copy, and every step that would change the file system or send mail only
reports what it would do.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

from pipeline.night.ledger import Ledger
from pipeline.night.runlog import CrashHook, RunLog, peak_rss_mb
from pipeline.night.summary import RunSummary
from pipeline.settings.schema import Config, Paths
from pipeline.system import clock
from pipeline.validate.plan_check import PlanBasis


class RunContext:
    def __init__(self, config: Config, lang: str, ledger: Ledger, log: RunLog, run_id: str, dry_run: bool) -> None:
        self.config = config
        self.lang = lang
        self.ledger = ledger
        self.log = log
        self.run_id = run_id
        self.dry_run = dry_run
        self.crash = CrashHook(log, enabled=not dry_run)
        self.timings: dict[str, float] = {}  # stage → seconds, also logged as `timing` records (benchmarks)
        self.summary = RunSummary(run_id=run_id, started_at=clock.now(), dry_run=dry_run)
        self.fault: str | None = None  # the machine stopped the run (a busy ledger, a full disk): the line saying so

    @cached_property
    def basis(self) -> PlanBasis:
        """The confirmed plans results are judged against tonight: read from the ledger once, handed to every
        worker (a dictionary lookup per file, not a second read of any workbook)."""
        plans = {code: (p.version, p.submission) for code, p in self.ledger.confirmed_plans().items()}
        return PlanBasis(plans, self.config.calendar.require_confirmed_plan)

    @property
    def paths(self) -> Paths:
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
            peak_rss_mb=peak_rss_mb(),
            **figures,
        )
