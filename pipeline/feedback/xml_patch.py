"""The feedback workbook written by patching the submitted file's XML parts as text: no openpyxl load and save.

openpyxl takes ~35 ms to load a submission and ~26 ms to save it, the largest cost left in the nightly batch
(issue 8). The feedback copy changes little of a workbook: one new sheet, a few cells' styles, a comments part.
So the parts that must change are edited where they stand (a regex or a small tag scan finds the spot, a string
is inserted or an attribute replaced: `xml_edit`) and every other part is copied byte for byte. Parts are never parsed and
re-serialised: ElementTree renames namespace prefixes, and `mc:Ignorable="x14ac xr"` names prefixes, so Excel
would "repair" the file. Every part changed or created is checked well-formed with expat before the zip is
written.

Anything unusual makes the patcher decline (`Decline`), and `write.write_feedback` then uses openpyxl: a
strict-OOXML or template package (a macro-enabled one arrives here without its macros), a DTD in any XML part, a
prefixed root element, a marked sheet that has comments or a legacy drawing already, a VML part already in the
package, a cell reference that is not plain `J7`, rows or cells without `r`, and whatever cannot be located
unambiguously. Files over the caps openpyxl is
given (`xlsx.package.COPY_MAX_BYTES`, `COPY_MAX_MERGED`) are declined too, so that both writers agree on which
files get a copy; members are read by `xlsx.package.capped_parts` and stripped to values only by
`values_package.values_only_parts` (formulas replaced by their cached values, macros, links, connections and
embedded objects dropped), as for openpyxl.

This module puts the patch together; the parts are edited by `xml_package` (relationships, the workbook part,
content types, the zip), `xml_styles`, `xml_cells` (the marked sheets, comments, print settings) and `xml_review`
(the new sheet). A marked sheet prints its marked rows (`_print_areas`); a marked goal sheet also gets the
template's print settings (`template.goal_print`: its `pageSetup`, `pageMargins`, `fitToPage` and print titles),
as openpyxl gives them, so that its rows print several pages wide at 8 pt or more rather than at 3 pt.
What both writers show (texts, headings, which cells, comment texts, the sheet name) comes from `review`.
Deliberate differences from the openpyxl path, none visible to openpyxl reading the result:
- a marked cell that is absent from sheetData is given the style Excel shows for it (its row's style when the
  row has `customFormat`, else its column's) plus the fill, where openpyxl starts from the default style (and
  so would lock, on a protected sheet, the very cell the submitter has to fix);
- a hidden cell of a merged range is not touched at all (openpyxl fills it, invisibly, and cannot comment it);
- `docProps/app.xml` keeps its list of sheet titles without the new sheet, as many writers leave it: Excel
  and LibreOffice rebuild it on save and read nothing from it;
- the goal sheets' `<dimension>` is left as it is when a new cell lies outside it (it is a hint; Excel and
  openpyxl recompute it).
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.findings import Finding
from pipeline.feedback.review import (
    comment_author,
    comment_text,
    mark_color,
    marked_cells,
    printed_rows,
    quote_sheet,
    review,
    wants_copy,
)
from pipeline.feedback.values_package import values_only_parts
from pipeline.feedback.xml_cells import Mark, comments_part, mark_sheet, unselect_sheet, vml_part
from pipeline.feedback.xml_edit import Decline, decode_part, parse_part, plain_cell
from pipeline.feedback.xml_package import (
    CT_COMMENTS,
    CT_MAIN,
    CT_VML,
    CT_WORKSHEET,
    REL_COMMENTS,
    REL_OFFICE_DOCUMENT,
    REL_STYLES,
    REL_VML,
    REL_WORKSHEET,
    SHEET_RELS,
    Package,
    add_relationships,
    free_id,
    patch_content_types,
    patch_workbook_xml,
    read_package,
    relationships,
    rels_name,
    zip_package,
)
from pipeline.feedback.xml_review import review_sheet
from pipeline.feedback.xml_styles import Styles
from pipeline.system.atomic import write_bytes_atomically
from pipeline.template.goal_print import GOAL_SHEETS, MARGINS, PAGE_SETUP, print_titles
from pipeline.xlsx.package import NS_CT, NS_MAIN, NS_R, WORKBOOK_PART
from pipeline.xlsx.xmltext import unescape

log = logging.getLogger(__name__)

WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"


def write_fast(original: Path, findings: Sequence[Finding], out: Path, lang: str, file_name: str) -> Path | None:
    """Write the feedback copy of `original` to `out` (atomically) and return `out`, or None when declined.

    None also when the file must not be copied at all (`review.wants_copy`): the findings-only workbook is the
    openpyxl writer's."""
    if not wants_copy(findings):
        return None
    try:
        data = patched_workbook(original, findings, lang, file_name)
    except Decline as exc:
        log.debug("feedback: XML patch declined for %s: %s", original, exc)
        return None
    return write_bytes_atomically(out, data)


@dataclass
class _Workbook:
    """The workbook part as the patch reads it."""

    xml: str
    rels: dict[str, dict[str, str]]  # relationship id -> its id, type and target part
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> part, in workbook order
    worksheets: set[str] = field(default_factory=set)  # the names of those that are worksheets
    sheet_ids: list[int] = field(default_factory=list)


