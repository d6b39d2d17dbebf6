"""The hostile corpus: every bad file the shared inbox may receive, built by code (no committed blobs).

Each `Case` writes its file(s) into an inbox and says what the night must do with it: the outcome, the finding
code (and the cell, where there is one). `tests/test_hostile.py` drops the whole corpus, with valid submissions
between the bad ones, into one inbox and runs one batch over it; `docs/reliability.md` tables the same cases.

Real clients make the files where they can (LibreOffice saves the `.xls`, CSV, HTML and PDF; msoffcrypto-tool
encrypts a workbook with a password the way Excel does); otherwise the bytes are built here, the way the
format's specification lays them out. Zip bombs are built by hand (`raw_zip`) so that the directory can lie.
"""

from __future__ import annotations

import bz2
import io
import os
import shutil
import struct
import subprocess
import uuid
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import factory

from pipeline.core.layout import GOAL_LETTERS
from pipeline.settings.render import render_config
from pipeline.settings.schema import Agency

# --- the home the corpus runs in ---------------------------------------------------------------------------------
GROUP = factory.GROUP
AGENCIES: tuple[Agency, ...] = (
    Agency(factory.CODE, factory.NAME, GROUP, "경제정책과", "gj01@example.go.kr"),
    Agency("GJ02", "광주도시철도공사", GROUP, "교통정책과", "gj02@example.go.kr"),
    Agency("GJ03", "광주관광공사", GROUP, "관광진흥과", "gj03@example.go.kr"),
    Agency("GJ04", "광주문화재단", GROUP, "문화정책과", "gj04@example.go.kr"),
    Agency("GJ05", "광주복지연구원", GROUP, "복지정책과", "gj05@example.go.kr"),
    Agency("GJ06", "광주과학기술진흥원", GROUP, "과학산업과", "gj06@example.go.kr"),
    Agency("GJ07", "광주여성가족재단", GROUP, "여성가족과", "gj07@example.go.kr"),
    Agency("GJ08", "광주정보문화산업진흥원", GROUP, "정보산업과", "gj08@example.go.kr"),
)
"""GJ01 is the factory's agency; every accepted case has an agency of its own, so none supersedes another.
Cases rejected for their content are GJ08's (so its status ends 'rejected')."""
BAD = "GJ08"


def config_text() -> str:
    return render_config(AGENCIES, year=factory.YEAR, deadline=f"{factory.YEAR}-12-31", min_file_age_seconds=60)


def info(code: str) -> dict[str, Any]:
    """기관정보 of one registered agency (the factory's values otherwise)."""
    entry = next(a for a in AGENCIES if a.code == code)
    return {
        "agency_code": entry.code,
        "agency_name": entry.name,
        "email": entry.email,
        "supervising_dept": entry.supervising_dept,
    }


# --- zip and workbook helpers ------------------------------------------------------------------------------------
MB = 1024 * 1024
GOALS_PART = "xl/worksheets/sheet3.xml"  # the template's sheets: 안내, 기관정보, 성과목표, 과거실적
AGENCY_PART = "xl/worksheets/sheet2.xml"


