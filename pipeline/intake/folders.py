"""Per-agency drop folders (`[batch] agency_folders`): which inbox file sits in which agency's folder, and the
rule that a file there speaks for that agency only.

Why: in one shared inbox, whoever may write there can drop a workbook with another agency's code and name, and
the night takes it as that agency's submission (superseding its own). With a folder per agency that only that
agency (and the office) may write into (deploy/README.md), the folder says who dropped a file, and a file that
carries another agency's code is rejected (`agency.folder_mismatch`). The inbox root stays the office's own drop,
taken as before.

A file in a folder keeps its path below the inbox in `Entry.raw` (`b"GJ01/name.xlsx"`), so the ledger's
`source_raw` finishes an interrupted move from a folder as from the root; `Entry.name` stays the file's name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.findings import Finding, finding
from pipeline.intake import inbox as intake
from pipeline.settings.schema import Config


@dataclass(frozen=True)
class Scan:
    """The inbox's entries, oldest first (the root's and the agency folders' together), and the agency folders
    that could not be listed (their files wait; the run names them)."""

    entries: list[intake.Entry] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)


def scan(inbox: Path, config: Config) -> Scan:
    """`intake.scan` of the root and, with `[batch] agency_folders`, of every registered agency's folder. The
    agency folders themselves are not entries (a folder is otherwise left alone and listed as such)."""
    entries = intake.scan(inbox)
    if not config.batch.agency_folders:
        return Scan(entries)
    codes = {a.code.casefold() for a in config.agencies}
    found = Scan()
    for e in entries:
        if e.kind != intake.KIND_DIR or e.name.casefold() not in codes:
            found.entries.append(e)
            continue
        try:
            inside = intake.scan(e.path)
        except OSError:
            found.unreadable.append(e.path)
            continue
        found.entries.extend(dataclasses.replace(x, raw=e.raw + b"/" + x.raw) for x in inside)
    found.entries.sort(key=lambda e: (e.mtime_ns, e.raw))  # the order of `intake.scan`, over every folder
    return found


def owner(e: intake.Entry, config: Config) -> str | None:
    """The code of the agency whose folder holds `e`; None for a file in the inbox root."""
    folder, sep, _ = e.raw.partition(b"/")
    if not sep:
        return None
    name = intake.display_name(folder).casefold()
    return next((a.code for a in config.agencies if a.code.casefold() == name), None)


def mismatch(folder: str | None, code: str | None) -> Finding | None:
    """The finding that rejects a file in `folder` (an agency's code) carrying another agency's `code`; None when
    it may stand (the root, no code read: other findings say why, or the folder's own code)."""
    if folder is None or code is None or code.casefold() == folder.casefold():
        return None
    return finding("agency.folder_mismatch", folder=folder, agency_code=code)
