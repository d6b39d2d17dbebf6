"""What `pipeline.toml`'s reader says about a mistake, in Korean and English: one catalogue, one line per mistake.

An officer editing the file by hand reads only that line, so each says what is wrong and, where it is not plain,
how to write it instead. `settings.load` names the file and the key in front of it.
"""

from __future__ import annotations

from datetime import date

from pipeline.core.i18n import Text, tr

FILE: dict[str, Text] = {
    "not_found": (
        "{path}: 설정 파일이 없습니다. `pipeline init {home}` 명령으로 만드세요.",
        "{path}: not found (create one with `pipeline init {home}`)",
    ),
    "unreadable": ("{path}: 읽을 수 없습니다 ({reason}).", "{path}: cannot be read ({reason})."),
    "permission": ("권한 없음", "permission denied"),
    "folder": ("파일이 아니라 폴더입니다", "a folder, not a file"),
    "os_error": ("운영체제 오류 {errno}", "system error {errno}"),
    "cp949": (
        "{file}: 한글 윈도우 인코딩(CP949/EUC-KR)으로 저장된 파일입니다. "
        "메모장의 ‘다른 이름으로 저장’에서 인코딩을 UTF-8로 골라 다시 저장하세요.",
        "{file}: saved in the Korean Windows encoding (CP949/EUC-KR); save it as UTF-8 "
        "(Notepad: Save As, Encoding UTF-8).",
    ),
    "utf16": (
        "{file}: UTF-16(유니코드)으로 저장된 파일입니다. 메모장의 ‘다른 이름으로 저장’에서 인코딩을 UTF-8로 골라 "
        "다시 저장하세요.",
        "{file}: saved as UTF-16 (Notepad's Unicode); save it as UTF-8 (Notepad: Save As, Encoding UTF-8).",
    ),
    "not_utf8": (
        "{file}: {line}번째 줄이 UTF-8 글자가 아닙니다. 파일을 UTF-8로 저장하세요.",
        "{file}: line {line} is not UTF-8 text; save the file as UTF-8.",
    ),
    "not_toml": (
        "{file}: {line}번째 줄 {column}번째 글자에서 TOML 문법이 맞지 않습니다 (따옴표, 괄호, `키 = 값` 형식을 확인하세요).",
        "{file}: not valid TOML: {detail}",
    ),
}
"""Mistakes of the file as a whole, before any key is read."""

