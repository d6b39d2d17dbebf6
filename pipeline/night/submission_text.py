"""An accepted submission as the ledger keeps it: JSON text, written once on arrival and read back to score.

Why keep it: tonight's report scores exactly what was accepted, even if a later validator (or a bug in it) would
read the archived file differently. Decimals travel as `{"$decimal": "…"}` so that no digit or exponent is lost.
"""

from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal
from typing import Any

from pipeline.core.model import AgencyInfo, Goal, Source, Submission
from pipeline.core.printable import printable_json


def submission_json(sub: Submission) -> str:
    """The accepted submission as it was judged on arrival. Kept so that tonight's report scores exactly what was
    accepted, even if a later validator (or a bug in it) would read the archived file differently."""

    def goal(g: Goal) -> dict[str, Any]:
        d = {name: getattr(g, name) for name in _GOAL_FIELDS}
        d["sources"] = {k: [s.sheet, s.cell, s.field] for k, s in g.sources.items()}
        return d

    doc = {
        "agency": {name: getattr(sub.agency, name) for name in _AGENCY_FIELDS},
        "goals": [goal(g) for g in sub.goals],
        "kind": sub.kind,
    }
    return printable_json(_ENCODER.encode(doc))  # SQLite refuses a lone surrogate; the value is the same


_GOAL_FIELDS = tuple(f.name for f in fields(Goal) if f.name != "sources")
_AGENCY_FIELDS = tuple(f.name for f in fields(AgencyInfo))


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"cannot store {type(value).__name__} in the ledger")


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_encode)  # what json.dumps(...) builds on every call


def _decode(obj: dict[str, Any]) -> Any:
    return Decimal(obj["$decimal"]) if set(obj) == {"$decimal"} else obj


def parse_submission(text: str, sources: bool = True) -> Submission:
    """`sources=False`: without each goal's source cells (sheet, cell, field), which scoring and the reports never
    read; they are most of a parsed submission's memory (≈ 140 KB with them, ≈ 25 KB without, for 20 goals)."""
    doc = json.loads(text, object_hook=_decode)
    known = {f.name for f in fields(Goal)}
    goals = []
    for g in doc["goals"]:
        g = {k: v for k, v in g.items() if k in known}  # a field dropped from the model since: ignore it
        g["past"] = tuple(g.get("past", ()))
        g["sources"] = {k: Source(*v) for k, v in g.get("sources", {}).items()} if sources else {}
        goals.append(Goal(**g))
    agency_known = {f.name for f in fields(AgencyInfo)}
    agency = AgencyInfo(**{k: v for k, v in doc["agency"].items() if k in agency_known})
    return Submission(agency=agency, goals=tuple(goals), kind=doc.get("kind", "results"))  # before kinds: results
