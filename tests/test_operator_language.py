"""What the operator and the office read after a night is in the language asked for (issue 15, E19): the run's
problem lines, the configuration error the night raises, the status and report commands, and the details a
finding gives about a file that cannot be read (size limits, a broken zip, a missing part). Korean output holds no
English sentence, English output no Hangul, outside values quoted from the input (`tests/language.py`).
"""

from __future__ import annotations

import io
import os
import string
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from language import english_sentences, hangul_outside_values, module_texts
from test_batch import NOW, make_home, workbook
from test_hostile_names import drop_as

from pipeline.commands import committee_status, report, run, status
from pipeline.commands.report import report_command
from pipeline.commands.run import run_command
from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Text, tr
from pipeline.intake import inbox as intake
from pipeline.night import batch, faults, housekeeping, outputs, pool, records, summary
from pipeline.read import workbook as reader
from pipeline.settings.load import ConfigError, load_config
from pipeline.system.clock import ENV_NOW
from pipeline.xlsx import package

MODULES: tuple[ModuleType, ...] = (summary, records, faults, outputs, batch, housekeeping, run, report, status, reader)
MODULES += (committee_status,)


def texts() -> list[tuple[str, Text]]:
    """Every (Korean, English) pair these modules hold, alone or in a table."""
    return module_texts(MODULES)


TEXTS = texts()


def in_one_language(text: str, lang: str) -> None:
    wrong = hangul_outside_values(text) if lang == "en" else english_sentences(text)
    assert not wrong, (lang, text)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_every_text_of_the_night_and_its_commands_is_in_one_language(where: str, text: Text, lang: str) -> None:
    names = {field for template in text for _, field, _, _ in string.Formatter().parse(template) if field}
    in_one_language(tr(text, lang, **dict.fromkeys(names, 2)), lang)


def test_the_modules_hold_their_texts() -> None:
    held = {where.split("[")[0].rsplit(".", 1)[0] for where, _ in TEXTS}
    assert {m.__name__ for m in MODULES} <= held


