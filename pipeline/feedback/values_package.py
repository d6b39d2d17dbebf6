"""The feedback copy carries values only: what the submitted workbook computes, runs or fetches is gone before
either writer touches it.

The copy goes out from the office's address to the agency, so nothing live that came in with a submission may
ride along: a DDE formula (`cmd|' /C calc'!A0`), a link to another workbook, a data connection, macros, an
embedded OLE object, an ActiveX control, a ribbon that calls macros. Every formula is replaced by its cached
value, and every such part is dropped with the relationships pointing to it, the elements naming those
relationships and its content type (the edits are `values_xml`'s), so the package stays consistent: no
relationship to a missing part, no reference to a missing relationship, no Override for a missing part. What is
kept is what Excel reaches from the package's root through the relationships kept; a part nothing reaches goes.

Anything this cannot do cleanly (a macro or dialog sheet, a comment in a part it must edit, a reference it
cannot remove, a kept part that uses a dropped data connection, a validation or conditional format reaching
outside the workbook) raises `Decline`, and neither writer makes a copy: the findings sheet comes alone.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.feedback.values_xml import (
    chart_values,
    check_unreferenced,
    content_types,
    drop_relationships,
    scan_formulas,
    sheet_values,
    workbook_values,
)
from pipeline.feedback.xml_edit import Decline, decode_part
from pipeline.feedback.xml_package import parse_relationships, rels_name
from pipeline.xlsx.package import capped_parts

CONTENT_TYPES = "[Content_Types].xml"
ACTIVE = frozenset(
    {
        "vbaproject",
        "attachedtoolbars",
        "externallink",
        "connections",
        "querytable",
        "oleobject",
        "package",
        "control",
        "activexcontrolbinary",
        "calcchain",
        "ui/extensibility",
        "digital-signature/origin",
    }
)
"""Relationship types (after `…/relationships/`, lower case) whose target is dropped: macros and their toolbars,
links to other workbooks, data connections and query tables, embedded objects and packages, ActiveX controls,
the calculation chain (it lists formula cells), a ribbon calling macros, and the signature the changes void."""
REFUSED = frozenset({"xlmacrosheet", "xlintlmacrosheet", "dialogsheet"})
"""Sheets made of macros (Excel 4) or dialogs: a workbook holding one gets no copy."""


@dataclass
class _Package:
    """What the walk from the root found: the parts kept, each with the kind of relationship that reached it, and
    the relationships dropped, by the part that holds them."""

    parts: dict[str, bytes]
    kinds: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, set[str]] = field(default_factory=dict)
    dropped_kinds: set[str] = field(default_factory=set)


def values_only_parts(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The submitted workbook's parts as the feedback copy holds them (`capped_parts`, then values only); raises
    `Decline` when no copy can be made."""
    read = capped_parts(path)
    if read is None:
        raise Decline("not a sound xlsx, or over the copy's caps")
    return values_only(read)


def values_copy(path: Path) -> io.BytesIO | None:
    """`values_only_parts` re-packed in memory for openpyxl to load; None when no copy can be made.

    openpyxl reads parts with `zipfile.read()`, which inflates a whole entry at once whatever its declared size,
    and it expands merged ranges cell by cell: neither is safe on a file the reader never had to open whole (an
    extra sheet, docProps). Re-packing what `capped_parts` actually inflated makes every size honest; the XML
    itself is parsed through defusedxml.
    """
    try:
        parts = values_only_parts(path)
    except Decline:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info, data in parts:
            copy.writestr(info.filename, data)
    out.seek(0)
    return out


def values_only(read: list[tuple[zipfile.ZipInfo, bytes]]) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The parts, in their order, with formulas replaced by their values and active parts dropped."""
    parts = dict((info.filename, data) for info, data in read)
    if len(parts) != len(read):
        raise Decline("a part twice in the zip")
    if CONTENT_TYPES not in parts:
        raise Decline("no [Content_Types].xml")
    pkg = _walk(parts)
    changed: dict[str, bytes] = {}
    for part, kind in pkg.kinds.items():
        edited = _edited(part, kind, pkg)
        if edited is not None:
            changed[part] = edited
    for source, ids in pkg.dropped.items():
        name = rels_name(source)
        changed[name] = drop_relationships(decode_part(name, parts[name]), name, ids).encode()
    kept = {*pkg.kinds, *(rels_name(s) for s in ("", *pkg.kinds) if rels_name(s) in parts), CONTENT_TYPES}
    if "connections" in pkg.dropped_kinds and any(b"connectionId" in changed.get(p, parts[p]) for p in kept):
        raise Decline("a part kept uses a data connection")
    if len(kept) < len(parts) or b"macroenabled" in parts[CONTENT_TYPES].lower():
        main = next(p for p, k in pkg.kinds.items() if k == "officedocument")
        xml = decode_part(CONTENT_TYPES, parts[CONTENT_TYPES])
        changed[CONTENT_TYPES] = content_types(xml, {p.lower() for p in kept}, main).encode()
    return [(info, changed.get(info.filename, data)) for info, data in read if info.filename in kept]


def _walk(parts: dict[str, bytes]) -> _Package:
    """The parts reached from the package's root through relationships not dropped (`ACTIVE`, an external
    target other than a hyperlink, a target that is not there, a Power Query mashup)."""
    pkg = _Package(parts)
    by_lower = {name.lower(): name for name in parts}
    queue = [""]
    while queue:
        source = queue.pop()
        name = rels_name(source)
        if name not in parts:
            continue
        for rel in parse_relationships(parts[name], name, source):
            kind = rel["type"].split("/relationships/", 1)[-1].lower()
            if kind in REFUSED:
                raise Decline(f"a {kind} in the workbook")
            target = by_lower.get(rel["target"].lower()) if rel["target"] else None
            if kind == "hyperlink" and not rel["target"]:
                continue  # a link the reader clicks, not something that runs or loads
            if kind in ACTIVE or target is None or kind == "customxml" and b"DataMashup" in parts[target]:
                pkg.dropped.setdefault(source, set()).add(rel["id"])
                pkg.dropped_kinds.add(kind)
            elif target not in pkg.kinds:
                pkg.kinds[target] = kind
                queue.append(target)
    if list(pkg.kinds.values()).count("officedocument") != 1:
        raise Decline("not one workbook part")
    return pkg


def _edited(part: str, kind: str, pkg: _Package) -> bytes | None:
    """The part's new bytes, None when it stays as it is."""
    data = pkg.parts[part]
    ids = pkg.dropped.get(part, set())
    xml = None
    if kind == "worksheet":
        if scan_formulas(data, part, sheet=True) or ids:
            xml = sheet_values(decode_part(part, data), part)
    elif kind == "chart":
        scan_formulas(data, part, sheet=False)
        xml = chart_values(decode_part(part, data)) if ids else None
    elif kind == "officedocument":
        xml = workbook_values(decode_part(part, data), "externallink" in pkg.dropped_kinds)
    if ids:
        check_unreferenced(xml if xml is not None else decode_part(part, data), part, ids)
    new = data if xml is None else xml.encode()
    return None if new == data else new
