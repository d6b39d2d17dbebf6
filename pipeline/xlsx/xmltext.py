"""XML as a workbook's parts hold it: escaping and character references, the encoding declaration, and the refusal
of DTDs and other encodings before anything is parsed. One module for the reader and the feedback XML patcher.

XML safety: OOXML parts never carry a DTD, so any part declaring one (`<!DOCTYPE`, `<!ENTITY`) or not encoded in
UTF-8 (where such a scan could be dodged) is refused before parsing; expat ≥ 2.4 also caps entity amplification
itself, and ElementTree never fetches external entities. This keeps the C parser: defusedxml's pure-Python parser
doubled the read time. (openpyxl, used for feedback workbooks, parses through defusedxml when it is installed.)
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

from pipeline.xlsx.package import read_capped

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
"""The declaration of every part written."""
FAST_PARSE_BYTES = 4 * 1024 * 1024
"""Parts up to this size are parsed as one tree in C (2–3× faster than streaming them event by event, which
matters at 10,000 files a night); larger ones, which no real submission has, are streamed to keep memory flat."""

REFERENCE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
"""A character reference or one of the five predefined entities (without a DTD there are no others)."""
PREDEFINED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DECLARED_ENCODING = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


# --- writing ---------------------------------------------------------------------------------------------------
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even as references: C0 controls but tab, line feed and carriage return, lone
surrogates (what Python makes of a file name's undecodable bytes) and the non-characters U+FFFE, U+FFFF."""
REPLACEMENT_CHAR = "\ufffd"


def xml_chars(value: str) -> str:
    """`value` with every character XML cannot hold replaced by U+FFFD (shown as �): every text we write into an
    XML part (the feedback workbook, the consolidated workbook) goes through here, so that a file name or a cell
    text can neither make a part that is not well-formed nor vanish without a trace."""
    return NOT_XML_CHARS.sub(REPLACEMENT_CHAR, value)


def escape_text(value: str) -> str:
    """Text as element content (`xml_chars`, then the markup characters escaped)."""
    return xml_chars(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted_attr(value: str) -> str:
    """An attribute value, quotes included; tabs and newlines as character references so they survive."""
    return '"' + escape_text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;") + '"'


# --- reading ---------------------------------------------------------------------------------------------------
def reference_code(name: str) -> int:
    """The code point a reference names (`amp`, `#10`, `#xA`); it may lie past Unicode."""
    if name[0] != "#":
        return ord(PREDEFINED_ENTITIES[name])
    return int(name[2:], 16) if name[1] == "x" else int(name[1:])


def allowed_char(code: int) -> bool:
    """XML 1.0's `Char`, for a character reference."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _replace(match: re.Match[str]) -> str:
    return chr(reference_code(match.group(1)))


def unescape(text: str) -> str:
    """`text` with its references replaced (ValueError for one past Unicode)."""
    return REFERENCE.sub(_replace, text) if "&" in text else text


def declared_encoding(head: bytes) -> str | None:
    """The encoding the XML declaration at the start of `head` names, None without one."""
    m = _DECLARED_ENCODING.match(head)
    return None if m is None else m.group(1).decode("ascii", "replace")


# --- safety ----------------------------------------------------------------------------------------------------
class UnsafeXML(ValueError):
    """A part declares a DTD or is not UTF-8: refused before parsing."""


def check_safe(data: bytes) -> bytes:
    """`data`, refused (`UnsafeXML`) when not UTF-8 or declaring a DTD: the checks the C parser relies on."""
    if data[:4].count(b"\0") or data.startswith(_UTF16_MARKS):
        raise UnsafeXML("XML part not in UTF-8")
    if b"<!" in data and any(marker in data for marker in _DTD_MARKERS):  # one scan when there is no `<!`
        raise UnsafeXML("XML part declares a DTD")
    return data


def part_bytes(fh: IO[bytes]) -> bytes:
    """A zip part's bytes, read to the cap whatever the zip directory declared, and checked by `check_safe`."""
    return check_safe(read_capped(fh))


def parse_tree(data: bytes) -> Any:
    """The whole tree in one C call, for a part already checked by `check_safe` and at most FAST_PARSE_BYTES."""
    from xml.etree.ElementTree import fromstring

    return fromstring(data)


def iter_elements(fh: IO[bytes], *names: str) -> Iterator[Any]:
    """The elements called one of `names` (any namespace) of a part, as ElementTree's C iterparse ends them."""
    from xml.etree.ElementTree import iterparse

    for _event, el in iterparse(io.BytesIO(part_bytes(fh)), events=("end",)):
        if local_name(el.tag) in names:
            yield el


def local_name(tag: str) -> str:
    """`{namespace}name` -> `name`."""
    return tag.rsplit("}", 1)[-1]


def int_or(text: str | None, default: int = 0) -> int:
    """An attribute's integer, `default` when it has none or another text."""
    try:
        return int(text or default)
    except ValueError:
        return default
