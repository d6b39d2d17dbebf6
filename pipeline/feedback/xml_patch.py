"""The feedback workbook written by patching the submitted file's XML parts as text: no openpyxl load and save.

openpyxl takes ~35 ms to load a submission and ~26 ms to save it, the largest cost left in the nightly batch
(issue 8). The feedback copy changes little of a workbook: one new sheet, a few cells' styles, a comments part.
So the parts that must change are edited where they stand (a regex or a small tag scan finds the spot, a string
is inserted or an attribute replaced) and every other part is copied byte for byte. Parts are never parsed and
re-serialised: ElementTree renames namespace prefixes, and `mc:Ignorable="x14ac xr"` names prefixes, so Excel
would "repair" the file. Every part changed or created is checked well-formed with expat before the zip is
written.

Anything unusual makes the patcher decline (`Decline`), and `feedback.write_feedback` then uses openpyxl: a
strict-OOXML or macro-enabled package, a DTD in any XML part, a prefixed root element, a marked sheet that has
comments or a legacy drawing already, a VML part already in the package, a cell reference that is not plain
`J7`, rows or cells without `r`, and whatever cannot be located unambiguously. Files over the caps openpyxl is
given (`sniff.COPY_MAX_BYTES`, `COPY_MAX_MERGED`) are declined too, so that both writers agree on which files get
a copy; members are read by `sniff.capped_parts`, as for openpyxl.

What both writers show (texts, headings, which cells, comment texts, the sheet name) comes from `feedback`.
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

import io
import logging
import posixpath
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from pipeline.core.findings import Finding
from pipeline.core.layout import column_letter
from pipeline.feedback.review import (
    HEADER_FILL,
    HEADER_ROW,
    LINK_COLOR,
    RED,
    WIDTHS,
    YELLOW,
    Review,
    comment_author,
    comment_text,
    mark_color,
    marked_cells,
    quote_sheet,
    review,
    wants_copy,
)

log = logging.getLogger(__name__)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_COMMENTS = NS_R + "/comments"
REL_VML = NS_R + "/vmlDrawing"
SHEET_RELS = frozenset({REL_WORKSHEET, NS_R + "/chartsheet", NS_R + "/dialogsheet", NS_R + "/xlMacrosheet"})
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_COLUMN = 16384
MAX_ROW = 1_048_576
ZIP_LEVEL = 1
"""Deflate level of the copy: every part is re-deflated (zipfile cannot copy a member's compressed bytes), and
level 1 takes half the time of the default 6 for a file ~20 % larger (24 kB against 18 kB for a submission)."""
MAX_MERGE_RANGES = 1_000
"""More merged ranges than this on a marked sheet: declined (membership is checked range by range, up to
MAX_MARKED_CELLS × this many comparisons)."""
LEGACY_DRAWING_BEFORE = frozenset(
    {"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"}
)
"""CT_Worksheet's children that come after `legacyDrawing`: it goes before the first of them."""
DEFINED_NAMES_BEFORE = (
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)
"""CT_Workbook's children that come after `definedNames`."""

_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_ATTR = re.compile(r"""(\s+)([\w.:-]+)(\s*=\s*)("[^"]*"|'[^']*')""")
_TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)(" + _ATTRS + r")>")
_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_ROOT = re.compile(r"\A(?:\ufeff)?\s*(?:<\?xml(?:[^?]|\?(?!>))*\?>)?\s*<([A-Za-z_][\w.:-]*)(" + _ATTRS + r")>")
_ENCODING = re.compile(r"""\A(?:\ufeff)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")
_CHAR_REF = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ODD_VALUE = re.compile(rb"<v>(?![-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?</v>)")
"""A `<v>` not holding a plain number: fine in a text, error or date cell, fatal in a numeric one."""
_TEXT_TYPES = frozenset({"str", "s", "e", "d", "inlineStr"})


class Decline(Exception):
    """The patcher does not handle this file; openpyxl will (the reason is logged at debug level)."""


def write_fast(original: Path, findings: Sequence[Finding], out: Path, lang: str, file_name: str) -> Path | None:
    """Write the feedback copy of `original` to `out` (atomically) and return `out`, or None when declined.

    None also when the file must not be copied at all (`feedback.wants_copy`): the findings-only workbook is the
    openpyxl path's."""
    from pipeline.system.atomic import write_bytes_atomically

    if not wants_copy(findings):
        return None
    try:
        data = patched_workbook(original, findings, lang, file_name)
    except Decline as exc:
        log.debug("feedback: XML patch declined for %s: %s", original, exc)
        return None
    return write_bytes_atomically(out, data)


# --- small text tools ----------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    """An attribute value, quotes included; tabs and newlines as character references so they survive."""
    return '"' + _text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;") + '"'


def _unescape(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _ENTITIES[ref]

    return _CHAR_REF.sub(one, value)


def _attrs(tag: str) -> dict[str, str]:
    """The attributes of one start tag, values unescaped."""
    return {m.group(2): _unescape(m.group(4)[1:-1]) for m in _ATTR.finditer(tag)}


_ONE_ATTR: dict[str, re.Pattern[str]] = {}


def _get(tag: str, name: str) -> str | None:
    """One attribute of a start tag, unescaped (cheaper than `_attrs` on tags with many attributes)."""
    pattern = _ONE_ATTR.get(name)
    if pattern is None:
        pattern = _ONE_ATTR[name] = re.compile(r"""\s""" + re.escape(name) + r"""\s*=\s*("[^"]*"|'[^']*')""")
    m = pattern.search(tag)
    return None if m is None else _unescape(m.group(1)[1:-1])


def _set_attrs(tag: str, values: dict[str, str]) -> str:
    """The start tag with these attributes replaced or added (values already escaped, no quotes); the rest of
    the tag, prefixes and quoting included, is kept as it was."""
    todo = dict(values)

    def repl(m: re.Match[str]) -> str:
        name = m.group(2)
        if name in todo:
            return f'{m.group(1)}{name}{m.group(3)}"{todo.pop(name)}"'
        return m.group(0)

    tag = _ATTR.sub(repl, tag)
    if todo:
        added = "".join(f' {k}="{v}"' for k, v in todo.items())
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        tag = tag[:end].rstrip() + added + tag[end:]
    return tag


def _start_tags(name: str) -> re.Pattern[str]:
    return re.compile(r"<" + re.escape(name) + r"(?=[\s/>])" + _ATTRS + ">")


def _one(pattern: re.Pattern[str], text: str, what: str, start: int = 0, end: int | None = None) -> re.Match[str]:
    found = list(pattern.finditer(text, start, len(text) if end is None else end))
    if len(found) != 1:
        raise Decline(f"{len(found)} {what}")
    return found[0]


def _end_of(text: str, start_tag: re.Match[str], name: str) -> int:
    """Index of `</name>` closing the element whose start tag matched (the element must not nest itself)."""
    if start_tag.group(0).endswith("/>"):
        return start_tag.end()
    end = text.find(f"</{name}>", start_tag.end())
    if end < 0:
        raise Decline(f"no </{name}>")
    return end


def _root(xml: str, name: str) -> re.Match[str]:
    """The root start tag, which must be `name`, unprefixed, in the transitional main namespace (or the one its
    part type uses); a comment, a CDATA section or a processing instruction after the prolog is declined too."""
    m = _ROOT.match(xml)
    if m is None or m.group(1) != name:
        raise Decline(f"root is not <{name}>")
    if "<!--" in xml or "<![CDATA[" in xml or "<?" in xml[m.start(1) :]:
        raise Decline(f"comment, CDATA or processing instruction in <{name}>")
    return m


def _main_namespace(root: re.Match[str], what: str) -> None:
    """Strict OOXML (purl.oclc.org) and other default namespaces are declined."""
    if _get(root.group(0), "xmlns") != NS_MAIN:
        raise Decline(f"{what} not in the transitional main namespace")


def _prefix_for(root_tag: str, namespace: str) -> str | None:
    for m in _ATTR.finditer(root_tag):
        if m.group(2).startswith("xmlns:") and _unescape(m.group(4)[1:-1]) == namespace:
            return m.group(2)[6:]
    return None


def _decode(name: str, data: bytes) -> str:
    m = _ENCODING.match(data[:200].decode("ascii", "replace"))
    if m and m.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Decline(f"{name}: encoding {m.group(1)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Decline(f"{name}: not UTF-8") from exc


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell(ref: str) -> tuple[int, int]:
    """(row, column) of a plain reference `J7`; anything else (lower case, `$`, a range) is declined."""
    m = _REF.fullmatch(ref)
    if m is None:
        raise Decline(f"cell reference {ref!r}")
    row, col = int(m.group(2)), _column(m.group(1))
    if row > MAX_ROW or col > MAX_COLUMN:
        raise Decline(f"cell reference {ref!r} outside the grid")
    return row, col


def _true(value: str | None) -> bool:
    return (value or "").strip() in ("1", "true")


def _well_formed(name: str, data: bytes) -> None:
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError as exc:
        raise Decline(f"{name} would not be well-formed: {exc}") from exc


def _elem(data: bytes, name: str) -> ET.Element:
    """A small part parsed for reading only (relationships, content types, the workbook); never written back."""
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise Decline(f"{name}: {exc}") from exc


# --- the package ---------------------------------------------------------------------------------------------


@dataclass
class Package:
    """The submitted file's parts, read within the caps the openpyxl path uses."""

    infos: list[zipfile.ZipInfo]
    parts: dict[str, bytes]
    lower: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.lower = {n.lower() for n in self.parts}

    def free_name(self, pattern: str) -> str:
        """`pattern` with the first number that names no part yet (part names compare case-insensitively)."""
        n = 1
        while (pattern % n).lower() in self.lower:
            n += 1
        name = pattern % n
        self.lower.add(name.lower())
        return name


def read_package(path: Path) -> Package:
    from pipeline.xlsx.package import capped_parts

    read = capped_parts(path)
    if read is None:
        raise Decline("not a sound xlsx, or over the copy's caps")
    parts: dict[str, bytes] = {}
    for info, data in read:
        if info.filename in parts:
            raise Decline(f"{info.filename} twice in the zip")
        if info.filename.startswith("xl/worksheets/"):
            _check_numbers(info.filename, data)
        parts[info.filename] = data
    for name, data in parts.items():
        if name.lower().endswith((".xml", ".rels", ".vml")):
            if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:64]:
                raise Decline(f"{name}: UTF-16")
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise Decline(f"{name}: DTD")
    return Package([info for info, _ in read], parts)


def _check_numbers(name: str, data: bytes) -> None:
    """Decline a sheet with a numeric cell whose value is not a number (`NaN`, `INF`, empty): Excel refuses such
    a workbook and openpyxl cannot load it (the openpyxl path then writes the findings-only workbook), so a
    byte-for-byte copy would hand the submitter a file that does not open."""
    for m in _ODD_VALUE.finditer(data):
        start = max(data.rfind(b"<c ", 0, m.start()), data.rfind(b"<c\t", 0, m.start()))
        tag = _start_tags("c").match(data[start : m.start()].decode("utf-8", "replace")) if start >= 0 else None
        if tag is None or _get(tag.group(0), "t") not in _TEXT_TYPES:
            raise Decline(f"{name}: a numeric cell that holds no number")


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(pkg: Package, part: str) -> list[dict[str, str]]:
    """The relationships of `part` (targets resolved to part names), [] when it has no rels part."""
    name = _rels_name(part)
    if name not in pkg.parts:
        return []
    root = _elem(pkg.parts[name], name)
    if root.tag != f"{{{NS_PKG_REL}}}Relationships":
        raise Decline(f"{name}: not a relationships part")
    out = []
    folder = posixpath.dirname(part)
    for rel in root:
        rel_id, kind, target = rel.get("Id"), rel.get("Type"), rel.get("Target")
        if not rel_id or not kind or target is None:
            raise Decline(f"{name}: incomplete relationship")
        if rel.get("TargetMode") == "External":
            resolved = ""
        elif target.startswith("/"):
            resolved = target[1:]
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out.append({"id": rel_id, "type": kind, "target": resolved})
    return out


def _free_id(used: set[str]) -> str:
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    used.add(f"rId{n}")
    return f"rId{n}"


def _add_relationships(xml: str | None, name: str, new: list[tuple[str, str, str]]) -> str:
    """A rels part with these (Id, Type, Target) added; a new part when `xml` is None."""
    added = "".join(f"<Relationship Id={_attr(i)} Type={_attr(t)} Target={_attr(g)}/>" for i, t, g in new)
    if xml is None:
        return f'{XML_DECLARATION}<Relationships xmlns="{NS_PKG_REL}">{added}</Relationships>'
    root = _root(xml, "Relationships")
    if root.group(0).endswith("/>"):
        return xml[: root.start()] + root.group(0)[:-2] + ">" + added + "</Relationships>" + xml[root.end() :]
    end = xml.rfind("</Relationships>")
    if end < 0:
        raise Decline(f"{name}: no </Relationships>")
    return xml[:end] + added + xml[end:]


# --- styles --------------------------------------------------------------------------------------------------


@dataclass
class Styles:
    """xl/styles.xml with fonts, fills and cell formats appended; `marked` and `plain` hand out cellXfs indexes."""

    xml: str
    fonts: list[str] = field(default_factory=list)
    fills: list[str] = field(default_factory=list)
    xfs: list[str] = field(default_factory=list)  # new <xf> elements
    font_count: int = 0
    fill_count: int = 0
    existing_xfs: list[str] = field(default_factory=list)  # the cellXfs children as written
    _fill_ids: dict[str, int] = field(default_factory=dict)
    _font_ids: dict[str, int] = field(default_factory=dict)
    _marked: dict[tuple[int, str], int] = field(default_factory=dict)
    _plain: dict[tuple[int, int, bool], int] = field(default_factory=dict)

    @classmethod
    def parse(cls, xml: str) -> Styles:
        _main_namespace(_root(xml, "styleSheet"), "styles")
        styles = cls(xml)
        styles.font_count = len(_start_tags("font").findall(styles._section("fonts")))
        styles.fill_count = len(_start_tags("fill").findall(styles._section("fills")))
        xfs = styles._section("cellXfs")
        for m in _start_tags("xf").finditer(xfs):
            styles.existing_xfs.append(xfs[m.start() : _end_of(xfs, m, "xf") + (0 if m.group(0).endswith("/>") else 5)])
        if not styles.font_count or not styles.fill_count or not styles.existing_xfs:
            raise Decline("styles: no fonts, fills or cellXfs")
        if not _start_tags("xf").search(styles._section("cellStyleXfs")):
            raise Decline("styles: no cellStyleXfs")
        return styles

    def _span(self, name: str) -> tuple[re.Match[str], int]:
        start = _one(_start_tags(name), self.xml, f"<{name}>")
        if start.group(0).endswith("/>"):
            raise Decline(f"styles: empty <{name}/>")
        return start, _end_of(self.xml, start, name)

    def _section(self, name: str) -> str:
        start, end = self._span(name)
        return self.xml[start.end() : end]

    def fill(self, rgb: str) -> int:
        if rgb not in self._fill_ids:
            self._fill_ids[rgb] = self.fill_count + len(self.fills)
            self.fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/></patternFill></fill>')
        return self._fill_ids[rgb]

    def font(self, xml: str) -> int:
        if xml not in self._font_ids:
            self._font_ids[xml] = self.font_count + len(self.fonts)
            self.fonts.append(xml)
        return self._font_ids[xml]

    def _new_xf(self, xml: str) -> int:
        self.xfs.append(xml)
        return len(self.existing_xfs) + len(self.xfs) - 1

    def marked(self, base: int, rgb: str) -> int:
        """A copy of cell format `base` (alignment, protection and all) with a solid fill: one per (base, colour)."""
        key = (base, rgb)
        if key not in self._marked:
            if base >= len(self.existing_xfs):
                raise Decline(f"style index {base} out of range")
            xf = self.existing_xfs[base]
            tag = _start_tags("xf").match(xf)
            assert tag is not None
            new = _set_attrs(tag.group(0), {"fillId": str(self.fill(rgb)), "applyFill": "1"}) + xf[tag.end() :]
            self._marked[key] = self._new_xf(new)
        return self._marked[key]

    def plain(self, font: int = 0, fill: int = 0, wrap: bool = False) -> int:
        """A cell format of the findings sheet (the openpyxl path's: a font, a fill, top-aligned wrapped text)."""
        key = (font, fill, wrap)
        if key not in self._plain:
            attrs = f'numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            attrs += ' applyFont="1"' if font else ""
            attrs += ' applyFill="1"' if fill else ""
            if wrap:
                xml = f'<xf {attrs} applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
            else:
                xml = f"<xf {attrs}/>"
            self._plain[key] = self._new_xf(xml)
        return self._plain[key]

    def patched(self) -> str:
        xml = self.xml
        edits = []
        for name, count, added in (
            ("fonts", self.font_count, self.fonts),
            ("fills", self.fill_count, self.fills),
            ("cellXfs", len(self.existing_xfs), self.xfs),
        ):
            if added:
                start, end = self._span(name)
                edits.append(
                    (start.start(), start.end(), _set_attrs(start.group(0), {"count": str(count + len(added))}))
                )
                edits.append((end, end, "".join(added)))
        return _apply(xml, edits)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement) applied; the spans must not overlap."""
    out = []
    at = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < at:
            raise Decline("overlapping edits")
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


# --- worksheets ----------------------------------------------------------------------------------------------


@dataclass
class Mark:
    row: int
    col: int
    ref: str
    color: str
    comment: str


def _merged_ranges(tail: str) -> list[tuple[int, int, int, int]]:
    ranges = []
    for m in _start_tags("mergeCell").finditer(tail):
        ref = _get(m.group(0), "ref") or ""
        first, _, last = ref.partition(":")
        r1, c1 = _cell(first)
        r2, c2 = _cell(last) if last else (r1, c1)
        ranges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        if len(ranges) > MAX_MERGE_RANGES:
            raise Decline("too many merged ranges")
    return ranges


def _hidden_by_merge(row: int, col: int, ranges: list[tuple[int, int, int, int]]) -> bool:
    """A cell inside a merged range other than its top-left one (bounds only: a range is never expanded)."""
    return any(r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1) for r1, c1, r2, c2 in ranges)


def _top_level(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """(name, offset) of the elements directly in text[start:end], which must hold whole elements."""
    out = []
    depth = 0
    for m in _TAG.finditer(text, start, end):
        closing, name, self_closing = m.group(1), m.group(2), m.group(0).endswith("/>")
        if closing:
            depth -= 1
            if depth < 0:
                raise Decline("unbalanced tags")
            continue
        if depth == 0:
            out.append((name, m.start()))
        if not self_closing:
            depth += 1
    if depth:
        raise Decline("unbalanced tags")
    return out


def _unselect(xml: str, head_end: int) -> list[tuple[int, int, str]]:
    """Edits turning `tabSelected` off in the sheet views (found before sheetData)."""
    edits = []
    for m in _start_tags("sheetView").finditer(xml, 0, head_end):
        if _true(_get(m.group(0), "tabSelected")):
            edits.append((m.start(), m.end(), _set_attrs(m.group(0), {"tabSelected": "0"})))
    return edits


def unselect_sheet(xml: str) -> str | None:
    """A sheet part with its tab no longer selected, None when it was not selected."""
    root = _ROOT.match(xml)
    if root is None or ":" in root.group(1):
        raise Decline("a sheet part with a prefixed root")
    sheet_data = xml.find("<sheetData")
    edits = _unselect(xml, len(xml) if sheet_data < 0 else sheet_data)
    return _apply(xml, edits) if edits else None


def _column_styles(head: str) -> list[tuple[int, int, int]]:
    out = []
    for m in _start_tags("col").finditer(head):
        tag = m.group(0)
        style = _get(tag, "style")
        if style is not None:
            try:
                out.append((int(_get(tag, "min") or ""), int(_get(tag, "max") or ""), int(style)))
            except ValueError as exc:
                raise Decline("bad <col>") from exc
    return out


_ROW = _start_tags("row")
_C = _start_tags("c")


def mark_sheet(xml: str, marks: list[Mark], styles: Styles, legacy_rid: str) -> tuple[str, list[Mark]]:
    """The sheet with its marked cells' styles set (cells and rows inserted where absent), a `legacyDrawing`
    pointing at `legacy_rid`, its tab unselected; and the marks actually made (a merged range's hidden cells
    are skipped as openpyxl skips them)."""
    root = _root(xml, "worksheet")
    _main_namespace(root, "worksheet")
    if "AlternateContent" in xml:
        raise Decline("mc:AlternateContent in a marked sheet")
    data_tag = _one(_start_tags("sheetData"), xml, "<sheetData>")
    data_end = _end_of(xml, data_tag, "sheetData")
    tail_start = data_end if data_tag.group(0).endswith("/>") else data_end + len("</sheetData>")
    close = xml.rfind("</worksheet>")
    if close < tail_start:
        raise Decline("no </worksheet>")
    tail = _top_level(xml, tail_start, close)
    names = [name for name, _ in tail]
    if "legacyDrawing" in names or any(":" in n for n in names):
        raise Decline("marked sheet has a legacyDrawing (or a prefixed element) already")
    merged = _merged_ranges(xml[tail_start:close])
    marks = [m for m in marks if not _hidden_by_merge(m.row, m.col, merged)]
    edits = _unselect(xml, data_tag.start())
    # the legacyDrawing, at its place in CT_Worksheet
    at = next((offset for name, offset in tail if name in LEGACY_DRAWING_BEFORE), close)
    r = _prefix_for(root.group(0), NS_R)
    element = (
        f'<legacyDrawing r:id="{legacy_rid}" xmlns:r="{NS_R}"/>'
        if r is None
        else f'<legacyDrawing {r}:id="{legacy_rid}"/>'
    )
    edits.append((at, at, element))
    if marks:
        columns = _column_styles(xml[: data_tag.start()])
        edits += _mark_cells(xml, data_tag, data_end, marks, styles, columns)
    return _apply(xml, edits), marks


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
            r = int(_get(row.group(0), "r") or "")
        except ValueError as exc:
            raise Decline("a row without r") from exc
        if r <= last:
            raise Decline("rows out of order")
        last = r
        while i < len(wanted) and wanted[i] < r:  # rows absent from sheetData go before this one
            edits.append((row.start(), row.start(), f'<row r="{wanted[i]}">{new_cells(by_row[wanted[i]], None)}</row>'))
            i += 1
        if i < len(wanted) and wanted[i] == r:
            s = _get(row.group(0), "s") or ""
            row_style = int(s) if _true(_get(row.group(0), "customFormat")) and s.isdigit() else None
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
        return [(row.start(), row.end(), _drop_attr(tag[:-2].rstrip() + ">", "spans") + cells + "</row>")]
    end = xml.find("</row>", row.end())
    if end < 0:
        raise Decline("no </row>")
    inserted = False
    i = 0
    last = 0
    for c in _C.finditer(xml, row.end(), end):
        if i == len(marks):
            break
        ref = _get(c.group(0), "r")
        if ref is None:
            raise Decline("a cell without r")
        cr, col = _cell(ref)
        if cr != r or col <= last:
            raise Decline("cells out of order")
        last = col
        while i < len(marks) and marks[i].col < col:
            m = marks[i]
            edits.append((c.start(), c.start(), f'<c r="{m.ref}" s="{styles.marked(base(m.col), m.color)}"/>'))
            inserted = True
            i += 1
        if i < len(marks) and marks[i].col == col:
            old = _get(c.group(0), "s") or "0"
            if not old.isdigit():
                raise Decline("bad s")
            edits.append(
                (c.start(), c.end(), _set_attrs(c.group(0), {"s": str(styles.marked(int(old), marks[i].color))}))
            )
            i += 1
    if i < len(marks):
        cells = "".join(f'<c r="{m.ref}" s="{styles.marked(base(m.col), m.color)}"/>' for m in marks[i:])
        edits.append((end, end, cells))
        inserted = True
    if inserted and _get(tag, "spans") is not None:  # a hint only; dropped rather than recomputed
        edits.append((row.start(), row.end(), _drop_attr(tag, "spans")))
    return edits


def _drop_attr(tag: str, name: str) -> str:
    return _ATTR.sub(lambda m: "" if m.group(2) == name else m.group(0), tag)


# --- new parts -----------------------------------------------------------------------------------------------


def comments_part(marks: list[Mark], author: str) -> str:
    comments = "".join(
        f'<comment ref="{m.ref}" authorId="0" shapeId="0"><text><t xml:space="preserve">{_text(m.comment)}</t>'
        "</text></comment>"
        for m in marks
    )
    return (
        f'{XML_DECLARATION}<comments xmlns="{NS_MAIN}"><authors><author>{_text(author)}</author></authors>'
        f"<commentList>{comments}</commentList></comments>"
    )


def vml_part(marks: list[Mark], first_block: int) -> tuple[str, int]:
    """The legacy drawing holding one hidden note shape per comment (as openpyxl's `ShapeWriter` writes it, at
    320×160 px), and the next free shape-id block: shape ids live in blocks of 1024 that `o:idmap` lists."""
    first_id = first_block * 1024 + 1
    last_block = (first_id + len(marks) - 1) // 1024
    shapes = "".join(
        f'<v:shape id="_x0000_s{first_id + i}" type="#_x0000_t202" style="position:absolute; margin-left:59.25pt;'
        'margin-top:1.5pt;width:320px;height:160px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
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


def review_sheet(content: Review, styles: Styles) -> str:
    """The findings sheet, laid out as the openpyxl path lays it out, with inline strings (a value starting
    with "=" is text: only `<f>` makes a formula)."""

    def cell(ref: str, text: str, s: int = 0) -> str:
        style = f' s="{s}"' if s else ""
        if not text:
            return f'<c r="{ref}"{style}/>'
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'

    title = styles.plain(font=styles.font('<font><b val="1"/><sz val="14"/></font>'))
    header = styles.plain(
        font=styles.font('<font><b val="1"/><color rgb="00FFFFFF"/></font>'), fill=styles.fill(HEADER_FILL)
    )
    wrap = styles.plain(wrap=True)
    link = styles.plain(font=styles.font(f'<font><color rgb="00{LINK_COLOR}"/><u val="single"/></font>'), wrap=True)
    severity = {
        True: styles.plain(fill=styles.fill(RED), wrap=True),
        False: styles.plain(fill=styles.fill(YELLOW), wrap=True),
    }
    rows = [
        f'<row r="1">{cell("A1", content.title, title)}</row>',
        f'<row r="2">{cell("A2", content.file_line)}</row>',
        f'<row r="3">{cell("A3", content.summary)}</row>',
        f'<row r="{HEADER_ROW}">'
        + "".join(cell(f"{column_letter(c)}{HEADER_ROW}", h, header) for c, h in enumerate(content.headings, 1))
        + "</row>",
    ]
    links = []
    for r, row in enumerate(content.rows, start=HEADER_ROW + 1):
        cells = []
        for c, value in enumerate(row.values, start=1):
            s = severity[row.is_error] if c == 1 else link if c == 2 and row.link else wrap
            cells.append(cell(f"{column_letter(c)}{r}", value, s))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        if row.link:
            links.append(f'<hyperlink ref="B{r}" location={_attr(row.link)}/>')
    last = HEADER_ROW + len(content.rows)
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>' for c, w in enumerate(WIDTHS, 1))
    top = f"A{HEADER_ROW + 1}"
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:G{last}"/>'
        f'<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="{HEADER_ROW}" topLeftCell="{top}" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData>"
        + (f'<autoFilter ref="{content.filter_ref}"/>' if content.filter_ref else "")
        + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
        + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>'
    )


# --- the workbook part ---------------------------------------------------------------------------------------


def patch_workbook_xml(xml: str, sheet: str, sheet_id: int, rid: str, filter_ref: str | None) -> str:
    """xl/workbook.xml with the findings sheet first and active, the sheet-local defined names shifted by one
    (their sheet moved right) and the findings sheet's print titles and filter range added."""
    root = _root(xml, "workbook")
    edits: list[tuple[int, int, str]] = []
    r = _prefix_for(root.group(0), NS_R)
    rel_attr = f'r:id="{rid}" xmlns:r="{NS_R}"' if r is None else f'{r}:id="{rid}"'
    sheets = _one(_start_tags("sheets"), xml, "<sheets>")
    if sheets.group(0).endswith("/>"):
        raise Decline("<sheets/> empty")
    edits.append((sheets.end(), sheets.end(), f'<sheet name={_attr(sheet)} sheetId="{sheet_id}" {rel_attr}/>'))
    views = list(_start_tags("workbookView").finditer(xml))
    for m in views:
        edits.append((m.start(), m.end(), _set_attrs(m.group(0), {"activeTab": "0", "firstSheet": "0"})))
    if not views:
        if "<bookViews" in xml:
            raise Decline("<bookViews> without a workbookView")
        edits.append((sheets.start(), sheets.start(), '<bookViews><workbookView activeTab="0"/></bookViews>'))
    quoted = quote_sheet(sheet)
    names = f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{_text(quoted)}!${HEADER_ROW}:${HEADER_ROW}</definedName>'
    if filter_ref:
        first, last = filter_ref.split(":")
        absolute = f"${first[0]}${first[1:]}:${last[0]}${last[1:]}"
        names = (
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{_text(quoted)}!{absolute}'
            f"</definedName>" + names
        )
    for m in _start_tags("definedName").finditer(xml):
        local = _get(m.group(0), "localSheetId")
        if local is not None:
            if not local.strip().isdigit():
                raise Decline("bad localSheetId")
            edits.append((m.start(), m.end(), _set_attrs(m.group(0), {"localSheetId": str(int(local) + 1)})))
    defined = list(_start_tags("definedNames").finditer(xml))
    if len(defined) > 1:
        raise Decline("two <definedNames>")
    if defined:
        m = defined[0]
        if m.group(0).endswith("/>"):
            edits.append((m.start(), m.end(), m.group(0)[:-2].rstrip() + ">" + names + "</definedNames>"))
        else:
            edits.append((m.end(), m.end(), names))
    else:
        close = xml.rfind("</workbook>")
        children = _top_level(xml, root.end(), close)
        after = sheets.end()
        at = next((o for n, o in children if o > after and n in DEFINED_NAMES_BEFORE), close)
        edits.append((at, at, f"<definedNames>{names}</definedNames>"))
    return _apply(xml, edits)


def patch_content_types(xml: str, overrides: list[tuple[str, str]], vml_default: bool) -> str:
    """[Content_Types].xml with an Override per new part, and the `vml` Default (Defaults come first)."""
    root = _root(xml, "Types")
    end = xml.rfind("</Types>")
    if end < 0 or root.group(0).endswith("/>"):
        raise Decline("no </Types>")
    edits = [(end, end, "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides))]
    if vml_default:
        edits.append((root.end(), root.end(), f'<Default Extension="vml" ContentType="{CT_VML}"/>'))
    return _apply(xml, edits)


# --- all together --------------------------------------------------------------------------------------------


def patched_workbook(original: Path, findings: Sequence[Finding], lang: str, file_name: str) -> bytes:
    """The bytes of the feedback copy of `original`; raises `Decline` for anything it does not handle."""
    pkg = read_package(original)
    parts = pkg.parts
    changed: dict[str, str] = {}
    created: dict[str, str] = {}

    office = [r for r in _relationships(pkg, "") if r["type"] == REL_OFFICE_DOCUMENT] if "_rels/.rels" in parts else []
    if len(office) != 1 or office[0]["target"] != "xl/workbook.xml":
        raise Decline("the workbook part is not xl/workbook.xml")
    types = _elem(parts["[Content_Types].xml"], "[Content_Types].xml") if "[Content_Types].xml" in parts else None
    if types is None or types.tag != f"{{{NS_CT}}}Types":
        raise Decline("no [Content_Types].xml")
    overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in types if o.tag.endswith("Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types if d.tag.endswith("Default")}
    if overrides.get("/xl/workbook.xml") != CT_MAIN:
        raise Decline("not a plain .xlsx workbook (macro-enabled, template or strict)")
    if any(n.lower().endswith(".vml") for n in parts) or "vml" in defaults and defaults["vml"] != CT_VML:
        raise Decline("a VML part already (shape ids would have to be shared)")

    workbook = _decode("xl/workbook.xml", parts["xl/workbook.xml"])
    root = _elem(parts["xl/workbook.xml"], "xl/workbook.xml")
    if root.tag != f"{{{NS_MAIN}}}workbook":
        raise Decline("workbook not in the transitional main namespace")
    if "xl/_rels/workbook.xml.rels" not in parts:
        raise Decline("no workbook relationships")
    rels = {r["id"]: r for r in _relationships(pkg, "xl/workbook.xml")}
    sheets: dict[str, str] = {}  # name -> part, in workbook order
    worksheets: set[str] = set()
    sheet_ids = []
    sheets_elem = root.find(f"{{{NS_MAIN}}}sheets")
    for s in [] if sheets_elem is None else list(sheets_elem):
        rel = rels.get(s.get(f"{{{NS_R}}}id", ""))
        name = s.get("name")
        if rel is None or rel["type"] not in SHEET_RELS or rel["target"] not in parts or name is None:
            raise Decline("a sheet without its part")
        if name.casefold() in {n.casefold() for n in sheets} or rel["target"] in sheets.values():
            raise Decline("two sheets with one name or one part")
        sheets[name] = rel["target"]
        if rel["type"] == REL_WORKSHEET:
            worksheets.add(name)
        try:
            sheet_ids.append(int(s.get("sheetId", "")))
        except ValueError as exc:
            raise Decline("bad sheetId") from exc
    if not sheets:
        raise Decline("no sheets")
    styles_rel = [r for r in rels.values() if r["type"] == NS_R + "/styles"]
    if len(styles_rel) != 1 or styles_rel[0]["target"] not in parts:
        raise Decline("no styles part")
    styles_name = styles_rel[0]["target"]
    styles = Styles.parse(_decode(styles_name, parts[styles_name]))

    # the marks, sheet by sheet, as the openpyxl path picks them
    names = list(sheets)
    by_sheet: dict[str, list[Mark]] = {}
    for sheet, ref, found in marked_cells(findings, names):
        if sheet not in worksheets:
            raise Decline("a finding on a sheet that is not a worksheet")
        row, col = _cell(ref)
        by_sheet.setdefault(sheet, []).append(Mark(row, col, ref, mark_color(found), comment_text(found, lang)))

    content = review(file_name, findings, lang, names)
    new_sheet = pkg.free_name("xl/worksheets/sheet%d.xml")
    ct_overrides = [(new_sheet, CT_WORKSHEET)]
    author = comment_author(lang)
    block = 1
    for sheet, marks in by_sheet.items():
        part = sheets[sheet]
        sheet_rels_name = _rels_name(part)
        sheet_rels = _relationships(pkg, part)
        if any(r["type"] in (REL_COMMENTS, REL_VML) for r in sheet_rels):
            raise Decline("a marked sheet has comments already")
        used = {r["id"] for r in sheet_rels}
        comments_rid, vml_rid = _free_id(used), _free_id(used)
        xml, made = mark_sheet(_decode(part, parts[part]), marks, styles, vml_rid)
        if not made:  # every mark hidden by a merged range: only the tab is unselected
            xml_unselected = unselect_sheet(_decode(part, parts[part]))
            if xml_unselected is not None:
                changed[part] = xml_unselected
            continue
        made.sort(key=lambda m: (m.row, m.col))
        comments = pkg.free_name("xl/comments%d.xml")
        vml = pkg.free_name("xl/drawings/commentsDrawing%d.vml")
        created[comments] = comments_part(made, author)
        created[vml], block = vml_part(made, block)
        folder = posixpath.dirname(part)
        new_rels = [
            (comments_rid, REL_COMMENTS, posixpath.relpath(comments, folder)),
            (vml_rid, REL_VML, posixpath.relpath(vml, folder)),
        ]
        existing = _decode(sheet_rels_name, parts[sheet_rels_name]) if sheet_rels_name in parts else None
        (changed if existing is not None else created)[sheet_rels_name] = _add_relationships(
            existing, sheet_rels_name, new_rels
        )
        changed[part] = xml
        ct_overrides.append((comments, CT_COMMENTS))
    for sheet, part in sheets.items():
        if sheet in by_sheet:
            continue
        xml_unselected = unselect_sheet(_decode(part, parts[part]))
        if xml_unselected is not None:
            changed[part] = xml_unselected

    created[new_sheet] = review_sheet(content, styles)
    changed[styles_name] = styles.patched()
    wb_rels_name = "xl/_rels/workbook.xml.rels"
    rid = _free_id(set(rels))
    changed[wb_rels_name] = _add_relationships(
        _decode(wb_rels_name, parts[wb_rels_name]),
        wb_rels_name,
        [(rid, REL_WORKSHEET, posixpath.relpath(new_sheet, "xl"))],
    )
    changed["xl/workbook.xml"] = patch_workbook_xml(
        workbook, content.sheet, max(sheet_ids) + 1, rid, content.filter_ref
    )
    changed["[Content_Types].xml"] = patch_content_types(
        _decode("[Content_Types].xml", parts["[Content_Types].xml"]),
        ct_overrides,
        vml_default=any(n.endswith(".vml") for n in created) and "vml" not in defaults,
    )
    return _zip(pkg, changed, created)


def _zip(pkg: Package, changed: dict[str, str], created: dict[str, str]) -> bytes:
    """The package with changed parts replaced and created ones appended, each checked well-formed first."""
    encoded = {}
    for name, xml in {**changed, **created}.items():
        try:
            data = xml.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate
            raise Decline(f"{name}: not encodable") from exc
        _well_formed(name, data)
        encoded[name] = data
    out = io.BytesIO()
    now = time.localtime()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in pkg.infos:
            zf.writestr(
                _info(info.filename, info.date_time),
                encoded.get(info.filename, pkg.parts[info.filename]),
                compresslevel=ZIP_LEVEL,
            )
        for name in created:
            zf.writestr(_info(name, now), encoded[name], compresslevel=ZIP_LEVEL)
    return out.getvalue()


def _info(name: str, date_time: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time if date_time[0] >= 1980 else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
