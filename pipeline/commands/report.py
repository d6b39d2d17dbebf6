"""`pipeline report`: rebuild today's outputs (workbook, results.json) from the ledger under the run lock, the
inbox untouched; print where they are."""

from __future__ import annotations

import sys

from pipeline.commands.locked import print_outputs, print_problems, under_lock
from pipeline.commands.words import SAY
from pipeline.core.i18n import Text, tr
from pipeline.core.printable import printable
from pipeline.exit_codes import Exit
from pipeline.night import faults
from pipeline.night.outputs import read_report_input, rebuild_outputs
from pipeline.report.pdf import print_to_pdf
from pipeline.settings.schema import Config
from pipeline.system import clock
from pipeline.system.atomic import write_bytes_atomically

T_FAILED: Text = ("결과를 다시 만들지 못했습니다: {error}", "the outputs could not be rebuilt: {error}")


def agency_report_command(config: Config, lang: str, code: str, pdf: bool | None = None) -> int:
    """`pipeline report --agency CODE`: that agency's 기관별 결과표 from the ledger (read only, no lock: it
    writes one file of its own, renamed into place), and its PDF when `pdf` (None: as `[report] pdf` says);
    0 done, 64 unknown agency or no scored result."""
    from pipeline.report.agency_results import agency_result_bytes, agency_result_dir

    if config.agency(code) is None:
        known = ", ".join(repr(a.code) for a in config.agencies)
        print(f"pipeline: {tr(SAY['unknown_agency'], lang, code=repr(code), known=known)}", file=sys.stderr)
        return Exit.BAD_ARGUMENT
    today = clock.now().date()
    try:
        data = read_report_input(config, today, lang)
        made = agency_result_bytes(data, code)
    except Exception as exc:
        line = faults.temporary(exc, lang, config.paths.state)
        print(f"pipeline: {line or tr(T_FAILED, lang, error=repr(exc))}", file=sys.stderr)
        return Exit.TEMPORARY if line else Exit.BUG
    if made is None:
        print(f"pipeline: {tr(SAY['no_result'], lang, code=code)}", file=sys.stderr)
        return Exit.BAD_ARGUMENT
    folder = agency_result_dir(data, config.paths.outbox / f"{today:%Y-%m-%d}")
    written = write_bytes_atomically(folder / made[1], made[0])
    print(printable(str(written)))
    if config.report.pdf if pdf is None else pdf:
        printed = print_to_pdf([written], config.report.pdf_timeout_seconds, lang)
        print_problems(printed.problems)
        for pdf_path in printed.made:
            print(printable(str(pdf_path)))
    return Exit.OK


def report_command(config: Config, lang: str, agency: str | None = None, pdf: bool | None = None) -> int:
    """`pipeline report`: 0 done, 75 locked, ledger busy or disk full, 78 config, 1 unexpected. `pdf`: print the
    workbooks to PDF too (None: as `[report] pdf` says); a PDF that cannot be made is a warning, not a failure."""
    if agency is not None:
        return agency_report_command(config, lang, agency, pdf)
    summary = under_lock(config, "report", lang, lambda: rebuild_outputs(config, lang, pdf=pdf), T_FAILED)
    if isinstance(summary, Exit):
        return summary
    print_outputs(summary)
    return Exit.OK
