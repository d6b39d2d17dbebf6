"""A small, fast version of the benchmark (bench/run.py): the corpus generator, the real batch on it (through the
worker pool) and the naive script on the same files. It asserts what they produce, never how fast they are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from pipeline.night.ledger import LEDGER_NAME, Ledger  # noqa: E402
from pipeline.night.prefetch import POOL_MIN_FILES  # noqa: E402
from pipeline.scoring.city import score_city  # noqa: E402
from pipeline.settings.home import init_home  # noqa: E402
from pipeline.settings.load import parse_config  # noqa: E402
from pipeline.validate.check import check_file  # noqa: E402

N = POOL_MIN_FILES + 8  # enough files for the batch to use its worker pool


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A corpus of N workbooks (a quarter invalid), copied into a fresh home, and one real `pipeline run`."""
    tmp = tmp_path_factory.mktemp("bench")
    small = corpus.build(N, seed=7, cache=tmp / "cache", use_soffice=False, invalid_share=0.25)
    home = tmp / "home"
    init_home(home, text=small.config_text)
    for path in small.files:
        os.link(path, home / "inbox" / path.name)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--home", str(home), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {"corpus": small, "home": home, "summary": json.loads(done.stdout)}


def test_corpus_is_seeded_and_has_invalid_files(night: dict, tmp_path: Path) -> None:
    small = night["corpus"]
    assert len(small.files) == N
    assert 0 < small.invalid < N
    again = corpus.build(N, seed=7, cache=tmp_path, use_soffice=False, invalid_share=0.25)
    assert again.invalid_files == small.invalid_files
    with zipfile.ZipFile(small.files[0]) as a, zipfile.ZipFile(again.files[0]) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        cells = [name for name in a.namelist() if name.startswith("xl/")]  # docProps hold the save time
        assert cells and all(a.read(name) == b.read(name) for name in cells)


def test_batch_accepts_the_valid_and_rejects_the_invalid(night: dict) -> None:
    small, summary = night["corpus"], night["summary"]
    assert summary["counts"]["accepted"] == N - small.invalid
    assert summary["counts"]["rejected"] == small.invalid
    rejected = {Path(f["file"]).name for f in summary["files"] if f["outcome"] == "rejected"}
    assert rejected == set(small.invalid_files)


def test_every_rejected_file_gets_its_feedback_workbook(night: dict) -> None:
    summary = night["summary"]
    feedback = [Path(p) for p in summary["outputs"]["feedback"]]
    assert len(feedback) == night["corpus"].invalid
    for path in feedback:
        with zipfile.ZipFile(path) as zf:
            assert "xl/workbook.xml" in zf.namelist()
    for f in summary["files"]:
        if f["outcome"] == "rejected":
            assert f["feedback"] and Path(f["feedback"]).is_file()


def test_pool_judges_each_file_as_check_file_does(night: dict) -> None:
    """The worker pool (chunked validation) and the one-file path give the same findings for every file."""
    home = night["home"]
    config = parse_config(night["corpus"].config_text, home=home)
    ledger = Ledger.open(home / "state")
    try:
        rows = ledger.received()
    finally:
        ledger.close()
    assert len(rows) == N and (home / "state" / LEDGER_NAME).is_file()
    for row in rows:
        alone = check_file(row.dest, config)
        assert [f.to_record() for f in row.findings] == [f.to_record() for f in alone.findings], row.original_name


def test_results_json_scores_every_accepted_submission(night: dict) -> None:
    home, small = night["home"], night["corpus"]
    config = parse_config(small.config_text, home=home)
    results = json.loads(Path(night["summary"]["outputs"]["results_json"]).read_text(encoding="utf-8"))
    by_code = {a["code"]: a for a in results["agencies"]}
    assert len(by_code) == N
    submissions = {}
    for path in sorted((home / "archive").rglob("*.xlsx")):
        result = check_file(path, config)
        assert result.ok and result.submission is not None
        submissions[result.agency_code] = result.submission
    expected = score_city(config, submissions)
    for agency in expected.agencies:
        if agency.code in submissions:
            assert by_code[agency.code]["status"] == "accepted"
            assert by_code[agency.code]["total"] == pytest.approx(float(agency.total))
    assert Path(night["summary"]["outputs"]["workbook"]).is_file()


def test_run_log_has_the_stage_figures(night: dict) -> None:
    log = Path(night["summary"]["log"])
    stages = {json.loads(line).get("stage") for line in log.read_text(encoding="utf-8").splitlines()}
    assert {"read_validate", "intake", "score", "write"} <= stages


def test_naive_script_reads_the_same_files(night: dict, tmp_path: Path) -> None:
    small = night["corpus"]
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(str(p) for p in small.files), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "naive.py"), "--list", str(listing), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["files"] == N
    assert 0 < figures["invalid"] <= small.invalid  # it misses what only the real checks catch (year, units)
    assert (tmp_path / "out" / "naive_report.xlsx").is_file()
