"""The demo city: Gwangju's 24 public agencies, their 90 goals, and what each one submits.

Plain data only (no I/O, no openpyxl), so that the demo generator, the tests and a later whole-city golden test
all read the same description. Numbers are the *canonical* values; `pipeline.demo` types them the way officers
do (`3,902억원`, full-width digits, 예/아니오, percent-formatted cells) so that the reader has real work to do.

The shape follows the 2019 case (seed article): 24 agencies, 90 goals, the urban railway's zero-accident
targets and ISO 10002 milestone, 3,902억원 of credit guarantees, 2,300 households of greenhouse-gas consulting,
11 excellent agencies. Actual values are tuned so that a run over the accepted submissions gives a realistic
spread of grades (see `EXPECTED`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.settings.schema import Adjustment, Agency, Department

YEAR = 2026
DEADLINE = "2026-12-15"
OFFICE = "evaluation@gwangju.example.go.kr"
PAST_YEARS = tuple(range(YEAR - 5, YEAR))  # 2021 … 2025, for the deviation method

CORPORATION = "공사·공단"
FUNDED = "출자·출연기관"


def _agency(code: str, name: str, group: str, dept: str) -> Agency:
    return Agency(code, name, group, dept, f"eval@{code.lower()}.example.kr")


AGENCIES: tuple[Agency, ...] = (
    _agency("GMRT", "광주도시철도공사", CORPORATION, "교통정책과"),
    _agency("GUDC", "광주도시공사", CORPORATION, "주택정책과"),
    _agency("GEMC", "광주환경공단", CORPORATION, "자원순환과"),
    _agency("KDJC", "김대중컨벤션센터", CORPORATION, "관광진흥과"),
    _agency("GGCA", "광주그린카진흥원", FUNDED, "미래차산업과"),
    _agency("GCGF", "광주신용보증재단", FUNDED, "소상공인과"),
    _agency("ICEC", "국제기후환경센터", FUNDED, "기후환경정책과"),
    _agency("GJCF", "광주문화재단", FUNDED, "문화정책과"),
    _agency("GJTP", "광주테크노파크", FUNDED, "산업혁신과"),
    _agency("GICA", "광주정보문화산업진흥원", FUNDED, "콘텐츠산업과"),
    _agency("GSTA", "광주과학기술진흥원", FUNDED, "과학기술정책과"),
    _agency("GWFF", "광주여성가족재단", FUNDED, "여성정책과"),
    _agency("GJSS", "광주사회서비스원", FUNDED, "복지정책과"),
    _agency("GWRI", "광주복지연구원", FUNDED, "복지정책과"),
    _agency("GEEA", "광주경제고용진흥원", FUNDED, "일자리정책과"),
    _agency("GJRI", "광주연구원", FUNDED, "기획조정과"),
    _agency("GDPI", "광주디자인진흥원", FUNDED, "디자인산업과"),
    _agency("GBNL", "광주비엔날레", FUNDED, "문화정책과"),
    _agency("GILE", "광주인재평생교육진흥원", FUNDED, "교육협력과"),
    _agency("GFNR", "광주영어방송재단", FUNDED, "대변인실"),
    _agency("GSPC", "광주광역시체육회", FUNDED, "체육진흥과"),
    _agency("GJFC", "광주시민프로축구단", FUNDED, "체육진흥과"),
    _agency("GTOF", "광주관광재단", FUNDED, "관광진흥과"),
    _agency("GSJF", "광주상생일자리재단", FUNDED, "일자리정책과"),
)

# The supervising departments (감독부서), each copied on its agencies' result mails.
DEPARTMENTS: tuple[Department, ...] = tuple(
    Department(name, f"dept{i:02d}@gwangju.example.go.kr")
    for i, name in enumerate(dict.fromkeys(a.supervising_dept for a in AGENCIES), start=1)
)

# Committee adjustments (가점 / 감점); the points are written to pipeline.toml as they are here (`1.0`).
ADJUSTMENTS: tuple[Adjustment, ...] = (
    Adjustment("GMRT", Decimal("1.0"), "도시철도 2호선 공사 구간 무사고 운행 유지 (시장 표창)"),
    Adjustment("GICA", Decimal("1.5"), "지역 콘텐츠 기업 해외 수출 유공 정부 포상"),
    Adjustment("GJSS", Decimal("-2.0"), "종합감사 지적: 보조금 정산 지연"),
)

# Who fills in the workbook at each agency (담당자, 연락처): 062 is Gwangju's area code.
_CONTACT_NAMES = (
    "김민준 이서연 박지훈 최수아 정도윤 강하은 조현우 윤지민 장서준 임예린 한동현 오지유 "
    "서준호 신채원 권태윤 황보민 안소희 송재원 전다인 홍승민 유나래 고은비 문성호 양지호"
).split()
CONTACTS: dict[str, tuple[str, str]] = {
    a.code: (_CONTACT_NAMES[i], f"062-{600 + i * 7}-{1000 + i * 137}") for i, a in enumerate(AGENCIES)
}


# --- goals ------------------------------------------------------------------------------------------------------
# Each goal is a dict keyed by layout.GOAL_COLUMNS keys with canonical codes ("ratio", "higher", "Y"), plus
# "past": ((year, value), …) for the deviation method. Percent indicators have unit "%" and values in percent.
def _goal(
    number: str,
    strategy: str,
    goal: str,
    indicator: str,
    method: str,
    weight: int,
    *,
    direction: str | None = None,
    unit: str = "",
    major: str | None = None,
    baseline: float | None = None,
    target: float | None = None,
    top: float | None = None,
    floor: float | None = None,
    actual: Any = None,
    grade: str | None = None,
    highlights: str = "",
    evidence: str = "",
    past: tuple[float, ...] = (),
) -> dict[str, Any]:
    return {
        "number": number,
        "strategy": strategy,
        "goal": goal,
        "indicator": indicator,
        "method": method,
        "direction": direction,
        "unit": unit,
        "major": major,
        "weight": weight,
        "baseline": baseline,
        "target": target,
        "top": top,
        "floor": floor,
        "actual": actual,
        "grade": grade,
        "highlights": highlights,
        "evidence": evidence or _EVIDENCE[method],
        "past": tuple(zip(PAST_YEARS[-len(past) :], past, strict=True)) if past else (),
    }


_EVIDENCE = {
    "ratio": "실적 집계표 및 내부 결재 문서",
    "range": "조사 결과 보고서",
    "deviation": "연도별 실적 통계",
    "milestone": "인증서·준공 문서 사본",
    "qualitative": "추진 경과 보고서",
}


def ratio(
    n: str,
    s: str,
    g: str,
    i: str,
    w: int,
    target: float,
    actual: float,
    unit: str,
    direction: str = "higher",
    major: str = "N",
    **kw: Any,
) -> dict[str, Any]:
    """목표대비: achievement = actual ÷ target (lower-is-better with target 0 means 'zero or nothing')."""
    return _goal(
        n, s, g, i, "ratio", w, direction=direction, unit=unit, major=major, target=target, actual=actual, **kw
    )


def setting(
    n: str,
    s: str,
    g: str,
    i: str,
    w: int,
    actual: float,
    unit: str,
    direction: str = "higher",
    major: str = "N",
    **kw: Any,
) -> dict[str, Any]:
    """목표부여: top/floor given, or derived from the baseline (pass `baseline=` only)."""
    return _goal(n, s, g, i, "range", w, direction=direction, unit=unit, major=major, actual=actual, **kw)


def deviation(
    n: str,
    s: str,
    g: str,
    i: str,
    w: int,
    actual: float,
    unit: str,
    past: tuple[float, ...],
    direction: str = "higher",
    major: str = "N",
    **kw: Any,
) -> dict[str, Any]:
    """목표부여(편차): baseline left blank (→ the latest past result), σ from the past five years."""
    return _goal(
        n, s, g, i, "deviation", w, direction=direction, unit=unit, major=major, actual=actual, past=past, **kw
    )


def milestone(n: str, s: str, g: str, i: str, w: int, achieved: bool, **kw: Any) -> dict[str, Any]:
    """달성여부: canonical 달성 / 미달성; the generator types it in other accepted spellings."""
    return _goal(n, s, g, i, "milestone", w, actual="달성" if achieved else "미달성", **kw)


def qualitative(n: str, s: str, g: str, i: str, w: int, grade: str | None, **kw: Any) -> dict[str, Any]:
    """정성평가: `grade` None means the evaluators have not graded it yet (→ provisional total)."""
    return _goal(n, s, g, i, "qualitative", w, grade=grade, **kw)


# fmt: off
GOALS: dict[str, tuple[dict[str, Any], ...]] = {
    "GMRT": (
        ratio("1", "시민 안전 최우선", "안전사고 없는 도시철도", "안전사고 건수", 20, 0, 0, "건", "lower", "Y",
              baseline=1, highlights="안전사고·사상사고·열차지연 없는 3무 달성"),
        ratio("2", "시민 안전 최우선", "사상사고 제로화", "사상사고 건수", 15, 0, 0, "건", "lower", "Y", baseline=0),
        ratio("3", "정시 운행", "열차지연 제로화", "5분 이상 열차지연 건수", 15, 0, 0, "건", "lower", baseline=2),
        milestone("4", "고객 만족 경영", "고객만족경영시스템 인증", "ISO 10002 인증 획득", 20, True,
                  highlights="전국 도시철도 최초 ISO 10002(고객만족경영시스템) 인증"),
        qualitative("5", "지역 발전 선도", "도시철도 2호선 건설 지원", "건설 지원 실적(정성)", 30, "탁월",
                    highlights="2호선 1단계 공사 구간 운영 협의 및 인력 지원"),
    ),
    "GUDC": (
        ratio("1", "주거 안정", "공공임대주택 공급 확대", "임대주택 공급 호수", 30, 1200, 1104, "호", major="Y"),
        setting("2", "재무 건전성", "분양률 제고", "공동주택 분양률", 25, 91.5, "%", baseline=88),
        ratio("3", "재무 건전성", "부채비율 감축", "부채비율", 25, 160, 158, "%", "lower", baseline=180),
        qualitative("4", "도시 재생", "도시재생 뉴딜사업 추진", "사업 추진 실적(정성)", 20, "우수"),
    ),
    "GEMC": (
        setting("1", "맑은 물 환경", "하수 방류수 수질 개선", "방류수 BOD 농도", 30, 3.6, "mg/L", "lower", "Y",
                top=3.0, floor=5.0),
        ratio("2", "자원 순환", "음식물류폐기물 자원화", "자원화율", 25, 95, 96.2, "%"),
        deviation("3", "쾌적한 생활환경", "악취 민원 감소", "악취 민원 건수", 25, 33, "건", (48, 42, 45, 39, 36),
                  "lower"),
        ratio("4", "안전 경영", "중대재해 제로화", "중대재해 건수", 20, 0, 0, "건", "lower", baseline=0),
    ),
    "KDJC": (
        ratio("1", "MICE 산업 육성", "국제회의 유치 확대", "국제회의 개최 건수", 35, 40, 41, "건", major="Y"),
        ratio("2", "MICE 산업 육성", "전시회 참관객 확대", "전시회 참관객 수", 30, 350000, 340000, "명"),
        setting("3", "시설 효율화", "전시장 가동률 제고", "전시장 가동률", 25, 66, "%", top=70, floor=50),
        qualitative("4", "브랜드 가치", "광주형 MICE 브랜드 정착", "브랜드 정착 성과(정성)", 10, None,
                    highlights="평가위원 심사 예정"),
    ),
    "GGCA": (
        ratio("1", "미래차 산업 육성", "자동차 업체 고용창출", "신규 고용 인원", 25, 500, 536, "명", major="Y",
              highlights="지역 자동차 부품기업 신규 채용 지원"),
        ratio("2", "미래차 산업 육성", "광주지역 자동차기업 매출 증대", "지원기업 매출 증가액", 20, 1200, 1315, "억원"),
        milestone("3", "광주형 일자리", "광주형 자동차 공장 연내 착공 지원", "공장 착공 여부", 20, True,
                  highlights="광주형 자동차 공장 연내 착공"),
        deviation("4", "기업 지원", "친환경차 부품기업 지원 확대", "지원 기업 수", 20, 118, "개사",
                  (82, 90, 95, 101, 110)),
        ratio("5", "기업 지원", "수소차 부품 실증 지원", "실증·인증 지원 건수", 15, 40, 43, "건"),
    ),
    "GCGF": (
        ratio("1", "서민경제 활성화", "신용보증 공급 확대", "보증 공급액", 35, 3500, 3902, "억원", major="Y",
              highlights="서민경제 활성화를 위해 3,902억원 보증 공급"),
        ratio("2", "소상공인 지원", "소상공인 경영컨설팅", "컨설팅 지원 업체 수", 25, 600, 612, "개사"),
        ratio("3", "소상공인 지원", "창업 교육 확대", "창업교육 수료 인원", 20, 1500, 1420, "명"),
        ratio("4", "건전 경영", "대위변제율 관리", "대위변제율", 20, 3.0, 2.7, "%", "lower"),
    ),
    "ICEC": (
        ratio("1", "탄소중립 실천", "가정·상가 온실가스 감축 컨설팅", "컨설팅 세대 수", 30, 2500, 2300, "세대",
              major="Y", highlights="가정과 상가 2,300세대 온실가스 감축 컨설팅"),
        milestone("2", "기후위기 대응", "폭염·미세먼지 대응 데이터베이스 구축", "DB 구축 완료 여부", 20, True),
        ratio("3", "탄소중립 실천", "저탄소 녹색아파트 조성", "참여 단지 수", 20, 30, 24, "단지"),
        setting("4", "기후환경 교육", "기후환경교육 강사·진단 컨설턴트 양성", "양성 인원", 30, 126, "명",
                baseline=120),
    ),
    "GJCF": (
        ratio("1", "문화예술 진흥", "문화예술 지원사업 확대", "지원 건수", 30, 450, 396, "건"),
        ratio("2", "시민 문화향유", "문화 프로그램 참여 확대", "참여 인원", 30, 120000, 96000, "명", major="Y"),
        setting("3", "예술인 지원", "예술인 만족도 제고", "지원사업 만족도", 20, 78, "%", top=85, floor=75),
        qualitative("4", "문화도시 조성", "아시아문화중심도시 연계 사업", "연계 사업 성과(정성)", 20, "양호"),
    ),
    "GJTP": (
        ratio("1", "지역 산업 혁신", "지원기업 성장", "지원기업 매출액 증가율", 30, 10, 9.2, "%"),
        ratio("2", "지역 산업 혁신", "신규 일자리 창출", "지원기업 신규 고용", 30, 300, 288, "명", major="Y"),
        setting("3", "인프라 활용", "장비 활용도 제고", "연구장비 가동률", 20, 62, "%", baseline=60),
        qualitative("4", "AI 융합", "AI 산업 융합 생태계 조성 지원", "생태계 조성 성과(정성)", 20, "우수"),
    ),
    "GICA": (
        ratio("1", "콘텐츠 산업 육성", "콘텐츠 기업 매출 증대", "지원기업 매출액", 30, 800, 712, "억원", major="Y"),
        ratio("2", "콘텐츠 산업 육성", "콘텐츠 일자리 창출", "신규 고용 인원", 25, 250, 210, "명"),
        deviation("3", "창업 생태계", "콘텐츠 창업기업 육성", "창업기업 수", 25, 40, "개사", (30, 34, 31, 38, 40)),
        qualitative("4", "전시·마켓", "광주 ACE Fair 개최 성과", "행사 성과(정성)", 20, "양호"),
    ),
    "GSTA": (
        ratio("1", "과학기술 진흥", "R&D 과제 지원 확대", "지원 과제 수", 40, 60, 57, "건", major="Y"),
        ratio("2", "기술 사업화", "기술이전 활성화", "기술이전 건수", 30, 25, 20, "건"),
        ratio("3", "과학 문화", "과학문화 확산", "과학문화 행사 참여 인원", 30, 20000, 17000, "명"),
    ),
    "GWFF": (
        ratio("1", "성평등 정책", "성평등 정책 연구", "연구과제 수", 35, 12, 10, "건"),
        ratio("2", "여성 경제활동", "여성 일자리 연계", "취업 연계 인원", 35, 400, 300, "명", major="Y"),
        qualitative("3", "가족 친화", "돌봄 정책 개발", "정책 개발 성과(정성)", 30, "보통"),
    ),
    "GJSS": (
        ratio("1", "공공 돌봄", "긴급돌봄 서비스 확대", "긴급돌봄 이용자 수", 40, 1000, 780, "명", major="Y"),
        setting("2", "서비스 품질", "이용자 만족도 제고", "이용자 만족도", 30, 83, "%", top=90, floor=80),
        ratio("3", "종사자 역량", "종사자 교육 확대", "교육 이수율", 30, 95, 82, "%"),
    ),
    "GWRI": (
        ratio("1", "복지 정책 연구", "정책연구 수행", "연구과제 수", 30, 15, 14, "건"),
        ratio("2", "복지 정책 연구", "정책 반영", "정책 반영률", 30, 60, 55, "%", major="Y"),
        setting("3", "현장 지원", "복지 현장 컨설팅", "컨설팅 기관 수", 20, 44, "개소", baseline=40),
        qualitative("4", "복지 기준선", "광주형 복지 기준선 개발", "개발 성과(정성)", 20, "양호"),
    ),
    "GEEA": (
        ratio("1", "일자리 창출", "구인·구직 매칭 확대", "취업자 수", 30, 1500, 1620, "명", major="Y"),
        ratio("2", "청년 일자리", "청년 일경험 확대", "일경험 참여자 수", 25, 800, 790, "명"),
        setting("3", "소상공인 지원", "소상공인 디지털 전환 지원", "지원 업체 수", 25, 214, "개사", top=220,
                floor=180),
        qualitative("4", "고용 안정", "고용위기 대응 체계 구축", "대응 성과(정성)", 20, "탁월"),
    ),
    "GJRI": (
        ratio("1", "정책 연구", "정책연구 과제 수행", "수행 과제 수", 30, 60, 58, "건"),
        ratio("2", "정책 연구", "연구 결과 정책 반영", "정책 반영률", 40, 70, 61.6, "%", major="Y"),
        qualitative("3", "시정 지원", "시정 핵심과제 연구 지원", "지원 성과(정성)", 30, "양호"),
    ),
    "GDPI": (
        ratio("1", "디자인 산업", "디자인 기업 지원", "지원 기업 수", 40, 150, 160, "개사"),
        ratio("2", "디자인 문화", "디자인비엔날레 관람객 확대", "관람객 수", 35, 300000, 285000, "명", major="Y"),
        qualitative("3", "공공 디자인", "공공디자인 개선", "개선 성과(정성)", 25, "보통"),
    ),
    "GBNL": (
        ratio("1", "국제 미술 축제", "비엔날레 관람객 확대", "관람객 수", 35, 700000, 630000, "명", major="Y"),
        ratio("2", "국제 위상", "해외 언론 보도 확대", "해외 언론 보도 건수", 20, 500, 420, "건"),
        ratio("3", "재정 자립", "후원·협찬 유치", "후원·협찬 유치액", 20, 30, 24.6, "억원"),
        qualitative("4", "국제 위상", "전시 기획의 국제적 평가", "전시 기획 평가(정성)", 25, "미흡",
                    highlights="국제 평론가 심사 결과 대기"),
    ),
    "GILE": (
        ratio("1", "평생학습 도시", "평생교육 프로그램 참여 확대", "참여 인원", 30, 30000, 19500, "명", major="Y"),
        ratio("2", "인재 육성", "장학금 지원", "장학생 수", 25, 400, 320, "명"),
        setting("3", "학습자 만족", "학습자 만족도 제고", "학습자 만족도", 25, 82, "%", top=90, floor=80),
        milestone("4", "평생학습 도시", "통합 평생학습 플랫폼 구축", "플랫폼 개통 여부", 20, True),
    ),
    "GFNR": (
        deviation("1", "방송 경쟁력", "청취율 제고", "청취율", 40, 2.9, "%", (2.1, 2.3, 2.2, 2.6, 2.8)),
        ratio("2", "외국인 정주", "외국인 정주 지원 프로그램", "참여 인원", 30, 5000, 4300, "명"),
        qualitative("3", "정보 제공", "외국인 정착 정보 제공", "정보 제공 성과(정성)", 30, "양호"),
    ),
    "GSPC": (
        ratio("1", "생활체육", "생활체육 참여 확대", "참여 인원", 30, 150000, 112500, "명", major="Y"),
        setting("2", "전문체육", "전국체전 경기력 향상", "메달 수", 25, 106, "개", top=130, floor=100),
        ratio("3", "안전", "체육시설 안전사고 감소", "안전사고 건수", 25, 2, 3, "건", "lower"),
        qualitative("4", "생활체육", "스포츠클럽 활성화", "활성화 성과(정성)", 20, "양호"),
    ),
    "GJFC": (
        ratio("1", "구단 경쟁력", "홈경기 관중 확대", "평균 관중 수", 30, 7000, 6100, "명", major="Y"),
        ratio("2", "재정 자립", "스폰서 수입 확대", "스폰서 수입", 30, 60, 52, "억원"),
        ratio("3", "지역 공헌", "유소년 축구교실 운영", "참여 인원", 20, 1200, 1260, "명"),
        milestone("4", "구단 경쟁력", "전용 훈련장 준공", "준공 여부", 20, False),
    ),
    "GTOF": (
        ratio("1", "관광 활성화", "관광객 유치 확대", "외래 관광객 수", 40, 1800, 1650, "천명", major="Y"),
        ratio("2", "관광 홍보", "온라인 홍보 강화", "SNS 도달 수", 30, 500, 470, "만회"),
        qualitative("3", "관광 상품", "광주 대표 관광상품 개발", "개발 성과(정성)", 30, "우수"),
    ),
    "GSJF": (
        ratio("1", "상생 일자리", "상생형 일자리 창출", "신규 일자리 수", 40, 900, 540, "명", major="Y"),
        ratio("2", "노사 상생", "노사 상생 프로그램 확대", "참여 사업장 수", 30, 120, 60, "개소"),
        qualitative("3", "상생 모델", "광주형 일자리 모델 확산", "모델 확산 성과(정성)", 30, "미흡"),
    ),
}
# fmt: on


# --- what arrives in the inbox ----------------------------------------------------------------------------------
MISTAKE_WEIGHTS_95 = "weights_95"  # the last goal's weight typed 5 lower: weights add up to 95
MISTAKE_ACTUAL_UNDECIDED = "actual_undecided"  # 실적치 typed as 미정 on a quantitative goal
MISTAKE_WRONG_YEAR = "wrong_year"  # last year's file re-used: 평가연도 is the previous year


@dataclass(frozen=True)
class DemoFile:
    """One workbook the demo drops into the inbox, in the order officers sent them."""

    file_name: str
    agency: str
    mistake: str | None = None
    expected: str = "accepted"  # "accepted" | "rejected" (what the batch should decide)


def _name(code: str) -> str:
    return next(a.name for a in AGENCIES if a.code == code)


# Officers name files their own way; the reader must go by the 기관정보 sheet, never by the file name.
DEMO_SUBMISSIONS: tuple[DemoFile, ...] = (
    DemoFile(f"{_name('GMRT')}_성과창출계획_{YEAR}.xlsx", "GMRT"),
    DemoFile(f"{_name('GUDC')}_성과창출계획_{YEAR}.xlsx", "GUDC", MISTAKE_WRONG_YEAR, "rejected"),
    DemoFile(f"{YEAR} 성과창출계획 실적({_name('GEMC')}).xlsx", "GEMC"),
    DemoFile(f"{_name('KDJC')}_성과창출_실적보고.xlsx", "KDJC"),
    DemoFile(f"[{_name('GGCA')}] {YEAR}년 성과창출계획.xlsx", "GGCA"),
    DemoFile(f"성과창출계획_{_name('GCGF')}_최종.xlsx", "GCGF"),
    DemoFile(f"{_name('ICEC')}_성과창출계획_{YEAR}.xlsx", "ICEC"),
    DemoFile(f"{_name('GJCF')}_성과창출계획_{YEAR}.xlsx", "GJCF"),
    DemoFile(f"GJTP_성과창출계획_{YEAR}.xlsx", "GJTP"),
    DemoFile(f"{_name('GICA')}_성과창출계획_{YEAR}_v2.xlsx", "GICA"),
    DemoFile(f"{_name('GSTA')} 성과창출계획.xlsx", "GSTA"),
    DemoFile(f"{_name('GWFF')}_성과창출계획_{YEAR}.xlsx", "GWFF"),
    DemoFile(f"{_name('GJSS')}_{YEAR}_성과창출계획_제출.xlsx", "GJSS"),
    DemoFile(f"{_name('GEEA')}_성과창출계획_{YEAR}.xlsx", "GEEA"),
    DemoFile(f"{_name('GJRI')}_성과창출계획_{YEAR}.xlsx", "GJRI"),
    DemoFile(f"{_name('GDPI')}_성과창출계획_{YEAR}.xlsx", "GDPI", MISTAKE_WEIGHTS_95, "rejected"),
    DemoFile(f"{_name('GBNL')}_성과창출계획_{YEAR}.xlsx", "GBNL"),
    DemoFile(f"{_name('GILE')}_성과창출계획(최종).xlsx", "GILE"),
    DemoFile(f"{_name('GFNR')}_성과창출계획_{YEAR}.xlsx", "GFNR"),
    DemoFile(f"{_name('GSPC')}_성과창출계획_{YEAR}.xlsx", "GSPC"),
    DemoFile(f"{_name('GTOF')}_성과창출계획_{YEAR}.xlsx", "GTOF", MISTAKE_ACTUAL_UNDECIDED, "rejected"),
    DemoFile(f"{_name('GSJF')}_성과창출계획_{YEAR}.xlsx", "GSJF"),
    DemoFile(f"(수정){_name('GUDC')}_성과창출계획_{YEAR}.xlsx", "GUDC"),  # the corrected resubmission
)

NOT_SUBMITTED: tuple[str, ...] = ("GWRI", "GJFC")
"""Agencies that send nothing: listed as 미제출, unranked, and reminded before the deadline."""


# --- what the scoring rules give (docs/scoring.md by hand; tests/test_demo.py re-derives it) ---------------------------
@dataclass(frozen=True)
class Expected:
    """An agency's result over its accepted submission: total as text (2 decimals), grade, provisional, status."""

    total: str | None
    grade: str | None
    provisional: bool = False
    status: str = "accepted"  # "accepted" | "rejected" | "missing"

    @property
    def excellent(self) -> bool:
        return self.status == "accepted" and self.grade in ("S", "A") and not self.provisional


