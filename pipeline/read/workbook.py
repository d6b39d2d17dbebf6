"""Workbook → raw records, every value with the cell it came from (a source map, as in flatten-tool).

The workbook's XML is read directly, in one streaming pass per sheet, instead of through openpyxl:
- one pass sees everything the rules need: cached values *and* whether a cell holds a formula (openpyxl needs two
  loads, data_only True and False, for that), number formats (percent, date), hidden rows and columns, and merged ranges
  (openpyxl's fast read-only mode drops the last two);
- it is an order of magnitude faster than openpyxl's full load, which matters at 10,000 files a night;
- it is bounded: the zip directory is checked by `sniff` first, and the reader stops at fixed row/column caps.
XML safety: OOXML parts never carry a DTD, so any part declaring one (`<!DOCTYPE`, `<!ENTITY`) or not encoded in
UTF-8 (where such a scan could be dodged) is refused before parsing; expat ≥ 2.4 also caps entity amplification
itself, and ElementTree never fetches external entities. This keeps the C parser: defusedxml's pure-Python parser
doubled the read time. (openpyxl, used for feedback workbooks, parses through defusedxml when it is installed.)

Values stay as stored (text, float, bool); typing them is `normalize`'s job and judging them `validate`'s. Only
problems of *shape* are findings here: missing sheets, missing heading row or columns, unknown columns, hidden
rows, too many rows.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pipeline.core.findings import Finding, finding
from pipeline.core.layout import (
    AGENCY_FIELDS,
    GOAL_COLUMNS,
    PAST_COLUMNS,
    SHEET_AGENCY,
    SHEET_GOALS,
    SHEET_NAMES,
    SHEET_PAST,
    TEMPLATE_VERSION,
    VERSION_PROPERTY,
    Column,
    column_letter,
)
from pipeline.core.model import Source
from pipeline.xlsx.package import MAX_FILE_BYTES, PartTooLarge, check_zip_directory, read_capped, sniff

MAX_ROWS = 5000
"""Rows read per sheet: a real submission has under 100 goals; a million-row sheet stops here."""
MAX_COLUMNS = 64
"""Columns read per sheet (the template has 18); cells further right are ignored."""
HEADER_SCAN_ROWS = 60
"""How far down the heading row is looked for (people insert title rows above it)."""
MIN_HEADER_MATCHES = 4
MAX_MERGED_CELLS = 20000
"""Cells filled from merged ranges, in total (a merge of A1:XFD1048576 must not loop for minutes)."""
MAX_STRING = 100_000
"""A shared or inline string is cut here while reading (normalize rejects anything over 2,000 characters)."""
MAX_GOAL_ROWS = 200
"""Goal rows read: a real plan has under 100 goals; thousands are a pasted table, refused with one finding instead
of thousands (and a weights message listing every cell)."""
MAX_PAST_ROWS = 1000
"""Past-result rows read: 3–5 years for each of at most `MAX_GOAL_ROWS` goals."""
FAST_PARSE_BYTES = 4 * 1024 * 1024
"""Parts up to this size are parsed as one tree in C (2–3× faster than streaming them event by event, which
matters at 10,000 files a night); larger ones, which no real submission has, are streamed to keep memory flat."""

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

PERCENT_BUILTIN = frozenset({9, 10})
DATE_BUILTIN = frozenset(
    {*range(14, 23), 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58}
)

# Headings accepted besides the template's ko/en labels (old templates, common wording).
GOAL_ALIASES = {
    "배점": "weight",
    "가중치배점": "weight",
    "목표값": "target",
    "실적": "actual",
    "실적값": "actual",
    "번호": "number",
    "no": "number",
    "지표": "indicator",
    "평가등급정성": "grade",
    "증빙": "evidence",
}
PAST_ALIASES = {"번호": "number", "실적치": "result", "과거실적": "result"}


# --- output -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RawCell:
    """One cell's stored content and where it is."""

    value: str | float | bool | None
    source: Source
    percent: bool = False  # number format shows a percentage: 0.85 displays as 85%
    date: bool = False  # number format is a date or time
    formula: str | None = None  # set when a formula has no cached value (never opened in a spreadsheet)
    error: str | None = None  # cached error value, e.g. "#DIV/0!"

    @property
    def empty(self) -> bool:
        if self.formula is not None or self.error is not None:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True, slots=True)
