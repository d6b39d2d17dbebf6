"""One worksheet part read in one pass: every cell's stored value with its reference, number format kind (percent,
date), formula and error, the hidden rows and columns, and the merged ranges (each merged cell reads the top-left
cell's value).

Bounded: rows past `MAX_ROWS` and columns past `MAX_COLUMNS` are not kept (the grid says it was `truncated`), and
merged ranges fill at most `MAX_MERGED_CELLS` cells. Small parts are parsed as one C tree, large ones streamed;
both paths place every cell alike (tests/test_reader.py reads sheets both ways).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import IO, Any

from pipeline.core.refs import cell_position, column_letter, range_ends
from pipeline.xlsx.package import NS_MAIN, NS_MAIN_STRICT
from pipeline.xlsx.sharedstrings import MAX_STRING, Strings, string_text
from pipeline.xlsx.styles import StyleKinds
from pipeline.xlsx.xmltext import FAST_PARSE_BYTES, int_or, local_name, parse_tree, part_bytes

MAX_ROWS = 5000
"""Rows read per sheet: a real submission has under 100 goals; a million-row sheet stops here."""
MAX_COLUMNS = 64
"""Columns read per sheet (the template has 18); cells further right are ignored."""
MAX_MERGED_CELLS = 20000
"""Cells filled from merged ranges, in total (a merge of A1:XFD1048576 must not loop for minutes)."""

Stored = tuple[str | float | bool | None, str, bool, bool, str | None, str | None]
"""A cell as a sheet is read: (value, cell reference, percent, date, formula, error), `RawCell`'s fields but the
heading. Each `RawCell` is made once, from this, when the table or the agency sheet knows its heading."""


@dataclass
class Grid:
    name: str
    cells: dict[tuple[int, int], Stored] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # (first, last) column of hidden ranges
    merges: list[str] = field(default_factory=list)  # merged ranges, e.g. "A5:A7"
    max_row: int = 0
    truncated: bool = False

    def text(self, row: int, col: int) -> str:
        stored = self.cells.get((row, col))
        if stored is None or stored[0] is None:
            return ""
        return " ".join(str(stored[0]).split())

    def row_texts(self, row: int) -> dict[int, str]:
        return {c: self.text(r, c) for (r, c) in self.cells if r == row}


def filled(stored: Stored | None) -> bool:
    """`not RawCell.empty` for a stored cell (None: no cell at all)."""
    if stored is None:
        return False
    value, _, _, _, formula, error = stored
    if formula is not None or error is not None:
        return True
    return value is not None and not (isinstance(value, str) and not value.strip())


def _cell_place(ref: str | None) -> tuple[int, int, str] | None:
    """(row, column, canonical reference) of a cell reference within `MAX_COLUMNS`, parsed once per process (files
    made from one template repeat the same references); None for a reference further right or none at all."""
    if ref is None:
        return None
    place = _REFS.get(ref)
    if place is None:
        found = cell_position(ref)
        if found is None or found[1] > MAX_COLUMNS:
            return None
        place = (found[0], found[1], f"{column_letter(found[1])}{found[0]}")
        if len(ref) <= 12:
            if len(_REFS) >= 65536:
                _REFS.clear()
            _REFS[ref] = place
    return place


_REFS: dict[str, tuple[int, int, str]] = {}
"""`_cell_place`'s memory (bounded: cleared at 65,536 entries)."""


class _StyleKinds(dict[str | None, tuple[bool, bool]]):
    """A cell's `s` attribute → (percent, date), decided once per sheet."""

    def __init__(self, styles: StyleKinds) -> None:
        super().__init__()
        self.styles = styles

    def __missing__(self, s: str | None) -> tuple[bool, bool]:
        index = int_or(s)
        kind = self[s] = self.styles[index] if index < len(self.styles) else (False, False)
        return kind


_SHEET_TAGS = {
    f"{{{ns}}}{tag}": tag
    for ns in (NS_MAIN, NS_MAIN_STRICT)
    for tag in ("c", "row", "v", "f", "is", "mergeCell", "sheetData")
}
"""Full tag names of both OOXML flavours (transitional and strict) → local name, so the hot loop does a dict hit."""


