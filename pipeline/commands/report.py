"""`pipeline report`: rebuild today's outputs (workbook, results.json) from the ledger under the run lock, the
inbox untouched; print where they are."""

from __future__ import annotations

import sys

from pipeline.commands.run import take_lock
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night import faults
from pipeline.night.outputs import rebuild_outputs
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config

T_FAILED: Text = ("결과를 다시 만들지 못했습니다: {error}", "the outputs could not be rebuilt: {error}")


def report_command(config: Config, lang: str, pdf: bool | None = None) -> int:
    """`pipeline report`: 0 done, 75 locked, ledger busy or disk full, 78 config, 1 unexpected. `pdf`: print the
    workbooks to PDF too (None: as `[report] pdf` says); a PDF that cannot be made is a warning, not a failure."""
    lock = take_lock(config, "report", lang)
    if isinstance(lock, int):
        return lock
    try:
        summary = rebuild_outputs(config, lang, pdf=pdf)
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    except Exception as exc:
        line = faults.temporary(exc, lang, config.paths.state)
        print(f"pipeline: {line or tr(T_FAILED, lang, error=repr(exc))}", file=sys.stderr)
        return Exit.TEMPORARY if line else Exit.BUG
    finally:
        lock.release()
    for problem in summary.problems:  # a file name in a problem cannot write to the terminal
        print(f"  ! {printable(problem)}", file=sys.stderr)
    print(summary.outputs.get("workbook", ""))
    print(summary.outputs.get("results_json", ""))
    for pdf_path in summary.outputs.get("pdf", []):
        print(pdf_path)
    return Exit.OK