EXPECTED: dict[str, Expected] = {
    "GMRT": Expected("101.00", "S"),
    "GUDC": Expected("89.58", "A"),
    "GEMC": Expected("89.13", "A"),
    "KDJC": Expected("85.14", "A", provisional=True),  # graded by 2 of 5 members until the second committee sheet
    "GGCA": Expected("98.01", "S"),
    "GCGF": Expected("98.93", "S"),
    "ICEC": Expected("87.60", "A"),
    "GJCF": Expected("74.20", "B"),  # 감점 1 from the committee sheet
    "GJTP": Expected("89.07", "A"),
    "GICA": Expected("80.20", "A"),
    "GSTA": Expected("87.50", "A"),
    "GWFF": Expected("77.42", "B"),  # 가점 1 from the committee sheet
    "GJSS": Expected("68.30", "C"),
    "GWRI": Expected(None, None, status="missing"),
    "GEEA": Expected("96.69", "S"),
    "GJRI": Expected("88.20", "A"),
    "GDPI": Expected(None, None, status="rejected"),
    "GBNL": Expected("79.70", "B"),  # the committee's 미흡 (60 × 25 ÷ 100 = 15.00)
    "GILE": Expected("68.50", "C"),
    "GFNR": Expected("79.29", "B"),
    "GSPC": Expected("60.00", "C"),
    "GJFC": Expected(None, None, status="missing"),
    "GTOF": Expected(None, None, status="rejected"),
    "GSJF": Expected("57.00", "D"),
}
