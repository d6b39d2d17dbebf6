"""The benchmark corpus: N LibreOffice-saved submissions of 20 goals each, a few percent invalid, seeded.

Converting 10,000 files one by one through `soffice` takes hours, so the corpus is made in two steps:
1. a few *distinct* base workbooks (valid variants and typical mistakes) are built from the real template with
   openpyxl and converted **once**, in a single headless `soffice --convert-to xlsx` call (when LibreOffice is
   installed; else the openpyxl files are used as they are, and the output says so);
2. every corpus file is a copy of one base in which only cell *values* change inside the saved XML: the agency
   code/name/e-mail strings in `sharedStrings.xml` (placeholders of the same shape) and the numbers of the
   actual-value cells in the goal sheet. Parts, their order, styles and every other byte LibreOffice wrote stay
   as they are; only the zip container is re-deflated by Python.

The corpus and its `pipeline.toml` (one registered agency per file) are cached under a folder named by seed,
size and template version, so repeated benchmark runs reuse them and a new template version makes a new corpus.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core.layout import FIRST_DATA_ROW, GOAL_LETTERS, KIND_PLAN, KIND_RESULTS, PLAN_FIELDS, TEMPLATE_VERSION  # noqa: E402
from pipeline.settings.render import render_config  # noqa: E402

GOALS_PER_FILE = 20
PLACEHOLDER_CODE = "Z99999"  # same length as the corpus codes A00001…: no other string changes size
PLACEHOLDER_NAME = "벤치기관하하하하하"
"""All Hangul: LibreOffice splits a Hangul+digits string into rich-text runs (font fallback), which a byte
replacement could not follow."""
HANGUL_DIGITS = "가나다라마바사아자차"
GROUPS = ("공사·공단", "출자·출연기관")
VALID_BASES = 6
MISTAKES = ("weights_95", "actual_undecided", "wrong_year", "bad_unit")
INVALID_SHARE = 0.03
"""Share of invalid submissions ("a few percent"), each one of the typical mistakes."""

UNITS = ("억원", "건", "%", "점", "명", "가구")
METHOD_CYCLE = ("ratio", "ratio", "ratio", "range", "deviation", "ratio", "milestone", "qualitative", "ratio", "range")


@dataclass(frozen=True)
class Corpus:
    """A benchmark home's ingredients: the workbooks and the config text that registers their agencies."""

    folder: Path
    files: tuple[Path, ...]
    agencies: tuple[Any, ...]  # schema.Agency of file i, in the same order
    invalid_files: frozenset[str]  # names of the files made from a base with a mistake
    saved_by: str  # "LibreOffice <version>" or "openpyxl"

    @property
    def invalid(self) -> int:
        return len(self.invalid_files)

    @property
    def config_text(self) -> str:
        return config_text(self.agencies)


def config_text(agencies: Any, receipts: bool = True, agency_pages: str = "nightly") -> str:
    """pipeline.toml registering these agencies (files are taken at once: min_file_age_seconds = 0).

    `receipts=False` turns off the receipt mailed for every accepted file (on by default since issue 15), to
    compare with the figures measured before receipts were the default; `agency_pages="final"` leaves out the
    one-page result per agency (issue 18) that the night writes by default."""
    # No deadline, so no reminders during a benchmark (a deadline must lie in the evaluation year).
    text = render_config(agencies, year=date.today().year, deadline=None, min_file_age_seconds=0)
    if not receipts:
        text, n = re.subn(r"(?m)^receipts = true", "receipts = false", text)
        assert n == 1, "the rendered pipeline.toml has no `receipts = true` line"
    if agency_pages != "nightly":
        text, n = re.subn(r'(?m)^agency_pages = "nightly"', f'agency_pages = "{agency_pages}"', text)
        assert n == 1, 'the rendered pipeline.toml has no `agency_pages = "nightly"` line'
    return text


def base_goals(rng: random.Random) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """20 goals of every method (weights 5 each = 100), with past results for the deviation goals."""
    rows: list[dict[str, Any]] = []
    past: list[list[Any]] = []
    for i in range(GOALS_PER_FILE):
        method = METHOD_CYCLE[i % len(METHOD_CYCLE)]
        number = str(i + 1)
        unit = UNITS[i % len(UNITS)]
        row: dict[str, Any] = {
            "number": number,
            "strategy": f"전략 {i // 5 + 1}",
            "goal": f"성과목표 {number}",
            "indicator": f"지표 {number}",
            "method": method,
            "weight": 5,
            "evidence": "실적 보고서",
        }
        if method in ("ratio", "range", "deviation"):
            row.update(direction="higher", unit=unit, major="Y" if i % 4 == 0 else "N")
        if method == "ratio":
            target = rng.randint(50, 5000)
            row.update(target=target, actual=round(target * rng.uniform(0.8, 1.2)))
        elif method == "range":
            floor = rng.randint(50, 500)
            row.update(top=floor + rng.randint(10, 100), floor=floor, actual=floor + rng.randint(0, 120))
        elif method == "deviation":
            start = rng.randint(50, 500)
            for k, year in enumerate(range(2021, 2026)):
                past.append([number, year, start + 10 * k + rng.randint(0, 5)])
            row.update(actual=start + 60)
        elif method == "milestone":
            row.update(actual="달성")
        # qualitative goals carry no grade: the committee grades them in its own workbook (issue 17)
        rows.append(row)
    return rows, past


