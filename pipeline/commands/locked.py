"""A command's work under the run lock, its failures turned into one line and an exit code; and the lines every
rebuilding command prints after it (problems, the outputs' paths, what the mail did). `report`, `finalize` and
`committee sheet --send` share them, so that a lock, a broken configuration, a busy ledger or a full disk reads
and exits the same whichever command met it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TypeVar

from pipeline.commands.run import take_lock
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.mail.outbox import DeliverySummary
from pipeline.night import faults
from pipeline.night.summary import RunSummary, delivery_text
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config

__all__ = ["print_delivery", "print_outputs", "under_lock"]

T = TypeVar("T")


def under_lock(config: Config, command: str, lang: str, work: Callable[[], T], failed: Text) -> T | Exit:
    """`work()` under the run lock; or the exit code after one line on stderr: 75 locked, ledger busy or disk
    full, 78 configuration, 1 anything else (`failed` says what could not be done, with `{error}`)."""
    lock = take_lock(config, command, lang)
    if isinstance(lock, int):
        return Exit(lock)
    try:
        return work()
    except ConfigError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return Exit.CONFIG
    except Exception as exc:
        line = faults.temporary(exc, lang, config.paths.state)
        print(f"pipeline: {line or tr(failed, lang, error=repr(exc))}", file=sys.stderr)
        return Exit.TEMPORARY if line else Exit.BUG
    finally:
        lock.release()


def print_problems(problems: Iterable[str]) -> None:
    for problem in problems:  # a file name in a problem cannot write to the terminal
        print(f"  ! {printable(problem)}", file=sys.stderr)


def print_outputs(summary: RunSummary) -> None:
    """The run's problems on stderr, then the workbook, results.json and any PDFs, one path a line."""
    print_problems(summary.problems)
    print(summary.outputs.get("workbook", ""))
    print(summary.outputs.get("results_json", ""))
    for pdf_path in summary.outputs.get("pdf", []):
        print(pdf_path)


def print_delivery(line: Text, delivery: DeliverySummary | None, lang: str, queued: int) -> Exit:
    """`line` (with `{queued}` and `{delivery}`) and the delivery's problems; 75 when mail is left to retry."""
    sent = delivery or DeliverySummary()
    print_problems(sent.problems)
    counts = {"sent": sent.sent, "temporary": sent.temporary, "permanent": sent.permanent}
    print(tr(line, lang, queued=queued, delivery=delivery_text(counts, lang)))
    return Exit.TEMPORARY if sent.temporary else Exit.OK
