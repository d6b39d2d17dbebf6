"""Micro-benchmark of the feedback workbook alone (issue 8): openpyxl load + save against the XML patcher.

    .venv/bin/python bench/feedback_micro.py                 # the invalid files of the cached 1,000-file corpus
    .venv/bin/python bench/feedback_micro.py --repeat 9 --corpus-files 5000

Finds the invalid files of the cached LibreOffice-saved corpus (`corpus.build`, as bench/run.py makes it) with
`check_file` and the corpus's own pipeline.toml, then, pass by pass in turn so that both see the same load on a
shared machine, writes every file's feedback workbook:

- old: `write_feedback` with the XML patcher switched off (the openpyxl load + save path);
- new: `write_feedback` as the batch calls it (the XML patcher, openpyxl only when it declines);
- new, in memory: `feedback_xml.patched_workbook` alone (no temp file, fsync, rename).

It prints the best pass of `--repeat` as ms/file. Before timing, every new workbook is loaded with openpyxl and
its sheet names and every sheet's cell values are compared with the old one's; a file the patcher declines is
counted and named. The figures are CPU-bound apart from the fsync of the written files: read the best of
several passes, not one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus as corpus_mod  # noqa: E402

from pipeline.feedback import xml_patch as feedback_xml  # noqa: E402
from pipeline.feedback.write import write_feedback  # noqa: E402
from pipeline.settings.load import parse_config  # noqa: E402
from pipeline.validate.check import check_file  # noqa: E402

REAL_WRITE_FAST = feedback_xml.write_fast


def invalid_files(n: int, limit: int) -> list[tuple[Path, list[Any]]]:
    """(path, findings) of the corpus's files that fail the check, at most `limit`."""
    corpus = corpus_mod.build(n)
    with tempfile.TemporaryDirectory() as home:
        config = parse_config(corpus.config_text, home=Path(home))
        out = []
        for path in corpus.files:
            if path.name not in corpus.invalid_files:
                continue
            result = check_file(path, config)
            if not result.ok:
                out.append((path, list(result.findings)))
            if len(out) == limit:
                break
    return out


def old(path: Path, findings: list[Any], out: Path) -> Path:
    feedback_xml.write_fast = lambda *a, **k: None  # type: ignore[assignment]
    try:
        return write_feedback(path, findings, out)
    finally:
        feedback_xml.write_fast = REAL_WRITE_FAST  # type: ignore[assignment]


def new(path: Path, findings: list[Any], out: Path) -> Path:
    return write_feedback(path, findings, out)


def in_memory(path: Path, findings: list[Any], out: Path) -> bytes:
    return feedback_xml.patched_workbook(path, findings, "ko", path.name)


def values(path: Path) -> list[tuple[str, dict[str, Any]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [(ws.title, {c.coordinate: c.value for c in ws._cells.values() if c.value is not None}) for ws in wb]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus-files", type=int, default=1000, help="size of the cached corpus to take files from")
    ap.add_argument("--files", type=int, default=100, help="at most this many invalid files")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    files = invalid_files(args.corpus_files, args.files)
    if not files:
        raise SystemExit("no invalid files in the corpus")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        declined = [p.name for p, f in files if REAL_WRITE_FAST(p, f, scratch / "probe.xlsx", "ko", p.name) is None]
        for i, (path, findings) in enumerate(files):  # same content both ways (and warm imports)
            a = values(old(path, findings, scratch / f"old{i}.xlsx"))
            b = values(new(path, findings, scratch / f"new{i}.xlsx"))
            assert a == b, f"{path.name}: the two feedback workbooks differ"
        ways: dict[str, Callable[..., Any]] = {
            "old (openpyxl)": old,
            "new (XML patch)": new,
            "new, in memory": in_memory,
        }
        best = dict.fromkeys(ways, float("inf"))
        for _ in range(args.repeat):
            for name, way in ways.items():
                t0 = time.perf_counter()
                for i, (path, findings) in enumerate(files):
                    way(path, findings, scratch / f"t{i}.xlsx")
                best[name] = min(best[name], time.perf_counter() - t0)
    print(f"{len(files)} invalid files of the {args.corpus_files}-file corpus, best of {args.repeat} passes")
    print(f"declined by the XML patcher (openpyxl wrote them): {len(declined)} {declined[:3]}")
    for name, seconds in best.items():
        print(f"{name:>18}: {seconds / len(files) * 1000:7.2f} ms/file")
    print(f"old / new: {best['old (openpyxl)'] / best['new (XML patch)']:.1f}x  (sheet names and values identical)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
