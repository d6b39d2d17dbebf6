"""`pipeline validate FILE...`: check workbooks by hand, outside (or inside) a working home.

Human output is grouped by finding type (how many, then each cell and message), because an officer fixing a
workbook works through one kind of mistake at a time. `--json` is for scripts. Nothing is written unless
`--feedback DIR` is given. Every name, message and value is printed through `core.printable`, so that a file
name or a cell cannot drive the terminal. Exit 0: no errors; 65: some file has errors; 66: some file is not a workbook at all, or
not a file (missing, a folder, a device).
"""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pipeline.commands.words import SAY, os_reason
from pipeline.core.i18n import tr
from pipeline.core.printable import printable, printable_json
from pipeline.core.vocabulary import HOW_TO_FIX, SEVERITY, word
from pipeline.exit_codes import Exit
from pipeline.feedback.names import feedback_file_name
from pipeline.feedback.write import write_feedback
from pipeline.night.ledger import LEDGER_NAME, Ledger
from pipeline.settings.schema import Config
from pipeline.validate.check import CheckResult, check_file
from pipeline.validate.plan_check import PlanBasis

TEXTS = {
    "valid": ("정상", "valid"),
    "invalid": ("오류 있음", "invalid"),
    "counts": (
        "오류 {errors}건, 경고 {warnings}건",
        "{errors} {errors:error|errors}, {warnings} {warnings:warning|warnings}",
    ),
    "no_config": (
        "pipeline.toml이 없어 기관코드·기관명·평가연도는 확인하지 않았습니다.",
        "No pipeline.toml: agency code, name and year were not checked.",
    ),
    "feedback": ("검토 결과 파일: {path}", "Feedback workbook: {path}"),
}


def plan_basis(config: Config | None) -> PlanBasis | None:
    """The home's confirmed plans, when it has a ledger: a results file is judged against its plan as the night
    would (read from a snapshot: validate never writes)."""
    if config is None or not (config.paths.state / LEDGER_NAME).is_file():
        return None
    ledger = Ledger.snapshot(config.paths.state)
    try:
        plans = {code: (p.version, p.submission) for code, p in ledger.confirmed_plans().items()}
    finally:
        ledger.close()
    return PlanBasis(plans, config.calendar.require_confirmed_plan)


def validate_command(
    files: Sequence[Path],
    config: Config | None,
    lang: str = "ko",
    as_json: bool = False,
    feedback_dir: Path | None = None,
    out: TextIO | None = None,
) -> int:
    """Check every file, print the findings, optionally write feedback workbooks; return the exit code.

    A path that is not a file at all (missing, a folder, a device or a pipe) is told in one line and not opened:
    it is a mistake on the command line, not a damaged workbook to re-save.
    """
    out = out or sys.stdout
    missing = {i: line for i, f in enumerate(files) if (line := not_a_file(Path(f), lang))}
    basis = plan_basis(config)
    checked = {i: check_file(Path(f), config, lang=lang, basis=basis) for i, f in enumerate(files) if i not in missing}
    written: dict[int, Path] = {}
    for i, result in checked.items():
        if feedback_dir is not None:
            target = Path(feedback_dir) / feedback_file_name(result.path.name)
            written[i] = write_feedback(result.path, result.findings, target, lang)
    if as_json:
        entries = [
            _json(checked[i], lang) if i in checked else _json_missing(files[i], missing[i]) for i in range(len(files))
        ]
        out.write(printable_json(json.dumps(entries, ensure_ascii=False, indent=2)) + "\n")
    else:
        if config is None:
            print(tr(TEXTS["no_config"], lang), file=sys.stderr)
        for i in range(len(files)):
            if i in missing:
                print(f"pipeline: {printable(missing[i])}", file=sys.stderr)
            else:
                _print_human(checked[i], written.get(i), lang, out)
    return Exit.NO_INPUT if missing else exit_code(list(checked.values()))


def not_a_file(path: Path, lang: str) -> str | None:
    """Why `path` cannot be checked at all, or None for a regular file (even an empty or damaged one)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return tr(SAY["no_file"], lang, path=path)
    except PermissionError:
        return tr(SAY["no_permission"], lang, path=path)
    except OSError as exc:
        return tr(SAY["cannot_read"], lang, path=path, reason=os_reason(exc, lang))
    if stat.S_ISDIR(mode):
        return tr(SAY["folder"], lang, path=path)
    if not stat.S_ISREG(mode):  # /dev/zero would read as an endless file, a FIFO would wait forever
        return tr(SAY["not_regular"], lang, path=path)
    return None


def exit_code(results: Sequence[CheckResult]) -> int:
    if any(r.unreadable for r in results):
        return Exit.NO_INPUT
    if any(not r.ok for r in results):
        return Exit.DATA_ERROR
    return Exit.OK


def _json(result: CheckResult, lang: str) -> dict[str, object]:
    return {
        "file": str(result.path),
        "status": "valid" if result.ok else "invalid",
        "findings": [f.to_dict(lang) for f in result.findings],
    }


def _json_missing(path: Path, message: str) -> dict[str, object]:
    return {"file": str(path), "status": "unreadable", "message": message, "findings": []}


def _print_human(result: CheckResult, feedback: Path | None, lang: str, out: TextIO) -> None:
    status = tr(TEXTS["valid" if result.ok else "invalid"], lang)
    counts = tr(TEXTS["counts"], lang, errors=result.errors, warnings=result.warnings)
    print(f"{printable(result.path)}: {status} ({counts})", file=out)
    groups: dict[str, list] = {}
    for f in result.findings:
        groups.setdefault(f.code, []).append(f)
    for code, found in sorted(groups.items(), key=lambda item: (not item[1][0].is_error, item[0])):
        severity = word(SEVERITY, found[0].severity, lang)
        print(f"  [{severity}] {code} × {len(found)}", file=out)
        for f in found:
            print(f"    - {printable(f.message(lang))}", file=out)
        print(f"      {tr(HOW_TO_FIX, lang)}: {printable(found[0].hint(lang))}", file=out)
    if feedback is not None:
        print("  " + tr(TEXTS["feedback"], lang, path=printable(feedback)), file=out)
