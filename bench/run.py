"""Issue 8's benchmark: the real nightly batch against the naive pipeline, on the same LibreOffice-saved corpus.

    .venv/bin/python bench/run.py --files 10000            # ours at 1k, 5k and 10k; naive on the 10k
    .venv/bin/python bench/run.py --files 1000 --scales 200 --naive-files 1000

What is measured for "ours" is `python -m pipeline run` on a fresh home whose inbox holds the corpus (hard links),
exactly what the city runs: intake with the ledger and the moves, the worker pool (read, validate, feedback
workbooks for the invalid files), scoring, the consolidated workbook, results.json and the mail queue. Per-stage
figures come from the run log's `timing` records; wall time and peak RSS from `wait4` on the child (the RSS is
that of the largest process of the run, the batch or one worker). A benchmark prints figures; nothing here is
asserted on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus as corpus_mod  # noqa: E402

from pipeline.settings.home import init_home  # noqa: E402


def measured(cmd: list[str], **kwargs: Any) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; (completed, wall seconds, peak RSS MB of its largest process, children included)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    # communicate() reaped the child; its rusage (with its own waited-for children) is in RUSAGE_CHILDREN.
    import resource

    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), wall, rss


def confirm_plans(plans: corpus_mod.Corpus, n: int, home: Path) -> None:
    """The year's start, not measured: the first n plans taken in by a night and confirmed (`plan confirm --all`),
    so that the measured night judges every results file against its agency's confirmed plan."""
    for path in plans.files[:n]:
        os.link(path, home / "inbox" / path.name)
    for command in (["run"], ["plan", "confirm", "--all"]):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", *command, "--home", str(home)], capture_output=True, text=True, cwd=ROOT
        )
        if done.returncode != 0:
            raise SystemExit(f"pipeline {' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def run_ours(
    corpus: corpus_mod.Corpus,
    n: int,
    work: Path,
    receipts: bool = True,
    agency_pages: str = "nightly",
    plans: corpus_mod.Corpus | None = None,
) -> dict[str, Any]:
    """`pipeline run` on a fresh home with the first n files of the corpus in its inbox (after a night that took
    in and confirmed the agencies' `plans`, when given)."""
    home = work / f"home-{n}"
    if home.exists():
        shutil.rmtree(home)
    init_home(home, text=corpus_mod.config_text(corpus.agencies[:n], receipts=receipts, agency_pages=agency_pages))
    if plans is not None:
        confirm_plans(plans, n, home)
    inbox = home / "inbox"
    for path in corpus.files[:n]:
        os.link(path, inbox / path.name)
    # a fresh interpreter per measurement, so RUSAGE_CHILDREN's maximum is this run's
    code = (
        "import json,subprocess,sys,time,resource\n"
        "t=time.perf_counter()\n"
        "p=subprocess.run([sys.executable,'-m','pipeline','run','--home',sys.argv[1],'--json'],"
        "capture_output=True,text=True)\n"
        "print(json.dumps({'rc':p.returncode,'wall':time.perf_counter()-t,"
        "'rss':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,'out':p.stdout,'err':p.stderr[-2000:]}))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(home)], capture_output=True, text=True, cwd=ROOT)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"pipeline run failed ({result['rc']}):\n{result['err']}")
    summary = json.loads(result["out"])
    timings: dict[str, dict[str, Any]] = {}
    log = Path(summary["log"])
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("event") == "timing":
            timings[record["stage"]] = record
    counts = summary["counts"]
    expected_invalid = sum(1 for p in corpus.files[:n] if p.name in corpus.invalid_files)
    rv = timings.get("read_validate", {})
    return {
        "files": n,
        "wall": result["wall"],
        "rss_mb": result["rss"],
        "accepted": counts["accepted"],
        "rejected": counts["rejected"],
        "expected_rejected": expected_invalid,
        "feedback": len(summary["outputs"].get("feedback", [])),
        "workers": rv.get("workers", 0),
        "read_cpu": rv.get("read_cpu"),
        "validate_cpu": rv.get("validate_cpu"),
        "feedback_cpu": rv.get("feedback_cpu"),
        "intake": timings.get("intake", {}).get("seconds"),
        "score": timings.get("score", {}).get("seconds"),
        "write": timings.get("write", {}).get("seconds"),
        "publish": timings.get("publish", {}).get("seconds"),
        "mail": timings.get("mail", {}).get("seconds"),
        # the batch process's own peak RSS (MB) at the end of each stage (the workers are separate processes)
        "batch_rss_mb": {
            stage: timings.get(stage, {}).get("peak_rss_mb")
            for stage in ("intake", "score", "write", "publish", "mail")
        },
    }


def run_naive(corpus: corpus_mod.Corpus, n: int, work: Path) -> dict[str, Any]:
    listing = work / f"naive-{n}.txt"
    listing.write_text("\n".join(str(p) for p in corpus.files[:n]) + "\n", encoding="utf-8")
    code = (
        "import json,subprocess,sys,time,resource\n"
        "t=time.perf_counter()\n"
        "p=subprocess.run([sys.executable,sys.argv[1],'--list',sys.argv[2],'--out',sys.argv[3]],"
        "capture_output=True,text=True)\n"
        "print(json.dumps({'rc':p.returncode,'wall':time.perf_counter()-t,"
        "'rss':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,'out':p.stdout,'err':p.stderr[-2000:]}))"
    )
    args = [str(ROOT / "bench" / "naive.py"), str(listing), str(work / f"naive-out-{n}")]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"naive pipeline failed:\n{result['err']}")
    figures = json.loads(result["out"])
    figures.update(wall=result["wall"], rss_mb=result["rss"])
    return figures


