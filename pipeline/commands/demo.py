"""`pipeline demo`: build the demo home, run the nightly batch on it, and show the status table."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.commands.demo_year import run_year_before_results
from pipeline.commands.run import run_command
from pipeline.commands.status import status_command
from pipeline.core.i18n import tr
from pipeline.demo import city, year
from pipeline.demo.build import build_demo, drop_workbooks
from pipeline.exit_codes import Exit
from pipeline.settings.load import load_config


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
    print()
    status_command(config, lang=lang)
    return max(code, before)
