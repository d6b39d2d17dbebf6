"""Does a workbook print? Each sheet is printed alone through LibreOffice to PDF (the other sheets hidden, as a
person printing one tab would), and the PDF is checked the way a reader of the paper would check it:

- every page is A4 (`pdfinfo`);
- nothing is cut at the right edge: every heading of the sheet's repeated heading rows (print titles) is on every
  page of that sheet (`pdftotext`), so no column spilled onto pages of its own; a sheet printed several pages wide
  by design, with print-title columns repeated at the left of every page (the goal sheet), has the headings of
  those columns on every page and every other heading on some page;
- no text is under 8 pt: the font size of every piece of text drawn, from the page's content streams (the size
  set by `Tf`, times the text and graphics matrices), as the printer draws it.

    from tests.printcheck import assert_prints_on_a4
    assert_prints_on_a4(soffice, workbook_path, tmp_path)              # every sheet
    assert_prints_on_a4(soffice, workbook_path, tmp_path, ["목표별"])  # some

Needs LibreOffice (the `soffice` fixture of conftest skips or fails visibly without it) and poppler-utils.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MIN_POINTS", "PrintedSheet", "assert_prints_on_a4", "convert", "print_sheet", "problems", "squeeze"]

MIN_POINTS = 8.0
A4 = (595.3, 841.9)
A4_TOLERANCE = 2.0  # points


@dataclass
class PrintedSheet:
    """One sheet printed: its pages' sizes, texts and smallest font sizes, and the headings expected on each."""

    sheet: str
    pdf: Path
    sizes: list[tuple[float, float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    smallest: list[float] = field(default_factory=list)  # per page; inf when a page has no text
    headings: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # the headings of the print-title columns, when it has some


def convert(soffice: str, source: Path, out_dir: Path, to: str = "pdf") -> Path:
    """LibreOffice headless with a private profile (parallel runs do not fight over one): `source` converted to
    `to` (pdf, or xlsx for a workbook as LibreOffice saves it) in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(out_dir / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = out_dir / f"{source.stem}.{to}"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return pdf


# --- one sheet alone ------------------------------------------------------------------------------------------
_SHEET_TAG = re.compile(r"<sheet\b[^>]*?/>")


def only_sheet(source: Path, target: Path, index: int) -> None:
    """A copy of `source` where every sheet but the `index`-th (0-based) is hidden and that one is the active tab:
    LibreOffice prints visible sheets only. The workbook's XML is edited as text, so nothing else changes."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = _one_visible(data.decode("utf-8"), index).encode("utf-8")
            elif re.fullmatch(r"xl/worksheets/sheet\d+\.xml", item.filename):
                data = re.sub(rb'\stabSelected="1"', b"", data)
            zout.writestr(item, data)


def _one_visible(xml: str, index: int) -> str:
    tags = [re.sub(r'\s+state="[^"]*"', "", m.group(0)) for m in _SHEET_TAG.finditer(xml)]
    shown = iter([tag if i == index else tag[:-2].rstrip() + ' state="hidden"/>' for i, tag in enumerate(tags)])
    xml = _SHEET_TAG.sub(lambda _: next(shown), xml)

    # LibreOffice prints a hidden sheet that has a print area: drop the others' print areas (attributes in any
    # order: LibreOffice writes localSheetId before name)
    def keep(d: re.Match[str]) -> str:
        tag = d.group(1)
        local = re.search(r'\blocalSheetId="(\d+)"', tag)
        is_area = re.search(r'\bname="_xlnm\.Print_Area"', tag)
        return d.group(0) if not (is_area and local) or int(local.group(1)) == index else ""

    xml = re.sub(r"(<definedName\b[^>]*>)[^<]*</definedName>", keep, xml)
    xml = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", xml)
    return xml.replace("<workbookView", f'<workbookView activeTab="{index}" firstSheet="{index}"', 1)


def expected_headings(source: Path, sheet: str) -> tuple[list[str], list[str]]:
    """The texts of the sheet's repeated heading rows inside its print area (none when it has no print titles),
    and those of them in its print-title columns (none when it has none)."""
    import openpyxl
    from openpyxl.utils import column_index_from_string, range_boundaries

    wb = openpyxl.load_workbook(source, read_only=False)
    ws = wb[sheet]
    titles = ws.print_title_rows
    if not titles:
        return [], []
    first, last = (int(x) for x in titles.replace("$", "").split(":"))
    min_col, max_col = 1, ws.max_column
    if ws.print_area:
        area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        min_col, _, max_col, _ = range_boundaries(area.split("!")[-1].replace("$", ""))
    left = ws.print_title_cols
    repeat = range(0)
    if left:
        a, b = (column_index_from_string(x) for x in left.replace("$", "").split(":"))
        repeat = range(a, b + 1)
    texts, repeated = [], []
    for row in ws.iter_rows(min_row=first, max_row=last, min_col=min_col, max_col=max_col):
        for cell in row:
            if cell.value is not None and str(cell.value).strip():
                texts.append(str(cell.value))
                if cell.column in repeat:
                    repeated.append(str(cell.value))
    return texts, repeated


def print_sheet(soffice: str, source: Path, sheet: str, out_dir: Path) -> PrintedSheet:
    import openpyxl

    names = openpyxl.load_workbook(source, read_only=True).sheetnames
    index = names.index(sheet)
    out_dir.mkdir(parents=True, exist_ok=True)
    alone = out_dir / f"sheet{index + 1}.xlsx"
    only_sheet(source, alone, index)
    pdf = convert(soffice, alone, out_dir)
    headings, repeated = expected_headings(source, sheet)
    printed = PrintedSheet(sheet=sheet, pdf=pdf, headings=headings, repeated=repeated)
    printed.sizes = page_sizes(pdf)
    for page in range(1, len(printed.sizes) + 1):
        printed.texts.append(page_text(pdf, page))
    printed.smallest = [min(sizes, default=math.inf) for sizes in font_sizes_by_page(pdf)]
    return printed


def problems(printed: PrintedSheet) -> list[str]:
    """What a reader of the paper would object to, one line each (empty: it prints)."""
    found = []
    where = f"{printed.sheet!r}"
    for n, (w, h) in enumerate(printed.sizes, start=1):
        if abs(min(w, h) - A4[0]) > A4_TOLERANCE or abs(max(w, h) - A4[1]) > A4_TOLERANCE:
            found.append(f"{where} page {n}: {w:.0f} x {h:.0f} pt is not A4")
    every_page = printed.repeated or printed.headings  # several pages wide: the title columns' on each
    for n, text in enumerate(printed.texts, start=1):
        flat = squeeze(text)
        missing = [h for h in every_page if not on_page(squeeze(h), flat)]
        if missing:
            found.append(f"{where} page {n}: headings not on the page (cut at the right edge?): {missing}")
    nowhere = [h for h in printed.headings if not any(on_page(squeeze(h), squeeze(t)) for t in printed.texts)]
    if printed.repeated and nowhere:
        found.append(f"{where}: headings on no page (cut at the right edge?): {nowhere}")
    for n, smallest in enumerate(printed.smallest, start=1):
        if smallest < MIN_POINTS - 0.05:
            found.append(f"{where} page {n}: text at {smallest:.1f} pt (under {MIN_POINTS:g} pt)")
    if not printed.sizes:
        found.append(f"{where}: prints no page")
    return found


def assert_prints_on_a4(
    soffice: str, source: Path, out_dir: Path, sheets: Iterable[str] | None = None
) -> list[PrintedSheet]:
    """Print each sheet (default: every visible sheet) alone and fail with every problem found on any page."""
    import openpyxl

    wb = openpyxl.load_workbook(source, read_only=True)
    names = list(sheets) if sheets is not None else [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    printed = [print_sheet(soffice, Path(source), name, Path(out_dir) / f"print{i}") for i, name in enumerate(names)]
    found = [line for p in printed for line in problems(p)]
    assert not found, "does not print on A4:\n" + "\n".join(found)
    return printed


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def on_page(heading: str, page: str) -> bool:
    """The heading's characters in order within a short stretch of the page's text: two wrapped headings side by
    side come out of the PDF with their lines interleaved ("Adjustme Adjustment / nts reasons")."""
    if heading in page:
        return True
    gap = f".{{0,{len(heading)}}}?"
    return re.search(gap.join(map(re.escape, heading)), page, re.S) is not None


# --- the PDF ------------------------------------------------------------------------------------------------------
def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def page_text(pdf: Path, page: int) -> str:
    """The page's text in reading order (not -layout: a wrapped heading's lines stay together)."""
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def font_sizes_by_page(pdf: Path) -> list[list[float]]:
    """The size, in points on paper, of every text drawn on each page (in page order)."""
    assert shutil.which("pdfinfo"), "poppler-utils (pdfinfo, pdftotext) needed"
    data = pdf.read_bytes()
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(?s)(\d+)\s+0\s+obj\b(.*?)endobj", data)}
    return [[size for stream in page_streams(objects, page) for size in text_sizes(stream)] for page in pages(objects)]


def _refs(text: bytes) -> list[int]:
    return [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", text)]


def pages(objects: dict[int, bytes]) -> Iterator[bytes]:
    """The page objects in order, walking the page tree from the catalogue."""
    (root,) = [body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body)]
    top = int(re.search(rb"/Pages\s+(\d+)\s+0\s+R", root).group(1))

    def walk(number: int) -> Iterator[bytes]:
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S).group(1)
            for kid in _refs(kids):
                yield from walk(kid)
        else:
            yield body

    yield from walk(top)


def stream_of(body: bytes) -> bytes:
    import zlib

    m = re.search(rb"(?s)stream\r?\n(.*)endstream", body)
    if m is None:
        return b""
    raw = m.group(1)
    # a decompressor object stops at the end of the deflate data, whatever line end follows it
    return zlib.decompressobj().decompress(raw) if b"/FlateDecode" in body[: m.start()] else raw


def page_streams(objects: dict[int, bytes], page: bytes) -> Iterator[bytes]:
    """The page's content streams, and those of the form XObjects it draws (charts)."""
    contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+0\s+R)", page)
    seen: set[int] = set()
    todo = _refs(contents.group(1)) if contents else []
    resources = re.search(rb"/XObject\s*<<(.*?)>>", page, re.S)
    todo += _refs(resources.group(1)) if resources else []
    while todo:
        number = todo.pop()
        if number in seen or number not in objects:
            continue
        seen.add(number)
        body = objects[number]
        if re.search(rb"/Subtype\s*/Image\b", body):
            continue
        yield stream_of(body)
        inner = re.search(rb"/XObject\s*<<(.*?)>>", body.split(b"stream", 1)[0], re.S)
        todo += _refs(inner.group(1)) if inner else []


_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # a literal string (one level of nested parentheses)
    rb"|<<|>>|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>{}%]*"
    rb"|[-+]?(?:\d+\.?\d*|\.\d+)"
    rb"|%[^\r\n]*"
    rb"|[A-Za-z'\"*]+"
)


def _scale(m: list[float]) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def _times(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def text_sizes(stream: bytes) -> Iterator[float]:
    """The effective size of each text-showing operation: Tf size × |Tm| × |CTM| (enough for what LibreOffice
    writes: it sets sizes with Tf and positions with Td/Tm, and scales charts with cm)."""
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    ctm, stack, tm, size, operands = identity, [], identity, 0.0, []
    for token in _TOKEN.findall(stream):
        if token[:1].isalpha() or token in (b"'", b'"'):
            op = token
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q" and stack:
                ctm = stack.pop()
            elif op == b"cm" and len(operands) >= 6:
                ctm = _times([float(x) for x in operands[-6:]], ctm)
            elif op == b"BT":
                tm = identity
            elif op == b"Tm" and len(operands) >= 6:
                tm = [float(x) for x in operands[-6:]]
            elif op == b"Tf" and operands:
                size = abs(float(operands[-1]))
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                yield size * _scale(tm) * _scale(ctm)
            operands = []
        elif token[:1] in b"-+.0123456789":
            operands.append(token)
        elif token[:1] == b"%":
            continue
        else:
            operands.append(token)
