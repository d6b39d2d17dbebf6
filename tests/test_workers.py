"""The worker pool: results in order, and every file bounded in time and memory (a stuck, greedy or crashing
read becomes `file.too_complex` for that file alone; the other files of its chunk are still checked)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from factory import config, write

from pipeline.intake import inbox as intake
from pipeline.night import pool as workers
from pipeline.night.pool import CheckPool, chunked
from pipeline.night.scored import accepted
from pipeline.validate.check import check_file

BAD = "bad.xlsx"


def _entries(tmp_path: Path, n: int = 5) -> list[intake.Entry]:
    first = write(tmp_path / "0.xlsx")
    paths = [first]
    for i in range(1, n):
        target = tmp_path / (BAD if i == 2 else f"{i}.xlsx")
        target.write_bytes(first.read_bytes())
        paths.append(target)
    entries = [intake.entry_of(p) for p in paths]
    assert all(e is not None for e in entries)
    return entries  # type: ignore[return-value]


def _patch_bad(monkeypatch: pytest.MonkeyPatch, misbehave) -> None:
    """Workers are forked: the pool's reader patched in the parent is the workers' reader."""
    real = workers.read_workbook

    def patched(path: Path, *args, **kwargs):
        if Path(path).name == BAD:
            misbehave()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(workers, "read_workbook", patched)


def _codes(pool: CheckPool, entries: list[intake.Entry]) -> list[list[str]]:
    return [[f.code for f in c.result.findings] for c in pool.check(entries)]


def test_results_come_back_in_order_and_match_check_file(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    entries = _entries(tmp_path, 7)
    with CheckPool(cfg, processes=2, chunk=2) as pool:
        checked = list(pool.check(entries))
    assert [c.entry for c in checked] == entries
    for c in checked:
        alone = check_file(c.entry.path, cfg)
        assert c.result.findings == alone.findings and c.result.ok == alone.ok
        assert c.result.submission is None  # only its ledger text and score travel back
        assert c.accepted == accepted(alone, cfg, "ko") and c.accepted is not None
        assert c.accepted.scored is not None and c.accepted.scored.code == alone.agency_code
        assert c.sha256 == intake.sha256_of(c.entry)


def test_a_slow_file_is_stopped_by_its_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_bad(monkeypatch, lambda: time.sleep(60))
    with CheckPool(config(tmp_path), processes=1, file_seconds=0.5, chunk=5) as pool:
        codes = _codes(pool, _entries(tmp_path))
    assert codes[2] == ["file.too_complex"]
    assert all(c == [] for i, c in enumerate(codes) if i != 2)


def test_a_stuck_worker_is_killed_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # deaf to its own time limit
        time.sleep(60)

    _patch_bad(monkeypatch, stuck)
    with CheckPool(config(tmp_path), processes=1, file_seconds=0.5, grace=0.5, chunk=5) as pool:
        codes = _codes(pool, _entries(tmp_path))
        assert pool.replaced == 1
    assert codes[2] == ["file.too_complex"]
    assert all(c == [] for i, c in enumerate(codes) if i != 2)


def test_a_greedy_file_hits_the_memory_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cap = 256 * 1024 * 1024
    _patch_bad(monkeypatch, lambda: bytearray(4 * cap))
    with CheckPool(config(tmp_path), processes=1, memory_bytes=cap, chunk=5) as pool:
        codes = _codes(pool, _entries(tmp_path))
    assert codes[2] == ["file.too_complex"]
    assert all(c == [] for i, c in enumerate(codes) if i != 2)


def test_a_crashing_worker_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_bad(monkeypatch, lambda: os._exit(9))
    with CheckPool(config(tmp_path), processes=2, chunk=5) as pool:
        codes = _codes(pool, _entries(tmp_path))
        assert pool.replaced == 1
    assert codes[2] == ["file.too_complex"]
    assert all(c == [] for i, c in enumerate(codes) if i != 2)


def test_decimals_from_the_workers_are_shared_by_text_and_keep_their_exponent() -> None:
    import pickle
    from decimal import Decimal
    from multiprocessing.reduction import ForkingPickler

    from pipeline.night.pool import _register_reducers

    _register_reducers()
    sent = [Decimal("100.00"), Decimal("100.00"), Decimal("100.0"), Decimal("-0"), Decimal("0")]
    got = pickle.loads(ForkingPickler.dumps(sent))
    assert got == sent and [str(d) for d in got] == ["100.00", "100.00", "100.0", "-0", "0"]
    assert got[0] is got[1] and got[0] is not got[2] and got[3] is not got[4]


def test_chunks_are_large_while_plenty_is_left_and_shrink_towards_the_end() -> None:
    items = list(range(10_000))
    chunks = chunked(items, processes=2, largest=256)
    assert [i for c in chunks for i in c] == items  # every file once, in order
    sizes = [len(c) for c in chunks]
    assert sizes[0] == 256 and max(sizes) == 256
    assert sizes == sorted(sizes, reverse=True)  # never a long chunk after a short one
    assert all(size <= 16 for size in sizes[-5:])  # the last ones are short: the workers end together
    assert len(chunks) < 10_000 / 128  # and few pandera calls overall
    assert [len(c) for c in chunked(list(range(7)), processes=2, largest=2)] == [2, 2, 2, 1]
    assert chunked([], processes=2, largest=256) == []