# --- details a finding gives about a file ---------------------------------------------------------------------------
def _zip(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _lying_entry(path: Path) -> Path:
    """A zip whose one part declares more than a part may inflate to."""
    _zip(path, {"xl/workbook.xml": b"x"})
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (package.MAX_ENTRY_BYTES + 1).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def file_findings(tmp: Path) -> dict[str, Finding]:
    """One finding for each way a file can fail before its cells are read, as the pipeline makes them."""
    main, rel = "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://schemas.openxmlformats.org/"
    workbook_xml = (  # its two sheets point to parts the zip does not have
        f'<workbook xmlns="{main}" xmlns:r="{rel}officeDocument/2006/relationships"><sheets>'
        '<sheet name="기관정보" sheetId="1" r:id="rId1"/><sheet name="성과목표" sheetId="2" r:id="rId2"/></sheets></workbook>'
    ).encode()
    rels_xml = (
        f'<Relationships xmlns="{rel}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}officeDocument/2006/relationships/worksheet" Target="worksheets/a.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}officeDocument/2006/relationships/worksheet" Target="worksheets/b.xml"/>'
        "</Relationships>"
    ).encode()
    cases = {
        "cannot be opened": tmp / "no such file.xlsx",
        "broken zip": tmp.joinpath("broken.xlsx"),
        "too many entries": _zip(tmp / "entries.xlsx", {f"x/{i}": b"" for i in range(package.MAX_ENTRIES + 1)}),
        "compression method": _zip(tmp / "bzip2.xlsx", {"xl/workbook.xml": b"x"}, zipfile.ZIP_BZIP2),
        "part too large": _lying_entry(tmp / "lying.xlsx"),
        "csv": tmp / "table.xlsx",
        "unknown": tmp / "blob.xlsx",
        "missing part": _zip(
            tmp / "parts.xlsx", {"xl/workbook.xml": workbook_xml, "xl/_rels/workbook.xml.rels": rels_xml}
        ),
        "dtd": _zip(tmp / "dtd.xlsx", {"xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><workbook/>'}),
    }
    cases["broken zip"].write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    cases["csv"].write_text("기관,목표\nGJ01,100\n", encoding="utf-8")
    cases["unknown"].write_bytes(bytes(range(256)) * 4)
    found = {name: reader.read_workbook(path).findings[0] for name, path in cases.items()}
    found["file too large"] = package.sniff(cases["unknown"], max_bytes=10).finding
    os.utime(cases["unknown"], (0, 0))
    entry = intake.entry_of(cases["unknown"])
    found["too large at the inbox"] = intake.classify(entry, intake_now(), 0, 10).finding
    found["worker ended"] = finding("file.too_complex", detail=pool.WORKER_ENDED)
    return found


def intake_now():
    from datetime import datetime

    return datetime.fromisoformat(NOW)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_findings_detail_about_a_file_is_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    """The details were Korean only: English output read "(파일을 읽을 수 없음 [FileNotFoundError])", "31.5 MB,
    한도 20 MB", "압축을 풀면 …"; and Korean output read "(worker ended)"."""
    found = file_findings(tmp_path)
    assert all(f is not None and f.params for f in found.values()), found
    for f in found.values():
        in_one_language(f.message(lang), lang)
        assert Finding.from_record(f.to_record()) == f  # as the ledger keeps it, both languages
    if lang == "en":
        assert "the file cannot be read [FileNotFoundError]" in found["cannot be opened"].message("en")
    else:
        assert "파일을 읽을 수 없음 [FileNotFoundError]" in found["cannot be opened"].message("ko")


# --- what a night and its commands print --------------------------------------------------------------------------
@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_NOW, NOW)
    monkeypatch.delenv("PIPELINE_CRASH_AFTER", raising=False)
    return make_home(tmp_path / "home")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_nights_problem_lines_are_in_the_readers_language(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """ "feedback workbook failed" and "archived submission no longer passes the checks" were English in a
    Korean night."""
    workbook(home, "accepted.xlsx")
    drop_as(home, b"bad.xlsx", 1, "rejected", agency="GGCA")

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk")

    monkeypatch.setattr(batch, "write_feedback", refuse)
    run_command(load_config(home), lang=lang)
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if line.startswith("  ! ")]
    assert problems and all("bad.xlsx" in p for p in problems)
    in_one_language("\n".join(p.replace("bad.xlsx", "") for p in problems), lang)

    import sqlite3

    from pipeline.night.ledger import LEDGER_NAME

    conn = sqlite3.connect(home / "state" / LEDGER_NAME)
    with conn:
        conn.execute("DELETE FROM submissions")
        dests = [d for (d,) in conn.execute("SELECT dest FROM files WHERE outcome = 'accepted'")]
    conn.close()
    for dest in dests:
        Path(dest).write_bytes(b"no longer a workbook")
    assert report_command(load_config(home), lang) == 0
    problems = [line for line in capsys.readouterr().err.splitlines() if line.startswith("  ! ")]
    assert problems
    in_one_language("\n".join(p.replace("accepted.xlsx", "") for p in problems), lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_one_filesystem_error_is_in_the_readers_language(
    home: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    config = load_config(home)
    real = os.stat

    def stat(path, *args, **kwargs):  # the state folder on a filesystem of its own
        st = real(path, *args, **kwargs)
        if Path(path) == config.paths.state:
            return os.stat_result((*st[:2], st.st_dev + 1, *st[3:]))
        return st

    monkeypatch.setattr(housekeeping.os, "stat", stat)
    with pytest.raises(ConfigError) as caught:
        housekeeping.check_one_filesystem(config, lang)
    text = str(caught.value)
    assert "[paths]" in text
    in_one_language(text.split(": ", 1)[1].rsplit(":", 1)[0], lang)  # without the paths it names


def test_status_in_english_holds_no_korean_of_ours(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    status.status_command(load_config(home), lang="en", out=out)
    names = [a.name for a in load_config(home).agencies]
    text = out.getvalue()
    for name in names:  # the agencies' names are the office's values
        text = text.replace(name, "")
    in_one_language(text.replace(load_config(home).evaluation.title, ""), "en")


# --- the pipeline's own diagnostics -------------------------------------------------------------------------------
@pytest.mark.parametrize("others", [0, 16], ids=["checked_by_the_batch", "checked_in_the_pool"])
def test_diagnostics_go_to_the_run_log_not_the_operators_terminal(
    tmp_path: Path, monkeypatch, capfd, others: int
) -> None:
    """A feedback writer falling back (here: openpyxl refusing a workbook with an external entity) printed an
    English warning and two tracebacks on stderr, which cron mails, naming the file's path with whatever it held.
    In the pool the worker printed them."""
    import json

    import hostile

    from pipeline.settings.home import init_home

    monkeypatch.setenv(ENV_NOW, NOW)
    home = tmp_path / "home"
    init_home(home, text=hostile.config_text())
    case = hostile.BY_KEY["xxe_feedback"]
    (home / "inbox" / ("\x9b31m" + case.name)).write_bytes(case.data(tmp_path))
    for i in range(others):  # enough files for the worker pool, which writes feedback workbooks ahead
        drop_as(home, f"other-{i:02d}.xlsx".encode(), 10 + i, "rejected", agency="GJ01")
    for path in (home / "inbox").iterdir():
        os.utime(path, (0, 0))
    assert run_command(load_config(home), lang="ko", as_json=True) == 0
    out, err = capfd.readouterr()
    assert "Traceback" not in err and not english_sentences(err), err
    log = [json.loads(line) for line in Path(json.loads(out)["log"]).read_text(encoding="utf-8").splitlines()]
    diagnostics = [r for r in log if r["event"] == "diagnostic"]
    assert any(r["trace"] and "EntitiesForbidden" in r["trace"] for r in diagnostics), diagnostics
