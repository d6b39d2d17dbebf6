"""Every text a person reads in the consolidated workbook, (Korean, English), and the lookups of coded values
(status, outcome, severity) to their labels. The goal columns' headings are the template's own
(`core.layout.GOAL_COLUMNS`), so a heading reads the same in the form an agency fills and in the city's report."""

from __future__ import annotations

from pipeline.core.i18n import Text
from pipeline.core.layout import PLAN_FIELDS, goal_column
from pipeline.core.vocabulary import HOW_TO_FIX, OUTCOME, SEVERITY, STATUS, word

__all__ = ["L", "SHEETS", "outcome_label", "severity_label", "status_label"]

SHEETS: dict[str, Text] = {
    "summary": ("요약", "Summary"),
    "best": ("우수사례", "Best practices"),
    "agencies": ("기관별", "Agencies"),
    "departments": ("감독부서별", "By department"),
    "goals": ("목표별", "Goals"),
    "findings": ("검토사항", "Findings"),
    "submissions": ("제출이력", "Submissions"),
    "changes": ("변경이력", "Changes"),
    "agency_result": ("기관별 결과표", "Agency result"),
}
"""Every sheet name the report writes: the consolidated workbook's, in its order, and the 기관별 결과표 page's."""

L: dict[str, Text] = {
    "as_of": ("기준일시 {when} · 평가연도 {year}", "As of {when} · evaluation year {year}"),
    "headline": ("주요 현황", "At a glance"),
    "n_agencies": ("대상 기관", "Agencies"),
    "n_submitted": ("제출 기관", "Submitted"),
    "n_accepted": ("정상 접수", "Accepted"),
    "n_goals": ("채점 목표", "Goals scored"),
    "n_excellent": ("우수기관", "Excellent"),
    "n_provisional": ("잠정 총점", "Provisional"),
    "excellent": ("우수기관 ({n}개)", "Excellent agencies ({n})"),
    "not_submitted": ("미제출·반려 기관 ({n}개)", "Agencies without an accepted submission ({n})"),
    "none": ("없음", "none"),
    "grades": ("등급 분포 (순위 대상 {n}개 기관)", "Grade distribution ({n} ranked {n:agency|agencies})"),
    "grade_total": ("계", "Total"),
    "ranking": ("기관별 순위", "Ranking"),
    "chart": ("기관별 총점", "Total by agency"),
    "note_provisional": (
        "잠정: 정성평가가 끝나지 않은 목표가 있어 총점이 확정되지 않은 기관 (우수기관 선정 제외)",
        "Provisional: a qualitative goal is not graded yet, so the total may change (never selected as excellent)",
    ),
    "note_ties": (
        "동점 기관은 같은 순위이며 다음 순위는 건너뜁니다 (1, 2, 2, 4).",
        "Tied agencies share a rank and the next rank is skipped (1, 2, 2, 4).",
    ),
    "footer": ("&C&P / &N 쪽", "&CPage &P of &N"),
    # column headings
    "rank": ("순위", "Rank"),
    "group_rank": ("유형내 순위", "Rank in group"),
    "code": ("기관코드", "Code"),
    "agency": ("기관명", "Agency"),
    "group": ("기관유형", "Group"),
    "dept": ("감독부서", "Supervising dept."),
    "status": ("상태", "Status"),
    "submitted_at": ("제출일시", "Submitted at"),
    "n_goals_col": ("목표 수", "Goals"),
    "score_sum": ("득점 합계", "Sum of scores"),
    "adjustment": ("가감점", "Bonus / penalty"),
    "adjustment_reasons": ("가감점 사유", "Adjustment reasons"),
    "source_committee": ("위원회", "committee"),
    "source_settings": ("설정", "settings"),
    "total": ("총점", "Total"),
    "grade": ("등급", "Grade"),
    "excellent_col": ("우수기관", "Excellent"),
    "provisional_col": ("잠정", "Provisional"),
    "plan_version_col": ("확정계획 차수", "Plan version"),
    "late_col": ("기한 후 제출", "Late"),
    # the goal columns: the template's headings
    **{key: (goal_column(key).ko, goal_column(key).en) for key in (*PLAN_FIELDS, "actual", "evidence")},
    "rate": ("달성률", "Achievement"),
    "points": ("평점", "Points"),
    "score": ("득점", "Score"),
    "explanation": ("산출근거", "How it was scored"),
    "file": ("파일명", "File"),
    "severity": ("구분", "Severity"),
    "finding_code": ("코드", "Code"),
    "sheet": ("시트", "Sheet"),
    "cell": ("셀", "Cell"),
    "field": ("항목", "Field"),
    "value": ("입력값", "Value"),
    "message": ("내용", "Message"),
    "hint": HOW_TO_FIX,
    "received_at": ("접수일시", "Received at"),
    "hash": ("해시(앞 12자리)", "SHA-256 (first 12)"),
    "outcome": ("처리결과", "Outcome"),
    "errors": ("오류 수", "Errors"),
    "warnings": ("경고 수", "Warnings"),
    "superseded_by": ("대체한 제출(해시)", "Superseded by"),
    "reason": ("사유", "Reason"),
    # values
    "committee_graded": ("위원회 평정", "committee graded"),
    "pending": ("평가대기", "pending"),
    "mark_excellent": ("○", "Yes"),
    "mark_provisional": ("잠정", "prov."),
}


def status_label(status: str, lang: str) -> str:
    return word(STATUS, status, lang)


def outcome_label(outcome: str, lang: str) -> str:
    return word(OUTCOME, outcome, lang)


def severity_label(severity: str, lang: str) -> str:
    return word(SEVERITY, severity, lang)
