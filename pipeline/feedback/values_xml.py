"""The parts of the feedback copy that must change for it to carry values only, edited as text (as `xml_edit`
edits them, never parsed and re-serialised): each cell's formula replaced by its cached value, the elements
naming a dropped relationship removed (OLE objects, ActiveX controls, links to other workbooks, a chart's
external data), relationships removed from their rels part, the content types of dropped parts removed, and the
defined names that reach outside the workbook dropped. Which parts and relationships go is `values_package`'s.

Anything not plain enough to edit safely raises `Decline` (then no copy is made at all).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from pipeline.feedback.xml_edit import (
    ROOT,
    Decline,
    apply_edits,
    end_of,
    get_attr,
    root_tag,
    set_attrs,
    start_tags,
    top_level,
)
from pipeline.feedback.xml_package import CT_MAIN
from pipeline.xlsx.xmltext import unescape

MAIN_WITHOUT_MACROS = {
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": CT_MAIN,
    "application/vnd.ms-excel.template.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
    ),
}
"""The workbook part's content type in a macro-enabled package (.xlsm, .xltm), lower case → without macros."""
ACTIVE_CONTENT = ("vbaproject", "activex", "oleobject", "externallink", "connections", "querytable", "macrosheet")
"""Words of a content type for an active part: a `Default` naming one goes when no part kept relies on it."""

REACHES_OUT = re.compile(
    r"[\[|]|(?<![\w.])(?:_xlfn\.)?(?:WEBSERVICE|RTD|CALL|REGISTER|REGISTER\.ID|EXEC|RUN|FOPEN|FWRITE|FWRITELN"
    r"|IMAGE|STOCKHISTORY|HYPERLINK)\s*\(",
    re.IGNORECASE,
)
"""In a formula without its string literals: a link to another workbook (`[1]Sheet!A1`), DDE (`cmd|'…'!A0`),
or a function that fetches, runs or calls something outside the workbook."""
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_FORMULA_TEXTS = (
    re.compile(rb"<formula[12]?(?:\s[^>]*)?>([^<]*)<"),
    re.compile(rb":formula[12]?(?:\s[^>]*)?>([^<]*)<"),
    re.compile(rb":f>([^<]*)<"),
)
"""The text of a validation's or conditional format's formula (`formula`, `x14:formula1`, `xm:f`) and of a
chart's reference (`c:f`). Each pattern starts with a literal, which the regex engine finds fast (a pattern
starting with `<` and a choice of names scans five times slower): these scans run on every worksheet."""
_SHEET_ROOT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<(?:([\w.-]+):)?worksheet[\s>]")
_SHEET_EDITS: dict[bytes, tuple[re.Pattern[bytes], ...]] = {}


def reaches_out(formula: str) -> bool:
    """Whether a formula (as the XML holds it, escaped) reaches outside the workbook (`REACHES_OUT`)."""
    return REACHES_OUT.search(_STRING_LITERAL.sub('""', unescape(formula))) is not None


def _root(xml: str, local: str) -> tuple[re.Match[str], str]:
    """The root start tag, which must be `local` (with or without a prefix), and its prefix with the colon."""
    m = ROOT.match(xml)
    name = m.group(1) if m else ""
    if name.rsplit(":", 1)[-1] != local:
        raise Decline(f"root is not <{local}>")
    root_tag(xml, name)  # no comment, CDATA or processing instruction
    return m, name[: -len(local)]