def _base_workbook(kind: str, seed: int, year: int, group: str, submission: str = KIND_RESULTS) -> Any:
    """One base: `kind` a valid variant or a mistake; `submission` the 제출구분 (the plan of a base has the
    same goals with only the plan's columns filled, so that its results base is judged against it)."""
    from pipeline.template.workbook import build_template

    rng = random.Random(f"{seed}/{kind}")
    rows, past = base_goals(rng)
    info: dict[str, Any] = {
        "agency_code": PLACEHOLDER_CODE,
        "agency_name": PLACEHOLDER_NAME,
        "group": group,
        "year": year,
        "supervising_dept": "평가담당관",
        "contact": "홍길동",
        "phone": "02-000-0000",
        "email": f"{PLACEHOLDER_CODE.lower()}@example.go.kr",
    }
    if kind == "weights_95":
        rows[-1]["weight"] = 0
    elif kind == "actual_undecided":
        rows[0]["actual"] = "미정"
    elif kind == "wrong_year":
        info["year"] = year - 1
    elif kind == "bad_unit":
        rows[0]["actual"] = f"{rows[0]['actual']}kg"
    if submission == KIND_PLAN:
        rows = [{k: v for k, v in row.items() if k in PLAN_FIELDS} for row in rows]
    return build_template(lang="ko", year=year, groups=GROUPS, goals=rows, past=past, info=info, kind=submission)


def soffice_version() -> str | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return " ".join(out.split()[:2]) or "LibreOffice"


def make_bases(
    folder: Path, seed: int, year: int, use_soffice: bool = True, submission: str = KIND_RESULTS
) -> tuple[dict[str, Path], str]:
    """The distinct base workbooks, saved by LibreOffice in one headless call when it is installed."""
    from pipeline.system.atomic import save_workbook

    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "openpyxl"
    kinds = [f"valid{k}" for k in range(VALID_BASES)] + list(MISTAKES)
    made = {}
    for n, kind in enumerate(kinds):
        base = _base_workbook(kind, seed, year, GROUPS[n % len(GROUPS)], submission)
        made[kind] = save_workbook(base, raw / f"{kind}.xlsx")
    version = soffice_version() if use_soffice else None
    if version is None:
        return made, "openpyxl"
    out = folder / "libreoffice"
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *[str(p) for p in made.values()],
        ]
        subprocess.run(cmd, capture_output=True, timeout=600, check=True)
    saved = {kind: out / f"{kind}.xlsx" for kind in kinds}
    if not all(p.is_file() for p in saved.values()):
        return made, "openpyxl"
    return saved, version


_ACTUAL_LETTER = GOAL_LETTERS["actual"]
_NUMBER_CELL = re.compile(rb'(<c r="(' + _ACTUAL_LETTER.encode() + rb')(\d+)"[^>]*?(?<!/)>)<v>([0-9.E+-]+)</v>')


def _vary_sheet(xml: bytes, rng: random.Random) -> bytes:
    """Actual values of the goal rows scaled by 0.9–1.1 (integers stay integers): values vary, layout does not."""

    def repl(m: re.Match[bytes]) -> bytes:
        row = int(m.group(3))
        if b't="' in m.group(1) and b't="n"' not in m.group(1):
            return m.group(0)
        if not FIRST_DATA_ROW <= row < FIRST_DATA_ROW + GOALS_PER_FILE:
            return m.group(0)
        value = float(m.group(4))
        new = round(value * rng.uniform(0.9, 1.1))
        return m.group(1) + b"<v>" + str(max(new, 1)).encode() + b"</v>"

    return _NUMBER_CELL.sub(repl, xml)


def _goal_sheet_part(zf: zipfile.ZipFile) -> str:
    """The worksheet part of 성과목표 (the template's third sheet), found through workbook.xml and its rels."""
    workbook = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="성과목표"[^>]*r:id="([^"]+)"', workbook)
    if rid is None:
        rid = re.search(r'<sheet [^>]*r:id="([^"]+)"[^>]*name="성과목표"', workbook)
    assert rid is not None, "goal sheet not found in base workbook"
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    name = target.group(1)
    return name.lstrip("/") if name.startswith("/") else "xl/" + name


