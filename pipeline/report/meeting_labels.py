"""The words of issue 18's sheets (우수사례, 감독부서별, 기관별 결과표, last year's columns), (Korean, English).
Words every sheet shares (총점, 등급, 순위 …) are `report.labels`' own and imported from there."""

from __future__ import annotations

from pipeline.core.i18n import Text

__all__ = ["M"]

M: dict[str, Text] = {
    "prev_total": ("전년 총점", "Last year's total"),
    "prev_grade": ("전년 등급", "Last year's grade"),
    "rank_change": ("순위 변화", "Rank change"),
    "prev_actual": ("전년 실적", "Last year's actual"),
    "best_title": ("{title} · 우수사례", "{title} · best practices"),
    "best_agency": ("{name} · 총점 {total} · {grade}등급", "{name} · total {total} · grade {grade}"),
    "best_none": (
        "우수기관이 아직 없습니다 (총점이 확정된 기관 중에서 선정합니다).",
        "No excellent agency yet (they are chosen among agencies with a final total).",
    ),
    "more": ("… 외 {n}건", "… and {n} more"),
    "result_title": ("{title} · {name} 결과표", "{title} · result of {name}"),
    "rank_overall": ("전체 순위", "Overall rank"),
    "rank_in_group": ("{group} 내 순위", "Rank in {group}"),
    "of": ("{rank} / {n}", "{rank} of {n}"),
    "goals_heading": ("목표별 점수", "Scores by goal"),
    "adjustments_heading": ("가감점", "Adjustments"),
    "weight_short": ("가중치", "Weight"),
    "dept_none": ("(감독부서 미지정)", "(no supervising department)"),
    "watch": ("살펴볼 목표", "Goals to watch"),
    "watch_low": ("{number} {indicator} (평점 {points})", "{number} {indicator} ({points} points)"),
    "watch_missed": ("{number} {indicator} (미달성)", "{number} {indicator} (missed)"),
    "watch_none": ("없음", "none"),
}
