"""A marked worksheet as the XML patcher writes it: each marked cell's style copied with a fill (cells and rows
inserted where absent), a `legacyDrawing` for the comments, its tab unselected; and the two new parts that hold
the comments (the comments part and the VML drawing that shows them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.core.refs import range_ends
from pipeline.feedback.review import COMMENT_SIZE
from pipeline.feedback.xml_edit import (
    ROOT,
    Decline,
    apply_edits,
    drop_attr,
    end_of,
    get_attr,
    is_true,
    only_one,
    plain_cell,
    prefix_for,
    require_main_namespace,
    root_tag,
    set_attrs,
    start_tags,
    top_level,
)
from pipeline.feedback.xml_styles import Styles
from pipeline.xlsx.package import NS_MAIN, NS_R
from pipeline.xlsx.xmltext import XML_DECLARATION, escape_text

MAX_MERGE_RANGES = 1_000
"""More merged ranges than this on a marked sheet: declined (membership is checked range by range, up to
MAX_MARKED_CELLS × this many comparisons)."""
LEGACY_DRAWING_BEFORE = frozenset(
    {"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"}
)
"""CT_Worksheet's children that come after `legacyDrawing`: it goes before the first of them."""
PAGE_SETUP_BEFORE = LEGACY_DRAWING_BEFORE | {
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
}
"""CT_Worksheet's children that come after `pageSetup`: an absent one goes before the first of them."""


@dataclass
class Mark:
    """A cell to mark: where, its fill colour and its comment's text."""

    row: int
    col: int
    ref: str
    color: str
    comment: str


def _merged_ranges(tail: str) -> list[tuple[int, int, int, int]]:
    """(top, left, bottom, right) of each merged range of a sheet."""
    ranges = []
    for m in start_tags("mergeCell").finditer(tail):
        first, last = range_ends(get_attr(m.group(0), "ref") or "")
        r1, c1 = plain_cell(first)
        r2, c2 = plain_cell(last)
        ranges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        if len(ranges) > MAX_MERGE_RANGES:
            raise Decline("too many merged ranges")
    return ranges


def _hidden_by_merge(row: int, col: int, ranges: list[tuple[int, int, int, int]]) -> bool:
    """A cell inside a merged range other than its top-left one (bounds only: a range is never expanded)."""
    return any(r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1) for r1, c1, r2, c2 in ranges)


def _unselect(xml: str, head_end: int) -> list[tuple[int, int, str]]:
    """Edits turning `tabSelected` off in the sheet views (found before sheetData)."""
    edits = []
    for m in start_tags("sheetView").finditer(xml, 0, head_end):
        if is_true(get_attr(m.group(0), "tabSelected")):
            edits.append((m.start(), m.end(), set_attrs(m.group(0), {"tabSelected": "0"})))
    return edits


def unselect_sheet(xml: str) -> str | None:
    """A sheet part with its tab no longer selected, None when it was not selected."""
    root = ROOT.match(xml)
    if root is None or ":" in root.group(1):
        raise Decline("a sheet part with a prefixed root")
    sheet_data = xml.find("<sheetData")
    edits = _unselect(xml, len(xml) if sheet_data < 0 else sheet_data)
    return apply_edits(xml, edits) if edits else None


def _column_styles(head: str) -> list[tuple[int, int, int]]:
    """(first, last, style) of each styled `<col>` range."""
    out = []
    for m in start_tags("col").finditer(head):
        tag = m.group(0)
        style = get_attr(tag, "style")
        if style is not None:
            try:
                out.append((int(get_attr(tag, "min") or ""), int(get_attr(tag, "max") or ""), int(style)))
            except ValueError as exc:
                raise Decline("bad <col>") from exc
    return out


def _set_or_insert(
    xml: str, tail: list[tuple[str, int]], span: tuple[int, int], name: str, values: dict[str, str], before: set[str]
) -> list[tuple[int, int, str]]:
    """The edit setting `values` on the one `<name>` element of xml[span], or inserting it (empty) before the first
    of the `before` elements of the sheet's `tail`."""
    found = list(start_tags(name).finditer(xml, *span))
    if len(found) > 1:
        raise Decline(f"two <{name}>")
    if found:
        return [(found[0].start(), found[0].end(), set_attrs(found[0].group(0), values))]
    at = next((offset for child, offset in tail if child in before), span[1])
    return [(at, at, set_attrs(f"<{name}/>", values))]