@dataclass
class _Patch:
    """The parts changed and created so far (name -> XML), and the content types the created ones need."""

    changed: dict[str, str] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)
    content_types: list[tuple[str, str]] = field(default_factory=list)
    marked_rows: dict[str, set[int]] = field(default_factory=dict)  # sheet → the rows of its marks made


def patched_workbook(original: Path, findings: Sequence[Finding], lang: str, file_name: str) -> bytes:
    """The bytes of the feedback copy of `original`; raises `Decline` for anything it does not handle."""
    pkg = read_package(values_only_parts(original))
    defaults = _vml_defaults(pkg)
    book = _workbook(pkg)
    styles_name, styles = _styles(pkg, book)
    by_sheet = _marks(findings, book, lang)
    content = review(file_name, findings, lang, list(book.sheets))
    new_sheet = pkg.free_name("xl/worksheets/sheet%d.xml")
    patch = _Patch(content_types=[(new_sheet, CT_WORKSHEET)])
    _mark_sheets(pkg, book, by_sheet, styles, comment_author(lang), patch)
    patch.created[new_sheet] = review_sheet(content, styles)
    patch.changed[styles_name] = styles.patched()
    rid = free_id(set(book.rels))
    patch.changed[WORKBOOK_RELS] = add_relationships(
        decode_part(WORKBOOK_RELS, pkg.parts[WORKBOOK_RELS]),
        WORKBOOK_RELS,
        [(rid, REL_WORKSHEET, posixpath.relpath(new_sheet, "xl"))],
    )
    areas, titles = _print_areas(book, patch)
    patch.changed[WORKBOOK_PART] = patch_workbook_xml(
        book.xml, content.sheet, max(book.sheet_ids) + 1, rid, content.filter_ref, areas, titles
    )
    patch.changed[CONTENT_TYPES] = patch_content_types(
        decode_part(CONTENT_TYPES, pkg.parts[CONTENT_TYPES]),
        patch.content_types,
        vml_default=any(n.endswith(".vml") for n in patch.created) and "vml" not in defaults,
    )
    return zip_package(pkg, patch.changed, patch.created)


_TITLE_ROWS = re.compile(r"!(\$?\d+:\$?(\d+))\s*(?:,|$)")
_DIMENSION = re.compile(r'<dimension\s+ref="[A-Z]+\d+:([A-Z]+)\d+"')


def _print_areas(book: _Workbook, patch: _Patch) -> tuple[dict[int, str], dict[int, str]]:
    """Each marked sheet's print area (by its index): the marked rows' span (`review.printed_rows`) below its
    print titles, across its used columns; and the goal sheet's print titles: its heading rows and the goal's
    columns (`template.goal_print`)."""
    names = list(book.sheets)
    rows: dict[int, tuple[str, int]] = {}  # sheet index → its print-title rows ("$4:$4") and the last one
    for m in re.finditer(r"<definedName\b([^>]*)>([^<]*)</definedName>", book.xml):
        local = re.search(r'localSheetId="(\d+)"', m.group(1))
        last = _TITLE_ROWS.search(unescape(m.group(2)))
        if 'name="_xlnm.Print_Titles"' in m.group(1) and local and last:
            rows[int(local.group(1))] = (last.group(1), int(last.group(2)))
    areas, titles = {}, {}
    for sheet, marked in patch.marked_rows.items():
        index = names.index(sheet)
        span = printed_rows(marked, rows.get(index, ("", 0))[1])
        xml = patch.changed.get(book.sheets[sheet], "")
        dimension = _DIMENSION.search(xml[:4096])
        if span is not None and dimension is not None:
            last_col = dimension.group(1)
            areas[index] = f"{quote_sheet(sheet)}!$A${span[0]}:${last_col}${span[1]}"
        if sheet in GOAL_SHEETS:
            titles[index] = print_titles(quote_sheet(sheet), rows.get(index, ("", 0))[0] or None)
    return areas, titles