KEY: dict[str, Text] = {
    "top_level": ("파일 맨 위", "top level"),
    "missing_table": ("표가 없습니다", "missing table"),
    "not_table": ("[이름] 아래의 표로 써야 합니다", "must be a table"),
    "missing_key": ("항목이 없습니다", "missing key"),
    "wrong_kind": ("{kind}(으)로 써야 합니다 (지금 값: {value})", "must be {kind}, not {value}"),
    "empty": ("비어 있으면 안 됩니다", "must not be empty"),
    "not_number": ("숫자여야 합니다 (지금 값: {value})", "must be a number, not {value}"),
    "not_finite": ("유한한 숫자여야 합니다 (지금 값: {value})", "must be a finite number, not {value}"),
    "unknown_key": ("알 수 없는 항목 {key} (쓸 수 있는 항목: {known})", "unknown key {key} (known: {known})"),
    "year_range": (
        "2000~2100 사이의 연도여야 합니다 (지금 값: {year})",
        "must be a year between 2000 and 2100, not {year}",
    ),
    "choice": ("{choices} 중 하나여야 합니다 (지금 값: {value})", "must be {choices}, not {value}"),
    "deadline_text": (
        "날짜는 따옴표 없이 씁니다: deadline = {year}-12-15 (지금 값: {value})",
        "write the date without quotes, like deadline = {year}-12-15 (not {value})",
    ),
    "deadline_time": (
        "시각 없이 날짜만 씁니다: deadline = {day} (지금 값: {value})",
        "write the day without a time, like deadline = {day} (not {value})",
    ),
    "deadline_twice": (
        "[calendar] results_deadline과 함께 쓸 수 없습니다: [evaluation]의 deadline 줄을 지우세요",
        "cannot be given with [calendar] results_deadline: delete the deadline line from [evaluation]",
    ),
    "deadline_moved": (
        "[evaluation]의 deadline은 이제 [calendar] results_deadline입니다: 그대로 읽었지만 줄을 옮겨 주세요",
        "[evaluation] deadline is now [calendar] results_deadline: read as such, but please move the line",
    ),
    "deadline_year": (
        "마감일 {deadline}이(가) 평가연도 {year}년 안에 있지 않습니다",
        "deadline {deadline} is not in the evaluation year {year}",
    ),
    "no_agencies": (
        "기관이 없습니다: 기관마다 [[agencies]] 표를 하나씩 쓰세요",
        "missing: list every agency as an [[agencies]] table",
    ),
    "duplicate_code": (
        "기관코드 {code}이(가) {first}에도 있습니다",
        "duplicate agency code {code} (also in {first})",
    ),
    "case_code": (
        "기관코드 {code}은(는) {first}의 {other}와 대소문자만 다릅니다: 파일 이름에서 같은 코드가 되므로 "
        "다른 코드를 쓰세요",
        "agency code {code} differs from {other} in {first} only in case; file names would mix them up, "
        "choose another code",
    ),
    "bad_code": (
        "기관코드 {code}에는 글자, 숫자, -, _ 만 쓸 수 있습니다 (40자 이내, 파일 이름에 들어갑니다)",
        "agency code {code} may hold only letters, digits, - and _ (at most 40; it becomes part of file names)",
    ),
    "duplicate_name": ("기관명 {name}이(가) {first}에도 있습니다", "duplicate agency name {name} (also in {first})"),
    "bad_email": (
        "전자우편 주소 하나를 이름@기관.go.kr 형식으로 써야 합니다 (지금 값: {value})",
        "must be one e-mail address like name@agency.go.kr, not {value}",
    ),
    "no_grade": ("등급을 하나 이상 적어야 합니다", "must name at least one grade"),
    "grades_decrease": (
        "기준 점수는 위에서 아래로 작아져야 합니다 (예: S = 90, A = 80, …, D = 0)",
        "thresholds must decrease (e.g. S = 90, A = 80, …, D = 0)",
    ),
    "last_grade_zero": (
        "마지막 등급은 0점에서 시작해야 합니다 (그래야 모든 총점에 등급이 매겨집니다)",
        "the last grade must start at 0 so that every total has a grade",
    ),
    "unknown_grade": ("알 수 없는 등급 {grade} (쓸 수 있는 등급: {known})", "unknown grade {grade} (known: {known})"),
    "within_0_100": ("0~100 사이여야 합니다", "must be within 0-100"),
    "not_negative": ("음수일 수 없습니다", "must not be negative"),
    "margin": ("0과 1 사이여야 합니다 (0.2는 ±20%)", "must be between 0 and 1 (0.2 means ±20%)"),
    "positive": ("0보다 커야 합니다", "must be more than 0"),
    "unknown_rule": ("알 수 없는 규칙 {rule} (쓸 수 있는 규칙: {known})", "unknown rule {rule} (known: {known})"),
    "at_least_one": ("1 이상이어야 합니다", "must be at least 1"),
    "at_least": ("{least} 이상이어야 합니다", "must be at least {least}"),
    "duplicate_member": ("평가위원 이름 {value}이(가) 두 번 있습니다", "member name {value} appears twice"),
    "list_of_tables": ("[[이름]] 표의 목록으로 써야 합니다", "must be a list of tables"),
    "unknown_agency": (
        "등록되지 않은 기관코드 {code} (등록된 코드: {known})",
        "unknown agency code {code} (known: {known})",
    ),
    "zero_points": (
        "0이 아니어야 합니다 (양수는 가점, 음수는 감점)",
        "must not be zero (positive: bonus, negative: penalty)",
    ),
    "bonus_over": (
        "{code}의 가점 합계 {total}점이 [scoring].max_bonus {max}점을 넘습니다",
        "bonuses for {code} add up to {total}, over [scoring].max_bonus ({max})",
    ),
    "duplicate_department": ("감독부서 {name}이(가) 두 번 있습니다", "department {name} is listed twice"),
    "unknown_department": (
        "감독부서 {name}이(가) [[departments]]에 없습니다 (있는 부서: {known})",
        "supervising department {name} is not listed in [[departments]] (listed: {known})",
    ),
    "password": (
        "비밀번호는 파일에 쓰지 마세요. password_env에 비밀번호를 담은 환경 변수의 이름을 쓰세요",
        "never put a password in the file; name a variable in password_env",
    ),
}
"""Mistakes of one key (or table); the reader puts `file: [table].key: ` in front."""

_KINDS: dict[type, Text] = {
    int: ("정수", "an integer"),
    float: ("숫자", "a number"),
    str: ("따옴표 안의 글", "a string"),
    bool: ("true 또는 false", "true or false"),
    list: ("목록 [...]", "a list"),
    dict: ("표", "a table"),
    date: ("따옴표 없는 날짜 YYYY-MM-DD", "a date (YYYY-MM-DD)"),
}


def kind_name(kinds: tuple[type, ...], lang: str) -> str:
    """What a key must hold, as the line names it (`an integer or a number`)."""
    joiner = " 또는 " if lang == "ko" else " or "
    kinds = tuple(k for k in kinds if not (k is int and float in kinds))  # a number, whole or not
    return joiner.join(tr(_KINDS[k], lang) if k in _KINDS else k.__name__ for k in kinds)


def shown(value: object) -> str:
    """A value as the file has it: strings quoted, `true`/`false` as TOML writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def either(choices: tuple[str, ...] | dict[str, object], lang: str) -> str:
    """`'a', 'b' or 'c'` (`'a', 'b', 'c'` before 중 하나 in Korean): the choices as the line lists them."""
    quoted = [repr(c) for c in choices]
    if lang == "ko" or len(quoted) == 1:
        return ", ".join(quoted)
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"
