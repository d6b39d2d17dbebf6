"""`pipeline demo`: build the demo home, run the nightly batch on it, and show the status table."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.commands.committee import into_inbox, write_sheet
from pipeline.commands.demo_year import close_previous_year, run_year_before_results
from pipeline.commands.run import run_command
from pipeline.commands.status import status_command
from pipeline.core.i18n import Text, tr
from pipeline.demo import city, year
from pipeline.demo.build import build_demo, drop_workbooks
from pipeline.demo.committee import fill_sheet
from pipeline.exit_codes import Exit
from pipeline.settings.load import load_config
from pipeline.settings.schema import Config

T_COMMITTEE: Text = (
    "평가위원 5명이 정성평가 평정표를 채워 보냈습니다(한 기관의 목표 하나는 2명만 평정해 대기). 나머지 평정을 담은 두 번째 "
    "평정표: {second} — inbox에 넣고 pipeline run을 실행하세요. 한 해의 마지막 단계는 pipeline finalize입니다.",
    "Five committee members filled in the grading sheet (one agency's goal graded by two only: pending). The "
    "second sheet with the rest: {second} — drop it into the inbox and run pipeline run. The year ends with "
    "pipeline finalize.",
)


def committee_night(config: Config, lang: str) -> int:
    """The committee's first sheet merged by a second night; the second sheet left for the user to drop in."""
    year = config.evaluation.year
    folder = config.home / "committee"
    sheet = folder / f"정성평가평정표_{year}.xlsx"
    write_sheet(config, sheet, [m.name for m in config.committee.members], lang)
    first = fill_sheet(sheet, folder / f"정성평가평정표_{year}_1차.xlsx", complete=False)
    second = fill_sheet(sheet, folder / f"정성평가평정표_{year}_2차.xlsx", complete=True)
    into_inbox(config, first)
    code = run_command(config, lang=lang, dry_run=False, as_json=False)
    print(tr(T_COMMITTEE, lang, second=second))
    return code


def demo_command(directory: Path, lang: str = "ko", seed: int = 2019) -> int:
    """`pipeline demo`: build the home, run the nightly batch on it, and show the status table."""
    try:
        plan = build_demo(directory, lang, seed, submissions=())  # the home; the year's files come phase by phase
    except FileExistsError as exc:
        print(
            tr(
                (
                    "pipeline: {path}: 비어 있지 않은 폴더입니다 (데모가 만든 폴더만 덮어씁니다). 다른 폴더를 지정하세요.",
                    "pipeline: {path}: not empty and not a demo home; choose another folder.",
                ),
                lang,
                path=exc,
            ),
            file=sys.stderr,
        )
        return Exit.CANT_CREATE
    closed = close_previous_year(plan.home, lang, seed)  # last year evaluated, confirmed and closed first
    config = load_config(plan.home)
    before = run_year_before_results(config, seed, lang)  # plans, their confirmation, the mid-year check
    files = drop_workbooks(plan.inbox, year.results_workbooks(seed, lang))
    mistakes = sum(1 for f in city.DEMO_SUBMISSIONS if f.mistake) + 1  # + the target quietly lowered
    agencies = len({f.agency for f in city.DEMO_SUBMISSIONS})
    print(
        tr(
            (
                "데모 기관 {n}곳 중 {sent}곳이 실적 파일 {files}개를 {inbox} 에 제출했습니다 "
                "(작성 오류 {mistakes}개, 미제출 {missing}곳).",
                "{sent} of the demo's {n} agencies sent {files} results workbooks to {inbox} "
                "({mistakes} with typical mistakes, {missing} agencies sent nothing).",
            ),
            lang,
            n=len(city.AGENCIES),
            sent=agencies,
            files=len(files),
            inbox=plan.inbox,
            mistakes=mistakes,
            missing=len(plan.not_submitted),
        )
    )
    # The batch treats rejected files as normal (exit 0): the demo's mistakes are there on purpose.
    code = run_command(config, lang=lang, dry_run=False, as_json=False)
    if code == Exit.OK:
        code = committee_night(config, lang)
    print()
    status_command(config, lang=lang)
    return max(code, before, closed)
