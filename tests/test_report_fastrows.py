"""The fast writers of the report give the bytes of the slow ones.

`xlsxwriter_private.FastRows` writes the table sheets' rows as XML itself instead of through xlsxwriter's public
API; `json_private.indented_json` indents results.json itself around the C encoder instead of the json module's
pure-Python one. Both are only worth having if nobody can tell: every part of the workbook (unzipped) and every
byte of results.json are compared with the reference path, on the report tests' city, its hostile twin, the demo
city, and a table of every kind of value a cell can hold; single cells and JSON values are also compared on
generated input.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_report import PAYLOADS, city_input, hostile_input
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.night.outputs import read_report_input
from pipeline.report import json_private, xlsx_cells, xlsxwriter_private
from pipeline.report.content import workbook_content
from pipeline.report.json_private import indented_json
from pipeline.report.results_json import results_document, write_results
from pipeline.report.shapes import Column, Table
from pipeline.report.summary_sheet import summary_content
from pipeline.report.xlsx_cells import ColumnCells, Styles, fresh_options, write_value
from pipeline.report.xlsx_writer import render_workbook
from pipeline.report.xlsxwriter_private import ColumnXml, captured
from pipeline.settings.load import load_config
from pipeline.system import clock

D = Decimal
KST = timezone(timedelta(hours=9))
fast_rows_verified = pytest.mark.skipif(
    xlsxwriter.__version__ not in xlsxwriter_private.FAST_ROWS_VERIFIED,
    reason=f"xlsxwriter {xlsxwriter.__version__} is not one the fast rows were verified with: they are off",
)


class Code(str):
    """A str subclass: not one of the exact types the fast path takes, so its row goes through the public API."""


TEXTS = (
    "plain",
    "광주도시철도공사 — 성과목표",
    "a & b < c > d \" e ' f",
    "&amp; already escaped",
    " leading space",
    "trailing space ",
    "  both  ",
    "\tleading tab",
    "line one\nline two",
    "ends with a newline\n",
    "\nstarts with a newline",
    "\r=1+1",
    "controls \x00\x01\x08\x0b\x0c\x0e\x1f end",
    "non-characters \ufffe \uffff",
    "_x0041_ looks like an escape",
    "x_x00e9_y_X00E9_",
    "_x12_ too short, _xZZZZ_ not hex",
    "<r><t>looks like rich text</t></r>",
    "\u3000ideographic space\u3000",
    "no-break space\u00a0",
    "emoji 😀 and 한글",
    "줄바꿈이 있는 긴 설명 " * 30,
    "x" * 20_000,  # longer than half the limit: the public API decides whether to cut it
    "😀" * 20_000,  # 40,000 UTF-16 units: cut by write_string
    "y" * 40_000,
    *PAYLOADS,
)
NUMBERS = (
    0,
    1,
    -7,
    10**15,
    2**53 + 1,
    D("0"),
    D("-0"),
    D("-0.00"),
    D("1.0"),  # equal to 1: the same cell
    D("-7.00"),
    D("12.5"),
    D("12.50"),
    D("0.125"),
    D("3902"),
    D("-1234.5678"),
    D("1.0000001"),
    D("1E+20"),
    D("1E-30"),
    D("123456789012345678.9"),
    D("0.9832"),
    D("98.32"),
)
MOMENTS = (
    datetime(2026, 11, 29, 21, 5),
    datetime(1900, 1, 1),
    datetime(2026, 11, 29, 21, 5, 30, 123456),
    datetime(2026, 11, 29, 21, 5, tzinfo=KST),
)
ODD = (True, False, 1.5, Code("a str subclass"))
VALUES = (None, "", *TEXTS, *NUMBERS, *MOMENTS, *ODD)
KINDS = ("text", "longtext", "code", "int", "qty", "score", "pct", "datetime", "grade", "mark", "status", "severity")


def table(sheet: str, rows: list[tuple], kinds: tuple[str, ...] = KINDS) -> Table:
    columns = tuple(
        Column(f"{kind} {i}", kind, warn_below=D("0.8") if kind == "pct" else None) for i, kind in enumerate(kinds)
    )
    return Table(sheet=sheet, columns=columns, rows=tuple(rows), freeze_cols=1)


def every_value_content() -> object:
    """The city's summary, then tables that put every value in every kind of column, alone and mixed."""
    base = workbook_content(city_input())
    width = len(KINDS) + 1  # a longtext column at the end as well: wrapped rows get their height from both
    kinds = (*KINDS, "longtext")
    alone = [tuple(v for _ in range(width)) for v in VALUES]
    mixed = [tuple(VALUES[(i * 7 + j) % len(VALUES)] for j in range(width)) for i in range(3 * len(VALUES))]
    plain = [v for v in VALUES if v.__class__ in (str, int, Decimal, datetime, type(None))]
    fast_only = [tuple(plain[(i + j) % len(plain)] for j in range(width)) for i in range(len(plain))]
    tables = (
        table("Every value", alone, kinds),
        table("Mixed", mixed, kinds),
        table("Fast rows", fast_only, kinds),
        # a format first used by the last row (5 decimals: no other value has them; xlsxwriter numbers it at
        # close, after the summary's), a first row through the public API, tiny tables
        table("Last row", [(D(1),), (D(2),), (D("1.23456"),)], ("qty",)),
        table("First row", [(True, D(1)), (D("2.5"), D(2)), (D(3), D("0.5"))], ("qty", "score")),
        table("Empty", [], ("text", "int")),
        table("One", [("only", 1)], ("text", "int")),
        table("Two", [("first", 1), ("second", 2)], ("text", "int")),
        *base.tables,
    )
    return replace(base, tables=tables, best=None)  # sheet2 is the table under test


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture
def fast_rows_written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the rows `FastRows` wrote itself, so a test knows the fast path was taken at all."""
    written: list[int] = []
    original = xlsxwriter_private.FastRows.write

    def counting(self, r, row):
        done = original(self, r, row)
        if done:
            written.append(r)
        return done

    monkeypatch.setattr(xlsxwriter_private.FastRows, "write", counting)
    return written


def assert_same_workbook(content, tmp_path: Path, fast_rows_written: list[int]) -> dict[str, bytes]:
    fast_rows_written.clear()
    render_workbook(content, tmp_path / "reference.xlsx", fast_rows=False)
    assert fast_rows_written == []
    render_workbook(content, tmp_path / "fast.xlsx")
    assert fast_rows_written, "the fast path was not taken"
    reference, fast = parts(tmp_path / "reference.xlsx"), parts(tmp_path / "fast.xlsx")
    assert list(fast) == list(reference)
    for name in reference:
        assert fast[name] == reference[name], name
    return fast


def reference_json(value) -> str:
    """results.json as it was written before: the json module's own pure-Python encoder."""
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dump_results(value) -> str:
    """results.json's text as `write_results` writes it."""
    return "".join(indented_json(value)) + "\n"


