"""What kind of file is this? Decided from its bytes, before any spreadsheet library touches it.

People rename files (a CSV saved as `.xlsx`), send the old `.xls`, put a password on the workbook, or the upload
is cut off; and the inbox is a shared folder where anything can land. Each case gets one finding with a plain
reason instead of a stack trace. For zip files the directory is checked against fixed caps first (entry count,
declared inflated sizes), so a zip bomb is refused without inflating anything. Python's `zipfile` never returns
more than an entry's declared size (and checks the CRC at the end), so capping the declared sizes also caps what
is actually inflated. No heavy imports here: this runs for every file, also from `pipeline validate`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, finding

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB
"""Default cap on the file itself (pipeline.toml [batch].max_file_size_mb overrides): a 60-goal workbook is ~30 kB."""
MAX_ENTRIES = 500
"""A workbook from Excel or LibreOffice has 10–40 parts; thousands of entries is not a submission."""
MAX_ENTRY_BYTES = 64 * MB
"""Largest inflated part we read (a 5,000-row sheet is ~3 MB of XML)."""
MAX_TOTAL_BYTES = 128 * MB
"""Sum of the declared inflated sizes: bounds memory and time per file whatever the compression ratio."""

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
WORKBOOK_PART = "xl/workbook.xml"


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
            return Sniffed("too_large", finding("file.too_large", detail=f"{_mb(size)} MB > {_mb(max_bytes)} MB"))
        with path.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(ZIP_MAGICS):
                return _sniff_zip(path)
            if head == OLE2_MAGIC:
                return _sniff_ole2(head + fh.read())
            return _sniff_other(head + fh.read(4096 - len(head)))
    except OSError as exc:
        return Sniffed("unreadable", finding("file.corrupt", detail=exc.strerror or type(exc).__name__))


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def _sniff_zip(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        return Sniffed("corrupt", finding("file.corrupt", detail=f"zip: {exc}"[:120]))
    return check_zip_directory(infos)


def check_zip_directory(infos: list[zipfile.ZipInfo]) -> Sniffed:
    """The caps and the format, from the zip directory alone (nothing is inflated)."""
    if len(infos) > MAX_ENTRIES:
        return Sniffed("zip_bomb", finding("file.too_large", detail=f"{len(infos)} zip entries > {MAX_ENTRIES}"))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return Sniffed("encrypted", finding("file.encrypted"))
        if info.file_size > MAX_ENTRY_BYTES:
            detail = f"{info.filename}: {_mb(info.file_size)} MB > {_mb(MAX_ENTRY_BYTES)} MB"
            return Sniffed("zip_bomb", finding("file.too_large", detail=detail[:160]))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        detail = f"{_mb(total)} MB > {_mb(MAX_TOTAL_BYTES)} MB"
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
        return Sniffed("csv", finding("file.not_xlsx", detail="CSV/text"))
    return Sniffed("unknown", finding("file.not_xlsx", detail="unknown"))


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
