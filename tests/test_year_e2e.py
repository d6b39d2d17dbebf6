"""One year end to end through the CLI (issue 16, "Done when"), every workbook saved by LibreOffice as an officer's
program would: plans → confirm → a change request → confirm → the plan book → the mid-year check → results, one
with a target changed since the plan (rejected, `plan.changed`) and one matching its confirmed plan (accepted).
Checked: the ledger, `status --json`, the three workbooks (plan book, 중간점검, consolidated) and results.json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.layout import GOAL_LETTERS, PHASE_FIELDS
from pipeline.night.ledger import Ledger
from pipeline.settings.home import init_home
from pipeline.settings.load import load_config
from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.system.atomic import save_workbook
from pipeline.system.clock import ENV_NOW
from pipeline.template.workbook import build_template

PLAN_ROWS: list[dict[str, Any]] = [
    {"number": "1", "strategy": "금융 지원", "goal": "신용보증 공급 확대", "indicator": "보증 공급액",
     "method": "ratio", "direction": "higher", "unit": "억원", "major": "Y", "weight": 60, "target": 3500},
    {"number": "2", "strategy": "경영 혁신", "goal": "국제 인증 획득", "indicator": "ISO 10002 인증",
     "method": "milestone", "weight": 40},
]  # fmt: skip
RESULTS = {"1": {"actual": 3902, "evidence": "보증공급 실적 보고서"}, "2": {"actual": "달성", "evidence": "인증서"}}
MIDYEAR = {"1": {"progress": "지연", "reason": "상반기 보증 수요 감소, 하반기 특례보증 확대", "midyear_actual": 1450},
           "2": {"progress": "정상"}}  # fmt: skip


def rows(target: int = 3500, extra: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    out = [dict(r) for r in PLAN_ROWS]
    out[0]["target"] = target
    for r in out:
        r.update((extra or {}).get(r["number"], {}))
    return out


def lo_saved(soffice: str, sources: Sequence[Path], inbox: Path) -> list[Path]:
    """Open and save each workbook with LibreOffice (one headless process), the copies into the inbox."""
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
             "--outdir", str(inbox), *map(str, sources)],
            check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(profile)},
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    saved = [inbox / s.name for s in sources]
    assert all(p.is_file() for p in saved), sorted(inbox.iterdir())
    return saved


class Year:
    """The office's home through the year: workbooks made from the template, saved by LibreOffice, the CLI."""

    def __init__(self, tmp: Path, soffice: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.home = tmp / "home"
        text = render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-31", min_file_age_seconds=0)
        init_home(self.home, text=text)
        self.config = load_config(self.home)
        self.made = tmp / "made"
        self.made.mkdir()
        self.soffice, self.monkeypatch = soffice, monkeypatch

    def day(self, when: str) -> None:
        self.now = datetime.fromisoformat(f"{when}T09:00:00+09:00")
        self.monkeypatch.setenv(ENV_NOW, self.now.isoformat())

    def send(self, *files: tuple[str, str, str, list[dict[str, Any]]]) -> None:
        sources = []
        for name, agency, kind, goals in files:
            wb = build_template(
                lang="ko",
                year=2026,
                agency=self.config.agency(agency),
                goals=goals,
                info={"contact": "홍길동", "phone": "062-000-0000"},
                kind=kind,
                open_fields=None if kind == "plan" else PHASE_FIELDS[kind],
            )
            sources.append(save_workbook(wb, self.made / name))
        for path in lo_saved(self.soffice, sources, self.home / "inbox"):
            sent = self.now.timestamp() - 3600  # an hour before the night's run
            os.utime(path, (sent, sent))

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(app, [*args, "--home", str(self.home)])
        assert result.exit_code == 0, result.output
        return result.output

    def outbox(self, day: str) -> Path:
        return self.home / "outbox" / day


@pytest.mark.real_client
def test_one_year_end_to_end(tmp_path: Path, soffice: str, monkeypatch: pytest.MonkeyPatch) -> None:
    y = Year(tmp_path, soffice, monkeypatch)
    # --- the start of the year: both plans, confirmed -----------------------------------------------------------
    y.day("2026-02-10")
    y.send(("gmrt_plan.xlsx", "GMRT", "plan", rows()), ("ggca_plan.xlsx", "GGCA", "plan", rows()))
    y.cli("run")
    y.cli("plan", "confirm", "--all", "--note", "연초 보고회")
    # --- GMRT asks for a higher target: stored, not applied until confirmed --------------------------------------
    y.day("2026-02-20")
    y.send(("gmrt_plan_v2.xlsx", "GMRT", "plan", rows(target=3800)))
    y.cli("run")
    phases = {a["code"]: a for a in json.loads(y.cli("status", "--json"))["agencies"]}
    assert (phases["GMRT"]["plan"]["status"], phases["GMRT"]["plan"]["version"]) == ("change_requested", 1)
    assert [(c["number"], c["field"], c["old"], c["new"]) for c in phases["GMRT"]["plan"]["changes"]] == [
        ("1", "target", "3500", "3800")
    ]
    assert phases["GGCA"]["plan"]["status"] == "confirmed"
    ledger = Ledger.open(y.config.paths.state)
    try:
        assert set(ledger.plan_requests()) == {"GMRT"}
        assert {c: p.version for c, p in ledger.confirmed_plans().items()} == {"GMRT": 1, "GGCA": 1}
    finally:
        ledger.close()
    y.cli("plan", "confirm", "GMRT", "--note", "목표 상향 승인")
    y.cli("plan", "book")
    (book,) = y.outbox("2026-02-20").glob("*성과창출계획*.xlsx")
    wb = load_workbook(book)
    assert wb.sheetnames == ["요약", "기관별", "성과목표", "주요사업", "계획변경"]
    goals = [(r[0], r[2], r[12]) for r in wb["성과목표"].iter_rows(min_row=2, values_only=True)]
    assert goals == [("GMRT", "1", 3800), ("GMRT", "2", None), ("GGCA", "1", 3500), ("GGCA", "2", None)]
    changes = [r for r in wb["계획변경"].iter_rows(min_row=2, values_only=True)]
    assert changes == [("GMRT", "광주도시철도공사", "확정", "1 → 2", "1", "변경", "목표치", "3500", "3800")]
    # --- the mid-year check: GMRT reports, GGCA does not -----------------------------------------------------------
    y.day("2026-07-10")
    y.send(("gmrt_midyear.xlsx", "GMRT", "midyear", rows(target=3800, extra=MIDYEAR)))
    y.cli("run")
    (midyear,) = y.outbox("2026-07-10").glob("*중간점검*.xlsx")
    wb = load_workbook(midyear)
    counts = [r for r in wb["중간점검"].iter_rows(values_only=True) if r[0] == "광주도시철도공사"]
    assert counts[0][3:8] == (2, 1, 1, 0, 0)  # goals, 정상, 지연, 부진, 완료
    behind = list(wb["지연·부진 목표"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[7], r[8], r[9]) for r in behind] == [
        ("GMRT", "1", 1450, "지연", "상반기 보증 수요 감소, 하반기 특례보증 확대")
    ]
    assert [r[:2] for r in wb["미보고 기관"].iter_rows(min_row=2, values_only=True)] == [("GGCA", "광주그린카진흥원")]
    # --- the year end: GMRT matches its confirmed plan (v2); GGCA lowered its target ------------------------------
    y.day("2026-12-01")
    y.send(
        ("gmrt_results.xlsx", "GMRT", "results", rows(target=3800, extra=RESULTS)),
        ("ggca_results.xlsx", "GGCA", "results", rows(target=3000, extra=RESULTS)),
    )
    y.cli("run")
    ledger = Ledger.open(y.config.paths.state)
    try:
        files = {r.original_name: r for r in ledger.received()}
        assert files["gmrt_results.xlsx"].outcome == "accepted" and files["gmrt_results.xlsx"].plan_version == 2
        rejected = files["ggca_results.xlsx"]
        assert rejected.outcome == "rejected"
        changed = [f for f in rejected.findings if f.code == "plan.changed"]
        assert [f.ref for f in changed] == [f"성과목표!{GOAL_LETTERS['target']}5"]
        assert "3500" in changed[0].message("ko") and "3000" in changed[0].message("ko")
        assert {r.original_name: r.submission_kind for r in files.values()}["gmrt_midyear.xlsx"] == "midyear"
    finally:
        ledger.close()
    phases = {a["code"]: a for a in json.loads(y.cli("status", "--json"))["agencies"]}
    assert phases["GMRT"]["plan"] == {**phases["GMRT"]["plan"], "status": "confirmed", "version": 2, "changes": []}
    assert phases["GMRT"]["midyear"]["status"] == "submitted" and phases["GGCA"]["midyear"]["status"] == "missing"
    assert (phases["GMRT"]["results"]["status"], phases["GMRT"]["results"]["plan_version"]) == ("accepted", 2)
    assert phases["GGCA"]["results"]["status"] == "rejected"
    results = json.loads((y.outbox("2026-12-01") / "results.json").read_text(encoding="utf-8"))
    by_code = {a["code"]: a for a in results["agencies"]}
    assert by_code["GMRT"]["status"] == "accepted" and by_code["GGCA"]["status"] == "rejected"
    assert by_code["GMRT"]["goals"][0]["target"] == 3800
    assert by_code["GMRT"]["midyear"]["counts"] == {"normal": 1, "delayed": 1, "lagging": 0, "done": 0}
    assert by_code["GMRT"]["midyear"]["goals"][0]["reason"] == "상반기 보증 수요 감소, 하반기 특례보증 확대"
    assert by_code["GGCA"]["midyear"] is None
    (consolidated,) = y.outbox("2026-12-01").glob("*_결과_2026-12-01.xlsx")
    wb = load_workbook(consolidated)
    sheet = list(wb["기관별"].iter_rows(values_only=True))
    version = sheet[0].index("확정계획 차수")
    agencies = {r[sheet[0].index("기관명")]: r for r in sheet[1:]}
    assert agencies["광주도시철도공사"][version] == 2  # judged against the plan as changed and confirmed
    assert agencies["광주그린카진흥원"][version] is None  # rejected: nothing was judged
    findings = [r for r in wb["검토사항"].iter_rows(min_row=2, values_only=True) if "plan.changed" in r]
    assert len(findings) == 1 and "ggca_results.xlsx" in findings[0]