def _page_setup(
    xml: str,
    head_end: int,
    tail: list[tuple[str, int]],
    tail_start: int,
    close: int,
    wanted: tuple[dict[str, str], dict[str, str]] | None,
) -> list[tuple[int, int, str]]:
    """Edits printing the comments as end notes after the sheet and, with `wanted` (`<pageSetup>` attributes,
    `<pageMargins>` attributes), setting those (each element inserted at its place when absent) with `fitToPage`
    off in `<pageSetUpPr>`. Without `wanted` a sheet with no `<pageSetup>` prints as it did."""
    span = (tail_start, close)
    if wanted is None:
        setup = list(start_tags("pageSetup").finditer(xml, *span))
        if len(setup) != 1:
            return []
        return [(setup[0].start(), setup[0].end(), set_attrs(setup[0].group(0), {"cellComments": "atEnd"}))]
    attributes, margins = wanted
    edits = _set_or_insert(xml, tail, span, "pageMargins", margins, PAGE_SETUP_BEFORE | {"pageSetup"})
    edits += _set_or_insert(xml, tail, span, "pageSetup", {"cellComments": "atEnd", **attributes}, PAGE_SETUP_BEFORE)
    for m in start_tags("pageSetUpPr").finditer(xml, 0, head_end):
        if is_true(get_attr(m.group(0), "fitToPage")):
            edits.append((m.start(), m.end(), set_attrs(m.group(0), {"fitToPage": "0"})))
    return edits


_ROW = start_tags("row")
_C = start_tags("c")


def mark_sheet(
    xml: str,
    marks: list[Mark],
    styles: Styles,
    legacy_rid: str,
    page_setup: tuple[dict[str, str], dict[str, str]] | None = None,
) -> tuple[str, list[Mark]]:
    """The sheet with its marked cells' styles set (cells and rows inserted where absent), a `legacyDrawing`
    pointing at `legacy_rid`, its tab unselected, its comments printed at the end (and `page_setup`'s attributes
    of `<pageSetup>` and `<pageMargins>` set, `fitToPage` off); and the marks actually made (a merged range's hidden cells are skipped as openpyxl
    skips them)."""
    root = root_tag(xml, "worksheet")
    require_main_namespace(root, "worksheet")
    if "AlternateContent" in xml:
        raise Decline("mc:AlternateContent in a marked sheet")
    data_tag = only_one(start_tags("sheetData"), xml, "<sheetData>")
    data_end = end_of(xml, data_tag, "sheetData")
    tail_start = data_end if data_tag.group(0).endswith("/>") else data_end + len("</sheetData>")
    close = xml.rfind("</worksheet>")
    if close < tail_start:
        raise Decline("no </worksheet>")
    tail = top_level(xml, tail_start, close)
    names = [name for name, _ in tail]
    if "legacyDrawing" in names or any(":" in n for n in names):
        raise Decline("marked sheet has a legacyDrawing (or a prefixed element) already")
    merged = _merged_ranges(xml[tail_start:close])
    marks = [m for m in marks if not _hidden_by_merge(m.row, m.col, merged)]
    edits = _unselect(xml, data_tag.start())
    # the legacyDrawing, at its place in CT_Worksheet
    at = next((offset for name, offset in tail if name in LEGACY_DRAWING_BEFORE), close)
    r = prefix_for(root.group(0), NS_R)
    element = (
        f'<legacyDrawing r:id="{legacy_rid}" xmlns:r="{NS_R}"/>'
        if r is None
        else f'<legacyDrawing {r}:id="{legacy_rid}"/>'
    )
    edits += _page_setup(xml, data_tag.start(), tail, tail_start, close, page_setup)
    edits.append((at, at, element))
    if marks:
        columns = _column_styles(xml[: data_tag.start()])
        edits += _mark_cells(xml, data_tag, data_end, marks, styles, columns)
    return apply_edits(xml, edits), marks


def _mark_cells(
    xml: str,
    data_tag: re.Match[str],
    data_end: int,
    marks: list[Mark],
    styles: Styles,
    columns: list[tuple[int, int, int]],
) -> list[tuple[int, int, str]]:
    by_row: dict[int, list[Mark]] = {}
    for m in sorted(marks, key=lambda m: (m.row, m.col)):
        by_row.setdefault(m.row, []).append(m)
    wanted = sorted(by_row)
    edits: list[tuple[int, int, str]] = []

    def column_style(col: int, row_style: int | None) -> int:
        if row_style is not None:
            return row_style
        return next((s for lo, hi, s in columns if lo <= col <= hi), 0)

    def new_cells(found: list[Mark], row_style: int | None) -> str:
        return "".join(f'<c r="{m.ref}" s="{styles.marked(column_style(m.col, row_style), m.color)}"/>' for m in found)

    if data_tag.group(0).endswith("/>"):
        rows = "".join(f'<row r="{r}">{new_cells(by_row[r], None)}</row>' for r in wanted)
        return [(data_tag.start(), data_tag.end(), data_tag.group(0)[:-2].rstrip() + ">" + rows + "</sheetData>")]
    i = 0  # next wanted row
    last = 0
    for row in _ROW.finditer(xml, data_tag.end(), data_end):
        if i == len(wanted):
            break
        try:
            r = int(get_attr(row.group(0), "r") or "")
        except ValueError as exc:
            raise Decline("a row without r") from exc
        if r <= last:
            raise Decline("rows out of order")
        last = r
        while i < len(wanted) and wanted[i] < r:  # rows absent from sheetData go before this one
            edits.append((row.start(), row.start(), f'<row r="{wanted[i]}">{new_cells(by_row[wanted[i]], None)}</row>'))
            i += 1
        if i < len(wanted) and wanted[i] == r:
            s = get_attr(row.group(0), "s") or ""
            row_style = int(s) if is_true(get_attr(row.group(0), "customFormat")) and s.isdigit() else None
            edits += _mark_row(xml, row, r, by_row[r], styles, lambda col, rs=row_style: column_style(col, rs))
            i += 1
    if i < len(wanted):
        rows = "".join(f'<row r="{r}">{new_cells(by_row[r], None)}</row>' for r in wanted[i:])
        edits.append((data_end, data_end, rows))
    return edits


