"""A big workbook's large parts deflated on every core, as one standard deflate stream each.

xlsxwriter zips a workbook part after part on one core: at 10,000 agencies the Goals sheet's 213 MB of XML take
2.2 s of zlib while the other core has nothing to do. zlib releases the GIL, so the part is cut into blocks
that threads deflate independently, each block ended by a sync flush (an empty stored block: byte-aligned, not
final), and the blocks are written in order followed by a final empty block. The concatenation is one valid
raw deflate stream, the technique of pigz; any unzip, Excel and LibreOffice read it like any other, and the
part is ≈ 0.2 % larger (each block starts without the previous one's dictionary). The CRC and sizes are
zipfile's own, computed on the data as it streams by.

Hooks, each checked before use and otherwise left alone (the part is then zipped the ordinary way):
`zipfile`'s writer object exposes its compressor as `_compressor` (CPython 3.8–3.13), and xlsxwriter names
`ZipFile` in its workbook module (`report_workbook` only swaps it in for the xlsxwriter versions it verified).
"""

from __future__ import annotations

import os
import shutil
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

BLOCK = 4 << 20
"""Bytes deflated as one block: large enough that the lost dictionary costs nothing measurable."""
PARALLEL_FROM = 16 << 20
"""Parts smaller than this are zipped the ordinary way (a city's workbook never reaches it)."""
_FINAL_EMPTY_BLOCK = b"\x03\x00"
"""A final (BFINAL=1) empty block with fixed codes: what `compressobj(wbits=-15).flush()` gives for no input."""


def _deflate_block(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


class _BlockDeflater:
    """Stands in for a zip member's compressor: `compress` hands each block to a thread and returns the blocks
    finished so far, in order; `flush` waits for the rest and ends the stream."""

    def __init__(self, pool: ThreadPoolExecutor, level: int, in_flight: int) -> None:
        self.pool, self.level, self.in_flight = pool, level, in_flight
        self.pending: deque[Future[bytes]] = deque()

    def compress(self, data: Any) -> bytes:
        self.pending.append(self.pool.submit(_deflate_block, bytes(data), self.level))
        done = []
        while self.pending and (self.pending[0].done() or len(self.pending) > self.in_flight):
            done.append(self.pending.popleft().result())
        return b"".join(done)

    def flush(self) -> bytes:
        rest = b"".join(future.result() for future in self.pending)
        self.pending.clear()
        return rest + _FINAL_EMPTY_BLOCK


class ParallelZipFile(zipfile.ZipFile):
    """A `ZipFile` whose `write` deflates a large file's blocks in threads (see the module docstring)."""

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        method = self.compression if compress_type is None else compress_type
        if method != zipfile.ZIP_DEFLATED or os.path.getsize(filename) < PARALLEL_FROM:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        level = compresslevel if compresslevel is not None else self.compresslevel
        zinfo = zipfile.ZipInfo.from_file(filename, arcname)
        zinfo.compress_type = method
        workers = max(2, os.cpu_count() or 1)
        with open(filename, "rb") as src, self.open(zinfo, "w") as dest:
            if getattr(dest, "_compressor", None) is None:  # not the writer this was made for: zipfile's own
                shutil.copyfileobj(src, dest, BLOCK)
                return
            with ThreadPoolExecutor(workers, thread_name_prefix="deflate") as pool:
                dest._compressor = _BlockDeflater(pool, -1 if level is None else level, 2 * workers)
                shutil.copyfileobj(src, dest, BLOCK)
                dest.close()  # the last blocks are collected while the pool is still there


@contextmanager
def xlsxwriter_zips_in_parallel() -> Iterator[None]:
    """While open, workbooks xlsxwriter closes are zipped by `ParallelZipFile` (a module attribute swapped in and
    restored: the batch closes one workbook at a time)."""
    import xlsxwriter.workbook as module

    kept = module.ZipFile
    module.ZipFile = ParallelZipFile
    try:
        yield
    finally:
        module.ZipFile = kept
