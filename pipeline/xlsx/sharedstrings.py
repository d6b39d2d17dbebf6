"""The shared strings part (`xl/sharedStrings.xml`): the texts cells of type `s` point at by index.

Read in one of three ways, all giving the same texts: from its text when it is in the plain dialect Excel,
LibreOffice and openpyxl write (the fast path, see below), as one C tree when it is small, or streamed item by item
when it is large. Each item's text is made when a cell first uses it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import IO, Any

from pipeline.xlsx.package import NS_MAIN, NS_MAIN_STRICT
from pipeline.xlsx.xmltext import (
    FAST_PARSE_BYTES,
    REFERENCE,
    allowed_char,
    declared_encoding,
    iter_elements,
    local_name,
    parse_tree,
    part_bytes,
    reference_code,
    unescape,
)

MAX_STRING = 100_000
"""A shared or inline string is cut here while reading (normalize rejects anything over 2,000 characters)."""


class Strings(dict[int, str]):
    """Shared strings by index, each text made from its item on first use (a workbook's guide sheet holds most of
    them; the three sheets use about a hundred); an index out of range reads as None."""

    def __init__(self, items: Sequence[Any] = (), text: Callable[[Any], str] = str) -> None:
        super().__init__()
        self.items = items
        self.text = text

    def __missing__(self, index: int) -> str | None:
        if not 0 <= index < len(self.items):
            return None
        text = self[index] = self.text(self.items[index])
        return text


def read_shared_strings(fh: IO[bytes]) -> Strings:
    """The shared strings of an open part (checked and capped as every part is)."""
    data = part_bytes(fh)
    if len(data) <= FAST_PARSE_BYTES:
        scanned = scan_strings(data)
        return tree_strings(data) if scanned is None else scanned
    strings: list[str] = []
    for el in iter_elements(io.BytesIO(data), "si"):
        strings.append(string_text(el))
        el.clear()
    return Strings(strings)


def tree_strings(data: bytes) -> Strings:
    """The shared strings part parsed as one tree: its `<si>` elements (any namespace)."""
    return Strings([el for el in parse_tree(data) if el.tag in _SI_TAGS or local_name(el.tag) == "si"], string_text)


_SHEET_NAMESPACES = (NS_MAIN, NS_MAIN_STRICT)
_RUN_PARTS = ("si", "is", "r", "rPr", "sz", "color", "rFont", "family", "charset", "b", "i", "u", "scheme", "vertAlign")
_SI_TAGS = frozenset(f"{{{ns}}}si" for ns in _SHEET_NAMESPACES)
_T_TAGS = frozenset(f"{{{ns}}}t" for ns in _SHEET_NAMESPACES)


_PLAIN_TAGS = frozenset(f"{{{ns}}}{tag}" for ns in _SHEET_NAMESPACES for tag in _RUN_PARTS)
"""Full tag names, both flavours, of a string item's parts that `string_text` skips (local name neither t nor rPh)."""


def string_text(el: Any) -> str:
    """Text of a string item: plain `<t>` or rich-text runs `<r><t>`; phonetic runs (`<rPh>`) skipped."""
    if len(el) == 1:  # the usual item: one plain <t>
        only = el[0]
        if only.tag in _T_TAGS and not len(only):
            return only.text[:MAX_STRING] if only.text else ""
    parts = []
    for child in el.iter():
        full = child.tag
        if full in _PLAIN_TAGS:  # rich-text runs and their properties: neither text nor phonetic
            continue
        tag = "t" if full in _T_TAGS else local_name(full)
        if tag == "t" and child.text:
            parts.append(child.text)
        elif tag == "rPh":
            child.clear()
    return "".join(parts)[:MAX_STRING]


