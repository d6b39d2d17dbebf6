"""`pipeline template`: write the standard template, blank, prefilled for one agency, or one per agency.

`--out` names a file, or a folder (one that exists, or a path ending in `/`) that gets the usual file name; `--all`
takes a folder only. A file that exists is left alone unless `--force`: every target is checked before the first
is written, so a refusal writes nothing. With `[batch] agency_folders`, `--all` also makes each agency's drop
folder in the inbox that is missing (an agency registered since `pipeline init`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.commands.words import SAY, os_reason
from pipeline.core.i18n import tr
from pipeline.core.layout import KIND_PLAN, KIND_RESULTS, SUBMISSION_KINDS
from pipeline.core.model import Submission
from pipeline.exit_codes import Exit
from pipeline.night.ledger import LEDGER_NAME, Ledger
from pipeline.settings.home import make_agency_folders
from pipeline.settings.schema import Agency, Config
from pipeline.system import clock
from pipeline.template.files import template_file_name, write_template


def template_command(
    config: Config | None,
    lang: str,
    agency: str | None,
    all_agencies: bool,
    out: str | Path | None,
    force: bool = False,
    kind: str | None = None,
) -> int:
    """`pipeline template`: blank, one prefilled (`--agency`), or one per agency (`--all`), of a kind (`--kind`;
    without it, the phase open today by `[calendar]`). A mid-year or results template of an agency whose plan is
    confirmed carries that plan, locked but for the phase's columns."""
    if kind is None:
        kind = config.calendar.open_phase(clock.now().date()) if config is not None else KIND_RESULTS
    elif kind not in SUBMISSION_KINDS:
        return _refuse(tr(SAY["bad_kind"], lang, value=repr(kind), known=", ".join(SUBMISSION_KINDS)), Exit.USAGE)
    chosen: list[Agency | None] = [None]
    if agency or all_agencies:
        assert config is not None
        found = config.agency(agency or "")
        if not all_agencies and found is None:
            known = ", ".join(repr(a.code) for a in config.agencies)
            return _refuse(tr(SAY["unknown_agency"], lang, code=repr(agency), known=known), Exit.BAD_ARGUMENT)
        chosen = list(config.agencies) if all_agencies else [found]
    home = config.home if config else Path.cwd()
    folder = _folder(out, all_agencies, home)
    if folder is not None and folder.exists() and not folder.is_dir():
        return _refuse(tr(SAY["all_needs_folder"], lang, path=folder), Exit.CANT_CREATE)
    targets = [
        (folder / template_file_name(lang, a, kind) if folder is not None else Path(str(out)), a) for a in chosen
    ]
    for target, _ in targets:
        if target.exists() and not (force and target.is_file()):
            key = "exists" if target.is_file() else "cannot_create"
            reason = tr(SAY["is_folder"], lang) if target.is_dir() else ""
            return _refuse(tr(SAY[key], lang, path=target, reason=reason), Exit.CANT_CREATE)
    plans = _confirmed(config) if kind != KIND_PLAN and any(a is not None for _, a in targets) else {}
    for target, a in targets:
        try:
            print(write_template(target, lang, config, a, kind, plans.get(a.code) if a is not None else None))
        except OSError as exc:  # the folder is a file, or may not be written
            path = exc.filename or target
            return _refuse(tr(SAY["cannot_create"], lang, path=path, reason=os_reason(exc, lang)), Exit.CANT_CREATE)
    if all_agencies and config is not None and config.batch.agency_folders:
        return _agency_folders(config, lang)
    return Exit.OK


def _confirmed(config: Config | None) -> dict[str, Submission]:
    """Each agency's confirmed plan, from the home's ledger (none without one)."""
    if config is None or not (config.paths.state / LEDGER_NAME).is_file():
        return {}
    ledger = Ledger.snapshot(config.paths.state)
    try:
        return {code: plan.submission for code, plan in ledger.confirmed_plans().items()}
    finally:
        ledger.close()


def _agency_folders(config: Config, lang: str) -> int:
    """Each agency's drop folder `inbox/<code>/` that is missing, made and named (`[batch] agency_folders`)."""
    try:
        made = make_agency_folders(config.paths.inbox, config.agencies)
    except OSError as exc:
        path = exc.filename or config.paths.inbox
        return _refuse(tr(SAY["cannot_create"], lang, path=path, reason=os_reason(exc, lang)), Exit.CANT_CREATE)
    for folder in made:
        print(tr(SAY["created"], lang, path=f"{folder}{os.sep}"))
    return Exit.OK


def _folder(out: str | Path | None, all_agencies: bool, home: Path) -> Path | None:
    """The folder the template(s) go into, or None when `--out` names the file itself."""
    if out is None:
        return home / "templates"
    text = str(out)
    if all_agencies or text.endswith(("/", os.sep)) or Path(text).is_dir():
        return Path(text)
    return None


def _refuse(line: str, code: int) -> int:
    print(f"pipeline: {line}", file=sys.stderr)
    return code