def valid_bytes(code: str = BAD, edit: Callable[[Any], None] | None = None, **kwargs: Any) -> bytes:
    """A (by default valid) submission of agency `code` from the factory, as bytes."""
    buf = io.BytesIO()
    factory.workbook(info=info(code), edit=edit, **kwargs).save(buf)
    return buf.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def zip_of(parts: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def patched(data: bytes, **changes: Callable[[bytes], bytes]) -> bytes:
    """The workbook with some parts rewritten: `patched(data, goals=fn)` (goals, agency, or a part path)."""
    aliases = {"goals": GOALS_PART, "agency": AGENCY_PART, "workbook": "xl/workbook.xml"}
    parts = parts_of(data)
    for name, change in changes.items():
        part = aliases.get(name, name)
        parts[part] = change(parts[part])
    return zip_of(parts)


def replace(old: bytes, new: bytes, count: int = 1) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        assert xml.count(old) >= count, old
        return xml.replace(old, new, count)

    return change


@dataclass(frozen=True)
class Entry:
    """One entry of a hand-built zip: raw (already compressed) bytes and what the directory says about them."""

    name: str
    raw: bytes
    size: int  # declared inflated size
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def entry(name: str, data: bytes) -> Entry:
    """An honest entry."""
    return Entry(name, deflated(data), len(data), zlib.crc32(data))


def zeros_deflated(total: int, chunk: int = 16 * MB) -> tuple[bytes, int]:
    """A raw deflate stream of `total` zero bytes (a multiple of `chunk`) in ~1/1000 of the size, built fast:
    one chunk compressed and full-flushed (so it stands alone) is repeated, then an empty final block."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    count = total // chunk
    crc = 0
    zero = b"\0" * chunk
    for _ in range(count):
        crc = zlib.crc32(zero, crc)
    return block * count + b"\x03\x00", crc


def raw_zip(entries: list[Entry]) -> bytes:
    """A zip written field by field (APPNOTE 4.3.7, 4.3.12, 4.3.16), so sizes and CRCs say what we want."""
    out = io.BytesIO()
    central = []
    for e in entries:
        name = e.name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, e.method, 0, 0x21, e.crc, len(e.raw), e.size,
                              len(name), 0))  # fmt: skip
        out.write(name + e.raw)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                e.method,
                0,
                0x21,
                e.crc,
                len(e.raw),
                e.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name  # fmt: skip
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def honest_entries(data: bytes, skip: str = "") -> list[Entry]:
    return [entry(name, part) for name, part in parts_of(data).items() if name != skip]


# --- real clients ------------------------------------------------------------------------------------------------
def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_all(source: Path, targets: tuple[str, ...], outdir: Path) -> dict[str, Path]:
    """LibreOffice saves `source` in each format at once (one process and profile per format)."""
    program = soffice()
    if program is None:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    running = []
    for target in targets:
        profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
        out = outdir / target.split(":")[0]
        out.mkdir(exist_ok=True)
        command = [program, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                   "--outdir", str(out), str(source)]  # fmt: skip
        env = {**os.environ, "HOME": str(profile)}
        running.append((target, out, profile, subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                                                stderr=subprocess.DEVNULL)))  # fmt: skip
    made = {}
    for target, out, profile, proc in running:
        proc.wait(timeout=180)
        shutil.rmtree(profile, ignore_errors=True)
        files = list(out.iterdir())
        if proc.returncode == 0 and files:
            made[target.split(":")[0]] = files[0]
    return made


def encrypted(data: bytes, password: str = "1234") -> bytes | None:
    """The workbook encrypted as Excel does (ECMA-376 agile encryption, an OLE2 container), or None without
    msoffcrypto-tool (then a hand-built OLE2 with the same stream names stands in)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return None
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def ole2(*streams: str) -> bytes:
    """A minimal compound-file header and directory naming `streams` (what `sniff` looks at)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b"".join(s.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for s in ("Root Entry", *streams))
    return header + directory


# --- the cases ---------------------------------------------------------------------------------------------------
ACCEPTED = "accepted"
REJECTED = "rejected"


@dataclass(frozen=True)
class Case:
    key: str
    name: str  # file name in the inbox
    what: str  # the case, for the docs table
    outcome: str
    code: str | None  # the finding expected (an error when rejected; a warning or None when accepted)
    ref: str = ""  # where, as Finding.ref ("성과목표!I5"); "" for a file-level finding
    agency: str | None = None
    data: Callable[[Path], bytes] | None = None  # builds the bytes (given a scratch folder)
    special: str = ""  # "symlink" | "fifo": not a regular file
    extra: dict[str, Any] = field(default_factory=dict)


W1 = f"{GOAL_LETTERS['weight']}5"  # first goal's weight: 성과목표!I5
T1 = f"{GOAL_LETTERS['target']}5"
A1 = f"{GOAL_LETTERS['actual']}5"


def _bomb(_: Path) -> bytes:
    """2 GiB of zeros declared honestly in the directory (≈2 MB on disk)."""
    raw, crc = zeros_deflated(2048 * MB)
    base = valid_bytes()
    return raw_zip([*honest_entries(base, skip=GOALS_PART), Entry(GOALS_PART, raw, 2048 * MB, crc)])


def _lying_bomb(_: Path) -> bytes:
    """1 GiB of zeros whose directory claims 2,000 bytes (CRC of those 2,000 bytes, so zipfile cannot tell)."""
    raw, _crc = zeros_deflated(1024 * MB)
    base = valid_bytes()
    return raw_zip([*honest_entries(base, skip=GOALS_PART), Entry(GOALS_PART, raw, 2000, zlib.crc32(b"\0" * 2000))])


def _bzip2(_: Path) -> bytes:
    """A goal sheet compressed with bzip2 (a method Office never writes): 64 MiB from ~150 bytes, declared 2,000."""
    c = bz2.BZ2Compressor(9)
    raw = b"".join(c.compress(b"\0" * (16 * MB)) for _ in range(4)) + c.flush()
    base = valid_bytes()
    bomb = Entry(GOALS_PART, raw, 2000, zlib.crc32(b"\0" * 2000), zipfile.ZIP_BZIP2)
    return raw_zip([*honest_entries(base, skip=GOALS_PART), bomb])


def _many_entries(_: Path) -> bytes:
    parts = parts_of(valid_bytes())
    parts.update({f"xl/media/image{i}.png": b"x" for i in range(2000)})
    return zip_of(parts)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"") for _ in range(10)))
        for i in range(1, 10)
    )
    + b"]>"
)


def _laughs(_: Path) -> bytes:
    return patched(valid_bytes(), workbook=lambda xml: LAUGHS + xml.replace(b"<sheets>", b"<sheets>&lol9;", 1))


def xxe(target: Path) -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(target).encode() + b'">]>'


def _xxe_read(tmp: Path) -> bytes:
    """XXE in a part the reader reads (the goal sheet): the goal name would be the secret."""
    secret = tmp / "secret.txt"
    return patched(
        valid_bytes(),
        goals=lambda xml: xxe(secret) + xml.replace("신용보증 공급 확대".encode(), b"&xxe;", 1),
    )


def _xxe_unread(tmp: Path) -> bytes:
    """XXE in a part the reader never opens (docProps/core.xml) of a workbook rejected for a cell: the feedback
    workbook (made with openpyxl) is where it would fire."""
    secret = tmp / "secret.txt"
    bad_weight = valid_bytes(edit=factory.set_cell("성과목표", W1, -20))
    return patched(
        bad_weight,
        **{
            "docProps/core.xml": lambda xml: (
                xxe(secret) + xml.replace(b"</cp:coreProperties>", b"<dc:title>&xxe;</dc:title></cp:coreProperties>")
            )
        },  # fmt: skip
    )


def _utf16(_: Path) -> bytes:
    return patched(valid_bytes(), workbook=lambda xml: xml.decode().encode("utf-16"))


def _million_rows(_: Path) -> bytes:
    """A goal sheet holding a million rows of values (≈40 MB of XML, ≈5 MB zipped)."""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(12, 1_000_012))
    return patched(valid_bytes(), goals=replace(b"</sheetData>", rows + b"</sheetData>"))


def _wide(_: Path) -> bytes:
    """16,000 filled columns in one row below the goals."""
    from pipeline.core.refs import column_letter

    cells = b"".join(b'<c r="%s12"><v>1</v></c>' % column_letter(c).encode() for c in range(1, 16_001))
    return patched(valid_bytes(), goals=replace(b"</sheetData>", b'<row r="12">' + cells + b"</row></sheetData>"))


def _claims(_: Path) -> bytes:
    """A valid workbook whose goal sheet's dimension claims the whole grid: harmless, accepted."""
    data = valid_bytes("GJ06")
    return patched(
        data, goals=lambda xml: xml.replace(b'<dimension ref="A1:R64" />', b'<dimension ref="A1:XFD1048576" />')
    )


def _far_cell(_: Path) -> bytes:
    """One value in the very last cell, XFD1048576."""
    return patched(valid_bytes(), goals=replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))  # fmt: skip


