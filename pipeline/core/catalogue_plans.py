"""Findings of the year's cycle: the template's kind and version, the plan's checks, results against the confirmed
plan, and deadlines.

Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, WARNING, CellFinding, FileFinding, FindingType, SheetFinding

PLAN_FINDINGS: tuple[FindingType, ...] = (
    FileFinding(
        "file.template_old",
        ERROR,
        message=(
            "지난 서식(버전 {found})으로 작성된 파일입니다. 올해 서식(버전 {expected})에는 제출구분(계획·중간점검·실적)과"
            " 중간점검 열이 있습니다.",
            "The file was made from the old template (version {found}). This year's template (version {expected}) has"
            " the submission kind (plan, mid-year check, results) and the mid-year columns.",
        ),
        hint=(
            "평가부서가 배포한 새 서식(평가부서: `pipeline template`)을 받아 내용을 옮겨 적은 뒤 다시 제출하세요.",
            "Get the new template from the evaluation office (office: `pipeline template`), copy your rows into it"
            " and submit again.",
        ),
        description="The workbook carries a template version handed out before this one (no 제출구분, no mid-year"
        " columns). Refused: which phase it belongs to cannot be told.",
        params={"expected": "2026.2", "found": "2026.1"},
    ),
    CellFinding(
        "plan.target_not_challenging",
        WARNING,
        message=(
            "도전성 부족: 지표방향이 {direction_ko}인데 목표치 {target}({target_cell})이(가) 기준치 {baseline}"
            "({baseline_cell})에 못 미칩니다.",
            "Not challenging: for a '{direction_en}' indicator the target {target} ({target_cell}) falls short of the"
            " baseline {baseline} ({baseline_cell}).",
        ),
        hint=(
            "도전적인 목표인지 다시 확인하세요: 상향 지표는 기준치 이상, 하향 지표는 기준치 이하로 목표를 정합니다.",
            "Check that the target is challenging: at least the baseline for higher-is-better, at most for"
            " lower-is-better.",
        ),
        description="A plan's higher-is-better target is below its baseline, or a lower-is-better target above it"
        " (도전성 부족). A warning: the office decides when it confirms the plan.",
        params={
            "target": "90",
            "baseline": "100",
            "direction_ko": "상향",
            "direction_en": "higher",
            "target_cell": "성과목표!K5",
            "baseline_cell": "성과목표!J5",
        },
    ),
    CellFinding(
        "plan.changed",
        ERROR,
        message=(
            "'{field}'이(가) 확정된 계획(제{version}차)과 다릅니다: 확정 '{confirmed}', 제출 '{value}'.",
            "'{field}' differs from the confirmed plan (version {version}): confirmed '{confirmed}', submitted"
            " '{value}'.",
        ),
        hint=(
            "확정된 계획의 값을 그대로 두세요. 계획을 바꾸려면 평가부서에 계획 변경을 요청해 다시 확정받아야 합니다.",
            "Keep the confirmed value. To change the plan, ask the evaluation office for a plan change and have it"
            " confirmed again.",
        ),
        description="A results or mid-year submission changes a field the confirmed plan fixes (goal text, indicator,"
        " method, direction, unit, weight, baseline, target, top, floor, past values), adds a goal the plan does not"
        " have, or drops one it has. Names the cell with the confirmed and the submitted value.",
        params={"confirmed": "3500", "version": 1},
    ),
    SheetFinding(
        "plan.none",
        WARNING,
        message=(
            "확정된 성과창출계획이 없는 기관의 제출입니다. 제출한 목표·목표치를 그대로 평가합니다.",
            "This agency has no confirmed plan: the goals and targets as submitted are judged.",
        ),
        hint=(
            "평가부서가 기관의 계획을 확정하면(`pipeline plan confirm`) 실적은 확정 계획과 대조됩니다.",
            "Once the office confirms the agency's plan (`pipeline plan confirm`), results are checked against it.",
        ),
        description="A results or mid-year submission of an agency whose plan has not been confirmed. A warning;"
        " an error (`plan.required`) when `[calendar] require_confirmed_plan = true`.",
    ),
    SheetFinding(
        "plan.required",
        ERROR,
        message=(
            "확정된 성과창출계획이 없어 접수할 수 없습니다.",
            "This agency has no confirmed plan, so the file cannot be accepted.",
        ),
        hint=(
            "먼저 계획(제출구분 '계획')을 제출하고 평가부서의 확정을 받은 뒤 다시 제출하세요.",
            "Submit the plan first (submission kind 'plan'), have it confirmed by the office, then submit again.",
        ),
        description="`[calendar] require_confirmed_plan = true` and the agency has no confirmed plan.",
    ),
    FileFinding(
        "submission.late",
        WARNING,
        message=(
            "{kind_ko} 제출 기한({deadline})이 지난 뒤에 접수되었습니다.",
            "Received after the {kind_en} deadline ({deadline}).",
        ),
        hint=(
            "늦게 제출한 사실이 평가부서에 표시됩니다. 사정이 있으면 평가부서에 알리세요.",
            "The office sees that it came late; tell the office if there was a reason.",
        ),
        description='The file arrived after its phase\'s deadline (`[calendar]`); with `late = "flag"` it is'
        " accepted and flagged in status, the report and results.json.",
        params={"kind_ko": "실적", "kind_en": "results", "deadline": "2026-01-31"},
    ),
    FileFinding(
        "submission.late_rejected",
        ERROR,
        message=(
            "{kind_ko} 제출 기한({deadline})이 지나 접수하지 않았습니다.",
            "Not accepted: the {kind_en} deadline ({deadline}) has passed.",
        ),
        hint=(
            '기한 뒤 제출은 받지 않습니다(`[calendar] late = "reject"`). 평가부서에 문의하세요.',
            'Late files are not accepted (`[calendar] late = "reject"`). Ask the evaluation office.',
        ),
        description='The file arrived after its phase\'s deadline and `[calendar] late = "reject"`.',
        params={"kind_ko": "실적", "kind_en": "results", "deadline": "2026-01-31"},
    ),
)
