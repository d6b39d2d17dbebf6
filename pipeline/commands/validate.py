"""`pipeline validate FILE...`: check workbooks by hand, outside (or inside) a working home.

Human output is grouped by finding type (how many, then each cell and message), because an officer fixing a
workbook works through one kind of mistake at a time. `--json` is for scripts. Nothing is written unless
`--feedback DIR` is given. Exit 0: no errors; 65: some file has errors; 66: some file is not a workbook at all.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pipeline.core.i18n import tr
from pipeline.exit_codes import Exit
from pipeline.feedback.names import feedback_file_name
from pipeline.feedback.write import write_feedback
from pipeline.settings.schema import Config
from pipeline.validate.check import CheckResult, check_file

TEXTS = {
    "valid": ("정상", "valid"),
    "invalid": ("오류 있음", "invalid"),
    "counts": ("오류 {errors}건, 경고 {warnings}건", "{errors} error(s), {warnings} warning(s)"),
    "no_config": (
        "pipeline.toml이 없어 기관코드·기관명·평가연도는 확인하지 않았습니다.",
        "No pipeline.toml: agency code, name and year were not checked.",
    ),
    "fix": ("고치는 방법", "How to fix"),
    "feedback": ("검토 결과 파일: {path}", "Feedback workbook: {path}"),
    "error": ("오류", "error"),
    "warning": ("경고", "warning"),
}


def validate_command(
    files: Sequence[Path],
    config: Config | None,
    lang: str = "ko",
    as_json: bool = False,
    feedback_dir: Path | None = None,
    out: TextIO | None = None,
) -> int:
    """Check every file, print the findings, optionally write feedback workbooks; return the exit code."""
    out = out or sys.stdout
    results = [check_file(Path(f), config, lang=lang) for f in files]
    written: list[Path | None] = []
    for result in results:
        if feedback_dir is None:
            written.append(None)
            continue
        target = Path(feedback_dir) / feedback_file_name(result.path.name)
        written.append(write_feedback(result.path, result.findings, target, lang))
    if as_json:
        json.dump([_json(r, lang) for r in results], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        if config is None:
            print(tr(TEXTS["no_config"], lang), file=sys.stderr)
        for result, path in zip(results, written, strict=True):
            _print_human(result, path, lang, out)
    return exit_code(results)


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


def _print_human(result: CheckResult, feedback: Path | None, lang: str, out: TextIO) -> None:
    status = tr(TEXTS["valid" if result.ok else "invalid"], lang)
    counts = tr(TEXTS["counts"], lang, errors=result.errors, warnings=result.warnings)
    print(f"{result.path}: {status} ({counts})", file=out)
    groups: dict[str, list] = {}
    for f in result.findings:
        groups.setdefault(f.code, []).append(f)
    for code, found in sorted(groups.items(), key=lambda item: (not item[1][0].is_error, item[0])):
        severity = tr(TEXTS[found[0].severity], lang)
        print(f"  [{severity}] {code} × {len(found)}", file=out)
        for f in found:
            print(f"    - {f.message(lang)}", file=out)
        print(f"      {tr(TEXTS['fix'], lang)}: {found[0].hint(lang)}", file=out)
    if feedback is not None:
        print("  " + tr(TEXTS["feedback"], lang, path=feedback), file=out)
