"""Issue 17's "done when", through the CLI with LibreOffice-saved files: an agency's self-grade is rejected; a
committee sheet is made, filled by five members (one row stale), merged; the goal's points are the trimmed mean to
the cent; provisional flags and excellence follow (a provisional agency is never excellent); finalize, then a late
file is rejected and a later committee merge needs --reopen."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import factory
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.committee_layout import FIRST_ROW, GRADE_COLUMNS

MEMBERS = ("위원A", "위원B", "위원C", "위원D", "위원E")
POINTS = {"탁월": 100, "우수": 90, "양호": 80, "보통": 70, "미흡": 60, "아주미흡": 50}
GJ02 = {"agency_code": "GJ02", "agency_name": "광주도시철도공사", "group": "공사·공단", "email": "gj02@example.go.kr"}
GJ02_GOALS = factory.goals(g3={"actual": 110}, g4={"actual": 160}, g6={"highlights": "2호선 1단계 공정률 40%"})
GJ02_CHANGED = factory.goals(g3={"actual": 110}, g4={"actual": 160}, g6={"highlights": "2호선 1단계 공정률 45%"})


def lo_save(soffice: str, source: Path, outdir: Path) -> Path:
    """The file as LibreOffice saves it (opened and saved again as xlsx by a real client)."""
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx", "--outdir",
         str(outdir), str(source)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)},
    )  # fmt: skip
    return outdir / source.name


def home_with_committee(tmp: Path) -> Path:
    home = tmp / "home"
    home.mkdir()
    members = "".join(f'\n[[committee.members]]\nname = "{m}"\n' for m in MEMBERS)
    text = factory.CONFIG_TOML + "\n[batch]\nmin_file_age_seconds = 0\n" + members
    (home / "pipeline.toml").write_text(text, encoding="utf-8")
    return home


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def drop(home: Path, path: Path, name: str) -> None:
    target = home / "inbox" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    old = time.time() - 120
    os.utime(target, (old, old))


def results(home: Path) -> dict[str, Any]:
    (path,) = sorted((home / "outbox").glob("*/results.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def agency(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(a for a in doc["agencies"] if a["code"] == code)


def ledger(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "state" / "ledger.sqlite3")


def fill(sheet: Path, out: Path, grades: dict[tuple[str, str], list[str]], adjustments: list[tuple]) -> Path:
    wb = load_workbook(sheet)
    ws, adj = wb.worksheets[0], wb.worksheets[1]
    for row in range(FIRST_ROW, ws.max_row + 1):
        key = (ws.cell(row, 1).value, str(ws.cell(row, 3).value))
        for i, grade in enumerate(grades.get(key, [])):
            ws.cell(row, len(GRADE_COLUMNS) + 1 + i, grade)
    for r, values in enumerate(adjustments, start=FIRST_ROW):
        for c, value in enumerate(values, start=1):
            adj.cell(r, c, value)
    wb.save(out)
    return out


def trimmed_mean(grades: list[str]) -> Decimal:
    """SCORING.md, by hand: drop one highest and one lowest, mean of the rest, half-up to 2 decimals."""
    points = sorted(Decimal(POINTS[g]) for g in grades)[1:-1]
    return (sum(points, Decimal(0)) / len(points)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.mark.real_client
def test_the_committee_year_through_the_cli(tmp_path: Path, soffice: str) -> None:
    home = home_with_committee(tmp_path)
    lo = tmp_path / "lo"

    # 1. an agency that grades its own qualitative goal is rejected, the cell named
    def self_grade(wb: Any) -> None:
        ws = factory.goal_sheet(wb)
        ws["S4"], ws["S10"] = "평가등급", "탁월"

    graded = lo_save(soffice, factory.write(tmp_path / "self.xlsx", edit=self_grade), lo)
    drop(home, graded, "self.xlsx")
    assert cli("run", "--home", str(home)).exit_code == 0
    with ledger(home) as db:
        outcome, findings = db.execute(
            "SELECT outcome, findings FROM files WHERE original_name = 'self.xlsx'"
        ).fetchone()
    found = [(f["code"], f"{f['sheet']}!{f['cell']}") for f in json.loads(findings)]
    assert outcome == "rejected" and ("grade.self_assigned", "성과목표!S10") in found

    # 2. both agencies submit (LibreOffice-saved); their qualitative goals wait for the committee
    drop(home, lo_save(soffice, factory.write(tmp_path / "gj01.xlsx"), lo), "gj01.xlsx")
    gj02 = factory.write(tmp_path / "gj02.xlsx", info={**factory.INFO, **GJ02}, goal_rows=GJ02_GOALS)
    drop(home, lo_save(soffice, gj02, lo), "gj02.xlsx")
    assert cli("run", "--home", str(home)).exit_code == 0
    doc = results(home)
    assert agency(doc, "GJ01")["provisional"] and agency(doc, "GJ02")["provisional"]

    # 3. the committee sheet; then GJ02 changes its qualitative goal, so that row of the sheet goes stale
    sheet = tmp_path / "sheet.xlsx"
    made = cli("committee", "sheet", "--home", str(home), "--out", str(sheet))
    assert made.exit_code == 0, made.output
    assert [c.value for c in load_workbook(sheet).worksheets[0][4]][len(GRADE_COLUMNS) :][:5] == list(MEMBERS)
    changed = factory.write(tmp_path / "gj02b.xlsx", info={**factory.INFO, **GJ02}, goal_rows=GJ02_CHANGED)
    drop(home, lo_save(soffice, changed, lo), "gj02b.xlsx")
    assert cli("run", "--home", str(home)).exit_code == 0

    # 4. five members grade, the committee adds a bonus; LibreOffice saves it; merged
    gj01_grades = ["탁월", "우수", "우수", "양호", "보통"]
    filled = fill(
        sheet,
        tmp_path / "filled.xlsx",
        {("GJ01", "6"): gj01_grades, ("GJ02", "6"): ["탁월"] * 5},
        [("GJ01", 1, "지역 상생 금융 우수 사례", "시장 표창")],
    )
    merged = cli("committee", "merge", str(lo_save(soffice, filled, lo / "c")), "--home", str(home))
    assert merged.exit_code == 0, merged.output
    with ledger(home) as db:
        row = db.execute("SELECT findings, dest FROM files WHERE original_name = 'filled.xlsx'").fetchone()
        grades = db.execute("SELECT COUNT(*) FROM committee_grades WHERE agency = 'GJ01'").fetchone()[0]
    assert "committee.stale_goal" in {f["code"] for f in json.loads(row[0])}
    assert Path(row[1]).parent.name == "committee" and grades == 5

    # 5. the trimmed mean to the cent; provisional and excellence follow
    doc = results(home)
    gj01, gj02 = agency(doc, "GJ01"), agency(doc, "GJ02")
    qualitative = next(g for g in gj01["goals"] if g["method"] == "qualitative")
    assert Decimal(str(qualitative["points"])) == trimmed_mean(gj01_grades) == Decimal("86.67")
    assert Decimal(str(qualitative["score"])) == (Decimal(15) * Decimal("86.67") / 100).quantize(Decimal("0.01"))
    assert "100, 90, 90, 80, 70" in qualitative["explanation"]
    assert not gj01["provisional"] and gj01["grade"] in ("S", "A") and gj01["excellent"]
    assert {"points": 1, "reason": "지역 상생 금융 우수 사례", "source": "committee"} in gj01["adjustments"]
    scores = sum(Decimal(str(g["score"])) for g in gj01["goals"])
    assert Decimal(str(gj01["total"])) == scores + 1
    assert gj02["provisional"] and gj02["grade"] in ("S", "A") and not gj02["excellent"]  # stale: still pending
    assert doc["final"] is False

    # 6. finalize refuses while GJ02 is provisional (65, says why and how); --force confirms. Then a late
    # submission is rejected, and a committee merge needs --reopen
    refused = cli("finalize", "--home", str(home), "--date", "2025-12-20")
    assert refused.exit_code == 65 and "GJ02" in refused.output and "--force" in refused.output
    assert results(home)["final"] is False
    done = cli("finalize", "--home", str(home), "--date", "2025-12-20", "--force")
    assert done.exit_code == 0, done.output
    doc = results(home)
    assert doc["final"] is True and doc["final_date"] == "2025-12-20"
    drop(home, lo_save(soffice, factory.write(tmp_path / "late.xlsx", goal_rows=factory.goals(g1={"actual": 3000})), lo), "late.xlsx")  # fmt: skip
    assert cli("run", "--home", str(home)).exit_code == 0
    with ledger(home) as db:
        outcome, findings = db.execute(
            "SELECT outcome, findings FROM files WHERE original_name = 'late.xlsx'"
        ).fetchone()
    assert outcome == "rejected" and "evaluation.closed" in {f["code"] for f in json.loads(findings)}
    assert agency(results(home), "GJ01")["total"] == gj01["total"]

    again = fill(sheet, tmp_path / "again.xlsx", {("GJ01", "6"): ["탁월"] * 5}, [])
    assert cli("committee", "merge", str(again), "--home", str(home)).exit_code == 65
    reopened = cli("committee", "merge", str(again), "--home", str(home), "--reopen")
    assert reopened.exit_code == 0, reopened.output
    doc = results(home)
    assert doc["final"] is False and agency(doc, "GJ01")["total"] > gj01["total"]
    with ledger(home) as db:
        changes = db.execute("SELECT old_total, new_total, why FROM changes WHERE agency = 'GJ01'").fetchall()
    assert (str(Decimal(str(gj01["total"])).quantize(Decimal("0.01"))), f"{agency(doc, 'GJ01')['total']:.2f}") in [
        (old, new) for old, new, _ in changes
    ]