class RawRow:
    row: int
    hidden: bool
    cells: Mapping[str, RawCell]  # field key → cell (every known column, empty or not)


@dataclass(frozen=True, slots=True)
class RawWorkbook:
    """What the reader hands to validation: plain data, no open files."""

    path: Path
    agency: Mapping[str, RawCell] = field(default_factory=dict)
    goals: tuple[RawRow, ...] = ()
    past: tuple[RawRow, ...] = ()
    findings: tuple[Finding, ...] = ()
    sheet_names: Mapping[str, str] = field(default_factory=dict)  # layout sheet key → name in this workbook
    unreadable: bool = False  # not a workbook at all


class _Unreadable(Exception):
    def __init__(self, found: Finding) -> None:
        super().__init__(found.code)
        self.finding = found


# --- entry point --------------------------------------------------------------------------------------------
def read_workbook(path: Path, max_bytes: int = MAX_FILE_BYTES) -> RawWorkbook:
    """Read a submitted workbook; never raises for a bad file (the reason becomes a finding)."""
    sniffed = sniff(path, max_bytes)
    if sniffed.finding is not None:
        return RawWorkbook(path, findings=(sniffed.finding,), unreadable=True)
    try:
        with zipfile.ZipFile(path) as zf:
            return _Reader(path, zf).read()
    except (_Unreadable, PartTooLarge) as exc:
        return RawWorkbook(path, findings=(exc.finding,), unreadable=True)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, RuntimeError) as exc:
        # RuntimeError: zipfile on an encrypted entry; ValueError/ParseError: broken XML; KeyError: missing part.
        return RawWorkbook(path, findings=(finding("file.corrupt", detail=why_unreadable(exc)),), unreadable=True)
    except Exception as exc:  # a refused DTD and any parser error: the file, not the program, is broken
        return RawWorkbook(path, findings=(finding("file.corrupt", detail=why_unreadable(exc)),), unreadable=True)


def why_unreadable(exc: BaseException) -> str:
    """Why a file could not be read, in words a submitter understands (Korean; the technical name in brackets)."""
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, UnsafeXML):
        dtd = "DTD" in str(exc)
        reason = "보안상 허용하지 않는 XML 선언(DTD·엔티티)이 있음" if dtd else "XML이 깨졌거나 UTF-8이 아님"
    elif isinstance(exc, zipfile.BadZipFile | EOFError):
        reason = "압축(zip) 구조가 깨짐"
    elif isinstance(exc, ParseError):
        reason = "통합 문서 안의 XML 내용이 깨짐"
    elif isinstance(exc, RuntimeError):
        reason = "통합 문서의 일부가 암호화되어 있음"
    else:
        reason = "통합 문서의 내용을 읽을 수 없음"
    return f"{reason} [{type(exc).__name__}]"


def canon(text: Any) -> str:
    """A heading or sheet name as compared: NFKC, parentheses' contents and punctuation dropped, case-folded.

    So `가중치\\n(배점)`, ` 가 중 치 `, full-width `ｗｅｉｇｈｔ` and `Weight*` all match.
    """
    if text is None:
        return ""
    text = str(text)
    found = _CANON_SEEN.get(text)
    if found is None:
        found = _canon(text)
        if len(text) <= 200:  # headings and labels repeat in every file; long cell text is not kept
            if len(_CANON_SEEN) >= 4096:
                _CANON_SEEN.clear()
            _CANON_SEEN[text] = found
    return found


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_CANON_SEEN: dict[str, str] = {}
"""canon() of short texts already seen (bounded: cleared at 4,096 entries)."""


def _canon(text: str) -> str:
    s = _BRACKETED.sub("", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in s if ch.isalnum()).casefold()


def _labels(columns: tuple[Column, ...], aliases: Mapping[str, str]) -> dict[str, str]:
    out = {canon(alias): key for alias, key in aliases.items()}
    for col in columns:
        out[canon(col.ko)] = col.key
        out[canon(col.en)] = col.key
        out[canon(col.key)] = col.key
    return out


