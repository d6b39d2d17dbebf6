"""What kind of file is this? Decided from its bytes, before any spreadsheet library touches it.

People rename files (a CSV saved as `.xlsx`), send the old `.xls`, put a password on the workbook, or the upload
is cut off; and the inbox is a shared folder where anything can land. Each case gets one finding with a plain
reason instead of a stack trace. For zip files the directory is checked against fixed caps first (entry count,
declared inflated sizes), so a zip bomb is refused without inflating anything. The declared sizes can lie, so what is actually inflated is capped too:
`read_capped` reads a part in 1 MB steps and stops at the cap (Python's `zipfile` inflates a whole entry in one
call when read without a size, whatever the directory declared: 1 GiB from a 1 MB entry claiming 2 kB), and only
the two methods Office writes (stored, deflate) are accepted, because `zipfile` inflates bzip2 and LZMA without
an output bound. No heavy imports here: this runs for every file, also from `pipeline validate`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Bilingual
from pipeline.core.refs import column_index

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB
"""Default cap on the file itself (pipeline.toml [batch].max_file_size_mb overrides): a 60-goal workbook is ~30 kB."""
MAX_ENTRIES = 500
"""A workbook from Excel or LibreOffice has 10–40 parts; thousands of entries is not a submission."""
MAX_ENTRY_BYTES = 64 * MB
"""Largest inflated part we read (a 5,000-row sheet is ~3 MB of XML)."""
MAX_TOTAL_BYTES = 128 * MB
"""Sum of the declared inflated sizes: bounds memory and time per file whatever the compression ratio."""
READ_STEP = 1 * MB
"""Inflated bytes per read call: each call inflates at most this much, so a lying directory costs 1 MB, not 1 GiB."""
ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
"""Compression methods Excel and LibreOffice write; `zipfile` inflates the others (bzip2, LZMA) without a bound."""
COPY_MAX_BYTES = 16 * MB
"""Largest workbook (inflated, all parts) handed to openpyxl for a feedback copy: openpyxl keeps every cell as an
object (~1 kB each with its style), so a 600,000-row extra sheet would take 20 s and 450 MB."""
COPY_MAX_MERGED = 100_000
"""Merged cells, summed over every sheet, in a workbook handed to openpyxl: it makes one object per merged cell,
and A1:XFD1048576 is 17 billion of them."""

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
WORKBOOK_PART = "xl/workbook.xml"

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
"""SpreadsheetML's main namespace, transitional: what Excel, LibreOffice and openpyxl write."""
NS_MAIN_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
"""The same in strict OOXML (Excel's "Strict Open XML Spreadsheet")."""
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
"""Relationship ids (`r:id`) and relationship types."""
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
"""The root of a relationships part (`_rels/*.rels`)."""
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
"""The root of `[Content_Types].xml`."""


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The verdict: `finding` is None when the file is an xlsx zip within the caps."""

    kind: str  # xlsx | empty | encrypted | xls | xlsb | hwp | pdf | html | csv | zip | ole2 | unknown | ...
    finding: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.finding is None


def sniff(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Sniffed:
    """Classify `path`; never raises for a bad file (an unreadable path is a finding too)."""
    try:
        size = path.stat().st_size
        if size == 0:
            return Sniffed("empty", finding("file.empty"))
        if size > max_bytes:
            detail = Bilingual(
                f"{_mb(size)} MB, 한도 {_mb(max_bytes)} MB", f"{_mb(size)} MB, limit {_mb(max_bytes)} MB"
            )
            return Sniffed("too_large", finding("file.too_large", detail=detail))
        with path.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(ZIP_MAGICS):
                return _sniff_zip(path)
            if head == OLE2_MAGIC:
                return _sniff_ole2(head + fh.read())
            return _sniff_other(head + fh.read(4096 - len(head)))
    except OSError as exc:
        name = type(exc).__name__
        detail = Bilingual(f"파일을 읽을 수 없음 [{name}]", f"the file cannot be read [{name}]")
        return Sniffed("unreadable", finding("file.corrupt", detail=detail))


def broken_zip(exc: BaseException) -> Bilingual:
    name = type(exc).__name__
    return Bilingual(f"압축(zip) 구조가 깨짐 [{name}]", f"the zip structure is broken [{name}]")


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def _sniff_zip(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        return Sniffed("corrupt", finding("file.corrupt", detail=broken_zip(exc)))
    return check_zip_directory(infos)


def check_zip_directory(infos: list[zipfile.ZipInfo]) -> Sniffed:
    """The caps and the format, from the zip directory alone (nothing is inflated)."""
    if len(infos) > MAX_ENTRIES:
        n = len(infos)
        detail = Bilingual(
            f"압축 안의 항목 {n}개, 한도 {MAX_ENTRIES}개", f"{n} entries in the zip, limit {MAX_ENTRIES}"
        )
        return Sniffed("zip_bomb", finding("file.too_large", detail=detail))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return Sniffed("encrypted", finding("file.encrypted"))
        if info.compress_type not in ZIP_METHODS:
            where, method = info.filename[:120], info.compress_type
            detail = Bilingual(
                f"{where}: 지원하지 않는 압축 방식 {method}", f"{where}: unsupported compression method {method}"
            )
            return Sniffed("zip_method", finding("file.corrupt", detail=detail))
        if info.file_size > MAX_ENTRY_BYTES:
            size, limit, where = _mb(info.file_size), _mb(MAX_ENTRY_BYTES), info.filename[:100]
            detail = Bilingual(
                f"압축을 풀면 {size} MB, 한 부분의 한도 {limit} MB: {where}",
                f"{size} MB inflated, limit {limit} MB for one part: {where}",
            )
            return Sniffed("zip_bomb", finding("file.too_large", detail=detail))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        size, limit = _mb(total), _mb(MAX_TOTAL_BYTES)
        detail = Bilingual(f"압축을 풀면 {size} MB, 한도 {limit} MB", f"{size} MB inflated, limit {limit} MB")
        return Sniffed("zip_bomb", finding("file.too_large", detail=detail))
    names = {info.filename for info in infos}
    if WORKBOOK_PART in names:
        return Sniffed("xlsx")
    if "xl/workbook.bin" in names:
        return Sniffed("xlsb", finding("file.old_format", detail=".xlsb"))
    if any(n.startswith("word/") for n in names):
        return Sniffed("docx", finding("file.not_xlsx", detail="Word .docx"))
    if any(n.startswith("Contents/") for n in names) or "mimetype" in names:
        return Sniffed("hwpx", finding("file.not_xlsx", detail="HWPX/ODF"))
    return Sniffed("zip", finding("file.not_xlsx", detail="zip"))


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_ole2(data: bytes) -> Sniffed:
    """OLE2 (compound file): an encrypted OOXML workbook, an old .xls, a .hwp, or another Office 97 file.

    Stream names sit in the directory as UTF-16LE; looking for them is enough to tell these apart.
    """
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        return Sniffed("encrypted", finding("file.encrypted"))
    if _utf16("HwpSummaryInformation") in data or b"HWP Document File" in data:
        return Sniffed("hwp", finding("file.not_xlsx", detail="HWP"))
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return Sniffed("xls", finding("file.old_format", detail=".xls"))
    return Sniffed("ole2", finding("file.not_xlsx", detail="OLE2"))


def _sniff_other(head: bytes) -> Sniffed:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return Sniffed("pdf", finding("file.not_xlsx", detail="PDF"))
    if text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return Sniffed("xml2003", finding("file.old_format", detail="XML 2003"))
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text[:1024]:
        return Sniffed("html", finding("file.not_xlsx", detail="HTML"))
    if b"\x00" not in head and _is_text(head):
        return Sniffed("csv", finding("file.not_xlsx", detail=Bilingual("CSV/텍스트", "CSV/text")))
    return Sniffed("unknown", finding("file.not_xlsx", detail=Bilingual("알 수 없는 형식", "unknown format")))


def _is_text(head: bytes) -> bool:
    for encoding in ("utf-8", "cp949"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    # the 4 kB head may cut a multi-byte character at its end
    try:
        head[:-3].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class PartTooLarge(ValueError):
    """A zip part inflated past its cap while being read (its declared size was a lie, or the cap is lower)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"inflated past {_mb(limit)} MB")
        detail = Bilingual(f"압축을 푼 크기가 {_mb(limit)} MB를 넘음", f"inflated past {_mb(limit)} MB")
        self.finding = finding("file.too_large", detail=detail)


