"""The demo city's previous year (2025), so that the demo's reports show last year beside this year: the same
agencies and goals, with last year's actuals, evaluated, graded by the committee, confirmed and closed exactly as
an office would (`commands.demo_year.close_previous_year` runs the night, the committee sheet and its merge,
`pipeline finalize` and `pipeline rollover` between `prepare` and `finish`).

Last year's actuals are this year's moved by a seeded factor (85–102 %), a deviation goal's the 2025 value of its
past results; milestones and evaluators' grades are as this year, every qualitative goal graded by all five members
(`demo.committee.fill_sheet(..., complete=True)`) and no 가점·감점, so that the year could be confirmed. `NEW_THIS_YEAR` was not evaluated last year, so
its comparison stays empty.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.demo import city
from pipeline.demo.build import demo_config_text
from pipeline.settings.schema import CONFIG_NAME
from pipeline.system.atomic import save_workbook, write_bytes_atomically
from pipeline.template.workbook import build_template

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["NEW_THIS_YEAR", "PREVIOUS_YEAR", "PreviousYear", "finish", "prepare"]

PREVIOUS_YEAR = city.YEAR - 1
NEW_THIS_YEAR: tuple[str, ...] = ("GSJF",)
"""Evaluated from this year on: no result last year."""
STASH = ".demo-this-year-inbox"
"""This year's files wait here (in the home, so a rename moves them) while last year is evaluated."""


@dataclass(frozen=True)
class PreviousYear:
    year: int
    files: tuple[Path, ...]


def _actual(goal: dict[str, Any], rng: random.Random) -> Any:
    """Last year's actual of one goal."""
    if goal["method"] == "deviation" and goal["past"]:
        return goal["past"][-1][1]
    if goal["method"] not in ("ratio", "range", "deviation") or not goal["actual"]:
        return goal["actual"]
    value = Decimal(str(goal["actual"])) * Decimal(str(round(rng.uniform(0.85, 1.02), 2)))
    places = max(-Decimal(str(goal["actual"])).as_tuple().exponent, 0)  # as many decimals as this year's
    return float(round(value, places)) if places else int(round(value))


def previous_workbook(code: str, seed: int, lang: str = "ko") -> Workbook:
    """The workbook the agency sent last year: this year's goals with last year's actuals."""
    rng = random.Random(f"{seed}/{PREVIOUS_YEAR}/{code}")
    agency = next(a for a in city.AGENCIES if a.code == code)
    contact, phone = city.CONTACTS[code]
    rows, past = [], []
    for goal in city.GOALS[code]:
        row = {k: v for k, v in goal.items() if k != "past"}
        row["actual"] = _actual(goal, rng)
        rows.append(row)
        past.extend((goal["number"], year, value) for year, value in goal["past"])
    return build_template(
        lang=lang,
        year=PREVIOUS_YEAR,
        agency=agency,
        groups=sorted({a.group for a in city.AGENCIES}),
        goals=rows,
        past=past,
        info={"contact": contact, "phone": phone, "year": PREVIOUS_YEAR},
    )


def prepare(home: Path, lang: str, seed: int) -> PreviousYear:
    """Set the home back to last year: this year's inbox put aside, last year's settings and files in place."""
    home = Path(home)
    inbox = home / "inbox"
    os.rename(inbox, home / STASH)
    inbox.mkdir()
    write_bytes_atomically(home / CONFIG_NAME, demo_config_text(lang, year=PREVIOUS_YEAR).encode("utf-8"))
    stamp = time.time() - 24 * 3600
    files = []
    for agency in city.AGENCIES:
        if agency.code in NEW_THIS_YEAR:
            continue
        path = save_workbook(previous_workbook(agency.code, seed, lang), inbox / f"{agency.code}_{PREVIOUS_YEAR}.xlsx")
        os.utime(path, (stamp, stamp))
        files.append(path)
    return PreviousYear(PREVIOUS_YEAR, tuple(files))


def finish(home: Path, lang: str) -> None:
    """After last year's night and rollover: this year's settings (the demo's own file) and inbox back."""
    home = Path(home)
    write_bytes_atomically(home / CONFIG_NAME, demo_config_text(lang).encode("utf-8"))
    inbox = home / "inbox"
    for leftover in inbox.iterdir():  # none: last year's files were all taken (archived or rejected)
        raise FileExistsError(str(leftover))
    inbox.rmdir()
    os.rename(home / STASH, inbox)
