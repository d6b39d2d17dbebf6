"""Korean particles follow the sound of the value filled in, as a person would write them."""

import pytest

from pipeline.core.i18n import settle_particles, tr


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("'미정'이(가) 있습니다", "'미정'이 있습니다"),  # final ㅇ
        ("'약 30'이(가) 있습니다", "'약 30'이 있습니다"),  # 삼십: final consonant
        ("평가연도 2025이(가) 다릅니다", "평가연도 2025가 다릅니다"),  # 오: open syllable
        ("2026과(와) 다릅니다", "2026과 다릅니다"),  # 육
        ("'예'을(를) 고르세요", "'예'를 고르세요"),
        ("100(으)로 적으세요", "100으로 적으세요"),  # 백
        ("서울(으)로", "서울로"),  # final ㄹ takes 로
        ("1(으)로", "1로"),  # 일: final ㄹ
        ("85%이(가) 넘습니다", "85%가 넘습니다"),  # 퍼센트
        ("가중치(weight)은(는)", "가중치(weight)는"),
    ],
)
def test_particle_matches_the_word_before_it(template: str, expected: str) -> None:
    assert settle_particles(template) == expected


def test_tr_fills_then_settles_korean_and_leaves_english_alone() -> None:
    text = ("값 '{value}'이(가) 틀립니다", "value '{value}' is wrong (이(가))")
    assert tr(text, "ko", value="미정") == "값 '미정'이 틀립니다"
    assert tr(text, "ko", value="N") == "값 'N'이 틀립니다"
    assert tr(text, "ko", value="X") == "값 'X'가 틀립니다"
    assert tr(text, "en", value="미정") == "value '미정' is wrong (이(가))"


@pytest.mark.parametrize(("n", "expected"), [(0, "0 errors"), (1, "1 error"), (2, "2 errors"), (1000, "1,000 errors")])
def test_an_english_count_picks_its_noun_and_keeps_its_number_format(n: int, expected: str) -> None:
    text = ("오류 {n:,}건", "{n:,} {n:error|errors}")
    assert tr(text, "en", n=n) == expected
    assert tr(text, "ko", n=n) == f"오류 {n:,}건"
    assert tr(("{ok}", "{ok}"), "en", ok=True) == "True"  # a bool is not a count