def _huge_merge(_: Path) -> bytes:
    """A merged range over the whole grid below the goals, in a file rejected for a cell (so that a feedback
    workbook is made): openpyxl creates one object per merged cell."""
    data = valid_bytes(edit=factory.set_cell("성과목표", W1, -20))

    def merge(xml: bytes) -> bytes:
        xml = xml.replace(
            b"</sheetData>", b'<row r="20"><c r="A20" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )
        if b"<mergeCells" in xml:
            return xml.replace(b"</mergeCells>", b'<mergeCell ref="A20:XFD1048576"/></mergeCells>')
        return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>')  # fmt: skip

    return patched(data, goals=merge)


def _extra_big_sheet(_: Path) -> bytes:
    """A fifth sheet the reader ignores, holding 600,000 rows, in a file rejected for a cell."""
    data = valid_bytes(edit=factory.set_cell("성과목표", W1, -20))
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, 600_001))
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
             + b"</sheetData></worksheet>")  # fmt: skip
    parts = parts_of(data)
    parts["xl/worksheets/sheet5.xml"] = sheet
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", '<sheet name="자료" sheetId="5" state="visible" r:id="rId99" /></sheets>'.encode()
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
        b' Target="/xl/worksheets/sheet5.xml" /></Relationships>',
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/worksheets/sheet5.xml" ContentType="application/vnd.openxmlformats-officedocument'
        b'.spreadsheetml.worksheet+xml" /></Types>',
    )
    return zip_of(parts)


