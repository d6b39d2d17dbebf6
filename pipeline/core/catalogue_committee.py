"""Findings about the evaluation committee: an agency grading itself, the committee's workbook (정성평가 평정표)
checked on merge, and files that arrive after the year's results were confirmed (확정).

Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, WARNING, CellFinding, FileFinding, FindingType

COMMITTEE_FINDINGS: tuple[FindingType, ...] = (
    CellFinding(
        "grade.self_assigned",
        ERROR,
        message=(
            "기관이 평가등급({value})을 적었습니다. 정성평가 등급은 평가위원회만 매깁니다.",
            "The agency typed an evaluators' grade ({value}); only the evaluation committee grades qualitative goals.",
        ),
        hint=(
            "'{field}' 칸(또는 열)을 지우고 올해 표준 서식으로 다시 제출하세요.",
            "Delete the '{field}' cell (or column) and resubmit on this year's template.",
        ),
        description="A submission carries a grade for its own goal (the old template's 평가등급 column, or a column "
        "added by hand). Qualitative goals are graded by the committee in its own workbook.",
    ),
    FileFinding(
        "evaluation.closed",
        ERROR,
        message=(
            "{year}년 평가 결과가 {date}에 확정되어 더 이상 제출을 받지 않습니다.",
            "The {year} results were confirmed on {date}; no more files are taken.",
        ),
        hint=(
            "평가 담당 부서에 문의하세요(이의신청은 담당 부서가 처리합니다).",
            "Contact the evaluation office (it handles objections).",
        ),
        description="A file of the year arrived after `pipeline finalize`: recorded and rejected. A committee "
        "workbook needs `pipeline committee merge --reopen`.",
        params={"year": 2026, "date": "2026-12-20"},
    ),
    FileFinding(
        "committee.other_year",
        ERROR,
        message=(
            "{found}년 평정표입니다. 올해({year}년) 평정표가 아닙니다.",
            "This is the committee sheet of {found}, not of this year ({year}).",
        ),
        hint=(
            "올해 평정표(pipeline committee sheet)로 평정하세요.",
            "Grade on this year's sheet (pipeline committee sheet).",
        ),
        description="The committee sheet's EvaluationYear property is not `[evaluation] year`.",
        params={"found": 2025, "year": 2026},
    ),
    CellFinding(
        "committee.unknown_agency",
        ERROR,
        message=("기관 '{value}'은(는) 등록된 기관이 아닙니다.", "Agency '{value}' is not registered."),
        hint=("목록에서 기관을 고르세요.", "Pick the agency from the list."),
        description="A row of the committee workbook names an agency that pipeline.toml does not list.",
    ),
    CellFinding(
        "committee.unknown_goal",
        ERROR,
        message=(
            "기관 {agency}의 현재 제출본에 정성평가 목표 '{value}'이(가) 없습니다.",
            "Agency {agency}'s current submission has no qualitative goal '{value}'.",
        ),
        hint=(
            "평정표를 새로 만들어(pipeline committee sheet) 다시 평정하세요.",
            "Make a new sheet (pipeline committee sheet) and grade again.",
        ),
        description="A row of the committee workbook names a goal that is not a qualitative goal of the agency's "
        "current accepted submission.",
        params={"agency": "A01"},
    ),
    CellFinding(
        "committee.stale_goal",
        WARNING,
        message=(
            "평정표를 만든 뒤 기관 {agency}이(가) 목표 '{value}'을(를) 고쳐 다시 제출했습니다. 이 줄의 등급은 반영하지 "
            "않았습니다.",
            "Agency {agency} changed goal '{value}' after this sheet was made; this row's grades were not merged.",
        ),
        hint=(
            "새 평정표(pipeline committee sheet)로 이 목표를 다시 평정하세요.",
            "Grade this goal again on a new sheet (pipeline committee sheet).",
        ),
        description="The goal's submitted content (goal, indicator, weight, 주요성과, 증빙자료) differs from the one "
        "the sheet was made from: the row is ignored and reported, the rest is merged.",
        params={"agency": "A01"},
    ),
    CellFinding(
        "committee.grade_unknown",
        ERROR,
        message=("'{value}'은(는) 등급 목록에 없습니다.", "'{value}' is not one of the grades."),
        hint=("목록에서 고르세요: {known}.", "Pick one from the list: {known}."),
        description="A member's grade that is not one of the six grades.",
        params={"known": "탁월, 우수, 양호, 보통, 미흡, 아주미흡"},
    ),
    CellFinding(
        "committee.reason_required",
        ERROR,
        message=("가점·감점 {value}점에 사유가 없습니다.", "The adjustment of {value} points has no reason."),
        hint=("사유를 적으세요.", "Give its reason."),
        description="Every 가점 or 감점 needs a reason (it is printed beside the total).",
    ),
    CellFinding(
        "committee.points_invalid",
        ERROR,
        message=(
            "가점·감점 '{value}'은(는) 0이 아닌 숫자여야 합니다.",
            "Adjustment '{value}' must be a non-zero number.",
        ),
        hint=(
            "가점은 양수, 감점은 음수로 적으세요.",
            "Type a bonus as a positive number, a penalty as a negative one.",
        ),
        description="An adjustment's points are blank, zero or not a number.",
    ),
    CellFinding(
        "committee.bonus_cap",
        ERROR,
        message=(
            "기관 {agency}의 가점 합계 {total}점이 상한 {cap}점을 넘습니다.",
            "Agency {agency}'s bonuses add up to {total}, above the cap of {cap}.",
        ),
        hint=("가점을 줄이세요(설정 max_bonus).", "Lower the bonuses (setting max_bonus)."),
        description="An agency's bonuses (from the sheet and pipeline.toml together) exceed `[scoring] max_bonus`.",
        params={"agency": "A01", "total": "4", "cap": "3"},
    ),
)
