"""The feedback copy carries values only (issue 15, item 4): every formula replaced by its cached value, and links
to other workbooks, data connections, macros, embedded objects, ActiveX controls and the like dropped, with the
relationships and content types kept consistent. Each hostile part is added by hand to a submission rejected for
a cell, each output of both writers is opened and searched, and LibreOffice opens the result."""

from __future__ import annotations

import io
import os
import posixpath
import re
import subprocess
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import factory
import pytest
from openpyxl import load_workbook

from pipeline.feedback import xml_patch
from pipeline.feedback.openpyxl_writer import write_with_openpyxl
from pipeline.feedback.write import write_feedback
from pipeline.validate.check import check_file

CONFIG = factory.config()
GOALS, AGENCY, GUIDE = "xl/worksheets/sheet3.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet1.xml"
WORKBOOK, WORKBOOK_RELS, TYPES = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_R = "http://schemas.microsoft.com/office/2006/relationships"
XR = f'xmlns:r="{R}"'
DDE = "cmd|' /C calc'!A0"
Parts = dict[str, bytes]


# --- the hostile parts ------------------------------------------------------------------------------------------
def _insert(parts: Parts, part: str, before: bytes, xml: str) -> None:
    assert before in parts[part], (part, before)
    parts[part] = parts[part].replace(before, xml.encode() + before, 1)


def _append_to_row(parts: Parts, part: str, row: int, cells: str) -> None:
    data = parts[part]
    start = data.index(b'<row r="%d"' % row)
    end = data.index(b"</row>", start)
    parts[part] = data[:end] + cells.encode() + data[end:]


def _relate(parts: Parts, source_rels: str, rid: str, kind: str, target: str, external: bool = False) -> None:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'
    if source_rels in parts:
        _insert(parts, source_rels, b"</Relationships>", rel)
    else:
        ns = "http://schemas.openxmlformats.org/package/2006/relationships"
        parts[source_rels] = f'<Relationships xmlns="{ns}">{rel}</Relationships>'.encode()