def derive(base: Path, out: Path, code: str, name: str, rng: random.Random) -> None:
    """A copy of `base` with another agency's code, name and e-mail and varied actual values."""
    replacements = (
        (PLACEHOLDER_CODE.encode(), code.encode()),
        (PLACEHOLDER_CODE.lower().encode(), code.lower().encode()),
        (PLACEHOLDER_NAME.encode(), name.encode()),
    )
    with zipfile.ZipFile(base) as src:
        goal_part = _goal_sheet_part(src)
        tmp = out.with_name(f".{out.name}.tmp")
        with zipfile.ZipFile(tmp, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith(".xml"):
                    for old, new in replacements:
                        data = data.replace(old, new)
                if info.filename == goal_part:
                    data = _vary_sheet(data, rng)
                dst.writestr(info, data, compress_type=info.compress_type)
    tmp.replace(out)


def agency_code(i: int) -> str:
    return f"A{i:05d}"


def agency_name(i: int) -> str:
    """벤치기관 + the number in Hangul syllables (가=0 … 차=9), the placeholder's length."""
    return "벤치기관" + "".join(HANGUL_DIGITS[int(d)] for d in f"{i:05d}")


def build(
    n: int,
    seed: int = 2026,
    cache: Path | None = None,
    use_soffice: bool = True,
    invalid_share: float = INVALID_SHARE,
    submission: str = KIND_RESULTS,
) -> Corpus:
    """Make (or reuse) a corpus of `n` files; file i belongs to agency A{i:05d}, registered in the config.
    `submission="plan"`: the agencies' plans, file i the plan of results file i (the same base)."""
    today = date.today()
    year = today.year
    cache = cache or ROOT / "bench" / "corpus-cache"
    share = "" if invalid_share == INVALID_SHARE else f"-inv{invalid_share:g}"
    # keyed by the template version: a corpus of an older template would be rejected whole (file.template_old)
    client = f"t{TEMPLATE_VERSION}-{'lo' if use_soffice else 'openpyxl'}" + ("-plan" if submission == KIND_PLAN else "")
    folder = cache / f"seed{seed}-n{n}{share}-{client}"
    marker = folder / "DONE"
    bases_dir = cache / f"bases-seed{seed}-{year}-{client}"
    if (bases_dir / "SAVED_BY").is_file():
        saved_by = (bases_dir / "SAVED_BY").read_text().strip()
        sub = "libreoffice" if saved_by != "openpyxl" else "openpyxl"
        bases = {p.stem: p for p in (bases_dir / sub).glob("*.xlsx")}
    else:
        bases, saved_by = make_bases(bases_dir, seed, year, use_soffice, submission)
        (bases_dir / "SAVED_BY").write_text(saved_by + "\n")
    rng = random.Random(seed)
    plan = []
    n_invalid = 0
    valid_kinds = [f"valid{k}" for k in range(VALID_BASES)]
    for i in range(1, n + 1):
        if rng.random() < invalid_share:
            kind = MISTAKES[rng.randrange(len(MISTAKES))]
            n_invalid += 1
        else:
            kind = valid_kinds[rng.randrange(len(valid_kinds))]
        plan.append((i, kind))
    kinds = [f"valid{k}" for k in range(VALID_BASES)] + list(MISTAKES)
    group_of = {kind: GROUPS[k % len(GROUPS)] for k, kind in enumerate(kinds)}
    from pipeline.settings.schema import Agency

    agencies = [
        Agency(agency_code(i), agency_name(i), group_of[kind], "평가담당관", f"{agency_code(i).lower()}@example.go.kr")
        for i, kind in plan
    ]
    files_dir = folder / "files"
    files = [files_dir / f"{agency_code(i)}_성과계획.xlsx" for i, _ in plan]
    if not marker.is_file():
        if folder.exists():
            shutil.rmtree(folder)
        files_dir.mkdir(parents=True)
        for (i, kind), path in zip(plan, files, strict=True):
            derive(bases[kind], path, agency_code(i), agency_name(i), random.Random(f"{seed}/{i}"))
        marker.write_text(f"{n} files, {n_invalid} invalid, saved by {saved_by}\n")
    invalid = frozenset(path.name for (_i, kind), path in zip(plan, files, strict=True) if kind in MISTAKES)
    return Corpus(folder, tuple(files), tuple(agencies), invalid, saved_by)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-soffice", action="store_true", help="save the bases with openpyxl only")
    args = parser.parse_args(argv)
    corpus = build(args.files, args.seed, use_soffice=not args.no_soffice)
    print(f"{len(corpus.files)} workbooks ({corpus.invalid} invalid) in {corpus.folder}, saved by {corpus.saved_by}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
