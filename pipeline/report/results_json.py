"""results.json: the same results as the workbook, for machines (see docs/results-json.md).

Pure: `results_document` turns a ReportInput into plain JSON-ready values; `dump_results` makes the text. Numbers
are rounded exactly as the workbook shows them (points, scores, totals to 2 decimals; rates to 4 decimals of the
fraction, i.e. 0.1 %), so a total read from the JSON equals the total printed for the meeting. Codes (status,
method, direction) are the canonical English codes, not labels, so that a consumer does not depend on --lang.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from pipeline.core.model import STATUS_ACCEPTED, AgencyResult, GoalResult, ReportInput, SubmissionRecord

FORMAT = "agency-eval-results"
FORMAT_VERSION = 1

_TWO = Decimal("0.01")
_RATE = Decimal("0.0001")


def number(value: Decimal | int | None, places: Decimal | None = None) -> int | float | None:
    """A Decimal as a JSON number, rounded half-up to `places` when given.

    An integral value becomes an int (20, not 20.0); otherwise a float, whose shortest repr is the decimal text
    itself for the ≤ 15 significant digits these values have (13.8 stays 13.8).
    """
    if value is None:
        return None
    d = Decimal(value)
    if places is not None:
        d = d.quantize(places, rounding=ROUND_HALF_UP)
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def submission_document(record: SubmissionRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"file": record.file_name, "sha256": record.sha256, "received_at": timestamp(record.received_at)}


def goal_document(code: str, result: GoalResult) -> dict[str, Any]:
    g = result.goal
    return {
        "id": f"{code}/{g.number}",
        "number": g.number,
        "goal": g.goal,
        "indicator": g.indicator,
        "method": g.method,
        "direction": g.direction,
        "major": g.major,
        "unit": g.unit,
        "weight": number(g.weight),
        "baseline": number(g.baseline),
        "target": number(g.target),
        "top": number(result.top if result.top is not None else g.top),
        "floor": number(result.floor if result.floor is not None else g.floor),
        "actual": number(g.actual),
        "achieved": g.achieved,
        "evaluator_grade": g.grade,
        "rate": number(result.rate, _RATE),
        "points": number(result.points, _TWO),
        "score": number(result.score, _TWO),
        "pending": result.pending,
        "explanation": result.explanation,
    }


def agency_document(agency: AgencyResult, record: SubmissionRecord | None) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "group": agency.group,
        "supervising_dept": agency.supervising_dept,
        "status": agency.status,
        "score_sum": number(agency.score_sum, _TWO),
        "adjustments": [{"points": number(a.points, _TWO), "reason": a.reason} for a in agency.adjustments],
        "total": number(agency.total, _TWO),
        "grade": agency.grade,
        "rank": agency.rank,
        "group_rank": agency.group_rank,
        "excellent": agency.excellent,
        "provisional": agency.provisional,
        "submission": submission_document(record),
        "goals": [goal_document(agency.code, r) for r in agency.goals] if agency.status == STATUS_ACCEPTED else [],
    }


def results_document(data: ReportInput) -> dict[str, Any]:
    """The JSON content: ranked agencies first (by rank, then code), then the unranked by code, as in the
    workbook's Agencies sheet."""
    agencies = sorted(data.city.agencies, key=lambda a: (a.rank is None, a.rank if a.rank is not None else 0, a.code))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "evaluation_year": data.city.year,
        "title": data.title,
        "generated_at": timestamp(data.generated_at),
        "lang": data.lang,
        "agencies": [
            agency_document(a, data.current.get(a.code) if a.status == STATUS_ACCEPTED else None) for a in agencies
        ],
    }


def dump_results(document: dict[str, Any]) -> str:
    """UTF-8 text with Korean kept readable (no \\uXXXX escapes), one key per line for diffs."""
    return "".join(_pieces(document, 0)) + "\n"


def write_results(document: dict[str, Any], path: Any) -> None:
    """`dump_results` into a file, piece by piece: the same bytes without the whole text in memory at once."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(_pieces(document, 0))
        fh.write("\n")


# --- the text: json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False), faster ------------------------
# `indent` makes the json module use its pure-Python encoder (≈ 0.4 s per 1,000 agencies, most of it the goals).
# The C encoder takes no indent, but its separators may be any text: with ",\n" + the indentation of the items as
# the item separator, a container whose items are all plain values (a goal, a submission, an adjustment) comes out
# of one C call with exactly the lines `indent=2` gives, once "{"/"[" and the closing bracket are put on their
# own lines. Containers holding containers (the document, the agency list, an agency) are walked here, as the
# pure-Python encoder walks them. Checked byte for byte against json.dumps by tests/test_report_fastrows.py.

_INDENT = "  "
_PLAIN = frozenset({str, int, float, bool, type(None)})
_STREAMED = 2
"""Nesting levels written piece by piece (the document, its lists); deeper, each value is made as one string (an
agency: ≈ 15 KB), which saves a generator step per piece."""


@lru_cache(maxsize=32)
def _flat(level: int) -> Callable[[Any], str]:
    """The C encoder for a value at nesting `level` whose items are plain values, items one per line. Made once
    per level: `JSONEncoder.encode` makes a new one on every call, a quarter of the time of a goal."""
    separators = (",\n" + _INDENT * (level + 1), ": ")
    encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=separators)
    make = json.encoder.c_make_encoder
    if make is None:  # Python without its _json accelerator: the same text, slower
        return encoder.encode
    # what `JSONEncoder.iterencode` makes for these options; no circular check, as plain items cannot nest
    encode = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", separators[0], False, False, False)
    return lambda value: "".join(encode(value, 0))


def _reference(value: Any, level: int) -> str:
    """The json module's own indented text, at nesting `level` (JSON text has no raw newline but the indent's)."""
    text = json.dumps(value, ensure_ascii=False, indent=len(_INDENT), allow_nan=False)
    return text.replace("\n", "\n" + _INDENT * level)


def _whole(value: Any, level: int) -> str | None:
    """The text of a plain value, or of a container of plain values (one C call); None for anything else."""
    kind = type(value)
    if kind in _PLAIN:
        return _flat(level)(value)
    if kind is not dict and kind is not list and kind is not tuple:
        return None
    items = value.values() if kind is dict else value
    if not items:
        return "{}" if kind is dict else "[]"
    if not _PLAIN.issuperset(map(type, items)):
        return None
    text = _flat(level)(value)
    return f"{text[0]}\n{_INDENT * (level + 1)}{text[1:-1]}\n{_INDENT * level}{text[-1]}"


def _pieces(value: Any, level: int) -> Iterator[str]:
    """The text of `value` at nesting `level`, in pieces."""
    whole = _whole(value, level)
    if whole is not None:
        yield whole
        return
    kind = type(value)
    if kind not in (dict, list, tuple) or (kind is dict and not all(type(k) is str for k in value)):
        yield _reference(value, level)  # never in a results document: the json module decides (or refuses)
        return
    separator = "\n" + _INDENT * (level + 1)
    yield "{" if kind is dict else "["
    for i, item in enumerate(value.items() if kind is dict else value):
        lead = separator if i == 0 else "," + separator
        if kind is dict:
            key, item = item
            lead += json.encoder.encode_basestring(key) + ": "
        whole = _whole(item, level + 1)
        if whole is not None:
            yield lead + whole
        elif level + 1 < _STREAMED:
            yield lead
            yield from _pieces(item, level + 1)
        else:
            yield lead + "".join(_pieces(item, level + 1))
    yield "\n" + _INDENT * level + ("}" if kind is dict else "]")
