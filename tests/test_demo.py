"""The demo city: its data looks like a real year, the generator is deterministic, the root config is current."""

from __future__ import annotations

import os
import statistics
import unicodedata
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from books import consolidated
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.layout import FIRST_DATA_ROW, GOAL_LETTERS
from pipeline.demo import city, committee
from pipeline.demo.build import DEMO_MARKER, build_demo, demo_config_text
from pipeline.settings.load import load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent
SEED = 2019


# --- the data ---------------------------------------------------------------------------------------------------
def test_24_agencies_with_stable_unique_codes_and_registered_addresses() -> None:
    codes = [a.code for a in city.AGENCIES]
    assert len(codes) == 24 == len(set(codes))
    assert len({a.name for a in city.AGENCIES}) == 24
    assert {"광주도시철도공사", "광주그린카진흥원", "광주신용보증재단", "국제기후환경센터"} <= {
        a.name for a in city.AGENCIES
    }
    assert Counter(a.group for a in city.AGENCIES) == {city.CORPORATION: 4, city.FUNDED: 20}
    for a in city.AGENCIES:
        assert a.email == f"eval@{a.code.lower()}.example.kr"
        assert a.supervising_dept
    assert set(city.GOALS) == set(codes) == set(city.CONTACTS) == set(city.EXPECTED)


def test_90_goals_3_to_5_per_agency_weights_adding_to_100() -> None:
    assert sum(len(goals) for goals in city.GOALS.values()) == 90
    for code, goals in city.GOALS.items():
        assert 3 <= len(goals) <= 5, code
        assert sum(g["weight"] for g in goals) == 100, code
        numbers = [g["number"] for g in goals]
        assert len(numbers) == len(set(numbers)), code


def test_every_method_and_the_cases_of_the_article_are_there() -> None:
    goals = [g for gs in city.GOALS.values() for g in gs]
    assert {g["method"] for g in goals} == {"ratio", "range", "deviation", "milestone", "qualitative"}
    railway = city.GOALS["GMRT"]
    zero = [g for g in railway if g["method"] == "ratio" and g["direction"] == "lower" and g["target"] == 0]
    assert len(zero) == 3  # 안전사고·사상사고·열차지연 0건
    assert any("ISO 10002" in g["indicator"] and g["method"] == "milestone" for g in railway)
    assert any(g["target"] == 3500 and g["actual"] == 3902 and g["unit"] == "억원" for g in city.GOALS["GCGF"])
    assert any(g["actual"] == 2300 and g["unit"] == "세대" for g in city.GOALS["ICEC"])
    assert any("2호선" in g["goal"] and g["method"] == "qualitative" for g in railway)
    ranges = [g for g in goals if g["method"] == "range"]
    assert any(g["top"] is not None for g in ranges) and any(g["baseline"] is not None for g in ranges)
    assert any(g["unit"] == "%" for g in goals)
    for g in goals:
        if g["method"] == "deviation":
            assert [y for y, _ in g["past"]] == list(city.PAST_YEARS)
            assert g["baseline"] is None
    pending = [g for g in goals if g["method"] == "qualitative" and g["grade"] is None]
    assert 1 <= len(pending) <= 2


def test_submissions_one_resubmission_three_mistakes_two_missing() -> None:
    sent = [f.agency for f in city.DEMO_SUBMISSIONS]
    codes = {a.code for a in city.AGENCIES}
    assert set(sent) <= codes
    assert len(set(sent)) == 22
    assert set(city.NOT_SUBMITTED) == codes - set(sent)
    twice = [code for code, n in Counter(sent).items() if n > 1]
    assert len(twice) == 1
    files = [f for f in city.DEMO_SUBMISSIONS if f.agency == twice[0]]
    assert [f.expected for f in files] == ["rejected", "accepted"]
    assert files[1].file_name.startswith("(수정)")
    assert sorted(f.mistake for f in city.DEMO_SUBMISSIONS if f.mistake) == sorted(
        [city.MISTAKE_WEIGHTS_95, city.MISTAKE_ACTUAL_UNDECIDED, city.MISTAKE_WRONG_YEAR]
    )
    assert all((f.mistake is None) == (f.expected == "accepted") for f in city.DEMO_SUBMISSIONS)
    assert len({f.file_name for f in city.DEMO_SUBMISSIONS}) == len(city.DEMO_SUBMISSIONS)


def test_expected_status_follows_the_submissions() -> None:
    last = {f.agency: f.expected for f in city.DEMO_SUBMISSIONS}
    for code, expected in city.EXPECTED.items():
        assert expected.status == last.get(code, "missing"), code


