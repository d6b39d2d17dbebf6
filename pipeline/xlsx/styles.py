"""The styles part (`xl/styles.xml`) as the reader needs it: which cell styles show a number as a percentage or a
date, decided by the number format's code, never by the size of the number."""

from __future__ import annotations

import io
import re
from typing import IO

from pipeline.xlsx.xmltext import int_or, local_name, part_bytes

PERCENT_BUILTIN = frozenset({9, 10})
DATE_BUILTIN = frozenset(
    {*range(14, 23), 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58}
)

StyleKinds = list[tuple[bool, bool]]
"""(percent, date) of each cell style index (`cellXfs`)."""

_STYLES_SEEN: dict[bytes, tuple[tuple[bool, bool], ...]] = {}
"""styles.xml bytes → their (percent, date) kinds: files saved from one template by one program share the part
byte for byte, so a night of 10,000 files parses it a handful of times (keyed by the bytes, never a hash)."""


def read_style_kinds(fh: IO[bytes]) -> StyleKinds:
    """Per cell style index: (is percent, is date), from the number format's code."""
    data = part_bytes(fh)
    cached = _STYLES_SEEN.get(data)
    if cached is None:
        cached = _STYLES_SEEN[data] = _style_kinds(data)
        while len(_STYLES_SEEN) > 32:
            del _STYLES_SEEN[next(iter(_STYLES_SEEN))]
    return list(cached)


def _style_kinds(data: bytes) -> tuple[tuple[bool, bool], ...]:
    """Per cell style index: (is percent, is date), from the number format's code."""
    from xml.etree.ElementTree import iterparse

    formats: dict[int, str] = {}
    xfs: list[int] = []
    in_cell_xfs = False
    for event, el in iterparse(io.BytesIO(data), ("start", "end")):
        tag = local_name(el.tag)
        if event == "start":
            in_cell_xfs = in_cell_xfs or tag == "cellXfs"
            continue
        if tag == "numFmt":
            formats[int_or(el.get("numFmtId"))] = el.get("formatCode", "")
        elif tag == "xf" and in_cell_xfs:
            xfs.append(int_or(el.get("numFmtId")))
        elif tag == "cellXfs":
            in_cell_xfs = False
    out = []
    for fmt_id in xfs:
        code = formats.get(fmt_id)
        if code is None:
            out.append((fmt_id in PERCENT_BUILTIN, fmt_id in DATE_BUILTIN))
        else:
            out.append(format_kind(code))
    return tuple(out)


def format_kind(code: str) -> tuple[bool, bool]:
    """(percent, date) for a number format code: decided by the format, never by the size of the number."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)
    if bare.casefold() in ("general", "@", ""):
        return False, False
    percent = "%" in bare
    date = not percent and re.search(r"[yYmMdDhHsS]", bare) is not None and "#" not in bare
    return percent, date
