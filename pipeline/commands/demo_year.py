"""The demo's year before the results (issue 16): the plans submitted and confirmed, one change request confirmed
in turn, the plan book, then the mid-year check. The files come from `demo/year.py`; the nights and the
confirmations are the real commands, as an office would run them. Before all that, last year is played to its
end (`close_previous_year`): its results judged, graded by the committee, confirmed and closed."""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.commands.committee import merge_command, sheet_command
from pipeline.commands.finalize import finalize_command
from pipeline.commands.plan import confirm_command
from pipeline.commands.plan_book import plan_book_command
from pipeline.commands.rollover import rollover_command
from pipeline.commands.run import run_command
from pipeline.core.i18n import Text, tr
from pipeline.demo import previous_year, year
from pipeline.demo.build import drop_workbooks
from pipeline.demo.committee import fill_sheet
from pipeline.settings.load import load_config
from pipeline.settings.schema import Config

T: dict[str, Text] = {
    "previous": (
        "\n== 0. 지난해({year}): 실적 평가, 정성평가 반영, 결과 확정(pipeline finalize), 마감(pipeline rollover) ==",
        "\n== 0. Last year ({year}): results judged, graded by the committee, confirmed (pipeline finalize), closed "
        "(pipeline rollover) ==",
    ),
    "plans": ("\n== 1. 연초: 성과창출계획 제출 ({n}개 기관) ==", "\n== 1. Start of the year: {n} agencies send their plans =="),
    "confirm": ("\n== 계획 확정 (pipeline plan confirm --all) ==", "\n== The plans confirmed (pipeline plan confirm --all) =="),
    "change": ("\n== 계획변경 요청: {name} ==", "\n== A change request: {name} =="),
    "reconfirm": ("\n== 변경 확정 (pipeline plan confirm {code}) ==", "\n== The change confirmed (pipeline plan confirm {code}) =="),
    "book": ("\n== 성과창출계획 책자 (pipeline plan book) ==", "\n== The plan book (pipeline plan book) =="),
    "midyear": ("\n== 2. 중간점검 ({n}개 기관 보고) ==", "\n== 2. The mid-year check ({n} agencies report) =="),
    "results": ("\n== 3. 연말: 실적 제출 ==", "\n== 3. The year end: the results =="),
    "note_first": ("연초 보고회 확정", "confirmed at the year-start meeting"),
    "note_change": ("목표치 상향 요청 승인", "raised target approved"),
}  # fmt: skip


def _night(config: Config, files: Sequence[year.YearFile], seed: int, lang: str) -> int:
    drop_workbooks(config.paths.inbox, [(f.file_name, year.workbook_for(f, seed, lang)) for f in files])
    return run_command(config, lang=lang, dry_run=False, as_json=False)


def run_year_before_results(config: Config, seed: int, lang: str) -> int:
    """Phases 1 and 2 of the demo's year; the worst exit code of the steps (0 when all went as planned)."""
    codes = []
    print(tr(T["plans"], lang, n=len(year.PLAN_FILES)))
    codes.append(_night(config, year.PLAN_FILES, seed, lang))
    print(tr(T["confirm"], lang))
    codes.append(confirm_command(config, lang, [], True, tr(T["note_first"], lang)))
    name = next(a.name for a in config.agencies if a.code == year.CHANGE_AGENCY)
    print(tr(T["change"], lang, name=name))
    codes.append(_night(config, (year.CHANGE_FILE,), seed, lang))
    print(tr(T["reconfirm"], lang, code=year.CHANGE_AGENCY))
    codes.append(confirm_command(config, lang, [year.CHANGE_AGENCY], False, tr(T["note_change"], lang)))
    print(tr(T["book"], lang))
    codes.append(plan_book_command(config, lang))
    print(tr(T["midyear"], lang, n=len(year.MIDYEAR_FILES)))
    codes.append(_night(config, year.MIDYEAR_FILES, seed, lang))
    print(tr(T["results"], lang))
    return max(codes)


def close_previous_year(home: Path, lang: str, seed: int) -> int:
    """Last year (2025) played to its end, quietly, as the office did it: the agencies' results judged by a night
    (`pipeline run`), the committee sheet written (`pipeline committee sheet`), filled in completely by the five
    members (no 가점·감점 that year) and taken in (`pipeline committee merge`), the results confirmed (`pipeline
    finalize`, which needs no --force: no agency is left provisional) and the year closed (`pipeline rollover`).
    Its results.json is then the final one, which this year's sheets compare with. The worst exit code."""
    last = previous_year.prepare(home, lang, seed)
    print(tr(T["previous"], lang, year=last.year))
    codes = []
    with contextlib.redirect_stdout(io.StringIO()), tempfile.TemporaryDirectory() as members:
        config = load_config(home)
        codes.append(run_command(config, lang=lang, dry_run=False, as_json=False))
        codes.append(sheet_command(config, None, None, False, lang))  # outbox/정성평가평정표_<year>.xlsx
        blank = config.paths.outbox / f"정성평가평정표_{last.year}.xlsx"
        filled = fill_sheet(blank, Path(members) / f"정성평가평정표_{last.year}_평정.xlsx", True, decisions=())
        codes.append(merge_command(config, filled, False, lang))
        codes.append(finalize_command(config, None, lang))
        codes.append(rollover_command(load_config(home), lang, last.year))
    previous_year.finish(home, lang)
    return max(codes)
