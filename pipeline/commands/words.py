"""What the `pipeline` command itself says, in Korean and English: every `--help` text and the command-line messages.

`cli.py` builds the command with the help of one language (`build_app`); the commands print their own lines from
here. Nothing in this module imports more than the standard library, so that `pipeline --help` stays instant.
"""

from __future__ import annotations

from pipeline.core.i18n import Text, tr

HELP: dict[str, Text] = {
    "app": (
        "공공기관 성과창출계획 엑셀 파일을 검증하고, 점수를 매기고, 보고서를 만듭니다 (매일 밤 일괄 처리).",
        "Validate, score and report public agencies' performance workbooks (nightly batch).",
    ),
    "home": (
        "pipeline.toml이 있는 작업 폴더입니다. 기본값은 $PIPELINE_HOME, 그것도 없으면 현재 폴더입니다.",
        "Working home holding pipeline.toml (default: $PIPELINE_HOME, else the current folder).",
    ),
    "lang": (
        "사람이 읽는 모든 글의 언어: ko(기본값) 또는 en. 명령 앞이나 뒤에 씁니다. $PIPELINE_LANG으로도 정합니다.",
        "Language of everything a person reads: ko (default) or en, before or after the command; also $PIPELINE_LANG.",
    ),
    "init": (
        "작업 폴더를 만듭니다: 설명이 달린 pipeline.toml과 inbox/ outbox/ archive/ rejected/ state/ 폴더.",
        "Create a working home: a commented pipeline.toml and the inbox/ outbox/ archive/ rejected/ state/ folders.",
    ),
    "init.directory": ("작업 폴더로 만들 폴더입니다.", "Folder to make into a working home."),
    "init.force": ("이미 있는 pipeline.toml을 덮어씁니다.", "Overwrite an existing pipeline.toml."),
    "init.agency_folders": (
        "inbox/ 안에 기관마다 기관코드 이름의 제출 폴더를 만들고 agency_folders = true로 씁니다: 그 폴더의 파일은 그 "
        "기관의 기관코드여야 합니다.",
        "Make a drop folder per agency in inbox/, named by its code, and write agency_folders = true: a file there "
        "must carry that agency's code.",
    ),
    "template": (
        "표준 서식 엑셀 파일을 씁니다: 빈 서식, 또는 한 기관이나 모든 기관의 기관정보를 채운 서식.",
        "Write the standard template workbook: blank, or prefilled for one or every agency.",
    ),
    "template.agency": ("이 기관코드의 기관정보를 채웁니다.", "Prefill the agency block for this agency code."),
    "template.all": (
        "기관마다 기관정보를 채운 서식을 하나씩 씁니다. agency_folders = true이면 없는 기관 제출 폴더도 만듭니다.",
        "Write one prefilled template per agency; with agency_folders = true, also make missing agency folders.",
    ),
    "template.out": (
        "쓸 파일 또는 폴더입니다. 폴더이면 그 안에 씁니다(--all은 폴더만). 기본값은 작업 폴더의 templates/입니다.",
        "File or folder to write; a folder gets the usual file name (--all takes a folder only). "
        "Default: templates/ in the home.",
    ),
    "template.force": ("이미 있는 파일을 덮어씁니다.", "Overwrite files that exist."),
    "template.kind": (
        "서식의 제출구분: plan(계획), midyear(중간점검), results(실적). 기본값은 [calendar]에서 오늘 열려 있는 단계입니다."
        " 중간점검·실적 서식은 확정된 계획을 채우고 계획 열을 잠급니다.",
        "The template's kind: plan, midyear or results. Default: the phase open today by [calendar]. Mid-year and"
        " results templates carry the confirmed plan, its columns locked.",
    ),
    "plan": (
        "연초 성과창출계획: 기관의 계획을 확정하고(confirm) 확정된 계획을 보며(show) 책자를 만듭니다(book).",
        "The year-start plans: confirm an agency's plan, show the confirmed plan, write the plan book.",
    ),
    "plan.confirm": (
        "기관의 현재 접수된 계획 파일을 계획으로 확정합니다(제1차, 제2차 …). 이후 실적은 이 계획과 대조합니다.",
        "Confirm each agency's current accepted plan file as its plan (version 1, 2, …); results are then judged"
        " against it.",
    ),
    "plan.codes": ("확정할 기관코드(여러 개 가능).", "Agency codes to confirm (one or more)."),
    "plan.all": ("계획 파일이 접수된 모든 기관을 확정합니다.", "Confirm every agency that has an accepted plan file."),
    "plan.note": ("확정에 남길 메모.", "A note kept with the confirmation."),
    "plan.show": (
        "기관의 확정된 계획을 목표별로 보여 주고, 그 뒤 접수된 변경요청이 있으면 바뀐 내용을 보여 줍니다.",
        "Print an agency's confirmed plan goal by goal, and the changes of a change request accepted since.",
    ),
    "plan.code": ("기관코드.", "Agency code."),
    "plan.book": (
        "연초 보고회용 성과창출계획 책자(요약, 기관별 확정 목표, 계획변경)를 outbox/의 오늘 날짜 폴더에 씁니다.",
        "Write the year-start plan book (summary, every confirmed goal by agency, plan changes) to today's folder in outbox/.",
    ),
    "status.json": (
        "기관별·단계별(계획, 중간점검, 실적) 현황을 JSON으로 씁니다.",
        "Write the status per agency and phase (plan, mid-year, results) as JSON.",
    ),
    "validate": (
        "엑셀 파일을 검사해 모든 문제를 칸마다 알려 줍니다. 종료 코드: 0 정상, 65 오류 있음, 66 열 수 없음.",
        "Check workbooks and report every problem, cell by cell. Exit 0 clean, 65 errors, 66 unreadable.",
    ),
    "validate.files": ("검사할 엑셀 파일입니다.", "Workbooks to check."),
    "validate.json": ("결과를 JSON으로 표준 출력에 씁니다.", "Print findings as JSON on stdout."),
    "validate.feedback": (
        "파일마다 검토 결과 엑셀 파일을 이 폴더에 씁니다.",
        "Write a feedback workbook per file into this folder.",
    ),
    "run": (
        "매일 밤 일괄 처리: inbox의 파일을 받아 검증하고, 점수를 매기고, 보고서를 쓰고, 메일을 보냅니다.",
        "The nightly batch: pick up inbox files, validate, score, report, mail.",
    ),
    "run.dry_run": (
        "검증과 채점만 합니다. 파일을 쓰거나 옮기지 않고 메일도 보내지 않습니다.",
        "Validate and score; write, move and send nothing.",
    ),
    "run.json": ("실행 요약을 JSON으로 표준 출력에 씁니다.", "Print the run summary as JSON on stdout."),
    "status": (
        "기관별 현재 제출 파일, 총점과 등급, 남은 문제, 미제출 기관, 최근 실행을 보여 줍니다.",
        "Per agency: current submission, total and grade, open problems; agencies not yet submitted; last runs.",
    ),
    "report": (
        "inbox는 건드리지 않고 처리 기록(ledger)에서 오늘의 결과물(엑셀 파일, results.json)을 다시 만듭니다.",
        "Rebuild today's outputs (workbook, results.json) from the ledger without touching the inbox.",
    ),
    "report.agency": (
        "이 기관의 기관별 결과표(A4 한 쪽) 하나만 오늘의 outbox 폴더에 만듭니다.",
        "Make only this agency's one-page result, in today's outbox folder.",
    ),
    "rollover": (
        "평가연도를 마감합니다: 처리 기록과 결과물을 years 폴더에 연도별로 읽기 전용으로 보관하고, "
        "[evaluation] year를 다음 해로 올리고, 올해 목표를 채운 다음 해 계획 양식을 만듭니다.",
        "Close the evaluation year: keep its ledger and outputs read only in the home's years folder, raise "
        "[evaluation] year, and write next year's plan templates prefilled with this year's goals.",
    ),
    "rollover.year": ("마감할 평가연도 (지금의 [evaluation] year)", "The year to close (today's [evaluation] year)."),
    "demo": (
        "실제 사례의 24개 기관으로 데모 작업 폴더를 만들고, 제출 파일을 채운 뒤, 일괄 처리를 실행합니다.",
        "Build a demo home with the 24 agencies of the real case, fill their workbooks, and run the batch.",
    ),
    "demo.directory": ("데모 작업 폴더입니다.", "Folder for the demo home."),
    "report.pdf": (
        "통합 엑셀 파일(과 기관별 결과표)을 LibreOffice로 PDF로도 만듭니다 ([report] pdf = true와 같음).",
        "Also print the workbook (and the per-agency result sheets) to PDF with LibreOffice (as [report] pdf = true).",
    ),
    "demo.seed": ("만들 엑셀 파일의 난수 시드입니다.", "Seed of the generated workbooks."),
}
"""Every `--help` text, by command and option (`command.option`)."""

