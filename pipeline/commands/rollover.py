"""`pipeline rollover YEAR`: close the evaluation year and open the next.

The closed year is kept under the home in `years/<year>/`, read only: the ledger (a consistent SQLite backup),
the final results.json (what next year's sheets compare with, `report.previous`), and the year's outbox, archive
and rejected folders, moved there whole. Then `[evaluation] year` (and the deadline and the year in the title) is
raised in pipeline.toml, its comments kept; the agencies stay; and next year's plan templates are written to
`templates/<year+1>/`, prefilled with this year's goals as a draft (this year's actual as next year's baseline).

A crash loses nothing and a rerun finishes the job: every step is idempotent and is skipped when its result is
already there; `years/<year>/.rollover-unfinished` is written first and removed last, and while it exists the
night and `report` refuse to run (`commands.run.take_lock`), so the ledger the rerun copies is the one the first
attempt saw.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.commands.run import take_lock
from pipeline.core.i18n import Text, tr
from pipeline.core.layout import KIND_PLAN, QUANTITATIVE_METHODS
from pipeline.core.model import Goal
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.mail.outbox import status_counts
from pipeline.night.ledger import LEDGER_NAME, Ledger
from pipeline.night.outputs import rebuild_outputs
from pipeline.night.submission_text import parse_submission
from pipeline.report.outputs import RESULTS_JSON
from pipeline.settings.home import ROLLOVER_MARKER, year_folder
from pipeline.settings.load import ConfigError, parse_config
from pipeline.settings.schema import Config
from pipeline.system.atomic import copy_atomically, write_atomically, write_bytes_atomically
from pipeline.template.files import template_file_name
from pipeline.template.workbook import build_template

__all__ = ["raise_year", "rollover_command"]

ENV_CRASH_AFTER = "PIPELINE_ROLLOVER_CRASH_AFTER"
"""Test hook: the rollover dies like `kill -9` after its N-th step, to prove that a rerun finishes it."""

T: dict[str, Text] = {
    "wrong_year": (
        "지금 평가연도는 {current}년입니다: `pipeline rollover {current}` 명령으로 마감하세요",
        "the current evaluation year is {current}: close it with `pipeline rollover {current}`",
    ),
    "already": ("{year}년은 이미 마감되었습니다: {folder}", "{year} was closed already: {folder}"),
    "continuing": (
        "{year}년 마감이 중간에 멈췄던 것을 이어서 끝냅니다.",
        "finishing the rollover of {year}, which stopped half way.",
    ),
    "no_results": (
        "{year}년의 results.json을 만들지 못해 마감하지 않았습니다: {path}",
        "{year} was not closed: its results.json could not be made ({path})",
    ),
    "unsent": (
        "아직 보내지 못한 메일 {n}통이 있어 마감하지 않았습니다: `pipeline run`으로 보낸 뒤 다시 실행하세요.",
        "not closed: {n} {n:message is|messages are} still waiting to be sent; send them with `pipeline run`, "
        "then run this again.",
    ),
    "toml": (
        "pipeline.toml의 [evaluation] year를 {year}(으)로 바꿀 수 없습니다: {error}",
        "cannot raise [evaluation] year in pipeline.toml to {year}: {error}",
    ),
    "done": (
        "{year}년을 마감했습니다: {folder} (읽기 전용). 평가연도는 이제 {next}년이며, "
        "다음 해 계획 양식 {n}개를 {templates}에 만들었습니다.",
        "closed {year}: {folder} (read only). The evaluation year is now {next}; {n} plan templates for next "
        "year are in {templates}.",
    ),
}


class _Steps:
    """Counts the durable steps, for the crash test hook."""

    def __init__(self) -> None:
        value = os.environ.get(ENV_CRASH_AFTER, "")
        self.after = int(value) if value.strip().isdigit() else 0
        self.n = 0

    def __call__(self) -> None:
        self.n += 1
        if self.after and self.n == self.after:
            os._exit(Exit.KILLED)


def _say(line: str) -> None:
    print(f"pipeline: {printable(line)}", file=sys.stderr)


def rollover_command(config: Config, lang: str, year: int) -> int:
    """`pipeline rollover YEAR`: 0 done (or done before), 64 not the current year, 75 locked, 78 config."""
    folder = year_folder(config.home, year)
    marker = folder / ROLLOVER_MARKER
    current = config.evaluation.year
    if current == year + 1 and folder.is_dir() and not marker.exists():
        print(tr(T["already"], lang, year=year, folder=folder))
        return Exit.OK
    if current != year and not (current == year + 1 and marker.exists()):
        _say(tr(T["wrong_year"], lang, current=current))
        return Exit.BAD_ARGUMENT
    lock = take_lock(config, "rollover", lang)
    if isinstance(lock, int):
        return lock
    try:
        if marker.exists():
            print(tr(T["continuing"], lang, year=year), file=sys.stderr)
        return _roll(config, lang, year, folder, marker)
    except ConfigError as exc:
        _say(str(exc))
        return Exit.CONFIG
    finally:
        lock.release()


def _unsent(config: Config) -> int:
    """Messages the ledger still has to send: closing the year would shelve them with the ledger."""
    if not (config.paths.state / LEDGER_NAME).is_file():
        return 0
    ledger = Ledger.snapshot(config.paths.state)
    try:
        return status_counts(ledger.conn).get("pending", 0)
    except sqlite3.OperationalError:  # a ledger no night has mailed from
        return 0
    finally:
        ledger.close()


def _roll(config: Config, lang: str, year: int, folder: Path, marker: Path) -> int:
    step = _Steps()
    unsent = 0 if marker.exists() else _unsent(config)
    if unsent:
        _say(tr(T["unsent"], lang, n=unsent))
        return Exit.TEMPORARY
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(marker, f"{year}\n".encode())
    step()
    ledger = config.paths.state / LEDGER_NAME
    kept_ledger = folder / "state" / LEDGER_NAME
    if not kept_ledger.exists():  # the year's last state: results.json, then the ledger (its copy comes last)
        summary = rebuild_outputs(config, lang)
        results = Path(summary.outputs.get("results_json", ""))
        if not results.is_file():
            _say(tr(T["no_results"], lang, year=year, path=results))
            return Exit.BUG
        copy_atomically(results, folder / RESULTS_JSON)
        step()
        _backup(ledger, kept_ledger)
        step()
    templates = _write_templates(config, year, kept_ledger)
    step()
    for source in (config.paths.outbox, config.paths.archive, config.paths.rejected):
        _move_folder(source, folder / source.name)
        step()
    for name in (LEDGER_NAME, f"{LEDGER_NAME}-wal", f"{LEDGER_NAME}-shm"):  # the kept copy is complete
        (config.paths.state / name).unlink(missing_ok=True)
    step()
    error = _raise_year_in_file(config.source, year)
    if error:
        _say(tr(T["toml"], lang, year=year + 1, error=error))
        return Exit.CONFIG
    step()
    _read_only(folder, marker)
    marker.unlink()
    _fsync_dir(folder)
    where = templates[0].parent if templates else "-"
    print(tr(T["done"], lang, year=year, folder=folder, next=year + 1, n=len(templates), templates=where))
    return Exit.OK


def _backup(ledger: Path, target: Path) -> None:
    """A consistent copy of the live ledger (SQLite's backup, WAL included), renamed into place whole."""

    def copy(temp: Path) -> None:
        source = sqlite3.connect(f"{ledger.resolve().as_uri()}?mode=ro", uri=True)
        dest = sqlite3.connect(temp)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()

    write_atomically(target, copy)


def _move_folder(source: Path, target: Path) -> None:
    """`source` moved into `target` (one rename; after a crash, what is left, entry by entry), then made anew."""
    if source.is_dir() and not target.exists():
        os.rename(source, target)
    elif source.is_dir():
        for entry in source.iterdir():
            if not (target / entry.name).exists():
                os.rename(entry, target / entry.name)
    source.mkdir(parents=True, exist_ok=True)


def raise_year(text: str, year: int) -> str:
    """pipeline.toml's text with `[evaluation]`'s year, deadline and the year in its title, and `[calendar]`'s
    deadlines, raised from `year` to the next, everything else (comments, spacing, the other tables) as it was."""
    text = _in_table(text, "evaluation", year, required=True)
    return _in_table(text, "calendar", year, required=False)


def _in_table(text: str, table: str, year: int, required: bool) -> str:
    found = re.search(rf"(?ms)^\[{table}\][^\n]*\n(.*?)(?=^\[)", text + "\n[")
    if found is None:
        if required:
            raise ValueError(f"no [{table}] table")
        return text
    body = found.group(1)
    if table == "evaluation":
        body = re.sub(rf"(?m)^(\s*year\s*=\s*){year}\b", rf"\g<1>{year + 1}", body, count=1)
        body = re.sub(rf"(?m)^(\s*title\s*=\s*\"[^\"\n]*?){year}", rf"\g<1>{year + 1}", body, count=1)
    for key in DEADLINE_KEYS[table]:
        body = re.sub(rf"(?m)^(\s*{key}\s*=\s*\"?){year}-(\d\d)-(\d\d)", _next_deadline(year), body, count=1)
    return text[: found.start(1)] + body + text[found.end(1) :]


DEADLINE_KEYS = {
    "evaluation": ("deadline",),  # the old key, read as [calendar] results_deadline
    "calendar": ("plan_deadline", "midyear_deadline", "results_deadline"),
}


def _next_deadline(year: int) -> Any:
    def replace(m: re.Match[str]) -> str:
        month, day = int(m.group(2)), int(m.group(3))
        if (month, day) == (2, 29):
            day = 28  # the next year is not a leap year
        return f"{m.group(1)}{date(year + 1, month, day).isoformat()}"

    return replace


def _raise_year_in_file(source: Path, year: int) -> str | None:
    """Raise the year in pipeline.toml, once (a rerun finds it raised); None when done, else why not."""
    text = source.read_bytes().decode("utf-8-sig")
    config = parse_config(text, home=source.parent, source=source)
    if config.evaluation.year == year + 1:
        return None
    new = raise_year(text, year)
    try:
        raised = parse_config(new, home=source.parent, source=source)
    except ConfigError as exc:
        return str(exc)
    if raised.evaluation.year != year + 1:
        return "[evaluation] year"
    write_bytes_atomically(source, new.encode("utf-8"))
    return None


def _draft_row(goal: Goal) -> dict[str, Any]:
    """Next year's draft of one goal: the same goal, this year's actual as the baseline, no target or result."""
    baseline = goal.actual if goal.method in QUANTITATIVE_METHODS and goal.actual is not None else goal.baseline
    return {
        "number": goal.number,
        "strategy": goal.strategy,
        "goal": goal.goal,
        "indicator": goal.indicator,
        "method": goal.method,
        "direction": goal.direction,
        "unit": goal.unit,
        "major": "Y" if goal.major else "N",
        "weight": goal.weight,
        "baseline": baseline,
    }


def _write_templates(config: Config, year: int, kept_ledger: Path) -> list[Path]:
    """`templates/<year+1>/`: one plan template per agency, prefilled with its goals of `year` (from the kept
    ledger's current submissions); an agency without an accepted submission gets its agency fields only."""
    goals: dict[str, tuple[Goal, ...]] = {}
    if kept_ledger.is_file():
        ledger = Ledger.snapshot(kept_ledger.parent)
        try:
            for code, row in ledger.current().items():
                text = ledger.submission_text(row.id)
                if text:
                    goals[code] = parse_submission(text, sources=False).goals
        finally:
            ledger.close()
    folder = config.home / "templates" / str(year + 1)
    groups = sorted({a.group for a in config.agencies})
    written = []
    for agency in config.agencies:
        own = goals.get(agency.code, ())
        past = [(g.number, p_year, value) for g in own for p_year, value in _past_years(g, year)]
        wb = build_template(
            lang=config.lang,
            year=year + 1,
            agency=agency,
            groups=groups,
            goals=[_draft_row(g) for g in own],
            past=past,
            kind=KIND_PLAN,
        )
        target = folder / template_file_name(config.lang, agency, KIND_PLAN)
        written.append(write_atomically(target, wb.save))
    return written


def _past_years(goal: Goal, year: int) -> list[tuple[int, Any]]:
    """A deviation goal's past results moved on by a year: this year's actual added, the oldest dropped. (A
    submission keeps the values oldest first without their years: they are taken as the years just before.)"""
    if goal.method != "deviation":
        return []
    years = list(range(year - len(goal.past), year))
    past = list(zip(years, goal.past, strict=True))
    if goal.actual is not None:
        past.append((year, goal.actual))
    return past[-max(len(goal.past), 1) :]  # as many years as the agency gave


def _read_only(folder: Path, marker: Path) -> None:
    """Every file of the closed year read only (folders stay writable, so an operator may still tidy up)."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and path != marker:
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
