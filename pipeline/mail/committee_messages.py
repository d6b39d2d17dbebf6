"""The committee's messages: the committee sheet to each member (`pipeline committee sheet --send`), and at
`pipeline finalize` the confirmed results to every agency (its own result) and to the office.

An agency's final-result mail attaches its one-page result workbook (기관별 결과표, made by the report stage and
handed in by `night.finalize`) and is copied to its supervising department.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from email.message import EmailMessage
from email.utils import parseaddr

from pipeline.core.i18n import Text, tr
from pipeline.core.model import AgencyResult, CityResult
from pipeline.mail.messages import _footer, _num, _one_line, _title
from pipeline.mail.mime import address, compose
from pipeline.settings.schema import Agency, Config, Member

__all__ = [
    "committee_sheet_message",
    "final_agency_message",
    "final_office_message",
]

T_SHEET_SUBJECT: Text = ("[{title}] 정성평가 평정표", "[{title}] committee grading sheet")
T_SHEET_BODY: Text = (
    "{member} 위원님께\n\n정성평가 평정표 「{file}」을 첨부합니다. 위원님 이름 열에 목표별 등급을 골라 저장한 뒤 "
    "평가 담당 부서로 보내 주십시오.\n정성평가 목표 {goals}개.",
    'To {member},\n\nAttached is the committee grading sheet "{file}". Please pick a grade per goal in your '
    "column, save it and return it to the evaluation office.\nQualitative goals: {goals}.",
)
T_FINAL_SUBJECT: Text = (
    "[{title}] {agency} 최종 평가 결과 (확정 {date})",
    "[{title}] {agency}: final results ({date})",
)
T_FINAL_BODY: Text = (
    "{agency} 귀하\n\n{title} 결과가 {date}에 확정되었습니다.\n\n총점 {total}점, {grade}등급, 전체 {rank}위{excellent}",
    "To {agency},\n\nThe results of {title} were confirmed on {date}.\n\nTotal {total}, grade {grade}, rank "
    "{rank}{excellent}",
)
T_EXCELLENT: Text = (" — 우수기관", " — excellent agency")
T_GOAL_LINE: Text = (
    "- {number} {goal}: 평점 {points}, 득점 {score}",
    "- {number} {goal}: points {points}, score {score}",
)
T_ADJ_LINE: Text = ("- {kind} {points} ({reason})", "- {kind} {points} ({reason})")
T_BONUS: Text = ("가점", "bonus")
T_PENALTY: Text = ("감점", "penalty")
T_GOALS: Text = ("목표별 결과:", "Goals:")
T_OFFICE_SUBJECT: Text = ("[{title}] 평가 결과 확정 ({date})", "[{title}] results confirmed ({date})")
T_OFFICE_BODY: Text = (
    "{title} 결과를 {date}자로 확정했습니다. 기관 {agencies}곳에 각 기관의 결과를 보냈습니다. 확정 결과 엑셀 "
    "파일을 첨부합니다.",
    "The results of {title} were confirmed as of {date}. Each of {agencies} agencies was sent its own result. "
    "The confirmed workbook is attached.",
)


def committee_sheet_message(
    config: Config, member: Member, data: bytes, file_name: str, goals: int, lang: str
) -> EmailMessage:
    title = _title(config)
    body = tr(T_SHEET_BODY, lang, member=_one_line(member.name), file=_one_line(file_name), goals=goals)
    ascii_name = f"committee-sheet-{config.evaluation.year}.xlsx"
    return compose(
        config.mail.sender,
        [address(member.name, member.email)],
        tr(T_SHEET_SUBJECT, lang, title=title),
        body + _footer(config, lang),
        (data, file_name, ascii_name),
    )


def result_lines(result: AgencyResult, final: date, config: Config, lang: str) -> list[str]:
    """An agency's own final result as lines: total, grade, rank, then each goal and each adjustment."""
    excellent = tr(T_EXCELLENT, lang) if result.excellent else ""
    lines = [
        tr(
            T_FINAL_BODY,
            lang,
            agency=_one_line(result.name),
            title=_title(config),
            date=final.isoformat(),
            total=_num(result.total),
            grade=result.grade or "-",
            rank=result.rank if result.rank is not None else "-",
            excellent=excellent,
        ),
        "",
        tr(T_GOALS, lang),
    ]
    for g in result.goals:
        lines.append(
            tr(
                T_GOAL_LINE,
                lang,
                number=_one_line(g.goal.number),
                goal=_one_line(g.goal.goal),
                points=_num(g.points),
                score=_num(g.score),
            )
        )
    for a in result.adjustments:
        kind = tr(T_BONUS if a.points > 0 else T_PENALTY, lang)
        lines.append(tr(T_ADJ_LINE, lang, kind=kind, points=_num(abs(a.points)), reason=_one_line(a.reason)))
    return lines


def final_agency_message(
    config: Config,
    agency: Agency,
    result: AgencyResult,
    final: date,
    lang: str,
    page: tuple[bytes, str, str] | None = None,
    cc: Sequence[str] = (),
) -> EmailMessage:
    """The final result to one agency: the lines in the body, its result page (bytes, name, ASCII name) attached,
    its supervising department (`cc`) copied."""
    subject = tr(T_FINAL_SUBJECT, lang, title=_title(config), agency=_one_line(agency.name), date=final.isoformat())
    body = "\n".join(result_lines(result, final, config, lang)) + _footer(config, lang)
    return compose(config.mail.sender, [address(agency.name, agency.email)], subject, body, page, cc=cc)


def final_office_message(
    config: Config, city: CityResult, final: date, workbook: bytes, name: str, ascii_name: str, sent: int, lang: str
) -> EmailMessage:
    title = _title(config)
    body = tr(T_OFFICE_BODY, lang, title=title, date=final.isoformat(), agencies=sent)
    return compose(
        config.mail.sender,
        [address(*parseaddr(a)) for a in config.mail.to],
        tr(T_OFFICE_SUBJECT, lang, title=title, date=final.isoformat()),
        body + _footer(config, lang),
        (workbook, name, ascii_name),
    )