GOAL_LABELS = _labels(GOAL_COLUMNS, GOAL_ALIASES)
PAST_LABELS = _labels(PAST_COLUMNS, PAST_ALIASES)
AGENCY_LABELS = _labels(AGENCY_FIELDS, {"기관": "agency_name", "연도": "year", "평가년도": "year"})
SHEET_LABELS = {canon(name): key for key, names in SHEET_NAMES.items() for name in (*names, key)}


# --- the zip package -------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, path: Path, zf: zipfile.ZipFile) -> None:
        self.path = path
        self.zf = zf
        self.findings: list[Finding] = []
        sniffed = check_zip_directory(zf.infolist())  # the caps again, on the directory we actually read
        if sniffed.finding is not None:
            raise _Unreadable(sniffed.finding)

    def _open(self, name: str) -> IO[bytes]:
        try:
            return self.zf.open(name)
        except KeyError:
            raise _Unreadable(finding("file.corrupt", detail=f"통합 문서의 '{name}' 부분이 없음")) from None

    def read(self) -> RawWorkbook:
        sheets, rels = self._workbook()
        styles = self._styles(rels)
        strings = self._shared_strings(rels)
        by_key: dict[str, tuple[str, str]] = {}
        for name, target in sheets:
            key = SHEET_LABELS.get(canon(name))
            if key and key not in by_key:
                by_key[key] = (name, target)
        for key in (SHEET_AGENCY, SHEET_GOALS):
            if key not in by_key:
                expected = SHEET_NAMES[key][0]
                return RawWorkbook(
                    self.path,
                    findings=(finding("file.not_template", expected=expected),),
                    sheet_names={k: v[0] for k, v in by_key.items()},
                )
        grids: dict[str, _Grid] = {}
        for key, (name, target) in by_key.items():
            if key in (SHEET_AGENCY, SHEET_GOALS, SHEET_PAST):
                with self._open(target) as fh:
                    grids[key] = _parse_sheet(fh, name, strings, styles)
                if grids[key].truncated:
                    self.findings.append(
                        finding("sheet.too_many_rows", sheet=name, limit=MAX_ROWS, columns=MAX_COLUMNS)
                    )
        version = self._template_version()
        if version != TEMPLATE_VERSION:
            self.findings.append(
                finding("file.template_version", value=version or "", expected=TEMPLATE_VERSION, found=version or "?")
            )
        agency = _agency_cells(grids[SHEET_AGENCY])
        goals = self._table(grids[SHEET_GOALS], GOAL_COLUMNS, GOAL_LABELS)
        past = self._table(grids[SHEET_PAST], PAST_COLUMNS, PAST_LABELS) if SHEET_PAST in grids else ()
        return RawWorkbook(
            self.path,
            agency=agency,
            goals=goals,
            past=past,
            findings=tuple(self.findings),
            sheet_names={k: v[0] for k, v in by_key.items()},
        )

    def _template_version(self) -> str | None:
        """The template's `TemplateVersion` custom document property (Excel and LibreOffice both keep it)."""
        part = "docProps/custom.xml"
        if part not in self.zf.NameToInfo:
            return None
        with self._open(part) as fh:
            for el in _iter_elements(fh, "property"):
                if el.get("name") == VERSION_PROPERTY:
                    return next((child.text.strip() for child in el if child.text), None)
        return None

    def _workbook(self) -> tuple[list[tuple[str, str]], dict[str, tuple[str, str]]]:
        """Sheet names in order with their part names, and the workbook's relationships (id → type, part)."""
        rels: dict[str, tuple[str, str]] = {}
        rel_part = "xl/_rels/workbook.xml.rels"
        if rel_part in self.zf.NameToInfo:
            with self._open(rel_part) as fh:
                for el in _iter_elements(fh, "Relationship"):
                    target = el.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                    rels[el.get("Id", "")] = (el.get("Type", "").rsplit("/", 1)[-1], part)
        sheets = []
        with self._open("xl/workbook.xml") as fh:
            for el in _iter_elements(fh, "sheet"):
                rid = el.get(f"{_REL_NS}id") or el.get("id") or ""
                if rid in rels:
                    sheets.append((el.get("name", ""), rels[rid][1]))
        return sheets, rels

    def _part(self, rels: dict[str, tuple[str, str]], kind: str) -> str | None:
        for rel_type, part in rels.values():
            if rel_type == kind and part in self.zf.NameToInfo:
                return part
        return None

    def _shared_strings(self, rels: dict[str, tuple[str, str]]) -> _Strings:
        part = self._part(rels, "sharedStrings")
        if part is None:
            return _Strings()
        with self._open(part) as fh:
            data = _safe_bytes(fh)
        if len(data) <= FAST_PARSE_BYTES:
            scanned = _scan_strings(data)
            return _tree_strings(data) if scanned is None else scanned
        strings: list[str] = []
        for el in _iter_elements(io.BytesIO(data), "si"):
            strings.append(_text_of(el))
            el.clear()
        return _Strings(strings)

    def _styles(self, rels: dict[str, tuple[str, str]]) -> list[tuple[bool, bool]]:
        """Per cell style index: (is percent, is date), from the number format's code."""
        part = self._part(rels, "styles")
        if part is None:
            return []
        with self._open(part) as fh:
            data = _safe_bytes(fh)
        cached = _STYLES_SEEN.get(data)
        if cached is None:
            cached = _STYLES_SEEN[data] = _style_kinds(data)
            while len(_STYLES_SEEN) > 32:
                del _STYLES_SEEN[next(iter(_STYLES_SEEN))]
        return list(cached)

    def _table(self, grid: _Grid, columns: tuple[Column, ...], labels: Mapping[str, str]) -> tuple[RawRow, ...]:
        """Rows below the heading row, keyed by field; blank rows skipped; shape problems become findings."""
        found = _header(grid, labels)
        if found is None:
            self.findings.append(finding("sheet.header_missing", sheet=grid.name, cell="A1"))
            return ()
        header_row, keys = found
        for col, text in grid.row_texts(header_row).items():
            if col not in keys and text.strip():
                self.findings.append(
                    finding(
                        "column.unknown",
                        sheet=grid.name,
                        cell=f"{column_letter(col)}{header_row}",
                        field=text.strip(),
                        value=text.strip(),
                    )
                )
        for col in keys:
            if any(first <= col <= last for first, last in grid.hidden_columns):
                self.findings.append(
                    finding(
                        "column.hidden",
                        sheet=grid.name,
                        cell=f"{column_letter(col)}{header_row}",
                        field=grid.text(header_row, col),
                    )
                )
        present = set(keys.values())
        for c in columns:
            if c.required and c.key not in present:
                self.findings.append(
                    finding("sheet.column_missing", sheet=grid.name, cell=f"A{header_row}", expected=c.ko)
                )
        heading = {key: grid.text(header_row, col) for col, key in keys.items()}
        rows = []
        before = len(self.findings)
        stored_cells, sheet = grid.cells, grid.name
        columns_read = [(col, key, column_letter(col), heading[key]) for col, key in keys.items()]
        absent = [c for c in columns if c.key not in present]
        for r in range(header_row + 1, grid.max_row + 1):
            row = [stored_cells.get((r, col)) for col, _, _, _ in columns_read]
            if not any(map(_filled, row)):
                continue
            cells = {  # each RawCell made here, once, with its heading: ≈ 400 a file
                key: RawCell(None, Source(sheet, f"{letter}{r}", text))
                if stored is None
                else _raw_cell(stored, sheet, text)
                for (_, key, letter, text), stored in zip(columns_read, row, strict=True)
            }
            hidden = r in grid.hidden
            if hidden:
                first = cells[next(iter(cells))].source
                self.findings.append(finding("row.hidden", sheet=grid.name, cell=f"A{r}", field=first.field, row=r))
            for c in absent:  # a column missing from the heading row still has a (cell-less) source
                cells[c.key] = RawCell(None, Source(grid.name, "", c.ko))
            rows.append(RawRow(r, hidden, cells))
        limit = MAX_GOAL_ROWS if columns is GOAL_COLUMNS else MAX_PAST_ROWS
        if len(rows) > limit:
            del self.findings[before:]  # no per-row warnings for rows that are not read
            self.findings.append(finding("sheet.too_many_entries", sheet=grid.name, count=len(rows), limit=limit))
            return ()
        return tuple(rows)


