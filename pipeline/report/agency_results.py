"""The 기관별 결과표 files: one workbook per agency with a scored result, in `outbox/<date>/기관별/`, named
`<code>_<name>_결과.xlsx`; and one agency's workbook as bytes, for a mail to attach."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.i18n import tr
from pipeline.core.model import STATUS_ACCEPTED, AgencyResult, ReportInput
from pipeline.report.agency_result_sheet import agency_sheet, ranked_counts
from pipeline.report.labels import SHEETS
from pipeline.report.outputs import title_stem
from pipeline.system.atomic import write_bytes_atomically

__all__ = ["agency_result_bytes", "agency_result_dir", "agency_result_name", "write_agency_results"]


def agency_result_dir(data: ReportInput, out_dir: Path) -> Path:
    """`<out_dir>/기관별/` (`Agencies/` in English): the same word as the consolidated workbook's sheet."""
    return Path(out_dir) / tr(SHEETS["agencies"], data.lang)


def agency_result_name(data: ReportInput, agency: AgencyResult) -> str:
    """`GMRT_광주도시철도공사_결과.xlsx`: the code first (sorts and finds), the name made safe for a file name."""
    return f"{agency.code}_{title_stem(agency.name, data.city.year, data.lang)}.xlsx"


def agency_result_bytes(data: ReportInput, code: str) -> tuple[bytes, str] | None:
    """(workbook bytes, file name) of one agency's result page, or None when the agency has no scored result:
    what a result mail attaches (issue 17's final result mail)."""
    agency = next((a for a in data.city.agencies if a.code == code), None)
    if agency is None or agency.status != STATUS_ACCEPTED:
        return None
    return _page(data, agency, ranked_counts(data))


def _page(data: ReportInput, agency: AgencyResult, counts: dict[str | None, int]) -> tuple[bytes, str]:
    from pipeline.report.xlsx_agency import agency_workbook_bytes  # xlsxwriter only when a page is made

    return agency_workbook_bytes(agency_sheet(data, agency, counts)), agency_result_name(data, agency)


def write_agency_results(data: ReportInput, out_dir: Path, share: tuple[int, int] = (0, 1)) -> list[Path]:
    """Every agency with a scored result gets its page, renamed into place whole; returns the paths. `share`
    (k, n): only every n-th agency from the k-th, so that n processes can share the pages. (About 4 ms a page:
    some 40 s of CPU at 10,000 agencies, beside the consolidated workbook.)"""
    folder = agency_result_dir(data, out_dir)
    counts = ranked_counts(data)
    written = []
    k, n = share
    for agency in data.city.agencies[k::n]:
        if agency.status == STATUS_ACCEPTED:
            data_bytes, name = _page(data, agency, counts)
            written.append(write_bytes_atomically(folder / name, data_bytes))
    return written
