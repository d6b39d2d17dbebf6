"""The template's files: its name per kind and agency, and a template written to disk (blank, prefilled with an
agency's block, or with its confirmed plan for the mid-year check and the results)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.layout import PHASE_FIELDS, choice_label
from pipeline.system.atomic import save_workbook
from pipeline.template.prefill import plan_goal_rows, plan_past_rows
from pipeline.template.workbook import TEMPLATE_FILE, TEMPLATE_FILE_EN, build_template

if TYPE_CHECKING:
    from openpyxl import Workbook

    from pipeline.core.model import Submission
    from pipeline.settings.schema import Agency, Config


def template_file_name(lang: str, agency: Agency | None = None, kind: str = "results") -> str:
    """`성과창출계획_표준서식.xlsx` (results), `…_계획.xlsx`, `…_중간점검.xlsx`; an agency's with its code first."""
    base = TEMPLATE_FILE_EN if lang == "en" else TEMPLATE_FILE
    if kind != "results":
        stem, dot, ext = base.rpartition(".")
        label = kind if lang == "en" else choice_label("kind", kind, "ko")
        base = f"{stem}_{label}{dot}{ext}"
    return f"{agency.code}_{base}" if agency else base


def write_template(
    path: Path,
    lang: str = "ko",
    config: Config | None = None,
    agency: Agency | None = None,
    kind: str = "results",
    plan: Submission | None = None,
) -> Path:
    """The template of a kind written to `path` (see `template_workbook`)."""
    return save_workbook(template_workbook(lang, config, agency, kind, plan), path)


def template_workbook(
    lang: str = "ko",
    config: Config | None = None,
    agency: Agency | None = None,
    kind: str = "results",
    plan: Submission | None = None,
) -> Workbook:
    """The template of a kind; `plan`: the agency's confirmed plan, prefilled and locked but for the phase's
    columns (mid-year and results templates)."""
    year = config.evaluation.year if config else None
    groups = sorted({a.group for a in config.agencies}) if config else ()
    prefilled: dict[str, Any] = {}
    if plan is not None:
        prefilled = dict(goals=plan_goal_rows(plan), past=plan_past_rows(plan, year), open_fields=PHASE_FIELDS[kind])
    return build_template(lang=lang, year=year, agency=agency, groups=groups, kind=kind, **prefilled)