def _children(xml: str, root: re.Match[str], close: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of the root's children, each span running to the next child (or the root's end)."""
    end = xml.rfind(close)
    if end < root.end():
        raise Decline(f"no {close}")
    found = top_level(xml, root.end(), end)
    return [(name, at, found[i + 1][1] if i + 1 < len(found) else end) for i, (name, at) in enumerate(found)]


# --- worksheets ----------------------------------------------------------------------------------------------------
_ACTIVE_CHILDREN = frozenset({"oleObjects", "controls"})
_ACTIVE_INSIDE = re.compile(r"<(?:\w+:)?(?:oleObject|control)[\s/>]")


def sheet_values(xml: str, name: str) -> str:
    """A worksheet with each cell's formula replaced by its cached value and its OLE objects and ActiveX controls
    removed (with the mc:AlternateContent that wraps them)."""
    root, p = _root(xml, "worksheet")
    edits = [
        (start, end, "")
        for child, start, end in _children(xml, root, f"</{p}worksheet>")
        if child.rsplit(":", 1)[-1] in _ACTIVE_CHILDREN
        or child.endswith("AlternateContent")
        and _ACTIVE_INSIDE.search(xml, start, end)
    ]
    xml = apply_edits(xml, edits) if edits else xml
    cell, formula, value = _cell_patterns(p)
    xml = cell.sub(lambda m: _cell_value(m, p, formula, value), xml)
    if formula.search(xml):
        raise Decline(f"{name}: a formula outside a cell")
    return xml


def scan_formulas(data: bytes, name: str, sheet: bool) -> bool:
    """Whether a part holds cell formulas or active blocks to edit away (`sheet_values`: a worksheet, `sheet`);
    declines a part whose validations, conditional formats or chart references reach outside the workbook, for
    they are evaluated without any cell formula and have no cached value to put in their place."""
    cells = b""
    if sheet:
        root = _SHEET_ROOT.match(data)
        if root is None:
            return True  # not a plain worksheet part: `sheet_values` declines it
        cells = root.group(1) + b":" if root.group(1) else b""
    for pattern in _FORMULA_TEXTS:
        for m in pattern.finditer(data):
            text = m.group(1)
            if not (b"[" in text or b"|" in text or b"(" in text):
                continue
            if sheet and cells and data[data.rfind(b"<", 0, m.start()) + 1 : m.start() + 1] == cells:
                continue  # a cell's formula in a prefixed sheet (`<x:f>`): replaced by its value
            if reaches_out(text.decode("utf-8", "replace")):
                raise Decline(f"{name}: a formula reaching outside the workbook")
    if not sheet:
        return False
    if cells not in _SHEET_EDITS:
        e = re.escape(cells)
        _SHEET_EDITS[cells] = tuple(
            re.compile(rb"<%s%s[\s/>]" % (e, tag)) for tag in (b"f", b"oleObjects", b"controls")
        )
    return any(pattern.search(data) for pattern in _SHEET_EDITS[cells])


_PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]] = {}


def _cell_patterns(p: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A non-empty cell, a formula and a cached value, with the sheet's prefix `p` ("" or "x:")."""
    if p not in _PATTERNS:
        e = re.escape(p)
        _PATTERNS[p] = (
            re.compile(rf"<{e}c(\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*?)?(?<!/)>(.*?)</{e}c>", re.DOTALL),
            re.compile(rf"<{e}f(?:\s[^>]*)?(?:/>|(?<!/)>[^<]*</{e}f>)"),
            re.compile(rf"<{e}v(?:\s[^>]*)?(?:/>|(?<!/)>([^<]*)</{e}v>)"),
        )
    return _PATTERNS[p]


def _cell_value(m: re.Match[str], p: str, formula: re.Pattern[str], value: re.Pattern[str]) -> str:
    """One cell without its formula: its cached value kept (a formula's text result as an inline string), or an
    empty cell (its style kept) when the formula has no cached value."""
    attrs, content = m.group(1) or "", m.group(2)
    if formula.search(content) is None:
        return m.group(0)
    content = formula.sub("", content)
    kind = get_attr(attrs, "t") or "n"
    cached = value.search(content)
    text = cached.group(1) if cached else None
    attrs = _drop(attrs, "cm")  # cell metadata: a dynamic array's formula
    if cached is not None and (not text or kind == "str"):
        inline = f'<{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is>' if text else ""
        content = content[: cached.start()] + inline + content[cached.end() :]
        attrs = _drop(attrs, "t") + (' t="inlineStr"' if text else "")
    elif cached is None:
        attrs = _drop(attrs, "t")
    return f"<{p}c{attrs}>{content}</{p}c>" if content else f"<{p}c{attrs}/>"


