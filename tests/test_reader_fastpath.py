"""The reader's fast path for shared strings (`sharedstrings.scan_strings`, read from the part's text) against its
tree path (`tree_strings`, the fallback): whenever the fast path takes a part, every string must read exactly as the tree
reads it, and a part outside the plain dialect must be left to the tree. The fast path must also really be taken
on what LibreOffice writes, or nothing is gained."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import factory
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from test_reader import _convert

from pipeline.core.layout import GOAL_LETTERS
from pipeline.read.workbook import read_workbook
from pipeline.xlsx import sharedstrings
from pipeline.xlsx.xmltext import allowed_char

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LO_RUN = '<rPr><sz val="10"/><color rgb="FF595959"/><rFont val="맑은 고딕"/><family val="2"/><charset val="129"/></rPr>'


def sst(*items: str, declaration: bytes = DECLARATION, root: str = f'<sst xmlns="{MAIN}" count="9">') -> bytes:
    return declaration + (root + "".join(f"<si>{item}</si>" for item in items) + "</sst>").encode()


def tree_texts(data: bytes) -> list[str]:
    strings = sharedstrings.tree_strings(data)
    return [strings[i] for i in range(len(strings.items))]


def fast_texts(data: bytes) -> list[str] | None:
    strings = sharedstrings.scan_strings(data)
    return None if strings is None else [strings[i] for i in range(len(strings.items))]


# --- parts in the plain dialect: taken by the fast path, read as the tree reads them ------------------------------
PLAIN = {
    "plain": sst("<t>목표번호</t>", '<t xml:space="preserve"> 앞뒤 공백 </t>', "<t></t>"),
    "entities": sst("<t>A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;</t>", "<t>줄&#10;바꿈&#x9;탭</t>"),
    "character references": sst("<t>&#x1F600; &#44032; &#xAC00;&#13;</t>", "<t>&#0000065;</t>"),
    "raw quotes, >, ] and line feeds": sst("<t>\"q\" 'a' > ] ]] x\ny\tz</t>"),
    "rich text, LibreOffice": sst(f'<r>{LO_RUN}<t xml:space="preserve">서식 </t></r><r>{LO_RUN}<t>버전</t></r>'),
    "rich text, Excel": sst(
        '<r><rPr><b/><sz val="11"/><color theme="1" tint="0.5"/><rFont val="맑은 고딕"/><family val="3"/>'
        '<charset val="129"/><scheme val="minor"/></rPr><t>굵게</t></r><r><t xml:space="preserve"> 보통</t></r>'
        '<phoneticPr fontId="1" type="noConversion"/>'
    ),
    "rich text, openpyxl": sst(
        '<r><rPr><b val="1" /><u val="single" /><vertAlign val="superscript" /></rPr><t>x</t></r>'
    ),
    "phonetic properties": sst('<t>기관명</t><phoneticPr fontId="1" type="noConversion"/>'),
    "no declaration": sst("<t>a</t>", declaration=b""),
    "byte order mark": sst("<t>a</t>", declaration=b"\xef\xbb\xbf" + DECLARATION),
    "lower-case utf-8": sst("<t>a</t>", declaration=b"<?xml version='1.0' encoding='utf-8'?>"),
    "no namespace": sst("<t>a</t>", root="<sst>"),
    "strict namespace": sst("<t>a</t>", root='<sst xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">'),
    "no items": sst(),
    "cut at MAX_STRING": sst(f"<r><t>{'가' * sharedstrings.MAX_STRING}</t></r><r><t>&amp;tail</t></r>"),
}


@pytest.mark.parametrize("data", PLAIN.values(), ids=PLAIN.keys())
def test_plain_parts_read_as_the_tree_reads_them(data: bytes) -> None:
    fast = fast_texts(data)
    assert fast is not None, "the fast path refused a plain part"
    assert fast == tree_texts(data)


def test_strings_are_taken_from_their_item_on_first_use_only() -> None:
    strings = sharedstrings.scan_strings(sst("<t>a</t>", "<t>b</t>", "<t>c</t>"))
    assert strings is not None
    assert (strings[1], strings[-1], strings[3]) == ("b", None, None)
    assert dict(strings) == {1: "b"}


# --- parts outside it: left to the tree (whose verdict, broken or not, is then the reader's) ----------------------
NOT_PLAIN = {
    "comment": sst("<t>a</t><!-- note -->"),
    "CDATA": sst("<t><![CDATA[a<b]]></t>"),
    "phonetic run": sst('<t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh>'),
    "processing instruction": sst("<t>a<?pi x?></t>"),
    "whitespace between items": sst("<t>a</t></si>\n<si><t>b</t>"),
    "attribute with a reference": sst('<r><rPr><rFont val="A&amp;B"/></rPr><t>a</t></r>'),
    "attributes in another order": sst('<r><rPr><color theme="1" rgb="FF000000"/></rPr><t>a</t></r>'),
    "unknown run property": sst('<r><rPr><glow val="1"/></rPr><t>a</t></r>'),
    "another attribute on t": sst('<t xml:lang="ko">a</t>'),
    "single-quoted attribute": sst("<t xml:space='preserve'>a</t>"),
    "prefixed element": sst("<x:t xmlns:x='urn:x'>a</x:t>"),
    "carriage return": sst("<t>a\r\nb</t>"),
    "latin-1 declared": sst("<t>é</t>", declaration=b'<?xml version="1.0" encoding="ISO-8859-1"?>'),
    "root attribute holding >": sst("<t>a</t>", root='<sst note="a>b">'),
    "empty item": sst(""),
    "self-closing root": DECLARATION + b"<sst/>",
    "another root": DECLARATION + b"<strings><si><t>a</t></si></strings>",
    # not well-formed: the tree path refuses them, so must the fast path
    "control character": sst("<t>a\x01b</t>"),
    "reference to a control character": sst("<t>a&#1;b</t>"),
    "reference past Unicode": sst("<t>&#x110000;</t>"),
    "undefined entity": sst("<t>&nbsp;</t>"),
    "bare ampersand": sst("<t>A & B</t>"),
    "]]> in text": sst("<t>a]]>b</t>"),
    "U+FFFF": sst("<t>a\uffffb</t>"),
    "invalid UTF-8": sst("<t>a</t>").replace(b"<t>a", b"<t>\xff"),
    "duplicate root attribute": sst("<t>a</t>", root='<sst count="1" count="2">'),
    "unbound prefix on the root": sst("<t>a</t>", root='<sst x:count="1">'),
    "text after the root": sst("<t>a</t>") + b"junk",
    "a second root": sst("<t>a</t>") + b"<sst></sst>",
}


@pytest.mark.parametrize("data", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_parts_outside_the_dialect_are_left_to_the_tree(data: bytes) -> None:
    assert sharedstrings.scan_strings(data) is None


# --- any document: whatever the fast path takes, it reads as the tree does ----------------------------------------
ALLOWED = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
TRICKY = st.sampled_from(list("&<>\"']\n\t가") + ["]]>", "\x01", "\r", "\ufffe", "\U0001f600"])


@st.composite
def encoded_text(draw: Any) -> tuple[str, bool]:
    """Text as a writer might encode it in XML (each character raw, as an entity or as a character reference),
    and whether it stays in the plain dialect."""
    out, plain = [], True
    for ch in draw(st.lists(st.one_of(ALLOWED, TRICKY), max_size=12)):
        how = draw(st.sampled_from(["raw", "entity", "decimal", "hex"]))
        code = ord(ch[0])
        if ch == "]]>" or how == "raw" and (ch in "\x01\r\ufffe" or ch in "&<"):
            plain = False  # `]]>`, a forbidden character, a CR the parser would change, or broken markup
            out.append(ch)
        elif how == "raw" or len(ch) > 1:
            out.append(ch)
        elif how == "entity" and ch in "&<>\"'":
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}[ch])
        else:
            out.append(f"&#{code};" if how == "decimal" else f"&#x{code:X};")
            plain = plain and allowed_char(code)
    text = "".join(out)
    return text, plain and "]]>" not in text


@st.composite
def item(draw: Any) -> tuple[str, bool]:
    runs = draw(st.lists(encoded_text(), min_size=1, max_size=3))
    plain = all(ok for _, ok in runs)
    space = draw(st.sampled_from(["", ' xml:space="preserve"']))
    if len(runs) == 1 and draw(st.booleans()):
        return f"<t{space}>{runs[0][0]}</t>", plain
    properties = draw(st.sampled_from(["", LO_RUN, '<rPr><b/><color theme="1"/></rPr>', '<rPr><glow val="1"/></rPr>']))
    plain = plain and "glow" not in properties
    return "".join(f"<r>{properties}<t{space}>{text}</t></r>" for text, _ in runs), plain


@settings(max_examples=400, deadline=None)
@given(st.lists(item(), max_size=5))
def test_any_part_the_fast_path_takes_reads_as_the_tree(items: list[tuple[str, bool]]) -> None:
    data = sst(*(xml for xml, _ in items))
    fast = fast_texts(data)
    if all(plain for _, plain in items):
        assert fast is not None, "the fast path refused a plain part"
    if fast is not None:
        assert fast == tree_texts(data)


# --- whole workbooks as LibreOffice saves them -------------------------------------------------------------------
def _features(wb: Any) -> None:
    """Everything the strings and cells of a real workbook hold, for LibreOffice to write in its dialect."""
    goals = factory.goal_sheet(wb)
    goals["C5"] = CellRichText([TextBlock(InlineFont(b=True), "굵은 "), "목표 & <기호> \"따옴표\" '작은'"])
    goals["D5"] = "두 줄\n지표"
    goals["K5"].number_format = "0.0%"
    goals["K5"] = 0.85
    note = GOAL_LETTERS["note"]  # the last column (비고)
    goals[f"{note}5"] = date(2026, 3, 1)
    goals[f"{note}5"].number_format = "yyyy-mm-dd"
    goals[f"{note}6"] = "=1/0"  # cached as an error, t="e"
    goals[f"{note}7"] = True
    goals["N6"] = "=K6*0.92"  # cached by LibreOffice
    goals.merge_cells("B5:B6")
    goals.row_dimensions[8].hidden = True


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    folder = tmp_path_factory.mktemp("lo")
    return _convert(soffice, factory.write(folder / "features.xlsx", edit=_features), folder / "lo")


def read_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(repr of the read with the fast path, with the tree path), asserting the fast path took the part."""
    taken: list[Any] = []
    scan = sharedstrings.scan_strings
    monkeypatch.setattr(sharedstrings, "scan_strings", lambda data: taken.append(scan(data)) or taken[-1])
    fast = repr(read_workbook(path))
    assert taken and taken[-1] is not None, "the fast path did not take the shared strings"
    monkeypatch.setattr(sharedstrings, "scan_strings", lambda data: None)
    return fast, repr(read_workbook(path))