def assert_same_json(document) -> None:
    assert dump_results(document) == reference_json(document)


# --- the workbook ------------------------------------------------------------------------------------------------
@fast_rows_verified
def test_every_kind_of_value_gives_the_same_workbook(tmp_path: Path, fast_rows_written: list[int]) -> None:
    fast = assert_same_workbook(every_value_content(), tmp_path, fast_rows_written)
    sheet = fast["xl/worksheets/sheet2.xml"].decode()  # "Every value"
    for needle in (
        "a &amp; b &lt; c &gt; d \" e ' f",
        '<t xml:space="preserve"> leading space</t>',
        "controls \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd end",  # what XML cannot hold, shown (xml_chars)
        "non-characters \ufffd \ufffd",
        "_x005F_x0041_ looks like an escape",
        "customHeight",
    ):
        assert needle in sheet, needle


@fast_rows_verified
def test_the_report_city_and_its_hostile_twin_give_the_same_workbook(
    tmp_path: Path, fast_rows_written: list[int]
) -> None:
    for i, data in enumerate((city_input(), city_input("en"), hostile_input())):
        out = tmp_path / str(i)
        out.mkdir()
        assert_same_workbook(workbook_content(data), out, fast_rows_written)


def test_the_report_city_and_its_hostile_twin_give_the_same_results_json() -> None:
    for data in (city_input(), city_input("en"), hostile_input()):
        assert_same_json(results_document(data))


@pytest.fixture(scope="module")
def demo_input(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("fastrows") / "demo"
    result = CliRunner().invoke(app, ["demo", str(home)])
    assert result.exit_code == 0, result.output
    return read_report_input(load_config(home), clock.now().date())


@fast_rows_verified
def test_the_demo_city_gives_the_same_workbook(demo_input, tmp_path: Path, fast_rows_written: list[int]) -> None:
    assert_same_workbook(workbook_content(demo_input), tmp_path, fast_rows_written)


def test_the_demo_city_gives_the_same_results_json(demo_input, tmp_path: Path) -> None:
    document = results_document(demo_input)
    assert_same_json(document)
    write_results(document, tmp_path / "results.json")
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == dump_results(document)


def test_an_unverified_xlsxwriter_writes_through_the_public_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_rows_written: list[int]
) -> None:
    monkeypatch.setattr(xlsxwriter_private, "FAST_ROWS_VERIFIED", frozenset({"0.0.1"}))
    content = workbook_content(city_input())
    render_workbook(content, tmp_path / "a.xlsx")
    render_workbook(content, tmp_path / "b.xlsx", fast_rows=False)
    assert fast_rows_written == []
    assert parts(tmp_path / "a.xlsx") == parts(tmp_path / "b.xlsx")