def _mark_row(
    xml: str, row: re.Match[str], r: int, marks: list[Mark], styles: Styles, base: Callable[[int], int]
) -> list[tuple[int, int, str]]:
    """Edits of one row: each marked cell's `s` set, absent cells inserted in column order (their base style
    from `base(column)`)."""
    tag = row.group(0)
    edits: list[tuple[int, int, str]] = []
    if tag.endswith("/>"):
        cells = "".join(f'<c r="{m.ref}" s="{styles.marked(base(m.col), m.color)}"/>' for m in marks)
        return [(row.start(), row.end(), drop_attr(tag[:-2].rstrip() + ">", "spans") + cells + "</row>")]
    end = xml.find("</row>", row.end())
    if end < 0:
        raise Decline("no </row>")
    inserted = False
    i = 0
    last = 0
    for c in _C.finditer(xml, row.end(), end):
        if i == len(marks):
            break
        ref = get_attr(c.group(0), "r")
        if ref is None:
            raise Decline("a cell without r")
        cr, col = plain_cell(ref)
        if cr != r or col <= last:
            raise Decline("cells out of order")
        last = col
        while i < len(marks) and marks[i].col < col:
            m = marks[i]
            edits.append((c.start(), c.start(), f'<c r="{m.ref}" s="{styles.marked(base(m.col), m.color)}"/>'))
            inserted = True
            i += 1
        if i < len(marks) and marks[i].col == col:
            old = get_attr(c.group(0), "s") or "0"
            if not old.isdigit():
                raise Decline("bad s")
            edits.append(
                (c.start(), c.end(), set_attrs(c.group(0), {"s": str(styles.marked(int(old), marks[i].color))}))
            )
            i += 1
    if i < len(marks):
        cells = "".join(f'<c r="{m.ref}" s="{styles.marked(base(m.col), m.color)}"/>' for m in marks[i:])
        edits.append((end, end, cells))
        inserted = True
    if inserted and get_attr(tag, "spans") is not None:  # a hint only; dropped rather than recomputed
        edits.append((row.start(), row.end(), drop_attr(tag, "spans")))
    return edits


def comments_part(marks: list[Mark], author: str) -> str:
    comments = "".join(
        f'<comment ref="{m.ref}" authorId="0" shapeId="0"><text><t xml:space="preserve">{escape_text(m.comment)}</t>'
        "</text></comment>"
        for m in marks
    )
    return (
        f'{XML_DECLARATION}<comments xmlns="{NS_MAIN}"><authors><author>{escape_text(author)}</author></authors>'
        f"<commentList>{comments}</commentList></comments>"
    )


def vml_part(marks: list[Mark], first_block: int) -> tuple[str, int]:
    """The legacy drawing holding one hidden note shape per comment (as openpyxl's `ShapeWriter` writes it, at
    `COMMENT_SIZE`), and the next free shape-id block: shape ids live in blocks of 1024 that `o:idmap` lists."""
    width, height = COMMENT_SIZE
    first_id = first_block * 1024 + 1
    last_block = (first_id + len(marks) - 1) // 1024
    shapes = "".join(
        f'<v:shape id="_x0000_s{first_id + i}" type="#_x0000_t202" style="position:absolute; margin-left:59.25pt;'
        f'margin-top:1.5pt;width:{width}px;height:{height}px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
        'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:AutoFill>False</x:AutoFill><x:Row>{m.row - 1}</x:Row><x:Column>{m.col - 1}</x:Column></x:ClientData>"
        "</v:shape>"
        for i, m in enumerate(marks)
    )
    blocks = ",".join(str(b) for b in range(first_block, last_block + 1))
    xml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{shapes}</xml>"
    )
    return xml, last_block + 1