def read_capped(fh: IO[bytes], limit: int = MAX_ENTRY_BYTES) -> bytes:
    """A zip part's bytes, read in `READ_STEP`s; raises `PartTooLarge` as soon as more than `limit` came out."""
    chunks: list[bytes] = []
    total = 0
    while chunk := fh.read(READ_STEP):
        total += len(chunk)
        if total > limit:
            raise PartTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def merged_cells(xml: bytes) -> int:
    """How many cells the merged ranges of one worksheet's XML cover."""
    total = 0
    for m in _MERGE_REF.finditer(xml):
        c1, r1, c2, r2 = m.groups()
        rows = abs(int(r2 or r1) - int(r1)) + 1
        cols = abs(column_index((c2 or c1).decode()) - column_index(c1.decode())) + 1
        total += rows * cols
    return total


def capped_parts(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    """Every part of the workbook as actually inflated, in zip order, for a writer that copies it (the feedback
    copy, by XML patch or through openpyxl); None when it is over the caps that copy needs (`COPY_MAX_BYTES` in
    all, `COPY_MAX_MERGED` merged cells) or not a sound xlsx. Members are read in steps to the cap whatever their
    declared size, and merged ranges are counted from their bounds, never expanded."""
    if not sniff(path).ok:
        return None
    parts = []
    total = merged = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                with zf.open(info) as fh:
                    data = read_capped(fh, COPY_MAX_BYTES - total)
                total += len(data)
                if info.filename.startswith("xl/worksheets/"):
                    merged += merged_cells(data)
                    if merged > COPY_MAX_MERGED:
                        return None
                parts.append((info, data))
    except (PartTooLarge, zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError):
        return None
    return parts