_STYLES_SEEN: dict[bytes, tuple[tuple[bool, bool], ...]] = {}
"""styles.xml bytes → their (percent, date) kinds: files saved from one template by one program share the part
byte for byte, so a night of 10,000 files parses it a handful of times (keyed by the bytes, never a hash)."""


def _style_kinds(data: bytes) -> tuple[tuple[bool, bool], ...]:
    """Per cell style index: (is percent, is date), from the number format's code."""
    from xml.etree.ElementTree import iterparse

    formats: dict[int, str] = {}
    xfs: list[int] = []
    in_cell_xfs = False
    for event, el in iterparse(io.BytesIO(data), ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            in_cell_xfs = in_cell_xfs or tag == "cellXfs"
            continue
        if tag == "numFmt":
            formats[_int(el.get("numFmtId"))] = el.get("formatCode", "")
        elif tag == "xf" and in_cell_xfs:
            xfs.append(_int(el.get("numFmtId")))
        elif tag == "cellXfs":
            in_cell_xfs = False
    out = []
    for fmt_id in xfs:
        code = formats.get(fmt_id)
        if code is None:
            out.append((fmt_id in PERCENT_BUILTIN, fmt_id in DATE_BUILTIN))
        else:
            out.append(format_kind(code))
    return tuple(out)


def format_kind(code: str) -> tuple[bool, bool]:
    """(percent, date) for a number format code: decided by the format, never by the size of the number."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)
    if bare.casefold() in ("general", "@", ""):
        return False, False
    percent = "%" in bare
    date = not percent and re.search(r"[yYmMdDhHsS]", bare) is not None and "#" not in bare
    return percent, date


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text or default)
    except ValueError:
        return default


class UnsafeXML(ValueError):
    """A part declares a DTD or is not UTF-8: refused before parsing."""


_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def safe_iterparse(fh: IO[bytes], events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Any]]:
    """ElementTree's C iterparse over a part that carries no DTD (parts are size-capped by `sniff`)."""
    from xml.etree.ElementTree import iterparse

    return iterparse(io.BytesIO(_safe_bytes(fh)), events=events)


def _safe_bytes(fh: IO[bytes]) -> bytes:
    """The part's bytes, refused when not UTF-8 or declaring a DTD (the checks `safe_iterparse` relies on)."""
    data = read_capped(fh)  # stops at the cap whatever the zip directory declared
    if data[:4].count(b"\0") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsafeXML("XML part not in UTF-8")
    if b"<!" in data and any(marker in data for marker in _DTD_MARKERS):  # one scan when there is no `<!`
        raise UnsafeXML("XML part declares a DTD")
    return data


def _fromstring(data: bytes) -> Any:
    """The whole tree in one C call, for parts already checked by `_safe_bytes` and at most FAST_PARSE_BYTES."""
    from xml.etree.ElementTree import fromstring

    return fromstring(data)


class _Strings(dict[int, str]):
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


def _tree_strings(data: bytes) -> _Strings:
    """The shared strings part parsed as one tree: its `<si>` elements (any namespace)."""
    return _Strings([el for el in _fromstring(data) if el.tag in _SI_TAGS or _local(el.tag) == "si"], _text_of)


def _iter_elements(fh: IO[bytes], local_name: str) -> Iterator[Any]:
    for _event, el in safe_iterparse(fh):
        if _local(el.tag) == local_name:
            yield el


_SHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_RUN_PARTS = ("si", "is", "r", "rPr", "sz", "color", "rFont", "family", "charset", "b", "i", "u", "scheme", "vertAlign")
_SI_TAGS = frozenset(f"{{{ns}}}si" for ns in _SHEET_NAMESPACES)
_T_TAGS = frozenset(f"{{{ns}}}t" for ns in _SHEET_NAMESPACES)


_PLAIN_TAGS = frozenset(f"{{{ns}}}{tag}" for ns in _SHEET_NAMESPACES for tag in _RUN_PARTS)
"""Full tag names, both flavours, of a string item's parts that `_text_of` skips (local name neither t nor rPh)."""


def _text_of(el: Any) -> str:
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
        tag = "t" if full in _T_TAGS else _local(full)
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
# tree `_text_of` would read the same. Anything else (a comment, CDATA, a phonetic run, an attribute the grammar does
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
and maybe phonetic properties (a phonetic run, `<rPh>`, whose `<t>` `_text_of` skips, is not plain)."""
_SST_START = re.compile(rb"(?:\xef\xbb\xbf)?(<\?xml[^>]*\?>)?\s*<sst(?: [^>]*)?>")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_NOT_PLAIN_CHARACTERS = bytes(range(32)).translate(None, b"\t\n")
"""C0 controls, which XML forbids, and the carriage return, which the parser turns into a line feed."""
_XML_REFERENCE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_PREDEFINED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _scan_strings(data: bytes) -> _Strings | None:
    """The shared strings read from their text (see above); None when the part is not in the plain dialect."""
    from xml.etree.ElementTree import ParseError

    root = _SST_START.match(data)
    end = len(data.rstrip()) - len(b"</sst>")
    if root is None or data[end:].rstrip() != b"</sst>":
        return None
    encoding = _DECLARED_ENCODING.search(root.group(1) or b"")
    if encoding is not None and encoding.group(1).lower() != b"utf-8":
        return None
    content = _plain_text(data[root.end() : end])
    if content is None or _SHARED_STRINGS.fullmatch(content) is None:
        return None
    try:
        _fromstring(data[: root.end()] + data[end:])  # the XML declaration and the root element, emptied
    except ParseError:
        return None
    items = content.split("</si>")  # each "<si>" and an item's inner XML, then ""
    return _Strings([item[len("<si>") :] for item in items[:-1]], _item_text)


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
        found = _XML_REFERENCE.findall(text)
        if len(found) != text.count("&") or not all(_allowed(ord(_reference_text(name))) for name in found):
            return None
    return text


def _allowed(code: int) -> bool:
    """XML 1.0's `Char`, for a character reference."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code


def _reference_text(name: str) -> str:
    if name[0] != "#":
        return _PREDEFINED_ENTITIES[name]
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    return chr(code) if code <= 0x10FFFF else "\0"  # past Unicode: as disallowed as NUL


def _reference(match: re.Match[str]) -> str:
    return _reference_text(match.group(1))


def _item_text(item: str) -> str:
    """`_text_of` for the inner XML of a plain string item: its `<t>` texts, references replaced, cut."""
    text = "".join(_T_TEXT.findall(item))
    return (_XML_REFERENCE.sub(_reference, text) if "&" in text else text)[:MAX_STRING]


# --- one worksheet -----------------------------------------------------------------------------------------------
_Stored = tuple[str | float | bool | None, str, bool, bool, str | None, str | None]
"""A cell as a sheet is read: (value, cell reference, percent, date, formula, error), `RawCell`'s fields but the
heading. Each `RawCell` is made once, from this, when the table or the agency sheet knows its heading."""


@dataclass
class _Grid:
    name: str
    cells: dict[tuple[int, int], _Stored] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # (first, last) column of hidden ranges
    merges: list[str] = field(default_factory=list)  # merged ranges, e.g. "A5:A7"
    max_row: int = 0
    truncated: bool = False

    def cell(self, row: int, col: int, heading: str) -> RawCell:
        stored = self.cells.get((row, col))
        if stored is None:
            return RawCell(None, Source(self.name, f"{column_letter(col)}{row}", heading))
        return _raw_cell(stored, self.name, heading)

    def text(self, row: int, col: int) -> str:
        stored = self.cells.get((row, col))
        if stored is None or stored[0] is None:
            return ""
        return " ".join(str(stored[0]).split())

    def row_texts(self, row: int) -> dict[int, str]:
        return {c: self.text(r, c) for (r, c) in self.cells if r == row}


def _raw_cell(stored: _Stored, sheet: str, heading: str) -> RawCell:
    value, ref, percent, date, formula, error = stored
    return RawCell(value, Source(sheet, ref, heading), percent, date, formula, error)


def _filled(stored: _Stored | None) -> bool:
    """`not RawCell.empty` for a stored cell (None: no cell at all)."""
    if stored is None:
        return False
    value, _, _, _, formula, error = stored
    if formula is not None or error is not None:
        return True
    return value is not None and not (isinstance(value, str) and not value.strip())


_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(ref: str | None) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref or "")
    return (int(m.group(2)), _col_index(m.group(1))) if m else None


