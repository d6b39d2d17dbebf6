"""Finding and editing tags in a part's XML text, without parsing and re-serialising it (see `xml_patch`).

A regex or a small tag scan finds the spot, and an edit is a (start, end, replacement) span of the text, applied
together by `apply_edits`. Anything that cannot be located unambiguously raises `Decline`: the XML patcher gives
the file up and openpyxl writes the feedback copy instead.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET
from xml.parsers import expat

from pipeline.core.refs import inside_grid, plain_cell_position
from pipeline.xlsx.package import NS_MAIN
from pipeline.xlsx.xmltext import declared_encoding, unescape

ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
"""The inside of a start tag after its name: anything but `>` outside quoted values."""
ATTR = re.compile(r"""(\s+)([\w.:-]+)(\s*=\s*)("[^"]*"|'[^']*')""")
TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)(" + ATTRS + r")>")
ROOT = re.compile(r"\A(?:\ufeff)?\s*(?:<\?xml(?:[^?]|\?(?!>))*\?>)?\s*<([A-Za-z_][\w.:-]*)(" + ATTRS + r")>")


class Decline(Exception):
    """The patcher does not handle this file; openpyxl will (the reason is logged at debug level)."""


_ONE_ATTR: dict[str, re.Pattern[str]] = {}


def get_attr(tag: str, name: str) -> str | None:
    """One attribute of a start tag, unescaped."""
    pattern = _ONE_ATTR.get(name)
    if pattern is None:
        pattern = _ONE_ATTR[name] = re.compile(r"""\s""" + re.escape(name) + r"""\s*=\s*("[^"]*"|'[^']*')""")
    m = pattern.search(tag)
    return None if m is None else unescape(m.group(1)[1:-1])


def set_attrs(tag: str, values: dict[str, str]) -> str:
    """The start tag with these attributes replaced or added (values already escaped, no quotes); the rest of
    the tag, prefixes and quoting included, is kept as it was."""
    todo = dict(values)

    def repl(m: re.Match[str]) -> str:
        name = m.group(2)
        if name in todo:
            return f'{m.group(1)}{name}{m.group(3)}"{todo.pop(name)}"'
        return m.group(0)

    tag = ATTR.sub(repl, tag)
    if todo:
        added = "".join(f' {k}="{v}"' for k, v in todo.items())
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        tag = tag[:end].rstrip() + added + tag[end:]
    return tag


def start_tags(name: str) -> re.Pattern[str]:
    """The start (or empty-element) tags of the unprefixed element `name`."""
    return re.compile(r"<" + re.escape(name) + r"(?=[\s/>])" + ATTRS + ">")


def only_one(pattern: re.Pattern[str], text: str, what: str, start: int = 0, end: int | None = None) -> re.Match[str]:
    """The one match of `pattern` in text[start:end]; none or several are declined."""
    found = list(pattern.finditer(text, start, len(text) if end is None else end))
    if len(found) != 1:
        raise Decline(f"{len(found)} {what}")
    return found[0]


def end_of(text: str, start_tag: re.Match[str], name: str) -> int:
    """Index of `</name>` closing the element whose start tag matched (the element must not nest itself)."""
    if start_tag.group(0).endswith("/>"):
        return start_tag.end()
    end = text.find(f"</{name}>", start_tag.end())
    if end < 0:
        raise Decline(f"no </{name}>")
    return end


def root_tag(xml: str, name: str) -> re.Match[str]:
    """The root start tag, which must be `name`, unprefixed, in the transitional main namespace (or the one its
    part type uses); a comment, a CDATA section or a processing instruction after the prolog is declined too."""
    m = ROOT.match(xml)
    if m is None or m.group(1) != name:
        raise Decline(f"root is not <{name}>")
    if "<!--" in xml or "<![CDATA[" in xml or "<?" in xml[m.start(1) :]:
        raise Decline(f"comment, CDATA or processing instruction in <{name}>")
    return m


def require_main_namespace(root: re.Match[str], what: str) -> None:
    """Strict OOXML (purl.oclc.org) and other default namespaces are declined."""
    if get_attr(root.group(0), "xmlns") != NS_MAIN:
        raise Decline(f"{what} not in the transitional main namespace")


def prefix_for(tag: str, namespace: str) -> str | None:
    """The prefix a start tag declares for `namespace` (`xmlns:r="…"` -> `r`), None when it declares none."""
    for m in ATTR.finditer(tag):
        if m.group(2).startswith("xmlns:") and unescape(m.group(4)[1:-1]) == namespace:
            return m.group(2)[6:]
    return None


def decode_part(name: str, data: bytes) -> str:
    """A part's text, for editing: only UTF-8 parts are edited."""
    encoding = declared_encoding(data[:200])
    if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Decline(f"{name}: encoding {encoding}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Decline(f"{name}: not UTF-8") from exc


def plain_cell(ref: str) -> tuple[int, int]:
    """(row, column) of a plain reference `J7`; anything else (lower case, `$`, a range) is declined."""
    place = plain_cell_position(ref)
    if place is None:
        raise Decline(f"cell reference {ref!r}")
    if not inside_grid(*place):
        raise Decline(f"cell reference {ref!r} outside the grid")
    return place


def is_true(value: str | None) -> bool:
    """An XML boolean attribute's value, as spreadsheet programs write it."""
    return (value or "").strip() in ("1", "true")


def check_well_formed(name: str, data: bytes) -> None:
    """Decline a part changed or created that expat would not parse."""
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError as exc:
        raise Decline(f"{name} would not be well-formed: {exc}") from exc


def parse_part(data: bytes, name: str) -> ET.Element:
    """A small part parsed for reading only (relationships, content types, the workbook); never written back."""
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise Decline(f"{name}: {exc}") from exc


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
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


def top_level(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """(name, offset) of the elements directly in text[start:end], which must hold whole elements."""
    out = []
    depth = 0
    for m in TAG.finditer(text, start, end):
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


def drop_attr(tag: str, name: str) -> str:
    """The start tag without attribute `name`."""
    return ATTR.sub(lambda m: "" if m.group(2) == name else m.group(0), tag)
