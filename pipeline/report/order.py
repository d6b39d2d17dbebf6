"""The order the sheets list agencies in: ranked agencies best first, ties by code so the order is stable from
run to run, then the unranked by code."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.core.model import AgencyResult

__all__ = ["in_sheet_order", "ranked", "unranked"]


def ranked(agencies: Iterable[AgencyResult]) -> list[AgencyResult]:
    """Ranked agencies best first; ties by code so the order is stable from run to run."""
    return sorted((a for a in agencies if a.rank is not None), key=lambda a: (a.rank, a.code))


def unranked(agencies: Iterable[AgencyResult]) -> list[AgencyResult]:
    return sorted((a for a in agencies if a.rank is None), key=lambda a: a.code)


def in_sheet_order(agencies: Iterable[AgencyResult]) -> list[AgencyResult]:
    """Every agency: the ranked ones, then the unranked."""
    agencies = list(agencies)
    return [*ranked(agencies), *unranked(agencies)]
