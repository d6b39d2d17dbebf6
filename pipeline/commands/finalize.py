"""`pipeline finalize [--date D]`: the year's results are confirmed (확정). The consolidated workbook and
results.json say so with the date; every agency is mailed its own final result and the office the workbook; later
files of the year are recorded and rejected (`evaluation.closed`); a committee merge needs `--reopen`."""

from __future__ import annotations

import sys
from datetime import date

from pipeline.commands.locked import print_delivery, print_outputs, under_lock
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night.finalize import finalize
from pipeline.night.ledger import Ledger
from pipeline.settings.schema import Config
from pipeline.system import clock

__all__ = ["finalize_command"]

T_DONE: Text = ("{year}년 결과를 {date}자로 확정했습니다.", "the {year} results are confirmed as of {date}.")
T_MAIL: Text = ("결과 메일 {queued}통 ({delivery})", "result mail: {queued} ({delivery})")
T_FAILED: Text = ("확정하지 못했습니다: {error}", "could not finalize: {error}")
T_PROVISIONAL: Text = (
    "정성평가가 끝나지 않아 결과가 잠정인 기관이 있습니다: {agencies}. 그래도 확정하려면 --force를 붙이세요.",
    "some agencies are still provisional (qualitative goals not graded to quorum): {agencies}."
    " Add --force to finalize anyway.",
)


def provisional_agencies(config: Config, ledger: Ledger | None = None) -> list[str]:
    """Codes of agencies whose standing is provisional: the committee has not graded them to quorum (read from
    `ledger` when given, e.g. `pipeline status`'s snapshot; otherwise from a snapshot of its own)."""
    if ledger is not None:
        return sorted(code for code, row in ledger.standings().items() if row["provisional"])
    snapshot = Ledger.snapshot(config.paths.state)
    try:
        return provisional_agencies(config, snapshot)
    finally:
        snapshot.close()


def finalize_command(config: Config, final: date | None, lang: str, force: bool = False) -> int:
    """0 done, 65 provisional agencies without --force, 75 locked / mail to retry / ledger busy, 78 config."""
    pending = [] if force else provisional_agencies(config)
    if pending:
        print(f"pipeline: {tr(T_PROVISIONAL, lang, agencies=', '.join(map(printable, pending)))}", file=sys.stderr)
        return Exit.DATA_ERROR
    day = final or clock.now().date()
    done = under_lock(config, "finalize", lang, lambda: finalize(config, lang, day), T_FAILED)
    if isinstance(done, Exit):
        return done
    summary, queued, delivery = done
    print(tr(T_DONE, lang, year=config.evaluation.year, date=day.isoformat()))
    print_outputs(summary)
    return print_delivery(T_MAIL, delivery, lang, queued) if delivery is not None else Exit.OK
