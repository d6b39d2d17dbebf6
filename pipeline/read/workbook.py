"""Workbook → raw records, every value with the cell it came from (a source map, as in flatten-tool).

The workbook's XML is read directly, in one streaming pass per sheet, instead of through openpyxl:
- one pass sees everything the rules need: cached values *and* whether a cell holds a formula (openpyxl needs two
  loads, data_only True and False, for that), number formats (percent, date), hidden rows and columns, and merged ranges
  (openpyxl's fast read-only mode drops the last two);
- it is an order of magnitude faster than openpyxl's full load, which matters at 10,000 files a night;
- it is bounded: the zip directory is checked by `sniff` first, and the reader stops at fixed row/column caps.
The parts themselves are read by `pipeline.xlsx` (shared strings, styles, worksheets; XML safety in `xmltext`); this
module interprets them as the template: which sheet is which, the heading rows, the table rows, 기관정보's pairs.

Values stay as stored (text, float, bool); typing them is `normalize`'s job and judging them `validate`'s. Only
problems of *shape* are findings here: missing sheets, missing heading row or columns, unknown columns, hidden
sheets, rows and columns, too many rows. One thing is translated: a workbook in the 1904 date system (Mac Excel's
old default, `<workbookPr date1904="1"/>`) has its date cells' serials moved to the 1900 system, so that every
later stage reads a serial one way.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Bilingual, Text
from pipeline.core.layout import (
    AGENCY_FIELDS,
    GOAL_COLUMNS,
    OLD_TEMPLATE_VERSIONS,
    PAST_COLUMNS,
    SHEET_AGENCY,
    SHEET_GOALS,
    SHEET_NAMES,
    SHEET_PAST,
    TEMPLATE_VERSION,
    VERSION_PROPERTY,
    Column,
)
from pipeline.core.model import Source
from pipeline.core.refs import column_letter
from pipeline.xlsx.package import (
    MAX_FILE_BYTES,
    NS_R,
    WORKBOOK_PART,
    PartTooLarge,
    broken_zip,
    check_zip_directory,
    sniff,
)
from pipeline.xlsx.sharedstrings import Strings, read_shared_strings
from pipeline.xlsx.styles import StyleKinds, read_style_kinds
from pipeline.xlsx.worksheet import MAX_COLUMNS, MAX_ROWS, Grid, Stored, filled, read_sheet
from pipeline.xlsx.xmltext import UnsafeXML, iter_elements, local_name

HEADER_SCAN_ROWS = 60
"""How far down the heading row is looked for (people insert title rows above it)."""
MIN_HEADER_MATCHES = 4
MAX_GOAL_ROWS = 200
"""Goal rows read: a real plan has under 100 goals; thousands are a pasted table, refused with one finding instead
of thousands (and a weights message listing every cell)."""
MAX_PAST_ROWS = 1000
"""Past-result rows read: 3–5 years for each of at most `MAX_GOAL_ROWS` goals."""
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
    "평가등급": "grade",
    "evaluatorgrade": "grade",
    "위원평가등급": "grade",
    "증빙": "evidence",
}
SELF_GRADE = "grade"
"""Not a template column since 2026.2 (the committee grades qualitative goals in its own workbook): its headings
stay known so that a grade typed into an old template, or into a column added by hand, is flagged on its cell
(`grade.self_assigned`) rather than read as an unknown column."""
PAST_ALIASES = {"번호": "number", "실적치": "result", "과거실적": "result"}
DATE1904_OFFSET = 1462
"""Days between the two date systems' day 0: serial n of a 1904 workbook is the 1900 system's n + 1462
(45000 is 2027-03-16 in the 1904 system, 2023-03-15 in the 1900 one)."""
HIDDEN_STATES = frozenset({"hidden", "veryHidden"})
"""A sheet's `state` when its tab is not shown (`veryHidden`: not even listed by Unhide)."""


# --- output -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RawCell:
    """One cell's stored content and where it is."""

    value: str | float | bool | None
    source: Source
    percent: bool = False  # number format shows a percentage: 0.85 displays as 85%
    date: bool = False  # number format is a date or time; the value is then a serial of the 1900 date system
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


def why_unreadable(exc: BaseException) -> Bilingual:
    """Why a file could not be read, in words a submitter understands (the technical name in brackets)."""
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, UnsafeXML):
        dtd = "DTD" in str(exc)
        reason = UNREADABLE["dtd"] if dtd else UNREADABLE["xml"]
    elif isinstance(exc, zipfile.BadZipFile | EOFError):
        return broken_zip(exc)
    elif isinstance(exc, ParseError):
        reason = UNREADABLE["parse"]
    elif isinstance(exc, RuntimeError):
        reason = UNREADABLE["encrypted"]
    else:
        reason = UNREADABLE["other"]
    name = type(exc).__name__
    return Bilingual(f"{reason[0]} [{name}]", f"{reason[1]} [{name}]")


