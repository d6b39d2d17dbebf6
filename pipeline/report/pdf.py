"""A PDF beside each workbook, printed by LibreOffice headless (`soffice --convert-to pdf`): what an officer would
get by opening the workbook and printing it, page setup and all (`print_setup`).

Never a reason for the night to fail: LibreOffice missing, a conversion that fails or outlasts its time limit
gives a problem line (for the log and the run summary) and no PDF; the workbooks are delivered as they are.
Each PDF is written under a temporary folder beside its workbook and renamed into place, so a killed conversion
leaves no half PDF; LibreOffice runs with a private profile (a second instance, another user's or a desktop's,
would otherwise make it quit at once) in its own process group, killed whole at the time limit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.i18n import Text, tr

__all__ = ["PdfResult", "find_soffice", "print_to_pdf"]

T_NO_SOFFICE: Text = (
    "PDF를 만들지 않았습니다: LibreOffice(soffice)가 설치되어 있지 않습니다. 통합 엑셀 파일은 그대로 전달됩니다.",
    "no PDF made: LibreOffice (soffice) is not installed. The workbooks are delivered as they are.",
)
T_TIMEOUT: Text = (
    "PDF를 만들지 못했습니다 ({name}): {seconds:g}초 안에 끝나지 않았습니다. 엑셀 파일은 그대로 전달됩니다.",
    "no PDF of {name}: the conversion took longer than {seconds:g} s. The workbook is delivered as it is.",
)
T_FAILED: Text = (
    "PDF를 만들지 못했습니다 ({name}): {reason}. 엑셀 파일은 그대로 전달됩니다.",
    "no PDF of {name}: {reason}. The workbook is delivered as it is.",
)


@dataclass
class PdfResult:
    """The PDFs made and, one line each, what went wrong (in the run's language)."""

    made: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def print_to_pdf(workbooks: Sequence[Path], timeout: float, lang: str, soffice: str | None = None) -> PdfResult:
    """A PDF beside each of `workbooks` (`name.xlsx` → `name.pdf`): one LibreOffice run per folder (it starts in
    seconds and converts a small workbook in a fraction of one), given `timeout` seconds a workbook."""
    result = PdfResult()
    if not workbooks:
        return result
    soffice = soffice or find_soffice()
    if soffice is None:
        result.problems.append(tr(T_NO_SOFFICE, lang))
        return result
    folders: dict[Path, list[Path]] = {}
    for workbook in workbooks:
        folders.setdefault(Path(workbook).parent, []).append(Path(workbook))
    for folder, books in folders.items():
        try:
            made, failure = _convert(soffice, folder, books, timeout)
        except OSError as exc:  # LibreOffice cannot be started, the folder cannot be written
            made, failure = [], (str(exc) or repr(exc))
        result.made += made
        for book in books:
            if book.with_suffix(".pdf") in made:
                continue
            if failure is None:
                result.problems.append(tr(T_TIMEOUT, lang, name=book.name, seconds=timeout))
            else:
                result.problems.append(tr(T_FAILED, lang, name=book.name, reason=failure))
    return result


def _convert(soffice: str, folder: Path, books: list[Path], timeout: float) -> tuple[list[Path], str | None]:
    """The PDFs made of `books` (all in `folder`) and, when some are missing, why (None: the time ran out)."""
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=folder) as tmp:
        work = Path(tmp)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *map(str, books),
        ]
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        failure: str | None
        try:
            output, _ = proc.communicate(timeout=timeout * len(books))
            last = (output or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            failure = f"LibreOffice: {last[0][:200]}"
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            failure = None
        made = []
        for book in books:
            pdf = work / (book.stem + ".pdf")
            if pdf.is_file() and b"%%EOF" in _tail(pdf):  # whole: a conversion cut short may leave half a file
                os.replace(pdf, book.with_suffix(".pdf"))
                made.append(book.with_suffix(".pdf"))
    return made, failure


def _tail(path: Path) -> bytes:
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 1024))
        return f.read()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """soffice starts soffice.bin as its child: the whole group goes."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
