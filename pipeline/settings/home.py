"""A working home: `pipeline.toml` plus the folders the batch moves files between, and where to find it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.settings.schema import CONFIG_NAME, Agency, Paths
from pipeline.system.atomic import write_bytes_atomically

FOLDERS = tuple(str(f.default) for f in fields(Paths))
"""The folders a new home gets: the default `[paths]`."""


def resolve_home(home: str | Path | None) -> Path:
    """`--home DIR`, else `$PIPELINE_HOME`, else the current directory."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get("PIPELINE_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path.cwd().resolve()


def init_home(directory: Path, force: bool = False, text: str | None = None, agency_folders: bool = False) -> Path:
    """Create the folders and a pipeline.toml (examples when `text` is None); returns the config path.
    `agency_folders`: the example file says `[batch] agency_folders = true` and its agencies get their folders."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / CONFIG_NAME
    if config.exists() and not force:
        raise FileExistsError(str(config))
    for name in FOLDERS:
        (directory / name).mkdir(exist_ok=True)
    if text is None:
        text = render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-15", agency_folders=agency_folders)
    if agency_folders:
        make_agency_folders(directory / Paths.inbox, EXAMPLE_AGENCIES)
    return write_bytes_atomically(config, text.encode("utf-8"))


def agency_folder(inbox: Path, code: str) -> Path:
    """`inbox/<code>/`: where one agency drops its files when `[batch] agency_folders` is on (a code is a safe
    folder name: `settings.load` allows letters, digits, `_` and `-` only)."""
    return inbox / code


def make_agency_folders(inbox: Path, agencies: Iterable[Agency]) -> list[Path]:
    """Each agency's drop folder, made when missing; returns the ones made. Who may write into each is the
    system's business (`deploy/README.md`: a group per folder, or ACLs)."""
    made = []
    for agency in agencies:
        folder = agency_folder(inbox, agency.code)
        if not folder.is_dir():
            folder.mkdir(parents=True)
            made.append(folder)
    return made


YEARS_DIR = "years"
"""Closed evaluation years, each in `years/<year>/` (`pipeline rollover`), kept read only."""
ROLLOVER_MARKER = ".rollover-unfinished"
"""In `years/<year>/` while that year's rollover is under way: a crash leaves it, and a rerun finishes the job."""


def year_folder(home: Path, year: int) -> Path:
    """Where a closed year is kept: `<home>/years/<year>/`."""
    return Path(home) / YEARS_DIR / str(year)


def unfinished_rollovers(home: Path) -> list[int]:
    """The years whose rollover was started and not finished (the night must not run on a half-moved home)."""
    years = Path(home) / YEARS_DIR
    if not years.is_dir():
        return []
    return sorted(int(p.parent.name) for p in years.glob(f"*/{ROLLOVER_MARKER}") if p.parent.name.isdigit())