UNREADABLE: dict[str, Text] = {
    "dtd": ("보안상 허용하지 않는 XML 선언(DTD·엔티티)이 있음", "XML declarations refused for safety (DTD, entities)"),
    "xml": ("XML이 깨졌거나 UTF-8이 아님", "the XML is broken or not UTF-8"),
    "parse": ("통합 문서 안의 XML 내용이 깨짐", "the workbook's XML content is broken"),
    "encrypted": ("통합 문서의 일부가 암호화되어 있음", "part of the workbook is encrypted"),
    "other": ("통합 문서의 내용을 읽을 수 없음", "the workbook's content cannot be read"),
}
"""Why a workbook could not be read (`why_unreadable`), in both languages."""


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
AGENCY_LABELS = _labels(
    AGENCY_FIELDS, {"기관": "agency_name", "연도": "year", "평가년도": "year", "구분": "kind", "제출유형": "kind"}
)
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
            detail = Bilingual(f"통합 문서의 '{name}' 부분이 없음", f"the workbook has no '{name}' part")
            raise _Unreadable(finding("file.corrupt", detail=detail)) from None

    def read(self) -> RawWorkbook:
        sheets, rels, date1904 = self._workbook()
        styles = self._styles(rels)
        strings = self._shared_strings(rels)
        by_key: dict[str, tuple[str, str, str]] = {}
        for name, target, state in sheets:
            key = SHEET_LABELS.get(canon(name))
            if key and key not in by_key:
                by_key[key] = (name, target, state)
        for key in (SHEET_AGENCY, SHEET_GOALS):
            if key not in by_key:
                expected = SHEET_NAMES[key][0]
                return RawWorkbook(
                    self.path,
                    findings=(finding("file.not_template", expected=expected),),
                    sheet_names={k: v[0] for k, v in by_key.items()},
                )
        grids: dict[str, Grid] = {}
        for key, (name, target, state) in by_key.items():
            if key in (SHEET_AGENCY, SHEET_GOALS, SHEET_PAST):
                if state in HIDDEN_STATES:
                    self.findings.append(finding("sheet.hidden", sheet=name, state=state))
                with self._open(target) as fh:
                    grids[key] = read_sheet(fh, name, strings, styles)
                if date1904:
                    _dates_in_1900_system(grids[key])
                if grids[key].truncated:
                    self.findings.append(
                        finding("sheet.too_many_rows", sheet=name, limit=MAX_ROWS, columns=MAX_COLUMNS)
                    )
        version = self._template_version()
        if version in OLD_TEMPLATE_VERSIONS:
            self.findings.append(finding("file.template_old", value=version, expected=TEMPLATE_VERSION, found=version))
        elif version != TEMPLATE_VERSION:
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
            for el in iter_elements(fh, "property"):
                if el.get("name") == VERSION_PROPERTY:
                    return next((child.text.strip() for child in el if child.text), None)
        return None

    def _workbook(self) -> tuple[list[tuple[str, str, str]], dict[str, tuple[str, str]], bool]:
        """Sheet names in order with their part names and states (`visible`, `hidden`, `veryHidden`), the
        workbook's relationships (id → type, part), and whether its dates are in the 1904 system."""
        rels: dict[str, tuple[str, str]] = {}
        rel_part = "xl/_rels/workbook.xml.rels"
        if rel_part in self.zf.NameToInfo:
            with self._open(rel_part) as fh:
                for el in iter_elements(fh, "Relationship"):
                    target = el.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                    rels[el.get("Id", "")] = (el.get("Type", "").rsplit("/", 1)[-1], part)
        sheets = []
        date1904 = False
        with self._open(WORKBOOK_PART) as fh:
            for el in iter_elements(fh, "sheet", "workbookPr"):
                if local_name(el.tag) == "workbookPr":
                    date1904 = el.get("date1904", "").strip() in ("1", "true")
                    continue
                rid = el.get(f"{{{NS_R}}}id") or el.get("id") or ""
                if rid in rels:
                    sheets.append((el.get("name", ""), rels[rid][1], el.get("state", "visible")))
        return sheets, rels, date1904

    def _part(self, rels: dict[str, tuple[str, str]], kind: str) -> str | None:
        for rel_type, part in rels.values():
            if rel_type == kind and part in self.zf.NameToInfo:
                return part
        return None

    def _shared_strings(self, rels: dict[str, tuple[str, str]]) -> Strings:
        part = self._part(rels, "sharedStrings")
        if part is None:
            return Strings()
        with self._open(part) as fh:
            return read_shared_strings(fh)

    def _styles(self, rels: dict[str, tuple[str, str]]) -> StyleKinds:
        """Per cell style index: (is percent, is date), from the number format's code."""
        part = self._part(rels, "styles")
        if part is None:
            return []
        with self._open(part) as fh:
            return read_style_kinds(fh)

    def _table(self, grid: Grid, columns: tuple[Column, ...], labels: Mapping[str, str]) -> tuple[RawRow, ...]:
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
            if not any(map(filled, row)):
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


def _dates_in_1900_system(grid: Grid) -> None:
    """A 1904-system sheet's date cells with their serials moved to the 1900 system (a merged range's cells keep
    sharing the top-left cell's one stored value)."""
    moved: dict[int, Stored] = {}
    for place, stored in list(grid.cells.items()):
        value, ref, percent, date, formula, error = stored
        if date and isinstance(value, float):
            new = moved.get(id(stored))
            if new is None:
                new = moved[id(stored)] = (value + DATE1904_OFFSET, ref, percent, date, formula, error)
            grid.cells[place] = new


def _header(grid: Grid, labels: Mapping[str, str]) -> tuple[int, dict[int, str]] | None:
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


def _agency_cells(grid: Grid) -> dict[str, RawCell]:
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
        out[key] = cell_at(grid, r, col, label)
    for col in AGENCY_FIELDS:
        if col.key not in out:
            out[col.key] = RawCell(None, Source(grid.name, "", col.ko))
    return out


def cell_at(grid: Grid, row: int, col: int, heading: str) -> RawCell:
    """The cell at (row, col) of a sheet read, with its heading; an empty one where the sheet has none."""
    stored = grid.cells.get((row, col))
    if stored is None:
        return RawCell(None, Source(grid.name, f"{column_letter(col)}{row}", heading))
    return _raw_cell(stored, grid.name, heading)


def _raw_cell(stored: Stored, sheet: str, heading: str) -> RawCell:
    value, ref, percent, date, formula, error = stored
    return RawCell(value, Source(sheet, ref, heading), percent, date, formula, error)