# --- shared strings read from their text ---------------------------------------------------------------------
# The shared strings part is mostly the guide sheet's rich text: as a tree it is ≈ 1,500 elements a workbook, built
# for the hundred strings the three sheets use, and was a fifth of the read. When its content is in the narrow
# dialect that LibreOffice, Excel and openpyxl write, it is read from its text instead: one C regex checks the whole
# content against the grammar below (`fullmatch`: every character accounted for), a split cuts the items, and an
# item's text is taken when a cell first uses it. This is exact, not a heuristic: content that matches the grammar
# and holds only characters and references XML allows, inside a root element that parses, is well-formed XML whose
# tree `string_text` would read the same. Anything else (a comment, CDATA, a phonetic run, an attribute the grammar does
# not list or lists in another order, a carriage return, another encoding...) is read from the tree, as before
# (tests/test_reader_fastpath.py compares both).


def _attributes(*names: str) -> str:
    """Optional attributes in this order, in double quotes and without references (so a value is its text)."""
    return "".join(f'(?: {name}="[^"<&]*")?' for name in names)


_T_START = '<t(?: xml:space="preserve")?>'
_T_TEXT = re.compile(f"{_T_START}([^<]*)</t>")
_RUN_PROPERTY = (
    f"<(?:rFont|charset|family|b|i|strike|outline|shadow|condense|extend|sz|u|vertAlign|scheme){_attributes('val')} ?/>"
    f"|<color{_attributes('auto', 'indexed', 'rgb', 'theme', 'tint')} ?/>"
)
_SHARED_STRINGS = re.compile(
    f"(?:<si>(?:{_T_START}[^<]*</t>|(?:<r>(?:<rPr>(?:{_RUN_PROPERTY})*</rPr>)?{_T_START}[^<]*</t></r>)+)"
    f"(?:<phoneticPr{_attributes('fontId', 'type', 'alignment')} ?/>)?</si>)*+"
)
"""The root's content: string items, each one `<t>` or rich-text runs (text in `<t>`, formatting in empty elements),
and maybe phonetic properties (a phonetic run, `<rPh>`, whose `<t>` `string_text` skips, is not plain)."""
_SST_START = re.compile(rb"(?:\xef\xbb\xbf)?(<\?xml[^>]*\?>)?\s*<sst(?: [^>]*)?>")
_NOT_PLAIN_CHARACTERS = bytes(range(32)).translate(None, b"\t\n")
"""C0 controls, which XML forbids, and the carriage return, which the parser turns into a line feed."""


def scan_strings(data: bytes) -> Strings | None:
    """The shared strings read from their text (see above); None when the part is not in the plain dialect."""
    from xml.etree.ElementTree import ParseError

    root = _SST_START.match(data)
    end = len(data.rstrip()) - len(b"</sst>")
    if root is None or data[end:].rstrip() != b"</sst>":
        return None
    encoding = declared_encoding(root.group(1) or b"")
    if encoding is not None and encoding.lower() != "utf-8":
        return None
    content = _plain_text(data[root.end() : end])
    if content is None or _SHARED_STRINGS.fullmatch(content) is None:
        return None
    try:
        parse_tree(data[: root.end()] + data[end:])  # the XML declaration and the root element, emptied
    except ParseError:
        return None
    items = content.split("</si>")  # each "<si>" and an item's inner XML, then ""
    return Strings([item[len("<si>") :] for item in items[:-1]], _item_text)


def _plain_text(raw: bytes) -> str | None:
    """UTF-8 `raw` as text when every character and reference in it is one XML allows and the parser passes on
    unchanged; None otherwise."""
    if len(raw.translate(None, _NOT_PLAIN_CHARACTERS)) != len(raw):
        return None
    try:
        text = raw.decode()  # strict: no invalid sequence, no surrogate
    except UnicodeDecodeError:
        return None
    if "\ufffe" in text or "\uffff" in text or "]" in text and "]]>" in text:  # `]]>`: not allowed in text
        return None
    if "&" in text:  # no DTD: only the predefined entities and character references
        found = REFERENCE.findall(text)
        if len(found) != text.count("&") or not all(allowed_char(reference_code(name)) for name in found):
            return None
    return text


def _item_text(item: str) -> str:
    """`string_text` for the inner XML of a plain string item: its `<t>` texts, references replaced, cut."""
    text = "".join(_T_TEXT.findall(item))
    return unescape(text)[:MAX_STRING]