def _type(parts: Parts, part: str | None, content_type: str, extension: str | None = None) -> None:
    if extension is None:
        _insert(parts, TYPES, b"</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/>')
    else:  # Defaults come first
        types = parts[TYPES]
        at = types.index(b"<Default")
        parts[TYPES] = (
            types[:at] + f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode() + types[at:]
        )


def formulas(parts: Parts) -> None:
    """A DDE formula and every other kind of formula, with and without cached values, on a marked sheet (the
    goals) and an unmarked one (the guide); the goal weight I5 is a formula whose cached value the reader uses."""
    weight = re.search(rb'<c r="I5"([^>]*)><v>([^<]*)</v></c>', parts[GOALS])
    assert weight, "the first goal's weight"
    parts[GOALS] = parts[GOALS].replace(weight.group(0), b'<c r="I5"%s><f>I6*1</f><v>%s</v></c>' % weight.groups())
    _append_to_row(parts, GOALS, 5,
        f'<c r="T5"><f>{DDE}</f><v>0</v></c>'
        '<c r="U5" t="str"><f>"a"&amp;"b"</f><v>a&amp;b</v></c>'
        '<c r="V5" t="b"><f>TRUE()</f><v>1</v></c>'
        '<c r="W5" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="X5" s="9"><f>SUM(1,2)</f></c>'
        '<c r="Y5"><f t="shared" ref="Y5:Y6" si="0">T5+1</f><v>1</v></c>'
        '<c r="Z5" cm="1"><f t="array" ref="Z5">SUM(T5:T6)</f><v>0</v></c>'
        '<c r="AA5" t="str"><f>""</f><v></v></c>'
        '<c r="AB5" t="n"><f>T5</f><v/></c>')  # fmt: skip
    _append_to_row(parts, GOALS, 6, '<c r="Y6"><f t="shared" si="0"/><v>1</v></c>')
    _append_to_row(
        parts,
        GUIDE,
        2,  # beside the hint (the guide's numbered lines are merged across their row)
        f'<c r="B2"><f>{DDE}</f><v>7</v></c><c r="C2"><f>HYPERLINK("http://evil.example")</f><v>0</v></c>',
    )


def external_link(parts: Parts, cell: bool = True) -> None:
    """A link to another workbook on a file share: its part, the workbook's reference, names and a formula."""
    link = "xl/externalLinks/externalLink1.xml"
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts[link] = (
        f'<externalLink xmlns="{ns}" {XR}><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>5</v></cell></row></sheetData>'
        "</sheetDataSet></externalBook></externalLink>"
    ).encode()
    _relate(parts, "xl/externalLinks/_rels/externalLink1.xml.rels", "rId1", f"{R}/externalLinkPath",
            "file:///\\\\evil.example\\share\\book.xlsx", external=True)  # fmt: skip
    _relate(parts, WORKBOOK_RELS, "rId90", f"{R}/externalLink", "externalLinks/externalLink1.xml")
    _type(parts, link, "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
    _insert(
        parts, WORKBOOK, b"<definedNames>", '<externalReferences><externalReference r:id="rId90"/></externalReferences>'
    )
    names = (
        '<definedName name="먼곳">[1]Sheet1!$A$1</definedName>'
        f'<definedName name="명령">{DDE}</definedName>'
        "<definedName name=\"여기\">'성과목표'!$K$5</definedName>"
    )
    _insert(parts, WORKBOOK, b"</definedNames>", names)
    if cell:
        _append_to_row(parts, GOALS, 5, '<c r="T5"><f>[1]Sheet1!A1</f><v>5</v></c>')


def macros(parts: Parts) -> None:
    """A VBA project, the macro-enabled main content type (.xlsm) and a ribbon that calls a macro."""
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"VBA" * 100
    _relate(parts, WORKBOOK_RELS, "rId91", f"{MS_R}/vbaProject", "vbaProject.bin")
    _type(parts, None, "application/vnd.ms-office.vbaProject", extension="bin")
    parts[TYPES] = parts[TYPES].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    parts["customUI/customUI14.xml"] = (
        b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui" onLoad="Auto_Open"/>'
    )
    _relate(parts, "_rels/.rels", "rId92", "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
            "customUI/customUI14.xml")  # fmt: skip
    parts["xl/orphan/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"no relationship points here"


def embeddings(parts: Parts) -> None:
    """An OLE object (the goal sheet) and an embedded document wrapped as Excel 2010 writes it (the agency sheet)."""
    parts["xl/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"OLE" * 100
    parts["xl/embeddings/Document1.docx"] = b"PK\x03\x04" + b"docx" * 100
    _relate(parts, "xl/worksheets/_rels/sheet3.xml.rels", "rId1", f"{R}/oleObject", "../embeddings/oleObject1.bin")
    _relate(parts, "xl/worksheets/_rels/sheet2.xml.rels", "rId1", f"{R}/package", "../embeddings/Document1.docx")
    _type(parts, None, "application/vnd.openxmlformats-officedocument.oleObject", extension="bin")
    _type(parts, "xl/embeddings/Document1.docx",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip
    _insert(
        parts,
        GOALS,
        b"</worksheet>",
        f'<oleObjects><oleObject progId="Package" shapeId="1025" r:id="rId1" {XR}/></oleObjects>',
    )
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    _insert(parts, AGENCY, b"</worksheet>",
        f'<mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="x14"><oleObjects><oleObject progId="Word.Document.12" '
        f'shapeId="1026" r:id="rId1" {XR}/></oleObjects></mc:Choice><mc:Fallback><oleObjects><oleObject '
        f'progId="Word.Document.12" shapeId="1026" r:id="rId1" {XR}/></oleObjects></mc:Fallback></mc:AlternateContent>')  # fmt: skip


def activex(parts: Parts) -> None:
    """An ActiveX command button on the guide sheet: its control part, its binary and the sheet's element."""
    parts["xl/activeX/activeX1.xml"] = (
        f'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" {XR} '
        'ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}" ax:persistence="persistStorage" r:id="rId1"/>'
    ).encode()
    parts["xl/activeX/activeX1.bin"] = b"\xd0\xcf\x11\xe0" + b"AX" * 50
    _relate(parts, "xl/activeX/_rels/activeX1.xml.rels", "rId1", f"{MS_R}/activeXControlBinary", "activeX1.bin")
    _relate(parts, "xl/worksheets/_rels/sheet1.xml.rels", "rId5", f"{R}/control", "../activeX/activeX1.xml")
    _type(parts, "xl/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml")
    _type(parts, "xl/activeX/activeX1.bin", "application/vnd.ms-office.activeX")
    _insert(
        parts,
        GUIDE,
        b"</worksheet>",
        f'<controls><control shapeId="1027" r:id="rId5" name="CommandButton1" {XR}/></controls>',
    )


def connections(parts: Parts) -> None:
    """A data connection refreshed on open, the calculation chain, and a Power Query mashup."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/connections.xml"] = (
        f'<connections xmlns="{ns}"><connection id="1" name="q" type="5" refreshOnLoad="1"><dbPr '
        'connection="Provider=MSOLEDBSQL;Data Source=evil.example" command="SELECT 1"/></connection></connections>'
    ).encode()
    _relate(parts, WORKBOOK_RELS, "rId93", f"{R}/connections", "connections.xml")
    _type(parts, "xl/connections.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml")
    parts["xl/calcChain.xml"] = f'<calcChain xmlns="{ns}"><c r="T5" i="3"/></calcChain>'.encode()
    _relate(parts, WORKBOOK_RELS, "rId94", f"{R}/calcChain", "calcChain.xml")
    _type(parts, "xl/calcChain.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    parts["customXml/item1.xml"] = b'<DataMashup xmlns="http://schemas.microsoft.com/DataMashup">AAAA</DataMashup>'
    _relate(parts, WORKBOOK_RELS, "rId95", f"{R}/customXml", "../customXml/item1.xml")


def everything(parts: Parts) -> None:
    external_link(parts, cell=False)  # T5 holds the DDE formula
    for add in (formulas, macros, embeddings, activex, connections):
        add(parts)


CASES: dict[str, Callable[[Parts], None]] = {
    "formulas": formulas,
    "external_link": external_link,
    "macros": macros,
    "embeddings": embeddings,
    "activex": activex,
    "connections": connections,
    "everything": everything,
}
ACTIVE_NAMES = re.compile(r"vbaProject|externalLink|embeddings/|activeX|connections\.xml|calcChain|customUI|customXml")
ACTIVE_TEXT = (b"cmd|", b"evil.example", b"externalReference", b"oleObject", b"<control", b"vbaProject",
               b"macroEnabled", b"connections", b"calcChain", b"extensibility", b"DataMashup", b"activeX")  # fmt: skip


def hostile(tmp_path: Path, add: Callable[[Parts], None]) -> tuple[Path, list]:
    """A submission rejected for a cell (K5), with `add`'s parts added; and its findings."""
    goals = factory.goals(g1={"target": "미정"})
    source = factory.write(tmp_path / "source.xlsx", goal_rows=goals)
    with zipfile.ZipFile(source) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    add(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path = tmp_path / "제출.xlsx"  # a name free of the words searched for
    path.write_bytes(buf.getvalue())
    findings = list(check_file(path, CONFIG).findings)
    assert ("value.not_number", "성과목표!K5") in [(f.code, f.ref) for f in findings]
    return path, findings


def write(writer: str, original: Path, findings: list, out: Path) -> Path:
    if writer == "xml":
        assert xml_patch.write_fast(original, findings, out, "ko", original.name) == out, "the XML patcher declined"
        return out
    return write_with_openpyxl(original, findings, out, "ko", original.name)


# --- what the copy must be -----------------------------------------------------------------------------------------
def assert_values_only(path: Path) -> dict[str, bytes]:
    """No formula, no active part or trace of one, and a consistent package: every XML part well-formed, every
    internal relationship's target there, every relationship id a part names in its rels part, every Override's
    part there and every part with a content type."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    for name, data in parts.items():
        assert not ACTIVE_NAMES.search(name), name
        assert re.search(rb"<(?:\w+:)?f[\s/>]", data) is None, f"a formula in {name}"
        for text in ACTIVE_TEXT:
            assert text not in data, (name, text)
    rel_ids: dict[str, set[str]] = {}
    for name, data in parts.items():
        if name.endswith(".rels"):
            folder, base = posixpath.split(posixpath.dirname(name))[0], posixpath.basename(name)[: -len(".rels")]
            source = posixpath.join(folder, base)
            rel_ids[source] = set()
            for rel in ET.fromstring(data):
                rel_ids[source].add(rel.get("Id"))
                if rel.get("TargetMode") != "External":
                    target = unquote(rel.get("Target"))
                    target = (
                        target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                    )
                    assert target in parts, (name, target)
    for name, data in parts.items():
        if name.endswith((".xml", ".rels", ".vml")):
            for el in ET.fromstring(data).iter():
                for attr, value in el.attrib.items():
                    if attr.startswith(f"{{{R}}}"):
                        assert value in rel_ids.get(name, set()), (name, attr, value)
    types = ET.fromstring(parts[TYPES])
    overrides = {o.get("PartName").lstrip("/") for o in types if o.tag.endswith("Override")}
    defaults = {d.get("Extension").lower() for d in types if d.tag.endswith("Default")}
    assert overrides <= set(parts)
    for name in parts:
        assert name == TYPES or name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
    wb = load_workbook(path)
    assert not [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    return parts


WRITERS = pytest.mark.parametrize("writer", ["xml", "openpyxl"])


@WRITERS
@pytest.mark.parametrize("case", list(CASES))
def test_the_copy_carries_values_only(tmp_path: Path, writer: str, case: str) -> None:
    original, findings = hostile(tmp_path, CASES[case])
    out = write(writer, original, findings, tmp_path / "fb.xlsx")
    assert_values_only(out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["검토결과", "안내", "기관정보", "성과목표", "과거실적"]  # a copy, not the findings alone
    goals = wb["성과목표"]
    assert goals["K5"].comment is not None and goals["K5"].value == "미정"
    if case in ("formulas", "everything"):
        cached = {c: goals[c].value for c in ("T5", "U5", "V5", "W5", "X5", "Y5", "Y6", "Z5", "AA5", "AB5")}
        assert cached == {"T5": 0, "U5": "a&b", "V5": True, "W5": "#DIV/0!", "X5": None, "Y5": 1, "Y6": 1,
                          "Z5": 0, "AA5": None, "AB5": None}  # fmt: skip
        assert goals["I5"].value == 20 and goals["X5"].number_format == wb["성과목표"]["A5"].number_format
        assert wb["안내"]["B2"].value == 7 and wb["안내"]["C2"].value == 0
    if case == "external_link":
        assert goals["T5"].value == 5
        assert set(wb.defined_names) == {"여기"} and not wb._external_links
    # what the copy holds is what was read: checked again, it gives the same findings
    assert [(f.code, f.ref) for f in check_file(out, CONFIG).findings] == [(f.code, f.ref) for f in findings]


@WRITERS
def test_a_formula_without_a_cached_value_leaves_an_empty_cell_and_its_finding(tmp_path: Path, writer: str) -> None:
    original = factory.write(tmp_path / "s.xlsx", edit=factory.set_cell("성과목표", "Q6", "=K6*0.92"))
    findings = list(check_file(original, CONFIG).findings)
    assert ("cell.formula_uncached", "성과목표!Q6") in [(f.code, f.ref) for f in findings]
    out = write(writer, original, findings, tmp_path / "fb.xlsx")
    assert_values_only(out)
    cell = load_workbook(out)["성과목표"]["Q6"]
    assert cell.value is None and "K6*0.92" in cell.comment.text


def macro_sheet(parts: Parts) -> None:
    """An Excel 4 macro sheet, very hidden."""
    parts["xl/macrosheets/sheet1.xml"] = parts[GUIDE]
    _relate(parts, WORKBOOK_RELS, "rId96", f"{MS_R}/xlMacrosheet", "macrosheets/sheet1.xml")
    _insert(parts, WORKBOOK, b"</sheets>", '<sheet name="매크로" sheetId="9" state="veryHidden" r:id="rId96"/>')
    _type(parts, "xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml")


def dde_validation(parts: Parts) -> None:
    """A validation list evaluated by DDE: it has no cached value to put in its place."""
    parts[GOALS] = parts[GOALS].replace(b'<formula1>"Y,N"</formula1>', f"<formula1>{DDE}</formula1>".encode())
    assert DDE.encode() in parts[GOALS]


@WRITERS
@pytest.mark.parametrize("add", [macro_sheet, dde_validation], ids=["macro_sheet", "dde_validation"])
def test_what_cannot_be_made_values_only_gets_the_findings_alone(
    tmp_path: Path, writer: str, add: Callable[[Parts], None]
) -> None:
    original, findings = hostile(tmp_path, add)
    assert xml_patch.write_fast(original, findings, tmp_path / "x.xlsx", "ko", "x.xlsx") is None
    out = (
        write_feedback(original, findings, tmp_path / "fb.xlsx")
        if writer == "xml"
        else write_with_openpyxl(original, findings, tmp_path / "fb.xlsx", "ko", original.name)
    )
    assert_values_only(out)
    assert load_workbook(out).sheetnames == ["검토결과"]


def _lo_copy(soffice: str, source: Path, outdir: Path) -> Path:
    profile = f"/tmp/lo-{uuid.uuid4().hex}"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx", "--outdir",
         str(outdir), str(source)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": profile},
    )  # fmt: skip
    return outdir / source.name


@WRITERS
def test_libreoffice_opens_the_values_only_copy(tmp_path: Path, soffice: str, writer: str) -> None:
    original, findings = hostile(tmp_path, everything)
    out = write(writer, original, findings, tmp_path / "fb.xlsx")
    again = load_workbook(_lo_copy(soffice, out, tmp_path / "lo"))
    assert again.sheetnames[0] == "검토결과" and again["검토결과"]["G6"].value == "value.not_number"
    goals = again["성과목표"]
    assert goals["T5"].value == 0 and goals["U5"].value == "a&b" and goals["I5"].value == 20
    assert "숫자가 아닌 값" in goals["K5"].comment.text
    formulas = [(c.coordinate, c.value) for ws in again.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]  # fmt: skip
    # LibreOffice saves a boolean and an error value as these formulas; none of the submission's came back
    assert formulas == [("V5", "=TRUE()"), ("W5", "=#DIV/0!")]


def prefixed_guide(parts: Parts) -> None:
    """The guide sheet written with a prefix on every element (`<x:c>`, as some libraries write), holding a DDE
    formula and a validation list."""
    sheet = re.sub(rb"<(/?)([A-Za-z])", rb"<\1x:\2", parts[GUIDE])
    sheet = sheet.replace(b'<x:worksheet xmlns="', b'<x:worksheet xmlns:x="', 1)
    row = re.search(rb'<x:row r="2"[^>]*>', sheet)
    assert row and b"xmlns:x=" in sheet
    parts[GUIDE] = sheet[: row.end()] + f'<x:c r="B2"><x:f>{DDE}</x:f><x:v>7</x:v></x:c>'.encode() + sheet[row.end() :]
    parts[GUIDE] = re.sub(rb'(<x:c r="A2"[^>]*>.*?</x:c>)(<x:c r="B2">.*?</x:c>)', rb"\2\1", parts[GUIDE])


def test_a_prefixed_sheet_carries_values_only(tmp_path: Path) -> None:
    from pipeline.feedback.values_package import values_only_parts

    original, findings = hostile(tmp_path, prefixed_guide)
    guide = dict((i.filename, d) for i, d in values_only_parts(original))[GUIDE]
    assert re.search(rb"<x:f[\s/>]", guide) is None and b'<x:c r="B2"><x:v>7</x:v></x:c>' in guide
    out = write_feedback(original, findings, tmp_path / "fb.xlsx")  # the patcher declines a prefixed sheet
    assert_values_only(out)
    assert load_workbook(out)["안내"]["B2"].value == 7