def test_adjustments_name_known_agencies_with_reasons() -> None:
    codes = {a.code for a in city.AGENCIES}
    assert len(city.ADJUSTMENTS) >= 2
    assert any(a.points < 0 for a in city.ADJUSTMENTS)
    for a in city.ADJUSTMENTS:
        assert a.agency in codes and a.points != 0 and a.reason


# --- the expected results, re-derived by a deliberately naive reading of docs/scoring.md -----------------------------
QUAL = {"탁월": 100, "우수": 90, "양호": 80, "보통": 70, "미흡": 60, "아주미흡": 50}


def _d(x: Any) -> Decimal:
    return Decimal(str(x))


def _r2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _clip(x: Decimal, lo: Any, hi: Any) -> Decimal:
    return min(max(x, _d(lo)), _d(hi))


def reference_points(g: dict[str, Any]) -> Decimal | None:
    if g["method"] == "qualitative":  # five members around the central grade; highest and lowest dropped
        if g["grade"] is None:
            return None
        points = sorted(_d(QUAL[x]) for x in committee.member_grades(g["grade"]))[1:-1]
        return sum(points, Decimal(0)) / len(points)
    if g["method"] == "milestone":
        return _d(100 if g["actual"] == "달성" else 0)
    a, higher, major = _d(g["actual"]), g["direction"] == "higher", g["major"] == "Y"
    if g["method"] == "ratio":
        t = _d(g["target"])
        rate = a / t if higher else (2 * t - a) / t if t > 0 else _d(1 if a == 0 else 0)
        return 100 * _clip(rate, 0, 1)
    if g["method"] == "range" and g["top"] is not None:
        h, lo = _d(g["top"]), _d(g["floor"])
    elif g["method"] == "range":
        b, m = _d(g["baseline"]), _d("0.2" if major else "0.1")
        h, lo = (b * (1 + m), b * (1 - m)) if higher else (b * (1 - m), b * (1 + m))
    else:
        past = [_d(v) for _, v in g["past"]]
        sigma = _d(statistics.stdev(past))
        b, k = past[-1], _d(2 if major else 1)
        h, lo = (b + k * sigma, b - k * sigma) if higher else (b - k * sigma, b + k * sigma)
    return _clip(20 + 80 * (a - lo) / (h - lo), 20, 100)


def reference_result(code: str) -> tuple[str, str, bool]:
    total, provisional = Decimal(0), False
    for g in city.GOALS[code]:
        points = reference_points(g)
        if points is None:
            provisional = True
        else:
            total += _r2(_d(g["weight"]) * _r2(points) / 100)
    total += sum((a.points for a in city.ADJUSTMENTS if a.agency == code), Decimal(0))
    total += sum((points for agency, points, _, _ in committee.ADJUSTMENTS if agency == code), Decimal(0))
    total = _r2(_clip(total, 0, 103))
    grade = next(name for name, floor in (("S", 90), ("A", 80), ("B", 70), ("C", 60), ("D", 0)) if total >= floor)
    return str(total), grade, provisional


@pytest.mark.parametrize("code", [c for c, e in city.EXPECTED.items() if e.status == "accepted"])
def test_expected_totals_follow_the_spec(code: str) -> None:
    expected = city.EXPECTED[code]
    assert reference_result(code) == (expected.total, expected.grade, expected.provisional)


def test_the_year_looks_real_11_excellent_and_a_spread_of_grades() -> None:
    accepted = [e for e in city.EXPECTED.values() if e.status == "accepted"]
    assert sum(e.excellent for e in city.EXPECTED.values()) == 11
    assert {e.grade for e in accepted} == {"S", "A", "B", "C", "D"}
    assert any(e.provisional and e.grade in ("S", "A") for e in accepted)  # shown, but never excellent
    for code in ("GMRT", "GGCA", "GCGF", "ICEC"):  # named in the article
        assert city.EXPECTED[code].excellent, code


# --- the configuration ------------------------------------------------------------------------------------------
def test_the_root_pipeline_toml_is_the_generated_demo_config() -> None:
    committed = (ROOT / "pipeline.toml").read_text(encoding="utf-8")
    assert committed == demo_config_text(), "regenerate it: .venv/bin/python -m pipeline.demo.build pipeline.toml"


def test_the_demo_config_loads_with_the_city() -> None:
    config = load_config(ROOT)
    assert config.agencies == city.AGENCIES
    assert config.evaluation.year == city.YEAR
    assert config.batch.min_file_age_seconds == 0
    assert config.scoring.adjustments == city.ADJUSTMENTS


