#!/usr/bin/env python3
"""Render page 1 of the meeting summary to docs/summary.png from a synthetic city of 24 Korean agencies.

    .venv/bin/python docs/render_summary.py            # -> docs/summary.png
    .venv/bin/python docs/render_summary.py --keep out # also keep the workbook, results.json and PDF in out/

Why a synthetic input: the README shows what the meeting gets before anyone has a demo home. The numbers are made
up but consistent (scores add up, ties share a rank); the lead re-renders from the real demo when it exists.
Needs LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.model import (  # noqa: E402
    STATUS_ACCEPTED,
    STATUS_MISSING,
    STATUS_REJECTED,
    AgencyResult,
    CityResult,
    Goal,
    GoalResult,
    ReportInput,
    SubmissionRecord,
)
from pipeline.report import write_outputs  # noqa: E402

CORP, FUND = "공사·공단", "출자·출연기관"
AGENCIES = [
    ("A01", "광주도시철도공사", CORP, "교통정책과"),
    ("A02", "광주도시공사", CORP, "도시공간국"),
    ("A03", "광주환경공단", CORP, "기후환경국"),
    ("A04", "김대중컨벤션센터", CORP, "관광진흥과"),
    ("B01", "광주그린카진흥원", FUND, "미래차산업과"),
    ("B02", "광주신용보증재단", FUND, "경제정책과"),
    ("B03", "국제기후환경센터", FUND, "기후환경국"),
    ("B04", "광주문화재단", FUND, "문화정책과"),
    ("B05", "광주테크노파크", FUND, "산업정책과"),
    ("B06", "광주정보문화산업진흥원", FUND, "인공지능산업과"),
    ("B07", "광주여성가족재단", FUND, "여성가족과"),
    ("B08", "광주디자인진흥원", FUND, "산업정책과"),
    ("B09", "광주과학기술진흥원", FUND, "과학기술과"),
    ("B10", "광주관광재단", FUND, "관광진흥과"),
    ("B11", "광주평생교육진흥원", FUND, "교육협력과"),
    ("B12", "광주비엔날레", FUND, "문화정책과"),
    ("B13", "광주경제고용진흥원", FUND, "일자리정책과"),
    ("B14", "광주사회서비스원", FUND, "복지정책과"),
    ("B15", "광주연구원", FUND, "기획조정실"),
    ("B16", "광주복지연구원", FUND, "복지정책과"),
    ("B17", "광주에너지산업진흥원", FUND, "에너지산업과"),
    ("B18", "광주교통문화연수원", FUND, "교통정책과"),
    ("B19", "광주청소년활동진흥센터", FUND, "청소년과"),
    ("B20", "광주인재육성재단", FUND, "교육협력과"),
]
MISSING, REJECTED = {"B19", "B20"}, {"B18"}
PENDING = {"B12", "B15"}
GRADES = (("S", 90), ("A", 80), ("B", 70), ("C", 60), ("D", 0))
GOALS = [
    ("시민 안전 확보", "안전사고 예방", "안전사고 건수", "건"),
    ("고객 만족 향상", "고객만족도 제고", "고객만족도 점수", "점"),
    ("지역경제 활성화", "지원 실적 확대", "지원 금액", "억원"),
    ("탄소중립 실천", "온실가스 감축 컨설팅", "컨설팅 가구 수", "가구"),
    ("경영 혁신", "디지털 전환", "전자결재 처리율", "%"),
]


def q2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def agency_goals(rng: random.Random, code: str) -> tuple[GoalResult, ...]:
    weights = [Decimal(w) for w in (30, 25, 20, 15, 10)]
    out = []
    for i, ((strategy, goal, indicator, unit), weight) in enumerate(zip(GOALS, weights, strict=True), start=1):
        if code in PENDING and i == 5:
            g = Goal(f"{i}", goal, indicator, "qualitative", weight, strategy=strategy, unit=unit)
            out.append(GoalResult(g, None, None, None, None, None, None, "정성평가 대기 → 총점 잠정"))
            continue
        target = Decimal(rng.choice([120, 350, 2300, 3500, 95]))
        actual = (target * Decimal(str(rng.uniform(0.55, 1.12)))).quantize(Decimal(1))
        rate = actual / target
        points = q2(100 * min(max(rate, Decimal(0)), Decimal(1)))
        score = q2(weight * points / 100)
        g = Goal(
            f"{i}",
            goal,
            indicator,
            "ratio",
            weight,
            direction="higher",
            strategy=strategy,
            unit=unit,
            target=target,
            actual=actual,
            evidence=f"{indicator} 집계표.pdf",
        )
        text = f"실적 {actual:,} ÷ 목표 {target:,} = {rate:.1%} → 평점 {points} × 가중치 {weight} ÷ 100 = 득점 {score}"
        out.append(GoalResult(g, points, score, rate, None, None, None, text))
    return tuple(out)


def rank(values: list[tuple[str, Decimal]]) -> dict[str, int]:
    """1, 2, 2, 4: ties share a rank and the next is skipped."""
    ordered = sorted(values, key=lambda kv: -kv[1])
    return {code: 1 + sum(1 for _, other in ordered if other > total) for code, total in ordered}


def synthetic_input(now: datetime) -> ReportInput:
    rng = random.Random(2019)
    partial = {}
    for code, *_ in AGENCIES:
        if code in MISSING | REJECTED:
            continue
        goals = agency_goals(rng, code)
        score_sum = sum((r.score for r in goals if r.score is not None), Decimal(0))
        partial[code] = (goals, q2(score_sum))
    totals = [(code, total) for code, (_, total) in partial.items()]
    overall = rank(totals)
    groups = {code: group for code, _, group, _ in AGENCIES}
    in_group = {}
    for group in (CORP, FUND):
        in_group.update(rank([(c, t) for c, t in totals if groups[c] == group]))
    agencies, current, history = [], {}, []
    for n, (code, name, group, dept) in enumerate(AGENCIES):
        received = now - timedelta(days=3, hours=n)
        if code in MISSING:
            agencies.append(AgencyResult(code, name, group, dept, STATUS_MISSING))
            continue
        if code in REJECTED:
            agencies.append(AgencyResult(code, name, group, dept, STATUS_REJECTED))
            history.append(SubmissionRecord(received, f"{name}_성과실적.xlsx", f"{n:02d}" * 32, code, "rejected", 2, 1))
            continue
        goals, total = partial[code]
        grade = next(g for g, floor in GRADES if total >= floor)
        provisional = code in PENDING
        record = SubmissionRecord(received, f"{name}_성과실적.xlsx", f"{n:02d}" * 32, code, "accepted", 0, 1)
        current[code] = record
        history.append(record)
        agencies.append(
            AgencyResult(
                code,
                name,
                group,
                dept,
                STATUS_ACCEPTED,
                goals,
                total,
                (),
                total,
                grade,
                overall[code],
                in_group[code],
                grade in ("S", "A") and not provisional,
                provisional,
            )
        )
    agencies.sort(key=lambda a: (a.rank is None, a.rank or 0, a.code))
    return ReportInput(
        city=CityResult(2026, tuple(agencies)),
        title="2026년 공공기관 성과창출 평가 결과",
        generated_at=now,
        lang="ko",
        current=current,
        history=tuple(history),
    )


def convert(soffice: str, source: Path, out_dir: Path, profile: Path) -> Path:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return out_dir / (source.stem + ".pdf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "summary.png")
    parser.add_argument("--keep", type=Path, help="folder to keep the workbook, results.json and PDF in")
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    args = parser.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        print("needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 69
    data = synthetic_input(datetime(2026, 11, 29, 21, 0))
    if args.lang == "en":
        from dataclasses import replace

        data = replace(data, lang="en", title="2026 public agency performance evaluation results")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        paths = write_outputs(data, work)
        pdf = convert(soffice, paths.workbook, work, Path(tmp) / "lo-profile")
        stem = args.out.with_suffix("")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
            timeout=60,
        )
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
