"""The feedback workbook's file name, one for the night's batch and for `pipeline validate --feedback`."""

from __future__ import annotations

from pathlib import Path, PurePath

FEEDBACK_SUFFIX = "_feedback.xlsx"


def feedback_file_name(name: str) -> str:
    """`기관.xlsx` -> `기관_feedback.xlsx`: the feedback workbook of a submitted file named `name`."""
    return PurePath(name).stem + FEEDBACK_SUFFIX


def feedback_path(dest: Path) -> Path:
    """Where the feedback workbook of a file moved to `dest` goes: beside it."""
    return dest.with_name(feedback_file_name(dest.name))