def test_the_english_demo_config_loads_in_english(tmp_path: Path) -> None:
    config = parse_config(demo_config_text("en"), home=tmp_path)
    assert config.evaluation.lang == "en"
    assert config.evaluation.title == f"{city.YEAR} public agency performance evaluation"


# --- the generator ------------------------------------------------------------------------------------------------
def cells(path: Path) -> dict[str, list[tuple[str, Any, str]]]:
    """Every non-empty cell with its number format, per sheet (zip timestamps differ between saves)."""
    wb = load_workbook(path)
    return {
        ws.title: [
            (c.coordinate, c.value, c.number_format) for row in ws.iter_rows() for c in row if c.value is not None
        ]
        for ws in wb.worksheets
    }


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory):
    return build_demo(tmp_path_factory.mktemp("demo") / "home", seed=SEED)


@pytest.fixture(scope="module")
def demo_cells(demo_home) -> dict[str, dict[str, list[tuple[str, Any, str]]]]:
    return {p.name: cells(p) for p in demo_home.files}


def test_the_demo_home_holds_a_loadable_config_and_the_workbooks(demo_home) -> None:
    config = load_config(demo_home.home)
    assert len(config.agencies) == 24
    assert (demo_home.home / DEMO_MARKER).is_file()
    names = sorted(p.name for p in config.paths.inbox.glob("*.xlsx"))
    assert names == sorted(f.file_name for f in city.DEMO_SUBMISSIONS)
    for folder in ("outbox", "archive", "rejected", "state"):
        assert (demo_home.home / folder).is_dir()


def test_files_arrive_in_the_order_officers_sent_them(demo_home) -> None:
    times = [os.stat(p).st_mtime for p in demo_home.files]
    assert times == sorted(times) and len(set(times)) == len(times)


def test_same_seed_same_cell_contents(demo_home, demo_cells, tmp_path: Path) -> None:
    again = build_demo(tmp_path / "again", seed=SEED)
    assert [p.name for p in again.files] == [p.name for p in demo_home.files]
    for path in again.files:
        assert cells(path) == demo_cells[path.name], path.name


def test_another_seed_types_differently(demo_cells, tmp_path: Path) -> None:
    other = build_demo(tmp_path / "other", seed=SEED + 1)
    assert any(cells(p) != demo_cells[p.name] for p in other.files)


