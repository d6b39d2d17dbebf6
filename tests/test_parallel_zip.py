"""Large parts deflated in blocks on every core: one valid deflate stream per part, read back by zipfile (CRC
checked), by zlib, and by LibreOffice opening a consolidated workbook written that way."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest
import xlsxwriter
from test_report import city_input, convert_to_pdf, pdf_text

from pipeline.report import parallel_zip
from pipeline.report.content import write_outputs
from pipeline.report.xlsx_writer import FAST_ROWS_VERIFIED

SYNC_FLUSH = b"\x00\x00\xff\xff"  # the empty stored block that ends each block but the last


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 64 KB from 256 KB up, so that a test file spans many blocks and threads."""
    monkeypatch.setattr(parallel_zip, "BLOCK", 64 << 10)
    monkeypatch.setattr(parallel_zip, "PARALLEL_FROM", 256 << 10)


def _sheet_like(size: int) -> bytes:
    rng = random.Random(7)
    rows = (f'<row r="{i}"><c r="A{i}" s="3"><v>{rng.randint(0, 10**6)}</v></c></row>' for i in range(10**7))
    out = bytearray()
    for row in rows:
        out += row.encode()
        if len(out) >= size:
            return bytes(out[:size])
    raise AssertionError("unreachable")


def test_a_large_part_is_one_deflate_stream_of_many_blocks(tmp_path: Path, small_blocks: None) -> None:
    data = _sheet_like(3 << 20)
    source = tmp_path / "sheet1.xml"
    source.write_bytes(data)
    small = tmp_path / "small.xml"
    small.write_bytes(b"<x/>" * 100)
    out = tmp_path / "book.zip"
    with parallel_zip.ParallelZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(small, "small.xml")
        zf.write(source, "xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None  # every CRC right
        assert zf.read("xl/worksheets/sheet1.xml") == data and zf.read("small.xml") == b"<x/>" * 100
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        raw = out.read_bytes()[info.header_offset :]
        start = 30 + len(info.filename.encode()) + len(info.extra)  # after the local header
        stream = raw[start : start + info.compress_size]
    assert zlib.decompress(stream, -15) == data
    assert stream.count(SYNC_FLUSH) >= len(data) // parallel_zip.BLOCK  # really made of blocks
    assert stream.endswith(b"\x03\x00")
    whole = zlib.compressobj(-1, zlib.DEFLATED, -15)
    assert info.compress_size <= 1.02 * len(whole.compress(data) + whole.flush())  # no cost worth a mention


def test_a_small_part_is_zipped_the_ordinary_way(tmp_path: Path, small_blocks: None) -> None:
    source = tmp_path / "s.xml"
    source.write_bytes(_sheet_like(100 << 10))
    out = tmp_path / "b.zip"
    with parallel_zip.ParallelZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(source, "s.xml")
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo("s.xml")
        stream = out.read_bytes()[30 + len(b"s.xml") + len(info.extra) :][: info.compress_size]
    assert SYNC_FLUSH not in stream and zlib.decompress(stream, -15) == source.read_bytes()


def test_xlsxwriter_is_given_back_its_own_zipfile(tmp_path: Path) -> None:
    import xlsxwriter.workbook as module

    kept = module.ZipFile
    with parallel_zip.xlsxwriter_zips_in_parallel():
        assert module.ZipFile is parallel_zip.ParallelZipFile
    assert module.ZipFile is kept


@pytest.mark.real_client
@pytest.mark.skipif(xlsxwriter.__version__ not in FAST_ROWS_VERIFIED, reason="parallel zipping is off there")
def test_libreoffice_opens_a_workbook_whose_every_part_was_deflated_in_blocks(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel_zip, "BLOCK", 1 << 10)
    monkeypatch.setattr(parallel_zip, "PARALLEL_FROM", 0)
    paths = write_outputs(city_input(), tmp_path)  # the city report, every part deflated in 1 KB blocks
    with zipfile.ZipFile(paths.workbook) as zf:
        assert zf.testzip() is None
        part = max(zf.infolist(), key=lambda i: i.file_size)
        start = part.header_offset + 30 + len(part.filename.encode()) + len(part.extra)
        stream = paths.workbook.read_bytes()[start : start + part.compress_size]
    assert stream.count(SYNC_FLUSH) >= part.file_size // 1024 // 2  # the blocks are there
    out = tmp_path / "pdf"
    out.mkdir()
    text = pdf_text(convert_to_pdf(soffice, paths.workbook, out))
    assert "광주도시철도공사" in text and "97.80" in text