SAY: dict[str, Text] = {
    "bad_kind": (
        "--kind 값은 {known} 중 하나여야 합니다 (지금 값: {value})",
        "--kind must be one of {known}, not {value}",
    ),
    "bad_lang": (
        "{name} 값은 'ko' 또는 'en'이어야 합니다 (지금 값: {value})",
        "{name} must be 'ko' or 'en', not {value}",
    ),
    "created": ("만들었습니다: {path}", "created {path}"),
    "exists": ("{path}: 이미 있습니다 (덮어쓰려면 --force)", "{path}: already exists (use --force to overwrite)"),
    "cannot_create": ("{path}: 만들 수 없습니다 ({reason})", "{path}: cannot be created ({reason})"),
    "all_needs_folder": (
        "{path}: 파일입니다. --all은 기관마다 파일을 하나씩 쓰므로 폴더를 지정하세요",
        "{path}: is a file; --all writes one file per agency, so give a folder",
    ),
    "unknown_agency": (
        "등록되지 않은 기관코드 {code} (등록된 코드: {known})",
        "unknown agency code {code} (known: {known})",
    ),
    "no_result": (
        "{code}: 채점된 결과가 없습니다 (접수된 제출 파일이 없음)",
        "{code}: no scored result (no accepted submission)",
    ),
    "no_file": ("{path}: 파일이 없습니다", "{path}: no such file"),
    "folder": ("{path}: 폴더입니다. 폴더 안의 엑셀 파일을 지정하세요", "{path}: is a folder; name the workbooks in it"),
    "not_regular": (
        "{path}: 일반 파일이 아닙니다 (장치나 파이프). 엑셀 파일을 지정하세요",
        "{path}: not a regular file (a device or a pipe); name a workbook",
    ),
    "no_permission": ("{path}: 읽을 권한이 없습니다", "{path}: permission denied"),
    "cannot_read": ("{path}: 읽을 수 없습니다 ({reason})", "{path}: cannot be read ({reason})"),
    "permission": ("권한 없음", "permission denied"),
    "is_folder": ("같은 이름의 폴더가 있음", "a folder of that name exists"),
    "file_in_the_way": ("같은 이름의 파일이 있음", "a file of that name is in the way"),
    "os_error": ("운영체제 오류 {errno}", "system error {errno}"),
}
"""The commands' own lines (the stages below speak for themselves)."""


def os_reason(exc: OSError, lang: str) -> str:
    """Why the system refused, in a few words a person reads (not Python's `[Errno 13] …`)."""
    if isinstance(exc, PermissionError):
        return tr(SAY["permission"], lang)
    if isinstance(exc, IsADirectoryError):
        return tr(SAY["is_folder"], lang)
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return tr(SAY["file_in_the_way"], lang)
    return tr(SAY["os_error"], lang, errno=exc.errno)
