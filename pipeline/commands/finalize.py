"""`pipeline finalize [--date D]`: the year's results are confirmed (확정). The consolidated workbook and
results.json say so with the date; every agency is mailed its own final result and the office the workbook; later
files of the year are recorded and rejected (`evaluation.closed`); a committee merge needs `--reopen`."""

from __future__ import annotations

import sys
from datetime import date

from pipeline.commands.run import take_lock
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night import faults
from pipeline.night.finalize import finalize
from pipeline.night.ledger import Ledger
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config
from pipeline.system import clock

__all__ = ["finalize_command"]

T_DONE: Text = ("{year}년 결과를 {date}자로 확정했습니다.", "the {year} results are confirmed as of {date}.")
T_MAIL: Text = (
    "결과 메일 {queued}통 (발송 {sent}, 재시도 {temporary}, 실패 {permanent})",
    "result mail: {queued} (sent {sent}, to retry {temporary}, failed {permanent})",
)
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
    lock = take_lock(config, "finalize", lang)
    if isinstance(lock, int):
        return lock
    day = final or clock.now().date()
    try:
        summary, queued, delivery = finalize(config, lang, day)
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    except Exception as exc:
        line = faults.temporary(exc, lang, config.paths.state)
        print(f"pipeline: {line or tr(T_FAILED, lang, error=repr(exc))}", file=sys.stderr)
        return Exit.TEMPORARY if line else Exit.BUG
    finally:
        lock.release()
    for problem in summary.problems:
        print(f"  ! {printable(problem)}", file=sys.stderr)
    print(tr(T_DONE, lang, year=config.evaluation.year, date=day.isoformat()))
    print(summary.outputs.get("workbook", ""))
    print(summary.outputs.get("results_json", ""))
    if delivery is not None:
        for problem in delivery.problems:
            print(f"  ! {printable(problem)}", file=sys.stderr)
        values = {"sent": delivery.sent, "temporary": delivery.temporary, "permanent": delivery.permanent}
        print(tr(T_MAIL, lang, queued=queued, **values))
        if delivery.temporary:
            return Exit.TEMPORARY
    return Exit.OK
