"""The naive pipeline, as most teams would first write it: per file `pandas.read_excel` and one pandera call.

It is the yardstick of issue 8, not a product: it reads the goal sheet of every workbook with pandas (openpyxl
engine), validates it with one pandera schema call per file, scores ratio goals with a vectorised rate, and
writes one consolidated workbook with pandas. Usage: `python bench/naive.py FILE… --out DIR` (prints JSON
figures on stdout).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

HEADER_ROW = 4  # the template's heading row (1-based)


def goal_schema() -> Any:
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "목표번호": pa.Column(str, nullable=False, coerce=True),
            "평가방법": pa.Column(
                str, pa.Check.isin(["목표대비", "목표부여", "목표부여(편차)", "달성여부", "정성평가"])
            ),
            "가중치": pa.Column(float, pa.Check.in_range(0, 100), coerce=True),
            "목표치": pa.Column(float, nullable=True, coerce=True),
            "실적치": pa.Column(object, nullable=True),
        },
        checks=pa.Check(lambda df: abs(df["가중치"].sum() - 100) < 1e-9, name="weights_sum"),
        strict=False,
    )


def run(files: list[Path], out: Path) -> dict[str, Any]:
    """Read, validate, score, write: per-stage wall seconds and counts."""
    started = time.perf_counter()
    import pandas as pd
    import pandera.pandas as pa

    schema = goal_schema()
    imports = time.perf_counter() - started
    read = validate = 0.0
    frames = []
    invalid = 0
    for path in files:
        t0 = time.perf_counter()
        df = pd.read_excel(path, sheet_name="성과목표", header=HEADER_ROW - 1, engine="openpyxl")
        df = df.dropna(how="all")
        t1 = time.perf_counter()
        try:
            schema.validate(df, lazy=True)
            ok = True
        except (pa.errors.SchemaErrors, pa.errors.SchemaError):
            ok = False
        t2 = time.perf_counter()
        read += t1 - t0
        validate += t2 - t1
        if ok:
            df["file"] = path.name
            frames.append(df)
        else:
            invalid += 1
    t0 = time.perf_counter()
    goals = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not goals.empty:
        actual = pd.to_numeric(goals["실적치"], errors="coerce")
        target = pd.to_numeric(goals["목표치"], errors="coerce")
        goals["달성률"] = (actual / target).where(goals["평가방법"] == "목표대비")
        goals["점수"] = (goals["달성률"].clip(upper=1.2) * 100).fillna(0)
        totals = goals.groupby("file").apply(lambda g: (g["점수"] * g["가중치"]).sum() / 100, include_groups=False)
    else:
        totals = pd.Series(dtype=float)
    score = time.perf_counter() - t0
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out / "naive_report.xlsx", engine="xlsxwriter") as writer:
        totals.rename("total").to_frame().to_excel(writer, sheet_name="totals")
        goals.to_excel(writer, sheet_name="goals", index=False)
    (out / "naive_results.json").write_text(json.dumps({k: float(v) for k, v in totals.items()}), encoding="utf-8")
    write = time.perf_counter() - t0
    return {
        "files": len(files),
        "invalid": invalid,
        "imports": imports,
        "read": read,
        "validate": validate,
        "score": score,
        "write": write,
        "total": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--list", type=Path, help="a file listing the workbooks, one path per line")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    files = list(args.files)
    if args.list:
        files += [Path(line) for line in args.list.read_text(encoding="utf-8").splitlines() if line]
    print(json.dumps(run(files, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