@pytest.mark.real_client
def test_a_libreoffice_workbook_reads_the_same_both_ways(saved_by_libreoffice: Path, monkeypatch: Any) -> None:
    with zipfile.ZipFile(saved_by_libreoffice) as zf:
        strings, goals = zf.read("xl/sharedStrings.xml"), zf.read("xl/worksheets/sheet3.xml")
    assert b"<r>" in strings and b"&amp;" in strings and b"&lt;" in strings  # the features reached the file
    assert b'<mergeCell ref="B5:B6"/>' in goals and b't="e"' in goals and b"<f" in goals
    fast, tree = read_both_ways(saved_by_libreoffice, monkeypatch)
    assert fast == tree
    for expected in (
        "굵은 목표 & <기호>",
        "두 줄\\n지표",
        "percent=True",
        "date=True",
        "error='#DIV/0!'",
        "hidden=True",
    ):
        assert expected in fast


@pytest.mark.real_client
def test_a_broken_strings_part_is_refused_both_ways(
    saved_by_libreoffice: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(saved_by_libreoffice) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"<sst ", b'<sst count="0" ', 1)  # a duplicate attribute: not well-formed
            target.writestr(info, data)
    fast = repr(read_workbook(broken))
    monkeypatch.setattr(sharedstrings, "scan_strings", lambda data: None)
    assert fast == repr(read_workbook(broken))
    assert "file.corrupt" in fast
