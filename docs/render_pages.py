#!/usr/bin/env python3
"""Render every printed page of the demo city's books to docs/print/ and the page that shows them.

    .venv/bin/python docs/render_pages.py              # -> docs/print/*.png and docs/print.md
    .venv/bin/python docs/render_pages.py --lang en    # the English books

It builds the demo home in a temporary folder and plays the demo's year on it (`pipeline demo`), then prints, sheet
by sheet, what the office and the agencies get on paper: every sheet of the consolidated workbook (요약, 우수사례,
기관별, 감독부서별, 목표별, 검토사항, 제출이력, 변경이력 — whichever it has), the plan book, the 중간점검
workbook, one 기관별 결과표, the committee sheet (정성평가 평정표, the form the members grade) and a feedback
copy. Each sheet is printed alone (the others hidden, as a person printing one tab would: `tests/printcheck.py`,
which the print tests use too) — the feedback copy whole, as the agency would print it — through LibreOffice (`pipeline.report.pdf`, as `pipeline report --pdf` does), all in
one LibreOffice run, and each PDF page is kept as a small PNG, so the pictures are what the pipeline prints. Needs
LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.commands.demo import demo_command  # noqa: E402
from pipeline.core.i18n import tr  # noqa: E402
from pipeline.demo import city  # noqa: E402
from pipeline.report.labels import SHEETS  # noqa: E402
from pipeline.report.midyear_sheet import midyear_file_name  # noqa: E402
from pipeline.report.outputs import RESULTS_JSON  # noqa: E402
from pipeline.report.pdf import find_soffice, print_to_pdf  # noqa: E402
from pipeline.report.plan_book_sheet import plan_book_file_name  # noqa: E402
from tests.printcheck import only_sheet  # noqa: E402

RESOLUTION = 50  # dots per inch: an A4 page about 410 × 580 px, headings readable, small files
PAGES_MD = ROOT / "docs" / "print.md"
SHOWN_AGENCY = "GMRT"  # 광주도시철도공사: the article's first excellent agency, compared with last year
TIMEOUT = 120  # seconds a sheet


@dataclass
class Book:
    """One workbook to print: its kind (the pictures' file names), the heading on docs/print.md, its sheets."""

    kind: str
    title: str
    path: Path
    sheets: list[tuple[int, str]] = field(default_factory=list)  # (index, name) of each visible sheet
    pages: dict[str, list[Path]] = field(default_factory=dict)  # sheet name → its pictures ("": the whole book)
    whole: bool = False  # printed as it is, all at once: the book itself decides what prints


TITLES = {
    "workbook": "The consolidated workbook (통합 결과)",
    "plan": "The plan book (성과창출계획)",
    "midyear": "The mid-year check (중간점검)",
    "agency": "One agency's result page (기관별 결과표)",
    "committee": "The committee sheet (정성평가 평정표), as the members get it",
    "feedback": (
        "A feedback copy of a rejected file, printed whole as the agency would print it (검토결과, then the agency's"
        " own sheets; the marked goal rows several pages wide, 목표번호–성과목표 on each)"
    ),
}
WHOLE = {"feedback"}  # what a feedback copy prints (its findings, the marked rows, the notes) is its own choice


def visible_sheets(path: Path) -> list[tuple[int, str]]:
    """(index, name) of each sheet a person sees (a hidden one, such as a template's lists, is not printed)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    shown = []
    for i, tag in enumerate(re.findall(r"<sheet\b[^>]*?/>", xml)):
        name = re.search(r'\sname="([^"]*)"', tag)
        if name and not re.search(r'\sstate="(hidden|veryHidden)"', tag):
            shown.append((i, html.unescape(name.group(1))))
    return shown


def find_books(home: Path, lang: str) -> list[Book]:
    """The demo's books of the day (outbox/<date>/), its committee sheet and one agency's page."""
    (day,) = (p for p in (home / "outbox").iterdir() if p.is_dir())
    year = int(json.loads((day / RESULTS_JSON).read_text(encoding="utf-8"))["evaluation_year"])
    books = {
        "plan": day / plan_book_file_name(year, datetime.fromisoformat(day.name), lang),
        "midyear": day / midyear_file_name(year, datetime.fromisoformat(day.name), lang),
    }
    findings = tr(SHEETS["findings"], lang)
    shown_file = next(f for f in city.DEMO_SUBMISSIONS if f.mistake == city.MISTAKE_WEIGHTS_95)
    for path in sorted(day.glob("*.xlsx")):
        if path.stem.endswith("_feedback"):
            if "feedback" not in books or path.stem.endswith(f"_{Path(shown_file.file_name).stem}_feedback"):
                books["feedback"] = path  # the weights adding to 95: its marked goal rows show
        elif path not in books.values() and findings in [name for _, name in visible_sheets(path)]:
            books["workbook"] = path
    pages = sorted((day / tr(SHEETS["agencies"], lang)).glob("*.xlsx"))
    if pages:
        books["agency"] = next((p for p in pages if p.name.startswith(f"{SHOWN_AGENCY}_")), pages[0])
    committee = sorted((home / "committee").glob("*.xlsx"))  # the sheet as written sorts before the filled copies
    if committee:
        books["committee"] = committee[0]
    found = [kind for kind in TITLES if kind in books and books[kind].is_file()]
    return [Book(kind, TITLES[kind], books[kind], visible_sheets(books[kind]), whole=kind in WHOLE) for kind in found]


def pages(pdf: Path, out_dir: Path, stem: str) -> list[Path]:
    """Each page of `pdf` as `stem-N.png` in `out_dir` (N from 1, unpadded, so names stay put)."""
    subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), str(pdf), str(out_dir / stem)], check=True, timeout=120)
    made = sorted(out_dir.glob(f"{stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    kept = []
    for n, path in enumerate(made, start=1):
        kept.append(path.rename(out_dir / f"{stem}-{n}.png"))
    return kept


def render(books: list[Book], work: Path, out_dir: Path, lang: str) -> list[str]:
    """Every visible sheet of every book printed alone into `out_dir`; the problems (none: all printed)."""
    work.mkdir()
    copies: list[tuple[Book, str, Path]] = []
    for book in books:
        if book.whole:
            copy = Path(shutil.copyfile(book.path, work / book.path.name))  # its name: its header prints it
            copies.append((book, "", copy))
            continue
        for n, (index, name) in enumerate(book.sheets, start=1):
            copy = work / f"{book.kind}-{n}.xlsx"
            only_sheet(book.path, copy, index)
            copies.append((book, name, copy))
    made = print_to_pdf([copy for _, _, copy in copies], timeout=TIMEOUT, lang=lang)
    for book, name, copy in copies:
        if copy.with_suffix(".pdf").is_file():
            book.pages[name] = pages(copy.with_suffix(".pdf"), out_dir, book.kind if book.whole else copy.stem)
    return made.problems


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "print")
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    args = parser.parse_args()
    if not find_soffice() or not shutil.which("pdftoppm"):
        print("needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 69
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "demo"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = demo_command(home, lang=args.lang)
        if code:
            print(f"the demo ended with exit code {code}", file=sys.stderr)
            return 1
        books = find_books(home, args.lang)
        problems = render(books, Path(tmp) / "sheets", args.out, args.lang)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    PAGES_MD.write_text(page_list(books), encoding="utf-8")
    print(PAGES_MD)
    return 0


def page_list(books: list[Book]) -> str:
    lines = [
        "# Every printed page",
        "",
        "What the office and the agencies get on paper (or with `pipeline report --pdf`): each sheet of the demo",
        "city's books, printed alone as LibreOffice prints it — A4, one page wide, text at 8 pt or more",
        "(`tests/test_print.py` and `tests/test_print_books.py` check it on the PDF). The demo plays last year to its",
        "end first, so this year's sheets show 전년 총점, 전년 등급 and 순위 변화. Regenerate with",
        "`.venv/bin/python docs/render_pages.py`.",
        "",
        "Contents: " + " · ".join(f"[{book.title}](#{book.kind})" for book in books),
        "",
    ]
    for book in books:
        lines += [f'<a id="{book.kind}"></a>', "", f"## {book.title}", ""]  # no file name: it holds the date
        if book.whole:
            sheets = " · ".join(name for _, name in book.sheets)
            lines += [f"Its sheets: {sheets}.", ""]
            lines += [f"![{book.kind}, page {i}](print/{p.name})" for i, p in enumerate(book.pages.get("", []), 1)]
            lines.append("")
            continue
        for _, name in book.sheets:
            shown = book.pages.get(name, [])
            lines += [f"### {name}", ""]
            lines += [f"![{name}, page {i}](print/{p.name})" for i, p in enumerate(shown, start=1)]
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
