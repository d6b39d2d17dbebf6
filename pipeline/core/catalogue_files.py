"""Findings about a file as a whole: not a workbook we can read, or refused at the inbox (CheckResult.unreadable).

Codes are stable: the ledger stores them and people search for them. Add new ones; never rename or reuse one.
"""

from __future__ import annotations

from pipeline.core.finding_types import ERROR, FileFinding, FindingType
from pipeline.core.i18n import Bilingual

FILE_FINDINGS: tuple[FindingType, ...] = (
    FileFinding(
        "file.empty",
        ERROR,
        message=("빈 파일입니다(0바이트).", "The file is empty (0 bytes)."),
        hint=("작성한 엑셀 파일을 다시 저장해 제출하세요.", "Save the filled-in workbook again and resubmit it."),
        description="The file has no content at all, usually an interrupted copy or upload.",
    ),
    FileFinding(
        "file.not_xlsx",
        ERROR,
        message=("엑셀 통합 문서(.xlsx)가 아닙니다 ({detail}).", "Not an Excel workbook (.xlsx) ({detail})."),
        hint=(
            "표준 서식(.xlsx)에 작성해 엑셀 통합 문서로 저장한 뒤 다시 제출하세요.",
            "Fill in the standard template and save it as an Excel workbook (.xlsx).",
        ),
        description="The file is not an Office Open XML workbook: another format (CSV, HTML, PDF, HWP, …) renamed.",
        params={"detail": Bilingual("CSV/텍스트", "CSV/text")},
    ),
    FileFinding(
        "file.old_format",
        ERROR,
        message=(
            "예전 엑셀 형식({detail})으로 저장된 파일입니다.",
            "The workbook is in an old Excel format ({detail}).",
        ),
        hint=(
            "엑셀에서 [다른 이름으로 저장] → 'Excel 통합 문서(*.xlsx)'로 저장해 다시 제출하세요.",
            "In Excel use Save As → 'Excel Workbook (*.xlsx)' and resubmit.",
        ),
        description="A .xls (BIFF, OLE2) or .xlsb (binary) workbook, possibly renamed to .xlsx.",
        params={"detail": ".xls"},
    ),
    FileFinding(
        "file.encrypted",
        ERROR,
        message=(
            "암호가 걸린 파일입니다: 암호를 해제하고 다시 저장해 제출하세요.",
            "The file is password-protected: remove the password, save and submit again.",
        ),
        hint=(
            "엑셀에서 [파일] → [정보] → [통합 문서 보호] → [암호 설정]에서 암호를 지우고 저장하세요.",
            "In Excel: File → Info → Protect Workbook → Encrypt with Password, clear it and save.",
        ),
        description="An encrypted workbook (an OLE2 container) cannot be read without its password.",
    ),
    FileFinding(
        "file.corrupt",
        ERROR,
        message=("파일이 손상되어 열 수 없습니다 ({detail}).", "The file is damaged and cannot be opened ({detail})."),
        hint=(
            "원본 파일을 엑셀에서 열어 다시 저장한 뒤 제출하세요. 전송 중 잘렸을 수 있습니다.",
            "Open the original in Excel, save it again and resubmit; it may have been cut off in transfer.",
        ),
        description="A broken or truncated zip, or workbook XML that cannot be parsed.",
        params={"detail": Bilingual("압축(zip) 구조가 깨짐 [BadZipFile]", "the zip structure is broken [BadZipFile]")},
    ),
    FileFinding(
        "file.too_large",
        ERROR,
        message=("파일이 너무 큽니다 ({detail}).", "The file is too large ({detail})."),
        hint=(
            "표준 서식의 시트만 남기고 그림·첨부 등을 지운 뒤 다시 저장해 제출하세요.",
            "Keep only the template's sheets, remove pictures or attachments, save and resubmit.",
        ),
        description="The file, or what it inflates to, is over the limits set to keep the nightly run safe (a zip bomb is refused"
        " before any XML is parsed).",
        params={"detail": Bilingual("31.5 MB, 한도 20 MB", "31.5 MB, limit 20 MB")},
    ),
    FileFinding(
        "file.not_template",
        ERROR,
        message=(
            "표준 서식의 시트를 찾을 수 없습니다: '{expected}' 시트가 없습니다.",
            "The template's sheets are missing: no '{expected}' sheet.",
        ),
        hint=(
            "배포된 표준 서식에 작성하고 시트 이름을 바꾸지 마세요.",
            "Use the standard template and do not rename its sheets.",
        ),
        description="A workbook, but without the 기관정보 / 성과목표 sheets (by Korean or English name).",
        params={"expected": "성과목표"},
    ),
    FileFinding(
        "file.symlink",
        ERROR,
        message=(
            "바로 가기(심볼릭 링크)는 받지 않습니다: 링크가 가리키는 파일은 열지 않았습니다.",
            "Shortcuts (symbolic links) are not accepted: the file it points to was not opened.",
        ),
        hint=(
            "바로 가기 대신 작성한 엑셀 파일 자체를 제출 폴더에 복사해 넣으세요.",
            "Copy the workbook itself into the submission folder, not a shortcut to it.",
        ),
        description="A symbolic link in the inbox: never followed (it could point anywhere on the server); the link itself is"
        " moved to rejected/.",
    ),
    FileFinding(
        "file.special",
        ERROR,
        message=(
            "일반 파일이 아닙니다(파이프·장치 등): 열지 않았습니다.",
            "Not a regular file (a pipe, socket or device): it was not opened.",
        ),
        hint=(
            "작성한 엑셀 파일을 일반 파일로 복사해 넣으세요.",
            "Copy the workbook in as an ordinary file.",
        ),
        description="A FIFO, socket or device node in the inbox: opening a FIFO would block the night, so it is never opened.",
    ),
    FileFinding(
        "file.internal_error",
        ERROR,
        message=("검사 중 내부 오류가 발생했습니다.", "An internal error occurred while checking the file."),
        hint=(
            "파일 문제가 아닐 수 있습니다: 평가부서에 이 파일을 보내 문의하세요.",
            "This may not be the file's fault: send it to the evaluation office.",
        ),
        description="A bug in the pipeline met this file; the traceback is in the log, the night goes on.",
    ),
    FileFinding(
        "file.too_complex",
        ERROR,
        message=(
            "파일을 정해진 시간·메모리 안에 읽을 수 없었습니다 ({detail}).",
            "The file could not be read within the time and memory allowed ({detail}).",
        ),
        hint=(
            "표준 서식에 목표만 적어 다시 저장하세요(붙여 넣은 표·그림·서식은 지우세요).",
            "Fill in the standard template with the goals only and save again (remove pasted tables, images, styles).",
        ),
        description="Reading and checking one file is bounded (a time limit and a memory cap per file, in the worker pool):"
        " a file that exceeds them is refused with this finding and the worker is replaced; the night goes on.",
        params={"detail": "> 60 s"},
    ),
    FileFinding(
        "file.unreadable",
        ERROR,
        message=(
            "파일을 읽을 권한이 없어 열 수 없습니다 ({detail}).",
            "The file cannot be opened: the pipeline may not read it ({detail}).",
        ),
        hint=(
            "파일 권한(읽기 허용)을 바꾸거나 자신의 계정으로 다시 복사해 넣으세요.",
            "Allow reading the file, or copy it in again under your own account.",
        ),
        description="The file's permissions (e.g. mode 000, another owner) forbid the pipeline's user to read it. It"
        " is rejected with this finding (moved to rejected/ when the inbox lets it be moved) and reported once, not"
        " retried every night as a file still being copied.",
        params={"detail": "Permission denied"},
    ),
    FileFinding(
        "agency.folder_mismatch",
        ERROR,
        message=(
            "기관 제출 폴더 inbox/{folder}/에 놓인 파일인데 기관코드가 '{agency_code}'입니다: 각 기관은 자기 폴더에만 제출할 수 "
            "있습니다.",
            "The file was dropped in the agency folder inbox/{folder}/ but carries the agency code '{agency_code}': each "
            "agency submits in its own folder only.",
        ),
        hint=(
            "자기 기관의 기관코드({folder})를 적은 파일을 자기 폴더에 넣으세요.",
            "Put a file carrying your own agency code ({folder}) into your own folder.",
        ),
        description="With `[batch] agency_folders = true`, a file in `inbox/<code>/` must carry that code: a folder only"
        " its agency may write into (deploy/README.md) then stops anyone from replacing another agency's submission."
        " The file is rejected and its feedback goes to the folder's agency. Files in the inbox root are taken as"
        " before: make the root writable by the evaluation office only.",
        params={"folder": "GJ01", "agency_code": "GJ02"},
    ),
)
