"""Issue 9: the hostile corpus in one night. Every bad file is rejected with a code and a Korean reason, within
bounded memory, moved out of the inbox (a symlink never followed) and recorded; the valid files around them are
accepted and scored as on any night.

The corpus is built by `tests/hostile.py`. Each file is first checked alone in a forked child (`hostile.measure`)
to measure its peak memory; memory is asserted, time is only recorded (never asserted: timed tests are flaky).
Set HOSTILE_REPORT=path to write the measured table used in docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

import factory
import hostile
import pytest
from hostile import ACCEPTED, CASES, REJECTED, Case, Cost
from test_batch import NOW, OLD, TODAY, ledger_rows

from pipeline.commands.run import run_command
from pipeline.core.findings import Finding
from pipeline.settings.home import init_home
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

HANGUL = re.compile(r"[가-힣]")
SECRET = "TOP-SECRET-비밀-31337"
PEAK_MB = 300
"""Per-file memory bound asserted (the issue: 'a few hundred MB'); the worst case measures well below it."""


@dataclass
class Night:
    home: Path
    code: int
    summary: dict[str, Any]
    rows: dict[str, Any]  # original name → ledger row
    costs: dict[str, Cost]
    outside: Path  # the symlink's target, outside the inbox


VALID = {  # the valid submissions dropped among the bad ones: name → (agency, bytes, seconds before OLD)
    "GJ01 먼저 보낸 것.xlsx": ("GJ01", lambda: hostile.valid_bytes("GJ01", goal_rows=factory.goals(g1={"actual": 3000})), 900),
    "GJ01 나중에 보낸 것.xlsx": ("GJ01", lambda: hostile.valid_bytes("GJ01"), -60),
    "GJ02 성과계획.xlsx": ("GJ02", lambda: hostile.valid_bytes("GJ02"), 800),
}  # fmt: skip


def _drop(path: Path, data: bytes, mtime: float) -> None:
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    """The corpus and the valid files in one inbox, each bad file measured alone, then one batch run."""
    root = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_NOW, NOW)
        mp.delenv("PIPELINE_CRASH_AFTER", raising=False)
        home = root / "home"
        init_home(home, text=hostile.config_text())
        config = load_config(home)
        inbox = home / "inbox"
        scratch = root / "scratch"
        (scratch / "feedback").mkdir(parents=True)
        (scratch / "secret.txt").write_text(SECRET, encoding="utf-8")  # what the XXE cases try to read
        outside = root / "outside.xlsx"
        outside.write_bytes(SECRET.encode())
        for name, (_, build, before) in VALID.items():
            _drop(inbox / name, build(), OLD - before)
        warm = scratch / "warm.xlsx"  # first use builds schemas and imports: measure files, not start-up
        warm.write_bytes(hostile.valid_bytes(edit=factory.set_cell("성과목표", hostile.W1, -20)))
        hostile.measure(warm, config, scratch / "feedback")
        from pipeline.feedback.write import write_feedback
        from pipeline.validate.check import check_file

        write_feedback(warm, list(check_file(warm, config).findings), scratch / "feedback" / "warm_feedback.xlsx")
        costs = {}
        for i, case in enumerate(CASES):
            mtime = OLD - 600 + i  # dropped in order, all between GJ01's two files
            path = inbox / case.name
            if case.special == "symlink":
                path.symlink_to(outside)
                os.utime(path, (mtime, mtime), follow_symlinks=False)
            elif case.special == "fifo":
                os.mkfifo(path)
                os.utime(path, (mtime, mtime))
            else:
                assert case.data is not None
                data = case.data(scratch)
                _drop(path, data, mtime)
                alone = scratch / f"{case.key}.xlsx"
                alone.write_bytes(data)
                costs[case.key] = hostile.measure(alone, config, scratch / "feedback")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run_command(config, lang="ko", as_json=True)
    rows = {r["original_name"]: r for r in ledger_rows(home)}
    night = Night(home, code, json.loads(out.getvalue()), rows, costs, outside)
    report = os.environ.get("HOSTILE_REPORT")
    if report:
        Path(report).write_text(_cost_table(night), encoding="utf-8")
    return night


def _cost_table(night: Night) -> str:
    lines = ["| case | bytes on disk | seconds | peak MB | codes |", "|---|---:|---:|---:|---|"]
    for case in CASES:
        cost = night.costs.get(case.key)
        if cost is None:
            continue
        size = _size(night, case)
        codes = ", ".join(dict.fromkeys(cost.codes)) or "—"
        lines.append(f"| {case.key} | {size:,} | {cost.seconds:.2f} | {cost.peak_mb:.1f} | {codes} |")
    return "\n".join(lines) + "\n"


def _size(night: Night, case: Case) -> int:
    return os.lstat(night.rows[case.name]["dest"]).st_size


def _findings(row: Any) -> list[Finding]:
    return [Finding.from_record(r) for r in json.loads(row["findings"])]


# --- the night as a whole ----------------------------------------------------------------------------------------
def test_the_corpus_is_the_issue_s_list_and_more() -> None:
    assert len(CASES) >= 30
    assert len({c.key for c in CASES}) == len({c.name for c in CASES}) == len(CASES)


def test_the_night_completes_and_leaves_the_inbox_empty(night: Night) -> None:
    assert night.code == 0, night.summary["problems"]
    assert night.summary["problems"] == []
    assert os.listdir(night.home / "inbox") == []
    counts = night.summary["counts"]
    accepted = sum(c.outcome == ACCEPTED for c in CASES) + len(VALID)
    assert (counts["accepted"], counts["rejected"]) == (accepted, len(CASES) + len(VALID) - accepted)
    assert set(night.rows) == {c.name for c in CASES} | set(VALID)  # every file recorded once in the ledger
    assert all(r["state"] == "done" for r in night.rows.values())


def test_valid_files_among_the_bad_ones_are_accepted_and_scored(night: Night) -> None:
    doc = json.loads((night.home / "outbox" / TODAY / "results.json").read_text(encoding="utf-8"))
    agencies = {a["code"]: a for a in doc["agencies"]}
    for code in ("GJ01", "GJ02", "GJ03", "GJ04", "GJ05", "GJ06", "GJ07"):
        assert agencies[code]["status"] == "accepted", code
        assert agencies[code]["total"] is not None and agencies[code]["rank"] is not None
    assert agencies[hostile.BAD]["status"] == "rejected"
    # GJ04 (heading moved down), GJ05 (columns shuffled) and GJ06 (claimed grid) read like the plain template
    plain = agencies["GJ02"]["total"]
    assert agencies["GJ04"]["total"] == agencies["GJ05"]["total"] == agencies["GJ06"]["total"] == plain


def test_two_files_for_one_agency_the_later_received_wins_and_both_are_recorded(night: Night) -> None:
    first, later = night.rows["GJ01 먼저 보낸 것.xlsx"], night.rows["GJ01 나중에 보낸 것.xlsx"]
    assert first["outcome"] == later["outcome"] == "accepted"
    assert first["superseded_by"] == later["sha256"] and later["superseded_by"] is None
    doc = json.loads((night.home / "outbox" / TODAY / "results.json").read_text(encoding="utf-8"))
    gj01 = next(a for a in doc["agencies"] if a["code"] == "GJ01")
    assert gj01["submission"]["file"] == "GJ01 나중에 보낸 것.xlsx"
    assert len(os.listdir(night.home / "archive" / "GJ01")) == 2


# --- each case ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_each_case_gets_its_outcome_a_code_and_a_korean_reason(night: Night, case: Case) -> None:
    row = night.rows[case.name]
    report = next(f for f in night.summary["files"] if f["file"] == case.name)
    findings = _findings(row)
    assert (report["outcome"], row["outcome"]) == (case.outcome, case.outcome), [f.code for f in findings]
    dest = Path(row["dest"])
    assert os.path.lexists(dest) and not os.path.lexists(night.home / "inbox" / case.name)
    if case.outcome == REJECTED:
        first = next(f for f in findings if f.is_error)
        assert (first.code, first.ref) == (case.code, case.ref), [(f.code, f.ref) for f in findings]
        assert report["reason"] == first.message("ko")
        assert HANGUL.search(first.message("ko")) and HANGUL.search(first.hint("ko"))
        assert dest.parent == night.home / "rejected" / TODAY
        assert row["agency"] == case.agency or (case.agency is None and row["agency"] in (None, hostile.BAD))
    else:
        assert not any(f.is_error for f in findings), [f.code for f in findings]
        assert case.code is None or case.code in [f.code for f in findings]
        assert dest.parent == night.home / "archive" / str(case.agency)


@pytest.mark.parametrize("case", [c for c in CASES if c.data is not None], ids=lambda c: c.key)
def test_each_file_is_checked_within_bounded_memory(night: Night, case: Case) -> None:
    cost = night.costs[case.key]
    assert cost.error == "", cost.error  # a MemoryError here means a cap is missing
    assert cost.peak_mb < PEAK_MB, f"{case.key}: {cost.peak_mb:.0f} MB"
    expected = case.code if case.outcome == REJECTED else None
    assert expected is None or expected in cost.codes


def test_nan_inf_and_1e308_each_name_their_cell(night: Night) -> None:
    case = hostile.BY_KEY["nan_inf"]
    found = {(f.code, f.ref) for f in _findings(night.rows[case.name])}
    assert {(case.code, case.ref), *case.extra["also"]} <= found


# --- what must never happen ----------------------------------------------------------------------------------------
def test_a_symlink_is_never_followed_out_of_the_inbox(night: Night) -> None:
    row = night.rows[hostile.BY_KEY["symlink"].name]
    link = Path(row["dest"])
    assert link.is_symlink() and os.readlink(link) == str(night.outside)  # the link itself was moved
    assert night.outside.read_bytes() == SECRET.encode()  # its target untouched, never read
    assert row["sha256"] == "" and row["feedback"] is None
    fifo = Path(night.rows[hostile.BY_KEY["fifo"].name]["dest"])
    assert fifo.is_fifo()


def _texts_under(folder: Path) -> str:
    """Everything the night wrote, as text: files, and every part of every workbook."""
    out = []
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"PK" and path.parent.name != "rejected":
            with contextlib.suppress(zipfile.BadZipFile), zipfile.ZipFile(io.BytesIO(data)) as zf:
                data = b"".join(zf.read(n) for n in zf.namelist() if zf.getinfo(n).file_size < 8 * hostile.MB)
        out.append(data.decode("utf-8", errors="replace"))
    return "\n".join(out)


def test_no_external_entity_was_resolved_anywhere(night: Night) -> None:
    written = _texts_under(night.home / "outbox") + _texts_under(night.home / "state")
    assert SECRET not in written
    for key in ("xxe", "billion_laughs"):
        detail = dict(_findings(night.rows[hostile.BY_KEY[key].name])[0].params)["detail"]
        assert "DTD" in detail.ko and HANGUL.search(detail.ko) and "DTD" in detail.en and not HANGUL.search(detail.en)
    feedback = Path(night.rows[hostile.BY_KEY["xxe_feedback"].name]["feedback"])
    assert feedback.is_file() and SECRET not in _texts_under(feedback.parent)


def test_rejected_files_get_a_feedback_workbook_that_opens(night: Night) -> None:
    from openpyxl import load_workbook

    for case in CASES:
        row = night.rows[case.name]
        if case.outcome == REJECTED and not case.special:
            wb = load_workbook(row["feedback"])
            assert wb.sheetnames[0] == "검토결과"
            assert case.code in [c.value for c in wb["검토결과"]["G"]]


def test_every_feedback_workbook_is_well_formed_and_carries_values_only(night: Night) -> None:
    """Issue 15: no formula and no macro, link or embedded part in any copy sent back, every XML part of it
    well-formed (strict parser), and a file name's U+FFFE shown as U+FFFD."""
    from openpyxl import load_workbook

    active = re.compile(r"vbaProject|externalLink|embeddings/|activeX|connections\.xml|calcChain|customUI")
    for case in CASES:
        row = night.rows[case.name]
        if case.outcome != REJECTED or case.special:
            continue
        with zipfile.ZipFile(row["feedback"]) as zf:
            parts = {n: zf.read(n) for n in zf.namelist()}
        for name, data in parts.items():
            assert not active.search(name), (case.key, name)
            assert re.search(rb"<(?:\w+:)?f[\s/>]", data) is None, (case.key, name)
            if name.endswith((".xml", ".rels", ".vml")):
                expat.ParserCreate().Parse(data, True)
        assert b"macroEnabled" not in parts["[Content_Types].xml"], case.key
    live = load_workbook(night.rows[hostile.BY_KEY["live_content"].name]["feedback"])
    assert live["성과목표"]["T5"].value == "안녕" and live["성과목표"]["T5"].data_type == "s"
    odd = load_workbook(night.rows[hostile.ODD_CHAR_NAME]["feedback"])
    assert odd["검토결과"]["A2"].value == "파일: 제출\ufffd파일.xlsx"