def _many_goals(_: Path) -> bytes:
    """3,000 goal rows (a pasted table), each well-formed."""
    row = dict(factory.GOALS[0], weight=0.03)
    goals = [dict(row, number=str(i)) for i in range(1, 3001)]
    return valid_bytes(goal_rows=goals, past=[])


def _long_cell(_: Path) -> bytes:
    """200,000 characters in one cell (written into the XML: openpyxl stops at Excel's 32,767)."""
    data = valid_bytes(edit=factory.set_cell("성과목표", f"{GOAL_LETTERS['highlights']}5", "LONGCELL"))
    return patched(data, goals=replace(b"LONGCELL", "가".encode() * 200_000))


def _xlsb(_: Path) -> bytes:
    """The parts of a real .xlsb package (binary BIFF12 records in place of XML)."""
    return zip_of({
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               b'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet'
                               b'.binary.macroEnabled.main"/></Types>',
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.bin": b"\x83\x01\x00\x80\x01\x00",
        "xl/worksheets/sheet1.bin": b"\x81\x01\x00\x82\x01\x00",
    })  # fmt: skip


def _converted(fmt: str, fallback: bytes) -> Callable[[Path], bytes]:
    def build(tmp: Path) -> bytes:
        made = tmp / "converted"
        if not made.is_dir():
            source = tmp / "source.xlsx"
            source.write_bytes(valid_bytes())
            found = convert_all(source, ("xls", "csv:Text - txt - csv (StarCalc):44,34,76", "html", "pdf"), made)
            (made / "found.txt").write_text("\n".join(f"{k}\t{v}" for k, v in found.items()), encoding="utf-8")
        found = dict(line.split("\t") for line in (made / "found.txt").read_text(encoding="utf-8").splitlines())
        return Path(found[fmt]).read_bytes() if fmt in found else fallback

    return build


def _encrypted(_: Path) -> bytes:
    return encrypted(valid_bytes()) or ole2("EncryptionInfo", "EncryptedPackage")