def _cell_place(ref: str | None) -> tuple[int, int, str] | None:
    """(row, column, canonical reference) of a cell reference within `MAX_COLUMNS`, parsed once per process (files
    made from one template repeat the same references); None for a reference further right or none at all."""
    if ref is None:
        return None
    place = _REFS.get(ref)
    if place is None:
        found = _ref(ref)
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

    def __init__(self, styles: list[tuple[bool, bool]]) -> None:
        super().__init__()
        self.styles = styles

    def __missing__(self, s: str | None) -> tuple[bool, bool]:
        index = _int(s)
        kind = self[s] = self.styles[index] if index < len(self.styles) else (False, False)
        return kind


_SHEET_TAGS = {
    f"{{{ns}}}{tag}": tag
    for ns in (
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    for tag in ("c", "row", "v", "f", "is", "mergeCell", "sheetData")
}
"""Full tag names of both OOXML flavours (transitional and strict) → local name, so the hot loop does a dict hit."""


def _parse_sheet(fh: IO[bytes], name: str, strings: _Strings, styles: list[tuple[bool, bool]]) -> _Grid:
    """One worksheet: cells (with cached values, formats, formulas), hidden rows and merged ranges."""
    data = _safe_bytes(fh)
    if len(data) <= FAST_PARSE_BYTES:
        grid = _parse_sheet_tree(_fromstring(_EMPTY_CELL.sub(b"", data)), name, strings, styles)
    else:
        grid = _stream_sheet(data, name, strings, styles)
    _apply_merges(grid)
    return grid


def _stream_sheet(data: bytes, name: str, strings: _Strings, styles: list[tuple[bool, bool]]) -> _Grid:
    """A part too large for one tree, parsed event by event to keep memory flat."""
    from xml.etree.ElementTree import iterparse

    grid = _Grid(name)
    kinds = _StyleKinds(styles)
    row_no = 0
    col_no = 0
    for _event, el in iterparse(io.BytesIO(data)):
        tag = _SHEET_TAGS.get(el.tag) or _local(el.tag)
        if tag == "c":
            if not len(el):  # most cells are styled but empty (the template prepares 60 rows): skip them cheaply
                col_no = col_no + 1 if el.get("r") is None else col_no
                el.clear()
                continue
            pos = _ref(el.get("r"))
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
            row_no = _int(el.get("r"), row_no + 1)
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
        if _local(part.tag) == "mergeCells"
        for m in part
        if _local(m.tag) == "mergeCell"
    ]


