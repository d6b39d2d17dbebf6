"""Micro-benchmark of `pipeline.read.workbook.read_workbook` alone (issue 8, rounds 3 and 4).

    .venv/bin/python bench/read_micro.py --save /tmp/reader-ref.txt   # capture the reference output
    .venv/bin/python bench/read_micro.py --check /tmp/reader-ref.txt  # time it and compare with the reference
    git show HEAD:pipeline/read/workbook.py > /tmp/reader_before.py
    .venv/bin/python bench/read_micro.py --baseline /tmp/reader_before.py  # old and new, alternated, same output

Reads the first 200 files of the cached corpus `--repeat` times in this process and prints the best ms/file;
`--check` asserts that every file's result (its full `repr`) is identical to the saved reference. `--baseline`
loads another version of the reader module next to the current one, asserts that both give the same `repr` for
every file, and times them pass by pass in turn, so that both see the same load on a shared machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.read.workbook import read_workbook  # noqa: E402

CACHE = Path(__file__).resolve().parent / "corpus-cache"


def corpus(folder: str | None, count: int) -> list[Path]:
    if folder:
        root = Path(folder)
    else:
        root = next(p for p in sorted(CACHE.glob("seed*-n1000-*")) if (p / "files").is_dir()) / "files"
    return sorted(root.glob("*.xlsx"))[:count]


def load_reader(path: Path) -> Callable[[Path], Any]:
    """`read_workbook` of another copy of pipeline/read/workbook.py, imported inside the `pipeline` package (the
    parts it reads through, `pipeline.xlsx`, are the current ones)."""
    spec = importlib.util.spec_from_file_location("pipeline._reader_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module.read_workbook


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--corpus", default=None, help="folder of .xlsx files (default: the cached 1,000-file corpus)")
    ap.add_argument("--save", type=Path, help="write the reference output here")
    ap.add_argument("--check", type=Path, help="compare with the reference output saved here")
    ap.add_argument("--baseline", type=Path, help="another read/workbook.py to compare with, alternated pass by pass")
    args = ap.parse_args()
    paths = corpus(args.corpus, args.files)
    readers = {"current": read_workbook}
    out = [repr(read_workbook(p)) for p in paths]  # also warms imports and the styles cache
    if args.baseline:
        readers["baseline"] = load_reader(args.baseline)
        before = [repr(readers["baseline"](p)) for p in paths]
        bad = [p.name for p, a, b in zip(paths, out, before, strict=True) if a != b]
        assert not bad, f"{len(bad)} files read differently by the baseline, e.g. {bad[:3]}"
    if args.save:
        args.save.write_text("\n".join(out), encoding="utf-8")
    if args.check:
        ref = args.check.read_text(encoding="utf-8").split("\n")
        bad = [p.name for p, a, b in zip(paths, out, ref, strict=True) if a != b]
        assert not bad, f"{len(bad)} files differ from the reference, e.g. {bad[:3]}"
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(args.repeat):
        for name, read in readers.items():
            t0 = time.perf_counter()
            for p in paths:
                read(p)
            best[name] = min(best[name], time.perf_counter() - t0)
    identical = " (output identical)" if args.check or args.baseline else ""
    for name, seconds in best.items():
        print(
            f"{name}: {len(paths)} files, best of {args.repeat}: {seconds / len(paths) * 1000:.2f} ms/file{identical}"
        )
    if args.baseline:
        print(f"baseline / current: {best['baseline'] / best['current']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