def read_sheet(fh: IO[bytes], name: str, strings: Strings, styles: StyleKinds) -> Grid:
    """One worksheet: cells (with cached values, formats, formulas), hidden rows and merged ranges."""
    data = part_bytes(fh)
    if len(data) <= FAST_PARSE_BYTES:
        grid = _parse_tree_sheet(parse_tree(_EMPTY_CELL.sub(b"", data)), name, strings, styles)
    else:
        grid = _stream_sheet(data, name, strings, styles)
    _apply_merges(grid)
    return grid


def _stream_sheet(data: bytes, name: str, strings: Strings, styles: StyleKinds) -> Grid:
    """A part too large for one tree, parsed event by event to keep memory flat."""
    from xml.etree.ElementTree import iterparse

    grid = Grid(name)
    kinds = _StyleKinds(styles)
    row_no = 0
    col_no = 0
    for _event, el in iterparse(io.BytesIO(data)):
        tag = _SHEET_TAGS.get(el.tag) or local_name(el.tag)
        if tag == "c":
            if not len(el):  # most cells are styled but empty (the template prepares 60 rows): skip them cheaply
                col_no = col_no + 1 if el.get("r") is None else col_no
                el.clear()
                continue
            pos = cell_position(el.get("r"))
            row, col = pos if pos else (row_no or 1, col_no + 1)
            col_no = col
            if col <= MAX_COLUMNS and row <= MAX_ROWS:
                cell = _cell(el, f"{column_letter(col)}{row}", strings, kinds[el.get("s")])
                if cell is not None:
                    grid.cells[(row, col)] = cell
                    grid.max_row = max(grid.max_row, row)
            elif _has_content(el):
                grid.truncated = True
                if row > MAX_ROWS:
                    break
            el.clear()
        elif tag == "row":
            row_no = int_or(el.get("r"), row_no + 1)
            if el.get("hidden") in ("1", "true"):
                grid.hidden.add(row_no)
            col_no = 0
            el.clear()
        elif tag == "mergeCell":
            grid.merges.append(el.get("ref", ""))
        elif tag == "col":
            span = _hidden_span(el)
            if span is not None:
                grid.hidden_columns.append(span)
        elif tag == "sheetData":
            el.clear()
    return grid


_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: [a-z]{1,8}="[^"<>&]{0,40}")*+\s*/>')
r"""A self-closing cell with its own reference and plain attributes: styled but empty (the template prepares
hundreds). Both paths skip such a cell without effect, so the tree path drops them before parsing (C regex, far
cheaper than building their elements); anything less plain is left to the parser. (`*+`: an attribute given back
could never match `\s*/>`, so possessive finds the same cells, without keeping backtracking state.)"""


def _merge_refs(root: Any) -> list[str]:
    """The merged ranges of a parsed worksheet, in document order."""
    return [
        m.get("ref", "")
        for part in root
        if local_name(part.tag) == "mergeCells"
        for m in part
        if local_name(m.tag) == "mergeCell"
    ]


def _hidden_columns(root: Any) -> list[tuple[int, int]]:
    """The (first, last) column of each hidden `<col>` range of a parsed worksheet."""
    return [
        span
        for part in root
        if local_name(part.tag) == "cols"
        for col in part
        if local_name(col.tag) == "col" and (span := _hidden_span(col)) is not None
    ]


def _hidden_span(col: Any) -> tuple[int, int] | None:
    if col.get("hidden") not in ("1", "true"):
        return None
    first = int_or(col.get("min"), 0)
    return first, int_or(col.get("max"), first)