def _truncated(_: Path) -> bytes:
    data = valid_bytes()
    return data[: len(data) * 2 // 3]


def _no_workbook(_: Path) -> bytes:
    return zip_of({"보고서/readme.txt": "성과계획 자료".encode(), "image.png": b"\x89PNG\r\n\x1a\n"})


def _no_known_sheets(_: Path) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "예산 집행 현황"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _renamed_sheets(_: Path) -> bytes:
    def rename(wb: Any) -> None:
        for i, ws in enumerate(wb.worksheets, start=1):
            ws.title = f"Sheet{i}"

    return valid_bytes(edit=rename)


def _header_down(_: Path) -> bytes:
    """Twenty title rows inserted above the template's rows: read as is (the heading row is found by labels)."""

    def move(wb: Any) -> None:
        for ws in wb.worksheets:
            if ws.title != "안내":
                ws.insert_rows(1, 20)

    return valid_bytes("GJ04", edit=move)


def _shuffled(_: Path) -> bytes:
    """Every goal column moved (reversed order): the heading labels say which is which."""

    def shuffle(wb: Any) -> None:
        ws = factory.goal_sheet(wb)
        cells = {(c.row, c.column): c.value for row in ws.iter_rows(min_row=4, max_row=ws.max_row) for c in row}
        width = len(GOAL_LETTERS)
        for (r, c), value in cells.items():
            if c <= width:
                ws.cell(row=r, column=width + 1 - c).value = value

    return valid_bytes("GJ05", edit=shuffle)


MARK = b"<v>987654</v>"


def _special_numbers(_: Path) -> bytes:
    """NaN, INF and 1e308 written straight into numeric cells (no spreadsheet program writes these)."""
    data = valid_bytes(edit=lambda wb: [factory.set_cell("성과목표", c, 987654)(wb) for c in (T1, A1, "K6")])
    return patched(data, goals=lambda xml: xml.replace(MARK, b"<v>NaN</v>", 1).replace(MARK, b"<v>INF</v>", 1)
                   .replace(MARK, b"<v>1e308</v>", 1))  # fmt: skip


def _date_number(_: Path) -> bytes:
    from datetime import date

    return valid_bytes(edit=factory.set_cell("성과목표", T1, date(2025, 3, 5), "yyyy-mm-dd"))


def _negative_weight(_: Path) -> bytes:
    return valid_bytes(edit=factory.set_cell("성과목표", W1, -20))


def _negative_weight_other(_: Path) -> bytes:
    """Another negative weight: bytes of their own, never a duplicate of `_negative_weight` saved in the same
    second."""
    return valid_bytes(edit=factory.set_cell("성과목표", W1, -21))


def _weight_over(_: Path) -> bytes:
    one = dict(factory.GOALS[4], weight=100.0000001)
    return valid_bytes(goal_rows=[one], past=[])


WEIRD_TEXT = (
    "고객만족 😀👍🏽 향상 \u200f\u202eRTL\u202c \u200d\u0085\u009b[31m 제어 _x0007_ \t탭"
    ' =HYPERLINK("http://evil.example","click") 끝'
)
"""Emoji (astral plane, skin tone), RLM and RLO bidi marks, a zero-width joiner, C1 controls (NEL, CSI), an
escaped BEL as Excel writes it, a tab, and a formula-looking text."""


def _weird_text(_: Path) -> bytes:
    def put(wb: Any) -> None:
        ws = factory.goal_sheet(wb)
        ws[f"{GOAL_LETTERS['goal']}5"] = WEIRD_TEXT
        ws[f"{GOAL_LETTERS['goal']}5"].data_type = "s"  # openpyxl would store "=…" text as a formula
        ws[f"{GOAL_LETTERS['note']}5"] = "🏛️ 비고 \u202e역순\u202c"

    return valid_bytes("GJ07", edit=put)


def _unknown_agency(_: Path) -> bytes:
    buf = io.BytesIO()
    factory.workbook(info={"agency_code": "ZZ99", "agency_name": "없는 기관"}).save(buf)
    return buf.getvalue()


def _live_content(_: Path) -> bytes:
    """A file rejected for a cell that also holds a DDE formula with its cached value (a text beside the goal
    table), a VBA project and the macro-enabled content type: the feedback copy must carry none of it."""
    data = valid_bytes(edit=factory.set_cell("성과목표", W1, -20))
    parts = parts_of(data)
    row = parts[GOALS_PART].index(b'<row r="5"')
    end = parts[GOALS_PART].index(b"</row>", row)
    dde = '<c r="T5" t="str"><f>cmd|\' /C calc\'!A0</f><v>안녕</v></c>'.encode()
    parts[GOALS_PART] = parts[GOALS_PART][:end] + dde + parts[GOALS_PART][end:]
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        b' Target="vbaProject.bin"/></Relationships>',
    )
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        .replace(
            b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1
        )
    )
    return zip_of(parts)


