"""Writing the feedback workbook: the XML patcher first (~4 ms a file), openpyxl when it declines or fails.

Both writers show the same workbook (`review`); the patcher declines anything unusual (`xml_patch`), and the
openpyxl writer also makes the findings-only workbook for a file that cannot be copied.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from pipeline.core.findings import Finding
from pipeline.feedback import xml_patch
from pipeline.feedback.openpyxl_writer import write_with_openpyxl

log = logging.getLogger(__name__)


def write_feedback(
    original: Path, findings: Sequence[Finding], out: Path, lang: str = "ko", display_name: str | None = None
) -> Path:
    """Write the feedback workbook to `out` (temp name, then rename) and return `out`.

    `display_name` is the file name as the submitter sent it (the batch archives files under a longer name).
    The XML patcher is tried first; when it declines (or fails), openpyxl writes the same workbook, so a file the
    patcher does not understand still gets its feedback.
    """
    if Path(out).resolve() == Path(original).resolve():
        raise ValueError("the feedback workbook must not overwrite the submitted file")
    file_name = display_name or Path(original).name
    try:
        written = xml_patch.write_fast(Path(original), findings, Path(out), lang, file_name)
    except Exception:  # a bug in the patcher must cost speed, never the submitter's feedback
        log.warning("feedback: XML patch of %s failed, using openpyxl", original, exc_info=True)
        written = None
    if written is not None:
        return written
    return write_with_openpyxl(Path(original), findings, Path(out), lang, file_name)
