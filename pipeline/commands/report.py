"""`pipeline report`: rebuild today's outputs (workbook, results.json) from the ledger under the run lock, the
inbox untouched; print where they are."""

from __future__ import annotations

import sys

from pipeline.commands.run import take_lock
from pipeline.exit_codes import Exit
from pipeline.night import faults
from pipeline.night.outputs import rebuild_outputs
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config


def report_command(config: Config, lang: str) -> int:
    """`pipeline report`: 0 done, 75 locked, ledger busy or disk full, 78 config, 1 unexpected."""
    lock = take_lock(config, "report", lang)
    if isinstance(lock, int):
        return lock
    try:
        summary = rebuild_outputs(config, lang)
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    except Exception as exc:
        line = faults.temporary(exc, lang, config.paths.state)
        print(f"pipeline: {line or f'report failed: {exc!r}'}", file=sys.stderr)
        return Exit.TEMPORARY if line else Exit.BUG
    finally:
        lock.release()
    for problem in summary.problems:
        print(f"  ! {problem}", file=sys.stderr)
    print(summary.outputs.get("workbook", ""))
    print(summary.outputs.get("results_json", ""))
    return Exit.OK