def _hidden_columns(root: Any) -> list[tuple[int, int]]:
    """The (first, last) column of each hidden `<col>` range of a parsed worksheet."""
    return [
        span
        for part in root
        if _local(part.tag) == "cols"
        for col in part
        if _local(col.tag) == "col" and (span := _hidden_span(col)) is not None
    ]


def _hidden_span(col: Any) -> tuple[int, int] | None:
    if col.get("hidden") not in ("1", "true"):
        return None
    first = _int(col.get("min"), 0)
    return first, _int(col.get("max"), first)


def _parse_sheet_tree(root: Any, name: str, strings: _Strings, styles: list[tuple[bool, bool]]) -> _Grid:
    """The sheet from a parsed tree: the same rules as the stream, visiting cells, then their row, as the stream's
    end events do (so a cell without `r` is placed exactly as the streaming path places it)."""
    grid = _Grid(name, merges=_merge_refs(root), hidden_columns=_hidden_columns(root))
    cells = grid.cells
    row_no = 0
    max_row = 0
    kinds = _StyleKinds(styles)
    sheet_tags = _SHEET_TAGS
    for part in root:
        if (sheet_tags.get(part.tag) or _local(part.tag)) != "sheetData":
            continue
        for row_el in part:
            if (sheet_tags.get(row_el.tag) or _local(row_el.tag)) != "row":
                continue
            col_no = 0
            stop = False
            for el in row_el:
                if (sheet_tags.get(el.tag) or _local(el.tag)) != "c":
                    continue
                if not len(el):
                    col_no = col_no + 1 if el.get("r") is None else col_no
                    continue
                ref = el.get("r")
                place = _REFS.get(ref) or _cell_place(ref)
                if place is None:
                    row, col = _ref(ref) or (row_no or 1, col_no + 1)
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
            row_no = _int(row_el.get("r"), row_no + 1)
            if row_el.get("hidden") in ("1", "true"):
                grid.hidden.add(row_no)
    grid.max_row = max_row
    return grid


