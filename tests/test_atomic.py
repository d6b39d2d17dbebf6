"""Every output is written through pipeline.atomic: whole or not at all, nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.night.housekeeping import sweep_temp_files
from pipeline.system.atomic import copy_atomically, write_atomically, write_bytes_atomically


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = write_bytes_atomically(tmp_path / "out" / "결과.xlsx", b"old")

    def half(temp: Path) -> None:
        temp.write_bytes(b"ne")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, half)
    assert target.read_bytes() == b"old" and [p.name for p in target.parent.iterdir()] == ["결과.xlsx"]


def test_a_copy_replaces_the_target_and_a_killed_write_is_swept(tmp_path: Path) -> None:
    src = write_bytes_atomically(tmp_path / "a.xlsx", b"new")
    dest = write_bytes_atomically(tmp_path / "b.xlsx", b"old")
    assert copy_atomically(src, dest).read_bytes() == b"new"
    left = tmp_path / f".{dest.name}.123.abcdef12.tmp"  # the name a killed process would leave
    left.write_bytes(b"half")
    assert sweep_temp_files([tmp_path]) == [left] and dest.read_bytes() == b"new"
