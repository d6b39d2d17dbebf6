#!/usr/bin/env python3
"""Render every printed page of the demo city's workbooks to docs/print/ and the page that shows them.

    .venv/bin/python docs/render_pages.py              # -> docs/print/*.png and docs/print.md
    .venv/bin/python docs/render_pages.py --lang en    # the English workbooks

It builds the demo home in a temporary folder, runs the real nightly batch on it, prints the consolidated
workbook and one feedback copy through LibreOffice (`pipeline.report.pdf`, as `pipeline report --pdf` does) and
keeps each PDF page as a small PNG, so the pictures are what the pipeline actually prints. Needs LibreOffice
(soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.commands.demo import demo_command  # noqa: E402
from pipeline.report.pdf import find_soffice, print_to_pdf  # noqa: E402

RESOLUTION = 50  # dots per inch: an A4 page about 410 × 580 px, headings readable, small files
PAGES_MD = ROOT / "docs" / "print.md"


def pages(pdf: Path, out_dir: Path, stem: str) -> list[Path]:
    """Each page of `pdf` as `stem-N.png` in `out_dir`."""
    subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), str(pdf), str(out_dir / stem)], check=True, timeout=120)
    return sorted(out_dir.glob(f"{stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "print")
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    args = parser.parse_args()
    if not find_soffice() or not shutil.which("pdftoppm"):
        print("needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 69
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    shown: list[tuple[str, list[Path]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "demo"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            demo_command(home, lang=args.lang)
        (day,) = (home / "outbox").iterdir()
        (workbook,) = (p for p in day.glob("*.xlsx") if not p.stem.endswith("_feedback"))
        feedback = sorted(day.glob("*_feedback.xlsx"))[:1]
        made = print_to_pdf([workbook, *feedback], timeout=300, lang=args.lang)
        if made.problems:
            print("\n".join(made.problems), file=sys.stderr)
            return 1
        shown.append(("workbook", pages(workbook.with_suffix(".pdf"), args.out, "workbook")))
        if feedback:
            shown.append(("feedback", pages(feedback[0].with_suffix(".pdf"), args.out, "feedback")))
    PAGES_MD.write_text(page_list(shown), encoding="utf-8")
    print(PAGES_MD)
    return 0


def page_list(shown: list[tuple[str, list[Path]]]) -> str:
    titles = {
        "workbook": "The consolidated workbook (요약, 기관별, 목표별, 검토사항, 제출이력)",
        "feedback": (
            "A feedback copy of a rejected file (검토결과, then the agency's own sheets; the marked goal row several"
            " pages wide, 목표번호–성과목표 on each)"
        ),
    }
    lines = [
        "# Every printed page",
        "",
        "What an officer gets on paper (or with `pipeline report --pdf`): each page of the demo city's workbooks as",
        "LibreOffice prints them, A4, one page wide, text at 8 pt or more (`tests/test_print.py` checks it on the",
        "PDF). Regenerate with `.venv/bin/python docs/render_pages.py`.",
        "",
    ]
    for kind, files in shown:
        lines += [f"## {titles[kind]}", ""]
        lines += [f"![{kind} page {i}](print/{p.name})" for i, p in enumerate(files, start=1)]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
