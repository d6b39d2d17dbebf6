"""Micro-benchmark of the report's "write" stage alone: the consolidated workbook and results.json (issue 8).

    .venv/bin/python bench/run.py --files 1000 --scales "" --no-naive   # leaves /tmp/pipeline-bench/home-1000
    .venv/bin/python bench/write_micro.py --home /tmp/pipeline-bench/home-1000 --repeat 5

Builds the report input from the home's ledger once (as `pipeline report` does), then times, alternating in the
same process, the old way and the new way of writing it, and prints the best of `--repeat` per 1,000 agencies:

- old: the table sheets through xlsxwriter's public API with automatic garbage collection on
  (`render_workbook.__wrapped__(..., fast_rows=False)`: the code and bytes of before `FastRows`), results.json
  through `json.dump(..., indent=2)` (the pure-Python encoder);
- new: `render_workbook` as the batch runs it, `write_results`.

Both ways' workbooks (every part of the zip) and results.json are compared byte for byte on every pass. The
figures are CPU-bound and the machine may be shared: read the best of several passes, not one. fsync and the
rename of `write_outputs` are left out (they depend on the disk, not on this code).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.core.model import ReportInput  # noqa: E402
from pipeline.night.outputs import read_report_input  # noqa: E402
from pipeline.report.content import workbook_content  # noqa: E402
from pipeline.report.results_json import results_document, write_results  # noqa: E402
from pipeline.report.widths import column_widths  # noqa: E402
from pipeline.report.xlsx_writer import render_workbook  # noqa: E402
from pipeline.settings.load import load_config  # noqa: E402
from pipeline.system import clock  # noqa: E402


def report_input(home: Path) -> ReportInput:
    config = load_config(home)
    return read_report_input(config, clock.now().date())


old_workbook = render_workbook.__wrapped__  # without `_no_automatic_gc`


def reference_results(document: dict[str, Any], path: Path) -> None:
    """results.json as it was written before: the json module's pure-Python encoder (because of indent)."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False, indent=2, allow_nan=False)
        fh.write("\n")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, default=Path("/tmp/pipeline-bench/home-1000"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    data = report_input(args.home)
    agencies = len(data.city.agencies)
    per_1000 = 1000 / agencies
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, float("inf")), seconds)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        content = workbook_content(data)
        document = results_document(data)
        goals = sum(len(t.rows) for t in content.tables if t.sheet in ("목표별", "Goals"))
        for _ in range(args.repeat):
            keep("content", timed(lambda: workbook_content(data)))
            keep("document", timed(lambda: results_document(data)))
            keep("widths", timed(lambda: [column_widths(t) for t in content.tables]))
            keep("old workbook", timed(lambda: old_workbook(content, out / "old.xlsx", fast_rows=False)))
            keep("new workbook", timed(lambda: render_workbook(content, out / "new.xlsx")))
            keep("old json", timed(lambda: reference_results(document, out / "old.json")))
            keep("new json", timed(lambda: write_results(document, out / "new.json")))
            old, new = parts(out / "old.xlsx"), parts(out / "new.xlsx")
            assert old == new, [name for name in old if old[name] != new.get(name)]
            assert (out / "old.json").read_bytes() == (out / "new.json").read_bytes(), "results.json differs"

    common = best["content"] + best["document"]
    best["old write"] = common + best["old workbook"] + best["old json"]
    best["new write"] = common + best["new workbook"] + best["new json"]
    print(f"{agencies} agencies, {goals} goals; best of {args.repeat}, seconds per 1,000 agencies")
    for name, seconds in best.items():
        print(f"  {name:13s} {seconds * per_1000:6.3f}")
    print("  (write = content + document + workbook + json; widths is inside both workbooks)")
    print("  outputs byte-identical: workbook parts and results.json, every pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