def _has_content(el: Any) -> bool:
    return any(_local(child.tag) in ("v", "f", "is") and (child.text or len(child)) for child in el)


def _cell(el: Any, ref: str, strings: _Strings, style: tuple[bool, bool]) -> _Stored | None:
    """A cell element of the tree or the stream."""
    formula = value_text = None
    inline = None
    for child in el:
        tag = _SHEET_TAGS.get(child.tag) or _local(child.tag)
        if tag == "f":
            formula = child.text or "(shared)"
        elif tag == "v":
            value_text = child.text
        elif tag == "is":
            inline = _text_of(child)
    return _cell_value(el.get("t", "n"), formula, value_text, inline, ref, strings, style)


def _cell_value(
    kind: str,
    formula: str | None,
    value_text: str | None,
    inline: str | None,
    ref: str,
    strings: _Strings,
    style: tuple[bool, bool],
) -> _Stored | None:
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
        value = strings[_int(value_text, -1)]
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


def _apply_merges(grid: _Grid) -> None:
    """Every cell of a merged range reads the top-left cell's value (and points at the top-left cell to fix it)."""
    budget = MAX_MERGED_CELLS
    for ref in grid.merges:
        first, _, last = ref.partition(":")
        a, b = _ref(first), _ref(last or first)
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