def _vml_defaults(pkg: Package) -> dict[str, str | None]:
    """The package's Default content types by extension, once it is known to be a plain .xlsx workbook whose
    main part is xl/workbook.xml, with no VML part yet."""
    parts = pkg.parts
    office = [r for r in relationships(pkg, "") if r["type"] == REL_OFFICE_DOCUMENT] if "_rels/.rels" in parts else []
    if len(office) != 1 or office[0]["target"] != WORKBOOK_PART:
        raise Decline("the workbook part is not xl/workbook.xml")
    types = parse_part(parts[CONTENT_TYPES], CONTENT_TYPES) if CONTENT_TYPES in parts else None
    if types is None or types.tag != f"{{{NS_CT}}}Types":
        raise Decline("no [Content_Types].xml")
    overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in types if o.tag.endswith("Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types if d.tag.endswith("Default")}
    if overrides.get("/xl/workbook.xml") != CT_MAIN:
        raise Decline("not a plain .xlsx workbook (macro-enabled, template or strict)")
    if any(n.lower().endswith(".vml") for n in parts) or "vml" in defaults and defaults["vml"] != CT_VML:
        raise Decline("a VML part already (shape ids would have to be shared)")
    return defaults


def _workbook(pkg: Package) -> _Workbook:
    """The workbook part, its relationships and its sheets (each with its part)."""
    parts = pkg.parts
    xml = decode_part(WORKBOOK_PART, parts[WORKBOOK_PART])
    root = parse_part(parts[WORKBOOK_PART], WORKBOOK_PART)
    if root.tag != f"{{{NS_MAIN}}}workbook":
        raise Decline("workbook not in the transitional main namespace")
    if WORKBOOK_RELS not in parts:
        raise Decline("no workbook relationships")
    book = _Workbook(xml, {r["id"]: r for r in relationships(pkg, WORKBOOK_PART)})
    sheets_elem = root.find(f"{{{NS_MAIN}}}sheets")
    for s in [] if sheets_elem is None else list(sheets_elem):
        rel = book.rels.get(s.get(f"{{{NS_R}}}id", ""))
        name = s.get("name")
        if rel is None or rel["type"] not in SHEET_RELS or rel["target"] not in parts or name is None:
            raise Decline("a sheet without its part")
        if name.casefold() in {n.casefold() for n in book.sheets} or rel["target"] in book.sheets.values():
            raise Decline("two sheets with one name or one part")
        book.sheets[name] = rel["target"]
        if rel["type"] == REL_WORKSHEET:
            book.worksheets.add(name)
        try:
            book.sheet_ids.append(int(s.get("sheetId", "")))
        except ValueError as exc:
            raise Decline("bad sheetId") from exc
    if not book.sheets:
        raise Decline("no sheets")
    return book


def _styles(pkg: Package, book: _Workbook) -> tuple[str, Styles]:
    """The styles part's name and its contents, ready for formats to be added."""
    styles_rel = [r for r in book.rels.values() if r["type"] == REL_STYLES]
    if len(styles_rel) != 1 or styles_rel[0]["target"] not in pkg.parts:
        raise Decline("no styles part")
    name = styles_rel[0]["target"]
    return name, Styles.parse(decode_part(name, pkg.parts[name]))


def _marks(findings: Sequence[Finding], book: _Workbook, lang: str) -> dict[str, list[Mark]]:
    """The marks, sheet by sheet, as the openpyxl writer picks them."""
    by_sheet: dict[str, list[Mark]] = {}
    for sheet, ref, found in marked_cells(findings, list(book.sheets)):
        if sheet not in book.worksheets:
            raise Decline("a finding on a sheet that is not a worksheet")
        row, col = plain_cell(ref)
        by_sheet.setdefault(sheet, []).append(Mark(row, col, ref, mark_color(found), comment_text(found, lang)))
    return by_sheet


def _mark_sheets(
    pkg: Package, book: _Workbook, by_sheet: dict[str, list[Mark]], styles: Styles, author: str, patch: _Patch
) -> None:
    """Each marked sheet with its cells marked and its comments (two new parts and their relationships); every
    other sheet's tab unselected."""
    parts = pkg.parts
    block = 1
    for sheet, marks in by_sheet.items():
        part = book.sheets[sheet]
        sheet_rels = relationships(pkg, part)
        if any(r["type"] in (REL_COMMENTS, REL_VML) for r in sheet_rels):
            raise Decline("a marked sheet has comments already")
        used = {r["id"] for r in sheet_rels}
        comments_rid, vml_rid = free_id(used), free_id(used)
        setup = (PAGE_SETUP, {k: str(v) for k, v in MARGINS.items()}) if sheet in GOAL_SHEETS else None
        xml, made = mark_sheet(decode_part(part, parts[part]), marks, styles, vml_rid, setup)
        if not made:  # every mark hidden by a merged range: only the tab is unselected
            _unselect(pkg, part, patch)
            continue
        made.sort(key=lambda m: (m.row, m.col))
        patch.marked_rows[sheet] = {m.row for m in made}
        comments = pkg.free_name("xl/comments%d.xml")
        vml = pkg.free_name("xl/drawings/commentsDrawing%d.vml")
        patch.created[comments] = comments_part(made, author)
        patch.created[vml], block = vml_part(made, block)
        folder = posixpath.dirname(part)
        new_rels = [
            (comments_rid, REL_COMMENTS, posixpath.relpath(comments, folder)),
            (vml_rid, REL_VML, posixpath.relpath(vml, folder)),
        ]
        sheet_rels_name = rels_name(part)
        existing = decode_part(sheet_rels_name, parts[sheet_rels_name]) if sheet_rels_name in parts else None
        (patch.changed if existing is not None else patch.created)[sheet_rels_name] = add_relationships(
            existing, sheet_rels_name, new_rels
        )
        patch.changed[part] = xml
        patch.content_types.append((comments, CT_COMMENTS))
    for sheet, part in book.sheets.items():
        if sheet not in by_sheet:
            _unselect(pkg, part, patch)


def _unselect(pkg: Package, part: str, patch: _Patch) -> None:
    xml = unselect_sheet(decode_part(part, pkg.parts[part]))
    if xml is not None:
        patch.changed[part] = xml