def test_odd_text_reaches_the_meeting_workbook_as_text(night: Night) -> None:
    from openpyxl import load_workbook

    doc = json.loads((night.home / "outbox" / TODAY / "results.json").read_text(encoding="utf-8"))
    gj07 = next(a for a in doc["agencies"] if a["code"] == "GJ07")
    goal = gj07["goals"][0]["goal"]
    assert "😀👍🏽" in goal and "\u202e" in goal and 'HYPERLINK("http://evil.example"' in goal
    workbook = Path(night.summary["outputs"]["workbook"])
    wb = load_workbook(workbook)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    shown = [c for c in cells if "😀👍🏽" in c.value]
    assert shown, "the goal text is in the meeting workbook"
    assert all(c.data_type == "s" for c in shown)  # "=HYPERLINK(…)" text stays text, never a formula
    assert not any(c.data_type == "f" and "evil.example" in str(c.value) for c in cells)


def test_a_file_name_with_quotes_korean_and_dots_stays_in_its_folder(night: Night) -> None:
    row = night.rows[hostile.WEIRD_NAME]
    dest = Path(row["dest"])
    assert dest.parent == night.home / "archive" / "GJ03"
    assert dest.name.endswith("_최종 .._.._'제출' \"확정\" (2) ..  성과 계획 .xlsx")  # backslashes made harmless
    assert row["original_name"] == hostile.WEIRD_NAME  # the ledger keeps the name as received