def _header(grid: _Grid, labels: Mapping[str, str]) -> tuple[int, dict[int, str]] | None:
    """The heading row: the row in the first rows that matches the most known labels (at least a few)."""
    rows: dict[int, dict[int, str]] = {}
    for (r, c), stored in grid.cells.items():
        value = stored[0]
        if r <= HEADER_SCAN_ROWS and isinstance(value, str):
            key = labels.get(canon(value))
            if key is not None and stored[1] == f"{column_letter(c)}{r}":  # not a merged range's copy
                rows.setdefault(r, {})
                if key not in rows[r].values():
                    rows[r][c] = key
    best = max(rows.items(), key=lambda item: (len(item[1]), -item[0]), default=None)
    if best is None or len(best[1]) < min(MIN_HEADER_MATCHES, len(set(labels.values()))):
        return None
    return best[0], dict(sorted(best[1].items()))


def _agency_cells(grid: _Grid) -> dict[str, RawCell]:
    """기관정보 holds label/value pairs: the value is the first cell right of its label (past a merged label)."""
    out: dict[str, RawCell] = {}
    for (r, c), stored in sorted(grid.cells.items()):
        value = stored[0]
        if r > HEADER_SCAN_ROWS or not isinstance(value, str):
            continue
        key = AGENCY_LABELS.get(canon(value))
        if key is None or key in out:
            continue
        label = " ".join(value.split())
        col = c + 1
        while grid.cells.get((r, col)) is stored and col <= MAX_COLUMNS:  # the label merged across columns
            col += 1
        out[key] = grid.cell(r, col, label)
    for col in AGENCY_FIELDS:
        if col.key not in out:
            out[col.key] = RawCell(None, Source(grid.name, "", col.ko))
    return out
