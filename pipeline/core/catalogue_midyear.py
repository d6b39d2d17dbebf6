"""Findings about the mid-year check (중간점검): per goal 추진상황, 중간실적 and 사유.

A mid-year submission says, for every goal of the confirmed plan, how it is going. 추진상황 is required (the
check's whole point: the city counts 정상 n, 지연 n …), 사유 is required when a goal is 지연 or 부진 (the meeting
asks why), 중간실적 is optional. Codes are stable: the ledger stores them. Add new ones; never rename or reuse one.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, WARNING, CellFinding, FindingType

MIDYEAR_FINDINGS: tuple[FindingType, ...] = (
    CellFinding(
        "midyear.progress_required",
        ERROR,
        message=(
            "목표번호 {number}의 추진상황이 비어 있습니다.",
            "Goal {number}'s progress is blank.",
        ),
        hint=(
            "중간점검에서는 목표마다 추진상황을 {choices_ko} 중에서 고르세요.",
            "In a mid-year check, pick each goal's progress: {choices_en}.",
        ),
        description="A mid-year submission gives every goal its progress (정상, 지연, 부진 or 완료).",
        params={
            "number": "3",
            "choices_ko": "정상, 지연, 부진, 완료",
            "choices_en": "on track, delayed, lagging, completed",
        },
    ),
    CellFinding(
        "midyear.reason_required",
        ERROR,
        message=(
            "목표번호 {number}의 추진상황이 {progress}인데 사유가 비어 있습니다.",
            "Goal {number} is {progress}, but the reason is blank.",
        ),
        hint=(
            "{progress}인 까닭과 만회 계획을 사유 칸에 적으세요.",
            "Write why the goal is {progress} and how it will catch up in the reason cell.",
        ),
        description="A goal reported 지연 (delayed) or 부진 (lagging) needs a reason: the mid-year meeting asks why.",
        params={"number": "3", "progress": "지연"},
    ),
    CellFinding(
        "midyear.actual_unused",
        WARNING,
        message=(
            "목표번호 {number}의 중간실적은 달성여부·정성평가 방식에서 쓰이지 않습니다.",
            "Goal {number}'s mid-year actual is not used for milestone or qualitative goals.",
        ),
        hint=(
            "진행 내용은 사유나 비고 칸에 적으세요.",
            "Describe the progress in the reason or note cell instead.",
        ),
        description="중간실적 is a number toward a quantitative target; a milestone or qualitative goal has none.",
        params={"number": "3"},
    ),
)