def goal_rows(sheet: list[tuple[str, Any, str]]) -> dict[int, dict[str, tuple[Any, str]]]:
    letters = {v: k for k, v in GOAL_LETTERS.items()}
    rows: dict[int, dict[str, tuple[Any, str]]] = {}
    for coord, value, fmt in sheet:
        letter, row = coord.rstrip("0123456789"), int(coord.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if row >= FIRST_DATA_ROW:
            rows.setdefault(row, {})[letters[letter]] = (value, fmt)
    return rows


def agency_of(name: str) -> str:
    return next(f.agency for f in city.DEMO_SUBMISSIONS if f.file_name == name)


def info(sheets: dict[str, list[tuple[str, Any, str]]]) -> dict[str, Any]:
    return {coord: value for coord, value, _ in sheets["기관정보"]}


def test_the_mistakes_are_in_the_files(demo_cells) -> None:
    for file in city.DEMO_SUBMISSIONS:
        sheets = demo_cells[file.file_name]
        rows = goal_rows(sheets["성과목표"]).values()
        weights = sum(r["weight"][0] for r in rows)
        assert weights == (95 if file.mistake == city.MISTAKE_WEIGHTS_95 else 100), file.file_name
        undecided = [r for r in rows if r.get("actual", (None,))[0] == "미정"]
        assert len(undecided) == (1 if file.mistake == city.MISTAKE_ACTUAL_UNDECIDED else 0), file.file_name
        year = city.YEAR - 1 if file.mistake == city.MISTAKE_WRONG_YEAR else city.YEAR
        assert info(sheets)["B8"] == year, file.file_name
        assert info(sheets)["B5"] == file.agency


def canonical(value: Any, fmt: str, unit: str) -> Decimal | str | None:
    """What a reader must make of a typed value: units, commas, full-width digits and percent cells undone."""
    if value is None:
        return None
    if isinstance(value, int | float):
        number = _d(value)
        return number * 100 if fmt.endswith("%") else number
    text = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    for suffix in ("%", unit):
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
    try:
        return Decimal(text)
    except ArithmeticError:
        return value


ACHIEVED_SPELLINGS = {"달성": {"달성", "예", "Y", "O"}, "미달성": {"미달성", "아니오", "N", "X"}}


def test_typed_values_mean_the_canonical_values(demo_cells) -> None:
    for file in city.DEMO_SUBMISSIONS:
        if file.mistake == city.MISTAKE_ACTUAL_UNDECIDED:
            continue
        rows = list(goal_rows(demo_cells[file.file_name]["성과목표"]).values())
        goals = city.GOALS[file.agency]
        assert len(rows) == len(goals)
        for row, goal in zip(rows, goals, strict=True):
            for key in ("baseline", "target", "top", "floor", "actual"):
                value, fmt = row.get(key, (None, "General"))
                if goal["method"] == "milestone" and key == "actual":
                    assert value in ACHIEVED_SPELLINGS[goal["actual"]]
                elif goal[key] is None:
                    assert value is None, (file.file_name, key)
                else:
                    assert canonical(value, fmt, goal["unit"]) == _d(goal[key]), (file.file_name, key, value)


def test_the_default_seed_shows_every_typing_style(demo_cells) -> None:
    typed = [
        (value, fmt)
        for sheets in demo_cells.values()
        for coord, value, fmt in sheets["성과목표"]
        if coord.rstrip("0123456789") in {GOAL_LETTERS[k] for k in ("baseline", "target", "top", "floor", "actual")}
    ]
    texts = [v for v, _ in typed if isinstance(v, str)]
    assert any("," in t and t.replace(",", "").isdigit() for t in texts)  # 1,234
    assert any(t.endswith("억원") for t in texts)  # 3,902억원
    assert any(any("０" <= ch <= "９" for ch in t) for t in texts)  # full-width digits
    assert any(t.endswith("%") for t in texts)  # 87%
    assert any(fmt.endswith("%") and isinstance(v, float) for v, fmt in typed)  # 0.87 formatted as a percentage
    assert any(t in ("예", "아니오", "O", "X", "Y", "N") for t in texts)  # a milestone typed as a yes/no


def test_rebuilding_replaces_a_demo_home_but_never_another_folder(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    one = city.DEMO_SUBMISSIONS[:1]
    build_demo(home, seed=SEED, submissions=one)
    (home / "inbox" / "leftover.xlsx").write_bytes(b"")
    build_demo(home, seed=SEED, submissions=one)
    assert not (home / "inbox" / "leftover.xlsx").exists()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        build_demo(precious, seed=SEED, submissions=one)
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_english_demo_uses_the_english_template(tmp_path: Path) -> None:
    plan = build_demo(tmp_path / "en", lang="en", seed=SEED, submissions=city.DEMO_SUBMISSIONS[:1])
    assert load_config(plan.home).lang == "en"
    wb = load_workbook(plan.files[0])
    assert wb.sheetnames == ["Guide", "Agency", "Goals", "Past results"]


def test_the_demo_command_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 73
    assert str(tmp_path) in result.stderr and "Traceback" not in result.output
    assert (tmp_path / "mine.txt").exists()


# --- last year (demo.previous_year): generated, evaluated and rolled over before this year's night --------------------
@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-run") / "home"
    result = CliRunner().invoke(app, ["demo", str(home)])
    assert result.exit_code == 0, result.output
    return home


def _results(path: Path) -> dict[str, dict[str, Any]]:
    import json

    return {a["code"]: a for a in json.loads(path.read_text(encoding="utf-8"))["agencies"]}


def test_the_demo_has_last_years_results_closed_by_a_rollover(demo_run: Path) -> None:
    from pipeline.demo.previous_year import NEW_THIS_YEAR, PREVIOUS_YEAR

    closed = demo_run / "years" / str(PREVIOUS_YEAR)
    last = _results(closed / "results.json")
    assert all(a["status"] == "accepted" for code, a in last.items() if code not in NEW_THIS_YEAR)
    assert all(not a["adjustments"] for a in last.values())  # this year's committee decisions are this year's
    for a in last.values():  # last year's numbers add up too
        if a["total"] is not None:
            assert round(a["total"] * 100) == sum(round(g["score"] * 100) for g in a["goals"] if not g["pending"])
    assert load_config(demo_run).evaluation.year == city.YEAR
    assert (demo_run / "pipeline.toml").read_text(encoding="utf-8") == demo_config_text()
    assert sorted(p.name for p in (demo_run / "templates" / str(city.YEAR)).glob("*.xlsx"))[:1] == [
        "GBNL_성과창출계획_표준서식_계획.xlsx"  # next year starts with its plans
    ]


def test_this_years_demo_shows_last_year_beside_it(demo_run: Path) -> None:
    from pipeline.demo.previous_year import NEW_THIS_YEAR, PREVIOUS_YEAR

    last = _results(demo_run / "years" / str(PREVIOUS_YEAR) / "results.json")
    (now_path,) = (demo_run / "outbox").glob("*/results.json")
    now = _results(now_path)
    for code, a in now.items():
        expected = last[code]
        if code in NEW_THIS_YEAR:
            assert a["previous"] is None
            continue
        want = {"year": PREVIOUS_YEAR, "total": expected["total"], "grade": expected["grade"], "rank": expected["rank"]}
        assert a["previous"] == want, code
    workbook = consolidated(now_path.parent)
    ws = load_workbook(workbook)["요약"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "순위")
    col = header.index("순위 변화")
    shown = {r[1]: r[col] for r in rows[rows.index(header) + 1 :] if isinstance(r[0], int)}
    by_name = {a["name"]: a for a in now.values()}
    assert len(shown) == 20
    for name, change in shown.items():
        a = by_name[name]
        before = a["previous"]["rank"] if a["previous"] else None
        if before is None:
            assert change is None, name
        elif before == a["rank"]:
            assert change == "-", name
        else:
            assert change == ("▲" if a["rank"] < before else "▼") + str(abs(before - a["rank"])), name
    assert {c[0] for c in shown.values() if c} >= {"▲", "▼"}  # the demo shows both directions


def _facts(path: Path) -> dict[Any, Any]:
    """An agency's 기관별 결과표 as label → value: each fact's label is merged over two cells, its value next."""
    ws = load_workbook(path).worksheets[0]
    values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    return {label: values.get((r, c + 2)) for (r, c), label in values.items() if isinstance(label, str)}


def test_last_year_was_graded_completely_and_confirmed_before_it_was_closed(demo_run: Path) -> None:
    import json

    from pipeline.demo.previous_year import NEW_THIS_YEAR, PREVIOUS_YEAR

    document = json.loads((demo_run / "years" / str(PREVIOUS_YEAR) / "results.json").read_text(encoding="utf-8"))
    assert document["final"] is True and document["final_date"]
    last = {a["code"]: a for a in document["agencies"]}
    for code, a in last.items():
        if code in NEW_THIS_YEAR:
            assert a["total"] is None, code
            continue
        assert a["total"] is not None and a["grade"] and not a["provisional"], code
        assert not [g["number"] for g in a["goals"] if g["pending"]], code  # the committee graded every goal
    closed = demo_run / "years" / str(PREVIOUS_YEAR)
    assert list((closed / "archive").rglob(f"*_정성평가평정표_{PREVIOUS_YEAR}*.xlsx"))  # merged through the night


def test_this_years_sheets_show_last_years_final_totals_and_grades(demo_run: Path) -> None:
    import json

    from pipeline.core.i18n import tr
    from pipeline.demo.previous_year import NEW_THIS_YEAR, PREVIOUS_YEAR
    from pipeline.report.labels import SHEETS
    from pipeline.report.meeting_labels import M

    last_path = demo_run / "years" / str(PREVIOUS_YEAR) / "results.json"
    assert json.loads(last_path.read_text(encoding="utf-8"))["final"] is True  # compared with final results only
    last = _results(last_path)
    (now_path,) = (demo_run / "outbox").glob("*/results.json")
    ws = load_workbook(consolidated(now_path.parent))[tr(SHEETS["agencies"], "ko")]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    total_col, grade_col = header.index(tr(M["prev_total"], "ko")), header.index(tr(M["prev_grade"], "ko"))
    shown = {r[0]: (r[total_col], r[grade_col]) for r in rows[1:] if r[0] in last}
    assert set(shown) == set(city.EXPECTED)
    for code, (total, grade) in shown.items():
        if code in NEW_THIS_YEAR:
            assert (total, grade or None) == (None, None), code
        else:
            assert not last[code]["provisional"], code
            assert (total, grade) == (last[code]["total"], last[code]["grade"]), code
    pages = now_path.parent / tr(SHEETS["agencies"], "ko")  # each agency's own page says the same
    for code in {committee.PENDING[0], *(a for a, *_ in committee.ADJUSTMENTS)} - set(NEW_THIS_YEAR):
        (page,) = pages.glob(f"{code}_*.xlsx")
        facts = _facts(page)
        assert facts[tr(M["prev_total"], "ko")] == last[code]["total"], code
        assert facts[tr(M["prev_grade"], "ko")] == last[code]["grade"], code
