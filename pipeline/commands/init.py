"""`pipeline init DIR`: make a folder into a working home (a commented pipeline.toml and the batch's folders)."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.exit_codes import Exit
from pipeline.settings.home import init_home


def init_command(directory: Path, force: bool = False) -> int:
    """Create the home; an existing pipeline.toml is only overwritten with `force`."""
    try:
        written = init_home(directory, force=force)
    except FileExistsError as exc:
        print(f"pipeline: {exc}: already exists (use --force to overwrite)", file=sys.stderr)
        return Exit.CANT_CREATE
    print(f"created {written}")
    return Exit.OK
