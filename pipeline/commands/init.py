"""`pipeline init DIR`: make a folder into a working home (a commented pipeline.toml and the batch's folders;
with `--agency-folders`, a drop folder per agency in the inbox and the setting that checks them)."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.commands.words import SAY, os_reason
from pipeline.core.i18n import tr
from pipeline.exit_codes import Exit
from pipeline.settings.home import init_home


def init_command(directory: Path, lang: str = "ko", force: bool = False, agency_folders: bool = False) -> int:
    """Create the home; an existing pipeline.toml is only overwritten with `force`."""
    try:
        written = init_home(directory, force=force, agency_folders=agency_folders)
    except OSError as exc:
        if isinstance(exc, FileExistsError) and not exc.filename:  # init_home's own: pipeline.toml is there
            line = tr(SAY["exists"], lang, path=exc)
        else:  # the folder is a file, or may not be written
            line = tr(SAY["cannot_create"], lang, path=exc.filename or directory, reason=os_reason(exc, lang))
        print(f"pipeline: {line}", file=sys.stderr)
        return Exit.CANT_CREATE
    print(tr(SAY["created"], lang, path=written))
    return Exit.OK
