"""Every exit code of the `pipeline` command, in one place (sysexits.h numbers where one fits)."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0  # done; rejected submissions are normal business
    BUG = 1  # an unexpected failure: a bug (the log has the traceback)
    USAGE = 2  # the command line is wrong (typer/click's own code)
    BAD_ARGUMENT = 64  # EX_USAGE: an argument names something that does not exist (e.g. an agency code)
    DATA_ERROR = 65  # EX_DATAERR: a validated file has errors
    NO_INPUT = 66  # EX_NOINPUT: a file cannot be opened at all
    CANT_CREATE = 73  # EX_CANTCREAT: the target exists already
    TEMPORARY = 75  # EX_TEMPFAIL: another run holds the lock, or mail failed for now; try again later
    CONFIG = 78  # EX_CONFIG: pipeline.toml is wrong
    KILLED = 137  # what a shell reports for a process killed by SIGKILL (the crash test hook imitates it)