ODD_CHAR_NAME = "제출\ufffe파일.xlsx"
"""A file name holding U+FFFE, a character XML cannot hold (shown as U+FFFD in the feedback workbook)."""
WEIRD_NAME = "최종 ..\\..\\'제출' \"확정\" (2) ..  성과 계획 .xlsx"
"""Spaces, Korean, both quotes, parentheses, double dots and backslashes (a Windows path climbing up). A name
*starting* with a dot is a hidden file, which intake leaves alone on purpose."""


CASES: tuple[Case, ...] = (
    Case("zip_bomb", "zip bomb.xlsx", "zip bomb: a 2 MB file whose goal sheet inflates to 2 GiB (declared)",
         REJECTED, "file.too_large", data=_bomb),
    Case("zip_bomb_lying", "lying bomb.xlsx",
         "zip bomb whose directory lies: declares 2,000 bytes, inflates to 1 GiB", REJECTED, "file.corrupt",
         data=_lying_bomb),
    Case("zip_bzip2", "bzip2 bomb.xlsx", "a part compressed with bzip2: 64 MiB from 150 bytes, declared 2,000",
         REJECTED, "file.corrupt", data=_bzip2),
    Case("zip_entries", "many parts.xlsx", "zip with 2,000 entries", REJECTED, "file.too_large", data=_many_entries),
    Case("billion_laughs", "laughs.xlsx", "XML entity expansion (billion laughs) in xl/workbook.xml", REJECTED,
         "file.corrupt", data=_laughs),
    Case("xxe", "xxe.xlsx", "external entity (XXE, file://…) in the goal sheet", REJECTED, "file.corrupt",
         data=_xxe_read),
    Case("xxe_feedback", "xxe feedback.xlsx",
         "external entity in docProps/core.xml (never read by the reader) of a file rejected for a cell: the "
         "feedback path (openpyxl) must not resolve it", REJECTED, "goal.weight_range", ref=f"성과목표!{W1}",
         data=_xxe_unread),
    Case("utf16", "utf16.xlsx", "a part in UTF-16 (where a byte scan for DTDs could be dodged)", REJECTED,
         "file.corrupt", data=_utf16),
    Case("million_rows", "million rows.xlsx", "goal sheet holding a million rows", REJECTED, "sheet.too_many_rows",
         ref="성과목표", data=_million_rows),
    Case("wide", "wide.xlsx", "goal sheet holding 16,000 columns", REJECTED, "sheet.too_many_rows", ref="성과목표",
         data=_wide),
    Case("claims_grid", "claims grid.xlsx", "goal sheet whose dimension claims A1:XFD1048576 (data is normal)",
         ACCEPTED, None, agency="GJ06", data=_claims),
    Case("far_cell", "far cell.xlsx", "a value in XFD1048576, the last cell of the grid", REJECTED,
         "sheet.too_many_rows", ref="성과목표", data=_far_cell),
    Case("huge_merge", "huge merge.xlsx", "merged range A20:XFD1048576 in a file rejected for a cell",
         REJECTED, "goal.weight_range", ref=f"성과목표!{W1}", data=_huge_merge),
    Case("extra_sheet", "extra sheet.xlsx", "an extra sheet with 600,000 rows in a file rejected for a cell",
         REJECTED, "goal.weight_range", ref=f"성과목표!{W1}", data=_extra_big_sheet),
    Case("many_goals", "many goals.xlsx", "3,000 goal rows", REJECTED, "sheet.too_many_entries", ref="성과목표",
         data=_many_goals),
    Case("long_cell", "long cell.xlsx", "a 200,000-character cell", REJECTED, "cell.too_long",
         ref=f"성과목표!{GOAL_LETTERS['highlights']}5", data=_long_cell),
    Case("encrypted", "encrypted.xlsx", "workbook encrypted with a password (msoffcrypto-tool, as Excel does)",
         REJECTED, "file.encrypted", data=_encrypted),
    Case("xls", "old.xlsx", ".xls (saved by LibreOffice) renamed to .xlsx", REJECTED, "file.old_format",
         data=_converted("xls", ole2("Workbook", "SummaryInformation"))),
    Case("xlsb", "binary.xlsx", ".xlsb package renamed to .xlsx", REJECTED, "file.old_format", data=_xlsb),
    Case("csv", "csv.xlsx", "CSV (saved by LibreOffice) renamed to .xlsx", REJECTED, "file.not_xlsx",
         data=_converted("csv", "기관코드,기관명\nGJ08,광주\n".encode())),
    Case("html", "html.xlsx", "HTML table (saved by LibreOffice) renamed to .xlsx", REJECTED, "file.not_xlsx",
         data=_converted("html", b"<html><body><table><tr><td>1</td></tr></table></body></html>")),
    Case("pdf", "pdf.xlsx", "PDF (printed by LibreOffice) renamed to .xlsx", REJECTED, "file.not_xlsx",
         data=_converted("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")),
    Case("truncated", "truncated.xlsx", "upload cut off at two thirds", REJECTED, "file.corrupt", data=_truncated),
    Case("empty", "empty.xlsx", "empty file (0 bytes)", REJECTED, "file.empty", data=lambda _: b""),
    Case("no_workbook", "no workbook.xlsx", "a zip with no workbook inside", REJECTED, "file.not_xlsx",
         data=_no_workbook),
    Case("no_known_sheets", "other workbook.xlsx", "a workbook with none of our sheets", REJECTED,
         "file.not_template", data=_no_known_sheets),
    Case("renamed_sheets", "renamed sheets.xlsx", "the template with every sheet renamed", REJECTED,
         "file.not_template", data=_renamed_sheets),
    Case("header_down", "header down.xlsx", "heading row moved down twenty rows (accepted: found by labels)",
         ACCEPTED, None, agency="GJ04", data=_header_down),
    Case("shuffled", "shuffled.xlsx", "every goal column in another order (accepted: found by labels)", ACCEPTED,
         None, agency="GJ05", data=_shuffled),
    Case("nan_inf", "nan inf.xlsx", "NaN, INF and 1e308 in numeric cells", REJECTED, "value.not_number",
         ref=f"성과목표!{T1}", data=_special_numbers, extra={"also": [("value.not_number", f"성과목표!{A1}"),
                                                                   ("value.too_large", "성과목표!K6")]}),  # fmt: skip
    Case("date_number", "date.xlsx", "a date where a number belongs", REJECTED, "value.date", ref=f"성과목표!{T1}",
         data=_date_number),
    Case("negative_weight", "negative weight.xlsx", "a negative weight", REJECTED, "goal.weight_range",
         ref=f"성과목표!{W1}", data=_negative_weight),
    Case("weight_over", "weight over.xlsx", "one goal weighing 100.0000001", REJECTED, "goal.weight_range",
         ref=f"성과목표!{W1}", data=_weight_over),
    Case("weird_text", "weird text.xlsx",
         "emoji, RTL marks, zero-width joiner, C1 controls, an escaped BEL and formula-looking text (accepted; the "
         "meeting workbook holds it as text)", ACCEPTED, None, agency="GJ07", data=_weird_text),
    Case("live_content", "live content.xlsx",
         "a DDE formula (cmd|' /C calc'!A0, cached value present) and a VBA project in a file rejected for a cell: "
         "the feedback copy carries values only", REJECTED, "goal.weight_range", ref=f"성과목표!{W1}",
         data=_live_content),
    Case("odd_char_name", ODD_CHAR_NAME, "a file name holding U+FFFE (XML cannot hold it), rejected for a cell: the "
         "feedback workbook stays well-formed", REJECTED, "goal.weight_range", ref=f"성과목표!{W1}",
         data=_negative_weight_other),
    Case("weird_name", WEIRD_NAME, "file name with spaces, Korean, quotes and ..\\ parts (accepted; kept readable)",
         ACCEPTED, None, agency="GJ03", data=lambda _: valid_bytes("GJ03")),
    Case("symlink", "link.xlsx", "a symlink in the inbox pointing outside it (never followed; moved itself)",
         REJECTED, "file.symlink", special="symlink"),
    Case("fifo", "pipe.xlsx", "a named pipe (FIFO) in the inbox (never opened)", REJECTED, "file.special",
         special="fifo"),
    Case("unknown_agency", "unknown agency.xlsx", "a file for an agency not in pipeline.toml", REJECTED,
         "agency.unknown", ref="기관정보!B5", agency="ZZ99", data=_unknown_agency),
)  # fmt: skip
"""The hostile cases, in the order dropped (each a second older than the next)."""

