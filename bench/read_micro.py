"""Micro-benchmark of `pipeline.reader.read_workbook` alone (issue 8, round 3).

    .venv/bin/python bench/read_micro.py --save /tmp/reader-ref.txt   # capture the reference output
    .venv/bin/python bench/read_micro.py --check /tmp/reader-ref.txt  # time it and compare with the reference

Reads the first 200 files of the cached corpus `--repeat` times in this process and prints the best ms/file;
`--check` asserts that every file's result (its full `repr`) is identical to the saved reference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.reader import read_workbook  # noqa: E402

CACHE = Path(__file__).resolve().parent / "corpus-cache"


def corpus(folder: str | None, count: int) -> list[Path]:
    if folder:
        root = Path(folder)
    else:
        root = next(p for p in sorted(CACHE.glob("seed*-n1000-*")) if (p / "files").is_dir()) / "files"
    return sorted(root.glob("*.xlsx"))[:count]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--corpus", default=None, help="folder of .xlsx files (default: the cached 1,000-file corpus)")
    ap.add_argument("--save", type=Path, help="write the reference output here")
    ap.add_argument("--check", type=Path, help="compare with the reference output saved here")
    args = ap.parse_args()
    paths = corpus(args.corpus, args.files)
    out = [repr(read_workbook(p)) for p in paths]  # also warms imports and the styles cache
    if args.save:
        args.save.write_text("\n".join(out), encoding="utf-8")
    if args.check:
        ref = args.check.read_text(encoding="utf-8").split("\n")
        bad = [p.name for p, a, b in zip(paths, out, ref, strict=True) if a != b]
        assert not bad, f"{len(bad)} files differ from the reference, e.g. {bad[:3]}"
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for p in paths:
            read_workbook(p)
        best = min(best, time.perf_counter() - t0)
    print(
        f"{len(paths)} files, best of {args.repeat}: {best / len(paths) * 1000:.2f} ms/file"
        + (" (output identical)" if args.check else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