def fmt(value: Any, width: int = 9) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return f"{value:{width}.2f}"
    return str(value).rjust(width)


def machine() -> str:
    import platform

    lines = [f"cores (nproc): {os.cpu_count()}", f"Python {platform.python_version()}"]
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), "")
        lines.append(f"CPU: {model}")
    except OSError:
        pass
    return ", ".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000, help="corpus size (the largest run)")
    parser.add_argument("--scales", default="1000,5000", help="smaller runs to show growth (comma-separated)")
    parser.add_argument("--naive-files", type=int, default=None, help="files for the naive run (default: --files)")
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument(
        "--no-receipts", action="store_true", help="[mail] receipts = false (the default before issue 15)"
    )
    parser.add_argument(
        "--agency-pages",
        choices=("nightly", "final"),
        default="nightly",
        help='[report] agency_pages: "final" leaves out the per-agency result pages (the default before issue 18)',
    )
    parser.add_argument(
        "--plans",
        action="store_true",
        help="first take in and confirm every agency's plan (not measured): results are judged against it (issue 16)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-soffice", action="store_true", help="bases saved by openpyxl, not LibreOffice")
    parser.add_argument("--work", type=Path, default=Path("/tmp/pipeline-bench"))
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    corpus = corpus_mod.build(args.files, args.seed, use_soffice=not args.no_soffice)
    print(
        f"corpus: {len(corpus.files)} workbooks of {corpus_mod.GOALS_PER_FILE} goals, {corpus.invalid} invalid, "
        f"saved by {corpus.saved_by} (ready in {time.perf_counter() - started:.1f} s; {corpus.folder})"
    )
    plans = None
    if args.plans:
        plans = corpus_mod.build(args.files, args.seed, use_soffice=not args.no_soffice, submission="plan")
        print(f"plans: {len(plans.files)} plan workbooks, confirmed before the measured night ({plans.folder})")
    print(f"machine: {machine()}")
    args.work.mkdir(parents=True, exist_ok=True)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()} | {args.files})
    scales = [n for n in scales if n <= args.files]
    ours = []
    for n in scales:
        figures = run_ours(
            corpus, n, args.work, receipts=not args.no_receipts, agency_pages=args.agency_pages, plans=plans
        )
        ours.append(figures)
        # (with --plans the outbox also holds the feedback of the plan night's rejected files, the same day)
        ok = figures["rejected"] == figures["expected_rejected"] and (
            plans is not None or figures["feedback"] == figures["rejected"]
        )
        print(
            f"ours  {n:>6} files: {figures['wall']:7.1f} s wall, {figures['wall'] / n * 1000:5.2f} ms/file, "
            f"peak RSS {figures['rss_mb']:.0f} MB, accepted {figures['accepted']}, rejected {figures['rejected']}"
            f"{'' if ok else ' (EXPECTED ' + str(figures['expected_rejected']) + ')'}",
            flush=True,
        )
    naive = None
    if not args.no_naive:
        n = min(args.naive_files or args.files, args.files)
        naive = run_naive(corpus, n, args.work)
        print(f"naive {n:>6} files: {naive['wall']:7.1f} s wall, peak RSS {naive['rss_mb']:.0f} MB", flush=True)

    print()
    print("per stage, seconds (ours: read/validate/feedback are CPU in the workers, overlapped with intake's wall)")
    header = ["run", "files", "read", "validate", "feedback", "intake", "score", "write", "publish", "mail"]
    header += ["total", "ms/file", "RSS MB"]
    print(" ".join(h.rjust(9) for h in header))
    for f in ours:
        row = ["ours", f["files"], f["read_cpu"], f["validate_cpu"], f["feedback_cpu"], f["intake"], f["score"]]
        row += [f["write"], f["publish"], f["mail"], f["wall"], f["wall"] / f["files"] * 1000, f["rss_mb"]]
        print(" ".join(fmt(v) for v in row))
    print(
        "batch process peak RSS (MB) at the end of: "
        + "; ".join(f"{f['files']} files: " + ", ".join(f"{k} {v}" for k, v in f["batch_rss_mb"].items()) for f in ours)
    )
    if naive is not None:
        row = ["naive", naive["files"], naive["read"], naive["validate"], None, None, naive["score"], naive["write"]]
        row += [None, None]
        row += [naive["wall"], naive["wall"] / naive["files"] * 1000, naive["rss_mb"]]
        print(" ".join(fmt(v) for v in row))
        same = next((f for f in ours if f["files"] == naive["files"]), None)
        if same is not None:
            print(f"\nratio naive / ours on the same {same['files']} files: {naive['wall'] / same['wall']:.1f}×")
        else:
            per = naive["wall"] / naive["files"]
            print(
                f"\nratio per file naive / ours({ours[-1]['files']}): {per / (ours[-1]['wall'] / ours[-1]['files']):.1f}×"
            )
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "naive": naive, "machine": machine()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