def _parse_tree_sheet(root: Any, name: str, strings: Strings, styles: StyleKinds) -> Grid:
    """The sheet from a parsed tree: the same rules as the stream, visiting cells, then their row, as the stream's
    end events do (so a cell without `r` is placed exactly as the streaming path places it)."""
    grid = Grid(name, merges=_merge_refs(root), hidden_columns=_hidden_columns(root))
    cells = grid.cells
    row_no = 0
    max_row = 0
    kinds = _StyleKinds(styles)
    sheet_tags = _SHEET_TAGS
    for part in root:
        if (sheet_tags.get(part.tag) or local_name(part.tag)) != "sheetData":
            continue
        for row_el in part:
            if (sheet_tags.get(row_el.tag) or local_name(row_el.tag)) != "row":
                continue
            col_no = 0
            stop = False
            for el in row_el:
                if (sheet_tags.get(el.tag) or local_name(el.tag)) != "c":
                    continue
                if not len(el):
                    col_no = col_no + 1 if el.get("r") is None else col_no
                    continue
                ref = el.get("r")
                place = _REFS.get(ref) or _cell_place(ref)
                if place is None:
                    row, col = cell_position(ref) or (row_no or 1, col_no + 1)
                    cell_name = f"{column_letter(col)}{row}" if col <= MAX_COLUMNS else ""
                else:
                    row, col, cell_name = place
                col_no = col
                if col <= MAX_COLUMNS and row <= MAX_ROWS:
                    if len(el) == 1 and sheet_tags.get(el[0].tag) == "v":  # the usual cell: a cached value alone
                        kind, value = el.get("t", "n"), el[0].text
                        cell = _cell_value(kind, None, value, None, cell_name, strings, kinds[el.get("s")])
                    else:
                        cell = _cell(el, cell_name, strings, kinds[el.get("s")])
                    if cell is not None:
                        cells[(row, col)] = cell
                        if row > max_row:
                            max_row = row
                elif _has_content(el):
                    grid.truncated = True
                    if row > MAX_ROWS:
                        stop = True
                        break
            if stop:
                break
            row_no = int_or(row_el.get("r"), row_no + 1)
            if row_el.get("hidden") in ("1", "true"):
                grid.hidden.add(row_no)
    grid.max_row = max_row
    return grid


def _has_content(el: Any) -> bool:
    return any(local_name(child.tag) in ("v", "f", "is") and (child.text or len(child)) for child in el)


def _cell(el: Any, ref: str, strings: Strings, style: tuple[bool, bool]) -> Stored | None:
    """A cell element of the tree or the stream."""
    formula = value_text = None
    inline = None
    for child in el:
        tag = _SHEET_TAGS.get(child.tag) or local_name(child.tag)
        if tag == "f":
            formula = child.text or "(shared)"
        elif tag == "v":
            value_text = child.text
        elif tag == "is":
            inline = string_text(child)
    return _cell_value(el.get("t", "n"), formula, value_text, inline, ref, strings, style)


def _cell_value(
    kind: str,
    formula: str | None,
    value_text: str | None,
    inline: str | None,
    ref: str,
    strings: Strings,
    style: tuple[bool, bool],
) -> Stored | None:
    """What a cell holds, from its type (`t`), formula, `<v>` text and inline string; None for no value."""
    if formula is not None and value_text is None and kind != "str":
        return (None, ref, False, False, "=" + formula, None)
    value: str | float | bool | None
    if kind == "n":
        if value_text is None or value_text == "":
            return None
        try:
            value = float(value_text)
        except ValueError:
            return (value_text, ref, False, False, None, None)  # a broken number stays text: normalize reports it
        return (value, ref, style[0], style[1], None, None)
    if kind == "s":
        value = strings[int_or(value_text, -1)]
    elif kind == "inlineStr":
        value = inline
    elif kind == "str":
        value = (value_text or "")[:MAX_STRING]
    elif kind == "b":
        value = value_text in ("1", "true")
    elif kind == "e":
        return (None, ref, False, False, None, value_text or "#ERROR")
    elif kind == "d":
        return (value_text, ref, False, True, None, None) if value_text else None
    elif value_text is None or value_text == "":
        return None
    else:
        try:
            value = float(value_text)
        except ValueError:
            value = value_text  # a broken number stays text: normalize reports it
    if value is None:
        return None
    number = isinstance(value, float)
    return (value, ref, style[0] and number, style[1] and number, None, None)


def _apply_merges(grid: Grid) -> None:
    """Every cell of a merged range reads the top-left cell's value (and points at the top-left cell to fix it)."""
    budget = MAX_MERGED_CELLS
    for ref in grid.merges:
        first, last = range_ends(ref)
        a, b = cell_position(first), cell_position(last)
        if a is None or b is None:
            continue
        top_left = grid.cells.get(a)
        if top_left is None:
            continue
        for r in range(a[0], min(b[0], grid.max_row, MAX_ROWS) + 1):
            for c in range(a[1], min(b[1], MAX_COLUMNS) + 1):
                if (r, c) != a and (r, c) not in grid.cells:
                    budget -= 1
                    if budget < 0:
                        return
                    grid.cells[(r, c)] = top_left
