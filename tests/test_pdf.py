"""PDF beside the workbook: `[report] pdf = true` for the night and `pipeline report --pdf`; LibreOffice missing,
failing or too slow is a warning in the run summary and the log, never a failed night, and the workbook is
delivered as ever."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from books import consolidated

from pipeline.commands.report import report_command
from pipeline.report.pdf import print_to_pdf
from pipeline.settings.load import ConfigError, load_config, parse_config
from tests.test_batch import make_home, run, workbook


def stand_in(directory: Path, body: str) -> str:
    """An executable in place of soffice (a real process, killed or failing as LibreOffice would be)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "soffice"
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def day_folder(home: Path) -> Path:
    (day,) = (home / "outbox").iterdir()
    return day


@pytest.fixture
def pdf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.test_batch import ENV_NOW, NOW

    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    toml = home / "pipeline.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("pdf = false", "pdf = true"), encoding="utf-8")
    workbook(home, "광주도시철도공사_실적.xlsx", "GMRT")
    return home


@pytest.mark.real_client
def test_the_night_prints_the_workbook_to_pdf_beside_it(
    soffice: str, pdf_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = run(pdf_home, capsys)
    assert code == 0
    day = day_folder(pdf_home)
    pdf = consolidated(day).with_suffix(".pdf")
    pages = sorted(p.with_suffix(".pdf") for p in (day / "기관별").glob("*.xlsx"))  # each agency's result page
    assert pages and all(p.read_bytes().startswith(b"%PDF") for p in pages)
    assert pdf.read_bytes().startswith(b"%PDF") and summary["outputs"]["pdf"] == [str(pdf), *map(str, pages)]
    assert not [p for p in day.iterdir() if p.name.startswith(".pdf-")]  # its work folder is gone


@pytest.mark.real_client
def test_report_pdf_converts_the_per_agency_sheets_too(
    soffice: str, pdf_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(pdf_home, capsys)
    day = day_folder(pdf_home)
    sheets = sorted((day / "기관별").glob("*.xlsx"))  # the night's per-agency result pages
    for made in (day / "기관별").glob("*.pdf"):
        made.unlink()
    config = load_config(pdf_home)
    assert sheets and report_command(config, lang="ko", pdf=True) == 0
    out = capsys.readouterr().out
    for sheet in sheets:
        assert str(sheet.with_suffix(".pdf")) in out and sheet.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    sheets[0].with_suffix(".pdf").unlink()
    code = sheets[0].name.split("_", 1)[0]
    assert report_command(config, lang="ko", agency=code, pdf=True) == 0  # one agency's page and its PDF
    assert sheets[0].with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_no_libreoffice_is_a_warning_and_the_workbook_is_delivered(
    pdf_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, summary = run(pdf_home, capsys)
    assert code == 0
    assert consolidated(day_folder(pdf_home)).is_file() and not list(day_folder(pdf_home).glob("*.pdf"))
    assert any("LibreOffice(soffice)가 설치되어 있지 않습니다" in p for p in summary["problems"])
    log = "".join(p.read_text(encoding="utf-8") for p in (pdf_home / "state" / "logs").glob("*.jsonl"))
    assert '"pdf_failed"' in log


def test_a_conversion_that_hangs_is_killed_at_the_time_limit(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    marker = tmp_path / "still-running"
    soffice = stand_in(tmp_path / "bin", f"sleep 1; sleep 30 && touch {marker}")
    result = print_to_pdf([book], timeout=0.5, lang="en", soffice=soffice)
    assert result.made == [] and len(result.problems) == 1
    assert "took longer than 0.5 s" in result.problems[0]
    assert not book.with_suffix(".pdf").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_conversion_that_fails_says_so_and_makes_no_pdf(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    soffice = stand_in(tmp_path / "bin", "echo 'Error: source file could not be loaded'; exit 1")
    result = print_to_pdf([book], timeout=30, lang="ko", soffice=soffice)
    assert result.made == [] and "source file could not be loaded" in result.problems[0]
    assert "엑셀 파일은 그대로 전달됩니다" in result.problems[0]


def test_a_half_written_pdf_is_not_delivered(tmp_path: Path) -> None:
    """A conversion killed while writing leaves a PDF without its end: it is not moved beside the workbook."""
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK")
    body = 'out=""; while [ $# -gt 0 ]; do [ "$1" = --outdir ] && out="$2"; shift; done\n'
    body += 'printf "%%PDF-1.7 half" > "$out/book.pdf"; sleep 30'
    result = print_to_pdf([book], timeout=1, lang="en", soffice=stand_in(tmp_path / "bin", body))
    assert result.made == [] and not book.with_suffix(".pdf").exists()


def test_the_report_settings_are_checked(tmp_path: Path) -> None:
    from pipeline.settings.render import EXAMPLE_AGENCIES, render_config

    text = render_config(EXAMPLE_AGENCIES, year=2026, deadline=None)
    assert parse_config(text, home=tmp_path).report.pdf is False  # the default: no PDF
    on = text.replace("pdf = false", "pdf = true")
    assert parse_config(on, home=tmp_path).report.pdf is True
    with pytest.raises(ConfigError, match="pdf_timeout_seconds"):
        parse_config(text.replace("pdf_timeout_seconds = 180", "pdf_timeout_seconds = 0"), home=tmp_path)
    with pytest.raises(ConfigError, match="printer"):
        parse_config(text.replace("[report]\n", "[report]\nprinter = 1\n"), home=tmp_path)