BY_KEY = {c.key: c for c in CASES}


# --- measuring one file -------------------------------------------------------------------------------------------
MEMORY_CEILING = 1024 * MB
"""Address-space headroom given to a measured child beyond what it has at the start: a regression fails with
MemoryError here instead of taking the machine down."""


@dataclass(frozen=True)
class Cost:
    seconds: float
    peak_mb: float  # peak resident memory gained while checking the file (and writing its feedback)
    codes: tuple[str, ...]
    error: str = ""


def _rss_kb(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def measure(path: Path, config: Any, feedback_dir: Path) -> Cost:
    """Check one file (and write its feedback workbook when it is rejected) in a forked child; report the time
    and the peak memory the child gained. The child starts with the parent's imports, so the figure is the cost
    of the file, not of importing pandas. Linux: the peak is reset with /proc/self/clear_refs, else ru_maxrss."""
    import resource
    import time

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(reader)
        out = b""
        try:
            from pipeline.feedback.write import write_feedback
            from pipeline.validate.check import check_file

            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = _rss_kb("VmSize") * 1024 + MEMORY_CEILING
            resource.setrlimit(
                resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
            )
            try:
                with open("/proc/self/clear_refs", "w") as fh:
                    fh.write("5")
                base = _rss_kb("VmRSS")
            except OSError:
                base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            result = check_file(path, config)
            if not result.ok:
                write_feedback(path, list(result.findings), feedback_dir / (path.stem + "_feedback.xlsx"))
            seconds = time.perf_counter() - start
            peak = _rss_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            codes = ",".join(f.code for f in result.findings)
            out = f"{seconds}\t{(peak - base) / 1024}\t{codes}\t".encode()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            out = f"0\t0\t\t{type(exc).__name__}: {exc}".encode()[:4000]
        finally:
            os.write(writer, out)
            os._exit(0)
    os.close(writer)
    chunks = []
    while chunk := os.read(reader, 65536):
        chunks.append(chunk)
    os.close(reader)
    os.waitpid(pid, 0)
    seconds, peak, codes, error = b"".join(chunks).decode().split("\t", 3)
    return Cost(float(seconds), float(peak), tuple(c for c in codes.split(",") if c), error)