def _drop(attrs: str, name: str) -> str:
    return re.sub(rf"""\s+{re.escape(name)}\s*=\s*("[^"]*"|'[^']*')""", "", attrs)


# --- the workbook, charts, relationships, content types ----------------------------------------------------------
def workbook_values(xml: str, drop_links: bool) -> str:
    """The workbook part without its links to other workbooks (`externalReferences`, when their relationships
    go) and without the defined names that reach outside the workbook (DDE, other workbooks, `CALL`…)."""
    edits = []
    if drop_links:
        root, p = _root(xml, "workbook")
        children = _children(xml, root, f"</{p}workbook>")
        edits += [(start, end, "") for child, start, end in children if child.endswith("externalReferences")]
    root_name = ROOT.match(xml)
    p = root_name.group(1)[: -len("workbook")] if root_name else ""
    for m in start_tags(f"{p}definedName").finditer(xml):
        end = end_of(xml, m, f"{p}definedName")
        if reaches_out(xml[m.end() : end]):
            edits.append((m.start(), end + len(f"</{p}definedName>"), ""))
    return apply_edits(xml, edits) if edits else xml


_EXTERNAL_DATA = re.compile(r"<(\w+:)?externalData\b[^>]*?(?:/>|(?<!/)>.*?</\1externalData>)", re.DOTALL)


def chart_values(xml: str) -> str:
    """A chart without its link to external data (an embedded or linked workbook, refreshed on open)."""
    return _EXTERNAL_DATA.sub("", xml)


def drop_relationships(xml: str, name: str, ids: set[str]) -> str:
    """A rels part without the relationships `ids`."""
    root_tag(xml, "Relationships")
    edits = []
    for m in start_tags("Relationship").finditer(xml):
        if get_attr(m.group(0), "Id") in ids:
            end = end_of(xml, m, "Relationship")
            edits.append((m.start(), end if end == m.end() else end + len("</Relationship>"), ""))
    if len(edits) != len(ids):
        raise Decline(f"{name}: a relationship not found")
    return apply_edits(xml, edits)


def check_unreferenced(xml: str, name: str, ids: set[str]) -> None:
    """Decline a part that still names a relationship that is gone (an attribute holding its id)."""
    for rid in ids:
        if re.search(rf"""=\s*["']{re.escape(rid)}["']""", xml):
            raise Decline(f"{name} still refers to relationship {rid}")


def content_types(xml: str, kept: set[str], main: str) -> str:
    """[Content_Types].xml without the Overrides of parts not kept and the Defaults of active content types no
    part kept relies on, the main part's content type without macros (`kept`: part names in lower case)."""
    root_tag(xml, "Types")
    edits = []
    overridden = set()
    for m in start_tags("Override").finditer(xml):
        part = unquote(get_attr(m.group(0), "PartName") or "").lstrip("/").lower()
        kind = (get_attr(m.group(0), "ContentType") or "").lower()
        end = end_of(xml, m, "Override")
        if part not in kept:
            edits.append((m.start(), end if end == m.end() else end + len("</Override>"), ""))
        elif part == main.lower() and kind in MAIN_WITHOUT_MACROS:
            edits.append((m.start(), m.end(), set_attrs(m.group(0), {"ContentType": MAIN_WITHOUT_MACROS[kind]})))
        overridden.add(part)
    for m in start_tags("Default").finditer(xml):
        extension = (get_attr(m.group(0), "Extension") or "").lower()
        kind = (get_attr(m.group(0), "ContentType") or "").lower()
        used = any(p.endswith("." + extension) for p in kept - overridden)
        if any(word in kind for word in ACTIVE_CONTENT) and not used:
            end = end_of(xml, m, "Default")
            edits.append((m.start(), end if end == m.end() else end + len("</Default>"), ""))
    return apply_edits(xml, edits) if edits else xml
