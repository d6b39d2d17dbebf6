"""The package side of the XML patcher: the submitted file's parts, their relationships, the workbook part's sheet
list and defined names, the content types, and the zip written back. (What changes in a worksheet is
`xml_cells`; the new findings sheet is `xml_review`.)
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

from pipeline.core.refs import absolute
from pipeline.feedback.review import HEADER_ROW, quote_sheet
from pipeline.feedback.xml_edit import (
    Decline,
    apply_edits,
    check_well_formed,
    get_attr,
    only_one,
    parse_part,
    prefix_for,
    root_tag,
    set_attrs,
    start_tags,
    top_level,
)
from pipeline.xlsx.package import NS_PKG_REL, NS_R
from pipeline.xlsx.xmltext import XML_DECLARATION, UnsafeXML, check_safe, escape_text, quoted_attr

REL_OFFICE_DOCUMENT = NS_R + "/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_STYLES = NS_R + "/styles"
REL_COMMENTS = NS_R + "/comments"
REL_VML = NS_R + "/vmlDrawing"
SHEET_RELS = frozenset({REL_WORKSHEET, NS_R + "/chartsheet", NS_R + "/dialogsheet", NS_R + "/xlMacrosheet"})
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
ZIP_LEVEL = 1
"""Deflate level of the copy: every part is re-deflated (zipfile cannot copy a member's compressed bytes), and
level 1 takes half the time of the default 6 for a file ~20 % larger (24 kB against 18 kB for a submission)."""
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
_ODD_VALUE = re.compile(rb"<v>(?![-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?</v>)")
"""A `<v>` not holding a plain number: fine in a text, error or date cell, fatal in a numeric one."""
_TEXT_TYPES = frozenset({"str", "s", "e", "d", "inlineStr"})


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


def read_package(read: list[tuple[zipfile.ZipInfo, bytes]]) -> Package:
    """The parts of the copy (`values_package.values_only_parts`, as for both writers); declined when a part is
    there twice, a sheet has a numeric cell that holds no number, or an XML part is not UTF-8 or declares a DTD
    (`xmltext.check_safe`)."""
    parts: dict[str, bytes] = {}
    for info, data in read:
        if info.filename in parts:
            raise Decline(f"{info.filename} twice in the zip")
        if info.filename.startswith("xl/worksheets/"):
            _check_numbers(info.filename, data)
        parts[info.filename] = data
    for name, data in parts.items():
        if name.lower().endswith((".xml", ".rels", ".vml")):
            try:
                check_safe(data)
            except UnsafeXML as exc:
                raise Decline(f"{name}: {exc}") from exc
    return Package([info for info, _ in read], parts)


def _check_numbers(name: str, data: bytes) -> None:
    """Decline a sheet with a numeric cell whose value is not a number (`NaN`, `INF`, empty): Excel refuses such
    a workbook and openpyxl cannot load it (the openpyxl path then writes the findings-only workbook), so a
    byte-for-byte copy would hand the submitter a file that does not open."""
    for m in _ODD_VALUE.finditer(data):
        start = max(data.rfind(b"<c ", 0, m.start()), data.rfind(b"<c\t", 0, m.start()))
        tag = start_tags("c").match(data[start : m.start()].decode("utf-8", "replace")) if start >= 0 else None
        if tag is None or get_attr(tag.group(0), "t") not in _TEXT_TYPES:
            raise Decline(f"{name}: a numeric cell that holds no number")


def rels_name(part: str) -> str:
    """The relationships part of `part` (`xl/workbook.xml` -> `xl/_rels/workbook.xml.rels`)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def relationships(pkg: Package, part: str) -> list[dict[str, str]]:
    """The relationships of `part` (targets resolved to part names), [] when it has no rels part."""
    name = rels_name(part)
    return parse_relationships(pkg.parts[name], name, part) if name in pkg.parts else []


def parse_relationships(data: bytes, name: str, part: str) -> list[dict[str, str]]:
    """The relationships in rels part `name` of `part`: id, type and target part name (percent-decoded and
    resolved against the part's folder; "" for an external target)."""
    root = parse_part(data, name)
    if root.tag != f"{{{NS_PKG_REL}}}Relationships":
        raise Decline(f"{name}: not a relationships part")
    out = []
    folder = posixpath.dirname(part)
    for rel in root:
        rel_id, kind, target = rel.get("Id"), rel.get("Type"), rel.get("Target")
        if not rel_id or not kind or target is None:
            raise Decline(f"{name}: incomplete relationship")
        target = unquote(target)
        if rel.get("TargetMode") == "External":
            resolved = ""
        elif target.startswith("/"):
            resolved = posixpath.normpath(target[1:])
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out.append({"id": rel_id, "type": kind, "target": resolved})
    return out


def free_id(used: set[str]) -> str:
    """The first relationship id `rIdN` not in `used` (and now in it)."""
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    used.add(f"rId{n}")
    return f"rId{n}"


def add_relationships(xml: str | None, name: str, new: list[tuple[str, str, str]]) -> str:
    """A rels part with these (Id, Type, Target) added; a new part when `xml` is None."""
    added = "".join(
        f"<Relationship Id={quoted_attr(i)} Type={quoted_attr(t)} Target={quoted_attr(g)}/>" for i, t, g in new
    )
    if xml is None:
        return f'{XML_DECLARATION}<Relationships xmlns="{NS_PKG_REL}">{added}</Relationships>'
    root = root_tag(xml, "Relationships")
    if root.group(0).endswith("/>"):
        return xml[: root.start()] + root.group(0)[:-2] + ">" + added + "</Relationships>" + xml[root.end() :]
    end = xml.rfind("</Relationships>")
    if end < 0:
        raise Decline(f"{name}: no </Relationships>")
    return xml[:end] + added + xml[end:]


# --- the workbook part and the content types ---------------------------------------------------------------------------


def patch_workbook_xml(
    xml: str,
    sheet: str,
    sheet_id: int,
    rid: str,
    filter_ref: str | None,
    print_areas: dict[int, str] | None = None,
    print_titles: dict[int, str] | None = None,
) -> str:
    """xl/workbook.xml with the findings sheet first and active, the sheet-local defined names shifted by one
    (their sheet moved right), the findings sheet's print titles and filter range added, and `print_areas`
    (sheet index before the shift → its print area, e.g. `'성과목표'!$A$9:$R$12`) and `print_titles` (→ its
    print titles, e.g. `'성과목표'!$4:$4,'성과목표'!$A:$C`) set in place of theirs."""
    print_areas = print_areas or {}
    replaced = {"_xlnm.Print_Area": print_areas, "_xlnm.Print_Titles": print_titles or {}}
    root = root_tag(xml, "workbook")
    edits: list[tuple[int, int, str]] = []
    r = prefix_for(root.group(0), NS_R)
    rel_attr = f'r:id="{rid}" xmlns:r="{NS_R}"' if r is None else f'{r}:id="{rid}"'
    sheets = only_one(start_tags("sheets"), xml, "<sheets>")
    if sheets.group(0).endswith("/>"):
        raise Decline("<sheets/> empty")
    edits.append((sheets.end(), sheets.end(), f'<sheet name={quoted_attr(sheet)} sheetId="{sheet_id}" {rel_attr}/>'))
    views = list(start_tags("workbookView").finditer(xml))
    for m in views:
        edits.append((m.start(), m.end(), set_attrs(m.group(0), {"activeTab": "0", "firstSheet": "0"})))
    if not views:
        if "<bookViews" in xml:
            raise Decline("<bookViews> without a workbookView")
        edits.append((sheets.start(), sheets.start(), '<bookViews><workbookView activeTab="0"/></bookViews>'))
    quoted = quote_sheet(sheet)
    names = f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{escape_text(quoted)}!${HEADER_ROW}:${HEADER_ROW}</definedName>'
    if filter_ref:
        names = (
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{escape_text(quoted)}!{absolute(filter_ref)}'
            f"</definedName>" + names
        )
    names += "".join(
        f'<definedName name="{name}" localSheetId="{i + 1}">{escape_text(value)}</definedName>'
        for name, values in replaced.items()
        for i, value in sorted(values.items())
    )
    for m in start_tags("definedName").finditer(xml):
        local = get_attr(m.group(0), "localSheetId")
        if local is not None:
            if not local.strip().isdigit():
                raise Decline("bad localSheetId")
            if int(local) in replaced.get(get_attr(m.group(0), "name") or "", {}):
                end = xml.find("</definedName>", m.end())
                if m.group(0).endswith("/>") or end < 0:
                    raise Decline("an odd print area or print titles")
                edits.append((m.start(), end + len("</definedName>"), ""))  # replaced by the marked sheet's
                continue
            edits.append((m.start(), m.end(), set_attrs(m.group(0), {"localSheetId": str(int(local) + 1)})))
    defined = list(start_tags("definedNames").finditer(xml))
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
        children = top_level(xml, root.end(), close)
        after = sheets.end()
        at = next((o for n, o in children if o > after and n in DEFINED_NAMES_BEFORE), close)
        edits.append((at, at, f"<definedNames>{names}</definedNames>"))
    return apply_edits(xml, edits)


def patch_content_types(xml: str, overrides: list[tuple[str, str]], vml_default: bool) -> str:
    """[Content_Types].xml with an Override per new part, and the `vml` Default (Defaults come first)."""
    root = root_tag(xml, "Types")
    end = xml.rfind("</Types>")
    if end < 0 or root.group(0).endswith("/>"):
        raise Decline("no </Types>")
    edits = [(end, end, "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides))]
    if vml_default:
        edits.append((root.end(), root.end(), f'<Default Extension="vml" ContentType="{CT_VML}"/>'))
    return apply_edits(xml, edits)


# --- the zip -----------------------------------------------------------------------------------------------------------


def zip_package(pkg: Package, changed: dict[str, str], created: dict[str, str]) -> bytes:
    """The package with changed parts replaced and created ones appended, each checked well-formed first."""
    encoded = {}
    for name, xml in {**changed, **created}.items():
        try:
            data = xml.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate
            raise Decline(f"{name}: not encodable") from exc
        check_well_formed(name, data)
        encoded[name] = data
    out = io.BytesIO()
    now = time.localtime()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in pkg.infos:
            zf.writestr(
                _zip_info(info.filename, info.date_time),
                encoded.get(info.filename, pkg.parts[info.filename]),
                compresslevel=ZIP_LEVEL,
            )
        for name in created:
            zf.writestr(_zip_info(name, now), encoded[name], compresslevel=ZIP_LEVEL)
    return out.getvalue()


def _zip_info(name: str, date_time: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time if date_time[0] >= 1980 else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