def test_every_workbook_of_a_process_is_the_same(tmp_path: Path) -> None:
    """xlsxwriter writes into the options it is given; the second workbook used to get another default font."""
    content = workbook_content(city_input())
    render_workbook(content, tmp_path / "first.xlsx")
    render_workbook(content, tmp_path / "second.xlsx")
    assert parts(tmp_path / "first.xlsx") == parts(tmp_path / "second.xlsx")
    assert xlsx_cells.SAFE_OPTIONS["default_format_properties"] == {"font_name": "맑은 고딕", "font_size": 10}


def test_a_number_xlsxwriter_refuses_is_refused_either_way(tmp_path: Path) -> None:
    content = replace(every_value_content(), tables=(table("Bad", [(D(1),), (D("NaN"),), (D(2),)], ("qty",)),))
    for fast_rows in (False, True):
        with pytest.raises(TypeError, match="NAN/INF"):
            render_workbook(content, tmp_path / f"{fast_rows}.xlsx", fast_rows=fast_rows)


@fast_rows_verified
def test_a_hostile_summary_beside_the_tables_gives_the_same_workbook(
    tmp_path: Path, fast_rows_written: list[int]
) -> None:
    """The summary sheet is never written by `FastRows`, but shares formats with the tables (xf order)."""
    content = replace(every_value_content(), summary=summary_content(hostile_input()))
    assert_same_workbook(content, tmp_path, fast_rows_written)


# --- single cells, generated -------------------------------------------------------------------------------------
class Cells:
    """One constant_memory sheet for `ColumnXml.xml`, one for the reference: `write_value` and xlsxwriter's own
    flush of the row."""

    def __init__(self, path: Path) -> None:
        self.workbook = xlsxwriter.Workbook(str(path), fresh_options(constant_memory=True))
        self.styles = Styles(self.workbook)
        self.fast, self.reference = self.workbook.add_worksheet("fast"), self.workbook.add_worksheet("reference")
        self.columns = {kind: Column(kind, kind) for kind in KINDS}
        self.cells = {
            kind: ColumnXml(ColumnCells(self.fast, self.styles, column, 3)) for kind, column in self.columns.items()
        }
        self.row = 0

    def check(self, value, kind: str) -> None:
        self.row += 1
        r = self.row
        xml = self.cells[kind].xml(r, str(r + 1), value)
        if xml is None:  # left to the public API: only what the fast path is documented to leave
            if type(value) is str:  # a very long text, or one shaped like rich-text XML (see `write_text`)
                assert len(value) > 16383 or (value.startswith("<r>") and value.endswith("</r>"))
            elif type(value) in (int, Decimal):
                assert not math.isfinite(float(value))
            else:
                assert type(value) not in (datetime, type(None))
            return
        ws = self.reference
        write_value(ws, self.styles, r, 3, value, self.columns[kind])
        assert captured(ws, ws._write_single_row, r + 1) == f'<row r="{r + 1}">{xml}</row>'


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory):
    made = Cells(tmp_path_factory.mktemp("cells") / "cells.xlsx")
    yield made
    made.workbook.close()


TRICKY = list("ab 가\t\n\r&<>\"'_xX0123456789ABCDEFabcdef\x00\x01\x1f\x7f\x85\u2028\u3000\u00a0\ufffe\uffff😀")
texts = st.one_of(st.text(alphabet=st.sampled_from(TRICKY), max_size=24), st.text(max_size=24))
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31))


@fast_rows_verified
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.none(), texts, numbers, moments), kind=st.sampled_from(KINDS))
def test_a_generated_cell_is_the_cell_xlsxwriter_writes(cells: Cells, value, kind: str) -> None:
    cells.check(value, kind)


@fast_rows_verified
def test_the_listed_values_are_the_cells_xlsxwriter_writes(cells: Cells) -> None:
    for value in VALUES:
        for kind in KINDS:
            cells.check(value, kind)


# --- results.json, generated -------------------------------------------------------------------------------------
plain_json = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12)
)
keys = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
json_values = st.recursive(
    plain_json,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
        st.dictionaries(keys, inner, max_size=3),
    ),
    max_leaves=30,
)


def outcome(encode, value) -> tuple[str, object]:
    try:
        return "text", encode(value)
    except (ValueError, TypeError) as exc:
        return "refused", type(exc)


@settings(max_examples=400, deadline=None)
@given(value=json_values)
def test_generated_json_is_indented_like_the_json_module(value) -> None:
    """The same text, or the same refusal (an infinite float as a key, say)."""
    assert outcome(dump_results, value) == outcome(reference_json, value)


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"a": [float("nan")]}, ValueError),
        ({"a": {"b": float("inf")}}, ValueError),
        ({"a": [object()]}, TypeError),
        ({"a": {"b": {1, 2}}}, TypeError),
    ],
)
def test_json_refuses_what_the_json_module_refuses(bad, error) -> None:
    assert outcome(reference_json, bad) == outcome(dump_results, bad) == ("refused", error)


def test_without_the_c_accelerator_json_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    document = results_document(hostile_input())
    json_private._flat.cache_clear()
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    try:
        assert_same_json(document)
    finally:
        json_private._flat.cache_clear()
